"""The gradebook's pages for those who mark and those who set up: the list, the grader report
(learners × items, filtered, paginated, a fixed number of queries), overriding with a reason and
removing the override, entering grades by hand, a learner's row, and setting the gradebook up."""

import re
from decimal import Decimal

import pytest

from bluelamp.assessment.gradebook.models import Grade, GradeCategory, GradeItem
from bluelamp.assessment.gradebook.tests.helpers import Queries, quiz_grade, quiz_item
from bluelamp.audit.api import AuditEvent
from bluelamp.learning.api import enrol_people
from conftest import make_person

D = Decimal


def _report(w) -> str:
    return f"/assessment/gradebook/courses/{w.course.uuid}/"


def _grade_url(w, person, item, rest="") -> str:
    return f"{_report(w)}learners/{person.uuid}/items/{item.uuid}/{rest}"


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _row(response, name: str) -> str:
    """The text of the grader report's row that starts with `name`."""
    for row in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", response.content.decode(), re.S):
        if name in row:
            return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))
    raise AssertionError(f"no row for {name}")


def test_the_list_shows_courses_managed_and_those_with_learners_one_marks(gb, signed_in, charlie):
    page = signed_in(gb.alice).get("/assessment/gradebook/")
    assert page.status_code == 200 and "GB-1 Course GB-1" in page.text
    assert "GB-1" in signed_in(gb.east_tutor).get("/assessment/gradebook/").text
    assert "GB-1" not in signed_in(charlie).get("/assessment/gradebook/").text
    assert "GB-1" not in signed_in(gb.alice).get("/assessment/gradebook/?q=nothing").text
    assert signed_in(gb.bob).get("/assessment/gradebook/").status_code == 404  # marks no one


def test_the_grader_report_shows_every_learner_item_category_and_total(gb, signed_in, kent):
    carl = make_person(kent, "carl@kent.police.uk", first="Carl", last="Cole")
    enrol_people(actor=gb.alice, course=gb.course, people=[carl])  # no grades yet, still listed
    page = signed_in(gb.alice).get(_report(gb))
    assert page.status_code == 200
    text = _text(page)
    assert "3 learners , by surname" in text or "3 learners, by surname" in text
    for header in (
        "Law quiz out of 20",
        "Observation out of 10 · Practical",
        "Practical total",
        "Course total",
    ):
        assert header in text, header
    assert "Mock exam out of 10 Hidden from learners" in text
    bob = _row(page, "Bob Officer")
    assert "15 out of 20: Bob Officer, Law quiz" in bob and "60.00%" in bob
    assert "65.00%" in bob and "Incomplete: 2 of 3 graded" in bob
    assert "No grade: Carl Cole, Law quiz" in _row(page, "Carl Cole")
    assert "40.00%" in _row(page, "Ann Archer")
    assert "Course grade: weighted mean of percentages" in text


def test_only_learners_the_viewer_may_mark_appear(gb, signed_in):
    page = signed_in(gb.east_tutor).get(_report(gb))
    assert page.status_code == 200 and "Ann Archer" in page.text and "Bob Officer" not in page.text
    client = signed_in(gb.east_tutor)
    assert client.get(f"{_report(gb)}learners/{gb.bob.uuid}/").status_code == 404
    assert client.get(_grade_url(gb, gb.bob, gb.quiz)).status_code == 404
    assert client.get(f"{_report(gb)}setup/").status_code == 404  # a tutor does not set up


def test_the_report_filters_by_name_and_unit(gb, signed_in):
    client = signed_in(gb.alice)
    found = client.get(_report(gb), {"q": "archer"})
    assert (
        "Ann Archer" in found.text and "Bob Officer" not in found.text and "1 learner shown" in _text(found)
    )
    in_east = client.get(_report(gb), {"unit": gb.east.pk})
    assert "Ann Archer" in in_east.text and "Bob Officer" not in in_east.text
    wrong = client.get(_report(gb), {"unit": "999999"})
    assert wrong.status_code == 400 and "Choose a unit from the list" in wrong.text


def test_an_override_with_a_reason_is_audited_and_shown_marked_then_removed(gb, signed_in):
    client = signed_in(gb.tutor)
    url = _grade_url(gb, gb.ann, gb.quiz, "override/")
    form = client.get(url)
    assert form.status_code == 200 and "Grade that counts (out of 20)" in form.text
    refused = client.post(url, {"grade": "25", "reason": ""})
    assert refused.status_code == 400
    assert "Enter the reason for the override" in refused.text and "25 is out of range" in refused.text
    assert 'value="25"' in refused.text  # nothing typed is lost
    assert Grade.objects.get(item=gb.quiz, person=gb.ann).override is None

    done = client.post(url, {"grade": "12", "reason": "Marking error on question 3", "next": _report(gb)})
    assert done.status_code == 302 and done["Location"] == _report(gb)
    event = AuditEvent.objects.get(action="gradebook.grade.override")
    assert event.before["grade"] == "8.00" and event.after["grade"] == "12.00"
    report = client.get(_report(gb))
    ann = _row(report, "Ann Archer")
    assert "12 out of 20" in ann and "Overridden" in ann and "Marking error on question 3" in ann
    assert "Tess Tutor" in ann and "From the quiz: 8" in ann
    assert 'title="Overridden: Marking error on question 3"' in report.text
    assert "Overridden" not in _row(report, "Bob Officer")
    grade_page = client.get(_grade_url(gb, gb.ann, gb.quiz))
    assert "Remove the override" in grade_page.text and "Marking error on question 3" in grade_page.text

    clear = _grade_url(gb, gb.ann, gb.quiz, "override/remove/")
    assert "the grade from the quiz (8) counts again" in client.get(clear).text
    refused = client.post(clear, {"reason": ""})
    assert refused.status_code == 400 and "Enter the reason for removing the override" in refused.text
    assert client.post(clear, {"reason": "Second marker disagreed"}).status_code == 302
    assert AuditEvent.objects.filter(action="gradebook.grade.override_clear").count() == 1
    assert "Overridden" not in _row(client.get(_report(gb)), "Ann Archer")
    history = _text(client.get(_grade_url(gb, gb.ann, gb.quiz)))
    assert "Override removed 12 8 Second marker disagreed Tess Tutor" in history
    assert "Overridden 8 12 Marking error on question 3 Tess Tutor" in history
    # A stale link to remove an override that is gone goes back to the grade.
    assert client.get(clear)["Location"] == _grade_url(gb, gb.ann, gb.quiz)


def test_manual_items_are_graded_in_the_gradebook(gb, signed_in):
    client = signed_in(gb.east_tutor)
    url = _grade_url(gb, gb.ann, gb.observation, "enter/")
    assert client.post(url, {"grade": "ten", "feedback": "Good"}).status_code == 400
    assert client.post(url, {"grade": "9.5", "feedback": "Steady under pressure"}).status_code == 302
    grade = Grade.objects.get(item=gb.observation, person=gb.ann)
    assert grade.raw == D("9.5") and grade.feedback == "Steady under pressure"
    assert client.get(_grade_url(gb, gb.ann, gb.quiz, "enter/")).status_code == 404  # a quiz's item


def test_a_learners_row_shows_every_item_feedback_and_history(gb, signed_in):
    client = signed_in(gb.alice)
    client.post(_grade_url(gb, gb.bob, gb.quiz, "override/"), {"grade": "18", "reason": "Re-marked"})
    page = client.get(f"{_report(gb)}learners/{gb.bob.uuid}/")
    assert page.status_code == 200
    text = _text(page)
    for words in (
        "Law quiz",
        "Well argued",
        "Observation",
        "Calm",
        "Mock exam",
        "Hidden from learners",
        "Re-marked",
    ):
        assert words in text, words
    assert "History of Law quiz (1 change)" in text and "History of Observation (1 change)" in text
    # (90 × 1 + 60 × 2) / 3 = 70
    assert "70.00%" in text


def test_the_grader_report_takes_a_fixed_number_of_queries(gb, signed_in, kent):
    client = signed_in(gb.alice)
    client.get(_report(gb))  # warm the session
    with Queries() as few:
        assert client.get(_report(gb)).status_code == 200
    people = [
        make_person(kent, f"p{n}@kent.police.uk", last=f"Many{n:03}", staff_number=f"M{n}") for n in range(60)
    ]
    enrol_people(actor=gb.alice, course=gb.course, people=people)
    extra = quiz_item(gb.course, "Second quiz")
    for person in people:
        quiz_grade(extra, person, 5)
        quiz_grade(gb.quiz, person, 10)
    with Queries() as many:
        page = client.get(_report(gb) + "?page=2")
    assert page.status_code == 200 and "page 2 of 2" in page.text
    assert len(many) == len(few), "\n".join(many.sql)
    # The site's own (organisation by host, person, organisation, roles (for the MFA check and
    # the access checks alike), MFA; licences, the national body; the session is read from the
    # cache, and in production the organisations and licences too); the course; settings,
    # categories and items; the units the filter offers (2); the learners' count and page; their
    # grades; the maintenance banner's announced windows (kept a minute in each process in
    # production, read on every page here): 17, however many learners and items.
    assert len(few) == 17, "\n".join(few.sql)


# --- setting up ----------------------------------------------------------------------------------


def test_setting_up_categories_and_items_through_the_pages(gb, signed_in):
    client = signed_in(gb.alice)
    setup = f"{_report(gb)}setup/"
    page = client.get(setup)
    assert page.status_code == 200 and "Practical" in page.text and "Add an item graded by hand" in page.text

    refused = client.post(setup + "categories/new/", {"name": "Exams", "weight": "lots"})
    assert (
        refused.status_code == 400
        and "“lots” is not a number" in refused.text
        and 'value="Exams"' in refused.text
    )
    assert client.post(setup + "categories/new/", {"name": "Exams", "weight": "3"}).status_code == 302
    exams = GradeCategory.objects.get(name="Exams")
    assert exams.weight == D(3)
    assert client.post(setup + f"categories/{exams.uuid}/move/", {"direction": "up"}).status_code == 302
    assert [c.name for c in GradeCategory.objects.order_by("order")] == ["Exams", "Practical"]

    created = client.post(
        setup + "items/new/",
        {
            "title": "Interview",
            "max_grade": "5",
            "pass_grade": "3",
            "category": str(exams.uuid),
            "weight": "1",
        },
    )
    assert created.status_code == 302
    interview = GradeItem.objects.get(title="Interview")
    assert (interview.source, interview.category, interview.max_grade) == ("manual", exams, D(5))

    # A quiz's item: only how it counts is changed here.
    form = client.get(setup + f"items/{gb.quiz.uuid}/")
    assert "comes from a quiz" in form.text and 'name="title"' not in form.text
    client.post(
        setup + f"items/{gb.quiz.uuid}/", {"category": str(exams.uuid), "weight": "2", "hidden": "on"}
    )
    gb.quiz.refresh_from_db()
    assert (gb.quiz.category, gb.quiz.weight, gb.quiz.hidden) == (exams, D(2), True)
    assert client.get(setup + f"items/{gb.quiz.uuid}/delete/").status_code == 404

    assert (
        "Its grades go with it: 1 learner has a grade in it."
        in client.get(setup + f"items/{gb.observation.uuid}/delete/").text
    )
    assert client.post(setup + f"items/{gb.observation.uuid}/delete/").status_code == 302
    assert not GradeItem.objects.filter(pk=gb.observation.pk).exists()

    assert "Items in it: Interview, Law quiz." in client.get(setup + f"categories/{exams.uuid}/delete/").text
    client.post(setup + f"categories/{exams.uuid}/delete/")
    assert GradeItem.objects.filter(category__isnull=True, title__in=["Law quiz", "Interview"]).count() == 2

    settings = client.post(
        setup + "settings/",
        {
            "aggregation": "simple_mean",
            "missing": "exclude",
            "pass_percent": "50",
            "learners_see_total": "on",
        },
    )
    assert settings.status_code == 302
    assert "simple mean of percentages" in client.get(_report(gb)).text.lower()
    refused = client.post(
        setup + "settings/", {"aggregation": "simple_mean", "missing": "exclude", "pass_percent": "x"}
    )
    assert refused.status_code == 400 and "“x” is not a number" in refused.text


@pytest.mark.parametrize("who", ["tutor", "east_tutor"])
def test_tutors_see_the_report_but_not_the_set_up(gb, signed_in, who):
    client = signed_in(getattr(gb, who))
    assert "Set up the gradebook" not in client.get(_report(gb)).text
    for rest in ("setup/", "setup/settings/", "setup/categories/new/", f"setup/items/{gb.quiz.uuid}/"):
        assert client.get(_report(gb) + rest).status_code == 404, rest
    assert (
        client.post(_report(gb) + f"setup/items/{gb.quiz.uuid}/move/", {"direction": "up"}).status_code == 404
    )
