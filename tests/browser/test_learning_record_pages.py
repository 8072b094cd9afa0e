"""The learner record in a browser (headless chromium), every page checked with axe.

A Kent officer with a completion on Bluelamp opens their record from "My learning", adds an
external/CPD record with a PDF certificate (after a first attempt with a wrong file and a future
date, which the error summary names), downloads the evidence, the CSV and the PDF of the record,
and removes the external record through its confirmation page. Kent's training administrator then
opens the officer's record and imports learning history: a file with errors (reported row by
row, nothing written), then a good one, checked and applied; the officer's record shows it. An
Essex administrator gets "Page not found" for the officer's record.
"""

import csv
import io
from pathlib import Path

import pytest

from bluelamp.learning.api import Completion, CompletionImportRun
from bluelamp.learning.tests.conftest import import_course
from bluelamp.learning.tests.record_helpers import PDF_BYTES, complete_on_platform
from bluelamp.organisations.api import Organisation
from conftest import make_org, make_person, with_mfa
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Correct-horse-battery-9"


def _csv_upload(name: str, text: str) -> dict:
    return {"name": name, "mimeType": "text/csv", "buffer": text.encode()}


def _downloaded(page, link_name: str):
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def test_learner_record_pages(page, settings, tmp_path):
    settings.AXES_ENABLED = False
    national = Organisation.objects.create(slug="national", name="National body", kind="national_body")
    kent = make_org("kent", "Kent Police")
    essex = make_org("essex", "Essex Police")
    course = import_course(national)  # SAS-01 Stop and search essentials
    bob = make_person(
        kent, "bob@kent.police.uk", first="Bob", last="Officer", staff_number="K2", password=PASSWORD
    )
    complete_on_platform(bob, course, score=85)
    tara = make_person(
        kent,
        "tara@kent.police.uk",
        first="Tara",
        last="Trainer",
        roles=["training_admin"],
        password=PASSWORD,
    )
    charlie = make_person(
        essex,
        "charlie@essex.police.uk",
        first="Charlie",
        last="Outsider",
        roles=["organisation_admin"],
        password=PASSWORD,
    )
    record_url = f"/learning/records/people/{bob.pk}/"

    # --- the officer -------------------------------------------------------------------------
    sign_in(page, bob.email, PASSWORD)
    page.goto("/learning/")
    page.get_by_role("link", name="Your learning record").click()
    page.wait_for_url("**/learning/records/")
    assert page.locator("h1").inner_text() == "Your learning record"
    record = page.locator("#record").inner_text()
    assert "SAS-01" in record and "Stop and search essentials" in record and "85%" in record
    assert "2 November 2026" in record
    assert_accessible(page, "your learning record")

    page.get_by_role("button", name="Add an external or CPD record").click()
    page.wait_for_url("**/learning/records/add/")
    assert_accessible(page, "add an external record")

    # A wrong kind of file and a date in the future: the error summary names both.
    exe = tmp_path / "certificate.exe"
    exe.write_bytes(b"MZ\x90\x00 not a certificate")
    page.get_by_label("Course or activity").fill("Safeguarding conference")
    page.get_by_label("Provider (optional)").fill("NPCC")
    page.get_by_label("Date completed (YYYY-MM-DD)").fill("2099-01-01")
    page.get_by_label("CPD hours (optional)").fill("6")
    page.get_by_label("Evidence (optional)").set_input_files(exe)
    page.get_by_role("button", name="Add to the record").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    text = summary.inner_text()
    assert "There is a problem" in text and page.title().startswith("Error: ")
    assert "The date cannot be in the future." in text
    assert "certificate.exe cannot be used as evidence: .exe files are not accepted" in text
    # Each message in the summary leads to its field.
    for link in summary.locator("a").all():
        target = link.get_attribute("href")
        assert target.startswith("#") and page.locator(target).count() == 1, target
    assert not Completion.objects.filter(source=Completion.Source.EXTERNAL).exists()
    assert_accessible(page, "add an external record, with errors")

    # Put right: the typed values are kept; the file is chosen again.
    assert page.get_by_label("Course or activity").input_value() == "Safeguarding conference"
    certificate = tmp_path / "certificate.pdf"
    certificate.write_bytes(PDF_BYTES)
    page.get_by_label("Date completed (YYYY-MM-DD)").fill("2025-03-15")
    page.get_by_label("Evidence (optional)").set_input_files(certificate)
    page.get_by_role("button", name="Add to the record").click()
    page.wait_for_url("**/learning/records/")
    assert "“Safeguarding conference” has been added to the learning record." in page.content()
    record = page.locator("#record").inner_text()
    assert "Safeguarding conference" in record and "NPCC" in record and "6 CPD hours" in record
    assert "15 March 2025" in record and "External or CPD record" in record
    assert_accessible(page, "your learning record with an external record")

    name, data = _downloaded(page, "Evidence for Safeguarding conference")
    assert name == "certificate.pdf" and data == PDF_BYTES  # the name it was uploaded with

    name, data = _downloaded(page, "Download as CSV")
    assert name.startswith("learning-record-bob-officer-") and name.endswith(".csv")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert rows[0][:3] == ["completed_on", "course_code", "course_title"]
    assert len(rows) == 3
    assert rows[1][:3] == ["2026-11-02", "SAS-01", "Stop and search essentials"]
    assert rows[2][:3] == ["2025-03-15", "", "Safeguarding conference"]
    assert rows[2][6:8] == ["External or CPD record", "NPCC"] and rows[2][10] == "yes"

    name, data = _downloaded(page, "Download as PDF")
    assert name.startswith("learning-record-bob-officer-") and name.endswith(".pdf")
    assert data.startswith(b"%PDF")

    page.get_by_role("link", name="Remove Safeguarding conference").click()
    page.get_by_role("heading", name="Remove this record?").wait_for()
    assert "Attached (it will be deleted too)" in page.locator("main").inner_text()
    assert_accessible(page, "remove a record")
    page.get_by_role("button", name="Remove the record").click()
    page.wait_for_url("**/learning/records/")
    assert "“Safeguarding conference” has been removed from the learning record." in page.content()
    assert "Safeguarding conference" not in page.locator("#record").inner_text()
    assert not Completion.objects.filter(source=Completion.Source.EXTERNAL).exists()
    assert_accessible(page, "your learning record after removing")

    # --- Kent's training administrator -----------------------------------------------------------
    page.context.clear_cookies()
    sign_in(page, tara.email, PASSWORD, with_mfa(tara))
    page.goto(record_url)
    assert page.locator("h1").inner_text() == "Learning record of Bob Officer"
    assert "Stop and search essentials" in page.locator("#record").inner_text()
    assert_accessible(page, "an officer's learning record")
    page.get_by_role("link", name="Import learning history from a CSV file").click()
    page.wait_for_url("**/learning/records/import/")
    assert_accessible(page, "import learning history")

    page.get_by_label("Completions file (CSV)").set_input_files(
        _csv_upload(
            "history-with-errors.csv",
            "staff_number,course_code,completed_on,score\n"
            "K2,SAS-01,2019-13-01,86\n"
            "K404,SAS-01,2019-05-14,86\n",
        )
    )
    page.get_by_role("button", name="Check file").click()
    page.locator("#errors").wait_for()
    assert "The file has 2 problems. Nothing has been added." in page.locator("main").inner_text()
    assert page.title().startswith("Error: Import of history-with-errors.csv")
    problems = page.locator("#errors tbody tr").all_inner_texts()
    assert len(problems) == 2
    assert "2\tcompleted_on\t2019-13-01" in problems[0]
    assert "3\tstaff_number\tK404" in problems[1] and "No one in Kent Police" in problems[1]
    assert page.get_by_role("button", name="Add these completions").count() == 0
    assert not Completion.objects.filter(source=Completion.Source.IMPORTED).exists()
    assert_accessible(page, "import refused, with its problems")

    page.get_by_role("button", name="Upload a corrected file").click()
    page.wait_for_url("**/learning/records/import/")
    page.get_by_label("Completions file (CSV)").set_input_files(
        _csv_upload(
            "history.csv",
            "staff_number,course_code,completed_on,score,version\nK2,SAS-01,2019-05-14,86,1\n",
        )
    )
    page.get_by_role("button", name="Check file").click()
    page.get_by_role("heading", name="Check before adding the completions").wait_for()
    summary = page.locator(".govuk-summary-list").inner_text()
    assert "Rows in the file\t1" in summary and "Completions to add\t1" in summary
    assert not Completion.objects.filter(source=Completion.Source.IMPORTED).exists()
    assert_accessible(page, "import checked")

    page.get_by_role("button", name="Add these completions").click()
    page.get_by_role("heading", name="Learning history imported").wait_for()
    assert "1 completion added" in page.locator(".govuk-panel").inner_text()
    assert CompletionImportRun.objects.filter(outcome="applied", created=1).count() == 1
    assert_accessible(page, "import applied")
    page.goto("/learning/records/import/")
    assert "history.csv" in page.locator("main").inner_text()
    assert_accessible(page, "import learning history with recent imports")

    page.goto(record_url)
    record = page.locator("#record").inner_text()
    assert "14 May 2019" in record and "Imported" in record and "86%" in record
    assert_accessible(page, "an officer's learning record with imported history")

    # --- Bob sees the imported line ------------------------------------------------------------
    page.context.clear_cookies()
    sign_in(page, bob.email, PASSWORD)
    page.goto("/learning/records/")
    record = page.locator("#record").inner_text()
    assert "14 May 2019" in record and "Stop and search essentials" in record
    assert "2 completions" in page.locator("#record caption").inner_text()

    # --- an outsider ------------------------------------------------------------------------------
    page.context.clear_cookies()
    sign_in(page, charlie.email, PASSWORD, with_mfa(charlie))
    response = page.goto(record_url)
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    assert "Bob Officer" not in page.content()
    assert_accessible(page, "page not found")
