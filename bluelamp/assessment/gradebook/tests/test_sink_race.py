"""Two learners finishing a new quiz at once both make its gradebook item: the second reads the
first's instead of failing on the unique constraint."""

from unittest import mock

import pytest

from bluelamp.assessment.gradebook.models import GradeItem
from bluelamp.assessment.gradebook.sink import grade_item_ensure
from bluelamp.learning.tests.courses import publish_course

pytestmark = pytest.mark.django_db


def test_the_loser_of_the_race_reads_the_winner_s_item(kent, alice):
    course = publish_course(kent, alice, "RACE-1")
    winner = GradeItem.objects.create(course=course, source="quiz", source_key="q-1", title="Quiz", order=1)
    real_filter = GradeItem.objects.filter

    def not_yet_there(*args, **kwargs):
        # The loser's first read happened before the winner's row was committed.
        if kwargs.get("source_key") == "q-1" and not hasattr(not_yet_there, "done"):
            not_yet_there.done = True
            return real_filter(pk__in=[])
        return real_filter(*args, **kwargs)

    with mock.patch.object(GradeItem.objects, "filter", side_effect=not_yet_there):
        item = grade_item_ensure(course=course, source="quiz", source_key="q-1", title="Quiz", max_grade=100)
    assert item.pk == winner.pk
    assert GradeItem.objects.filter(course=course).count() == 1
