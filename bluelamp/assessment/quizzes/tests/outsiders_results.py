"""The outsider cases of the quizzes' results part (see tests/test_every_url_has_an_outsider.py):
Kent has a course with a quiz (a true/false question and an essay), Bob has finished an attempt
whose essay waits for a marker, and Alice has dry-run a regrade. Essex's people and someone signed
out must reach none of it: not its results, statistics, exports, marking pages or regrades, in the
pages or the API; the marking queue is everyone's own (empty of Kent's)."""

from tests.test_every_url_has_an_outsider import OWN, REFUSED, Case


def _quiz(w, rest=""):
    return f"/assessment/quizzes/{w.results_quiz.uuid}/{rest}"


CASES = {
    "assessment/quizzes/marking/": Case(
        lambda w: "/assessment/quizzes/marking/",
        OWN,
        why="the essay answers waiting for the reader: only learners they mark",
    ),
    "assessment/quizzes/marking/<>/": Case(
        lambda w: f"/assessment/quizzes/marking/{w.results_quiz.uuid}/", REFUSED
    ),
    "assessment/quizzes/marking/<>/<>/<>/": Case(
        lambda w: f"/assessment/quizzes/marking/{w.results_quiz.uuid}/{w.results_attempt.uuid}/2/",
        REFUSED,
        methods=("get", "post"),
    ),
    "assessment/quizzes/<>/results/": Case(lambda w: _quiz(w, "results/"), REFUSED),
    "assessment/quizzes/<>/results/export/<>.<>": Case(
        lambda w: _quiz(w, "results/export/results.csv"), REFUSED
    ),
    "assessment/quizzes/<>/results/<>/": Case(
        lambda w: _quiz(w, f"results/{w.results_attempt.uuid}/"), REFUSED
    ),
    "assessment/quizzes/<>/statistics/": Case(lambda w: _quiz(w, "statistics/"), REFUSED),
    "assessment/quizzes/<>/statistics/export.<>": Case(lambda w: _quiz(w, "statistics/export.csv"), REFUSED),
    "assessment/quizzes/<>/regrades/": Case(
        lambda w: _quiz(w, "regrades/"), REFUSED, methods=("get", "post")
    ),
    "assessment/quizzes/<>/regrades/<>/": Case(
        lambda w: _quiz(w, f"regrades/{w.results_regrade.uuid}/"), REFUSED
    ),
    "api/v1/quizzes/<>/results/": Case(lambda w: f"/api/v1/quizzes/{w.results_quiz.uuid}/results/", REFUSED),
    "api/v1/quizzes/<>/statistics/": Case(
        lambda w: f"/api/v1/quizzes/{w.results_quiz.uuid}/statistics/", REFUSED
    ),
}


def build(w) -> None:
    from bluelamp.assessment.quizzes.regrade import regrade_start
    from bluelamp.assessment.quizzes.tests.results_fixtures import AT, quiz_on_course, take_quiz

    setup = quiz_on_course(w.kent, w.alice, code="KENTONLY-QR", people=[w.bob])
    w.results_quiz = setup.quiz
    w.results_attempt = take_quiz(
        setup.quiz, w.bob, {1: {"answer": True}, 2: {"text": "KENTONLY essay"}}, enrolment=setup.enrolments[0]
    )
    w.results_regrade = regrade_start(
        actor=w.alice, quiz=setup.quiz, to_latest_version=False, dry_run=True, at=AT
    )
