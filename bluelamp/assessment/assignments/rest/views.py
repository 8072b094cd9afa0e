"""The assignments API (read-only): assignments with their settings and criteria, and the
reader's own submissions.

Scoped by the applet's access helpers, as its pages are:
- the list: the assignments of the courses the reader sets up (`may_set_up`), optionally of one
  course (`?course=<uuid>`);
- one assignment: those who set it up, those who mark its learners, and its learners;
- submissions: the reader's own only, their marks and feedback only once released.
Anything outside that is 404, the same as something that does not exist.
"""

import uuid

from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins

from bluelamp.assessment.assignments import selectors
from bluelamp.assessment.assignments.models import Assignment, Criterion, Submission
from bluelamp.assessment.assignments.rest import serializers as s
from bluelamp.core.rest import ScopedViewSet, uuid_param
from bluelamp.learning.api import courses_managed

NOT_FOUND = OpenApiResponse(description="Not found, or not yours to see")


def _with_criteria(assignments):
    return assignments.select_related("course").prefetch_related(
        Prefetch("criteria", queryset=Criterion.objects.order_by("order", "pk").prefetch_related("levels"))
    )


@extend_schema_view(
    list=extend_schema(
        summary="Assignments of the courses you set up, with their settings and criteria",
        parameters=[OpenApiParameter("course", OpenApiTypes.UUID, description="Only this course's")],
    ),
    retrieve=extend_schema(
        summary="One assignment: for those who set it up, mark its learners or take it",
        responses={200: s.AssignmentSettingsSerializer, 404: NOT_FOUND},
    ),
)
class AssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = s.AssignmentSettingsSerializer
    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-fA-F-]{32,36}"
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        if self.fake():
            return Assignment.objects.none()
        assignments = Assignment.objects.filter(course__in=courses_managed(self.request.user))
        course = uuid_param(self.request, "course", "course")
        if course is not None:
            assignments = assignments.filter(course__uuid=course)
        return _with_criteria(assignments).order_by("course__code", "title", "pk")

    def get_object(self):
        user = self.request.user
        assignment_uuid = self.kwargs["uuid"]
        try:
            assignment = selectors.access_assignment_setup(user, assignment_uuid)
        except Http404:
            try:
                assignment = selectors.access_assignment_for_extensions(user, assignment_uuid)
            except Http404:
                assignment, _enrolment = selectors.access_assignment_as_learner(user, assignment_uuid)
        return _with_criteria(Assignment.objects.filter(pk=assignment.pk)).get()


@extend_schema_view(
    list=extend_schema(
        summary="Your own assignment submissions (marks and feedback only once released)",
        parameters=[OpenApiParameter("assignment", OpenApiTypes.UUID, description="Only this assignment's")],
    ),
    retrieve=extend_schema(
        summary="One of your own submissions",
        responses={200: s.MyAssignmentSubmissionSerializer, 404: NOT_FOUND},
    ),
)
class MySubmissionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = s.MyAssignmentSubmissionSerializer
    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-fA-F-]{32,36}"
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        if self.fake():
            return Submission.objects.none()
        rows = Submission.objects.filter(person=self.request.user)
        assignment = uuid_param(self.request, "assignment", "assignment")
        if assignment is not None:
            rows = rows.filter(assignment__uuid=assignment)
        return (
            rows.select_related("assignment", "assignment__course")
            .prefetch_related("files", "judgements__level")
            .order_by("-created_at", "-pk")
        )

    def get_object(self):
        try:
            key = uuid.UUID(self.kwargs["uuid"])
        except ValueError:
            raise Http404("No such submission") from None
        row = self.get_queryset().filter(uuid=key).first()
        if row is None:
            raise Http404("No such submission")
        return row
