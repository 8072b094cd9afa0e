"""The header's navigation, as each kind of person sees it on each kind of page, stays what it was
before the domains contributed their own links (docs/decisions/0010-domains-plug-in.md).

navigation.txt was written by the site's context processor as it stood before the plug-in
registry (commit 11614c9), one line per person and page: each link with its address, `*` when
it is the active one, and after `||` the service desk's sections (`!` marks the current page).
A deliberate change to the navigation rewrites the file: BLUELAMP_WRITE_NAV_SNAPSHOT=1 pytest
bluelamp/site/tests/test_navigation.py, then read the diff.
"""

import datetime as dt
import difflib
import os
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import resolve
from django.utils import timezone

from bluelamp.core.timefmt import format_date, format_datetime
from bluelamp.organisations.api import licence_update, role_grant, unit_create
from bluelamp.people.api import ImportRun, run_import
from bluelamp.site.context_processors import navigation
from conftest import make_org, make_person

pytestmark = pytest.mark.django_db

HR_FILE = (
    b"staff_number,email,first_name,last_name,unit,rank,job_role,line_manager_staff_number,start_date,status\n"
    b"K9,nia@kent.police.uk,Nia,New,,Constable,,,2020-01-01,active\n"
)
SNAPSHOT = Path(__file__).with_name("navigation.txt")
PAGES = [
    "/",
    "/accessibility/",
    "/learning/",
    "/learning/courses/",
    "/learning/manage/",
    "/people/",
    "/organisations/kent/",
    "/organisations/licences/",
    "/audit/",
    "/service-desk/queue/",
    "/service-desk/support/",
    "/service-desk/tickets/BL-2026-000001/",
    "/service-desk/dashboard/",
    "/service-desk/closures/",
    "/service-desk/kb/",
    "/service-desk/my-tickets/",
]


def _cast(national, kent, alice, bob, charlie) -> dict:
    east = unit_create(actor=None, organisation=kent, name="East")
    unit_trainer = make_person(kent, "ut@kent.police.uk")
    role_grant(
        actor=None, person=unit_trainer, role="training_admin", organisation=kent, unit=east, as_operator=True
    )
    surrey = make_org("surrey", "Surrey Police", licences=("PL-P-200",))
    return {
        "anonymous": AnonymousUser(),
        "bob": bob,
        "alice": alice,
        "charlie": charlie,
        "kent training admin": make_person(kent, "ta@kent.police.uk", roles=["training_admin"]),
        "kent unit training admin": unit_trainer,
        "kent tutor": make_person(kent, "tu@kent.police.uk", roles=["tutor"]),
        "surrey admin (no PL-P-101)": make_person(
            surrey, "sa@surrey.police.uk", roles=["organisation_admin"]
        ),
        "platform admin": make_person(national, "pa@national.example", roles=["platform_admin"]),
        "national training admin": make_person(national, "nt@national.example", roles=["training_admin"]),
        "adviser": make_person(national, "ad@national.example", roles=["cc_adviser"]),
        "team leader": make_person(national, "tl@national.example", roles=["cc_team_leader"]),
        "engineer": make_person(national, "en@national.example", roles=["app_ops_engineer"]),
        "service manager": make_person(national, "sm@national.example", roles=["it_service_manager"]),
    }


def _line(name: str, user, path: str) -> str:
    request = RequestFactory().get(path)
    request.user = user
    request.resolver_match = resolve(path)
    context = navigation(request)
    header = " | ".join(f"{i['text']}={i['href']}{'*' if i['active'] else ''}" for i in context["nav_items"])
    section = context.get("section_nav") or {"items": []}
    sections = " | ".join(
        f"{i['text']}={i['href']}{'*' if i['active'] else ''}{'!' if i['current'] else ''}"
        for i in section["items"]
    )
    return f"{name} @ {path}: {header} || {sections}".rstrip()


def test_each_kind_of_person_sees_the_navigation_they_saw_before(national, kent, essex, alice, bob, charlie):
    people = _cast(national, kent, alice, bob, charlie)
    lines = [_line(name, person, path) for name, person in people.items() for path in PAGES]
    if os.environ.get("BLUELAMP_WRITE_NAV_SNAPSHOT"):
        SNAPSHOT.write_text("\n".join(lines) + "\n")
    expected = SNAPSHOT.read_text().splitlines()
    assert lines == expected, "\n".join(difflib.unified_diff(expected, lines, "before", "now", lineterm=""))


def test_the_desk_section_is_named_as_before(signed_in, national):
    lead = make_person(national, "tl@national.example", roles=["cc_team_leader"])
    html = signed_in(lead).get("/service-desk/queue/").text
    assert '<section aria-label="Service desk"' in html and 'data-testid="desk-nav"' in html
    assert 'id="desk-navigation"' in html and "Desk menu" in html
    assert 'aria-label="Service desk sections"' in html


def _main_text(html: str) -> str:
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).strip()


def test_home_page_cards_keep_their_order_and_audience(signed_in, kent, alice, bob):
    soon = timezone.localdate() + dt.timedelta(days=30)
    licence_update(actor=None, licence=kent.licences.get(type="PL-P-200"), ends_on=soon)
    run_import(actor=alice, organisation=kent, data=HR_FILE, file_name="hr.csv", dry_run=True)
    home = _main_text(signed_in(alice).get("/").text)
    run = ImportRun.objects.get()
    # As the page read before the domains contributed their cards.
    assert home.endswith(
        "People you manage 2 active , 0 leavers . "
        f"Recent HR imports hr.csv — Kent Police, {run.get_outcome_display()}, "
        + format_datetime(run.started_at)
        + " Licences ending in the next 90 days KENT-1 — Kent Police, "
        + f"PL-P-200 Digital Content Access Licence, ends {format_date(soon)}"
    ), home
    assert _main_text(signed_in(bob).get("/").text).endswith("Line manager Alice Admin")


def test_the_commands_enqueue_every_registered_job_and_those_from_before_the_registry(db):
    """run-daily / run-frequent / run-minutely enqueue what the domains registered, in order — at least the jobs
    they enqueued before the registry existed. A new domain's jobs need no change here."""
    import io

    from bluelamp.core.plugins import jobs

    for command, frequency, before in [
        (
            "run-daily",
            "daily",
            [
                "send_licence_reminders",
                "mark_expired_licences",
                "discard_stale_import_files",
                "discard_stale_history_files",
                "close_resolved_tickets",
            ],
        ),
        ("run-frequent", "frequent", ["check_service_levels"]),
        ("run-minutely", "minutely", ["take_health_sample"]),
    ]:
        out = io.StringIO()
        call_command(command, stdout=out)
        enqueued = [line.split()[1] for line in out.getvalue().splitlines()]
        assert enqueued == [task.name for task in jobs(frequency)]
        assert [name for name in enqueued if name in before] == before
