"""People's part of /api/v1/: people and the roles they hold.

Every read goes through the same access helpers as the people pages, so a token sees exactly what
its owner sees there; anyone outside that scope is 404, the same as someone who does not exist.
Every write goes through a service, which checks the actor, validates, audits and runs atomically.
"""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from bluelamp.core.rest import ScopedViewSet, id_param, query_param, refused, service_errors
from bluelamp.organisations.api import Organisation, Perm, Unit, access_for, access_organisation, roles_of
from bluelamp.people.models import Person
from bluelamp.people.rest import serializers as s
from bluelamp.people.selectors import access_person, people_search, people_visible
from bluelamp.people.services import person_create, person_update

ORGANISATION_PARAM = OpenApiParameter(
    "organisation", OpenApiTypes.STR, description="Only those of the organisation with this slug"
)


# --- people ----------------------------------------------------------------------------------

_STATUSES = [value for value, _label in Person.Status.choices]


@extend_schema_view(
    list=extend_schema(
        summary="People you may see",
        parameters=[
            OpenApiParameter(
                "q", OpenApiTypes.STR, description="Words to find in names or e-mail, or a staff number"
            ),
            ORGANISATION_PARAM,
            OpenApiParameter("unit", OpenApiTypes.INT, description="Only people in this unit or below it"),
            OpenApiParameter("status", OpenApiTypes.STR, enum=_STATUSES, description="active or leaver"),
        ],
    ),
    retrieve=extend_schema(summary="One person"),
    create=extend_schema(
        summary="Add a person (needs the right to manage people there)",
        request=s.PersonCreateSerializer,
        responses={201: s.PersonSerializer},
    ),
    partial_update=extend_schema(
        summary="Change a person's details; status “leaver” marks them as having left",
        request=s.PersonUpdateSerializer,
        responses={200: s.PersonSerializer},
    ),
)
class PersonViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = s.PersonSerializer
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        if self.fake():
            return Person.objects.none()
        request = self.request
        status_filter = query_param(request, "status")
        if status_filter and status_filter not in _STATUSES:
            raise refused("status", f"“{status_filter}” is not a status. Use one of: {', '.join(_STATUSES)}.")
        unit_id = id_param(request, "unit")
        slug = query_param(request, "organisation")
        unit = None
        if unit_id is not None:
            # A unit outside the reader's scope simply matches no one they can see.
            unit = Unit.objects.filter(pk=unit_id).first()
            if unit is None:
                return Person.objects.none()
        organisation_id = None
        if slug:
            organisation_id = Organisation.objects.filter(slug=slug).values_list("pk", flat=True).first()
            if organisation_id is None:
                return Person.objects.none()
        return people_search(
            request.user,
            query=request.query_params.get("q", ""),
            organisation_id=organisation_id,
            unit=unit,
            status=status_filter,
        )

    def get_object(self):
        return access_person(self.request.user, int(self.kwargs["pk"]))

    def _resolve_unit(self, organisation, unit_id):
        if unit_id is None:
            return None
        unit = Unit.objects.filter(pk=unit_id, organisation=organisation).first()
        if unit is None:
            raise refused("unit", f"There is no unit with id {unit_id} in {organisation.name}.")
        return unit

    def _resolve_manager(self, organisation, person_id):
        if person_id is None:
            return None
        manager = people_visible(self.request.user).filter(pk=person_id, organisation=organisation).first()
        if manager is None:
            raise refused(
                "line_manager",
                f"There is no one with id {person_id} in {organisation.name} whom you can see.",
            )
        return manager

    def create(self, request, *args, **kwargs):
        if not access_for(request.user, Perm.PEOPLE_MANAGE).anything:
            raise PermissionDenied("You cannot add people: you do not manage people anywhere.")
        data = s.PersonCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        slug = values.pop("organisation")
        try:
            organisation = access_organisation(request.user, slug, Perm.PEOPLE_MANAGE)
        except Http404:
            raise refused(
                "organisation", f"There is no organisation “{slug}” among those whose people you manage."
            ) from None
        values["unit"] = self._resolve_unit(organisation, values.get("unit"))
        values["line_manager"] = self._resolve_manager(organisation, values.get("line_manager"))
        with service_errors(
            permission_field="unit",
            permission_message=f"Give the id of a unit you manage: you manage people in part of "
            f"{organisation.name} only.",
        ):
            person = person_create(actor=request.user, organisation=organisation, **values)
        return Response(s.PersonSerializer(person).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        person = access_person(request.user, int(self.kwargs["pk"]), Perm.PEOPLE_MANAGE)
        data = s.PersonUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        if not changes:
            raise refused("non_field_errors", "Send at least one field to change.")
        if "unit" in changes:
            changes["unit"] = self._resolve_unit(person.organisation, changes["unit"])
        if "line_manager" in changes:
            changes["line_manager"] = self._resolve_manager(person.organisation, changes["line_manager"])
        with service_errors(
            permission_field="unit", permission_message="You cannot move people to that unit."
        ):
            person = person_update(actor=request.user, person=person, **changes)
        return Response(s.PersonSerializer(access_person(request.user, person.pk)).data)

    @extend_schema(
        summary="The roles a person holds now", responses={200: s.RoleAssignmentSerializer(many=True)}
    )
    @action(detail=True, methods=["get"], serializer_class=s.RoleAssignmentSerializer, pagination_class=None)
    def roles(self, request, *args, **kwargs):
        person = self.get_object()
        return Response(
            s.RoleAssignmentSerializer(roles_of(person).order_by("granted_at", "pk"), many=True).data
        )
