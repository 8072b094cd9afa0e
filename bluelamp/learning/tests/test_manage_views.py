"""Training administrators' and line managers' pages.

Alice administers Kent; Charlie administers Essex and must never see or touch Kent's courses or
people; Bob (a Kent officer, reporting to Alice) holds no learning permission at all.
"""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bluelamp.learning.api import (
    Activity,
    Course,
    CourseVersion,
    Enrolment,
    ScormPackage,
    activity_add,
    course_create,
    enrol_people,
)
from bluelamp.learning.tests.conftest import import_course
from bluelamp.learning.tests.packages import build_package, raw_zip
from bluelamp.organisations.api import unit_create
from conftest import make_person, page_body

MISSING = "00000000-0000-0000-0000-000000000000"


def url(name, *args):
    return reverse(f"learning:{name}", args=args)


@pytest.fixture
def kent_course(kent):
    return import_course(kent, code="KENT-1", title="Kent custody procedures")


@pytest.fixture
def kent_draft(kent, alice):
    """A Kent course with an empty draft version 1."""
    return course_create(actor=alice, owner=kent, code="KENT-2", title="Kent driving standards")


@pytest.fixture
def essex_course(essex):
    return import_course(essex, code="ESX-1", title="Essex local procedures")


def _scorm_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "scorm"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _assert_refused_like_missing(client, name, course, *args):
    client.get(url(name, MISSING, *args))  # shows (and so clears) any message left from before
    refused = client.get(url(name, course.uuid, *args))
    missing = client.get(url(name, MISSING, *args))
    assert refused.status_code == missing.status_code == 404
    assert page_body(refused) == page_body(missing)


# --- who may see the pages -------------------------------------------------------------------------


def test_people_without_learning_manage_get_404(signed_in, bob, kent_course, client):
    client = signed_in(bob)
    for name, args in [
        ("manage_courses", []),
        ("manage_course_new", []),
        ("manage_course", [kent_course.uuid]),
        ("manage_enrolments", [kent_course.uuid]),
        ("manage_team", []),  # Bob manages no one
    ]:
        assert client.get(url(name, *args)).status_code == 404, name


def test_signed_out_people_are_sent_to_sign_in(client, kent_course):
    response = client.get(url("manage_courses"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_course_list_shows_own_and_national_courses_never_another_forces(
    signed_in, alice, charlie, kent_course, essex_course, national_course, django_assert_max_num_queries
):
    client = signed_in(alice)
    with django_assert_max_num_queries(20):
        body = client.get(url("manage_courses")).content.decode()
    assert "KENT-1" in body and "SAS-01" in body
    assert "ESX-1" not in body
    # Alice manages Kent's course, and only enrols on the national one.
    assert f'href="{url("manage_course", kent_course.uuid)}"' in body
    assert f'href="{url("manage_course", national_course.uuid)}"' not in body
    assert url("manage_enrolments", national_course.uuid) in body

    body = signed_in(charlie).get(url("manage_courses")).content.decode()
    assert "KENT-1" not in body and "Kent custody" not in body
    assert "ESX-1" in body and "SAS-01" in body


def test_course_list_filters_by_status_and_search(signed_in, alice, kent, kent_course, kent_draft):
    client = signed_in(alice)
    body = client.get(url("manage_courses"), {"status": "draft"}).content.decode()
    assert "KENT-2" in body and "KENT-1" not in body
    body = client.get(url("manage_courses"), {"q": "custody"}).content.decode()
    assert "KENT-1" in body and "KENT-2" not in body


def test_course_list_query_count_does_not_grow_with_courses(
    signed_in, alice, kent, django_assert_max_num_queries
):
    for n in range(3):
        course_create(actor=alice, owner=kent, code=f"Q-{n}", title=f"Course {n}", tags=["a", "b"])
    client = signed_in(alice)
    client.get(url("manage_courses"))
    with django_assert_max_num_queries(20) as few:
        client.get(url("manage_courses"))
    for n in range(3, 9):
        course_create(actor=alice, owner=kent, code=f"Q-{n}", title=f"Course {n}", tags=["c"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url("manage_courses"))


# --- creating and editing courses ------------------------------------------------------------------


def test_admin_creates_a_course_for_their_own_organisation(signed_in, alice, kent):
    client = signed_in(alice)
    response = client.post(
        url("manage_course_new"),
        {
            "owner": kent.pk,
            "code": "kent-9",
            "title": "Kent first aid",
            "summary": "Basics of **first aid**.",
            "audience": "All officers",
            "duration_minutes": "45",
            "tags": "First aid, safety",
            "self_enrolment": "on",
            "completion_rule": "required",
        },
    )
    course = Course.objects.get(code="KENT-9")
    assert response.status_code == 302 and response["Location"] == url("manage_course", course.uuid)
    assert course.owner == kent and course.status == Course.Status.DRAFT
    assert course.duration_minutes == 45
    assert sorted(t.name for t in course.tags.all()) == ["first aid", "safety"]
    assert course.versions.get().completion_rule == CourseVersion.CompletionRule.REQUIRED
    page = client.get(url("manage_course", course.uuid)).content.decode()
    assert "<strong>first aid</strong>" in page and "Version 1" in page


def test_course_form_errors_name_the_field(signed_in, alice, kent, kent_course):
    client = signed_in(alice)
    response = client.post(
        url("manage_course_new"),
        {
            "owner": kent.pk,
            "code": "KENT-1",
            "title": "",
            "duration_minutes": "soon",
            "completion_rule": "all",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body
    assert "Enter title" in body
    assert "Enter the duration as a whole number of minutes" in body
    response = client.post(
        url("manage_course_new"),
        {"owner": kent.pk, "code": "KENT-1", "title": "Dup", "completion_rule": "all"},
    )
    assert "Kent Police already has a course with the code KENT-1." in response.content.decode()
    assert Course.objects.filter(code="KENT-1").count() == 1


def test_essex_admin_cannot_create_a_kent_course(signed_in, charlie, kent, essex):
    client = signed_in(charlie)
    response = client.post(
        url("manage_course_new"),
        {"owner": kent.pk, "code": "HACK-1", "title": "Kent course by Essex", "completion_rule": "all"},
    )
    assert response.status_code == 400
    assert "Choose who owns the course" in response.content.decode() or "valid choice" in (
        response.content.decode()
    )
    assert not Course.objects.filter(code="HACK-1").exists()


def test_national_training_admin_creates_national_courses(signed_in, national_author, national, kent):
    client = signed_in(national_author)
    body = client.get(url("manage_course_new")).content.decode()
    assert "Kent Police" in body  # national scope: any licensed organisation, national body first
    client.post(
        url("manage_course_new"),
        {"owner": national.pk, "code": "NAT-1", "title": "National", "completion_rule": "all"},
    )
    assert Course.objects.get(code="NAT-1").owner == national


def test_edit_course_details(signed_in, alice, charlie, kent_course):
    client = signed_in(alice)
    response = client.post(
        url("manage_course_edit", kent_course.uuid),
        {"title": "Kent custody, revised", "summary": "New", "tags": "custody", "duration_minutes": "30"},
    )
    assert response.status_code == 302
    kent_course.refresh_from_db()
    assert kent_course.title == "Kent custody, revised" and not kent_course.self_enrolment

    outsider = signed_in(charlie)
    _assert_refused_like_missing(outsider, "manage_course_edit", kent_course)
    assert outsider.post(url("manage_course_edit", kent_course.uuid), {"title": "Pwned"}).status_code == 404
    kent_course.refresh_from_db()
    assert kent_course.title == "Kent custody, revised"


def test_outsiders_cannot_open_the_course_admin_page(signed_in, charlie, kent_course, national_course):
    client = signed_in(charlie)
    _assert_refused_like_missing(client, "manage_course", kent_course)
    # Essex may enrol on national courses, but does not manage them.
    assert client.get(url("manage_course", national_course.uuid)).status_code == 404


# --- versions and activities -----------------------------------------------------------------------


def test_build_a_course_of_every_kind_of_activity_and_publish_it(signed_in, alice, kent_draft, settings):
    client = signed_in(alice)
    course = kent_draft
    # A page, previewed first: nothing is saved by the preview.
    preview = client.post(
        url("manage_activity_new", course.uuid, "page"),
        {
            "title": "Read this",
            "body": "# Rules\n\n[College](https://college.example) <script>x</script>",
            "preview": "1",
        },
    )
    body = preview.content.decode()
    assert preview.status_code == 200
    assert '<h1 class="govuk-heading-l">Rules</h1>' in body
    assert 'href="https://college.example"' in body and "<script>x" not in body
    assert not Activity.objects.exists()
    client.post(
        url("manage_activity_new", course.uuid, "page"),
        {"title": "Read this", "body": "# Rules", "required": "on"},
    )
    client.post(
        url("manage_activity_new", course.uuid, "link"),
        {"title": "College guidance", "url": "https://college.example/guidance"},
    )
    client.post(
        url("manage_activity_new", course.uuid, "file"),
        {"title": "Checklist", "required": "on", "file": SimpleUploadedFile("checklist.pdf", b"%PDF-1.4 x")},
    )
    client.post(
        url("manage_activity_new", course.uuid, "media"),
        {
            "title": "Briefing video",
            "required": "on",
            "body": "Narrator: welcome.",
            "file": SimpleUploadedFile("briefing.mp4", b"\x00\x00\x00 ftypmp42"),
        },
    )
    response = client.post(
        url("manage_activity_new", course.uuid, "scorm"),
        {"title": "", "required": "on", "package": SimpleUploadedFile("e.zip", build_package("2004"))},
    )
    assert response.status_code == 302
    draft = course.versions.get()
    activities = list(draft.activities.order_by("order"))
    assert [(a.kind, a.title) for a in activities] == [
        ("page", "Read this"),
        ("link", "College guidance"),
        ("file", "Checklist"),
        ("media", "Briefing video"),
        ("scorm", "Stop and search essentials"),  # the package's title
    ]
    assert activities[1].required is False
    assert (
        activities[2].file.name.startswith("learning/files/") and activities[2].file.read() == b"%PDF-1.4 x"
    )
    assert activities[4].scorm_package.version == "2004"
    assert len(_scorm_files(settings)) == 2

    # Completion rule, then publish.
    client.post(url("manage_version_update", course.uuid), {"completion_rule": "required", "notes": "First"})
    draft.refresh_from_db()
    assert (draft.completion_rule, draft.notes) == ("required", "First")
    client.post(url("manage_version_publish", course.uuid))
    course.refresh_from_db()
    assert course.status == Course.Status.PUBLISHED and course.current_version == draft
    page = client.get(url("manage_course", course.uuid)).content.decode()
    assert "Version 1" in page and "Current" in page and "Start a new version" in page


def test_bad_scorm_package_is_shown_as_an_error_and_nothing_is_stored(signed_in, alice, kent_draft, settings):
    client = signed_in(alice)
    response = client.post(
        url("manage_activity_new", kent_draft.uuid, "scorm"),
        {"title": "E-learning", "package": SimpleUploadedFile("bad.zip", raw_zip({"readme.txt": b"hi"}))},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body  # the GOV.UK error summary
    assert 'href="#id_package"' in body  # linked to the field
    assert "govuk-error-message" in body
    assert body.count("There is no imsmanifest.xml at the top level of the zip.") == 2  # summary + field
    assert not ScormPackage.objects.exists() and not Activity.objects.exists()
    assert _scorm_files(settings) == []

    response = client.post(
        url("manage_activity_new", kent_draft.uuid, "scorm"),
        {"title": "E-learning", "package": SimpleUploadedFile("course.pdf", b"%PDF")},
    )
    assert "“course.pdf” is not a .zip file" in response.content.decode()


def test_scorm_package_is_not_kept_when_the_activity_cannot_be_added(
    signed_in, alice, kent_course, settings, monkeypatch
):
    """The package is stored before the activity is added: a failure then removes the files too."""
    from django.core.exceptions import ValidationError

    from bluelamp.learning import courses

    client = signed_in(alice)
    client.post(url("manage_version_start", kent_course.uuid))
    before = sorted(_scorm_files(settings))

    def refuse(**kwargs):
        raise ValidationError({"title": "Refused for the test."})

    monkeypatch.setattr(courses, "activity_add", refuse)
    response = client.post(
        url("manage_activity_new", kent_course.uuid, "scorm"),
        {"title": "Again", "package": SimpleUploadedFile("p.zip", build_package("1.2"))},
    )
    assert response.status_code == 400 and "Refused for the test." in response.content.decode()
    assert ScormPackage.objects.count() == 1
    assert sorted(_scorm_files(settings)) == before


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        ("file", {"file": ("tool.exe", b"MZ")}, "“tool.exe” is not a document that can be used here"),
        ("file", {"file": ("empty.pdf", b"")}, "The submitted file is empty."),
        ("media", {"file": ("clip.avi", b"x"), "body": "t"}, "“clip.avi” is not a video or audio file"),
        ("media", {"file": ("clip.mp4", b"x")}, "Enter a transcript"),
        ("link", {"url": "javascript:alert(1)"}, "Enter a web address starting with https://"),
        ("page", {"body": ""}, "Enter the page"),
    ],
)
def test_activity_upload_and_field_errors_are_clear(signed_in, alice, kent_draft, kind, data, message):
    post = {"title": "Something"}
    for key, value in data.items():
        post[key] = SimpleUploadedFile(*value) if isinstance(value, tuple) else value
    response = signed_in(alice).post(url("manage_activity_new", kent_draft.uuid, kind), post)
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#39;", "'")
    assert not Activity.objects.exists()


def test_file_size_limit_is_named(signed_in, alice, kent_draft, monkeypatch):
    from bluelamp.learning.web import forms_manage

    monkeypatch.setattr(forms_manage.FileActivityForm, "file_max_bytes", 1024 * 1024)
    big = SimpleUploadedFile("big.pdf", b"x" * (2 * 1024 * 1024 + 10))
    response = signed_in(alice).post(
        url("manage_activity_new", kent_draft.uuid, "file"), {"title": "Big", "file": big}
    )
    assert "“big.pdf” is 2 MB; the largest accepted is 1 MB." in response.content.decode()


def test_edit_move_and_remove_activities_of_the_draft(signed_in, alice, charlie, kent_draft):
    version = kent_draft.versions.get()
    first = activity_add(actor=alice, version=version, kind="page", title="One", body="1")
    second = activity_add(actor=alice, version=version, kind="link", title="Two", url="https://x.example")
    client = signed_in(alice)

    response = client.post(
        url("manage_activity_edit", kent_draft.uuid, first.pk), {"title": "One, edited", "body": "**new**"}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.title, first.body, first.required) == ("One, edited", "**new**", False)

    client.post(url("manage_activity_move", kent_draft.uuid, second.pk), {"direction": "up"})
    assert list(version.activities.order_by("order").values_list("title", flat=True)) == [
        "Two",
        "One, edited",
    ]

    assert client.get(url("manage_activity_remove", kent_draft.uuid, first.pk)).status_code == 200
    client.post(url("manage_activity_remove", kent_draft.uuid, first.pk))
    assert list(version.activities.values_list("title", flat=True)) == ["Two"]

    outsider = signed_in(charlie)
    for name in ("manage_activity_edit", "manage_activity_remove"):
        _assert_refused_like_missing(outsider, name, kent_draft, second.pk)
    assert outsider.post(url("manage_activity_remove", kent_draft.uuid, second.pk)).status_code == 404
    assert (
        outsider.post(
            url("manage_activity_move", kent_draft.uuid, second.pk), {"direction": "up"}
        ).status_code
        == 404
    )
    assert list(version.activities.values_list("title", flat=True)) == ["Two"]


def test_published_activities_cannot_be_edited(signed_in, alice, kent_course):
    activity = kent_course.current_version.activities.get()
    client = signed_in(alice)
    assert client.get(url("manage_activity_edit", kent_course.uuid, activity.pk)).status_code == 404
    assert client.post(url("manage_activity_remove", kent_course.uuid, activity.pk)).status_code == 404


def test_publishing_an_empty_draft_says_what_is_missing(signed_in, alice, kent_draft):
    response = signed_in(alice).post(url("manage_version_publish", kent_draft.uuid))
    assert response.status_code == 400
    assert "Add at least one activity before publishing." in response.content.decode()
    kent_draft.refresh_from_db()
    assert kent_draft.status == Course.Status.DRAFT


def test_new_version_leaves_earlier_enrolments_and_completions_intact(signed_in, alice, bob, kent_course):
    first = kent_course.current_version
    enrol_people(actor=alice, course=kent_course, people=[bob])
    client = signed_in(alice)
    client.post(url("manage_version_start", kent_course.uuid))
    draft = kent_course.versions.get(number=2)
    assert draft.activities.count() == 1  # a copy of version 1
    client.post(
        url("manage_activity_new", kent_course.uuid, "link"), {"title": "Extra", "url": "https://x.example"}
    )
    client.post(url("manage_version_publish", kent_course.uuid))
    kent_course.refresh_from_db()
    assert kent_course.current_version.number == 2
    assert Enrolment.objects.get(person=bob).version == first
    assert first.activities.count() == 1 and draft.activities.count() == 2


def test_retire_and_publish_again(signed_in, alice, charlie, kent_course):
    client = signed_in(alice)
    client.post(url("manage_course_status", kent_course.uuid), {"status": "retired"})
    kent_course.refresh_from_db()
    assert kent_course.status == Course.Status.RETIRED
    assert (
        signed_in(charlie)
        .post(url("manage_course_status", kent_course.uuid), {"status": "published"})
        .status_code
        == 404
    )
    kent_course.refresh_from_db()
    assert kent_course.status == Course.Status.RETIRED
    signed_in(alice).post(url("manage_course_status", kent_course.uuid), {"status": "published"})
    kent_course.refresh_from_db()
    assert kent_course.status == Course.Status.PUBLISHED


def test_outsiders_cannot_change_versions(signed_in, alice, charlie, kent_draft):
    activity_add(actor=alice, version=kent_draft.versions.get(), kind="page", title="P", body="b")
    client = signed_in(charlie)
    assert client.post(url("manage_version_publish", kent_draft.uuid)).status_code == 404
    assert client.post(url("manage_version_start", kent_draft.uuid)).status_code == 404
    assert (
        client.post(
            url("manage_version_update", kent_draft.uuid), {"completion_rule": "required"}
        ).status_code
        == 404
    )
    response = client.post(
        url("manage_activity_new", kent_draft.uuid, "scorm"),
        {"title": "x", "package": SimpleUploadedFile("p.zip", build_package())},
    )
    assert response.status_code == 404
    assert not ScormPackage.objects.exists()
    kent_draft.refresh_from_db()
    assert kent_draft.status == Course.Status.DRAFT and kent_draft.versions.count() == 1


# --- enrolments -------------------------------------------------------------------------------------


def test_enrolments_page_lists_only_people_in_scope(signed_in, alice, bob, charlie, dave, national_course):
    enrol_people(actor=alice, course=national_course, people=[bob])
    enrol_people(actor=charlie, course=national_course, people=[dave])
    body = signed_in(alice).get(url("manage_enrolments", national_course.uuid)).content.decode()
    assert "Bob Officer" in body and "Dave Essex" not in body
    body = signed_in(charlie).get(url("manage_enrolments", national_course.uuid)).content.decode()
    assert "Dave Essex" in body and "Bob Officer" not in body


def test_outsider_cannot_see_or_enrol_on_a_kent_course(signed_in, alice, charlie, dave, kent_course):
    client = signed_in(charlie)
    _assert_refused_like_missing(client, "manage_enrolments", kent_course)
    assert client.post(url("manage_enrol_people", kent_course.uuid), {"person": dave.pk}).status_code == 404
    assert not Enrolment.objects.exists()


def test_search_and_enrol_individuals_with_a_due_date(signed_in, alice, bob, dave, kent_course):
    client = signed_in(alice)
    # Bob reports to Alice (enrolled "by their line manager"); Kim is just in her organisation.
    kim = make_person(bob.organisation, "kim@kent.police.uk", first="Kim", last="Kent")
    body = client.get(url("manage_enrolments", kent_course.uuid), {"q": "officer"}).content.decode()
    assert f'value="{bob.pk}"' in body
    assert (
        "Dave" not in client.get(url("manage_enrolments", kent_course.uuid), {"q": "dave"}).content.decode()
    )

    response = client.post(
        url("manage_enrol_people", kent_course.uuid),
        {"person": [bob.pk, kim.pk], "people-due_on": "2099-03-31"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="count-enrolled">2<' in body and "Bob Officer" in body and "Kim Kent" in body
    enrolment = Enrolment.objects.get(person=kim, course=kent_course)
    assert enrolment.due_on.isoformat() == "2099-03-31" and enrolment.method == Enrolment.Method.ADMIN
    assert Enrolment.objects.get(person=bob).method == Enrolment.Method.MANAGER

    # Again, plus someone from Essex slipped into the form: already, and refused without a name.
    body = client.post(
        url("manage_enrol_people", kent_course.uuid), {"person": [bob.pk, dave.pk]}
    ).content.decode()
    assert 'id="count-already">1<' in body and 'id="count-refused">1<' in body
    assert "Dave" not in body
    assert not Enrolment.objects.filter(person=dave).exists()

    listing = client.get(url("manage_enrolments", kent_course.uuid)).content.decode()
    assert "Bob Officer" in listing and "0 of 1" not in listing and "Not started" in listing


def test_enrol_individuals_needs_someone_and_a_real_date(signed_in, alice, bob, kent_course):
    client = signed_in(alice)
    response = client.post(url("manage_enrol_people", kent_course.uuid), {"people-due_on": ""})
    assert response.status_code == 400 and "Select at least one person to enrol." in response.content.decode()
    response = client.post(
        url("manage_enrol_people", kent_course.uuid), {"person": bob.pk, "people-due_on": "31/02/2099"}
    )
    assert "Enter the due date as a real date" in response.content.decode()
    response = client.post(
        url("manage_enrol_people", kent_course.uuid), {"person": bob.pk, "people-due_on": "2001-01-01"}
    )
    assert "The due date must be today or in the future." in response.content.decode()
    assert not Enrolment.objects.exists()


def test_enrol_a_unit_and_the_units_below(signed_in, alice, charlie, kent, kent_course):
    division = unit_create(actor=None, organisation=kent, name="East Division")
    team = unit_create(actor=None, organisation=kent, name="Response Team", parent=division)
    other = unit_create(actor=None, organisation=kent, name="West Division")
    top = make_person(kent, "top@kent.police.uk", first="Tina", last="Top", unit=division)
    below = make_person(kent, "below@kent.police.uk", first="Ben", last="Below", unit=team)
    elsewhere = make_person(kent, "west@kent.police.uk", first="Wes", last="West", unit=other)
    client = signed_in(alice)

    body = client.post(
        url("manage_enrol_unit", kent_course.uuid), {"unit-unit": division.pk, "unit-include_below": "on"}
    ).content.decode()
    assert 'id="count-enrolled">2<' in body
    assert set(Enrolment.objects.values_list("person_id", flat=True)) == {top.pk, below.pk}
    assert Enrolment.objects.filter(method=Enrolment.Method.UNIT).count() == 2
    client.post(url("manage_enrol_unit", kent_course.uuid), {"unit-unit": other.pk})
    assert Enrolment.objects.filter(person=elsewhere).exists()

    # Charlie cannot open the Kent course at all.
    outsider = signed_in(charlie)
    response = outsider.post(url("manage_enrol_unit", kent_course.uuid), {"unit-unit": division.pk})
    assert response.status_code == 404


def test_outsider_cannot_enrol_a_kent_unit_on_a_national_course(signed_in, charlie, kent, national_course):
    division = unit_create(actor=None, organisation=kent, name="East Division")
    make_person(kent, "top@kent.police.uk", unit=division)
    response = signed_in(charlie).post(
        url("manage_enrol_unit", national_course.uuid), {"unit-unit": division.pk}
    )
    assert response.status_code == 400
    assert "Choose a unit from the list" in response.content.decode()
    assert "East Division" not in response.content.decode()
    assert not Enrolment.objects.exists()


def test_enrol_from_a_csv_all_or_nothing(signed_in, alice, bob, dave, kent_course):
    client = signed_in(alice)
    extra = make_person(bob.organisation, "eve@kent.police.uk", first="Eve", last="Kent", staff_number="K3")
    bad = b"staff_number,email\nK2,\n,nobody@kent.police.uk\nE2,\n"
    response = client.post(
        url("manage_enrol_csv", kent_course.uuid), {"csv-file": SimpleUploadedFile("staff.csv", bad)}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "“staff.csv” has 2 problems; no one was enrolled." in body
    assert "nobody@kent.police.uk" in body and "no one with this in your organisation or units" in body
    assert "Dave" not in body  # Essex's E2 is simply not found
    assert not Enrolment.objects.exists()

    good = b"staff_number,email\nK2,\n,eve@kent.police.uk\n"
    body = client.post(
        url("manage_enrol_csv", kent_course.uuid), {"csv-file": SimpleUploadedFile("staff.csv", good)}
    ).content.decode()
    assert 'id="count-enrolled">2<' in body
    assert set(Enrolment.objects.values_list("person_id", flat=True)) == {bob.pk, extra.pk}
    assert set(Enrolment.objects.values_list("method", flat=True)) == {Enrolment.Method.CSV}


def test_csv_file_type_and_header_errors(signed_in, alice, kent_course):
    client = signed_in(alice)
    response = client.post(
        url("manage_enrol_csv", kent_course.uuid), {"csv-file": SimpleUploadedFile("staff.xlsx", b"PK")}
    )
    assert "“staff.xlsx” is not a CSV file that can be used here. Upload one of: .csv, .txt." in (
        response.content.decode()
    )
    response = client.post(
        url("manage_enrol_csv", kent_course.uuid), {"csv-file": SimpleUploadedFile("s.csv", b"name\nBob\n")}
    )
    assert "The first row must name a staff_number or email column." in response.content.decode()
    assert not Enrolment.objects.exists()


def test_unenrol_with_a_reason_keeps_history(signed_in, alice, bob, charlie, kent_course):
    enrolment = enrol_people(actor=alice, course=kent_course, people=[bob]).enrolled[0]
    outsider = signed_in(charlie)
    assert outsider.get(url("manage_unenrol", kent_course.uuid, enrolment.uuid)).status_code == 404
    assert (
        outsider.post(url("manage_unenrol", kent_course.uuid, enrolment.uuid), {"reason": "x"}).status_code
        == 404
    )

    client = signed_in(alice)
    response = client.post(url("manage_unenrol", kent_course.uuid, enrolment.uuid), {"reason": ""})
    assert (
        response.status_code == 400 and "Enter the reason for unenrolling them" in response.content.decode()
    )
    response = client.post(
        url("manage_unenrol", kent_course.uuid, enrolment.uuid), {"reason": "Changed role"}
    )
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.WITHDRAWN and enrolment.withdrawn_reason == "Changed role"
    assert enrolment.withdrawn_by == alice
    body = client.get(url("manage_enrolments", kent_course.uuid), {"status": "withdrawn"}).content.decode()
    assert "Bob Officer" in body and "Changed role" in body
    assert "Bob Officer" not in client.get(url("manage_enrolments", kent_course.uuid)).content.decode()


def test_enrolments_page_query_count_is_pinned(
    signed_in, alice, kent, kent_course, django_assert_max_num_queries
):
    people = [make_person(kent, f"p{n}@kent.police.uk", last=f"P{n}") for n in range(3)]
    enrol_people(actor=alice, course=kent_course, people=people)
    client = signed_in(alice)
    client.get(url("manage_enrolments", kent_course.uuid))
    with django_assert_max_num_queries(30) as few:
        client.get(url("manage_enrolments", kent_course.uuid))
    more = [make_person(kent, f"q{n}@kent.police.uk", last=f"Q{n}") for n in range(6)]
    enrol_people(actor=alice, course=kent_course, people=more)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url("manage_enrolments", kent_course.uuid))


# --- line managers ----------------------------------------------------------------------------------


def test_line_manager_sees_and_enrols_their_reports(signed_in, kent, national_course, kent_course, dave):
    manager = make_person(kent, "mo@kent.police.uk", first="Mo", last="Manager")
    report = make_person(kent, "rita@kent.police.uk", first="Rita", last="Report", line_manager=manager)
    stranger = make_person(kent, "sam@kent.police.uk", first="Sam", last="Stranger")
    client = signed_in(manager)

    body = client.get(url("manage_team")).content.decode()
    assert "Rita Report" in body and "Sam Stranger" not in body
    assert "SAS-01" in body and "KENT-1" in body  # courses available to the team

    response = client.post(
        url("manage_team"), {"person": report.pk, "course": national_course.pk, "due_on": "2099-01-31"}
    )
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(person=report)
    assert enrolment.method == Enrolment.Method.MANAGER and enrolment.enrolled_by == manager
    body = client.get(url("manage_team")).content.decode()
    assert "Stop and search essentials" in body and "Not started" in body

    response = client.post(url("manage_team"), {"person": report.pk, "course": national_course.pk})
    assert "Rita Report is already enrolled on SAS-01." in response.content.decode()

    # Not their report (nor anyone from Essex): not a choice at all.
    for other in (stranger, dave):
        response = client.post(url("manage_team"), {"person": other.pk, "course": national_course.pk})
        assert response.status_code == 400
        assert "Choose one of the people who report to you" in response.content.decode()
        assert not Enrolment.objects.filter(person=other).exists()

    # Unenrol a report: history kept.
    response = client.post(url("manage_team_unenrol", enrolment.uuid), {"reason": "Not needed"})
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.WITHDRAWN


def test_team_pages_refuse_outsiders(signed_in, alice, bob, charlie, national_course):
    enrolment = enrol_people(actor=alice, course=national_course, people=[bob]).enrolled[0]
    client = signed_in(charlie)  # an Essex admin, but no one reports to him
    assert client.get(url("manage_team")).status_code == 404
    assert client.post(url("manage_team_unenrol", enrolment.uuid), {"reason": "x"}).status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE
    # Bob cannot unenrol himself through his manager's page either.
    assert signed_in(bob).get(url("manage_team_unenrol", enrolment.uuid)).status_code == 404


def test_an_essex_course_is_never_offered_to_a_kent_team(signed_in, alice, bob, essex_course):
    body = signed_in(alice).get(url("manage_team")).content.decode()
    assert "Bob Officer" in body and "ESX-1" not in body
    response = signed_in(alice).post(url("manage_team"), {"person": bob.pk, "course": essex_course.pk})
    assert response.status_code == 400 and "Choose a course from the list" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_unit_training_admin_enrols_within_their_unit_only(
    signed_in, kent, bob, national_course, kent_course
):
    from bluelamp.organisations.api import role_grant

    east = unit_create(actor=None, organisation=kent, name="East Division")
    west = unit_create(actor=None, organisation=kent, name="West Division")
    trainer = make_person(kent, "tess@kent.police.uk", first="Tess", last="Trainer", unit=east)
    role_grant(
        actor=None, person=trainer, role="training_admin", organisation=kent, unit=east, as_operator=True
    )
    inside = make_person(kent, "ivan@kent.police.uk", first="Ivan", last="Inside", unit=east)
    outside = make_person(kent, "olga@kent.police.uk", first="Olga", last="Outside", unit=west)
    client = signed_in(trainer)

    # Sees the courses Kent's people may take, manages none, creates none.
    body = client.get(url("manage_courses")).content.decode()
    assert "SAS-01" in body and "KENT-1" in body and "Create a course" not in body
    assert client.get(url("manage_course", kent_course.uuid)).status_code == 404
    assert client.get(url("manage_course_new")).status_code == 404

    body = client.get(url("manage_enrolments", national_course.uuid), {"q": "kent"}).content.decode()
    assert "Ivan Inside" in body and "Olga Outside" not in body and "Bob Officer" not in body
    assert "West Division" not in body  # not a unit they can choose

    body = client.post(
        url("manage_enrol_people", national_course.uuid), {"person": [inside.pk, outside.pk, bob.pk]}
    ).content.decode()
    assert 'id="count-enrolled">1<' in body and 'id="count-refused">1<' in body
    assert "Olga" not in body
    assert list(Enrolment.objects.values_list("person_id", flat=True)) == [inside.pk]
    response = client.post(url("manage_enrol_unit", national_course.uuid), {"unit-unit": west.pk})
    assert response.status_code == 400
    assert not Enrolment.objects.filter(person=outside).exists()


def test_course_page_shows_versions_with_their_activities_and_enrolments(signed_in, alice, bob, kent_course):
    enrol_people(actor=alice, course=kent_course, people=[bob])
    client = signed_in(alice)
    client.post(url("manage_version_start", kent_course.uuid))
    body = client.get(url("manage_course", kent_course.uuid)).content.decode()
    assert 'id="draft"' in body and "Version 2" in body and "Publish version 2" in body
    assert 'id="version-1"' in body and "SCORM 1.2" in body
    assert "Start a new version" not in body  # there is a draft already
    assert 'People enrolled</dt><dd class="govuk-summary-list__value">1<' in body


def test_essex_admin_cannot_enrol_kent_people_on_a_national_course(signed_in, bob, charlie, national_course):
    client = signed_in(charlie)
    assert (
        "Bob" not in client.get(url("manage_enrolments", national_course.uuid), {"q": "bob"}).content.decode()
    )
    body = client.post(
        url("manage_enrol_people", national_course.uuid), {"person": [bob.pk]}
    ).content.decode()
    assert 'id="count-enrolled">0<' in body and 'id="count-refused">1<' in body and "Bob" not in body
    response = client.post(
        url("manage_enrol_csv", national_course.uuid),
        {"csv-file": SimpleUploadedFile("s.csv", b"staff_number,email\nK2,\n,bob@kent.police.uk\n")},
    )
    body = response.content.decode()
    assert response.status_code == 400 and body.count("no one with this in your organisation or units") == 2
    assert "Bob Officer" not in body
    assert not Enrolment.objects.exists()


def test_team_page_query_count_is_pinned(
    signed_in, kent, national_course, kent_course, django_assert_max_num_queries
):
    manager = make_person(kent, "mo@kent.police.uk", first="Mo", last="Manager")
    reports = [make_person(kent, f"r{n}@kent.police.uk", line_manager=manager) for n in range(2)]
    enrol_people(actor=manager, course=national_course, people=reports)
    client = signed_in(manager)
    client.get(url("manage_team"))
    with django_assert_max_num_queries(30) as few:
        client.get(url("manage_team"))
    more = [make_person(kent, f"s{n}@kent.police.uk", line_manager=manager) for n in range(5)]
    enrol_people(actor=manager, course=national_course, people=more)
    enrol_people(actor=manager, course=kent_course, people=more)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url("manage_team"))


def test_retired_national_course_still_shows_who_is_on_it(
    signed_in, alice, bob, national_author, national_course
):
    enrolment = enrol_people(actor=alice, course=national_course, people=[bob]).enrolled[0]
    signed_in(national_author).post(url("manage_course_status", national_course.uuid), {"status": "retired"})
    client = signed_in(alice)
    body = client.get(url("manage_enrolments", national_course.uuid)).content.decode()
    assert "Bob Officer" in body and "No one can be enrolled" in body
    assert url("manage_enrol_people", national_course.uuid) not in body
    body = client.post(
        url("manage_enrol_people", national_course.uuid), {"person": [bob.pk]}
    ).content.decode()
    # Bob is on it already: that is what he is told, not that it is unavailable.
    assert 'id="count-already">1<' in body and 'id="count-refused">0<' in body
    client.post(url("manage_unenrol", national_course.uuid, enrolment.uuid), {"reason": "Course retired"})
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.WITHDRAWN
    body = client.post(
        url("manage_enrol_people", national_course.uuid), {"person": [bob.pk]}
    ).content.decode()
    assert 'id="count-refused">1<' in body and "the course is not available to their organisation" in body


def test_a_draft_e_learning_activity_can_take_a_new_package(signed_in, alice, charlie, kent_draft, settings):
    client = signed_in(alice)
    course = kent_draft
    client.post(
        url("manage_activity_new", course.uuid, "scorm"),
        {
            "title": "E-learning",
            "required": "on",
            "package": SimpleUploadedFile("a.zip", build_package("1.2")),
        },
    )
    activity = course.versions.get().activities.get()
    first = activity.scorm_package
    # A bad replacement: named, nothing stored, the old package kept.
    response = client.post(
        url("manage_activity_edit", course.uuid, activity.pk),
        {
            "title": "E-learning",
            "required": "on",
            "package": SimpleUploadedFile("b.zip", raw_zip({"x.txt": b"x"})),
        },
    )
    assert "There is no imsmanifest.xml" in response.content.decode()
    activity.refresh_from_db()
    assert activity.scorm_package == first and len(_scorm_files(settings)) == 2
    # A good one replaces it; the old package stays stored (earlier versions may use it).
    response = client.post(
        url("manage_activity_edit", course.uuid, activity.pk),
        {
            "title": "E-learning",
            "required": "on",
            "package": SimpleUploadedFile("c.zip", build_package("2004")),
        },
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.scorm_package != first and activity.scorm_package.version == "2004"
    # Editing without a file keeps the package.
    client.post(url("manage_activity_edit", course.uuid, activity.pk), {"title": "Renamed", "required": "on"})
    activity.refresh_from_db()
    assert (activity.title, activity.scorm_package.version) == ("Renamed", "2004")
    client.logout()
    signed_in(charlie)
    assert (
        client.post(
            url("manage_activity_edit", course.uuid, activity.pk),
            {"title": "x", "package": SimpleUploadedFile("d.zip", build_package())},
        ).status_code
        == 404
    )
