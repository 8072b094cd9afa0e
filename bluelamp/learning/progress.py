"""Progress: opening activities, SCORM launches and commits, and completing the course.

Course completion is decided here only: when every activity the version's rule counts is
complete, the enrolment is completed and one line is added to the learner record, in the same
transaction as the commit or view that finished it.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.learning import commit_sql
from bluelamp.learning.listeners import completions_changed
from bluelamp.learning.mine import forget_my_learning
from bluelamp.learning.models import (
    Activity,
    ActivityProgress,
    Completion,
    CourseVersion,
    Enrolment,
    Sco,
    ScoAttempt,
    ScoSession,
)
from bluelamp.learning.scorm import cmi

logger = logging.getLogger(__name__)
Status = ActivityProgress.Status
MANUAL_KINDS = {Activity.Kind.MEDIA}  # the learner says "I have watched/listened to it"
ON_OPEN_KINDS = {Activity.Kind.PAGE, Activity.Kind.FILE, Activity.Kind.LINK}


def _progress(enrolment: Enrolment, activity: Activity, *, lock: bool = True) -> ActivityProgress:
    manager = ActivityProgress.objects.select_for_update() if lock else ActivityProgress.objects
    progress = manager.filter(enrolment=enrolment, activity=activity).first()
    if progress is None:
        progress, _ = ActivityProgress.objects.get_or_create(enrolment=enrolment, activity=activity)
        if lock:
            progress = ActivityProgress.objects.select_for_update().get(pk=progress.pk)
    progress.enrolment = enrolment  # the same row: its receivers need not read it again
    return progress


def _check_activity(enrolment: Enrolment, activity: Activity) -> None:
    if activity.version_id != enrolment.version_id:
        raise Http404("No such activity")
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        raise Http404("No such enrolment")


def _touch(enrolment: Enrolment, at: dt.datetime) -> None:
    fields = {"last_activity_at": at}
    if enrolment.started_at is None:
        fields["started_at"] = at
    Enrolment.objects.filter(pk=enrolment.pk).update(**fields)
    for key, value in fields.items():
        setattr(enrolment, key, value)
    forget_my_learning(enrolment.person_id)  # an update(): no signal


def activity_open(
    *, enrolment: Enrolment, activity: Activity, at: dt.datetime | None = None
) -> ActivityProgress:
    """The learner opened the activity. Pages, files and links are complete once opened."""
    at = at or timezone.now()
    _check_activity(enrolment, activity)
    with transaction.atomic():
        progress = _progress(enrolment, activity)
        changed = False
        if progress.first_opened_at is None:
            progress.first_opened_at = at
            changed = True
        if progress.status == Status.NOT_STARTED:
            progress.status = Status.IN_PROGRESS
            changed = True
        if activity.kind in ON_OPEN_KINDS and progress.status != Status.COMPLETED:
            progress.status = Status.COMPLETED
            progress.completed_at = at
            changed = True
        if changed:
            progress.updated_at = at
            progress.save()
        _touch(enrolment, at)
        if progress.status == Status.COMPLETED:
            evaluate_completion(enrolment, at=at)
    return progress


def activity_mark_done(
    *, enrolment: Enrolment, activity: Activity, at: dt.datetime | None = None
) -> ActivityProgress:
    """The learner marks a video or audio activity as watched/listened to."""
    if activity.kind not in MANUAL_KINDS:
        raise ValidationError("This activity is completed by doing it, not by marking it.")
    at = at or timezone.now()
    _check_activity(enrolment, activity)
    with transaction.atomic():
        progress = _progress(enrolment, activity)
        if progress.status != Status.COMPLETED:
            progress.status = Status.COMPLETED
            progress.first_opened_at = progress.first_opened_at or at
            progress.completed_at = at
            progress.updated_at = at
            progress.save()
        _touch(enrolment, at)
        evaluate_completion(enrolment, at=at)
    return progress


def activity_result(
    *,
    person,
    course,
    kind: str,
    target: str,
    status: str,
    score: Decimal | None = None,
    at: dt.datetime | None = None,
) -> ActivityProgress | None:
    """A domain that registered `kind` (kinds.py) reports the learner's result in the activity
    standing for `target` (a quiz's UUID) in the version of the course they are on: `status` is
    "in_progress", "completed" or "failed"; `score` a percentage. Once completed it stays so (a
    later attempt that does worse does not undo a completion on the record); the score follows.
    A completion may complete the course. None when the learner has no live enrolment whose
    version holds the activity (they took a version without it, or left the course)."""
    from bluelamp.learning.selectors import live_enrolment

    if status not in (Status.IN_PROGRESS, Status.COMPLETED, Status.FAILED):
        raise ValueError(f"Unknown activity status {status!r}")
    at = at or timezone.now()
    enrolment = live_enrolment(person, course)
    if enrolment is None or enrolment.status == Enrolment.Status.WITHDRAWN:
        return None
    activity = (
        Activity.objects.filter(version_id=enrolment.version_id, kind=kind, target=target)
        .order_by("order")
        .first()
    )
    if activity is None:
        return None
    with transaction.atomic():
        progress = _progress(enrolment, activity)
        progress.first_opened_at = progress.first_opened_at or at
        if score is not None:
            progress.score = max(Decimal(0), min(Decimal(100), Decimal(score).quantize(Decimal("0.01"))))
        if progress.status != Status.COMPLETED:
            if status == Status.COMPLETED:
                progress.completed_at = at
            progress.status = status
        progress.updated_at = at
        progress.save()
        _touch(enrolment, at)
        if progress.status == Status.COMPLETED and enrolment.status == Enrolment.Status.ACTIVE:
            evaluate_completion(enrolment, at=at)
    return progress


# --- SCORM ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Launch:
    session: ScoSession
    attempt: ScoAttempt
    data: dict  # the model to load before Initialize


def sco_launch(
    *, enrolment: Enrolment, activity: Activity, sco: Sco, at: dt.datetime | None = None
) -> Launch:
    """Start a session of the SCO for the learner; what to load tells it where they left off."""
    at = at or timezone.now()
    _check_activity(enrolment, activity)
    if sco.package_id != activity.scorm_package_id:
        raise Http404("No such SCO")
    person = enrolment.person
    with transaction.atomic():
        attempt, _ = ScoAttempt.objects.get_or_create(
            enrolment=enrolment, sco=sco, defaults={"created_at": at}
        )
        session = ScoSession.objects.create(attempt=attempt, started_at=at)
        progress = _progress(enrolment, activity)
        progress.first_opened_at = progress.first_opened_at or at
        if progress.status == Status.NOT_STARTED:
            progress.status = Status.IN_PROGRESS
        progress.last_sco = sco
        progress.updated_at = at
        progress.save()
        _touch(enrolment, at)
        if not sco.is_sco and attempt.completion_status != "completed":
            # An asset never talks to the runtime: launching it is doing it.
            attempt.completion_status = "completed"
            attempt.updated_at = at
            attempt.save(update_fields=["completion_status", "updated_at"])
            _update_scorm_progress(enrolment, activity, at)
    data = cmi.launch_data(
        sco.package.version,
        learner_id=str(person.uuid),
        learner_name=f"{person.last_name}, {person.first_name}",
        stored=attempt.cmi,
        location=attempt.location,
        suspend_data=attempt.suspend_data,
        exit=attempt.exit,
        completion_status=attempt.completion_status,
        success_status=attempt.success_status,
        total_seconds=attempt.total_seconds,
        sco_launch_data=sco.launch_data,
        mastery_score=sco.mastery_score,
        scaled_passing_score=sco.scaled_passing_score,
        completion_threshold=sco.completion_threshold,
    )
    return Launch(session=session, attempt=attempt, data=data)


# ScoSession.last_sequence is an integer column (PostgreSQL's int4); the player counts from 1.
MAX_SEQUENCE = 2_147_483_647


def _sequence(value) -> int:
    """The commit's sequence number: a whole number (or its digits as text) from 1 to MAX_SEQUENCE."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and re.fullmatch(r"[0-9]{1,10}", value):
        number = int(value)
    else:
        number = None
    if number is None or not 1 <= number <= MAX_SEQUENCE:
        shown = repr(value) if len(repr(value)) <= 30 else repr(value)[:29] + "…"
        said = "has no sequence number" if value is None else f"has the sequence number {shown}"
        raise cmi.CommitError(f"The commit {said}; it must be a whole number from 1 to {MAX_SEQUENCE:,}.")
    return number


def _fitting(value: Decimal, field) -> Decimal | None:
    """`value` rounded to the decimal column `field`, or None if the column cannot hold it."""
    rounded = value.quantize(Decimal(1).scaleb(-field.decimal_places), rounding=ROUND_HALF_UP)
    return rounded if rounded.adjusted() < field.max_digits - field.decimal_places else None


@dataclass(frozen=True)
class CommitOutcome:
    stored: bool  # False: a repeat or an out-of-date commit, acknowledged and ignored
    attempt: ScoAttempt


def sco_commit(
    *, person, session_uuid, sequence, data, terminate: bool = False, at: dt.datetime | None = None
) -> CommitOutcome:
    """Store what the SCO committed. Raises Http404 for someone else's session, CommitError for a
    commit that cannot be stored (the previous state is kept)."""
    at = at or timezone.now()
    sequence = _sequence(sequence)
    known = commit_sql.known_session(session_uuid, person.pk)
    if known is not None:
        # Most commits change no status: one statement where the database allows (commit_sql).
        attempt = _quick_commit(person, session_uuid, known, sequence, data, terminate, at)
        if attempt is not None:
            return CommitOutcome(stored=True, attempt=attempt)
    with transaction.atomic():
        # One statement reads the session with its attempt, enrolment, SCO and package, and locks
        # only the learner's own rows (the session and the attempt): commits of two sessions of one
        # SCO are applied one after the other, while the SCO and package rows, which every learner
        # of the course shares, stay unlocked (locking them serialised a whole course's commits).
        # Only the columns a commit reads: not the committed model it replaces (up to 64,000
        # characters of suspend data). Written once, not built by the ORM each time (commit_sql).
        rows = commit_sql.read_locked(session_uuid, person.pk)
        session = rows.session if rows else None
        if session is None:
            raise Http404("No such session")
        attempt = session.attempt
        enrolment = attempt.enrolment
        if enrolment.status == Enrolment.Status.WITHDRAWN:
            raise Http404("No such enrolment")
        if sequence <= session.last_sequence:
            return CommitOutcome(stored=False, attempt=attempt)
        sco = attempt.sco
        commit_sql.remember_session(
            session_uuid,
            person.pk,
            commit_sql.KnownSession(sco.package.version, sco.completion_threshold),
        )
        try:
            result = cmi.read_result(sco.package.version, data, completion_threshold=sco.completion_threshold)
        except cmi.CommitError as error:
            # The value itself stays out of the log: it is the learner's.
            logger.warning(
                "SCORM commit refused (session %s): %s %s", session_uuid, error.element, error.problem
            )
            raise
        before = (attempt.completion_status, attempt.success_status, attempt.score_scaled)
        previous_session_seconds = session.session_seconds
        session.last_sequence = sequence
        session.last_commit_at = at
        if result.session_seconds is not None:
            session.session_seconds = result.session_seconds
        session.terminated = session.terminated or terminate

        was_completed = attempt.completion_status == "completed"
        attempt.cmi = data
        # Once complete, a later "incomplete" (a learner reviewing) does not undo it.
        attempt.completion_status = "completed" if was_completed else result.completion_status
        if result.success_status != "unknown" or attempt.success_status == "unknown":
            if not (attempt.success_status == "passed" and result.success_status == "failed"):
                attempt.success_status = result.success_status
        if result.score_scaled is not None:
            attempt.score_scaled = result.score_scaled
        if result.score_raw is not None:
            attempt.score_raw = _raw_score(result)[1]
        attempt.location = result.location
        attempt.suspend_data = result.suspend_data
        attempt.exit = result.exit
        # Total = the sum of each session's latest time: replace this session's share (both rows
        # are locked, so no other commit can change either meanwhile).
        attempt.total_seconds = min(
            cmi.MAX_SECONDS,
            max(Decimal(0), attempt.total_seconds - previous_session_seconds + session.session_seconds),
        )
        attempt.commits += 1
        attempt.updated_at = at
        commit_sql.write(session, _SESSION_FIELDS, attempt, _COMMITTED_FIELDS)
        if (attempt.completion_status, attempt.success_status, attempt.score_scaled) != before:
            # Only a change of status or score can change the activity's or the course's progress;
            # most commits are bookmarks and suspend data.
            activity = (
                Activity.objects.filter(version_id=enrolment.version_id, scorm_package_id=sco.package_id)
                .order_by("order")
                .first()
            )
            if activity is not None:
                _update_scorm_progress(enrolment, activity, at)
        if (
            enrolment.started_at is None
            or enrolment.last_activity_at is None
            or at - enrolment.last_activity_at >= _TOUCH_AT_MOST_EVERY
        ):
            # "Last active" to the minute: a runtime commits every few seconds, and one write of
            # the enrolment a minute is enough for reports and reminders.
            _touch(enrolment, at)
    return CommitOutcome(stored=True, attempt=attempt)


def _raw_score(result: cmi.Result) -> tuple[bool, Decimal | None]:
    """(whether the commit sets the raw score, the value the column keeps). The column is a
    summary; a raw score it cannot hold (real(10,7) goes to 10 digits before the point) is kept
    in the committed model only."""
    if result.score_raw is None:
        return False, None
    return True, _fitting(result.score_raw, ScoAttempt._meta.get_field("score_raw"))


def _quick_commit(person, session_uuid, known, sequence, data, terminate, at) -> ScoAttempt | None:
    """The commit stored in one statement if it changes no status nor score and needs no touch
    of the enrolment (commit_sql.write_unless_status_changes); None: nothing written."""
    try:
        result = cmi.read_result(known.version, data, completion_threshold=known.completion_threshold)
    except cmi.CommitError:
        return None  # refused by the transaction below, after its own checks, as always
    return commit_sql.write_unless_status_changes(
        session_uuid=session_uuid,
        person_pk=person.pk,
        known=known,
        sequence=sequence,
        result=result,
        data=data,
        score_raw=_raw_score(result),
        terminate=terminate,
        at=at,
        touch_after=at - _TOUCH_AT_MOST_EVERY,
    )


# What a commit changes on the session.
_SESSION_FIELDS = ["last_sequence", "last_commit_at", "session_seconds", "terminated"]
# What a commit changes on the attempt (every other column stays as it is).
_COMMITTED_FIELDS = [
    "cmi",
    "completion_status",
    "success_status",
    "score_scaled",
    "score_raw",
    "location",
    "suspend_data",
    "exit",
    "total_seconds",
    "commits",
    "updated_at",
]
_TOUCH_AT_MOST_EVERY = dt.timedelta(minutes=1)


def _update_scorm_progress(enrolment: Enrolment, activity: Activity, at: dt.datetime) -> None:
    """The activity's status and score from all its SCOs (multi-SCO: all must be complete)."""
    scos = list(Sco.objects.filter(package_id=activity.scorm_package_id).values_list("pk", flat=True))
    attempts = {a.sco_id: a for a in ScoAttempt.objects.filter(enrolment=enrolment, sco_id__in=scos)}
    progress = _progress(enrolment, activity)
    done = all(sco in attempts and attempts[sco].completion_status == "completed" for sco in scos)
    failed = any(a.success_status == "failed" for a in attempts.values())
    scores = [a.score_scaled for a in attempts.values() if a.score_scaled is not None]
    if scores:
        progress.score = max(
            Decimal(0),
            min(Decimal(100), (sum(scores, Decimal(0)) / len(scores) * 100).quantize(Decimal("0.01"))),
        )
    if progress.status != Status.COMPLETED:
        if done and failed:
            progress.status = Status.FAILED
        elif done:
            progress.status = Status.COMPLETED
            progress.completed_at = at
        elif progress.status == Status.NOT_STARTED:
            progress.status = Status.IN_PROGRESS
    progress.updated_at = at
    progress.save()
    if progress.status == Status.COMPLETED:
        evaluate_completion(enrolment, at=at)


def evaluate_completion(enrolment: Enrolment, *, at: dt.datetime) -> bool:
    """Complete the enrolment (and add it to the learner record) if its rule is met."""
    enrolment = (
        Enrolment.objects.select_for_update()
        .select_related("version", "course", "person")
        .get(pk=enrolment.pk)
    )
    if enrolment.status != Enrolment.Status.ACTIVE:
        return False
    version = enrolment.version
    activities = list(version.activities.all())
    if version.completion_rule == CourseVersion.CompletionRule.REQUIRED:
        counted = [a for a in activities if a.required]
    else:
        counted = activities
    if not counted:
        return False
    progress = {p.activity_id: p for p in enrolment.progress.all()}
    if not all(a.pk in progress and progress[a.pk].status == Status.COMPLETED for a in counted):
        return False
    scores = [s for s in (progress[a.pk].score for a in counted) if s is not None]
    score = (sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.01")) if scores else None
    enrolment.status = Enrolment.Status.COMPLETED
    enrolment.completed_at = at
    enrolment.score = score
    enrolment.save(update_fields=["status", "completed_at", "score"])
    person = enrolment.person
    Completion.objects.create(
        person=person,
        course=enrolment.course,
        version=version,
        enrolment=enrolment,
        course_code=enrolment.course.code,
        course_title=enrolment.course.title,
        version_number=version.number,
        organisation_id=person.organisation_id,
        completed_on=timezone.localdate(at),
        completed_at=at,
        score=score,
        source=Completion.Source.PLATFORM,
        recorded_at=at,
    )
    audit_record(
        actor=None,
        action="learning.complete",
        organisation=person.organisation,
        obj=enrolment,
        object_label=f"{person.get_full_name()} completed {enrolment.course.code} v{version.number}",
        after={"score": str(score) if score is not None else None},
    )
    completions_changed(person_ids=[person.pk], at=at)
    return True
