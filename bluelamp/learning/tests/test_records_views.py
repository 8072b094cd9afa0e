"""The learner record's pages: who sees whose record, adding and removing CPD, evidence, the
CSV and PDF exports, the record after a transfer, and the history import pages."""

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bluelamp.learning.api import Completion, CompletionImportRun, record_external
from bluelamp.learning.tests.record_helpers import PDF_BYTES, complete_on_platform, pdf_file, pdf_structure
from conftest import make_person, page_body


@pytest.fixture
def tara(kent):
    return make_person(kent, "tara@kent.police.uk", first="Tara", last="Trainer", roles=["training_admin"])


@pytest.fixture
def adviser(national):
    """A contact-centre adviser: may view people nationally, never their learner records."""
    return make_person(national, "adam@national.example", first="Adam", last="Adviser", roles=["cc_adviser"])


@pytest.fixture
def bob_record(bob, national_course):
    complete_on_platform(bob, national_course)
    external = record_external(
        actor=bob,
        person=bob,
        title="=Advanced driver refresher",
        provider="Driving Standards Agency",
        completed_on=dt.date(2025, 3, 15),
        hours="7.5",
        score="92",
        evidence=pdf_file(),
    )
    return external


def _record(person):
    return f"/learning/records/people/{person.pk}/"


def test_your_learning_record_lists_every_completion_newest_first(signed_in, bob, bob_record, dave):
    record_external(actor=dave, person=dave, title="Essex-only training", completed_on=dt.date(2025, 1, 1))
    response = signed_in(bob).get("/learning/records/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Your learning record" in body
    assert body.index("Stop and search essentials") < body.index("Advanced driver refresher")
    assert "SAS-01" in body and "2 November 2026" in body and "15 March 2025" in body
    assert "Bluelamp" in body and "External or CPD record" in body and "Kent Police" in body
    assert "Driving Standards Agency" in body and "7.5 CPD hours" in body and "92%" in body
    assert f"/learning/records/entries/{bob_record.uuid}/evidence/" in body
    assert f"/learning/records/entries/{bob_record.uuid}/remove/" in body
    assert "Essex-only training" not in body
    platform = Completion.objects.get(person=bob, source="platform")
    assert f"/entries/{platform.uuid}/remove/" not in body  # never removable


def test_a_learner_adds_cpd_with_evidence_and_sees_clear_errors(signed_in, bob):
    client = signed_in(bob)
    bad = client.post(
        "/learning/records/add/",
        {
            "title": "Conference",
            "completed_on": "2099-01-01",
            "score": "150",
            "evidence": SimpleUploadedFile("x.exe", b"MZ"),
        },
    )
    assert bad.status_code == 200
    body = bad.content.decode()
    assert "There is a problem" in body and "The date cannot be in the future." in body
    assert "The score must be from 0 to 100." in body and ".exe files are not accepted" in body
    assert not Completion.objects.exists()

    good = client.post(
        "/learning/records/add/",
        {
            "title": "Safeguarding conference",
            "provider": "NPCC",
            "completed_on": "15/03/2025",
            "hours": "6",
            "evidence": SimpleUploadedFile("cert.pdf", PDF_BYTES),
        },
    )
    assert good.status_code == 302 and good["Location"] == "/learning/records/"
    record = Completion.objects.get(person=bob)
    assert (record.course_title, record.completed_on, record.source) == (
        "Safeguarding conference",
        dt.date(2025, 3, 15),
        "external",
    )


def test_who_may_read_a_record(signed_in, client, bob, alice, tara, charlie, dave, adviser, bob_record, kent):
    # Alice is Bob's line manager (and Kent's admin); Tara is Kent's training admin.
    for reader in (alice, tara):
        response = signed_in(reader).get(_record(bob))
        assert response.status_code == 200 and "Learning record of Bob Officer" in response.content.decode()
        client.logout()
    # Charlie (Essex admin), Dave (Essex officer) and a desk adviser with national people.view are refused
    # exactly as for someone who does not exist.
    for outsider in (charlie, dave, adviser):
        c = signed_in(outsider)
        refused = c.get(_record(bob))
        missing = c.get("/learning/records/people/999999/")
        assert refused.status_code == missing.status_code == 404
        assert page_body(refused) == page_body(missing)
        for suffix in ("record.csv", "record.pdf", "add/"):
            assert c.get(_record(bob) + suffix).status_code == 404
        assert c.get(f"/learning/records/entries/{bob_record.uuid}/evidence/").status_code == 404
        assert c.get(f"/learning/records/entries/{bob_record.uuid}/remove/").status_code == 404
        assert c.post(f"/learning/records/entries/{bob_record.uuid}/remove/").status_code == 404
        client.logout()
    assert Completion.objects.filter(pk=bob_record.pk).exists()


def test_a_line_manager_sees_direct_reports_only(signed_in, kent, bob, bob_record):
    manager = make_person(kent, "mo@kent.police.uk", first="Mo", last="Manager", staff_number="K8")
    report = make_person(
        kent, "rita@kent.police.uk", first="Rita", last="Report", staff_number="K9", line_manager=manager
    )
    client = signed_in(manager)
    assert client.get(_record(report)).status_code == 200
    assert client.get(_record(report) + "record.csv").status_code == 200
    assert client.get(_record(bob)).status_code == 404  # a colleague, not a report
    assert client.get(_record(report) + "add/").status_code == 404  # reading is not adding


def test_evidence_downloads_as_an_attachment_for_readers_in_scope(signed_in, client, bob, tara, bob_record):
    for reader in (bob, tara):
        response = signed_in(reader).get(f"/learning/records/entries/{bob_record.uuid}/evidence/")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith('attachment; filename="certificate.pdf"')
        assert b"".join(response.streaming_content) == PDF_BYTES
        client.logout()


def test_a_training_admin_adds_and_removes_cpd_for_someone_in_scope(signed_in, bob, tara):
    client = signed_in(tara)
    response = client.post(_record(bob) + "add/", {"title": "Taser update", "completed_on": "2025-02-01"})
    assert response.status_code == 302 and response["Location"] == _record(bob)
    record = Completion.objects.get(person=bob)
    assert record.recorded_by == tara
    assert (
        "Remove this record?"
        in client.get(f"/learning/records/entries/{record.uuid}/remove/").content.decode()
    )
    assert client.post(f"/learning/records/entries/{record.uuid}/remove/").status_code == 302
    assert not Completion.objects.filter(person=bob).exists()


def test_csv_export_has_every_line_of_the_record(signed_in, bob, alice, bob_record):
    response = signed_in(alice).get(_record(bob) + "record.csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="learning-record-bob-officer-')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:7] == [
        "completed_on",
        "course_code",
        "course_title",
        "version",
        "score",
        "cpd_hours",
        "source",
    ]
    assert rows[1][:7] == ["2026-11-02", "SAS-01", "Stop and search essentials", "1", "85.00", "", "Bluelamp"]
    assert rows[1][8:10] == ["Kent Police", "2026-11-02T09:00:00+00:00"]
    # A title a spreadsheet would run as a formula is defused.
    assert rows[2][:8] == [
        "2025-03-15",
        "",
        "'=Advanced driver refresher",
        "",
        "92.00",
        "7.50",
        "External or CPD record",
        "Driving Standards Agency",
    ]
    assert rows[2][10] == "yes" and len(rows) == 3


def test_pdf_export_is_tagged_and_accessible(signed_in, bob, bob_record):
    response = signed_in(bob).get(_record(bob) + "record.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="learning-record-bob-officer-')
    assert response.content.startswith(b"%PDF-")
    structure = pdf_structure(response.content)
    for marker in (b"/StructTreeRoot", b"/MarkInfo", b"/Marked true", b"/Lang (en-GB)", b"/Table", b"/TH"):
        assert marker in structure, marker
    assert b"/Title (Learning record of Bob Officer)" in structure
    assert b"pdfuaid" in structure  # declares PDF/UA-1 in its XMP metadata


def test_the_record_follows_a_transfer(
    signed_in, client, bob, alice, tara, charlie, essex, platform_admin, bob_record
):
    from bluelamp.people.api import person_transfer

    person_transfer(actor=platform_admin, person=bob, to_organisation=essex, staff_number="E77")
    response = signed_in(charlie).get(_record(bob))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Stop and search essentials" in body and "Advanced driver refresher" in body
    assert "Kent Police" in body  # the organisation at the time
    rows = list(csv.reader(io.StringIO(client.get(_record(bob) + "record.csv").content.decode())))
    assert len(rows) == 3
    client.logout()
    for former in (alice, tara):
        assert signed_in(former).get(_record(bob)).status_code == 404
        client.logout()


def _upload(client, organisation, text, name="history.csv"):
    return client.post(
        "/learning/records/import/",
        {
            "organisation": organisation.pk,
            "file": SimpleUploadedFile(name, text.encode(), content_type="text/csv"),
        },
    )


def test_history_import_check_report_then_apply(signed_in, client, tara, bob, kent, charlie, national_course):
    c = signed_in(tara)
    assert c.get("/learning/records/import/").status_code == 200
    bad = _upload(
        c, kent, "staff_number,course_code,completed_on\nK2,SAS-01,2019-13-01\nK404,SAS-01,2019-01-01\n"
    )
    assert bad.status_code == 302
    report = c.get(bad["Location"]).content.decode()
    assert "The file has 2 problems. Nothing has been added." in report
    assert "2019-13-01" in report and "No one in Kent Police has this staff number." in report
    assert "Add these completions" not in report

    good = _upload(c, kent, "staff_number,course_code,completed_on,score\nK2,SAS-01,2019-01-01,80\n")
    run = CompletionImportRun.objects.get(uuid=good["Location"].rstrip("/").rsplit("/", 1)[1])
    page = c.get(good["Location"]).content.decode()
    assert "Check before adding the completions" in page and "Add these completions" in page
    assert not Completion.objects.exists()

    client.logout()
    outsider = signed_in(charlie)  # Essex's admin: Kent's imports are missing to him
    assert outsider.get(good["Location"]).status_code == 404
    assert outsider.post(f"/learning/records/import/{run.uuid}/apply/").status_code == 404
    assert not Completion.objects.exists()
    client.logout()

    c = signed_in(tara)
    applied = c.post(f"/learning/records/import/{run.uuid}/apply/")
    assert applied.status_code == 302
    assert "Learning history imported" in c.get(applied["Location"]).content.decode()
    record = Completion.objects.get(person=bob)
    assert (record.source, record.completed_on, record.recorded_by) == ("imported", dt.date(2019, 1, 1), tara)
    # The checked file cannot be applied twice.
    again = c.post(f"/learning/records/import/{run.uuid}/apply/")
    assert again.status_code == 302 and Completion.objects.count() == 1
    assert "can no longer be applied" in c.get(good["Location"]).content.decode()


def test_a_newer_check_replaces_an_earlier_unapplied_one(signed_in, tara, bob, kent, national_course):
    c = signed_in(tara)
    first = _upload(c, kent, "staff_number,course_code,completed_on\nK2,SAS-01,2019-01-01\n")
    second = _upload(c, kent, "staff_number,course_code,completed_on\nK2,SAS-01,2019-02-01\n")
    first_uuid = first["Location"].rstrip("/").rsplit("/", 1)[1]
    assert "Add these completions" not in c.get(first["Location"]).content.decode()
    assert c.post(f"/learning/records/import/{first_uuid}/apply/").status_code == 302
    assert not Completion.objects.exists()  # the earlier file is gone: nothing applied
    assert "Add these completions" in c.get(second["Location"]).content.decode()


def test_history_import_is_for_training_admins_only(signed_in, client, bob, adviser, charlie, kent):
    for person in (bob, adviser):
        assert signed_in(person).get("/learning/records/import/").status_code == 404
        client.logout()
    c = signed_in(charlie)  # Essex's admin cannot choose Kent
    response = _upload(c, kent, "staff_number,course_code,completed_on\nK2,SAS-01,2019-01-01\n")
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not CompletionImportRun.objects.exists()


def test_the_record_page_reads_a_fixed_number_of_queries(signed_in, bob, alice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n):
        for i in range(n):
            record_external(actor=bob, person=bob, title=f"Course {i}", completed_on=dt.date(2024, 1, 1 + i))

    client = signed_in(alice)
    add(1)
    client.get(_record(bob))  # warm caches (sessions, licences)
    with CaptureQueriesContext(connection) as one:
        assert client.get(_record(bob)).status_code == 200
    add(5)
    with CaptureQueriesContext(connection) as six:
        assert client.get(_record(bob)).status_code == 200
    assert len(six) == len(one), [q["sql"] for q in six.captured_queries]
    assert len(one) <= 15
