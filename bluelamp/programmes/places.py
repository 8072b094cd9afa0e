"""Places on programmes: applying (learner → line manager → programme administrator), placing
people directly, starting (the units' courses enrolled, due as the cohort's plan says),
following the learner record to completion (and the certificate), withdrawing, and the people
around a learner: tutor, concierge, the awarding body's registration number."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.credentials.api import certificate_for_achievement
from bluelamp.learning.api import Enrolment, enrol_required, enrolment_set_due
from bluelamp.notifications.api import notify
from bluelamp.organisations.api import Organisation, Perm, access_for, has_national_content, has_own_domain
from bluelamp.programmes import progress as progress_module
from bluelamp.programmes.models import Cohort, Place, Programme, ProgrammeUnit
from bluelamp.programmes.structure import may_manage, may_run_cohorts_in

ACHIEVEMENT_KIND = "programme"

NOTICE_APPLICATION = "programmes.application"
NOTICE_DECISION = "programmes.decision"
NOTICE_COMPLETED = "programmes.completed"


def available_to(programme: Programme, person) -> bool:
    """The person's organisation may use the programme: published, and the owner's own people
    (PL-P-101 in force) or, for a national programme, a force with national content (PL-P-200)."""
    if programme.status != Programme.Status.PUBLISHED or programme.current_version_id is None:
        return False
    organisation = person.organisation
    if organisation is None:
        return False
    if programme.owner_id == organisation.pk:
        return organisation.kind == Organisation.Kind.NATIONAL_BODY or has_own_domain(organisation)
    return programme.owner.kind == Organisation.Kind.NATIONAL_BODY and has_national_content(organisation)


def may_decide_as_admin(person, place: Place) -> bool:
    """Approve, place, withdraw and look after people on the programme: its administrators, or
    the course managers of the learner's organisation (for a national programme)."""
    if may_manage(person, place.programme):
        return True
    organisation = place.cohort.organisation if place.cohort else place.person.organisation
    return organisation is not None and may_run_cohorts_in(person, place.programme, organisation)


def _label(place: Place) -> str:
    return f"{place.programme.code}: {place.person.get_full_name()}"


def _audit(actor, place: Place, action: str, **after) -> None:
    audit_record(
        actor=actor,
        action=f"programmes.place.{action}",
        organisation=place.person.organisation,
        obj=place,
        object_label=_label(place),
        after=after or None,
    )


def _check_cohort(programme: Programme, cohort: Cohort | None, *, adding: int = 1) -> None:
    if cohort is None:
        return
    if cohort.programme_id != programme.pk:
        raise ValidationError({"cohort": f"{cohort.name} is a cohort of another programme."})
    if cohort.places is not None:
        taken = cohort.members.filter(status__in=[Place.Status.ADMIN, Place.Status.ACTIVE]).count()
        if taken + adding > cohort.places:
            raise ValidationError({"cohort": f"{cohort.name} is full: {cohort.places} places, all taken."})


def _live(programme: Programme, person) -> Place | None:
    return Place.objects.filter(programme=programme, person=person, status__in=Place.LIVE).first()


# --- applying and deciding -----------------------------------------------------------------


def place_apply(
    *, person, programme: Programme, cohort: Cohort | None = None, statement: str = "",
    at: dt.datetime | None = None,
) -> Place:  # fmt: skip
    """The learner applies: their line manager decides first (when they have one), then a
    programme administrator."""
    if not available_to(programme, person) or not programme.applications_open:
        raise ValidationError(f"{programme.title} is not open to applications from you.")
    statement = statement.strip()
    if not statement:
        raise ValidationError(
            {"statement": "Say why you are applying and how it fits your role: your manager reads it."}
        )
    if _live(programme, person) is not None:
        raise ValidationError(f"You have applied for {programme.title} already, or are on it.")
    if cohort is not None and cohort.organisation_id not in (person.organisation_id, programme.owner_id):
        raise ValidationError({"cohort": f"{cohort.name} is not a cohort you can join."})
    _check_cohort(programme, cohort)
    at = at or timezone.now()
    manager = person.line_manager if person.line_manager_id and person.line_manager.is_active else None
    place = Place(
        programme=programme,
        version=programme.current_version,
        person=person,
        cohort=cohort,
        status=Place.Status.MANAGER if manager else Place.Status.ADMIN,
        method=Place.Method.APPLICATION,
        statement=statement,
        applied_at=at,
        updated_at=at,
    )
    try:
        with transaction.atomic():
            place.save()
            _audit(person, place, "apply", waiting_for=place.status)
            if manager is not None:
                notify(
                    person=manager,
                    kind=NOTICE_APPLICATION,
                    subject=f"{person.get_full_name()} applied for {programme.title}",
                    body=f"{person.get_full_name()} asks to join {programme.title}. Approve or decline it.",
                    link=reverse("programmes:application", args=[place.uuid]),
                    dedupe_key=f"application:{place.uuid}:manager",
                    at=at,
                )
    except IntegrityError:
        raise ValidationError(f"You have applied for {programme.title} already, or are on it.") from None
    return place


def place_manager_decide(
    *, actor, place: Place, approve: bool, note: str = "", at: dt.datetime | None = None
) -> Place:
    """The learner's line manager supports the application (it goes to the programme's
    administrators) or declines it (with a reason the learner reads)."""
    if place.status != Place.Status.MANAGER or place.person.line_manager_id != actor.pk:
        raise PermissionDenied("This application is not waiting for you.")
    note = note.strip()
    if not approve and not note:
        raise ValidationError({"note": "Say why you are not supporting it: the applicant reads this."})
    at = at or timezone.now()
    with transaction.atomic():
        place.manager_decided_by, place.manager_decided_at, place.manager_note = actor, at, note
        place.status = Place.Status.ADMIN if approve else Place.Status.REFUSED
        place.updated_at = at
        place.save()
        _audit(actor, place, "manager_decide", approved=approve, note=note)
        _tell_decision(place, approved_by="your line manager" if approve else None, note=note, at=at)
    return place


def place_admin_decide(
    *, actor, place: Place, approve: bool, note: str = "", cohort: Cohort | None = None,
    at: dt.datetime | None = None,
) -> Place:  # fmt: skip
    """A programme administrator approves (the learner starts, in the cohort chosen) or declines."""
    if place.status not in (Place.Status.ADMIN, Place.Status.MANAGER) or not may_decide_as_admin(
        actor, place
    ):
        raise PermissionDenied("You cannot decide this application.")
    note = note.strip()
    if not approve and not note:
        raise ValidationError({"note": "Say why it is not approved: the applicant reads this."})
    at = at or timezone.now()
    with transaction.atomic():
        if approve:
            if cohort is not None and cohort.pk != place.cohort_id:
                _check_cohort(place.programme, cohort)
                place.cohort = cohort
            elif place.cohort is not None:
                # Counted already while it waited? Only ADMIN/ACTIVE places take room.
                _check_cohort(
                    place.programme, place.cohort, adding=0 if place.status == Place.Status.ADMIN else 1
                )
        place.admin_decided_by, place.admin_decided_at, place.admin_note = actor, at, note
        place.updated_at = at
        if approve:
            _start(place, at=at)
        else:
            place.status = Place.Status.REFUSED
            place.save()
        _audit(actor, place, "admin_decide", approved=approve, note=note)
        _tell_decision(place, approved_by="the programme" if approve else None, note=note, at=at)
    return place


def _tell_decision(place: Place, *, approved_by: str | None, note: str, at: dt.datetime) -> None:
    programme = place.programme
    if approved_by == "the programme":
        subject, body = (
            f"You are on {programme.title}",
            f"Your application for {programme.title} is approved. Your plan and first units are on your programme page.",
        )
    elif approved_by:
        subject, body = (
            f"Your manager supports your application for {programme.title}",
            "It now goes to the programme's administrators to decide.",
        )
    else:
        subject, body = (
            f"Your application for {programme.title} was not approved",
            f"The reason given: {note}",
        )
    notify(
        person=place.person,
        kind=NOTICE_DECISION,
        subject=subject,
        body=body,
        link=reverse("programmes:my_programme", args=[place.uuid]),
        dedupe_key=f"decision:{place.uuid}:{place.status}",
        at=at,
    )


def place_add(
    *, actor, programme: Programme, person, cohort: Cohort | None = None, method: str = Place.Method.ADMIN,
    at: dt.datetime | None = None,
) -> Place:  # fmt: skip
    """Place someone on the programme directly (an administrator, or an audience rule with
    actor None): they start at once."""
    organisation = cohort.organisation if cohort else person.organisation
    if actor is not None:
        if organisation is None or not may_run_cohorts_in(actor, programme, organisation):
            raise PermissionDenied("You cannot place people on this programme.")
        if not access_for(actor, Perm.LEARNING_MANAGE).covers_organisation(
            person.organisation_id
        ) and not may_manage(actor, programme):
            raise PermissionDenied(f"{person.get_full_name()} is not someone you can place.")
    if not available_to(programme, person):
        raise ValidationError(
            f"{programme.title} is not available to {person.get_full_name()}'s organisation."
        )
    if not person.is_active:
        raise ValidationError(f"{person.get_full_name()} has left or is inactive.")
    if _live(programme, person) is not None:
        raise ValidationError(f"{person.get_full_name()} is on {programme.code} already, or has applied.")
    _check_cohort(programme, cohort)
    at = at or timezone.now()
    place = Place(
        programme=programme, version=programme.current_version, person=person, cohort=cohort,
        status=Place.Status.ACTIVE, method=method, applied_at=at, updated_at=at,
        admin_decided_by=actor, admin_decided_at=at,
    )  # fmt: skip
    try:
        with transaction.atomic():
            place.save()
            _start(place, at=at)
            _audit(actor, place, "add", cohort=cohort.name if cohort else None, method=method)
    except IntegrityError:
        raise ValidationError(
            f"{person.get_full_name()} is on {programme.code} already, or has applied."
        ) from None
    return place


# --- starting, following, completing -------------------------------------------------------------


def _units(place: Place) -> list[ProgrammeUnit]:
    return list(
        ProgrammeUnit.objects.filter(unit_set__version_id=place.version_id)
        .select_related("unit_set", "course", "course__owner")
        .order_by("unit_set__order", "order")
    )


def _start(place: Place, *, at: dt.datetime) -> None:
    place.status = Place.Status.ACTIVE
    place.started_at = place.started_at or at
    place.save()
    place_follow(place, at=at)


def place_follow(place: Place, *, at: dt.datetime | None = None) -> progress_module.Progress:
    """Bring a place up to date with the learner record: enrol the units that are open (due as
    the plan says), complete the programme when its rules are met (with its certificate)."""
    at = at or timezone.now()
    units = _units(place)
    progress = progress_module.place_progress(place, units=units)
    if place.status != Place.Status.ACTIVE:
        return progress
    with transaction.atomic():
        for unit in progress.units:
            if unit.state == progress_module.NOT_STARTED and unit.enrolment is None:
                enrol_required(
                    person=place.person, course=unit.unit.course, due_on=unit.due_on, at=at,
                    reason=f"A unit of {place.programme.code} {place.programme.title}",
                    method=Enrolment.Method.PROGRAMME,
                )  # fmt: skip
        if progress.complete:
            place.status = Place.Status.COMPLETED
            place.completed_on = progress.completed_on
            place.updated_at = at
            place.save(update_fields=["status", "completed_on", "updated_at"])
            _audit(
                None,
                place,
                "complete",
                completed_on=progress.completed_on.isoformat() if progress.completed_on else None,
            )
            certificate_for_achievement(
                actor=None, kind=ACHIEVEMENT_KIND, achievement_uuid=place.programme.uuid, person=place.person,
                achieved_on=progress.completed_on or at.date(), source_ref=str(place.uuid), at=at,
            )  # fmt: skip
            notify(
                person=place.person,
                kind=NOTICE_COMPLETED,
                subject=f"You have completed {place.programme.title}",
                body=(
                    f"Congratulations: you have met every requirement of {place.programme.title}."
                    + (
                        f" Your programme team will claim your award from {place.programme.awarding_body}."
                        if place.programme.awarding_body
                        else ""
                    )
                ),
                link=reverse("programmes:my_programme", args=[place.uuid]),
                dedupe_key=f"completed:{place.uuid}",
                at=at,
            )
    return progress


def follow_people(*, person_ids: list[int], at: dt.datetime) -> None:
    """Learning's completions listener: the places of these people follow their records."""
    for place in Place.objects.filter(person_id__in=person_ids, status=Place.Status.ACTIVE).select_related(
        "programme", "person", "cohort"
    ):
        place_follow(place, at=at)


def plan_dates_refresh(cohort: Cohort) -> None:
    """The cohort's start moved: the units' enrolments of its people take the new due dates."""
    for place in cohort.members.filter(status=Place.Status.ACTIVE).select_related(
        "programme", "person", "cohort"
    ):
        for unit in progress_module.place_progress(place, units=_units(place)).units:
            if (
                unit.enrolment is not None
                and unit.enrolment.status == Enrolment.Status.ACTIVE
                and not unit.done
            ):
                enrolment_set_due(
                    enrolment=unit.enrolment,
                    due_on=unit.due_on,
                    reason=f"{cohort.name} of {place.programme.code} moved",
                )


def place_withdraw(*, actor, place: Place, reason: str, at: dt.datetime | None = None) -> Place:
    """Take someone off the programme (or withdraw an application): by the learner themselves or
    an administrator. The units' enrolments stay (the learning is theirs)."""
    own = actor.pk == place.person_id
    if not own and not may_decide_as_admin(actor, place):
        raise PermissionDenied("You cannot withdraw this place.")
    if place.status not in Place.LIVE:
        raise ValidationError(
            f"This place is {place.get_status_display().lower()}: there is nothing to withdraw."
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason: it is kept on the record."})
    at = at or timezone.now()
    with transaction.atomic():
        place.status = Place.Status.WITHDRAWN
        place.withdrawn_at, place.withdrawn_reason, place.updated_at = at, reason, at
        place.save()
        _audit(actor, place, "withdraw", reason=reason)
    return place


# --- tutor, concierge, registration ----------------------------------------------------------


def may_tutor(person, learner) -> bool:
    """Someone who tutors (or manages learning) where the learner is."""
    return access_for(person, Perm.LEARNING_TUTOR).covers_organisation(learner.organisation_id) or access_for(
        person, Perm.LEARNING_MANAGE
    ).covers_organisation(learner.organisation_id)


def place_assign(*, actor, place: Place, tutor=None, concierge=None, at: dt.datetime | None = None) -> Place:
    """Allocate the learner's personal tutor and programme concierge (None leaves one unset)."""
    if not may_decide_as_admin(actor, place):
        raise PermissionDenied("You cannot allocate tutors on this programme.")
    errors = {}
    if tutor is not None and not may_tutor(tutor, place.person):
        errors["tutor"] = f"{tutor.get_full_name()} does not tutor in {place.person.organisation.name}."
    if concierge is not None and not (
        may_manage(concierge, place.programme) or may_tutor(concierge, place.person)
    ):
        errors["concierge"] = (
            f"{concierge.get_full_name()} does not run this programme or tutor its learners."
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        place.tutor, place.concierge, place.updated_at = tutor, concierge, at or timezone.now()
        place.save(update_fields=["tutor", "concierge", "updated_at"])
        _audit(
            actor, place, "assign",
            tutor=tutor.get_full_name() if tutor else None, concierge=concierge.get_full_name() if concierge else None,
        )  # fmt: skip
    return place


def place_register(
    *,
    actor,
    place: Place,
    registration_number: str,
    registered_on: dt.date | None,
    at: dt.datetime | None = None,
) -> Place:
    """Record the awarding body's registration number of the learner."""
    if not may_decide_as_admin(actor, place):
        raise PermissionDenied("You cannot register learners on this programme.")
    number = registration_number.strip()
    if len(number) > 40:
        raise ValidationError({"registration_number": "A registration number has at most 40 characters."})
    with transaction.atomic():
        place.registration_number = number
        place.registered_on = registered_on if number else None
        place.updated_at = at or timezone.now()
        place.save(update_fields=["registration_number", "registered_on", "updated_at"])
        _audit(actor, place, "register", registration_number=number)
    return place


def places_mark_claimed(*, actor, places: list[Place], on: dt.date, at: dt.datetime | None = None) -> int:
    """Record that the awards of these completed places were claimed from the awarding body."""
    count = 0
    with transaction.atomic():
        for place in places:
            if not may_decide_as_admin(actor, place):
                raise PermissionDenied(f"You cannot claim for {place.person.get_full_name()}.")
            if place.status != Place.Status.COMPLETED:
                raise ValidationError(
                    f"{place.person.get_full_name()} has not completed {place.programme.code}."
                )
            place.claimed_on = on
            place.updated_at = at or timezone.now()
            place.save(update_fields=["claimed_on", "updated_at"])
            _audit(actor, place, "claim", claimed_on=on.isoformat())
            count += 1
    return count
