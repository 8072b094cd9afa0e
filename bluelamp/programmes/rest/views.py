"""Programmes in /api/v1/ (read-only): programmes open to the reader or run by them, with their
structure; places — the reader's own, or, with `?programme=<uuid>`, those of a programme they run —
with where each learner stands. Scoped by the domain's access helpers, as its pages are; anything
else is 404."""

import uuid

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers

from bluelamp.core.rest import ScopedViewSet
from bluelamp.programmes import progress, selectors
from bluelamp.programmes.models import Place, Programme, ProgrammeUnit, UnitSet


class ProgrammeUnitSerializer(serializers.ModelSerializer):
    course = serializers.UUIDField(source="course.uuid")
    course_code = serializers.CharField(source="course.code")
    course_title = serializers.CharField(source="course.title")

    class Meta:
        model = ProgrammeUnit
        fields = ["course", "course_code", "course_title", "credits", "due_after_days"]


class UnitSetSerializer(serializers.ModelSerializer):
    units = ProgrammeUnitSerializer(many=True)

    class Meta:
        model = UnitSet
        fields = ["title", "rule", "required_units", "required_credits", "sequence", "units"]


class ProgrammeSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid")
    owner = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    version = serializers.IntegerField(source="current_version.number", allow_null=True)
    sets = serializers.SerializerMethodField()

    class Meta:
        model = Programme
        fields = ["id", "code", "title", "summary", "owner", "level", "awarding_body", "qualification_size",
                  "credit_total", "applications_open", "status", "version", "sets"]  # fmt: skip

    @extend_schema_field(UnitSetSerializer(many=True))
    def get_sets(self, programme) -> list[dict]:
        if programme.current_version_id is None:
            return []
        sets = programme.current_version.sets.prefetch_related("units__course").order_by("order")
        return UnitSetSerializer(sets, many=True).data


class UnitStandingSerializer(serializers.Serializer):
    course_code = serializers.CharField(source="unit.course.code")
    credits = serializers.IntegerField(source="unit.credits")
    state = serializers.CharField()
    completed_on = serializers.DateField(allow_null=True)
    due_on = serializers.DateField(allow_null=True)


class ProgrammePlaceSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid")
    programme = serializers.UUIDField(source="programme.uuid")
    person = serializers.UUIDField(source="person.uuid")
    person_name = serializers.CharField(source="person.get_full_name")
    version = serializers.IntegerField(source="version.number")
    cohort = serializers.CharField(source="cohort.name", allow_null=True, default=None)
    cohort_starts_on = serializers.DateField(source="cohort.starts_on", allow_null=True, default=None)
    credits_earned = serializers.SerializerMethodField()
    units = serializers.SerializerMethodField()

    class Meta:
        model = Place
        fields = ["id", "programme", "person", "person_name", "version", "status", "method", "cohort",
                  "cohort_starts_on", "applied_at", "started_at", "completed_on", "registration_number",
                  "credits_earned", "units"]  # fmt: skip

    def _progress(self, place) -> progress.Progress:
        cache = self.context.setdefault("progress", {})
        if place.pk not in cache:
            cache[place.pk] = progress.place_progress(place)
        return cache[place.pk]

    def get_credits_earned(self, place) -> int:
        return self._progress(place).credits_earned

    @extend_schema_field(UnitStandingSerializer(many=True))
    def get_units(self, place) -> list[dict]:
        return UnitStandingSerializer(self._progress(place).units, many=True).data


@extend_schema_view(
    list=extend_schema(summary="Programmes open to you, or that you run"),
    retrieve=extend_schema(summary="A programme and its current structure"),
)
class ProgrammeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = ProgrammeSerializer
    lookup_field = "uuid"
    lookup_url_kwarg = "id"

    def get_queryset(self):
        if self.fake():
            return Programme.objects.none()
        user = self.request.user
        open_ids = [p.pk for p in selectors.programmes_open_to(user)]
        run_ids = list(selectors.programmes_run(user).values_list("pk", flat=True))
        return (
            Programme.objects.filter(pk__in=set(open_ids) | set(run_ids))
            .select_related("owner", "current_version")
            .order_by("title")
        )

    def get_object(self):
        try:
            key = uuid.UUID(str(self.kwargs["id"]))
        except ValueError:
            raise Http404("No such programme") from None
        found = self.get_queryset().filter(uuid=key).first()
        if found is None:
            raise Http404("No such programme")
        return found


@extend_schema_view(
    list=extend_schema(
        summary="Your places on programmes, or (with ?programme=) the places of a programme you run",
        parameters=[OpenApiParameter("programme", OpenApiTypes.UUID, description="A programme you run")],
    ),
    retrieve=extend_schema(summary="A place and where the learner stands"),
)
class PlaceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = ProgrammePlaceSerializer
    lookup_url_kwarg = "id"

    def get_queryset(self):
        if self.fake():
            return Place.objects.none()
        user = self.request.user
        wanted = self.request.query_params.get("programme")
        if wanted:
            programme = selectors.access_programme_to_run(user, wanted)
            return selectors.places_run(user, programme).order_by("person__last_name", "pk")
        return selectors.places_of(user)

    def get_object(self):
        return selectors.access_place(self.request.user, self.kwargs["id"])
