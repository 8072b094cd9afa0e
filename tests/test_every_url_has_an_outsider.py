"""Every route has an outsider (STYLE.md practice 3; docs/decisions/0010-domains-plug-in.md).

An outsider is a person signed in whose organisation is not the one that owns what a route shows
or changes. Here Kent owns the data (Alice administers Kent, Bob is a Kent officer: his
enrolments, learner record, tickets; Kent's units, licences, courses, imports) and the national
body owns the service desk's own records (problems, the knowledge base, canned responses, saved
filters, major incidents, closures). The outsiders are Essex's Charlie, an organisation
administrator (every administrative permission, in Essex), and Dave, an Essex officer. Each route
of the URLconf is requested as each of them, and as someone signed out, with the outcome that
`ROUTES` states for it:

- `REFUSED`: "not found" (404), exactly as for something that does not exist; signed out, the
  sign-in page (pages) or 401/403 (the API).
- `OWN`: the route serves everyone signed in with their own things (their learning, their
  tickets, a form to fill in, a list scoped to them): it answers, and nothing of Kent's or of the
  desk's appears in it. Signed out, the sign-in page or 401/403.
- `PUBLIC`: the same, and also signed out (the licence check, public help articles...).

A route in the URLconf without an entry fails `test_every_route_has_an_outsider_case`: a new
route needs its outsider before it ships. A domain may keep its cases with itself, in
`bluelamp/<domain>/tests/outsiders.py` (a `CASES` dict like `ROUTES`, and a `build(world)` that
adds its own data to the world), so that adding a domain touches nothing here.

Routes are keyed by their pattern with every parameter written `<>` (`people/<>/`), whatever its
converter, name, or regex (the REST API's router): the key survives a view moving between
packages or a reverse name changing namespace.

Each kind of outsider is one test that builds the world through the project's services and
walks the whole table itself: nothing is collected across tests, so the verdict is the same
however pytest-xdist (-n 2) shares the tests between its workers.
"""

import datetime as dt
import importlib
import io
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from conftest import force_sign_in, make_org, make_person, with_mfa

REFUSED = "refused"
OWN = "own"
PUBLIC = "public"
OPEN = "open"  # signed out only: a bearer link, e.g. the survey link in an e-mail
SIGNED = "signed"  # a machine's call that must carry a signature (a payment webhook): else 400

# What is Kent's or the desk's in the world below: none of it may reach an outsider.
SECRETS = [
    "KENTONLY",
    "DESKONLY",
    "bob@kent.police.uk",
    "alice@kent.police.uk",
    "Bob Officer",
    "Alice Admin",
    "KENT-0",
    "KENT-1",
    "Kent Police",  # except where organisations are named in public (Case.names_organisations)
]

# Not ours to test here, and why.
EXCLUDED_PREFIXES = {
    # django-allauth's pages act only on the signed-in person's own account (sign-in, password,
    # e-mail, two-factor); the SAML/OIDC ones start a sign-in anyone may start. None takes an
    # object of an organisation. bluelamp/people/tests/test_every_sign_in_route.py sweeps them.
    "accounts/": "django-allauth: the person's own account, or the start of a sign-in",
    # Django admin's own views: AdminSite.admin_view sends anyone who is not staff to the admin's
    # login page before any view runs (test_django_admin_sends_outsiders_to_sign_in below).
    "django-admin/": "Django admin: staff only, before any view runs",
}


@dataclass(frozen=True)
class Case:
    """How to reach a route for Kent's (or the desk's) object, and what an outsider gets."""

    url: Callable[[SimpleNamespace], str]
    outsider: str
    methods: tuple[str, ...] = ("get",)
    why: str = ""  # for OWN and PUBLIC: what the route is for, when everyone may reach it
    signed_out: str = ""  # OPEN for a bearer link; otherwise as `outsider` says (module docstring)
    names_organisations: bool = False  # lists organisations by name in public (the licence check)
    # What of Kent's the route shows to whoever holds the unguessable key in its address, by
    # design (the name printed on a certificate, to whoever has its code): not a leak.
    bearer_shows: tuple[str, ...] = ()
    json: dict | None = None  # a POST's JSON body (default: an empty form)
    headers: dict | None = None


def _get(url):
    return Case(url, REFUSED)


def _post(url):
    return Case(url, REFUSED, methods=("post",))


def _form(url):
    return Case(url, REFUSED, methods=("get", "post"))


def _ticket(w, rest=""):
    return f"/service-desk/tickets/{w.ticket.reference}/{rest}"


ROUTES: dict[str, Case] = {
    # --- site ------------------------------------------------------------------------------------
    "": Case(lambda w: "/", PUBLIC, why="home: a welcome signed out; signed in, the person's own details"),
    "licence-check/": Case(
        lambda w: "/licence-check/?organisation=kent&type=PL-P-101",
        PUBLIC,
        names_organisations=True,
        why="does an organisation hold a licence, and until when: public by design",
    ),
    "accessibility/": Case(lambda w: "/accessibility/", PUBLIC, why="accessibility statement"),
    "audit/": Case(lambda w: "/audit/", OWN, why="the audit log of the reader's own organisation"),
    # --- organisations ---------------------------------------------------------------------------
    "organisations/": _get(lambda w: "/organisations/"),
    "organisations/add/": _form(lambda w: "/organisations/add/"),
    "organisations/units/": Case(lambda w: "/organisations/units/", OWN, why="the reader's own units"),
    "organisations/units/<>/": _form(lambda w: f"/organisations/units/{w.unit.pk}/"),
    "organisations/licences/": Case(
        lambda w: "/organisations/licences/", OWN, why="the reader's own organisation's licences"
    ),
    "organisations/licences/add/": _form(lambda w: "/organisations/licences/add/"),
    "organisations/licences/<>/": _form(lambda w: f"/organisations/licences/{w.licence.pk}/"),
    "organisations/licence-contacts/<>/remove/": _post(
        lambda w: f"/organisations/licence-contacts/{w.licence_contact.pk}/remove/"
    ),
    "organisations/roles/": Case(
        lambda w: "/organisations/roles/", OWN, why="role holders in the reader's own scope"
    ),
    "organisations/roles/<>/revoke/": _form(lambda w: f"/organisations/roles/{w.role.pk}/revoke/"),
    "organisations/<>/": _form(lambda w: "/organisations/kent/"),
    "organisations/<>/logo": Case(
        lambda w: "/organisations/kent/logo",
        PUBLIC,
        why="an organisation's logo is its public branding (shown before sign-in on its host)",
    ),
    "organisations/<>/single-sign-on/": _form(lambda w: "/organisations/kent/single-sign-on/"),
    # --- people ----------------------------------------------------------------------------------
    "people/": Case(lambda w: "/people/", OWN, why="people in the reader's own scope"),
    "people/me/": Case(lambda w: "/people/me/", OWN, why="the reader's own profile"),
    "people/me/equality/": Case(
        lambda w: "/people/me/equality/",
        OWN,
        methods=("get", "post"),
        why="the reader's own equality answers",
    ),
    "people/add/": Case(
        lambda w: "/people/add/",
        OWN,
        methods=("get", "post"),
        why="add a person to the reader's own organisation",
    ),
    "people/import/": Case(
        lambda w: "/people/import/",
        OWN,
        methods=("get", "post"),
        why="an HR import for the reader's own organisation",
    ),
    "people/import/<>/": _get(lambda w: f"/people/import/{w.import_run.uuid}/"),
    "people/import/<>/apply/": _post(lambda w: f"/people/import/{w.import_run.uuid}/apply/"),
    "people/<>/": _get(lambda w: f"/people/{w.bob.pk}/"),
    "people/<>/edit/": _form(lambda w: f"/people/{w.bob.pk}/edit/"),
    "people/<>/transfer/": _form(lambda w: f"/people/{w.bob.pk}/transfer/"),
    # --- learning --------------------------------------------------------------------------------
    "learning/": Case(lambda w: "/learning/", OWN, why="the reader's own learning"),
    "learning/courses/": Case(
        lambda w: "/learning/courses/",
        OWN,
        why="the catalogue: national courses and the reader's own force's",
    ),
    "learning/courses/<>/": _get(lambda w: f"/learning/courses/{w.course.uuid}/"),
    "learning/courses/<>/enrol/": _post(lambda w: f"/learning/courses/{w.course.uuid}/enrol/"),
    "learning/courses/<>/leave/": _post(lambda w: f"/learning/courses/{w.course.uuid}/leave/"),
    "learning/enrolments/<>/activities/<>/": _get(
        lambda w: f"/learning/enrolments/{w.enrolment.uuid}/activities/{w.activity.pk}/"
    ),
    "learning/enrolments/<>/activities/<>/done/": _post(
        lambda w: f"/learning/enrolments/{w.enrolment.uuid}/activities/{w.activity.pk}/done/"
    ),
    "learning/enrolments/<>/activities/<>/open/": _get(
        lambda w: f"/learning/enrolments/{w.enrolment.uuid}/activities/{w.activity.pk}/open/"
    ),
    "learning/enrolments/<>/activities/<>/play/<>/": _get(
        lambda w: (
            f"/learning/enrolments/{w.scorm_enrolment.uuid}/activities/{w.scorm_activity.pk}/play/{w.sco.pk}/"
        )
    ),
    "learning/scorm/sessions/<>/commit/": Case(
        lambda w: f"/learning/scorm/sessions/{w.sco_session.uuid}/commit/",
        REFUSED,
        methods=("post",),
        # A commit as the player sends it, so that the refusal is the session's owner check.
        json={"sequence": 1, "cmi": {"core": {"lesson_location": "2"}}},
        headers={"Origin": "http://testserver"},
    ),
    "learning/manage/": Case(lambda w: "/learning/manage/", OWN, why="the courses the reader manages"),
    "learning/manage/new/": Case(
        lambda w: "/learning/manage/new/",
        OWN,
        methods=("get", "post"),
        why="a new course of the reader's own",
    ),
    "learning/manage/team/": Case(lambda w: "/learning/manage/team/", OWN, why="the reader's own team"),
    "learning/manage/team/enrolments/<>/unenrol/": _post(
        lambda w: f"/learning/manage/team/enrolments/{w.enrolment.uuid}/unenrol/"
    ),
    "learning/manage/<>/": _get(lambda w: f"/learning/manage/{w.course.uuid}/"),
    "learning/manage/<>/edit/": _form(lambda w: f"/learning/manage/{w.course.uuid}/edit/"),
    "learning/manage/<>/status/": _post(lambda w: f"/learning/manage/{w.course.uuid}/status/"),
    "learning/manage/<>/versions/new/": _post(lambda w: f"/learning/manage/{w.course.uuid}/versions/new/"),
    "learning/manage/<>/draft/": _post(lambda w: f"/learning/manage/{w.course.uuid}/draft/"),
    "learning/manage/<>/draft/publish/": _post(lambda w: f"/learning/manage/{w.course.uuid}/draft/publish/"),
    "learning/manage/<>/draft/activities/new/<>/": _form(
        lambda w: f"/learning/manage/{w.course.uuid}/draft/activities/new/page/"
    ),
    "learning/manage/<>/draft/activities/<>/": _form(
        lambda w: f"/learning/manage/{w.course.uuid}/draft/activities/{w.draft_activity.pk}/"
    ),
    "learning/manage/<>/draft/activities/<>/move/": _post(
        lambda w: f"/learning/manage/{w.course.uuid}/draft/activities/{w.draft_activity.pk}/move/"
    ),
    "learning/manage/<>/draft/activities/<>/remove/": _post(
        lambda w: f"/learning/manage/{w.course.uuid}/draft/activities/{w.draft_activity.pk}/remove/"
    ),
    "learning/manage/<>/enrolments/": _get(lambda w: f"/learning/manage/{w.course.uuid}/enrolments/"),
    "learning/manage/<>/enrolments/people/": _post(
        lambda w: f"/learning/manage/{w.course.uuid}/enrolments/people/"
    ),
    "learning/manage/<>/enrolments/unit/": _post(
        lambda w: f"/learning/manage/{w.course.uuid}/enrolments/unit/"
    ),
    "learning/manage/<>/enrolments/csv/": _post(
        lambda w: f"/learning/manage/{w.course.uuid}/enrolments/csv/"
    ),
    "learning/manage/<>/enrolments/<>/unenrol/": _post(
        lambda w: f"/learning/manage/{w.course.uuid}/enrolments/{w.enrolment.uuid}/unenrol/"
    ),
    "learning/records/": Case(lambda w: "/learning/records/", OWN, why="the reader's own learner record"),
    "learning/records/add/": Case(
        lambda w: "/learning/records/add/", OWN, methods=("get", "post"), why="CPD on the reader's own record"
    ),
    "learning/records/people/<>/": _get(lambda w: f"/learning/records/people/{w.bob.pk}/"),
    "learning/records/people/<>/add/": _form(lambda w: f"/learning/records/people/{w.bob.pk}/add/"),
    "learning/records/people/<>/record.csv": _get(
        lambda w: f"/learning/records/people/{w.bob.pk}/record.csv"
    ),
    "learning/records/people/<>/record.pdf": _get(
        lambda w: f"/learning/records/people/{w.bob.pk}/record.pdf"
    ),
    "learning/records/entries/<>/evidence/": _get(
        lambda w: f"/learning/records/entries/{w.completion.uuid}/evidence/"
    ),
    "learning/records/entries/<>/remove/": _form(
        lambda w: f"/learning/records/entries/{w.completion.uuid}/remove/"
    ),
    "learning/records/import/": Case(
        lambda w: "/learning/records/import/",
        OWN,
        methods=("get", "post"),
        why="a learning-history import for the reader's own organisation",
    ),
    "learning/records/import/<>/": _get(lambda w: f"/learning/records/import/{w.history_run.uuid}/"),
    "learning/records/import/<>/apply/": _post(
        lambda w: f"/learning/records/import/{w.history_run.uuid}/apply/"
    ),
    # --- service desk ----------------------------------------------------------------------------
    "service-desk/": Case(lambda w: "/service-desk/", OWN, why="leads to support for anyone not desk staff"),
    "service-desk/support/": Case(
        lambda w: "/service-desk/support/", PUBLIC, methods=("get", "post"), why="anyone may ask for help"
    ),
    "service-desk/support/sent/": Case(lambda w: "/service-desk/support/sent/", PUBLIC, why="thank you page"),
    "service-desk/support/priority/": Case(
        lambda w: "/service-desk/support/priority/?impact=one_person&urgency=work_stopped",
        PUBLIC,
        why="the priority an impact and urgency suggest: no data",
    ),
    "service-desk/my-tickets/": Case(
        lambda w: "/service-desk/my-tickets/", OWN, why="the reader's own tickets"
    ),
    "service-desk/my-tickets/<>/": _form(lambda w: f"/service-desk/my-tickets/{w.ticket.reference}/"),
    "service-desk/my-tickets/<>/survey/": _form(
        lambda w: f"/service-desk/my-tickets/{w.ticket.reference}/survey/"
    ),
    "service-desk/survey/<>/": Case(
        lambda w: f"/service-desk/survey/{w.survey_token}/",
        REFUSED,
        methods=("get", "post"),
        signed_out=OPEN,
        why="the link in Bob's e-mail opens his survey without signing in (the signed token is the key)",
    ),
    "service-desk/help/": Case(
        lambda w: "/service-desk/help/?q=internal", PUBLIC, why="public help articles; internal ones never"
    ),
    "service-desk/help/suggestions/": Case(
        lambda w: "/service-desk/help/suggestions/?q=internal",
        PUBLIC,
        why="public articles suggested while typing; internal ones never",
    ),
    "service-desk/help/<>/": _get(lambda w: f"/service-desk/help/{w.internal_article.slug}/"),
    "service-desk/kb/": _get(lambda w: "/service-desk/kb/"),
    "service-desk/kb/new/": _form(lambda w: "/service-desk/kb/new/"),
    "service-desk/kb/<>/": _get(lambda w: f"/service-desk/kb/{w.internal_article.slug}/"),
    "service-desk/kb/<>/edit/": _form(lambda w: f"/service-desk/kb/{w.internal_article.slug}/edit/"),
    "service-desk/kb/<>/<>/": _post(lambda w: f"/service-desk/kb/{w.internal_article.slug}/retire/"),
    "service-desk/problems/": _get(lambda w: "/service-desk/problems/"),
    "service-desk/problems/new/": _form(lambda w: "/service-desk/problems/new/"),
    "service-desk/problems/<>/": _get(lambda w: f"/service-desk/problems/{w.problem.reference}/"),
    "service-desk/problems/<>/<>/": _post(lambda w: f"/service-desk/problems/{w.problem.reference}/resolve/"),
    "service-desk/tickets/<>/link-problem/": _post(lambda w: _ticket(w, "link-problem/")),
    "service-desk/tickets/<>/attachments/<>/": _get(lambda w: _ticket(w, f"attachments/{w.attachment.pk}/")),
    "service-desk/queue/": _get(lambda w: "/service-desk/queue/"),
    "service-desk/queue/filters/": _post(lambda w: "/service-desk/queue/filters/"),
    "service-desk/queue/filters/<>/": _get(lambda w: f"/service-desk/queue/filters/{w.saved_filter.pk}/"),
    "service-desk/queue/filters/<>/delete/": _post(
        lambda w: f"/service-desk/queue/filters/{w.saved_filter.pk}/delete/"
    ),
    "service-desk/queue/bulk/": _post(lambda w: "/service-desk/queue/bulk/"),
    "service-desk/canned-responses/": _form(lambda w: "/service-desk/canned-responses/"),
    "service-desk/canned-responses/<>/": _form(lambda w: f"/service-desk/canned-responses/{w.canned.pk}/"),
    "service-desk/tickets/<>/": _form(lambda w: _ticket(w)),
    "service-desk/tickets/<>/<>/": _post(lambda w: _ticket(w, "note/")),
    "service-desk/calls/new/": _form(lambda w: "/service-desk/calls/new/"),
    "service-desk/major-incidents/": _get(lambda w: "/service-desk/major-incidents/"),
    "service-desk/major-incidents/<>/": _get(lambda w: f"/service-desk/major-incidents/{w.incident.uuid}/"),
    "service-desk/major-incidents/<>/<>/": _post(
        lambda w: f"/service-desk/major-incidents/{w.incident.uuid}/entry/"
    ),
    "service-desk/tickets/<>/major-incident/declare/": _form(lambda w: _ticket(w, "major-incident/declare/")),
    "service-desk/tickets/<>/complaint/resolve/": _post(lambda w: _ticket(w, "complaint/resolve/")),
    "service-desk/tickets/<>/identity/check/": _post(lambda w: _ticket(w, "identity/check/")),
    "service-desk/tickets/<>/identity/password-reset/": _post(
        lambda w: _ticket(w, "identity/password-reset/")
    ),
    "service-desk/tickets/<>/identity/challenge-code/": _post(
        lambda w: _ticket(w, "identity/challenge-code/")
    ),
    "service-desk/tickets/<>/identity/check-code/": _form(lambda w: _ticket(w, "identity/check-code/")),
    "service-desk/dashboard/": _get(lambda w: "/service-desk/dashboard/"),
    "service-desk/dashboard/export/<>.<>": _get(lambda w: "/service-desk/dashboard/export/kpis.csv"),
    "service-desk/closures/": _form(lambda w: "/service-desk/closures/"),
    "service-desk/closures/<>/remove/": _post(lambda w: f"/service-desk/closures/{w.closure.pk}/remove/"),
    # --- REST API --------------------------------------------------------------------------------
    "api/v1/": Case(lambda w: "/api/v1/", OWN, why="the API's index of endpoints"),
    "api/v1/licence-check/": Case(
        lambda w: "/api/v1/licence-check/?organisation=kent&type=PL-P-101",
        PUBLIC,
        names_organisations=True,
        why="the public licence check as JSON",
    ),
    "api/v1/schema/": Case(lambda w: "/api/v1/schema/", PUBLIC, why="the OpenAPI document: no data"),
    "api/v1/docs/": Case(lambda w: "/api/v1/docs/", PUBLIC, why="the API reference: no data"),
    "api/v1/redoc/": Case(lambda w: "/api/v1/redoc/", PUBLIC, why="redirects to the API reference"),
    "api/v1/organisations/": Case(
        lambda w: "/api/v1/organisations/", OWN, why="organisations in the reader's scope"
    ),
    "api/v1/organisations/<>/": _get(lambda w: "/api/v1/organisations/kent/"),
    "api/v1/licences/": Case(lambda w: "/api/v1/licences/", OWN, why="licences in the reader's scope"),
    "api/v1/licences/<>/": _get(lambda w: f"/api/v1/licences/{w.licence.pk}/"),
    "api/v1/units/": Case(lambda w: "/api/v1/units/", OWN, why="units in the reader's scope"),
    "api/v1/units/<>/": _get(lambda w: f"/api/v1/units/{w.unit.pk}/"),
    "api/v1/people/": Case(lambda w: "/api/v1/people/", OWN, why="people in the reader's scope"),
    "api/v1/people/<>/": _get(lambda w: f"/api/v1/people/{w.bob.pk}/"),
    "api/v1/people/<>/roles/": _get(lambda w: f"/api/v1/people/{w.bob.pk}/roles/"),
    "api/v1/people/<>/transcript/": _get(lambda w: f"/api/v1/people/{w.bob.pk}/transcript/"),
    "api/v1/courses/": Case(lambda w: "/api/v1/courses/", OWN, why="courses the reader may see"),
    "api/v1/courses/<>/": _get(lambda w: f"/api/v1/courses/{w.course.uuid}/"),
    "api/v1/enrolments/": Case(lambda w: "/api/v1/enrolments/", OWN, why="enrolments in the reader's scope"),
    "api/v1/enrolments/<>/": _get(lambda w: f"/api/v1/enrolments/{w.enrolment.uuid}/"),
    "api/v1/enrolments/<>/progress/": _get(lambda w: f"/api/v1/enrolments/{w.enrolment.uuid}/progress/"),
    "api/v1/enrolments/<>/withdraw/": _post(lambda w: f"/api/v1/enrolments/{w.enrolment.uuid}/withdraw/"),
    "api/tokens/": Case(
        lambda w: "/api/tokens/", OWN, methods=("get", "post"), why="the reader's own API tokens"
    ),
    "api/tokens/<>/revoke/": _post(lambda w: f"/api/tokens/{w.token.uuid}/revoke/"),
}


# --- the URLconf -----------------------------------------------------------------------------------


def route_key(pattern: str) -> str:
    """A route's pattern with every parameter as `<>` and without regex anchors or escapes:
    `people/<int:person_id>/` and `^people/(?P<pk>[0-9]+)/$` both read `people/<>/`."""
    key = re.sub(r"\(\?P<\w+>(?:[^()]|\([^()]*\))*\)", "<>", pattern)
    key = re.sub(r"<[^<>]+>", "<>", key)
    return key.replace("^", "").replace("$", "").replace("\\", "")


def urlconf_routes() -> list[str]:
    def walk(patterns, prefix):
        for entry in patterns:
            here = prefix + route_key(str(entry.pattern))
            if any(here.startswith(excluded) for excluded in EXCLUDED_PREFIXES):
                continue
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, here)
            elif isinstance(entry, URLPattern):
                yield here

    return list(walk(get_resolver().url_patterns, ""))


def _domain_modules():
    """Each app's `tests/outsiders.py`, where a domain keeps the cases of its own routes."""
    for config in apps.get_app_configs():
        if not config.name.startswith("bluelamp."):
            continue
        try:
            yield importlib.import_module(f"{config.name}.tests.outsiders")
        except ModuleNotFoundError as missing:
            if missing.name not in (f"{config.name}.tests", f"{config.name}.tests.outsiders"):
                raise


def all_cases() -> dict[str, Case]:
    cases = dict(ROUTES)
    for module in _domain_modules():
        twice = set(cases) & set(module.CASES)
        assert not twice, f"{module.__name__} repeats routes of the table here: {sorted(twice)}"
        cases.update(module.CASES)
    return cases


def test_route_keys_ignore_converters_names_and_regexes():
    assert route_key("people/<int:person_id>/") == "people/<>/"
    assert route_key("^people/(?P<pk>[0-9]+)/$") == "people/<>/"
    assert route_key("export/<slug:dataset>.<slug:fmt>") == "export/<>.<>"


def test_every_route_has_an_outsider_case():
    routes, cases = urlconf_routes(), all_cases()
    alike = sorted(route for route, n in Counter(routes).items() if n > 1)
    assert not alike, f"Routes that differ only in their parameters (one case cannot cover both): {alike}"
    routes = set(routes)
    missing = sorted(routes - set(cases))
    assert not missing, (
        "Routes without an outsider case (add each to ROUTES in tests/test_every_url_has_an_outsider.py, "
        "or to its domain's tests/outsiders.py: how to reach it for Kent's data, and what an outsider "
        "gets):\n  " + "\n  ".join(missing)
    )
    stale = sorted(set(cases) - routes)
    assert not stale, "Outsider cases for routes that no longer exist:\n  " + "\n  ".join(stale)
    for route, case in cases.items():
        assert case.outsider in (REFUSED, OWN, PUBLIC, SIGNED), route
        assert case.outsider == REFUSED or case.why, f"{route}: say why everyone may reach it"


# --- the world -------------------------------------------------------------------------------------

HR_FILE = (
    b"staff_number,email,first_name,last_name,unit,rank,job_role,line_manager_staff_number,start_date,status\n"
    b"K9,kentonly.new@kent.police.uk,Kentonly,New,,Constable,,,2020-01-01,active\n"
)
HISTORY_FILE = b"staff_number,course_code,completed_on\nK2,KENTONLY-1,2025-01-02\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def build_world() -> SimpleNamespace:
    """Kent's data and the desk's, built through the project's services, and the outsiders."""
    from bluelamp.learning.api import (
        activity_add,
        course_create,
        course_import_scorm,
        draft_version,
        enrol_people,
        enrol_self,
        import_history,
        record_external,
        sco_launch,
        version_publish,
        version_start,
    )
    from bluelamp.learning.scorm.samples import build_package
    from bluelamp.organisations.api import licence_contact_add, organisation_update, role_grant, unit_create
    from bluelamp.people.api import ImportRun, run_import
    from bluelamp.restapi.services import api_token_create
    from bluelamp.servicedesk.api import article_create, ticket_create
    from bluelamp.servicedesk.incidents.services import major_incident_declare
    from bluelamp.servicedesk.models import Article
    from bluelamp.servicedesk.problems.services import problem_create
    from bluelamp.servicedesk.survey.links import survey_token
    from bluelamp.servicedesk.tickets.services import canned_response_save, saved_filter_create
    from bluelamp.workingtime.api import extra_closure_create

    w = SimpleNamespace()
    w.national = make_org("national", "National body", licences=())
    w.national.kind = "national_body"
    w.national.save(update_fields=["kind"])
    kent = w.kent = make_org("kent", "Kent Police", host_name="kent.learn.example")
    essex = make_org("essex", "Essex Police")
    alice = w.alice = make_person(
        kent,
        "alice@kent.police.uk",
        first="Alice",
        last="Admin",
        staff_number="K1",
        roles=["organisation_admin"],
    )
    bob = w.bob = make_person(
        kent, "bob@kent.police.uk", first="Bob", last="Officer", staff_number="K2", line_manager=alice
    )
    w.charlie = make_person(
        essex,
        "charlie@essex.police.uk",
        first="Charlie",
        last="Outsider",
        staff_number="E1",
        roles=["organisation_admin"],
    )
    w.dave = make_person(essex, "dave@essex.police.uk", first="Dave", last="Essex", staff_number="E2")
    adviser = make_person(
        w.national, "adam@national.example", first="Adam", last="Adviser", roles=["cc_adviser"]
    )
    lead = make_person(
        w.national, "ivy@national.example", first="Ivy", last="Manager", roles=["it_service_manager"]
    )

    # Organisations and people.
    organisation_update(
        actor=None, organisation=kent, logo=SimpleUploadedFile("kent.png", PNG, content_type="image/png")
    )
    w.unit = unit_create(actor=alice, organisation=kent, name="KENTONLY East")
    w.licence = kent.licences.get(type="PL-P-101")
    w.licence_contact = licence_contact_add(
        actor=None, licence=w.licence, name="KENTONLY Contact", email="contact@kent.police.uk"
    )
    w.role = role_grant(actor=None, person=bob, role="tutor", organisation=kent, as_operator=True)
    run_import(actor=alice, organisation=kent, data=HR_FILE, file_name="kentonly-hr.csv", dry_run=True)
    w.import_run = ImportRun.objects.get(organisation=kent)

    # Learning: Kent's own course (a page) and a SCORM one, Bob enrolled on both.
    w.course = course_create(actor=alice, owner=kent, code="KENTONLY-1", title="KENTONLY course")
    activity_add(
        actor=alice, version=draft_version(w.course), kind="page", title="KENTONLY page", body="KENTONLY text"
    )
    version_publish(actor=alice, version=draft_version(w.course))
    w.enrolment = enrol_people(actor=alice, course=w.course, people=[bob]).enrolled[0]
    w.activity = w.enrolment.version.activities.get()
    w.draft_activity = version_start(actor=alice, course=w.course).activities.get()
    scorm_course, _ = course_import_scorm(
        actor=None,
        owner=kent,
        code="KENTONLY-2",
        upload=io.BytesIO(build_package("1.2", title="KENTONLY SCORM")),
        file_name="kentonly.zip",
    )
    w.scorm_enrolment = enrol_self(person=bob, course=scorm_course)
    w.scorm_activity = w.scorm_enrolment.version.activities.get()
    w.sco = w.scorm_activity.scorm_package.scos.order_by("order").first()
    w.sco_session = sco_launch(enrolment=w.scorm_enrolment, activity=w.scorm_activity, sco=w.sco).session
    w.completion = record_external(
        actor=bob,
        person=bob,
        title="KENTONLY CPD",
        completed_on=dt.date(2025, 3, 15),
        evidence=SimpleUploadedFile("kentonly.pdf", PDF, content_type="application/pdf"),
    )
    w.history_run = import_history(
        actor=alice, organisation=kent, data=HISTORY_FILE, apply=False, file_name="kentonly-history.csv"
    ).run

    # The service desk: Bob's ticket (with an attachment), a P1 declared a major incident, and
    # the desk's own records.
    w.ticket = ticket_create(
        actor=bob,
        type="incident",
        subject="KENTONLY ticket",
        description="KENTONLY description",
        attachments=[SimpleUploadedFile("kentonly.txt", b"KENTONLY attachment\n")],
    )
    w.attachment = w.ticket.attachments.get()
    p1 = ticket_create(
        actor=bob,
        type="incident",
        subject="KENTONLY outage",
        description="KENTONLY everything is down",
        impact="whole_service",
        urgency="work_stopped",
    )
    w.incident = major_incident_declare(actor=lead, ticket=p1, summary="DESKONLY incident")
    w.problem = problem_create(actor=adviser, title="DESKONLY problem", description="DESKONLY cause")
    w.internal_article = article_create(
        actor=adviser,
        title="DESKONLY internal article",
        body="DESKONLY internal body",
        audience=Article.Audience.INTERNAL,
        publish=True,
    )
    w.canned = canned_response_save(actor=adviser, title="DESKONLY canned", body="DESKONLY body", shared=True)
    w.saved_filter = saved_filter_create(actor=adviser, name="DESKONLY filter", query="q=DESKONLY")
    # A fixed working Tuesday years ahead: today + n days could be a weekend or bank holiday.
    w.closure = extra_closure_create(actor=lead, date=dt.date(2031, 3, 11), reason="DESKONLY closure")
    # The link in Bob's "resolved" e-mail: it opens the survey without signing in, but signed in
    # as someone else the ticket does not exist.
    w.survey_token = survey_token(w.ticket)
    w.token, _ = api_token_create(actor=alice, name="KENTONLY token", expires_in_days=None)
    for module in _domain_modules():
        if hasattr(module, "build"):
            module.build(w)
    return w


# --- the outsiders ---------------------------------------------------------------------------------

OUTSIDERS = ["charlie", "dave", "signed out"]


def _request(client, method: str, url: str, case: Case):
    kwargs = {"headers": case.headers or {}}
    if method == "post" and case.json is not None:
        kwargs.update(data=json.dumps(case.json), content_type="application/json")
    return getattr(client, method)(url, **kwargs)


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


def _problem(case: Case, outsider: str, response) -> str:
    """What is wrong with `response` to `outsider`, or ""."""
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    signed_out = outsider == "signed out"
    expected = case.signed_out or case.outsider if signed_out else case.outsider
    if expected == OPEN:
        return "" if status == 200 else f"{status}, but the link opens for whoever holds it"
    body = _body(response)
    secrets = [
        s
        for s in SECRETS
        if s in body and not (s == "Kent Police" and case.names_organisations) and s not in case.bearer_shows
    ]
    if secrets:
        return f"{status} showing {', '.join(secrets)}"
    if expected == PUBLIC:
        return "" if status < 400 else f"{status}, but the route is public"
    if case.outsider == SIGNED:
        return "" if status == 400 else f"{status}, but a call without a valid signature must be refused"
    if signed_out:
        # Pages send people to sign in (or say "not found"); the API answers 401/403.
        sign_in = status == 302 and response["Location"].startswith("/accounts/login/")
        refused = status in (401, 403, 404) or sign_in
        return "" if refused or (expected == OWN and status == 302) else f"{status} while signed out"
    if expected == REFUSED:
        return "" if status == 404 else f"{status} instead of 404"
    return ""  # OWN: whatever the route answers its own people, nothing of Kent's in it


@pytest.mark.django_db
@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_outsiders_reach_nothing_of_kent_or_of_the_desk(outsider):
    from bluelamp.organisations.api import requires_mfa

    w = build_world()
    client = Client()
    if outsider != "signed out":
        person = getattr(w, outsider)
        if requires_mfa(person):
            with_mfa(person)
        force_sign_in(client, person)
    problems = []
    for route, case in sorted(all_cases().items()):
        url = case.url(w)
        for method in case.methods:
            problem = _problem(case, outsider, _request(client, method, url, case))
            if problem:
                problems.append(f"{method.upper()} {url} (route {route or '/'}, {case.outsider}): {problem}")
    assert not problems, f"As {outsider}:\n  " + "\n  ".join(problems)


def test_django_admin_sends_outsiders_to_sign_in(signed_in, bob, charlie):
    response = signed_in(charlie).get(f"/django-admin/people/person/{bob.pk}/change/")
    assert response.status_code == 302 and "/login/" in response["Location"]
