"""The outsider cases of the quizzes' core part (see tests/test_every_url_has_an_outsider.py):
Kent has a course whose published version holds a quiz (a question, a random draw, an adjustment
for Bob), and Bob has an attempt in progress. Essex's people and someone signed out must reach
none of it: not its set-up pages, its start page, Bob's attempt, nor the API; the list of quizzes
is everyone's own (empty of Kent's)."""

from tests.test_every_url_has_an_outsider import OWN, REFUSED, Case


def _quiz(w, rest=""):
    return f"/assessment/quizzes/{w.core_quiz.uuid}/{rest}"


def _attempt(w, rest=""):
    return f"/assessment/quizzes/attempts/{w.core_attempt.uuid}/{rest}"


def _form(url):
    return Case(url, REFUSED, methods=("get", "post"))


def _post(url):
    return Case(url, REFUSED, methods=("post",))


CASES = {
    "assessment/quizzes/": Case(
        lambda w: "/assessment/quizzes/", OWN, why="the quizzes of the courses the reader manages"
    ),
    "assessment/quizzes/new/<>/": _form(lambda w: f"/assessment/quizzes/new/{w.core_course.uuid}/"),
    "assessment/quizzes/<>/": Case(lambda w: _quiz(w), REFUSED),
    "assessment/quizzes/<>/settings/": _form(lambda w: _quiz(w, "settings/")),
    "assessment/quizzes/<>/questions/": _form(lambda w: _quiz(w, "questions/")),
    "assessment/quizzes/<>/questions/from-banks/": _form(lambda w: _quiz(w, "questions/from-banks/")),
    "assessment/quizzes/<>/questions/random/": _form(lambda w: _quiz(w, "questions/random/")),
    "assessment/quizzes/<>/questions/pages/": _post(lambda w: _quiz(w, "questions/pages/")),
    "assessment/quizzes/<>/questions/<>/move/": _post(
        lambda w: _quiz(w, f"questions/{w.core_slot.pk}/move/")
    ),
    "assessment/quizzes/<>/questions/<>/remove/": _form(
        lambda w: _quiz(w, f"questions/{w.core_slot.pk}/remove/")
    ),
    "assessment/quizzes/<>/adjustments/": _form(lambda w: _quiz(w, "adjustments/")),
    "assessment/quizzes/<>/adjustments/<>/end/": _form(
        lambda w: _quiz(w, f"adjustments/{w.core_adjustment.pk}/end/")
    ),
    "assessment/quizzes/<>/preview/": _post(lambda w: _quiz(w, "preview/")),
    "assessment/quizzes/<>/take/": _form(lambda w: _quiz(w, "take/")),
    "assessment/quizzes/attempts/<>/": _form(lambda w: _attempt(w)),
    "assessment/quizzes/attempts/<>/save/": _post(lambda w: _attempt(w, "save/")),
    "assessment/quizzes/attempts/<>/summary/": Case(lambda w: _attempt(w, "summary/"), REFUSED),
    "assessment/quizzes/attempts/<>/finish/": _form(lambda w: _attempt(w, "finish/")),
    "assessment/quizzes/attempts/<>/review/": Case(lambda w: _attempt(w, "review/"), REFUSED),
    "api/v1/courses/<>/quizzes/": Case(lambda w: f"/api/v1/courses/{w.core_course.uuid}/quizzes/", REFUSED),
    "api/v1/quizzes/<>/": Case(lambda w: f"/api/v1/quizzes/{w.core_quiz.uuid}/", REFUSED),
    "api/v1/quizzes/<>/my-attempts/": Case(
        lambda w: f"/api/v1/quizzes/{w.core_quiz.uuid}/my-attempts/", REFUSED
    ),
}


def build(w) -> None:
    from bluelamp.assessment.quizzes import services
    from bluelamp.assessment.quizzes.tests.core_world import AT, bank_with_questions
    from bluelamp.learning.api import course_create, draft_version, enrol_people, version_publish

    _bank, questions, category = bank_with_questions(w.kent, w.alice, name="KENTONLY core bank")
    w.core_course = course_create(actor=w.alice, owner=w.kent, code="KENTONLY-QC", title="KENTONLY quizzing")
    w.core_quiz = services.quiz_create(actor=w.alice, course=w.core_course, title="KENTONLY quiz", at=AT)
    (w.core_slot,) = services.slots_add_questions(
        actor=w.alice, quiz=w.core_quiz, questions=[questions["mc"]]
    )
    services.slot_add_random(actor=w.alice, quiz=w.core_quiz, category=category, count=1)
    draft = draft_version(w.core_course)
    assert draft is not None
    version_publish(actor=w.alice, version=draft)
    enrolment = enrol_people(actor=w.alice, course=w.core_course, people=[w.bob]).enrolled[0]
    w.core_adjustment = services.adjustment_grant(
        actor=w.alice, quiz=w.core_quiz, person=w.bob, reason="KENTONLY support plan", extra_attempts=1, at=AT
    )
    w.core_attempt = services.attempt_start(person=w.bob, quiz=w.core_quiz, enrolment=enrolment, at=AT)
