"""Helpers for learner-record tests: completing a course on Bluelamp through the SCORM services,
evidence files, and reading the structure of a PDF whose objects are compressed."""

import datetime as dt
import re
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile

from bluelamp.learning import progress
from bluelamp.learning.api import enrol_self

AT = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def complete_on_platform(person, course, *, score=85, at=AT):
    """Enrol, launch the SCO and commit a pass: one PLATFORM line on the person's record."""
    enrolment = enrol_self(person=person, course=course, at=at)
    activity = enrolment.version.activities.get()
    sco = activity.scorm_package.scos.order_by("order").first()
    launch = progress.sco_launch(enrolment=enrolment, activity=activity, sco=sco, at=at)
    core = {
        "lesson_status": "passed",
        "session_time": "00:05:00",
        "score": {"raw": str(score), "min": "0", "max": "100"},
    }
    progress.sco_commit(
        person=person,
        session_uuid=launch.session.uuid,
        sequence=1,
        data={"core": core},
        terminate=True,
        at=at,
    )
    return enrolment


def pdf_file(name="certificate.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def pdf_structure(data: bytes) -> bytes:
    """The PDF with every Flate stream inflated, so that compressed object streams (where
    WeasyPrint puts the catalogue, /StructTreeRoot and /MarkInfo included) can be searched.

    The end-of-line before `endstream` is left on the data and ignored by the decompressor:
    stripping an optional CR there would, once in 256 PDFs, cut a stream whose last byte is CR.
    """
    parts = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            parts.append(zlib.decompressobj().decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)
