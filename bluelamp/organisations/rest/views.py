"""Organisations' part of /api/v1/: organisations, licences, units and the public licence check.

Every read goes through the same access helpers as the organisation pages, so a token sees exactly
what its owner sees there; anything outside that scope is 404, the same as something that does not
exist. Every write goes through a service, which validates, audits and runs atomically.
"""

from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from bluelamp.core.ratelimits import public_lookup
from bluelamp.core.rest import ScopedViewSet, query_param, refused, service_errors
from bluelamp.organisations.licensing import licence_status
from bluelamp.organisations.models import Licence, LicenceType, Organisation, Unit
from bluelamp.organisations.permissions import access_for
from bluelamp.organisations.rest import serializers as s
from bluelamp.organisations.roles import Perm
from bluelamp.organisations.selectors import (
    access_licence,
    access_organisation,
    access_unit,
    licences_visible,
    units_visible,
    with_parent_id,
)
from bluelamp.organisations.services import (
    licence_create,
    licence_update,
    organisation_create,
    organisation_update,
    unit_create,
)

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
        slug = query_param(self.request, "organisation")
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
            raise refused("organisation", f"There is no organisation with the slug “{slug}”.")
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
        slug = query_param(self.request, "organisation")
        if slug:
            units = units.filter(organisation__slug=slug)
        return with_parent_id(units).order_by("organisation__name", "full_path")

    def get_object(self):
        user, unit_id = self.request.user, int(self.kwargs["pk"])
        try:
            unit = access_unit(user, unit_id, Perm.UNITS_MANAGE)
        except Http404:
            unit = access_unit(user, unit_id, Perm.PEOPLE_VIEW)
        return with_parent_id(Unit.objects.filter(pk=unit.pk).select_related("organisation")).get()

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
                raise refused(
                    "parent", f"There is no unit with id {values['parent']} among the units you manage."
                ) from None
        if values.get("organisation"):
            try:
                organisation = access_organisation(user, values["organisation"], Perm.UNITS_MANAGE)
            except Http404:
                raise refused(
                    "organisation",
                    f"There is no organisation “{values['organisation']}” among those whose units you manage.",
                ) from None
        organisation = organisation or (parent.organisation if parent else None)
        if organisation is None:
            raise refused("organisation", "Give the organisation's slug, or the id of a parent unit.")
        # The service refuses someone who manages part of the organisation and names no parent.
        with service_errors(
            permission_field="parent",
            permission_message="Give the id of the unit this belongs to: you manage part of the organisation only.",
        ):
            unit = unit_create(
                actor=user,
                organisation=organisation,
                name=values["name"],
                parent=parent,
                code=values.get("code", ""),
            )
        unit = with_parent_id(Unit.objects.filter(pk=unit.pk).select_related("organisation")).get()
        return Response(s.UnitSerializer(unit).data, status=status.HTTP_201_CREATED)


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
    @public_lookup("licence-check", json=True)
    def get(self, request, *args, **kwargs):
        slug = query_param(request, "organisation")
        licence_type = query_param(request, "type")
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
