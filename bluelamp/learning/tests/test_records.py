"""External and CPD records, removing them, and the record following a person between organisations."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from bluelamp.audit.api import AuditEvent
from bluelamp.learning.api import (
    Completion,
    access_record_of,
    record_external,
    record_remove,
    transcript,
)
from bluelamp.learning.tests.record_helpers import AT, PNG_BYTES, complete_on_platform, pdf_file
from conftest import make_person


@pytest.fixture
def tara(kent):
    """Kent's training administrator."""
    return make_person(kent, "tara@kent.police.uk", first="Tara", last="Trainer", roles=["training_admin"])


def _external(actor, person, **overrides):
    values = {
        "title": "Advanced driver refresher",
        "provider": "Driving Standards Agency",
        "completed_on": dt.date(2025, 3, 15),
        "hours": "7.5",
        "score": "92",
        "evidence": None,
        "notes": "",
        "at": AT,
    }
    values.update(overrides)
    return record_external(actor=actor, person=person, **values)


def test_a_learner_records_their_own_cpd_with_evidence(bob):
    record = _external(bob, bob, evidence=pdf_file())
    record.refresh_from_db()
    assert record.source == Completion.Source.EXTERNAL
    assert (record.course_title, record.provider, record.hours, record.score) == (
        "Advanced driver refresher",
        "Driving Standards Agency",
        Decimal("7.50"),
        Decimal("92.00"),
    )
    assert record.organisation_id == bob.organisation_id and record.recorded_by_id == bob.pk
    assert record.evidence.name.endswith(".pdf") and "certificate" not in record.evidence.name
    assert default_storage.exists(record.evidence.name)
    assert AuditEvent.objects.filter(action="learning.record_external", object_id=str(record.pk)).exists()


def test_a_training_admin_records_for_someone_in_scope_but_not_outside_it(tara, bob, dave, charlie):
    assert _external(tara, bob).recorded_by_id == tara.pk
    with pytest.raises(PermissionDenied):
        _external(tara, dave)  # an Essex officer
    with pytest.raises(PermissionDenied):
        _external(charlie, bob)  # Essex's admin for a Kent officer
    with pytest.raises(PermissionDenied):
        _external(dave, bob)  # a colleague, not an administrator


def test_bad_values_are_all_reported_together(bob):
    with pytest.raises(ValidationError) as caught:
        _external(
            bob,
            bob,
            title="  ",
            completed_on=dt.date(2027, 1, 1),
            hours="lots",
            score="120",
            notes="x" * 2001,
        )
    errors = caught.value.message_dict
    assert errors["title"] == ["Enter the name of the course or activity."]
    assert errors["completed_on"] == ["The date cannot be in the future."]
    assert "CPD hours must be a number" in errors["hours"][0]
    assert errors["score"] == ["The score must be from 0 to 100."]
    assert "2,000" in errors["notes"][0]
    assert not Completion.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ...", ".exe files are not accepted. Upload a PDF, JPG, PNG or Word (DOCX) file."),
        ("fake.pdf", PNG_BYTES, "fake.pdf is not a real PDF file"),
        ("empty.png", b"", "empty.png is empty"),
        ("letter.docx", b"PK\x03\x04not a zip", "letter.docx is not a Word document"),
    ],
)
def test_evidence_types_are_checked_by_content(bob, name, content, message):
    with pytest.raises(ValidationError) as caught:
        _external(bob, bob, evidence=SimpleUploadedFile(name, content))
    assert message in caught.value.message_dict["evidence"][0]
    assert not Completion.objects.exists()


def test_evidence_over_the_size_limit_is_refused(bob, settings):
    settings.BLUELAMP_EVIDENCE_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as caught:
        _external(bob, bob, evidence=pdf_file(content=b"%PDF-" + b"x" * 2000))
    assert "must be 1 KB or smaller" in caught.value.message_dict["evidence"][0]


def test_png_and_jpeg_evidence_are_accepted(bob):
    assert _external(bob, bob, evidence=SimpleUploadedFile("cert.PNG", PNG_BYTES)).evidence.name.endswith(
        ".png"
    )
    jpeg = SimpleUploadedFile("cert.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 32)
    assert _external(bob, bob, title="Another", evidence=jpeg).evidence.name.endswith(".jpg")


def test_the_author_or_an_admin_removes_an_external_record_and_its_evidence(
    bob, tara, alice, dave, django_capture_on_commit_callbacks
):
    record = _external(bob, bob, evidence=pdf_file())
    stored = record.evidence.name
    with pytest.raises(PermissionDenied):
        record_remove(actor=dave, completion=record)  # an Essex officer
    with django_capture_on_commit_callbacks(execute=True):
        record_remove(actor=tara, completion=record)
    assert not Completion.objects.filter(pk=record.pk).exists()
    assert not default_storage.exists(stored)  # the evidence goes once the removal is committed
    event = AuditEvent.objects.get(action="learning.record_remove")
    assert event.before["title"] == "Advanced driver refresher"

    by_admin = _external(tara, bob)
    # The learner did not record this one: only its author or an administrator may remove it.
    with pytest.raises(PermissionDenied):
        record_remove(actor=bob, completion=by_admin)
    record_remove(actor=alice, completion=by_admin)  # Kent's organisation admin also manages learning
    assert not Completion.objects.filter(pk=by_admin.pk).exists()


def test_platform_completions_can_never_be_removed(bob, tara, platform_admin, national_course):
    complete_on_platform(bob, national_course)
    record = Completion.objects.get(person=bob)
    assert record.source == Completion.Source.PLATFORM
    for actor in (bob, tara, platform_admin):
        with pytest.raises(ValidationError, match="Only external or CPD records can be removed"):
            record_remove(actor=actor, completion=record)
    assert Completion.objects.filter(pk=record.pk).exists()


def test_the_record_survives_a_transfer_and_follows_the_person(
    bob, tara, alice, national, essex, charlie, platform_admin, national_course
):
    complete_on_platform(bob, national_course)
    _external(bob, bob)
    assert access_record_of(tara, bob.pk) == bob
    with pytest.raises(Http404):
        access_record_of(charlie, bob.pk)

    from bluelamp.people.api import person_transfer

    person_transfer(actor=platform_admin, person=bob, to_organisation=essex, staff_number="E77")
    bob.refresh_from_db()
    charlie = charlie.__class__.objects.get(pk=charlie.pk)  # forget cached access
    tara = tara.__class__.objects.get(pk=tara.pk)
    assert [c.organisation.slug for c in transcript(bob)] == ["kent", "kent"]  # where they were at the time
    assert access_record_of(charlie, bob.pk) == bob
    assert len(transcript(access_record_of(charlie, bob.pk))) == 2
    for former in (tara, alice):  # Kent's admin and his former line manager
        with pytest.raises(Http404):
            access_record_of(former.__class__.objects.get(pk=former.pk), bob.pk)


def test_a_desk_adviser_with_national_people_view_cannot_read_learner_records(bob, national):
    adviser = make_person(
        national, "adam@national.example", first="Adam", last="Adviser", roles=["cc_adviser"]
    )
    with pytest.raises(Http404):
        access_record_of(adviser, bob.pk)
