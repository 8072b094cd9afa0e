"""Building programmes and running cohorts through the pages (/programmes/manage/…): the
programmes a person runs, creating and changing one, retiring it, its overview, the draft's sets
and units, publishing, and cohorts; bad input named on its field with nothing written, and who is
told "not found"."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.db import connection

from bluelamp.learning.api import Enrolment
from bluelamp.programmes.models import Cohort, Place, Programme, ProgrammeUnit, ProgrammeVersion, UnitSet
from bluelamp.programmes.places import place_add
from bluelamp.programmes.structure import draft_of, publish_problems, version_start
from bluelamp.programmes.tests.helpers import AT, START, cmi_programme, cohort, page_course
from conftest import make_org, make_person

pytestmark = pytest.mark.django_db

# The pages' "now": a week after the builders' AT (2 November 2026), whatever today is.
NOW = AT + dt.timedelta(days=7)
MANAGE = "/programmes/manage/"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr("bluelamp.programmes.web.views_structure.now", lambda: NOW)


def text(response) -> str:
    """The page's main content as words, tags stripped and spaces collapsed."""
    page = response.content.decode()
    main = page[page.index("<main") : page.index("</main>")] if "<main" in page else page
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).strip())


def errors(response) -> list[str]:
    """The error summary's messages."""
    page = response.content.decode()
    start = page.find("govuk-error-summary__list")
    if start < 0:
        return []
    block = page[start : page.index("</ul>", start)]
    return [
        html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)).strip())
        for item in re.findall(r"<li>(.*?)</li>", block, re.S)
    ]


def follow(client, response):
    assert response.status_code == 302, response.status_code
    return client.get(response["Location"])


def url(programme, rest=""):
    return f"{MANAGE}{programme.uuid}/{rest}"


@pytest.fixture
def cmi(kent, alice):
    """Kent's CMI Level 7 certificate, published (version 1), with its four unit courses."""
    return cmi_programme(kent, alice)


@pytest.fixture
def programme(cmi):
    return cmi[0]


@pytest.fixture
def draft(programme, alice):
    """Version 2 of the CMI programme: a copy of version 1 to change."""
    return version_start(actor=alice, programme=programme, at=AT)


@pytest.fixture
def national_programme(national, platform_admin):
    """A national programme (PCDA-like), published, that forces with national content may take."""
    from bluelamp.programmes.structure import (
        ProgrammeInput,
        SetInput,
        UnitInput,
        programme_create,
        set_add,
        unit_add,
    )
    from bluelamp.programmes.structure import version_publish as publish

    programme = programme_create(
        actor=platform_admin,
        owner=national,
        data=ProgrammeInput(code="NAT-PCDA", title="Police Constable Degree Apprenticeship", level="Level 6"),
        at=AT,
    )
    course = page_course(national, platform_admin, code="NAT-101", title="Policing in context")
    unit_set = set_add(actor=platform_admin, version=draft_of(programme), data=SetInput(title="Year one"))
    unit_add(
        actor=platform_admin, unit_set=unit_set, data=UnitInput(course=course, credits=20, due_after_days=90)
    )
    publish(actor=platform_admin, version=draft_of(programme), at=AT)
    programme.refresh_from_db()
    return programme


@pytest.fixture
def erin(essex):
    """Essex's training administrator: she runs national programmes for Essex's people."""
    return make_person(essex, "erin@essex.police.uk", first="Erin", last="Trainer", roles=["training_admin"])


# --- the programmes a person runs ----------------------------------------------------------------


def test_the_list_shows_each_programme_run_with_its_people(signed_in, kent, alice, bob, programme):
    spring = cohort(programme, kent, alice)
    place_add(actor=alice, programme=programme, person=bob, cohort=spring, at=AT)

    response = signed_in(alice).get(MANAGE)

    assert response.status_code == 200
    words = text(response)
    assert "Create a programme" in words
    assert (
        "CMI Level 7 Certificate in Strategic Leadership CMI-L7 Kent Police Level 7 CMI Published "
        "Version 1 published 2 November 2026 1 0"
    ) in words
    assert url(programme) in response.content.decode()


def test_the_list_says_when_there_is_none(signed_in, alice):
    words = text(signed_in(alice).get(MANAGE))
    assert "You run no programmes yet. Create one, add its units and publish it." in words


def test_the_list_costs_the_same_queries_for_more_programmes(signed_in, kent, alice, programme):
    client = signed_in(alice)

    def count() -> int:
        queries: list[str] = []

        def record(execute, sql, params, many, context):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            assert client.get(MANAGE).status_code == 200
        return len(queries)

    one = count()
    cmi_programme(kent, alice, code="CMI-L6")
    cmi_programme(kent, alice, code="CMI-L8")
    assert count() == one


def test_the_header_links_administrators_to_programmes(signed_in, alice, bob):
    assert f'href="{MANAGE}"' in signed_in(alice).get("/").content.decode()
    assert f'href="{MANAGE}"' not in signed_in(bob).get("/").content.decode()


def test_people_who_run_nothing_are_told_not_found(signed_in, bob):
    client = signed_in(bob)
    assert client.get(MANAGE).status_code == 404
    assert client.get(f"{MANAGE}new/").status_code == 404


def test_a_force_sees_national_programmes_it_runs_not_other_forces(
    signed_in, kent, alice, programme, national_programme, erin
):
    words = text(signed_in(erin).get(MANAGE))
    assert "Police Constable Degree Apprenticeship" in words
    assert "You run your organisation's cohorts and people" in words
    assert "CMI-L7" not in words


# --- creating a programme ---------------------------------------------------------------------------


def test_creating_a_programme_starts_its_draft(signed_in, kent, alice):
    client = signed_in(alice)
    form = client.get(f"{MANAGE}new/")
    assert form.status_code == 200
    assert "Owner" not in text(form)  # Alice manages one organisation: Kent's, without asking

    response = client.post(
        f"{MANAGE}new/",
        {
            "code": "cmi-l7",
            "title": "CMI Level 7 Certificate in Strategic Leadership",
            "summary": "For senior leaders.",
            "level": "Level 7",
            "awarding_body": "CMI",
            "qualification_size": "certificate",
            "credit_total": "20",
            "applications_open": "on",
            "contact_email": "leadership@kent.police.uk",
        },
    )

    programme = Programme.objects.get()
    assert response["Location"] == url(programme, "structure/")
    assert (programme.owner, programme.code, programme.credit_total, programme.status) == (
        kent,
        "CMI-L7",
        20,
        "draft",
    )
    assert programme.applications_open and programme.created_at == NOW
    assert list(programme.versions.values_list("number", "published_at")) == [(1, None)]
    words = text(client.get(response["Location"]))
    assert "Created CMI-L7 CMI Level 7 Certificate in Strategic Leadership, in draft." in words
    assert "Version 1, a draft." in words


def test_bad_details_are_named_and_nothing_is_created(signed_in, alice):
    response = signed_in(alice).post(
        f"{MANAGE}new/",
        {
            "code": "CMI L7!",
            "title": "Strategic leadership",
            "qualification_size": "diploma",
            "credit_total": "twenty",
            "contact_email": "not an address",
        },
    )

    assert response.status_code == 400
    assert errors(response) == [
        "“twenty” is not a number of credits: enter a whole number from 1 to 1000, or leave it empty",
        "Enter the e-mail address in the right format, like name@example.police.uk",
    ]
    body = response.content.decode()
    assert 'value="CMI L7!"' in body and 'value="twenty"' in body and 'value="Strategic leadership"' in body
    assert not Programme.objects.exists()


def test_the_service_names_a_bad_code(signed_in, alice):
    response = signed_in(alice).post(
        f"{MANAGE}new/", {"code": "CMI L7!", "title": "Strategic leadership", "qualification_size": "diploma"}
    )

    assert response.status_code == 400
    assert errors(response) == [
        "“CMI L7!” is not a code: use letters, digits and hyphens, up to 40, e.g. CMI-L7-CERT."
    ]
    assert not Programme.objects.exists()


def test_a_code_used_already_is_refused_on_its_field(signed_in, alice, programme):
    response = signed_in(alice).post(
        f"{MANAGE}new/", {"code": "cmi-l7", "title": "Another", "qualification_size": "award"}
    )

    assert response.status_code == 400
    assert errors(response) == ["Kent Police already has a programme CMI-L7."]
    assert Programme.objects.count() == 1


def test_a_control_character_is_refused(signed_in, alice):
    response = signed_in(alice).post(
        f"{MANAGE}new/", {"code": "X-1", "title": "Bell\x07", "qualification_size": "award"}
    )

    assert response.status_code == 400
    assert errors(response) == [
        "This contains a control character (U+0007), which is not accepted. Use letters, digits, spaces and "
        "punctuation, on one line."
    ]
    assert not Programme.objects.exists()


def test_a_national_administrator_chooses_the_owner(signed_in, national, kent, platform_admin):
    client = signed_in(platform_admin)
    body = client.get(f"{MANAGE}new/").content.decode()
    assert body.index(">National body<") < body.index(">Kent Police<")

    response = client.post(
        f"{MANAGE}new/",
        {
            "owner": str(national.pk),
            "code": "NAT-1",
            "title": "National pathway",
            "qualification_size": "pathway",
        },
    )

    assert response.status_code == 302
    assert Programme.objects.get().owner == national


def test_an_owner_not_offered_is_refused(signed_in, kent, essex, platform_admin):
    response = signed_in(platform_admin).post(
        f"{MANAGE}new/", {"owner": "999999", "code": "X-1", "title": "X", "qualification_size": "award"}
    )
    assert response.status_code == 400
    assert errors(response) == [
        "“999999” is not an organisation you may make programmes for: choose one from the list"
    ]


# --- changing, retiring ---------------------------------------------------------------------------------


def test_changing_the_details(signed_in, alice, programme):
    client = signed_in(alice)
    form = client.get(url(programme, "edit/"))
    assert 'value="CMI-L7"' in form.content.decode()

    response = client.post(
        url(programme, "edit/"),
        {
            "code": "CMI-L7",
            "title": "CMI Level 7 Certificate",
            "qualification_size": "certificate",
            "credit_total": "",
        },
    )

    assert response["Location"] == url(programme)
    programme.refresh_from_db()
    assert (programme.title, programme.credit_total, programme.applications_open) == (
        "CMI Level 7 Certificate",
        None,
        False,
    )
    assert "Saved the details of CMI-L7 CMI Level 7 Certificate." in text(client.get(url(programme)))


def test_bad_changes_keep_what_was_typed_and_change_nothing(signed_in, kent, alice, programme):
    cmi_programme(kent, alice, code="CMI-L8")

    response = signed_in(alice).post(
        url(programme, "edit/"), {"code": "CMI-L8", "title": "Renamed", "qualification_size": "certificate"}
    )

    assert response.status_code == 400
    assert errors(response) == ["Kent Police already has a programme CMI-L8."]
    assert 'value="Renamed"' in response.content.decode()
    assert "Change CMI-L7" in text(response)
    programme.refresh_from_db()
    assert (programme.code, programme.title) == ("CMI-L7", "CMI Level 7 Certificate in Strategic Leadership")


def test_retiring_and_bringing_back(signed_in, alice, programme):
    client = signed_in(alice)

    words = text(follow(client, client.post(url(programme, "edit/"), {"status": "retired"})))
    programme.refresh_from_db()
    assert programme.status == "retired"
    assert "Retired CMI-L7: no one new can apply or be placed." in words
    assert "Bring CMI-L7 back" in words

    words = text(follow(client, client.post(url(programme, "edit/"), {"status": "published"})))
    programme.refresh_from_db()
    assert programme.status == "published"
    assert "CMI-L7 is open again" in words


def test_a_draft_programme_cannot_be_brought_back_without_a_version(signed_in, kent, alice):
    from bluelamp.programmes.structure import ProgrammeInput, programme_create

    programme = programme_create(
        actor=alice, owner=kent, data=ProgrammeInput(code="NEW-1", title="New"), at=AT
    )

    words = text(
        follow(signed_in(alice), signed_in(alice).post(url(programme, "edit/"), {"status": "published"}))
    )

    assert "Publish a version first." in words
    programme.refresh_from_db()
    assert programme.status == "draft"


# --- the overview -----------------------------------------------------------------------------------------


def test_the_overview_shows_versions_structure_cohorts_and_people(
    signed_in, kent, alice, bob, programme, draft
):
    spring = cohort(programme, kent, alice, places=12)
    place_add(actor=alice, programme=programme, person=bob, cohort=spring, at=AT)

    response = signed_in(alice).get(url(programme))

    assert response.status_code == 200
    words = text(response)
    assert "Code CMI-L7 Change code" in words
    assert "Credits needed 20 Change credits needed" in words
    assert "Version 2 Draft: not published 0" in words
    assert "Version 1 Current 2 November 2026 First version 1" in words
    assert "Structure of version 1" in words
    assert (
        "1. Mandatory units Every unit, in any order. Units of Mandatory units "
        "Unit Credits Due CMI-L7-701 Strategic leadership 6 60 days after the start"
    ) in words
    assert "2. Optional units At least 1 of these 2 units, in any order." in words
    assert "CMI-L7-703 Developing a strategic organisational culture 7 No due date" in words
    assert "Spring 2027 Kent Police 2 November 2026 People in Spring 2027: 1 of 12" in words
    assert "On the programme 1 on the programme Completed 0" in words
    body = response.content.decode()
    assert f"/certificates/manage/new/?achievement=programme:{programme.uuid}" in body
    assert url(programme, f"places/?cohort={spring.uuid}") in body
    assert url(programme, "structure/") in body


def test_a_force_running_a_national_programme_sees_no_change_links(
    signed_in, kent, alice, national_programme, erin, essex
):
    response = signed_in(erin).get(url(national_programme))

    assert response.status_code == 200
    words = text(response)
    assert "National body builds this programme." in words
    assert "Change code" not in words and "Change the structure" not in words
    assert signed_in(erin).get(url(national_programme, "edit/")).status_code == 404
    assert signed_in(erin).get(url(national_programme, "structure/")).status_code == 404


# --- the draft: sets and units ----------------------------------------------------------------------------


def test_a_published_structure_offers_a_new_version(signed_in, alice, programme):
    client = signed_in(alice)
    words = text(client.get(url(programme, "structure/")))
    assert "Every version is published: version 1 is the one new places take." in words
    assert "People already on the programme keep their version" in words

    words = text(follow(client, client.post(url(programme, "structure/"), {"action": "start"})))

    draft = draft_of(programme)
    assert draft is not None and draft.number == 2 and draft.created_at == NOW
    assert draft.sets.count() == 2 and ProgrammeUnit.objects.filter(unit_set__version=draft).count() == 4
    assert "Started version 2 of CMI-L7, a copy of the current one." in words
    assert "Version 2, a draft. Version 1 stays the current one until you publish this" in words


def test_adding_a_set(signed_in, alice, programme, draft):
    client = signed_in(alice)
    response = client.post(
        url(programme, "structure/"),
        {
            "action": "add_set",
            "title": "Electives",
            "rule": "credits",
            "required_credits": "7",
            "sequence": "any",
        },
    )

    added = draft.sets.get(title="Electives")
    assert response["Location"] == url(programme, f"structure/#set-{added.pk}")
    assert (added.order, added.rule, added.required_credits) == (3, "credits", 7)
    words = text(client.get(url(programme, "structure/")))
    assert "3. Electives At least 7 credits from these units, in any order." in words
    assert "The set “Electives” has no units." in words  # publish_problems


def test_a_set_without_its_number_is_refused_on_the_field(signed_in, alice, programme, draft):
    response = signed_in(alice).post(
        url(programme, "structure/"),
        {
            "action": "add_set",
            "title": "Electives",
            "rule": "units",
            "required_units": "",
            "sequence": "ordered",
        },
    )

    assert response.status_code == 400
    assert errors(response) == ["Enter how many units of the set must be completed (1 to 200)."]
    assert 'value="Electives"' in response.content.decode()
    assert not draft.sets.filter(title="Electives").exists()


def test_adding_a_unit_offers_published_courses_of_the_owner_and_national_ones(
    signed_in, kent, essex, national, alice, platform_admin, programme, draft
):
    kent_course = page_course(kent, alice, code="CMI-L7-705", title="Coaching")
    national_course = page_course(national, platform_admin, code="NAT-9", title="Ethics")
    essex_admin = make_person(essex, "eve@essex.police.uk", roles=["organisation_admin"])
    essex_course = page_course(essex, essex_admin, code="ESSEX-1", title="Essex only")
    optional = draft.sets.get(title="Optional units")
    client = signed_in(alice)

    body = client.get(url(programme, "structure/")).content.decode()
    assert f'value="{kent_course.uuid}"' in body
    assert f'value="{national_course.uuid}">NAT-9 Ethics (National body)' in body
    assert f'value="{essex_course.uuid}"' not in body
    assert ">CMI-L7-701 Strategic leadership</option>" not in body  # a unit of the version already

    prefix = f"unit{optional.pk}"
    response = client.post(
        url(programme, "structure/"),
        {
            "action": "add_unit",
            "unit_set": str(optional.pk),
            f"{prefix}-course": str(kent_course.uuid),
            f"{prefix}-credits": "7",
            f"{prefix}-due_after_days": "200",
        },
    )

    assert response["Location"] == url(programme, f"structure/#set-{optional.pk}")
    unit = optional.units.get(course=kent_course)
    assert (unit.order, unit.credits, unit.due_after_days) == (3, 7, 200)
    assert "Added CMI-L7-705 Coaching to “Optional units”." in text(client.get(response["Location"]))


def test_a_bad_unit_is_refused_on_its_fields_and_kept(signed_in, kent, alice, programme, draft):
    course = page_course(kent, alice, code="CMI-L7-705", title="Coaching")
    optional = draft.sets.get(title="Optional units")
    prefix = f"unit{optional.pk}"

    response = signed_in(alice).post(
        url(programme, "structure/"),
        {
            "action": "add_unit",
            "unit_set": str(optional.pk),
            f"{prefix}-course": str(course.uuid),
            f"{prefix}-credits": "600",
            f"{prefix}-due_after_days": "soon",
        },
    )

    assert response.status_code == 400
    assert errors(response) == [
        "“soon” is not a number of days: enter a whole number from 0 to 3650, or leave it empty"
    ]
    assert 'value="soon"' in response.content.decode()
    assert '<details class="govuk-details" open>' in response.content.decode()

    response = signed_in(alice).post(
        url(programme, "structure/"),
        {
            "action": "add_unit",
            "unit_set": str(optional.pk),
            f"{prefix}-course": str(course.uuid),
            f"{prefix}-credits": "600",
        },
    )
    assert response.status_code == 400
    assert errors(response) == ["600 credits: enter 0 to 500."]
    assert not optional.units.filter(course=course).exists()


def test_a_course_not_offered_is_refused(signed_in, essex, alice, programme, draft):
    essex_admin = make_person(essex, "eve@essex.police.uk", roles=["organisation_admin"])
    essex_course = page_course(essex, essex_admin, code="ESSEX-1", title="Essex only")
    optional = draft.sets.get(title="Optional units")
    prefix = f"unit{optional.pk}"

    response = signed_in(alice).post(
        url(programme, "structure/"),
        {
            "action": "add_unit",
            "unit_set": str(optional.pk),
            f"{prefix}-course": str(essex_course.uuid),
            f"{prefix}-credits": "7",
        },
    )

    assert response.status_code == 400
    assert errors(response)[0].startswith(f"“{essex_course.uuid}” is not a course you can add here")
    assert not optional.units.filter(course=essex_course).exists()


def test_changing_moving_and_removing_a_set(signed_in, alice, programme, draft):
    mandatory, optional = draft.sets.order_by("order")
    client = signed_in(alice)
    page = url(programme, f"structure/sets/{optional.pk}/")

    assert 'value="Optional units"' in client.get(page).content.decode()
    response = client.post(
        page,
        {"action": "save", "title": "Options", "rule": "units", "required_units": "2", "sequence": "any"},
    )
    assert response["Location"] == url(programme, f"structure/#set-{optional.pk}")
    optional.refresh_from_db()
    assert (optional.title, optional.required_units) == ("Options", 2)

    client.post(page, {"action": "up"})
    assert list(draft.sets.order_by("order").values_list("title", flat=True)) == [
        "Options",
        "Mandatory units",
    ]

    confirm = client.get(f"{page}?confirm=remove")
    assert "Remove the set “Options”? Its 2 units go with it." in text(confirm)
    words = text(follow(client, client.post(page, {"action": "remove"})))
    assert "Removed the set “Options” from the draft." in words
    assert list(draft.sets.values_list("title", "order")) == [("Mandatory units", 1)]
    assert programme.current_version.sets.count() == 2  # version 1 keeps its sets


def test_a_bad_set_change_is_named_and_changes_nothing(signed_in, alice, programme, draft):
    optional = draft.sets.get(title="Optional units")

    response = signed_in(alice).post(
        url(programme, f"structure/sets/{optional.pk}/"),
        {"action": "save", "title": "", "rule": "credits", "required_credits": "x", "sequence": "any"},
    )

    assert response.status_code == 400
    assert errors(response) == [
        "Enter the set's title, e.g. Mandatory units",
        "“x” is not a number of credits: enter a whole number, 1 or more",
    ]
    optional.refresh_from_db()
    assert (optional.title, optional.rule) == ("Optional units", "units")


def test_changing_moving_and_removing_a_unit(signed_in, alice, programme, draft):
    unit = ProgrammeUnit.objects.get(unit_set__version=draft, course__code="CMI-L7-702")
    client = signed_in(alice)
    page = url(programme, f"structure/units/{unit.pk}/")

    response = client.post(page, {"action": "save", "credits": "8", "due_after_days": ""})
    assert response["Location"] == url(programme, f"structure/#set-{unit.unit_set_id}")
    unit.refresh_from_db()
    assert (unit.credits, unit.due_after_days) == (8, None)

    client.post(page, {"action": "up"})
    assert list(unit.unit_set.units.order_by("order").values_list("course__code", flat=True)) == [
        "CMI-L7-702",
        "CMI-L7-701",
    ]

    assert "Remove the unit CMI-L7-702 Leading strategic change?" in text(
        client.get(f"{page}?confirm=remove")
    )
    client.post(page, {"action": "remove"})
    assert list(unit.unit_set.units.values_list("course__code", "order")) == [("CMI-L7-701", 1)]


def test_a_bad_unit_change_changes_nothing(signed_in, alice, programme, draft):
    unit = ProgrammeUnit.objects.get(unit_set__version=draft, course__code="CMI-L7-702")

    response = signed_in(alice).post(
        url(programme, f"structure/units/{unit.pk}/"),
        {"action": "save", "credits": "", "due_after_days": "4000"},
    )

    assert response.status_code == 400
    assert errors(response) == [
        "Enter the unit's credits, 0 if it carries none",
    ]
    response = signed_in(alice).post(
        url(programme, f"structure/units/{unit.pk}/"),
        {"action": "save", "credits": "7", "due_after_days": "4000"},
    )
    assert errors(response) == ["4000 days: enter 0 to 3650, or leave it empty."]
    unit.refresh_from_db()
    assert (unit.credits, unit.due_after_days) == (7, 120)


def test_a_published_version_is_not_changed(signed_in, alice, programme):
    published = programme.current_version.sets.get(title="Optional units")
    unit = published.units.first()
    client = signed_in(alice)

    for page in (f"structure/sets/{published.pk}/", f"structure/units/{unit.pk}/"):
        response = client.post(url(programme, page), {"action": "remove"})
        assert response["Location"] == url(programme, "structure/")
    assert "That version is published now, so it cannot change" in text(
        client.get(url(programme, "structure/"))
    )
    assert published.units.count() == 2 and UnitSet.objects.filter(pk=published.pk).exists()


def test_a_set_of_another_programme_is_not_found(signed_in, kent, alice, programme, draft):
    other, _ = cmi_programme(kent, alice, code="CMI-L8")
    other_draft = version_start(actor=alice, programme=other, at=AT)
    foreign = other_draft.sets.first()
    unit = foreign.units.first()

    client = signed_in(alice)
    assert client.get(url(programme, f"structure/sets/{foreign.pk}/")).status_code == 404
    assert client.post(url(programme, f"structure/units/{unit.pk}/"), {"action": "remove"}).status_code == 404
    assert foreign.units.count() == 2


# --- publishing -------------------------------------------------------------------------------------------


def test_publishing_shows_what_changes_and_publishes(signed_in, kent, alice, programme, draft):
    from bluelamp.programmes.structure import UnitInput, unit_add, unit_remove, unit_update

    optional = draft.sets.get(title="Optional units")
    unit_add(
        actor=alice,
        unit_set=optional,
        data=UnitInput(course=page_course(kent, alice, code="CMI-L7-705", title="Coaching"), credits=7),
    )
    unit_remove(actor=alice, unit=optional.units.get(course__code="CMI-L7-704"))
    unit_update(
        actor=alice,
        unit=ProgrammeUnit.objects.get(unit_set=draft.sets.first(), order=1),
        credits=8,
        due_after_days=60,
    )
    client = signed_in(alice)

    words = text(client.get(url(programme, "publish/")))
    assert "Publish version 2 of CMI-L7" in words
    assert "Added: CMI-L7-705 Coaching (7 credits, no due date), in “Optional units”" in words
    assert "Removed: CMI-L7-704 Strategic approaches to partnerships" in words
    assert "Changed: CMI-L7-701 Strategic leadership: credits 6 → 8" in words

    response = client.post(url(programme, "publish/"), {"notes": "Coaching replaces partnerships."})

    assert response["Location"] == url(programme)
    programme.refresh_from_db()
    draft.refresh_from_db()
    assert programme.current_version == draft
    assert (draft.published_at, draft.notes) == (NOW, "Coaching replaces partnerships.")
    assert "Published version 2 of CMI-L7. New places take it" in text(client.get(url(programme)))


def test_a_draft_with_problems_is_not_published(signed_in, kent, alice):
    from bluelamp.programmes.structure import ProgrammeInput, SetInput, programme_create, set_add

    programme = programme_create(
        actor=alice, owner=kent, data=ProgrammeInput(code="NEW-1", title="New", credit_total=20), at=AT
    )
    set_add(actor=alice, version=draft_of(programme), data=SetInput(title="Core"))
    client = signed_in(alice)

    words = text(client.get(url(programme, "publish/")))
    assert "It cannot be published yet The set “Core” has no units." in words
    assert "What changed (optional)" not in words

    response = client.post(url(programme, "publish/"), {"notes": "First"})

    assert response.status_code == 400
    assert errors(response) == publish_problems(draft_of(programme))
    assert "The set “Core” has no units." in errors(response)
    assert not ProgrammeVersion.objects.filter(programme=programme, published_at__isnull=False).exists()
    programme.refresh_from_db()
    assert programme.status == "draft"


def test_publishing_without_a_draft_says_so(signed_in, alice, programme):
    client = signed_in(alice)
    words = text(follow(client, client.get(url(programme, "publish/"))))
    assert "There is no draft to publish: start a new version, change it, then publish it." in words


# --- cohorts ------------------------------------------------------------------------------------------------


def test_creating_a_cohort(signed_in, kent, alice, programme):
    client = signed_in(alice)
    words = text(client.get(url(programme, "cohorts/")))
    assert "No cohorts yet." in words and "For the people of Kent Police." in words

    response = client.post(
        url(programme, "cohorts/"), {"name": "Spring 2027", "starts_on": "1/3/2027", "places": "20"}
    )

    assert response["Location"] == url(programme, "cohorts/")
    created = Cohort.objects.get()
    assert (created.organisation, created.starts_on, created.places, created.created_at) == (
        kent,
        dt.date(2027, 3, 1),
        20,
        NOW,
    )
    words = text(client.get(response["Location"]))
    assert "Created the cohort Spring 2027, starting on 1 March 2027." in words
    assert "Spring 2027 1 March 2027 0 of 20" in words


def test_bad_cohorts_are_named_and_not_created(signed_in, kent, alice, programme):
    cohort(programme, kent, alice, name="Spring 2027")
    client = signed_in(alice)

    response = client.post(
        url(programme, "cohorts/"), {"name": "Autumn", "starts_on": "31/02/2027", "places": "0"}
    )
    assert response.status_code == 400
    assert errors(response) == [
        "Enter the start as a real date, for example 2/3/2027",
        "0 places: enter 1 or more, or leave it empty for no limit",
    ]
    assert 'value="Autumn"' in response.content.decode()

    response = client.post(url(programme, "cohorts/"), {"name": "Autumn", "starts_on": "1/9/1027"})
    assert errors(response) == [
        "1027-09-01 is not a date that can be used here: give a date from 1 January 2000 to 31 December 2100."
    ]

    response = client.post(url(programme, "cohorts/"), {"name": "Spring 2027", "starts_on": "1/3/2027"})
    assert errors(response) == ["Kent Police already has a cohort “Spring 2027” of CMI-L7."]
    assert Cohort.objects.count() == 1


def test_moving_a_cohort_moves_its_peoples_due_dates(signed_in, kent, alice, bob, programme, cmi):
    spring = cohort(programme, kent, alice)
    place_add(actor=alice, programme=programme, person=bob, cohort=spring, at=AT)
    enrolment = Enrolment.objects.get(person=bob, course=cmi[1]["701"])
    assert enrolment.due_on == START + dt.timedelta(days=60)
    client = signed_in(alice)
    page = url(programme, f"cohorts/{spring.uuid}/")
    assert "1 person is on it or applying to it." in text(client.get(page))

    response = client.post(page, {"name": "Spring 2027 (late)", "starts_on": "2026-12-01", "places": "10"})

    assert response["Location"] == url(programme, "cohorts/")
    spring.refresh_from_db()
    assert (spring.name, spring.starts_on, spring.places) == ("Spring 2027 (late)", dt.date(2026, 12, 1), 10)
    enrolment.refresh_from_db()
    assert enrolment.due_on == dt.date(2026, 12, 1) + dt.timedelta(days=60)
    words = text(client.get(response["Location"]))
    assert "It starts on 1 December 2026 now: the due dates of the people on it moved with it." in words


def test_a_cohort_cannot_shrink_below_its_people(signed_in, kent, alice, bob, programme):
    spring = cohort(programme, kent, alice)
    place_add(actor=alice, programme=programme, person=bob, cohort=spring, at=AT)
    other = make_person(kent, "carol@kent.police.uk", first="Carol")
    place_add(actor=alice, programme=programme, person=other, cohort=spring, at=AT)

    response = signed_in(alice).post(
        url(programme, f"cohorts/{spring.uuid}/"), {"name": "Spring", "starts_on": "2/11/2026", "places": "1"}
    )

    assert response.status_code == 400
    assert errors(response) == ["1 places: the cohort has 2 people on it or applying."]
    spring.refresh_from_db()
    assert (spring.name, spring.places) == ("Spring 2027", None)


def test_a_force_runs_its_own_cohorts_of_a_national_programme(
    signed_in, kent, essex, national, platform_admin, national_programme, erin
):
    cohort(national_programme, kent, platform_admin, name="Kent intake")
    client = signed_in(erin)

    response = client.get(url(national_programme, "cohorts/"))
    words = text(response)
    assert "For the people of Essex Police." in words
    assert "Kent intake" not in words

    client.post(url(national_programme, "cohorts/"), {"name": "Essex intake", "starts_on": "4/1/2027"})
    assert Cohort.objects.get(name="Essex intake").organisation == essex
    kent_cohort = Cohort.objects.get(name="Kent intake")
    assert client.get(url(national_programme, f"cohorts/{kent_cohort.uuid}/")).status_code == 404


def test_a_national_administrator_chooses_where_a_cohort_is(
    signed_in, kent, essex, national, platform_admin, national_programme
):
    make_org("surrey", "Surrey Police", licences=("PL-P-101",))  # no national content
    client = signed_in(platform_admin)
    body = client.get(url(national_programme, "cohorts/")).content.decode()
    assert ">Essex Police<" in body and ">Kent Police<" in body and ">Surrey Police<" not in body

    client.post(
        url(national_programme, "cohorts/"),
        {"organisation": str(kent.pk), "name": "Kent intake", "starts_on": "4/1/2027"},
    )
    assert Cohort.objects.get(name="Kent intake").organisation == kent


# --- outsiders ------------------------------------------------------------------------------------------------


def test_an_outsider_reaches_none_of_a_programmes_pages(signed_in, kent, alice, charlie, programme, draft):
    spring = cohort(programme, kent, alice)
    unit_set = draft.sets.first()
    unit = unit_set.units.first()
    client = signed_in(charlie)
    pages = [
        "",
        "edit/",
        "structure/",
        f"structure/sets/{unit_set.pk}/",
        f"structure/units/{unit.pk}/",
        "publish/",
        "cohorts/",
        f"cohorts/{spring.uuid}/",
    ]
    for page in pages:
        assert client.get(url(programme, page)).status_code == 404, page
        if not page:
            continue  # the overview only reads
        assert (
            client.post(url(programme, page), {"action": "remove", "status": "retired"}).status_code == 404
        ), page
    assert "CMI-L7" not in text(client.get(MANAGE))
    programme.refresh_from_db()
    assert programme.status == "published" and draft.sets.count() == 2 and unit_set.units.count() == 2
    assert Place.objects.count() == 0
