"""Reads, and the `access_*` helpers: "not found" and "not yours" look the same (404)."""

from __future__ import annotations

from uuid import UUID

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from bluelamp.organisations.api import Organisation, Perm, access_for
from bluelamp.programmes.models import Cohort, Place, Programme
from bluelamp.programmes.places import available_to, may_decide_as_admin
from bluelamp.programmes.structure import may_manage


def _uuid(value) -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        raise Http404("No such thing") from None


# --- programmes -------------------------------------------------------------------------------


def programmes_managed(user) -> QuerySet[Programme]:
    """Programmes the user builds (owner in their course-manager scope)."""
    access = access_for(user, Perm.LEARNING_MANAGE)
    programmes = Programme.objects.select_related("owner", "current_version")
    if access.national:
        return programmes
    return programmes.filter(owner_id__in=access.organisation_ids)


def programmes_run(user) -> QuerySet[Programme]:
    """Programmes the user builds, and national ones their organisation's people may take (a
    force's course managers run cohorts and places of those)."""
    access = access_for(user, Perm.LEARNING_MANAGE)
    programmes = Programme.objects.select_related("owner", "current_version")
    if access.national:
        return programmes
    if not access.organisation_ids:
        return programmes.none()
    return programmes.filter(
        Q(owner_id__in=access.organisation_ids)
        | Q(owner__kind=Organisation.Kind.NATIONAL_BODY, status=Programme.Status.PUBLISHED)
    )


def may_run_any(user) -> bool:
    return access_for(user, Perm.LEARNING_MANAGE).anything


def access_programme_to_manage(user, programme_uuid) -> Programme:
    programme = programmes_managed(user).filter(uuid=_uuid(programme_uuid)).first()
    if programme is None:
        raise Http404("No such programme")
    return programme


def access_programme_to_run(user, programme_uuid) -> Programme:
    programme = programmes_run(user).filter(uuid=_uuid(programme_uuid)).first()
    if programme is None:
        raise Http404("No such programme")
    return programme


def programmes_open_to(person) -> list[Programme]:
    """Published programmes the person's organisation may use, for the catalogue."""
    candidates = Programme.objects.filter(status=Programme.Status.PUBLISHED).select_related(
        "owner", "current_version"
    )
    return [p for p in candidates.order_by("title") if available_to(p, person)]


def access_programme_to_view(user, programme_uuid) -> Programme:
    """A programme's public page: open to the person's organisation, or theirs to run."""
    programme = (
        Programme.objects.select_related("owner", "current_version")
        .filter(uuid=_uuid(programme_uuid))
        .first()
    )
    if programme is None:
        raise Http404("No such programme")
    if available_to(programme, user) or programmes_run(user).filter(pk=programme.pk).exists():
        return programme
    raise Http404("No such programme")


def cohorts_for(programme: Programme, person) -> QuerySet[Cohort]:
    """Cohorts a person may join: the owner's and their own organisation's, not yet started long ago."""
    return programme.cohorts.filter(
        organisation_id__in=[programme.owner_id, person.organisation_id]
    ).order_by("starts_on", "name")


def cohorts_run_by(user, programme: Programme) -> QuerySet[Cohort]:
    cohorts = programme.cohorts.select_related("organisation").annotate(
        taken=Count("members", filter=Q(members__status__in=[Place.Status.ADMIN, Place.Status.ACTIVE]))
    )
    if may_manage(user, programme):
        return cohorts.order_by("starts_on", "name")
    access = access_for(user, Perm.LEARNING_MANAGE)
    return cohorts.filter(organisation_id__in=access.organisation_ids).order_by("starts_on", "name")


def access_cohort(user, programme: Programme, cohort_uuid) -> Cohort:
    cohort = cohorts_run_by(user, programme).filter(uuid=_uuid(cohort_uuid)).first()
    if cohort is None:
        raise Http404("No such cohort")
    return cohort


# --- places -----------------------------------------------------------------------------------


def _places() -> QuerySet[Place]:
    return Place.objects.select_related(
        "programme",
        "programme__owner",
        "version",
        "person",
        "person__organisation",
        "cohort",
        "tutor",
        "concierge",
    )


def places_of(person) -> QuerySet[Place]:
    """The person's own places, live first."""
    return _places().filter(person=person).order_by("-applied_at", "-pk")


def access_place(user, place_uuid) -> Place:
    """A place its learner, their tutor or concierge, their line manager, or the programme's
    administrators may see."""
    place = _places().filter(uuid=_uuid(place_uuid)).first()
    if place is None:
        raise Http404("No such place")
    if user.pk in (place.person_id, place.tutor_id, place.concierge_id, place.person.line_manager_id):
        return place
    if may_decide_as_admin(user, place):
        return place
    raise Http404("No such place")


def access_own_place(user, place_uuid) -> Place:
    place = _places().filter(uuid=_uuid(place_uuid), person=user).first()
    if place is None:
        raise Http404("No such place")
    return place


def access_place_to_administer(user, place_uuid) -> Place:
    place = access_place(user, place_uuid)
    if not may_decide_as_admin(user, place):
        raise Http404("No such place")
    return place


def places_run(user, programme: Programme) -> QuerySet[Place]:
    """The places of a programme the user runs: all (its administrators) or their organisation's
    people (a force's course managers on a national programme)."""
    places = _places().filter(programme=programme)
    if may_manage(user, programme):
        return places
    access = access_for(user, Perm.LEARNING_MANAGE)
    return places.filter(person__organisation_id__in=access.organisation_ids)


def applications_for_manager(user) -> QuerySet[Place]:
    """Applications waiting for the user as the applicant's line manager."""
    return _places().filter(status=Place.Status.MANAGER, person__line_manager=user).order_by("applied_at")


def applications_for_admin(user) -> QuerySet[Place]:
    """Applications waiting for a programme administrator, that the user may decide."""
    access = access_for(user, Perm.LEARNING_MANAGE)
    waiting = _places().filter(status=Place.Status.ADMIN)
    if access.national:
        return waiting.order_by("applied_at")
    if not access.organisation_ids:
        return waiting.none()
    return waiting.filter(
        Q(programme__owner_id__in=access.organisation_ids)
        | Q(
            programme__owner__kind=Organisation.Kind.NATIONAL_BODY,
            person__organisation_id__in=access.organisation_ids,
        )
    ).order_by("applied_at")


def access_application(user, place_uuid) -> Place:
    """An application the user decides now: as line manager, or as an administrator."""
    place = _places().filter(uuid=_uuid(place_uuid)).first()
    if place is None:
        raise Http404("No such application")
    if place.status == Place.Status.MANAGER and place.person.line_manager_id == user.pk:
        return place
    if place.status in (Place.Status.MANAGER, Place.Status.ADMIN) and may_decide_as_admin(user, place):
        return place
    raise Http404("No such application")


def caseload(user) -> QuerySet[Place]:
    """The live places of the learners the user tutors or looks after as concierge."""
    return (
        _places()
        .filter(Q(tutor=user) | Q(concierge=user), status=Place.Status.ACTIVE)
        .order_by("programme__title", "person__last_name", "person__first_name")
    )


def has_caseload(user) -> bool:
    return Place.objects.filter(Q(tutor=user) | Q(concierge=user), status=Place.Status.ACTIVE).exists()
