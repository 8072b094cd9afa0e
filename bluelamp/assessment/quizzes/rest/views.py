"""The quizzes API (core part): a course's quizzes and a quiz's settings for its managers, and a
learner's own attempts. Scoped by the applet's access helpers, as its pages are: anything else is
404, the same as something that does not exist."""

from django.db.models import Count
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from bluelamp.assessment.quizzes import selectors
from bluelamp.assessment.quizzes.attempts import start_check
from bluelamp.assessment.quizzes.models import Attempt, Quiz
from bluelamp.assessment.quizzes.rest import serializers as s
from bluelamp.assessment.quizzes.web import clock
from bluelamp.assessment.shared.access import may_set_up
from bluelamp.core.rest import Pages
from bluelamp.learning.api import access_course

NOT_FOUND = OpenApiResponse(description="Not found, or not yours to see")


class CourseQuizzesView(APIView):
    @extend_schema(
        summary="The quizzes of a course you manage",
        parameters=[OpenApiParameter("uuid", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        responses={200: s.QuizSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, uuid):
        course = access_course(request.user, uuid)
        if not may_set_up(request.user, course):
            raise Http404("No such course")
        quizzes = (
            selectors.quizzes_of_course(course).select_related("course").annotate(questions=Count("slots"))
        )
        pages = Pages()
        page = pages.paginate_queryset(quizzes, request, view=self)
        return pages.get_paginated_response(s.QuizSerializer(page, many=True).data)


def _quiz_for(request, uuid) -> Quiz:
    """A quiz the reader manages, or one on a course they take that holds it."""
    quiz = Quiz.objects.select_related("course", "course__owner").filter(uuid=uuid).first()
    if quiz is None:
        raise Http404("No such quiz")
    if may_set_up(request.user, quiz.course) or selectors.learner_enrolment(request.user, quiz) is not None:
        return quiz
    raise Http404("No such quiz")


class QuizView(APIView):
    @extend_schema(
        summary="A quiz's settings (its course's managers, and learners on a course that holds it)",
        parameters=[OpenApiParameter("uuid", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        responses={200: s.QuizDetailSerializer, 404: NOT_FOUND},
    )
    def get(self, request, uuid):
        quiz = _quiz_for(request, uuid)
        quiz.questions = quiz.slots.count()
        return Response(s.QuizDetailSerializer(quiz).data)


class MyAttemptsView(APIView):
    @extend_schema(
        summary="Your own attempts at a quiz, your quiz grade and attempts left (grades as the quiz's "
        "review options show them)",
        parameters=[OpenApiParameter("uuid", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        responses={200: s.MyAttemptsSerializer, 404: NOT_FOUND},
    )
    def get(self, request, uuid):
        quiz, _enrolment = selectors.access_quiz_to_take(request.user, uuid)
        at = clock.now()
        check = start_check(
            quiz, request.user, at=at, adjustment=selectors.adjustment_for(quiz, request.user)
        )
        shown = {
            a.pk: selectors.review_now(a, at, quiz=quiz).marks
            for a in check.attempts
            if a.state == Attempt.State.FINISHED
        }
        finished = [a for a in check.attempts if a.state == Attempt.State.FINISHED]
        grade = selectors.quiz_grade(quiz, check.attempts)
        show = bool(finished) and shown.get(finished[-1].pk, False)
        payload = {
            "quiz": quiz.uuid,
            "grade": float(grade) if show and grade is not None else None,
            "passed": selectors.passed(quiz, grade) if show and grade is not None else None,
            "attempts_left": check.attempts_left,
            "attempts": check.attempts,
        }
        return Response(s.MyAttemptsSerializer(payload, context={"marks_shown": shown}).data)
