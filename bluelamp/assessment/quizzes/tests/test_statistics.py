"""Question statistics: Moodle's facility, standard deviation, discrimination index and
discriminative efficiency, checked against independent calculations; response counts; flags;
first attempts only; scoping to the learners a marker may mark; the page and its exports."""

import statistics as pystats

import pytest

from bluelamp.assessment.quizzes import statistics
from bluelamp.assessment.quizzes.tests.results_fixtures import (
    AT,
    essay,
    make_attempt,
    make_bank,
    make_quiz,
    matching,
    multichoice,
    shortanswer,
    truefalse,
)
from bluelamp.learning.tests.courses import publish_course
from conftest import make_person

# Six learners' answers to: Q1 multichoice (0 right), Q2 true/false (True right), Q3 short answer.
ANSWERS = [
    ({"answer": 0}, {"answer": True}, {"answer": "Police and Criminal Evidence"}),
    ({"answer": 0}, {"answer": True}, {"answer": "police and criminal evidence"}),
    ({"answer": 0}, {"answer": False}, {"answer": "Police something"}),
    ({"answer": 1}, {"answer": True}, {"answer": "no idea"}),
    ({"answer": 2}, {"answer": False}, {"answer": "Police and Criminal Evidence"}),
    ({"answer": 1}, {}, {"answer": "no idea"}),
]


@pytest.fixture
def world(kent, alice):
    course = publish_course(kent, alice, "KENTONLY-Q", pages=1)
    bank = make_bank(kent, alice)
    quiz = make_quiz(course, bank, alice, [multichoice(), truefalse(), shortanswer()], marks={3: 2})
    learners = [
        make_person(kent, f"learner{n}@kent.police.uk", first=f"L{n}", last="Learner")
        for n in range(len(ANSWERS))
    ]
    for person, answers in zip(learners, ANSWERS, strict=True):
        make_attempt(quiz, person, {n: a for n, a in enumerate(answers, start=1) if a})
    return quiz, learners


def _expected(marks_by_attempt, slot_index, max_mark):
    marks = [m[slot_index] for m in marks_by_attempt]
    others = [sum(m) - m[slot_index] for m in marks_by_attempt]
    n = len(marks)
    mean, other_mean = sum(marks) / n, sum(others) / n
    cov = sum((a - mean) * (b - other_mean) for a, b in zip(marks, others, strict=True)) / (n - 1)
    cov_max = sum(
        (a - mean) * (b - other_mean) for a, b in zip(sorted(marks), sorted(others), strict=True)
    ) / (n - 1)
    return {
        "facility": 100 * mean / max_mark,
        "sd": 100 * pystats.stdev(marks) / max_mark,
        "discrimination": 100 * pystats.correlation(marks, others),
        "efficiency": 100 * cov / cov_max,
    }


def test_figures_match_moodles_formulas(world):
    quiz, _ = world
    stats = statistics.quiz_statistics(None, quiz)
    # Marks: Q1 1/0, Q2 1/0, Q3 2 (full), 1 (Police*: half of 2), 0.
    marks = [(1, 1, 2), (1, 1, 2), (1, 0, 1), (0, 1, 0), (0, 0, 2), (0, 0, 0)]
    assert stats.attempts == 6
    assert [q.slot_number for q in stats.questions] == [1, 2, 3]
    for index, question in enumerate(stats.questions):
        expected = _expected(marks, index, [1, 1, 2][index])
        assert question.attempts == 6
        for name, value in expected.items():
            assert getattr(question, name) == pytest.approx(value), (question.title, name)
    totals = [100 * sum(m) / 4 for m in marks]
    assert stats.average == pytest.approx(pystats.mean(totals))
    assert stats.median == pytest.approx(pystats.median(totals))
    assert stats.sd == pytest.approx(pystats.stdev(totals))
    item_variances = sum(pystats.variance([m[i] for m in marks]) for i in range(3))
    total_variance = pystats.variance([sum(m) for m in marks])
    assert stats.cic == pytest.approx(100 * 3 / 2 * (1 - item_variances / total_variance))


def test_each_option_is_counted_and_typed_answers_grouped(world):
    quiz, _ = world
    q1, q2, q3 = statistics.quiz_statistics(None, quiz).questions
    rows = {r.label: (r.count, r.right) for r in q1.responses[0].rows}
    assert rows == {"Paris": (3, True), "Lyon": (2, False), "Nice": (1, False)}
    rows = {r.label: (r.count, r.right) for r in q2.responses[0].rows}
    assert rows == {"True": (3, True), "False": (2, False), "No answer": (1, False)}
    typed = q3.responses[0]
    # Case is ignored (the question is not case sensitive): two spellings are one answer.
    assert [(r.label, r.count, r.fraction) for r in typed.rows] == [
        ("police and criminal evidence", 3, 1.0),
        ("no idea", 2, 0.0),
        ("police something", 1, 0.5),
    ]


def test_matching_counts_each_sub_question(kent, alice, bob):
    course = publish_course(kent, alice, "KENTONLY-M", pages=1)
    quiz = make_quiz(course, make_bank(kent, alice), alice, [matching()])
    make_attempt(quiz, bob, {1: {"pairs": {"0": "Meow", "1": "Moo"}}})
    (part_cat, part_dog) = statistics.quiz_statistics(None, quiz).questions[0].responses
    assert part_cat.title == "Cat" and {r.label: r.count for r in part_cat.rows} == {
        "Meow": 1,
        "Woof": 0,
        "Moo": 0,
    }
    assert {r.label: r.count for r in part_dog.rows}["Moo"] == 1


def test_flags_name_very_easy_questions_and_negative_discrimination(kent, alice):
    course = publish_course(kent, alice, "KENTONLY-F", pages=1)
    quiz = make_quiz(
        course, make_bank(kent, alice), alice, [truefalse("Easy"), truefalse("Tricky"), truefalse("Third")]
    )
    # Everyone gets "Easy" right; "Tricky" is got right only by those who fail "Third".
    pattern = [(True, True, False), (True, False, True), (True, False, True), (True, True, False)]
    for n, answers in enumerate(pattern):
        person = make_person(kent, f"f{n}@kent.police.uk")
        make_attempt(quiz, person, {i: {"answer": a} for i, a in enumerate(answers, start=1)})
    easy, tricky, _third = statistics.quiz_statistics(None, quiz).questions
    assert easy.facility == 100 and any(f.startswith("Very easy") for f in easy.flags)
    assert easy.discrimination is None  # no spread: no correlation
    assert tricky.discrimination == pytest.approx(-100)
    assert any(f.startswith("Negative discrimination") for f in tricky.flags)


def test_first_attempts_only_and_waiting_attempts_left_out(kent, alice, bob):
    course = publish_course(kent, alice, "KENTONLY-A", pages=1)
    quiz = make_quiz(course, make_bank(kent, alice), alice, [truefalse(), essay()])
    make_attempt(quiz, bob, {1: {"answer": False}, 2: {"text": "Words"}}, number=1)  # waits for a marker
    make_attempt(quiz, bob, {1: {"answer": True}}, number=2)  # blank essay: 0, graded
    make_attempt(quiz, bob, {1: {"answer": True}}, number=3, finished=False)
    every = statistics.quiz_statistics(None, quiz)
    assert (every.attempts, every.waiting) == (1, 1)
    assert every.questions[0].facility == 100
    first = statistics.quiz_statistics(None, quiz, which="first")
    assert (first.attempts, first.waiting) == (0, 1)
    assert first.questions == []


def test_a_tutor_sees_statistics_of_their_own_learners_only(kent, alice, bob):
    from bluelamp.organisations.api import unit_create

    course = publish_course(kent, alice, "KENTONLY-T", pages=1)
    quiz = make_quiz(course, make_bank(kent, alice), alice, [truefalse()])
    east = unit_create(actor=alice, organisation=kent, name="East")
    tutor = make_person(kent, "tutor@kent.police.uk", unit=east)
    from bluelamp.organisations.api import role_grant

    role_grant(actor=None, person=tutor, role="tutor", organisation=kent, unit=east, as_operator=True)
    learner = make_person(kent, "east@kent.police.uk", unit=east)
    make_attempt(quiz, learner, {1: {"answer": True}})
    make_attempt(quiz, bob, {1: {"answer": False}})
    assert statistics.quiz_statistics(None, quiz).attempts == 2
    mine = statistics.quiz_statistics(tutor, quiz)
    assert mine.attempts == 1 and mine.questions[0].facility == 100


def test_statistics_page_and_exports(world, alice, signed_in):
    quiz, _ = world
    client = signed_in(alice)
    response = client.get(f"/assessment/quizzes/{quiz.uuid}/statistics/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Facility index" in body and "Discrimination index" in body and "Paris" in body
    first = client.get(f"/assessment/quizzes/{quiz.uuid}/statistics/?attempts=first")
    assert first.status_code == 200
    csv = client.get(f"/assessment/quizzes/{quiz.uuid}/statistics/export.csv")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Slot,Question,Version,Type,Attempts,Facility index (%)")
    assert "Capital" in text
    xlsx = client.get(f"/assessment/quizzes/{quiz.uuid}/statistics/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    from bluelamp.audit.api import AuditEvent

    assert AuditEvent.objects.filter(action="assessment.quiz.statistics.export").count() == 2


def test_statistics_of_a_quiz_without_attempts(kent, alice, signed_in):
    course = publish_course(kent, alice, "KENTONLY-E", pages=1)
    quiz = make_quiz(course, make_bank(kent, alice), alice, [truefalse()])
    stats = statistics.quiz_statistics(None, quiz)
    assert stats.attempts == 0 and stats.questions == [] and stats.average is None
    response = signed_in(alice).get(f"/assessment/quizzes/{quiz.uuid}/statistics/")
    assert response.status_code == 200 and "No graded attempts yet" in response.content.decode()


def test_a_random_slot_has_a_row_for_each_question_drawn(kent, alice):
    from bluelamp.assessment.banks.services import category_ensure, question_create
    from bluelamp.assessment.quizzes.models import QuizSlot

    course = publish_course(kent, alice, "KENTONLY-RS", pages=1)
    bank = make_bank(kent, alice)
    quiz = make_quiz(course, bank, alice, [truefalse("Fixed")])
    category = category_ensure(bank=bank, path=("Pool",))
    drawn = [
        question_create(actor=alice, bank=bank, content=truefalse(f"Pool {n}"), category=category, at=AT)
        for n in (1, 2)
    ]
    QuizSlot.objects.create(quiz=quiz, order=2, page=2, category=category)
    for n in range(4):
        person = make_person(kent, f"r{n}@kent.police.uk")
        question = drawn[n % 2]
        make_attempt(
            quiz,
            person,
            {1: {"answer": True}, 2: {"answer": n < 2}},
            versions={2: question.current},
        )
    fixed, pool = statistics.quiz_statistics(None, quiz).questions
    assert fixed.variants == [] and fixed.version is not None
    assert pool.title == "Random question from Top / Pool" and pool.version is None
    assert [(v.title, v.attempts) for v in pool.variants] == [
        ("Pool 1 (version 1)", 2),
        ("Pool 2 (version 1)", 2),
    ]
    assert pool.attempts == 4 and pool.facility == 50
    assert {r.label: r.count for r in pool.variants[0].responses[0].rows} == {"True": 1, "False": 1}
    rows = list(statistics.export_rows(statistics.quiz_statistics(None, quiz)))
    assert [r[1] for r in rows] == [
        "Fixed",
        "Random question from Top / Pool",
        "Pool 1 (version 1)",
        "Pool 2 (version 1)",
    ]
