"""The outsider cases of the question banks' routes, pages and API (see
tests/test_every_url_has_an_outsider.py): Kent owns a bank with a category and a question; Essex's
people and someone signed out must neither see, change, import into nor export it, nor see it
listed."""

from tests.test_every_url_has_an_outsider import OWN, REFUSED, Case


def _bank(w, rest=""):
    return f"/assessment/banks/{w.kent_bank.uuid}/{rest}"


def _question(w, rest=""):
    return f"/assessment/banks/questions/{w.kent_question.uuid}/{rest}"


def _category(w, rest=""):
    return _bank(w, f"categories/{w.kent_category.uuid}/{rest}")


CASES = {
    # --- pages ---
    "assessment/banks/": Case(
        lambda w: "/assessment/banks/",
        OWN,
        why="the question banks of the reader's own organisation (and the national body's shared ones)",
    ),
    "assessment/banks/new/": Case(
        lambda w: "/assessment/banks/new/",
        OWN,
        methods=("get", "post"),
        why="a new question bank of the reader's own organisation",
    ),
    "assessment/banks/<>/": Case(lambda w: _bank(w), REFUSED),
    "assessment/banks/<>/edit/": Case(lambda w: _bank(w, "edit/"), REFUSED, methods=("get", "post")),
    "assessment/banks/<>/move/": Case(lambda w: _bank(w, "move/"), REFUSED, methods=("post",)),
    "assessment/banks/<>/categories/new/": Case(
        lambda w: _bank(w, "categories/new/"), REFUSED, methods=("get", "post")
    ),
    "assessment/banks/<>/categories/<>/": Case(lambda w: _category(w), REFUSED, methods=("get", "post")),
    "assessment/banks/<>/categories/<>/delete/": Case(
        lambda w: _category(w, "delete/"), REFUSED, methods=("get", "post")
    ),
    "assessment/banks/<>/questions/new/": Case(lambda w: _bank(w, "questions/new/?type=truefalse"), REFUSED),
    "assessment/banks/<>/questions/new/<>/": Case(
        lambda w: _bank(w, "questions/new/truefalse/"), REFUSED, methods=("get", "post")
    ),
    "assessment/banks/<>/import/": Case(lambda w: _bank(w, "import/"), REFUSED, methods=("get", "post")),
    "assessment/banks/<>/export/": Case(lambda w: _bank(w, "export/?format=gift"), REFUSED),
    "assessment/banks/questions/<>/": Case(lambda w: _question(w), REFUSED),
    "assessment/banks/questions/<>/edit/": Case(
        lambda w: _question(w, "edit/"), REFUSED, methods=("get", "post")
    ),
    "assessment/banks/questions/<>/hide/": Case(lambda w: _question(w, "hide/"), REFUSED, methods=("post",)),
    # --- the API ---
    "api/v1/question-banks/": Case(
        lambda w: "/api/v1/question-banks/",
        OWN,
        why="the question banks of the reader's own organisation (and the national body's shared ones)",
    ),
    "api/v1/question-banks/<>/": Case(lambda w: f"/api/v1/question-banks/{w.kent_bank.uuid}/", REFUSED),
    "api/v1/question-banks/<>/categories/": Case(
        lambda w: f"/api/v1/question-banks/{w.kent_bank.uuid}/categories/", REFUSED
    ),
    "api/v1/question-banks/<>/questions/": Case(
        lambda w: f"/api/v1/question-banks/{w.kent_bank.uuid}/questions/", REFUSED
    ),
    "api/v1/question-banks/<>/import/": Case(
        lambda w: f"/api/v1/question-banks/{w.kent_bank.uuid}/import/", REFUSED, methods=("post",)
    ),
    "api/v1/questions/<>/": Case(lambda w: f"/api/v1/questions/{w.kent_question.uuid}/", REFUSED),
}


def build(w) -> None:
    from bluelamp.assessment.banks import services
    from bluelamp.assessment.formats import gift

    w.kent_bank = services.bank_create(actor=w.alice, owner=w.kent, name="KENTONLY bank")
    result = gift.parse(
        "$CATEGORY: $course$/top/KENTONLY category\n\n::KENTONLY question::Is KENTONLY secret?{T#KENTONLY feedback}\n"
    )
    services.questions_import(actor=w.alice, bank=w.kent_bank, result=result, source="kentonly.gift")
    w.kent_question = w.kent_bank.questions.get()
    w.kent_category = w.kent_question.category
