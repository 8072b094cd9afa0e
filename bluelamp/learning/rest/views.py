"""Learning's part of /api/v1/: courses, enrolments, progress and the learner record.

Scoped by learning's own access helpers, as the learning pages are:
- courses: the catalogue of the token's owner (`catalogue`), or the courses they manage
  (`courses_managed`); one course through `access_course`;
- enrolments and progress: a person's own, or those of the people whose learner record the reader
  may read (`access_record_of`: their reports, or people within their learning.manage scope);
  a course's through `enrolments_of_course`;
- the learner record: `access_record_of`.
Anything outside that is 404, the same as something that does not exist. Enrolling and
unenrolling go through the services (`enrol_self`, `enrol_people`, `unenrol`).
"""

import uuid

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from bluelamp.core.rest import (
    ScopedViewSet,
    choice_param,
    id_param,
    query_param,
    refused,
    service_errors,
    uuid_param,
)
from bluelamp.learning.enrolments import enrol_people, enrol_self, unenrol
from bluelamp.learning.models import ActivityProgress, Course, Enrolment
from bluelamp.learning.rest import serializers as s
from bluelamp.learning.selectors import (
    access_course,
    access_enrolment,
    access_record_of,
    activities_of,
    catalogue,
    courses_managed,
    enrolments_of,
    enrolments_of_course,
    live_enrolment,
    people_enrollable_by,
    progress_by_activity,
    transcript,
)

# --- courses ---------------------------------------------------------------------------------

_OWNERS = ["national", "own"]
_COURSE_STATUSES = [value for value, _label in Course.Status.choices]
_CATALOGUE_FILTERS = ("q", "tag", "owner")


@extend_schema_view(
    list=extend_schema(
        summary="The course catalogue: published courses you may enrol on; or the courses you manage",
        parameters=[
            OpenApiParameter(
                "q", OpenApiTypes.STR, description="Words to find in titles, summaries or tags, or a code"
            ),
            OpenApiParameter("tag", OpenApiTypes.STR, description="Only courses with this tag"),
            OpenApiParameter(
                "owner",
                OpenApiTypes.STR,
                enum=_OWNERS,
                description="national: the national catalogue; own: your organisation's courses",
            ),
            OpenApiParameter(
                "managed",
                OpenApiTypes.BOOL,
                description="true: the courses you manage (drafts and retired ones too) instead of the "
                "catalogue; q, tag and owner do not apply",
            ),
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                enum=_COURSE_STATUSES,
                description="With managed=true: only courses with this status",
            ),
        ],
    ),
    retrieve=extend_schema(
        summary="One course, with its current version's activities (a course in your catalogue, "
        "one you are or were enrolled on, or one you manage)",
        responses={200: s.CourseDetailSerializer},
    ),
)
class CourseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = s.CourseSerializer
    lookup_field = "uuid"
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        if self.fake():
            return Course.objects.none()
        request, user = self.request, self.request.user
        managed = choice_param(request, "managed", ["true", "false"]) == "true"
        if managed:
            given = [name for name in _CATALOGUE_FILTERS if query_param(request, name)]
            if given:
                raise refused(
                    given[0],
                    f"{', '.join(given)} filter the catalogue only; with managed=true, filter by status.",
                )
            courses = courses_managed(user).select_related("owner", "current_version")
            wanted = choice_param(request, "status", _COURSE_STATUSES)
            if wanted:
                courses = courses.filter(status=wanted)
            return courses.prefetch_related("tags").order_by("title", "pk")
        if query_param(request, "status"):
            raise refused("status", "The catalogue lists published courses only; status needs managed=true.")
        return catalogue(
            user,
            query=request.query_params.get("q", ""),
            tag=query_param(request, "tag"),
            owner=choice_param(request, "owner", _OWNERS),
        ).select_related("current_version")

    def retrieve(self, request, *args, **kwargs):
        try:
            course = access_course(request.user, uuid.UUID(self.kwargs["uuid"]))
        except ValueError:
            raise Http404("No such course") from None
        activities = list(activities_of(course.current_version)) if course.current_version_id else []
        return Response(s.CourseDetailSerializer(course, context={"activities": activities}).data)


# --- enrolments ------------------------------------------------------------------------------

_ENROLMENT_STATUSES = [value for value, _label in Enrolment.Status.choices]


@extend_schema_view(
    list=extend_schema(
        summary="Your enrolments; or, with course or person, those of the people whose learning you "
        "manage or who report to you",
        parameters=[
            OpenApiParameter(
                "course",
                OpenApiTypes.UUID,
                description="Enrolments on this course of the people you manage or who report to you",
            ),
            OpenApiParameter(
                "person",
                OpenApiTypes.INT,
                description="Enrolments of this person (yourself, someone who reports to you, or someone "
                "whose learning you manage)",
            ),
            OpenApiParameter("status", OpenApiTypes.STR, enum=_ENROLMENT_STATUSES),
        ],
    ),
    retrieve=extend_schema(summary="One enrolment"),
    create=extend_schema(
        summary="Enrol yourself, or someone whose learning you manage or who reports to you, on a course",
        description="201 with the new enrolment; 200 with the existing one if they are already enrolled; "
        "400 naming what was wrong (the course, the person, the due date) otherwise.",
        request=s.EnrolmentCreateSerializer,
        responses={201: s.EnrolmentSerializer, 200: s.EnrolmentSerializer},
    ),
    destroy=extend_schema(
        summary="Unenrol (the enrolment, its progress and any completion are kept as history)",
        parameters=[OpenApiParameter("reason", OpenApiTypes.STR, description="Why, for the record")],
        responses={204: OpenApiResponse(description="Unenrolled")},
    ),
)
class EnrolmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet
):
    serializer_class = s.EnrolmentSerializer
    lookup_field = "uuid"
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self):
        if self.fake():
            return Enrolment.objects.none()
        request, user = self.request, self.request.user
        course_uuid = uuid_param(request, "course", "course")
        person_id = id_param(request, "person")
        wanted = choice_param(request, "status", _ENROLMENT_STATUSES)
        if course_uuid is not None:
            # A course or person out of scope matches nothing, as one that does not exist.
            try:
                course = access_course(user, course_uuid)
            except Http404:
                return Enrolment.objects.none()
            enrolments = enrolments_of_course(user, course)
            if person_id is not None:
                enrolments = enrolments.filter(person_id=person_id)
            enrolments = enrolments.select_related("course")
        elif person_id is not None:
            try:
                person = access_record_of(user, person_id)
            except Http404:
                return Enrolment.objects.none()
            enrolments = enrolments_of(person).order_by("-enrolled_at", "pk")
        else:
            enrolments = enrolments_of(user).order_by("-enrolled_at", "pk")
        if wanted:
            enrolments = enrolments.filter(status=wanted)
        return enrolments

    def get_object(self):
        return access_enrolment(self.request.user, self.kwargs["uuid"])

    def create(self, request, *args, **kwargs):
        user = request.user
        data = s.EnrolmentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            course = access_course(user, values["course"])
        except Http404:
            raise refused(
                "course",
                f"There is no course {values['course']} that you can see. Give the uuid of a course "
                "from /api/v1/courses/.",
            ) from None
        person_id, due_on = values.get("person"), values.get("due_on")
        if person_id is None or person_id == user.pk:
            if due_on is not None:
                raise refused(
                    "due_on", "A due date is set when enrolling someone else; leave it out to enrol yourself."
                )
            already = live_enrolment(user, course)
            with service_errors():
                enrolment = enrol_self(person=user, course=course)
            return self._enrolment_response(enrolment, created=already is None)
        person = (
            people_enrollable_by(user).select_related("organisation", "unit").filter(pk=person_id).first()
        )
        if person is None:
            raise refused(
                "person",
                f"There is no one with id {person_id} whom you can enrol: people whose learning you "
                "manage, or who report to you.",
            )
        with service_errors():
            result = enrol_people(
                actor=user, course=course, people=[person], due_on=due_on, method=Enrolment.Method.API
            )
        if result.enrolled:
            return self._enrolment_response(result.enrolled[0], created=True)
        if result.already:
            return self._enrolment_response(live_enrolment(person, course), created=False)
        name, reason = result.refused[0]
        raise refused("person", f"{name} cannot be enrolled on {course.code}: {reason}.")

    def _enrolment_response(self, enrolment: Enrolment, *, created: bool) -> Response:
        enrolment = access_enrolment(self.request.user, enrolment.uuid)
        return Response(
            s.EnrolmentSerializer(enrolment).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def _withdraw(self, request, reason: str) -> Enrolment:
        enrolment = self.get_object()
        data = s.EnrolmentWithdrawSerializer(data={"reason": reason})
        data.is_valid(raise_exception=True)
        with service_errors():
            unenrol(actor=request.user, enrolment=enrolment, reason=data.validated_data.get("reason", ""))
        return access_enrolment(request.user, enrolment.uuid)

    def destroy(self, request, *args, **kwargs):
        reason = request.query_params.get("reason") or (
            request.data.get("reason", "") if hasattr(request.data, "get") else ""
        )
        self._withdraw(request, reason)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Unenrol, giving a reason; returns the enrolment as kept in the history",
        request=s.EnrolmentWithdrawSerializer,
        responses={200: s.EnrolmentSerializer},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        data = s.EnrolmentWithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enrolment = self._withdraw(request, data.validated_data.get("reason", ""))
        return Response(s.EnrolmentSerializer(enrolment).data)

    @extend_schema(
        summary="Progress through the course: each activity's status and score, and the course's status",
        responses={200: s.EnrolmentProgressSerializer},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def progress(self, request, *args, **kwargs):
        enrolment = self.get_object()
        progress = progress_by_activity(enrolment)
        activities = []
        for activity in activities_of(enrolment.version):
            row = progress.get(activity.pk)
            activities.append(
                {
                    "activity": activity.pk,
                    "order": activity.order,
                    "title": activity.title,
                    "kind": activity.kind,
                    "required": activity.required,
                    "status": row.status if row else ActivityProgress.Status.NOT_STARTED,
                    "score": row.score if row else None,
                    "first_opened_at": row.first_opened_at if row else None,
                    "completed_at": row.completed_at if row else None,
                }
            )
        payload = {
            "enrolment": enrolment.uuid,
            "person": enrolment.person_id,
            "course": enrolment.course.uuid,
            "course_code": enrolment.course.code,
            "course_title": enrolment.course.title,
            "version": enrolment.version.number,
            "completion_rule": enrolment.version.completion_rule,
            "status": enrolment.status,
            "started_at": enrolment.started_at,
            "last_activity_at": enrolment.last_activity_at,
            "completed_at": enrolment.completed_at,
            "score": enrolment.score,
            "activities_completed": sum(
                1 for a in activities if a["status"] == ActivityProgress.Status.COMPLETED
            ),
            "activities_total": len(activities),
            "activities": activities,
        }
        return Response(s.EnrolmentProgressSerializer(payload).data)


# --- the learner record ----------------------------------------------------------------------


class TranscriptView(APIView):
    """A person's learner record: for themselves, their line manager and the training
    administrators whose scope they are in. 404 for anyone else, as for no such person."""

    @extend_schema(
        summary="A person's learner record (yourself, someone who reports to you, or someone whose "
        "learning you manage)",
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={
            200: s.TranscriptSerializer,
            404: OpenApiResponse(description="No such person, or not someone whose record you may read"),
        },
    )
    def get(self, request, *args, **kwargs):
        person = access_record_of(request.user, int(self.kwargs["id"]))
        payload = {"person": person.pk, "name": person.get_full_name(), "completions": transcript(person)}
        return Response(s.TranscriptSerializer(payload).data)
