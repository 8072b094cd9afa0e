"""Mandatory training's part of /api/v1/: requirements, a person's standing, and the counts of a
unit or an organisation.

Scoped by the domain's own access helpers, as its pages are:
- requirements: those the reader may see (`requirements_visible`, `access_requirement`); created
  and changed by those who manage mandatory training over the owner, through `requirement_save`
  (the pages' validation, audit and evaluation), a refusal naming the field;
- a person's standing: `access_person_standing` (themselves, their line manager, and those who
  see people's standing by name over them);
- counts: where the reader sees figures (`sight(reader).figures`), from the kept `StatusCount`s.
Anything outside that is 404, the same as something that does not exist.
"""

import uuid

from django.db.models import Subquery, Sum
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from bluelamp.compliance.evaluation import national_body_ids
from bluelamp.compliance.models import Requirement, StatusCount
from bluelamp.compliance.rest import serializers as s
from bluelamp.compliance.selectors import (
    access_person_standing,
    access_requirement,
    organisations_managed,
    requirements_visible,
    sight,
    standing_of,
)
from bluelamp.compliance.services import (
    CourseChoice,
    RequirementInput,
    may_manage_requirements,
    requirement_save,
)
from bluelamp.core.rest import ScopedViewSet, choice_param, query_param, refused, service_errors
from bluelamp.learning.api import Course
from bluelamp.organisations.api import Organisation, Unit
from bluelamp.people.api import Person

NOT_FOUND = OpenApiResponse(description="Not found, or not yours to see")

# --- requirements ----------------------------------------------------------------------------

_STATES = [value for value, _label in Requirement.State.choices]


def _requirement_uuids() -> dict[int, uuid.UUID]:
    """Audience rules keep requirement ids; the API names requirements by uuid."""
    return dict(Requirement.objects.values_list("pk", "uuid"))


@extend_schema_view(
    list=extend_schema(
        summary="Mandatory training requirements you may see: your organisation's and the national body's",
        parameters=[
            OpenApiParameter(
                "owner",
                OpenApiTypes.STR,
                description="Only those of the organisation with this slug (national: the national body's)",
            ),
            OpenApiParameter("state", OpenApiTypes.STR, enum=_STATES),
        ],
    ),
    retrieve=extend_schema(
        summary="One requirement", responses={200: s.RequirementSerializer, 404: NOT_FOUND}
    ),
    create=extend_schema(
        summary="Add a requirement (those who manage mandatory training over its owner)",
        description="201 with the requirement, its audience brought up to date; 400 naming each field "
        "at fault and what is accepted.",
        request=s.RequirementCreateSerializer,
        responses={201: s.RequirementSerializer},
    ),
    partial_update=extend_schema(
        summary="Change a requirement: the fields given replace what it has (audience rules as a whole; "
        "people named in or out on the pages stay)",
        request=s.RequirementUpdateSerializer,
        responses={200: s.RequirementSerializer, 404: NOT_FOUND},
    ),
)
class RequirementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = s.RequirementSerializer
    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-fA-F-]{32,36}"

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not self.fake():
            context["requirement_uuids"] = _requirement_uuids()
        return context

    def get_queryset(self):
        if self.fake():
            return Requirement.objects.none()
        request = self.request
        requirements = requirements_visible(request.user)
        slug = query_param(request, "owner")
        if slug:
            requirements = requirements.filter(owner__slug=slug)
        wanted = choice_param(request, "state", _STATES)
        if wanted:
            requirements = requirements.filter(state=wanted)
        return (
            requirements.select_related("owner")
            .prefetch_related("course_links__course", "prerequisites")
            .order_by("owner__name", "code", "pk")
        )

    def _visible(self) -> Requirement:
        try:
            wanted = uuid.UUID(self.kwargs["uuid"])
        except ValueError:
            raise Http404("No such requirement") from None
        return access_requirement(self.request.user, wanted)

    def _response(self, requirement: Requirement, *, code: int = status.HTTP_200_OK) -> Response:
        requirement = (
            Requirement.objects.select_related("owner")
            .prefetch_related("course_links__course", "prerequisites")
            .get(pk=requirement.pk)
        )
        return Response(
            s.RequirementSerializer(requirement, context=self.get_serializer_context()).data, status=code
        )

    def retrieve(self, request, *args, **kwargs):
        return self._response(self._visible())

    def create(self, request, *args, **kwargs):
        user = request.user
        managed = organisations_managed(user)
        if not managed:
            raise PermissionDenied(
                "You cannot add requirements: you do not manage mandatory training anywhere."
            )
        data = s.RequirementCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        owner = self._owner(values.pop("owner", ""), managed)
        with service_errors():
            requirement = requirement_save(actor=user, owner=owner, data=self._input(owner, values))
        return self._response(requirement, code=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        requirement = self._visible()
        if not may_manage_requirements(request.user, requirement.owner):
            raise PermissionDenied(
                f"You may see {requirement.code} but not change it: that needs managing {requirement.owner.name}'s "
                "mandatory training."
            )
        data = s.RequirementUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if not values:
            raise refused("non_field_errors", "Send at least one field to change.")
        with service_errors():
            requirement = requirement_save(
                actor=request.user,
                owner=requirement.owner,
                data=self._input(requirement.owner, values, current=requirement),
                requirement=requirement,
            )
        return self._response(requirement)

    def _owner(self, slug: str, managed: list[Organisation]) -> Organisation:
        if slug:
            owner = next((org for org in managed if org.slug == slug), None)
            if owner is None:
                raise refused(
                    "owner", f"There is no organisation “{slug}” whose mandatory training you manage."
                )
            return owner
        own = [org for org in managed if org.pk == self.request.user.organisation_id]
        if own:
            return own[0]
        if len(managed) == 1:
            return managed[0]
        raise refused(
            "owner",
            "Give the slug of the organisation the requirement is for: you manage mandatory training in "
            f"{', '.join(org.slug for org in managed[:10])}{'…' if len(managed) > 10 else ''}.",
        )

    def _input(
        self, owner: Organisation, values: dict, *, current: Requirement | None = None
    ) -> RequirementInput:
        """The service's input: what is given, over what `current` has."""
        allowed_owners = {owner.pk, *national_body_ids()}
        whose = owner.name if owner.is_national_body else f"{owner.name}'s or the national body's"
        fields: dict = {}
        if current is not None:
            fields = {
                "code": current.code,
                "title": current.title,
                "description": current.description,
                "courses": [
                    CourseChoice(link.course, link.min_version)
                    for link in current.course_links.select_related("course")
                ],
                "audience": dict(current.audience),
                "first_due_kind": current.first_due_kind,
                "first_due_days": current.first_due_days,
                "first_due_date": current.first_due_date,
                "validity_months": current.validity_months,
                "window_days": current.window_days,
                "due_soon_days": current.due_soon_days,
                "escalate_after_days": current.escalate_after_days,
                "auto_enrol": current.auto_enrol,
                "prerequisites": list(current.prerequisites.all()),
            }
        for name in (
            "code",
            "title",
            "description",
            "first_due_kind",
            "first_due_days",
            "first_due_date",
            "validity_months",
            "window_days",
            "due_soon_days",
            "escalate_after_days",
            "auto_enrol",
        ):
            if name in values:
                fields[name] = values[name]
        if "courses" in values:
            wanted = [choice["course"] for choice in values["courses"]]
            found = {c.uuid: c for c in Course.objects.filter(uuid__in=wanted, owner_id__in=allowed_owners)}
            missing = [str(u) for u in wanted if u not in found]
            if missing:
                raise refused("courses", f"There is no course {', '.join(missing)} among {whose} courses.")
            fields["courses"] = [
                CourseChoice(found[choice["course"]], choice.get("min_version"))
                for choice in values["courses"]
            ]
        if "prerequisites" in values:
            fields["prerequisites"] = self._requirements(
                values["prerequisites"], allowed_owners, whose, "prerequisites"
            )
        if "audience" in values:
            given = values["audience"]
            audience = {key: given[key] for key in ("units", "ranks", "job_roles") if given.get(key)}
            if given.get("all"):
                audience["all"] = True
            for key in ("started_from", "started_to"):
                if given.get(key):
                    audience[key] = given[key].isoformat()
            if given.get("requirements"):
                audience["requirements"] = [
                    r.pk for r in self._requirements(given["requirements"], allowed_owners, whose, "audience")
                ]
            # People named in or out on the pages stay so: the API does not name people.
            if current is not None:
                audience.update({k: v for k, v in current.audience.items() if k in ("include", "exclude")})
            fields["audience"] = audience
        return RequirementInput(**fields)

    def _requirements(self, uuids, allowed_owners: set[int], whose: str, field: str) -> list[Requirement]:
        found = {r.uuid: r for r in Requirement.objects.filter(uuid__in=uuids, owner_id__in=allowed_owners)}
        missing = [str(u) for u in uuids if u not in found]
        if missing:
            raise refused(field, f"There is no requirement {', '.join(missing)} among {whose} requirements.")
        return [found[u] for u in dict.fromkeys(uuids)]


# --- a person's standing ---------------------------------------------------------------------


class PersonComplianceView(APIView):
    """Where a person stands on each requirement that applies (or applied) to them: for
    themselves, their line manager and those who see standing by name over them. 404 for anyone
    else, as for no such person."""

    @extend_schema(
        summary="A person's mandatory training: each requirement's status, due date and expiry",
        parameters=[
            OpenApiParameter(
                "person",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="The person's id (as elsewhere under /people/) or uuid",
            )
        ],
        responses={200: s.PersonComplianceSerializer, 404: NOT_FOUND},
    )
    def get(self, request, *args, **kwargs):
        given = self.kwargs["person"]
        if given.isdigit():
            person_uuid = Person.objects.filter(pk=int(given)).values_list("uuid", flat=True).first()
        else:
            try:
                person_uuid = uuid.UUID(given)
            except ValueError:
                person_uuid = None
        if person_uuid is None:
            raise Http404("No such person")
        person = access_person_standing(request.user, person_uuid)
        payload = {
            "person": person.pk,
            "uuid": person.uuid,
            "name": person.get_full_name(),
            "assignments": standing_of(person),
        }
        return Response(s.PersonComplianceSerializer(payload).data)


# --- counts ----------------------------------------------------------------------------------


def _summary(*, organisation: Organisation, unit: Unit | None) -> dict:
    """Per requirement, how many people of the organisation (or of the unit and everything below
    it) stand in each status, added up from the kept counts."""
    counts = StatusCount.objects.filter(organisation=organisation, count__gt=0)
    if unit is not None:
        below = Unit.objects.filter(organisation=organisation, path__startswith=unit.path).values("pk")
        counts = counts.filter(unit_key__in=Subquery(below))
    totals: dict[int, dict[str, int]] = {}
    for requirement_id, state, n in (
        counts.values("requirement_id", "status")
        .annotate(n=Sum("count"))
        .values_list("requirement_id", "status", "n")
    ):
        totals.setdefault(requirement_id, dict.fromkeys(s.STATUSES, 0))[state] = n
    requirements = Requirement.objects.filter(pk__in=totals).select_related("owner").order_by("code", "pk")
    return {
        "organisation": organisation.slug,
        "unit": unit.pk if unit else None,
        "unit_path": unit.full_path if unit else None,
        "requirements": [
            {
                "requirement": r.uuid,
                "code": r.code,
                "title": r.title,
                "owner": r.owner.slug,
                "people": sum(totals[r.pk].values()),
                **totals[r.pk],
            }
            for r in requirements
        ],
    }


class UnitComplianceView(APIView):
    """The counts of a unit and everything below it, for those who see figures there."""

    @extend_schema(
        summary="Mandatory training in a unit and everything below it: per requirement, how many people "
        "stand in each status",
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={200: s.ComplianceSummarySerializer, 404: NOT_FOUND},
    )
    def get(self, request, *args, **kwargs):
        unit = Unit.objects.select_related("organisation").filter(pk=int(self.kwargs["id"])).first()
        if unit is None or not sight(request.user).figures.covers_unit(unit.organisation_id, unit.path):
            raise Http404("No such unit")
        return Response(
            s.ComplianceSummarySerializer(_summary(organisation=unit.organisation, unit=unit)).data
        )


class OrganisationComplianceView(APIView):
    """The counts of a whole organisation, for those who see figures over all of it."""

    @extend_schema(
        summary="Mandatory training in an organisation: per requirement, how many people stand in each "
        "status",
        parameters=[OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH)],
        responses={200: s.ComplianceSummarySerializer, 404: NOT_FOUND},
    )
    def get(self, request, *args, **kwargs):
        organisation = Organisation.objects.filter(slug=self.kwargs["slug"]).first()
        if organisation is None or not sight(request.user).figures.covers_organisation(organisation.pk):
            raise Http404("No such organisation")
        return Response(s.ComplianceSummarySerializer(_summary(organisation=organisation, unit=None)).data)
