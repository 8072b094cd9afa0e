"""The shapes of the quizzes API's responses (core part): quizzes and a learner's own attempts.
They describe shapes only; who may read what is decided in the views by the applet's access
helpers. Percentages and marks are numbers, not strings."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bluelamp.assessment.quizzes.models import REVIEW_WHAT, REVIEW_WHEN


def _number(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=10, decimal_places=4, coerce_to_string=False, read_only=True, **kwargs
    )


class QuizSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(read_only=True)
    course = serializers.UUIDField(read_only=True, source="course.uuid")
    course_code = serializers.CharField(read_only=True, source="course.code")
    title = serializers.CharField(read_only=True)
    questions = serializers.IntegerField(
        read_only=True, help_text="How many places the quiz has (fixed or random)"
    )


class ReviewSerializer(serializers.Serializer):
    """What learners see of a finished attempt, at each moment."""

    immediately = serializers.ListField(
        child=serializers.CharField(), help_text=f"Any of {', '.join(REVIEW_WHAT)}"
    )
    open = serializers.ListField(child=serializers.CharField(), help_text="Later, while the quiz is open")
    closed = serializers.ListField(child=serializers.CharField(), help_text="After the quiz closes")


class QuizDetailSerializer(QuizSerializer):
    intro = serializers.CharField(read_only=True)
    time_limit = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Seconds; null: no time limit"
    )
    open_at = serializers.DateTimeField(read_only=True, allow_null=True)
    close_at = serializers.DateTimeField(read_only=True, allow_null=True)
    attempts_allowed = serializers.IntegerField(read_only=True, help_text="0: unlimited")
    grading_method = serializers.CharField(read_only=True, help_text="highest, last, first or average")
    pass_mark = _number(help_text="Percentage of the quiz grade that passes")
    max_grade = _number(help_text="The gradebook shows the quiz grade out of this")
    questions_per_page = serializers.IntegerField(read_only=True, help_text="0: all on one page")
    shuffle_questions = serializers.BooleanField(read_only=True)
    navigation = serializers.CharField(read_only=True, help_text="free or sequential")
    review = serializers.SerializerMethodField()

    @extend_schema_field(ReviewSerializer)
    def get_review(self, quiz) -> dict:
        return {
            when: [what for what in REVIEW_WHAT if quiz.review_allows(what, when)] for when in REVIEW_WHEN
        }


class AttemptSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(read_only=True)
    number = serializers.IntegerField(read_only=True)
    state = serializers.CharField(read_only=True, help_text="in_progress, finished or abandoned")
    started_at = serializers.DateTimeField(read_only=True)
    deadline_at = serializers.DateTimeField(read_only=True, allow_null=True)
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    submitted_by_timer = serializers.BooleanField(read_only=True)
    needs_marking = serializers.BooleanField(read_only=True, help_text="Some answers wait for a marker")
    grade = serializers.SerializerMethodField(
        help_text="Percentage; null while in progress, waiting for a marker, or not shown yet"
    )

    def get_grade(self, attempt) -> float | None:
        shown = self.context.get("marks_shown", {}).get(attempt.pk, False)
        return float(attempt.grade) if shown and attempt.grade is not None else None


class MyAttemptsSerializer(serializers.Serializer):
    quiz = serializers.UUIDField()
    grade = serializers.FloatField(
        allow_null=True, help_text="Your quiz grade by its grading method (when shown)"
    )
    passed = serializers.BooleanField(allow_null=True)
    attempts_left = serializers.IntegerField(allow_null=True, help_text="null: unlimited")
    attempts = AttemptSerializer(many=True)
