"""The outsider cases of the gradebook's routes (see tests/test_every_url_has_an_outsider.py):
Kent's course (the world's KENTONLY-1, Bob enrolled) has a category, a quiz's item with Bob's
grade overridden, and an item graded by hand with Bob's grade and feedback. Essex's people and
someone signed out must neither see nor change any of it, nor see the course listed; their own
lists ("Gradebooks", "Your grades") show nothing of Kent's."""

from tests.test_every_url_has_an_outsider import OWN, REFUSED, Case


def _course(w, rest=""):
    return f"/assessment/gradebook/courses/{w.course.uuid}/{rest}"


def _grade(w, rest=""):
    return _course(w, f"learners/{w.bob.uuid}/items/{w.gradebook_item.uuid}/{rest}")


def _setup(w, rest=""):
    return _course(w, f"setup/{rest}")


def _get(url):
    return Case(url, REFUSED)


def _form(url):
    return Case(url, REFUSED, methods=("get", "post"))


CASES = {
    "assessment/gradebook/": Case(
        lambda w: "/assessment/gradebook/",
        OWN,
        why="the gradebooks of the courses the reader manages or marks learners on",
    ),
    "assessment/gradebook/mine/": Case(
        lambda w: "/assessment/gradebook/mine/", OWN, why="the reader's own grades"
    ),
    "assessment/gradebook/mine/<>/": _get(lambda w: f"/assessment/gradebook/mine/{w.course.uuid}/"),
    "assessment/gradebook/courses/<>/": _get(lambda w: _course(w)),
    "assessment/gradebook/courses/<>/export.<>": _get(lambda w: _course(w, "export.csv")),
    "assessment/gradebook/courses/<>/learners/<>/": _get(lambda w: _course(w, f"learners/{w.bob.uuid}/")),
    "assessment/gradebook/courses/<>/learners/<>/items/<>/": _get(lambda w: _grade(w)),
    "assessment/gradebook/courses/<>/learners/<>/items/<>/enter/": _form(lambda w: _grade(w, "enter/")),
    "assessment/gradebook/courses/<>/learners/<>/items/<>/override/": _form(lambda w: _grade(w, "override/")),
    "assessment/gradebook/courses/<>/learners/<>/items/<>/override/remove/": _form(
        lambda w: _course(w, f"learners/{w.bob.uuid}/items/{w.gradebook_quiz.uuid}/override/remove/")
    ),
    "assessment/gradebook/courses/<>/setup/": _get(lambda w: _setup(w)),
    "assessment/gradebook/courses/<>/setup/settings/": _form(lambda w: _setup(w, "settings/")),
    "assessment/gradebook/courses/<>/setup/categories/new/": _form(lambda w: _setup(w, "categories/new/")),
    "assessment/gradebook/courses/<>/setup/categories/<>/": _form(
        lambda w: _setup(w, f"categories/{w.gradebook_category.uuid}/")
    ),
    "assessment/gradebook/courses/<>/setup/categories/<>/move/": Case(
        lambda w: _setup(w, f"categories/{w.gradebook_category.uuid}/move/"), REFUSED, methods=("post",)
    ),
    "assessment/gradebook/courses/<>/setup/categories/<>/delete/": _form(
        lambda w: _setup(w, f"categories/{w.gradebook_category.uuid}/delete/")
    ),
    "assessment/gradebook/courses/<>/setup/items/new/": _form(lambda w: _setup(w, "items/new/")),
    "assessment/gradebook/courses/<>/setup/items/<>/": _form(
        lambda w: _setup(w, f"items/{w.gradebook_item.uuid}/")
    ),
    "assessment/gradebook/courses/<>/setup/items/<>/move/": Case(
        lambda w: _setup(w, f"items/{w.gradebook_item.uuid}/move/"), REFUSED, methods=("post",)
    ),
    "assessment/gradebook/courses/<>/setup/items/<>/delete/": _form(
        lambda w: _setup(w, f"items/{w.gradebook_item.uuid}/delete/")
    ),
    # The REST API.
    "api/v1/courses/<>/gradebook/": _get(lambda w: f"/api/v1/courses/{w.course.uuid}/gradebook/"),
    "api/v1/courses/<>/gradebook/grades/": _get(
        lambda w: f"/api/v1/courses/{w.course.uuid}/gradebook/grades/"
    ),
    "api/v1/my-grades/": Case(lambda w: "/api/v1/my-grades/", OWN, why="the reader's own grades"),
}


def build(w) -> None:
    import datetime as dt
    import uuid

    from bluelamp.assessment.gradebook import services
    from bluelamp.assessment.gradebook.sink import grade_item_ensure, grade_record

    at = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
    w.gradebook_category = services.category_create(actor=w.alice, course=w.course, name="KENTONLY category")
    w.gradebook_quiz = grade_item_ensure(
        course=w.course, source="quiz", source_key=str(uuid.uuid4()), title="KENTONLY quiz", max_grade=10
    )
    grade_record(item=w.gradebook_quiz, person=w.bob, grade=4, feedback="KENTONLY quiz feedback", at=at)
    services.grade_override(
        actor=w.alice, item=w.gradebook_quiz, person=w.bob, grade=6, reason="KENTONLY reason", at=at
    )
    w.gradebook_item = services.manual_item_create(
        actor=w.alice,
        course=w.course,
        title="KENTONLY practical",
        max_grade=10,
        category=w.gradebook_category,
        at=at,
    )
    services.manual_grade_enter(
        actor=w.alice, item=w.gradebook_item, person=w.bob, grade=7, feedback="KENTONLY feedback", at=at
    )
