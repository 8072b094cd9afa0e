"""The demo's assessment (`bluelamp demo-data`): banks imported from both file formats, a quiz of
random questions on a published course, a CMI assignment with its criteria, Bob enrolled on both,
and a second load that changes nothing."""

import io

import pytest
from django.core.management import call_command

from bluelamp.assessment.assignments.models import Assignment
from bluelamp.assessment.banks.models import Bank, Question
from bluelamp.assessment.quizzes.models import Quiz, QuizSlot
from bluelamp.learning.api import Enrolment

pytestmark = pytest.mark.django_db


def load() -> str:
    out = io.StringIO()
    call_command("demo-data", "--people-per-force", "12", stdout=out)
    return out.getvalue()


def test_the_demo_has_banks_a_quiz_and_an_assignment_and_loads_once():
    output = load()
    assert "Assessment:" in output and "kent.tutor@kent.police.uk" in output
    assert set(Bank.objects.values_list("name", flat=True)) == {"Legal update 2026", "Personal safety"}
    assert Question.objects.filter(bank__name="Legal update 2026").count() == 9
    assert Question.objects.filter(bank__name="Personal safety").count() == 6
    quiz = Quiz.objects.get()
    assert quiz.course.current_version.activities.filter(kind="quiz", target=str(quiz.uuid)).exists()
    assert QuizSlot.objects.filter(quiz=quiz, category__isnull=False).count() == 4
    assignment = Assignment.objects.get()
    assert [c.code for c in assignment.criteria.order_by("order")] == ["AC 1.1", "AC 1.2", "AC 2.1", "AC 2.2"]
    bob = Enrolment.objects.filter(person__email="kent.officer@kent.police.uk")
    assert set(bob.values_list("course__code", flat=True)) >= {"LEGAL-2026", "CMI-L5-501"}
    counts = (
        Question.objects.count(),
        Quiz.objects.count(),
        Assignment.objects.count(),
        Enrolment.objects.count(),
    )
    load()
    assert (
        Question.objects.count(),
        Quiz.objects.count(),
        Assignment.objects.count(),
        Enrolment.objects.count(),
    ) == counts
