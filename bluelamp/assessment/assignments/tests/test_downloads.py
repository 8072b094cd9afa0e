"""A marker's ZIP of the work they mark: a folder per learner (a participant number while
anonymous), each attempt's files under safe names and its online text, an index; only what the
marker may see; refused above the size limit with what to do; audited."""

import csv
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError

from bluelamp.assessment.assignments import downloads, marking
from bluelamp.assessment.assignments.tests.helpers import pdf
from bluelamp.assessment.assignments.tests.outsiders_marking import (
    MARKED_AT,
    fixed_clock,  # noqa: F401 - a fixture
    marked_ready,
    submitted,
)
from bluelamp.assessment.assignments.tests.test_marking import make_cast
from bluelamp.audit.api import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def _zip(download) -> tuple[zipfile.ZipFile, list[dict]]:
    data = download.file.read()
    download.file.close()
    archive = zipfile.ZipFile(io.BytesIO(data))
    index = list(csv.DictReader(io.StringIO(archive.read("index.csv").decode("utf-8-sig"))))
    return archive, index


def test_the_zip_has_a_folder_per_learner_safe_names_the_text_and_an_index(kent, alice, bob):
    cast = make_cast(kent, alice, bob)
    submitted(cast.assignment, cast.bob, text="Bob's answer.", files=[pdf("Mon essai: final/v2 é.pdf")])
    submitted(cast.assignment, cast.carol, files=[pdf("essay.pdf"), pdf("essay.PDF")])
    result = downloads.submissions_zip(actor=cast.alice, assignment=cast.assignment, at=MARKED_AT)
    assert result.filename == "cmi-5001-unit-5001-assignment-submissions.zip"
    assert (result.submissions, result.files) == (2, 3)
    archive, index = _zip(result)
    bob_folder = f"officer-bob-{cast.bob.pk}/attempt-1"
    carol_folder = f"constable-carol-{cast.carol.pk}/attempt-1"
    assert sorted(archive.namelist()) == sorted(
        [
            "index.csv",
            f"{bob_folder}/online-text.txt",
            f"{bob_folder}/v2-e.pdf",
            f"{carol_folder}/online-text.txt",
            f"{carol_folder}/essay.pdf",
            f"{carol_folder}/essay-2.PDF",
        ]
    )
    assert archive.read(f"{bob_folder}/online-text.txt").decode() == "Bob's answer."
    assert archive.read(f"{bob_folder}/v2-e.pdf").startswith(b"%PDF-")
    assert [row["Learner"] for row in index] == ["Carol Constable", "Bob Officer"]
    assert index[1]["Folder"] == bob_folder and index[1]["State"] == "Not marked" and index[1]["Files"] == "1"
    event = AuditEvent.objects.get(action="assessment.assignment.downloaded")
    assert event.after == {"submissions": 2, "files": 3, "state": "all"}


def test_anonymous_marking_leaves_no_name_in_the_zip(kent, alice, bob):
    cast = make_cast(kent, alice, bob, anonymous_marking=True)
    work = submitted(cast.assignment, cast.bob, text="Answer.", files=[pdf("bob-officer-essay.pdf")])
    archive, index = _zip(downloads.submissions_zip(actor=cast.alice, assignment=cast.assignment))
    folder = f"participant-{work.participant_number}/attempt-1"
    assert sorted(archive.namelist()) == sorted(
        ["index.csv", f"{folder}/online-text.txt", f"{folder}/file-1.pdf"]
    )
    assert index[0]["Learner"] == f"Participant {work.participant_number}"
    everything = " ".join(archive.namelist()) + archive.read("index.csv").decode("utf-8-sig")
    assert "bob" not in everything.lower() and "officer" not in everything.lower()


def test_a_marker_downloads_only_what_is_theirs_and_can_choose_a_state(kent, alice, bob):
    cast = make_cast(kent, alice, bob)
    submitted(cast.assignment, cast.bob)
    marked_ready(cast.alice, submitted(cast.assignment, cast.carol))
    marking.allocation_add(
        actor=cast.alice, assignment=cast.assignment, marker=cast.tess, learners=[cast.bob]
    )
    _archive, index = _zip(downloads.submissions_zip(actor=cast.tess, assignment=cast.assignment))
    assert [row["Learner"] for row in index] == ["Bob Officer"]
    _archive, index = _zip(
        downloads.submissions_zip(actor=cast.alice, assignment=cast.assignment, state="ready_for_release")
    )
    assert [row["Learner"] for row in index] == ["Carol Constable"]
    with pytest.raises(ValidationError) as error:
        downloads.submissions_zip(actor=cast.alice, assignment=cast.assignment, state="released")
    assert "no handed-in work" in error.value.message_dict["state"][0]
    with pytest.raises(ValidationError) as error:
        downloads.submissions_zip(actor=cast.alice, assignment=cast.assignment, state="lost")
    assert "“lost” is not a marking state" in error.value.message_dict["state"][0]


def test_a_download_over_the_limit_is_refused_with_what_to_do(kent, alice, bob, monkeypatch):
    cast = make_cast(kent, alice, bob)
    submitted(cast.assignment, cast.bob, files=[pdf("essay.pdf", size=4000)])
    monkeypatch.setattr(downloads, "MAX_BYTES", 2048)
    with pytest.raises(ValidationError) as error:
        downloads.submissions_zip(actor=cast.alice, assignment=cast.assignment)
    message = error.value.message_dict["state"][0]
    assert "come to 3 KB, more than the 2 KB one download may hold" in message
    assert "choose a state" in message
    assert not AuditEvent.objects.filter(action="assessment.assignment.downloaded").exists()


def test_safe_names():
    assert downloads.safe_name("../../etc/passwd") == "etc-passwd"
    assert downloads.safe_name("Zoë's report (final).docx") == "Zoe-s-report-final.docx"
    assert downloads.safe_name("....") == "file"
    long = downloads.safe_name("a" * 200 + ".pdf")
    assert len(long) == 80 and long.endswith(".pdf")
