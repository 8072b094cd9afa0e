"""Moderation (internal verification): a sample holds every fail, every borderline and a share of
the rest at random (the same for the same seed, recorded); a verifier who marked the work cannot
verify it; a disagreement before release sends the work back to its marker, after release it is
recorded for action; samples close once decided and are kept for the EQA (CSV, XLSX, print)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bluelamp.assessment.assignments import marking, moderation
from bluelamp.assessment.assignments.marking import JudgementInput, MarkInput
from bluelamp.assessment.assignments.models import MarkingEvent, SampleItem, Submission
from bluelamp.assessment.assignments.tests.helpers import course_with_assignment, enrol
from bluelamp.assessment.assignments.tests.outsiders_marking import (
    MARKED_AT,
    criteria_input,
    fixed_clock,  # noqa: F401 - a fixture
    marked_ready,
    submitted,
)
from bluelamp.assessment.assignments.tests.test_marking import RELEASED_AT, make_cast
from bluelamp.audit.api import AuditEvent
from bluelamp.notifications.api import Notification
from conftest import make_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]

State = Submission.State
LATER = RELEASED_AT + dt.timedelta(days=2)


@pytest.fixture
def cast(kent, alice, bob):
    return make_cast(kent, alice, bob, criteria=3)


def _learners(kent, n):
    return [
        make_person(
            kent, f"learner{i}@kent.police.uk", first=f"Learner{i}", last="Kent", staff_number=f"L{i}"
        )
        for i in range(n)
    ]


def _marked(cast, people, judgements):
    """Each person hands in and Alice marks them ready with the given criteria (lists of booleans)
    or None (left unmarked)."""
    enrol(cast.alice, cast.course, *people)
    rows = []
    for person, met in zip(people, judgements, strict=True):
        work = submitted(cast.assignment, person)
        if met is not None:
            work = marked_ready(cast.alice, work, criteria_input(cast.assignment, met=met))
        rows.append(work)
    return rows


def test_a_sample_holds_every_fail_every_borderline_and_a_share_at_random(kent, cast):
    people = _learners(kent, 10)
    good = [True, True, True]
    plan = [good] * 7 + [[True, False, False], [True, True, False], None]
    works = _marked(cast, people, plan)
    # The marker flags a pass as borderline too.
    flagged = works[0]
    marking.marking_return(actor=cast.alice, submission=flagged)
    data = criteria_input(cast.assignment)
    flagged = marking.marking_save(
        actor=cast.alice,
        submission=flagged,
        data=MarkInput(judgements=data.judgements, feedback=data.feedback, marked_borderline=True),
    )
    marking.marking_ready(actor=cast.alice, submission=flagged)

    sample = moderation.sample_draw(
        actor=cast.alice, assignment=cast.assignment, percent=20, seed=42, at=MARKED_AT
    )
    reasons = dict(SampleItem.objects.filter(sample=sample).values_list("submission_id", "reason"))
    assert reasons[works[7].pk] == "fail"  # two criteria not met
    assert reasons[works[8].pk] == "borderline"  # exactly one not met
    assert reasons[works[0].pk] == "borderline"  # flagged by its marker
    assert works[9].pk not in reasons  # not marked yet
    randoms = sorted(pk for pk, reason in reasons.items() if reason == "random")
    assert len(randoms) == 2  # 20% of the 9 marked, rounded up
    assert set(randoms) <= {w.pk for w in works[1:7]}
    assert "seed 42" in sample.notes and "from 9 marked submissions" in sample.notes
    event = AuditEvent.objects.get(action="assessment.assignment.sample_drawn")
    assert event.after["seed"] == 42 and event.after["random"] == 2

    # The same population and seed give the same choice; the draw is repeatable from the record.
    population = list(
        Submission.objects.filter(pk__in=[w.pk for w in works[:9]]).select_related("assignment")
    )
    again = moderation.sample_compose(population, percent=20, seed=42)
    assert sorted(s.pk for s in again.random) == randoms
    # Work in a sample is not drawn again: a second sample draws from the rest.
    second = moderation.sample_draw(actor=cast.alice, assignment=cast.assignment, percent=100, seed=1)
    rest = {w.pk for w in works[1:7]} - set(randoms)
    assert set(second.items.values_list("submission_id", flat=True)) == rest
    with pytest.raises(ValidationError) as error:
        moderation.sample_draw(actor=cast.alice, assignment=cast.assignment, percent=100, seed=1)
    assert "no marked work to sample" in error.value.message_dict["percent"][0]


def test_borderline_points_are_near_the_pass_mark_either_side(kent, alice, bob):
    cast = make_cast(kent, alice, bob, grading="points", criteria=0, pass_points=Decimal(50))
    people = _learners(kent, 4)
    enrol(alice, cast.course, *people)
    works = []
    for person, points in zip(people, ["44", "46", "54.5", "56"], strict=True):
        work = submitted(cast.assignment, person)
        works.append(marked_ready(alice, work, MarkInput(points=Decimal(points), feedback="Fine")))
    draw = moderation.sample_compose(
        list(
            Submission.objects.filter(pk__in=[w.pk for w in works])
            .select_related("assignment")
            .order_by("pk")
        ),
        percent=0,
        seed=1,
    )
    assert [s.pk for s in draw.borderline] == [works[1].pk, works[2].pk]  # within 5 of 50 (5% of 100)
    assert [s.pk for s in draw.fail] == [works[0].pk]
    assert draw.random == []


def test_a_verifier_cannot_verify_their_own_marking(cast):
    work = marked_ready(cast.alice, submitted(cast.assignment, cast.bob))
    sample = moderation.sample_draw(actor=cast.alice, assignment=cast.assignment, percent=100, seed=3)
    item = sample.items.get()
    with pytest.raises(ValidationError) as error:
        moderation.verification_record(actor=cast.alice, item=item, decision="agree")
    assert "You marked this submission" in error.value.message_dict["decision"][0]
    assert moderation.verify_refusal(cast.bob, work) == "This is your own work: someone else must verify it."
    with pytest.raises(PermissionDenied):
        moderation.verification_record(actor=cast.bob, item=item, decision="agree")
    verification = moderation.verification_record(actor=cast.tess, item=item, decision="agree", at=LATER)
    assert verification.verifier == cast.tess
    assert moderation.item_status(SampleItem.objects.get(pk=item.pk)) == "Agreed"
    assert Submission.objects.get(pk=work.pk).state == State.READY_FOR_RELEASE


def test_a_disagreement_before_release_goes_back_to_the_first_marker(cast):
    work = marked_ready(cast.alice, submitted(cast.assignment, cast.bob))
    item = moderation.sample_draw(
        actor=cast.alice, assignment=cast.assignment, percent=100, seed=3
    ).items.get()
    criteria = marking.criteria_of(cast.assignment)
    mine = MarkInput(judgements={c.pk: JudgementInput(met=(n != 2)) for n, c in enumerate(criteria)})
    with pytest.raises(ValidationError) as error:
        moderation.verification_record(actor=cast.tess, item=item, decision="disagree", data=mine)
    assert "Enter a note" in error.value.message_dict["note"][0]
    with pytest.raises(ValidationError) as error:
        moderation.verification_record(
            actor=cast.tess, item=item, decision="disagree", data=criteria_input(cast.assignment), note="Hmm"
        )
    assert "the same as the marker's" in error.value.message_dict["decision"][0]
    verification = moderation.verification_record(
        actor=cast.tess, item=item, decision="disagree", data=mine, note="AC 1.3 is not evidenced", at=LATER
    )
    assert (verification.outcome, verification.grade) == ("refer", Decimal("66.67"))
    assert verification.criteria == {
        str(criteria[0].pk): True,
        str(criteria[1].pk): True,
        str(criteria[2].pk): False,
    }
    work.refresh_from_db()
    assert work.state == State.IN_MARKING
    step = MarkingEvent.objects.filter(submission=work).last()
    assert (step.from_state, step.to_state, step.by) == ("ready_for_release", "in_marking", cast.tess)
    assert step.note == "Returned by internal verification: AC 1.3 is not evidenced"
    notice = Notification.objects.get(person=cast.alice, kind=marking.VERIFICATION)
    assert "back in marking with you" in notice.body
    assert moderation.action_of(verification, work) == "Returned to the first marker"


def test_a_disagreement_after_release_is_recorded_for_action(cast):
    work = marked_ready(cast.alice, submitted(cast.assignment, cast.bob))
    marking.marking_release(actor=cast.alice, submissions=[work], at=RELEASED_AT)
    item = moderation.sample_draw(
        actor=cast.alice, assignment=cast.assignment, percent=100, seed=3
    ).items.get()
    criteria = marking.criteria_of(cast.assignment)
    mine = MarkInput(judgements={c.pk: JudgementInput(met=(n != 0)) for n, c in enumerate(criteria)})
    verification = moderation.verification_record(
        actor=cast.tess, item=item, decision="disagree", data=mine, note="AC 1.1 weak", at=LATER
    )
    work.refresh_from_db()
    assert work.state == State.RELEASED and work.outcome == "pass"
    assert moderation.action_of(verification, work) == "Recorded for action: the result had been released"
    assert (
        "recorded for action" in Notification.objects.get(person=cast.alice, kind=marking.VERIFICATION).body
    )


def test_a_sample_closes_once_decided_and_then_takes_no_more_decisions(cast):
    marked_ready(cast.alice, submitted(cast.assignment, cast.bob))
    sample = moderation.sample_draw(actor=cast.alice, assignment=cast.assignment, percent=100, seed=3)
    item = sample.items.get()
    with pytest.raises(ValidationError, match="1 submission is not verified yet"):
        moderation.sample_close(actor=cast.alice, sample=sample)
    moderation.verification_record(actor=cast.tess, item=item, decision="agree", at=LATER)
    sample = moderation.sample_close(actor=cast.alice, sample=sample, at=LATER)
    assert sample.closed_at == LATER
    with pytest.raises(ValidationError, match="closed on"):
        moderation.verification_record(actor=cast.victor, item=item, decision="agree")


def test_a_verifier_adds_a_submission_to_an_open_sample(cast):
    bob_work = marked_ready(cast.alice, submitted(cast.assignment, cast.bob))
    sample = moderation.sample_draw(actor=cast.alice, assignment=cast.assignment, percent=100, seed=3)
    carol_work = marked_ready(cast.alice, submitted(cast.assignment, cast.carol))
    assert moderation.candidates_to_add(cast.tess, sample) == [carol_work]
    item = moderation.sample_item_add(actor=cast.tess, sample=sample, submission=carol_work)
    assert item.reason == "chosen"
    with pytest.raises(ValidationError, match="in a sample already"):
        moderation.sample_item_add(actor=cast.tess, sample=sample, submission=bob_work)


def test_the_eqa_record_has_every_decision(kent, alice, bob):
    cast = make_cast(kent, alice, bob, criteria=2, anonymous_marking=True)
    work = marked_ready(
        cast.alice, submitted(cast.assignment, cast.bob), criteria_input(cast.assignment, met=[True, False])
    )
    sample = moderation.sample_draw(
        actor=cast.alice, assignment=cast.assignment, percent=0, seed=9, at=MARKED_AT
    )
    item = sample.items.get()
    criteria = marking.criteria_of(cast.assignment)
    moderation.verification_record(
        actor=cast.tess,
        item=item,
        decision="disagree",
        data=MarkInput(judgements={c.pk: JudgementInput(met=True) for c in criteria}),
        note="AC 1.2 is met on page 3",
        at=LATER,
    )
    (row,) = moderation.export_rows(cast.alice, sample)
    record = dict(zip(moderation.EXPORT_HEADER, row, strict=True))
    assert record["Assignment"] == "Unit 5001 assignment"
    assert record["Learner"] == f"Participant {work.participant_number}"
    assert record["Reason in sample"] == "Borderline"
    assert record["First marker"] == "Alice Admin"
    assert record["Marker's outcome"] == "Refer" and record["Marker's grade"] == Decimal(50)
    assert record["Marker's criteria"] == "AC 1.1 met; AC 1.2 not yet met"
    assert record["Verifier"] == "Tess Tutor" and record["Decision"] == "Disagree with the marker"
    assert (
        record["Verifier's outcome"] == "Pass" and record["Verifier's criteria"] == "AC 1.1 met; AC 1.2 met"
    )
    assert record["Criteria in dispute"] == "AC 1.2"
    assert record["Note"] == "AC 1.2 is met on page 3"
    assert record["Action"] == "Returned to the first marker"
    assert record["Verified"] == "22 March 2026 at 9:00am"
    assert "Bob" not in " ".join(str(v) for v in row)


def test_an_item_of_a_learner_out_of_scope_is_not_shown(kent, alice, bob, essex, charlie):
    course, assignment = course_with_assignment(kent, alice, code="CMI-9")
    enrol(alice, course, bob)
    marked_ready(alice, submitted(assignment, bob))
    sample = moderation.sample_draw(actor=alice, assignment=assignment, percent=100, seed=3)
    assert moderation.items_visible(charlie, sample) == []
    with pytest.raises(Exception) as refused:
        moderation.access_sample(charlie, sample.uuid)
    assert refused.typename == "Http404"
