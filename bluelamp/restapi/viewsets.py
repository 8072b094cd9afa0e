"""Version 1 of the REST API: organisations, licences, units, people and the public licence check.

Every read goes through the same access helpers as the web pages, so a token sees exactly what
its owner sees there; anything outside that scope is 404, the same as something that does not
exist. Every write goes through a domain service, which validates, audits and runs atomically.
"""

from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Length, Substr
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from bluelamp.organisations.api import (
    Licence,
    LicenceType,
    Organisation,
    Perm,
    Unit,
    access_for,
    access_licence,
    access_organisation,
    access_unit,
    licence_create,
    licence_status,
    licence_update,
    licences_visible,
    organisation_create,
    organisation_update,
    roles_of,
    unit_create,
    units_in_scope,
)
from bluelamp.people.api import (
    Person,
    access_person,
    people_search,
    people_visible,
    person_create,
    person_update,
)
from bluelamp.restapi import serializers as s
from bluelamp.restapi.permissions import OrganisationDomainInForce, SignedInAdministratorsHaveMfa

# --- shared ----------------------------------------------------------------------------------


class Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class ScopedViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, SignedInAdministratorsHaveMfa, OrganisationDomainInForce]
    pagination_class = Pages
    # PUT (replace everything) is not offered: changes are partial, through PATCH.
    http_method_names = ["get", "post", "patch", "head", "options"]

    def fake(self) -> bool:
        """drf-spectacular builds the schema with a stand-in request and no real user."""
        return getattr(self, "swagger_fake_view", False)


@contextmanager
def service_errors(*, permission_field: str | None = None, permission_message: str = ""):
    """Turn a domain service's refusals into 400 responses that name the field at fault."""
    try:
        yield
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            detail = {
                ("non_field_errors" if field == NON_FIELD_ERRORS else field): messages
                for field, messages in exc.message_dict.items()
            }
        else:
            detail = {"non_field_errors": exc.messages}
        raise ValidationError(detail) from None
    except DjangoPermissionDenied as exc:
        if permission_field is None:
            raise PermissionDenied(str(exc) or None) from None
        raise ValidationError({permission_field: [permission_message]}) from None


def _refused(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _slug_param(request, name: str) -> str:
    return (request.query_params.get(name) or "").strip()


def _id_param(request, name: str) -> int | None:
    value = (request.query_params.get(name) or "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise _refused(name, f"“{value}” is not a {name} id. Give the number from the {name}'s “id”.")
    return int(value)


ORGANISATION_PARAM = OpenApiParameter(
    "organisation", OpenApiTypes.STR, description="Only those of the organisation with this slug"
)


# --- organisations ---------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Organisations you administer (all of them for platform administrators)"),
    retrieve=extend_schema(summary="One organisation"),
    create=extend_schema(
        summary="Add an organisation (platform administrators)",
        request=s.OrganisationCreateSerializer,
        responses={201: s.OrganisationSerializer},
    ),
    partial_update=extend_schema(
        summary="Change an organisation (platform administrators)",
        request=s.OrganisationUpdateSerializer,
        responses={200: s.OrganisationSerializer},
    ),
)
class OrganisationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Scoped like the organisation pages: an organisation is visible to those who may edit it."""

    serializer_class = s.OrganisationSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def get_queryset(self):
        if self.fake():
            return Organisation.objects.none()
        access = access_for(self.request.user, Perm.ORGANISATION_EDIT)
        organisations = Organisation.objects.order_by("name", "pk")
        return organisations if access.national else organisations.filter(pk__in=access.organisation_ids)

    def get_object(self):
        user = self.request.user
        organisation = access_organisation(user, self.kwargs["slug"], Perm.ORGANISATION_EDIT)
        # Part of an organisation (a unit-level role) is not enough, as on the organisation page.
        if not access_for(user, Perm.ORGANISATION_EDIT).covers_organisation(organisation.pk):
            raise Http404("No such organisation")
        return organisation

    def _require_platform_admin(self) -> None:
        if not access_for(self.request.user, Perm.ORGANISATIONS_MANAGE).national:
            raise PermissionDenied("Only platform administrators can add or change organisations here.")

    def create(self, request, *args, **kwargs):
        self._require_platform_admin()
        data = s.OrganisationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            organisation = organisation_create(actor=request.user, **data.validated_data)
        return Response(s.OrganisationSerializer(organisation).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        organisation = self.get_object()
        self._require_platform_admin()
        data = s.OrganisationUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            organisation = organisation_update(
                actor=request.user, organisation=organisation, **data.validated_data
            )
        return Response(s.OrganisationSerializer(organisation).data)


# --- licences --------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Licences of the organisations you may see", parameters=[ORGANISATION_PARAM]),
    retrieve=extend_schema(summary="One licence"),
    create=extend_schema(
        summary="Add a licence (platform administrators)",
        request=s.LicenceCreateSerializer,
        responses={201: s.LicenceSerializer},
    ),
    partial_update=extend_schema(
        summary="Change a licence, e.g. suspend or renew it (platform administrators)",
        request=s.LicenceUpdateSerializer,
        responses={200: s.LicenceSerializer},
    ),
)
class LicenceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = s.LicenceSerializer
    lookup_value_regex = "[0-9]+"

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def get_queryset(self):
        if self.fake():
            return Licence.objects.none()
        # The API does not expose licence contacts (personal data), so skip their prefetch.
        licences = licences_visible(self.request.user).prefetch_related(None)
        slug = _slug_param(self.request, "organisation")
        if slug:
            licences = licences.filter(organisation__slug=slug)
        return licences.order_by("organisation__name", "type", "-starts_on", "pk")

    def get_object(self):
        return access_licence(self.request.user, int(self.kwargs["pk"]))

    def _require_platform_admin(self) -> None:
        if not access_for(self.request.user, Perm.LICENCES_MANAGE).national:
            raise PermissionDenied("Only platform administrators can add or change licences.")

    def create(self, request, *args, **kwargs):
        self._require_platform_admin()
        data = s.LicenceCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        slug = values.pop("organisation")
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            raise _refused("organisation", f"There is no organisation with the slug “{slug}”.")
        with service_errors():
            licence = licence_create(actor=request.user, organisation=organisation, **values)
        return Response(
            s.LicenceSerializer(licence, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    def partial_update(self, request, *args, **kwargs):
        licence = self.get_object()
        self._require_platform_admin()
        data = s.LicenceUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            licence = licence_update(actor=request.user, licence=licence, **data.validated_data)
        return Response(s.LicenceSerializer(licence, context=self.get_serializer_context()).data)


# --- units -----------------------------------------------------------------------------------


def _with_parent_id(units):
    """Annotate each unit with its parent's id in the same query (treebeard would ask per unit)."""
    parent = Unit.objects.filter(
        organisation_id=OuterRef("organisation_id"),
        path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Unit.steplen),
    ).values("pk")[:1]
    return units.annotate(parent_id=Subquery(parent))


def units_visible(user):
    """Units the person may see: those where they manage units, and those where they see people
    (the people pages offer these as filters)."""
    return units_in_scope(user, Perm.UNITS_MANAGE) | units_in_scope(user, Perm.PEOPLE_VIEW)


@extend_schema_view(
    list=extend_schema(
        summary="Units where you manage units or see people, in tree order", parameters=[ORGANISATION_PARAM]
    ),
    retrieve=extend_schema(summary="One unit"),
    create=extend_schema(
        summary="Add a unit (needs the right to manage units there)",
        request=s.UnitCreateSerializer,
        responses={201: s.UnitSerializer},
    ),
)
class UnitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = s.UnitSerializer
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        if self.fake():
            return Unit.objects.none()
        units = units_visible(self.request.user)
        slug = _slug_param(self.request, "organisation")
        if slug:
            units = units.filter(organisation__slug=slug)
        return _with_parent_id(units).order_by("organisation__name", "full_path")

    def get_object(self):
        user, unit_id = self.request.user, int(self.kwargs["pk"])
        try:
            unit = access_unit(user, unit_id, Perm.UNITS_MANAGE)
        except Http404:
            unit = access_unit(user, unit_id, Perm.PEOPLE_VIEW)
        return _with_parent_id(Unit.objects.filter(pk=unit.pk).select_related("organisation")).get()

    def create(self, request, *args, **kwargs):
        user = request.user
        access = access_for(user, Perm.UNITS_MANAGE)
        if not access.anything:
            raise PermissionDenied("You cannot add units: you do not manage units anywhere.")
        data = s.UnitCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        parent = organisation = None
        if values.get("parent") is not None:
            try:
                parent = access_unit(user, values["parent"], Perm.UNITS_MANAGE)
            except Http404:
                raise _refused(
                    "parent", f"There is no unit with id {values['parent']} among the units you manage."
                ) from None
        if values.get("organisation"):
            try:
                organisation = access_organisation(user, values["organisation"], Perm.UNITS_MANAGE)
            except Http404:
                raise _refused(
                    "organisation",
                    f"There is no organisation “{values['organisation']}” among those whose units you manage.",
                ) from None
        organisation = organisation or (parent.organisation if parent else None)
        if organisation is None:
            raise _refused("organisation", "Give the organisation's slug, or the id of a parent unit.")
        if parent is None and not access.covers_organisation(organisation.pk):
            raise _refused(
                "parent", "Give the id of the unit this belongs to: you manage part of the organisation only."
            )
        with service_errors():
            unit = unit_create(
                actor=user,
                organisation=organisation,
                name=values["name"],
                parent=parent,
                code=values.get("code", ""),
            )
        unit = _with_parent_id(Unit.objects.filter(pk=unit.pk).select_related("organisation")).get()
        return Response(s.UnitSerializer(unit).data, status=status.HTTP_201_CREATED)


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
        status_filter = _slug_param(request, "status")
        if status_filter and status_filter not in _STATUSES:
            raise _refused(
                "status", f"“{status_filter}” is not a status. Use one of: {', '.join(_STATUSES)}."
            )
        unit_id = _id_param(request, "unit")
        slug = _slug_param(request, "organisation")
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
            raise _refused("unit", f"There is no unit with id {unit_id} in {organisation.name}.")
        return unit

    def _resolve_manager(self, organisation, person_id):
        if person_id is None:
            return None
        manager = people_visible(self.request.user).filter(pk=person_id, organisation=organisation).first()
        if manager is None:
            raise _refused(
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
            raise _refused(
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
            raise _refused("non_field_errors", "Send at least one field to change.")
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


# --- public licence check --------------------------------------------------------------------

_TYPES = [value for value, _label in LicenceType.choices]


class LicenceCheckView(APIView):
    """Public: does an organisation hold a licence, and until when? Reveals nothing else.

    Outside checks rely on this exact shape and on 404 for an unknown organisation.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Does an organisation hold a licence, and until when? (public, no sign-in)",
        auth=[],
        parameters=[
            OpenApiParameter(
                "organisation", OpenApiTypes.STR, required=True, description="The organisation's slug"
            ),
            OpenApiParameter(
                "type", OpenApiTypes.STR, required=True, enum=_TYPES, description="The licence type"
            ),
        ],
        responses={
            200: s.LicenceCheckSerializer,
            400: OpenApiResponse(
                description="A parameter is missing or not accepted; the message says which"
            ),
            404: OpenApiResponse(description="No organisation with that slug"),
        },
    )
    def get(self, request, *args, **kwargs):
        slug = _slug_param(request, "organisation")
        licence_type = _slug_param(request, "type")
        errors = {}
        if not slug:
            errors["organisation"] = ["Give the organisation's slug, e.g. ?organisation=kent."]
        if licence_type not in _TYPES:
            given = f"“{licence_type}” is not a licence type" if licence_type else "Give the licence type"
            errors["type"] = [f"{given}. Use one of: {', '.join(_TYPES)}."]
        if errors:
            raise ValidationError(errors)
        # The national body holds no licences (it needs none), so it is not an organisation to check.
        organisation = (
            Organisation.objects.exclude(kind=Organisation.Kind.NATIONAL_BODY).filter(slug=slug).first()
        )
        if organisation is None:
            raise NotFound(f"There is no organisation with the slug “{slug}”.")
        answer = licence_status(organisation=organisation, type=licence_type)
        payload = {
            "organisation": organisation.slug,
            "type": answer.type,
            "licensed": answer.licensed,
            "valid_until": answer.valid_until,
            "open_ended": answer.open_ended,
        }
        return Response(s.LicenceCheckSerializer(payload).data)
