"""Required training: the system (a domain above learning) enrols someone with a due date and
moves the due date later; the learner sees it on My learning, overdue when past."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bluelamp.audit.api import AuditEvent
from bluelamp.learning.api import (
    Enrolment,
    course_create,
    enrol_required,
    enrol_self,
    enrolment_set_due,
    live_enrolment,
    unenrol,
)
from bluelamp.learning.tests.record_helpers import complete_on_platform
from bluelamp.people.api import person_update

DUE = dt.date(2099, 3, 5)
WHY = "Officer safety training: every officer, every year"


def _require(person, course, due_on=DUE, **kwargs):
    return enrol_required(person=person, course=course, due_on=due_on, reason=WHY, **kwargs)


def test_the_system_enrols_with_a_due_date_and_an_audited_reason(bob, national_course):
    enrolment = _require(bob, national_course)
    assert (enrolment.method, enrolment.get_method_display(), enrolment.due_on, enrolment.enrolled_by) == (
        "required",
        "Required training",
        DUE,
        None,
    )
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert enrolment.version == national_course.current_version
    event = AuditEvent.objects.get(action="learning.enrol", object_id=str(enrolment.pk))
    assert event.actor is None
    assert event.after["method"] == "required" and event.after["reason"] == WHY
    assert event.after["due_on"] == "2099-03-05"


def test_a_live_enrolment_is_reused_and_only_its_due_date_moves(bob, national_course):
    own = enrol_self(person=bob, course=national_course)
    assert _require(bob, national_course) == own
    own.refresh_from_db()
    assert (own.method, own.due_on) == (Enrolment.Method.SELF, DUE)
    assert Enrolment.objects.filter(person=bob).count() == 1
    moved = AuditEvent.objects.get(action="learning.enrolment_due")
    assert (moved.before, moved.after) == ({"due_on": None}, {"due_on": "2099-03-05", "reason": WHY})

    _require(bob, national_course)  # the same date again: nothing written
    assert AuditEvent.objects.filter(action="learning.enrolment_due").count() == 1


def test_someone_who_completed_is_not_enrolled_again_unless_asked(bob, national_course):
    completed = complete_on_platform(bob, national_course)
    assert _require(bob, national_course) == completed
    completed.refresh_from_db()
    assert completed.status == Enrolment.Status.COMPLETED and completed.due_on is None

    again = _require(bob, national_course, again_after_completion=True)
    assert again != completed and again.status == Enrolment.Status.ACTIVE and again.due_on == DUE
    assert live_enrolment(bob, national_course) == again  # the one in progress, not the history
    assert _require(bob, national_course, again_after_completion=True) == again  # not a third
    completed.refresh_from_db()
    assert completed.status == Enrolment.Status.COMPLETED


def test_someone_unenrolled_is_enrolled_again(alice, bob, national_course):
    first = _require(bob, national_course)
    unenrol(actor=alice, enrolment=first, reason="Wrong course")
    second = _require(bob, national_course)
    assert second != first and second.status == Enrolment.Status.ACTIVE


def test_leavers_and_courses_not_available_are_refused_with_a_reason(
    alice, bob, kent, essex, national_course
):
    person_update(actor=alice, person=bob, status="leaver")
    with pytest.raises(ValidationError, match="has left"):
        _require(bob, national_course)
    person_update(actor=alice, person=bob, status="active")
    draft = course_create(actor=None, owner=kent, code="KENT-DRAFT", title="Not published yet")
    with pytest.raises(ValidationError, match="not available"):
        _require(bob, draft)
    essex_only = course_create(actor=None, owner=essex, code="ESSEX-01", title="Essex's own")
    with pytest.raises(ValidationError, match="not available"):
        _require(bob, essex_only)
    assert not Enrolment.objects.filter(person=bob).exists()


def test_a_reason_is_required_and_dates_must_be_real(bob, national_course):
    with pytest.raises(ValidationError, match="why"):
        enrol_required(person=bob, course=national_course, due_on=DUE, reason="  ")
    with pytest.raises(ValidationError) as caught:
        _require(bob, national_course, due_on=dt.date(9999, 12, 31))
    assert "due_on" in caught.value.message_dict
    assert not Enrolment.objects.filter(person=bob).exists()


def test_the_due_date_is_set_later_cleared_and_refused_once_withdrawn(alice, bob, national_course):
    enrolment = _require(bob, national_course)
    later = enrolment_set_due(enrolment=enrolment, due_on=dt.date(2099, 6, 1))
    assert later.due_on == dt.date(2099, 6, 1)
    enrolment.refresh_from_db()
    assert enrolment.due_on == dt.date(2099, 6, 1)
    enrolment_set_due(enrolment=enrolment, due_on=None)
    enrolment.refresh_from_db()
    assert enrolment.due_on is None
    assert AuditEvent.objects.filter(action="learning.enrolment_due").count() == 2
    unenrol(actor=alice, enrolment=enrolment)
    with pytest.raises(ValidationError, match="withdrawn"):
        enrolment_set_due(enrolment=enrolment, due_on=DUE)


def test_my_learning_shows_the_due_date_and_overdue(client, signed_in, bob, national_course, national):
    from bluelamp.learning.tests.conftest import import_course

    past = timezone.localdate() - dt.timedelta(days=3)
    _require(bob, national_course, due_on=dt.date(2099, 3, 5))
    _require(bob, import_course(national, code="FA-01", title="First aid"), due_on=past)
    page = signed_in(bob).get(reverse("learning:my_learning")).content.decode()
    assert "5 March 2099" in page
    assert f"{past.day} {past:%B %Y}" in page
    assert page.count("Overdue") == 1
