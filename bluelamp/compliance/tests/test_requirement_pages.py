"""The requirements' pages: the list, a requirement's page, create and edit (with the audience
preview), retire and restore; who may use them and who gets "not found"."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bluelamp.audit.api import AuditEvent
from bluelamp.compliance.models import Assignment, Requirement
from bluelamp.compliance.tests.helpers import AT, complete_course, make_requirement
from bluelamp.learning.tests.courses import publish_course
from bluelamp.organisations.api import role_grant, unit_create
from bluelamp.people.api import person_update
from conftest import make_person

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
LIST = "/compliance/requirements/"
NEW = "/compliance/requirements/new/"


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch):
    monkeypatch.setattr("bluelamp.compliance.web.clock.now", lambda: NOW)


@pytest.fixture
def first_aid(kent, alice):
    return publish_course(kent, alice, "FA-101", title="First aid")


@pytest.fixture
def units(kent):
    east = unit_create(actor=None, organisation=kent, name="East")
    return {
        "east": east,
        "east_team": unit_create(actor=None, organisation=kent, name="Team 1", parent=east),
        "west": unit_create(actor=None, organisation=kent, name="West"),
    }


@pytest.fixture
def dan(kent, alice, units):
    person = make_person(
        kent, "dan@kent.police.uk", first="Dan", last="East", staff_number="K3", unit=units["east_team"]
    )
    return person_update(actor=alice, person=person, rank="Sergeant")


@pytest.fixture
def erin(kent, units):
    return make_person(
        kent, "erin@kent.police.uk", first="Erin", last="West", staff_number="K4", unit=units["west"]
    )


@pytest.fixture
def east_requirement(kent, alice, bob, dan, erin, units, first_aid):
    return make_requirement(
        kent,
        "FA",
        [first_aid],
        actor=alice,
        title="First aid for the East",
        audience={"units": [units["east"].id]},
        validity_months=12,
        window_days=60,
        first_due_days=90,
    )


def text(response) -> str:
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")] if "<main" in html else html
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).strip()


def preview_rows(response, key: str) -> list[str]:
    """The rows of the preview's table of those joining (or leaving): "name | staff number | unit"."""
    html = response.content.decode()
    start = html.find(f'id="preview-{key}-table"')
    if start < 0:
        return []
    table = html[start : html.index("</table>", start)]
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table, re.S)
    return [
        " | ".join(cell.strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S))
        for row in rows
        if "<td" in row
    ]


def form_data(first_aid, **changes) -> dict:
    data = {
        "code": "FA-NEW",
        "title": "First aid for everyone",
        "description": "",
        "courses": [str(first_aid.id)],
        f"min_version_{first_aid.id}": "",
        "audience": "all",
        "job_roles": "",
        "include": "",
        "exclude": "",
        "first_due_kind": "joining",
        "first_due_days": "90",
        "validity_months": "12",
        "window_days": "60",
        "due_soon_days": "30",
        "escalate_after_days": "14",
        "action": "save",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# --- the list -------------------------------------------------------------------------------------


def test_alice_sees_her_forces_requirements_with_their_settings_and_counts(
    signed_in, kent, essex, alice, charlie, east_requirement, first_aid
):
    essex_course = publish_course(essex, charlie, "ESSEXONLY-1")
    make_requirement(essex, "ESSEXONLY", [essex_course], actor=charlie)
    response = signed_in(alice).get(LIST)
    assert response.status_code == 200
    page = text(response)
    assert "FA First aid for the East Kent Police FA-101 12 months" in page
    assert "People in Kent Police in East (and everything below it)" in page
    assert "Active" in page and "1 assigned" in page  # Dan, in East's team
    assert "ESSEXONLY" not in page
    assert 'href="/compliance/requirements/new/"' in response.content.decode()


def test_the_list_filters_by_owner_and_state(signed_in, kent, alice, east_requirement, first_aid):
    make_requirement(kent, "OLD", [first_aid], actor=alice, title="Retired one")
    client = signed_in(alice)
    client.post(f"/compliance/requirements/{Requirement.objects.get(code='OLD').uuid}/retire/")
    assert "Retired one" not in text(client.get(LIST + "?state=active"))
    retired = text(client.get(LIST + "?state=retired"))
    assert "Retired one" in retired and "First aid for the East" not in retired
    assert "No requirements match." in text(client.get(LIST + "?owner=essex"))


def test_the_list_takes_as_many_queries_for_many_requirements_as_for_two(
    signed_in, kent, alice, bob, units, first_aid, django_assert_max_num_queries
):
    other = publish_course(kent, alice, "FA-102")
    first = make_requirement(kent, "R0", [first_aid], actor=alice, audience={"units": [units["east"].id]})

    def another(n):
        make_requirement(
            kent,
            f"R{n}",
            [first_aid, other],
            actor=alice,
            audience={"units": [units["west"].id], "ranks": ["Constable"], "requirements": [first.id]},
            validity_months=n,
        )

    another(1)
    client = signed_in(alice)
    client.get(LIST)  # the session and the caches warmed
    with django_assert_max_num_queries(25) as two:
        assert client.get(LIST).status_code == 200
    for n in range(2, 12):
        another(n)
    with django_assert_max_num_queries(len(two.captured_queries)):
        page = client.get(LIST)
    assert "R11" in text(page)


def test_a_learner_has_no_requirement_pages(signed_in, kent, bob, east_requirement, first_aid):
    client = signed_in(bob)
    assert client.get(LIST).status_code == 404
    assert client.get(NEW).status_code == 404
    assert client.post(NEW, form_data(first_aid)).status_code == 404
    assert client.get(f"/compliance/requirements/{east_requirement.uuid}/").status_code == 404
    assert not Requirement.objects.filter(code="FA-NEW").exists()
    assert "Mandatory training" not in client.get("/").content.decode()


def test_the_header_links_administrators_to_the_section(signed_in, alice):
    html = signed_in(alice).get("/").content.decode()
    assert "Mandatory training" in html


# --- outsiders ------------------------------------------------------------------------------------


def test_charlie_finds_none_of_kents_requirement_pages(signed_in, kent, charlie, east_requirement, first_aid):
    client = signed_in(charlie)
    base = f"/compliance/requirements/{east_requirement.uuid}/"
    missing = f"/compliance/requirements/{'0' * 8}-0000-0000-0000-{'0' * 12}/"
    for url in (base, base + "edit/", base + "retire/", base + "restore/"):
        assert client.get(url).status_code == 404, url
        assert client.get(url.replace(base, missing)).status_code == 404
    assert client.post(base + "edit/", form_data(first_aid, action="preview")).status_code == 404
    assert client.post(base + "edit/", form_data(first_aid, code="HACKED")).status_code == 404
    assert client.post(base + "retire/").status_code == 404
    east_requirement.refresh_from_db()
    assert east_requirement.code == "FA" and east_requirement.state == "active"
    assert "First aid for the East" not in text(client.get(LIST))


def test_a_national_requirement_is_seen_by_forces_but_changed_only_nationally(
    signed_in, kent, alice, bob, national, platform_admin
):
    national_course = publish_course(national, platform_admin, "NAT-1")
    requirement = make_requirement(national, "NAT", [national_course], actor=platform_admin)
    client = signed_in(alice)
    page = text(client.get(LIST))
    assert "NAT Requirement NAT National body" in page
    detail = client.get(f"/compliance/requirements/{requirement.uuid}/")
    assert detail.status_code == 200 and "Everyone in every force that holds the PL-P-200 licence" in text(
        detail
    )
    assert "/edit/" not in detail.content.decode()
    assert client.get(f"/compliance/requirements/{requirement.uuid}/edit/").status_code == 404
    assert client.post(f"/compliance/requirements/{requirement.uuid}/retire/").status_code == 404


# --- create and edit ------------------------------------------------------------------------------


def test_alice_creates_a_requirement_and_its_audience_is_assigned(
    signed_in, kent, alice, bob, dan, first_aid
):
    client = signed_in(alice)
    form = client.get(NEW)
    assert form.status_code == 200
    html = form.content.decode()
    assert "FA-101 First aid" in html and "Preview who this applies to" in html
    assert "East/Team 1" in html  # units by their full path
    # The national ranks and grades, in their order.
    ranks = re.findall(r'name="ranks" type="checkbox" value="([^"]+)"', html)
    assert ranks[:3] == ["Police Constable", "Sergeant", "Inspector"] and "Police Staff SO1" in ranks
    response = client.post(NEW, form_data(first_aid, auto_enrol="on"))
    requirement = Requirement.objects.get(code="FA-NEW")
    assert (
        response.status_code == 302
        and response["Location"] == f"/compliance/requirements/{requirement.uuid}/"
    )
    assert requirement.owner == kent and requirement.validity_months == 12 and requirement.auto_enrol
    assert requirement.first_due_days == 90 and requirement.audience == {"all": True}
    assigned = set(
        Assignment.objects.filter(requirement=requirement, in_audience=True).values_list(
            "person__email", flat=True
        )
    )
    assert assigned == {"alice@kent.police.uk", "bob@kent.police.uk", "dan@kent.police.uk"}
    assert AuditEvent.objects.filter(action="compliance.requirement_created").count() == 1
    page = text(client.get(response["Location"]))
    assert "FA-NEW created." in page
    assert (
        "Valid for 12 months; recertify in the 60 days before expiry; first due 90 days after joining" in page
    )


def test_rules_named_people_and_dates_are_saved_as_the_audience(
    signed_in, kent, alice, bob, dan, erin, units, first_aid
):
    client = signed_in(alice)
    response = client.post(
        NEW,
        form_data(
            first_aid,
            audience="rules",
            units=[str(units["east"].id)],
            ranks=["Sergeant"],
            job_roles="Response officer\n\nDetective \n",
            started_from="2020-01-01",
            started_to="31/12/2024",
            include="K2\nerin@KENT.police.uk",
            exclude="K3",
            first_due_kind="date",
            first_due_date="2026-06-30",
            validity_months="",
            window_days="",
            **{f"min_version_{first_aid.id}": "1"},
        ),
    )
    assert response.status_code == 302, text(response)
    requirement = Requirement.objects.get(code="FA-NEW")
    assert requirement.audience == {
        "units": [units["east"].id],
        "ranks": ["Sergeant"],
        "job_roles": ["Detective", "Response officer"],
        "started_from": "2020-01-01",
        "started_to": "2024-12-31",
        "include": sorted([bob.id, erin.id]),
        "exclude": [dan.id],
    }
    assert requirement.first_due_kind == "date" and requirement.first_due_date == dt.date(2026, 6, 30)
    assert requirement.validity_months is None and requirement.window_days == 0
    assert requirement.course_links.get().min_version == 1
    members = set(
        Assignment.objects.filter(requirement=requirement, in_audience=True).values_list("person", flat=True)
    )
    assert members == {bob.id, erin.id}
    # The edit form shows it as it was typed (people by staff number).
    html = client.get(f"/compliance/requirements/{requirement.uuid}/edit/").content.decode()
    assert "K2\nK4</textarea>" in html or "K4\nK2</textarea>" in html
    assert "Response officer" in html and 'value="2026-06-30"' in html


def test_errors_are_shown_against_their_fields_with_what_was_typed_kept(
    signed_in, kent, alice, bob, first_aid
):
    response = signed_in(alice).post(
        NEW,
        form_data(
            first_aid,
            code="",
            title="Kept title",
            audience="rules",
            job_roles="Kept role",
            include="K99\nK2\nnobody@example.com",
            validity_months="twelve",
            courses=[],
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'href="#id_code"' in html and "Enter a code, for example FA-REFRESH" in html
    assert "K99, nobody@example.com are not one of Kent Police&#39;s people" in html
    assert "Enter the valid for (months) as a whole number of months, for example 12" in html
    assert "Choose at least one course that satisfies the requirement" in html
    assert 'value="Kept title"' in html and "Kept role</textarea>" in html
    assert "K99\nK2\nnobody@example.com</textarea>" in html
    assert not Requirement.objects.exists()


def test_the_services_refusals_are_shown_on_the_form(signed_in, kent, alice, east_requirement, first_aid):
    response = signed_in(alice).post(
        NEW, form_data(first_aid, code="fa", window_days="60", validity_months="")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Kent Police already has a requirement with the code fa" in html
    assert "A recertification window needs a validity period" in html
    assert 'href="#id_window_days"' in html
    assert Requirement.objects.count() == 1


def test_a_rules_audience_with_no_rule_is_refused(signed_in, kent, alice, first_aid):
    response = signed_in(alice).post(NEW, form_data(first_aid, audience="rules"))
    assert response.status_code == 400
    assert (
        "Choose who the requirement applies to (everyone, or at least one rule)" in response.content.decode()
    )


def test_editing_moves_people_in_and_out_of_the_audience(
    signed_in, kent, alice, dan, erin, units, east_requirement, first_aid
):
    url = f"/compliance/requirements/{east_requirement.uuid}/edit/"
    client = signed_in(alice)
    form = client.get(url)
    assert form.status_code == 200 and 'value="FA"' in form.content.decode()
    response = client.post(
        url,
        form_data(
            first_aid,
            code="FA",
            title="First aid for the West",
            audience="rules",
            units=[str(units["west"].id)],
        ),
    )
    assert response.status_code == 302
    rows = {a.person_id: a for a in Assignment.objects.filter(requirement=east_requirement)}
    assert not rows[dan.id].in_audience and rows[dan.id].left_on == dt.date(2026, 3, 10)
    assert rows[erin.id].in_audience
    assert AuditEvent.objects.filter(action="compliance.requirement_changed").count() == 1


# --- the preview ----------------------------------------------------------------------------------


def test_the_preview_shows_who_would_join_and_leave_and_saves_nothing(
    signed_in, kent, alice, dan, erin, units, east_requirement, first_aid
):
    url = f"/compliance/requirements/{east_requirement.uuid}/edit/"
    before = list(Assignment.objects.order_by("id").values())
    events = AuditEvent.objects.count()
    response = signed_in(alice).post(
        url,
        form_data(
            first_aid,
            code="",  # not the audience: waits for Save
            title="Typed, not saved",
            audience="rules",
            units=[str(units["west"].id)],
            action="preview",
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    preview = text(response)
    assert "1 person would be in the audience (now 1)." in preview
    assert "1 person would join" in preview and "1 person would leave" in preview
    assert preview_rows(response, "joining") == ["Erin West | K4 | West"]
    assert preview_rows(response, "leaving") == ["Dan East | K3 | East/Team 1"]
    assert "There is a problem" not in html  # the missing code is for Save to say
    assert 'value="Typed, not saved"' in html
    east_requirement.refresh_from_db()
    assert east_requirement.title == "First aid for the East" and east_requirement.audience == {
        "units": [units["east"].id]
    }
    assert list(Assignment.objects.order_by("id").values()) == before
    assert AuditEvent.objects.count() == events


def test_a_preview_of_a_new_requirement_counts_everyone_joining(signed_in, kent, alice, bob, dan, first_aid):
    client = signed_in(alice)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(NEW, form_data(first_aid, action="preview", exclude="K2"))
    assert response.status_code == 200
    assert "2 people would be in the audience." in text(response)
    assert preview_rows(response, "joining") == ["Alice Admin | K1 | ", "Dan East | K3 | East/Team 1"]
    assert preview_rows(response, "leaving") == []
    assert not Requirement.objects.exists()
    assert not [
        q
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and "django_session" not in q["sql"]
    ]


def test_a_preview_with_a_wrong_audience_says_what_is_wrong(signed_in, kent, alice, first_aid):
    response = signed_in(alice).post(
        NEW,
        form_data(
            first_aid,
            action="preview",
            audience="rules",
            started_from="2025-01-01",
            started_to="2024-01-01",
            include="K77",
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The latest start date must be on or after the earliest one" in html
    assert "K77 is not one of Kent Police&#39;s people" in html
    # With htmx the preview's own region says it (htmx swaps only a successful answer).
    response = signed_in(alice).post(
        NEW, form_data(first_aid, action="preview", include="K77"), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    region = response.content.decode().split('id="audience-preview"')[1]
    assert "K77 is not one of Kent Police&#39;s people" in region.split("When it is due")[0]


# --- a requirement's page -------------------------------------------------------------------------


def test_the_requirement_page_says_what_it_asks_and_who_stands_where(
    signed_in, kent, alice, bob, dan, erin, units, east_requirement, first_aid
):
    second = publish_course(kent, alice, "FA-102")
    everyone = make_requirement(
        kent,
        "ALL",
        [first_aid, second],
        actor=alice,
        prerequisites=[east_requirement],
        description="Agreed by the training board.\r\n\r\nReviewed <yearly>.",
    )
    complete_course(dan, first_aid, at=AT)
    client = signed_in(alice)
    page = text(client.get(f"/compliance/requirements/{everyone.uuid}/"))
    assert "ALL Requirement ALL" in page
    assert "Never expires once completed; first due on joining the audience" in page
    assert "FA-101 First aid FA-102 Course FA-102" in page
    assert "Prerequisites FA First aid for the East" in page
    assert "Everyone in Kent Police" in page
    assert "4 people in its audience that you can see." in page
    html = client.get(f"/compliance/requirements/{everyone.uuid}/").content.decode()
    assert '<p class="govuk-body">Agreed by the training board.</p>' in html
    assert '<p class="govuk-body">Reviewed &lt;yearly&gt;.</p>' in html
    assert f'href="/compliance/people/{bob.uuid}/"' in html
    compliant = client.get(f"/compliance/requirements/{everyone.uuid}/?status=compliant")
    rows = text(compliant).split("People in its audience, compliant, by name")[1]
    assert "Dan East" in rows and "Bob Officer" not in rows
    assert "Edit" in page and "Retire" in page


def test_a_report_viewer_in_a_unit_sees_only_that_unit_and_changes_nothing(
    signed_in, kent, alice, bob, dan, erin, units, first_aid
):
    everyone = make_requirement(kent, "ALL", [first_aid], actor=alice)
    viewer = make_person(kent, "viewer@kent.police.uk", first="Vi", last="Ewer")
    role_grant(
        actor=None,
        person=viewer,
        role="report_viewer",
        organisation=kent,
        unit=units["east"],
        as_operator=True,
    )
    client = signed_in(viewer)
    listed = client.get(LIST)
    assert listed.status_code == 200 and "1 1 due" in text(listed)  # Dan, the only one in East
    assert 'href="/compliance/requirements/new/"' not in listed.content.decode()
    page = client.get(f"/compliance/requirements/{everyone.uuid}/")
    assert "1 person in its audience that you can see." in text(page)
    rows = text(page).split("People in its audience, by name")[1]
    assert "Dan East" in rows and "Bob Officer" not in rows and "Erin West" not in rows
    assert "/edit/" not in page.content.decode()
    assert client.get(NEW).status_code == 404
    assert client.get(f"/compliance/requirements/{everyone.uuid}/edit/").status_code == 404
    assert client.post(f"/compliance/requirements/{everyone.uuid}/retire/").status_code == 404


# --- retire and restore ---------------------------------------------------------------------------


def test_retire_asks_first_then_keeps_the_records(signed_in, kent, alice, dan, east_requirement):
    client = signed_in(alice)
    base = f"/compliance/requirements/{east_requirement.uuid}/"
    confirm = client.get(base + "retire/")
    assert confirm.status_code == 200 and "Retire FA?" in text(confirm)
    east_requirement.refresh_from_db()
    assert east_requirement.state == "active"  # asking changes nothing
    assert client.post(base + "retire/").status_code == 302
    east_requirement.refresh_from_db()
    assert east_requirement.state == "retired"
    row = Assignment.objects.get(requirement=east_requirement, person=dan)
    assert not row.in_audience
    page = text(client.get(base))
    assert "This requirement is retired" in page and "Restore" in page
    assert client.post(base + "restore/").status_code == 302
    east_requirement.refresh_from_db()
    assert east_requirement.state == "active"
    assert Assignment.objects.get(requirement=east_requirement, person=dan).in_audience


# --- those who manage several organisations choose the owner first ---------------------------------


def test_a_platform_admin_chooses_the_owner_first(signed_in, national, kent, platform_admin, first_aid, bob):
    publish_course(national, platform_admin, "NAT-1", title="National course")
    client = signed_in(platform_admin)
    choose = client.get(NEW)
    assert choose.status_code == 200 and "Who owns the requirement?" in text(choose)
    wrong = client.get(NEW + "?owner=nowhere")
    assert wrong.status_code == 400 and "Choose who owns the requirement" in wrong.content.decode()
    form = client.get(NEW + "?owner=kent")
    html = form.content.decode()
    assert (
        form.status_code == 200
        and "FA-101 First aid" in html
        and "NAT-1 National course (National body)" in html
    )
    response = client.post(NEW + "?owner=kent", form_data(first_aid))
    assert response.status_code == 302
    assert Requirement.objects.get(code="FA-NEW").owner == kent
    nat = client.get(NEW + "?owner=national").content.decode()
    assert "Everyone in every force that holds the PL-P-200 licence" in nat and "FA-101" not in nat


def test_a_rank_held_outside_the_national_list_is_offered_after_it(kent, alice, bob, first_aid):
    from bluelamp.compliance.web.forms_requirements import choices_for
    from bluelamp.people.api import Person

    Person.objects.filter(pk=bob.pk).update(rank="Custody Detention Officer")  # as recorded long ago
    ranks = choices_for(kent, on=dt.date(2026, 3, 2)).ranks
    assert ranks[0] == "Police Constable" and ranks[-1] == "Custody Detention Officer"
    assert len(ranks) == len(set(rank.casefold() for rank in ranks))
