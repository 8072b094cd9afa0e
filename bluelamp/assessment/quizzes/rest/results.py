"""A quiz's results and question statistics in the REST API (/api/v1/quizzes/{uuid}/results/ and
/statistics/), for the same readers as the pages: markers, for the learners they may mark
(results.py). Anything else is 404, as for a quiz that does not exist.
"""

from __future__ import annotations

import uuid

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from bluelamp.assessment.quizzes import results, statistics
from bluelamp.assessment.quizzes.models import Attempt, AttemptQuestion
from bluelamp.core.rest import Pages, choice_param

NOT_FOUND = OpenApiResponse(description="Not found, or not yours to see")
_STATES = [value for value, _label in AttemptQuestion.State.choices]
_ATTEMPT_STATES = [value for value, _label in Attempt.State.choices]


# --- shapes ----------------------------------------------------------------------------------------


class ResultLearnerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="get_full_name")
    staff_number = serializers.CharField()
    email = serializers.EmailField()


class ResultQuestionMarkSerializer(serializers.Serializer):
    slot = serializers.IntegerField(source="slot_number", help_text="The question's place in the quiz")
    position = serializers.IntegerField(help_text="The number the learner saw")
    state = serializers.ChoiceField(choices=[(s, s) for s in _STATES])
    mark = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)
    max_mark = serializers.DecimalField(max_digits=8, decimal_places=4)


class AttemptResultSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(source="attempt.uuid")
    learner = ResultLearnerSerializer(source="attempt.person")
    number = serializers.IntegerField(source="attempt.number")
    state = serializers.ChoiceField(source="attempt.state", choices=[(s, s) for s in _ATTEMPT_STATES])
    started_at = serializers.DateTimeField(source="attempt.started_at")
    submitted_at = serializers.DateTimeField(source="attempt.submitted_at", allow_null=True)
    time_taken_seconds = serializers.SerializerMethodField()
    sum_marks = serializers.DecimalField(
        source="attempt.sum_marks", max_digits=10, decimal_places=4, allow_null=True
    )
    max_marks = serializers.DecimalField(source="attempt.max_marks", max_digits=10, decimal_places=4)
    grade = serializers.DecimalField(
        source="attempt.grade",
        max_digits=7,
        decimal_places=4,
        allow_null=True,
        help_text="A percentage; null while in progress or while essays wait for a marker",
    )
    passed = serializers.BooleanField(allow_null=True)
    needs_marking = serializers.BooleanField(source="attempt.needs_marking")
    questions = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.INT)
    def get_time_taken_seconds(self, row) -> int | None:
        return None if row.time_taken is None else int(row.time_taken.total_seconds())

    @extend_schema_field(ResultQuestionMarkSerializer(many=True))
    def get_questions(self, row) -> list[dict]:
        return ResultQuestionMarkSerializer(
            sorted(row.marks.values(), key=lambda q: q.slot_number), many=True
        ).data


class ResponseCountSerializer(serializers.Serializer):
    answer = serializers.CharField(source="label")
    count = serializers.IntegerField()
    fraction = serializers.FloatField(
        allow_null=True, help_text="The share of the mark it earns (null: not one)"
    )
    right = serializers.BooleanField()


class ResponsePartSerializer(serializers.Serializer):
    part = serializers.CharField(
        source="title", help_text="A sub-question or gap; empty for the whole question"
    )
    attempts = serializers.IntegerField(source="total")
    others = serializers.IntegerField(help_text="Typed answers given less often than those listed")
    answers = ResponseCountSerializer(source="rows", many=True)


class VersionStatsSerializer(serializers.Serializer):
    title = serializers.CharField()
    type = serializers.CharField(source="qtype")
    question = serializers.UUIDField(source="version.question.uuid", allow_null=True)
    version = serializers.IntegerField(source="version.number", allow_null=True)
    attempts = serializers.IntegerField()
    facility_index = serializers.FloatField(source="facility", allow_null=True)
    standard_deviation = serializers.FloatField(source="sd", allow_null=True)
    discrimination_index = serializers.FloatField(source="discrimination", allow_null=True)
    discriminative_efficiency = serializers.FloatField(source="efficiency", allow_null=True)
    flags = serializers.ListField(child=serializers.CharField())
    responses = ResponsePartSerializer(many=True)


class QuestionStatsSerializer(VersionStatsSerializer):
    slot = serializers.IntegerField(source="slot_number")
    versions = VersionStatsSerializer(
        source="variants", many=True, help_text="A random slot's questions, each"
    )


class QuizStatisticsSerializer(serializers.Serializer):
    quiz = serializers.SerializerMethodField()
    attempts_counted = serializers.ChoiceField(choices=list(statistics.WHICH), source="which")
    attempts = serializers.IntegerField()
    waiting_for_marking = serializers.IntegerField(source="waiting")
    average_grade = serializers.FloatField(source="average", allow_null=True)
    median_grade = serializers.FloatField(source="median", allow_null=True)
    standard_deviation = serializers.FloatField(source="sd", allow_null=True)
    internal_consistency = serializers.FloatField(source="cic", allow_null=True)
    error_ratio = serializers.FloatField(allow_null=True)
    standard_error = serializers.FloatField(allow_null=True)
    questions = QuestionStatsSerializer(many=True)

    @extend_schema_field(OpenApiTypes.UUID)
    def get_quiz(self, stats) -> str:
        return str(self.context["quiz"].uuid)


# --- views -----------------------------------------------------------------------------------------


def _quiz(request, given):
    try:
        wanted = uuid.UUID(str(given))
    except ValueError:
        raise Http404("No such quiz") from None
    return results.access_quiz_results(request.user, wanted)


_QUIZ = OpenApiParameter("uuid", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The quiz's uuid")


class QuizResultsView(generics.ListAPIView):
    """The attempts of a quiz (previews aside), each with its questions' marks, a page at a time."""

    serializer_class = AttemptResultSerializer
    pagination_class = Pages

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Attempt.objects.none()
        self.quiz = _quiz(self.request, self.kwargs["uuid"])
        show = choice_param(self.request, "show", list(results.FILTERS)) or "all"
        visible = results.attempts_visible(self.request.user, self.quiz)
        return results.ordered_attempts(results.filter_attempts(visible, self.quiz, show))

    @extend_schema(
        summary="A quiz's results: attempts of the learners you mark, each question's mark",
        parameters=[
            _QUIZ,
            OpenApiParameter(
                "show", OpenApiTypes.STR, enum=list(results.FILTERS), description="Which attempts"
            ),
        ],
        responses={200: AttemptResultSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        attempts = self.get_queryset()
        page = self.paginate_queryset(attempts)
        rows = results.result_rows(self.quiz, page or [])
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


class QuizStatisticsView(APIView):
    """Moodle's question statistics of a quiz (statistics.py)."""

    @extend_schema(
        summary="A quiz's question statistics: facility, discrimination, answers chosen",
        parameters=[
            _QUIZ,
            OpenApiParameter(
                "attempts",
                OpenApiTypes.STR,
                enum=list(statistics.WHICH),
                description="all (default) or first",
            ),
        ],
        responses={200: QuizStatisticsSerializer, 404: NOT_FOUND},
    )
    def get(self, request, *args, **kwargs):
        quiz = _quiz(request, self.kwargs["uuid"])
        which = choice_param(request, "attempts", list(statistics.WHICH)) or "all"
        stats = statistics.quiz_statistics(request.user, quiz, which=which)
        return Response(QuizStatisticsSerializer(stats, context={"quiz": quiz}).data)
