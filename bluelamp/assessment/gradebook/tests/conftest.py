"""The gradebook's test world: Kent's course GB-1 managed by Alice, with Bob (in no unit) and Ann
(in Kent's East unit) enrolled, a Kent-wide tutor, a tutor of East only, a quiz item and a manual
item in a category, and a hidden item."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from bluelamp.assessment.gradebook import services
from bluelamp.assessment.gradebook.tests.helpers import (
    AT,
    course_with_learners,
    quiz_grade,
    quiz_item,
    tutor_of,
    unit_of,
)
from conftest import make_person


@pytest.fixture
def gb(kent, alice, bob):
    w = SimpleNamespace(kent=kent, alice=alice, bob=bob)
    w.east = unit_of(kent, "East")
    w.ann = make_person(
        kent, "ann@kent.police.uk", first="Ann", last="Archer", unit=w.east, staff_number="K7"
    )
    w.course = course_with_learners(kent, alice, learners=[bob, w.ann])
    w.tutor = tutor_of(kent)
    w.east_tutor = tutor_of(kent, "eve@kent.police.uk", unit=w.east, first="Eve", last="Easttutor")
    w.practical = services.category_create(actor=alice, course=w.course, name="Practical", weight=2)
    w.quiz = quiz_item(w.course, "Law quiz", max_grade=20, pass_grade=10)
    w.observation = services.manual_item_create(
        actor=alice, course=w.course, title="Observation", max_grade=10, category=w.practical, at=AT
    )
    w.secret = quiz_item(w.course, "Mock exam", max_grade=10)
    services.item_update(actor=alice, item=w.secret, weight=1, category=None, hidden=True)
    quiz_grade(w.quiz, bob, 15, feedback="Well argued")
    quiz_grade(w.quiz, w.ann, 8)
    services.manual_grade_enter(
        actor=alice, item=w.observation, person=bob, grade=Decimal(6), feedback="Calm", at=AT
    )
    return w
