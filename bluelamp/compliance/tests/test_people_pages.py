"""The people pages of mandatory training: your own requirements, a person's (for their line
manager and the training administrators over them), exemptions, extensions and the home card.

Alice administers Kent and manages Bob; Lena is a Kent line manager with no role (Carl reports to
her); Charlie administers Essex and must get a 404 for anything of Kent's people. Dates are fixed:
requirements are saved on T0 and the pages act at NOW (the pages' clock is pinned).
"""

import datetime as dt
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bluelamp.compliance.models import Assignment, Exemption, Extension
from bluelamp.compliance.services import CourseChoice, RequirementInput, requirement_save
from bluelamp.compliance.tests.helpers import complete_course, make_requirement
from bluelamp.compliance.web import clock
from bluelamp.learning.tests.courses import publish_course
from conftest import make_person

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.UTC)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 0), tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fixed_now(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def first_aid(kent, alice):
    return publish_course(kent, alice, "FA-101", title="First aid refresher")


@pytest.fixture
def fa(kent, alice, bob, first_aid):
    """First aid: valid 12 months, first due 30 days after joining (Bob: 1 April 2026)."""
    return make_requirement(
        kent, "FA", [first_aid], actor=alice, at=T0, title="First aid", validity_months=12, first_due_days=30
    )


@pytest.fixture
def lena(kent):
    return make_person(kent, "lena@kent.police.uk", first="Lena", last="Lead")


@pytest.fixture
def carl(kent, lena):
    return make_person(kent, "carl@kent.police.uk", first="Carl", last="Constable", line_manager=lena)


def row(person, requirement) -> Assignment:
    return Assignment.objects.get(person=person, requirement=requirement)


def text(response) -> str:
    """The page's words, tags stripped and spaces folded."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&#39;", "'").replace("&quot;", '"').split())


def person_url(person, rest="") -> str:
    return f"/compliance/people/{person.uuid}/{rest}"


def date_parts(prefix: str, day: dt.date | None) -> dict:
    if day is None:
        return {f"{prefix}_day": "", f"{prefix}_month": "", f"{prefix}_year": ""}
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def exemption_post(
    requirement, *, reason="Recovering from surgery", starts=dt.date(2026, 3, 10), ends=None, **extra
):
    return {
        "requirement": str(requirement.uuid),
        "reason": reason,
        **date_parts("starts_on", starts),
        **date_parts("ends_on", ends),
        **extra,
    }


# --- reading ------------------------------------------------------------------------------------


def test_bob_sees_his_own_requirements_with_status_dates_and_courses(signed_in, bob, fa, first_aid):
    response = signed_in(bob).get("/compliance/people/me/")
    assert response.status_code == 200
    page = text(response)
    assert "My mandatory training" in page
    assert "FA First aid" in page and "Due" in page and "1 April 2026" in page and "Never" in page
    assert f'href="/learning/courses/{first_aid.uuid}/"' in response.content.decode()
    assert "govuk-tag--yellow" in response.content.decode()
    # A learner is offered nothing to do about it.
    assert "Grant an exemption" not in page and "Extend a due date" not in page


def test_a_completion_shows_compliant_with_its_expiry_and_last_completion(signed_in, bob, fa, first_aid):
    complete_course(bob, first_aid, at=at(dt.date(2026, 3, 5)))
    response = signed_in(bob).get("/compliance/people/me/")
    page = text(response)
    assert "Compliant" in page and "govuk-tag--green" in response.content.decode()
    assert "5 March 2027" in page  # due and expiring a year on
    assert "5 March 2026" in page  # last completed


def test_suspended_says_which_prerequisite_lapsed(signed_in, kent, alice, bob, first_aid):
    taser_course = publish_course(kent, alice, "TASER-1", title="Taser refresher")
    fa = make_requirement(
        kent, "FA", [first_aid], actor=alice, at=T0, title="First aid", validity_months=12, first_due_days=30
    )
    complete_course(bob, first_aid, at=at(dt.date(2025, 1, 10)))  # lapsed on 11 January 2026
    complete_course(bob, taser_course, at=at(dt.date(2025, 6, 1)))
    taser = make_requirement(
        kent,
        "TASER",
        [taser_course],
        actor=alice,
        at=T0,
        title="Taser",
        validity_months=12,
        prerequisites=[fa],
    )
    assert row(bob, taser).status == "suspended"
    response = signed_in(bob).get("/compliance/people/me/")
    page = text(response)
    assert "Suspended Because First aid (FA) has lapsed." in page
    assert "govuk-tag--orange" in response.content.decode()
    assert "Overdue" in page and "govuk-tag--red" in response.content.decode()  # first aid itself


def test_requirements_left_are_listed_as_past(signed_in, alice, bob, fa, first_aid):
    # The requirement no longer applies to Bob from 8 March: his row stays, with its history.
    requirement_save(
        actor=alice,
        owner=fa.owner,
        requirement=fa,
        data=RequirementInput(
            code="FA",
            title="First aid",
            courses=[CourseChoice(first_aid)],
            audience={"all": True, "exclude": [bob.pk]},
            validity_months=12,
            first_due_days=30,
        ),
        at=at(dt.date(2026, 3, 8)),
    )
    response = signed_in(bob).get("/compliance/people/me/")
    page = text(response)
    assert "Past requirements" in page and "FA First aid 8 March 2026 Due Never" in page
    assert "no mandatory training to hold at the moment" in page


def test_alice_sees_bob_with_the_actions_she_may_take(signed_in, alice, bob, fa):
    response = signed_in(alice).get(person_url(bob))
    assert response.status_code == 200
    page = text(response)
    assert "Mandatory training of Bob Officer" in page and "FA First aid" in page
    assert "Grant an exemption" in page and "Extend a due date" in page


def test_her_own_address_sends_alice_to_my_mandatory_training(signed_in, alice, fa):
    response = signed_in(alice).get(person_url(alice))
    assert response.status_code == 302 and response["Location"] == "/compliance/people/me/"


def test_bob_cannot_see_alices_page(signed_in, alice, bob, fa):
    client = signed_in(bob)
    assert client.get(person_url(alice)).status_code == 404
    assert client.get(person_url(alice, "exemptions/new/")).status_code == 404
    assert client.get(person_url(alice, "extensions/new/")).status_code == 404


def test_a_line_manager_sees_their_report_and_may_extend_but_not_exempt(signed_in, lena, carl, bob, fa):
    client = signed_in(lena)
    page = text(client.get(person_url(carl)))
    assert "Mandatory training of Carl Constable" in page
    assert "Extend a due date" in page and "Grant an exemption" not in page
    assert client.get(person_url(carl, "exemptions/new/")).status_code == 404
    assert client.post(person_url(carl, "exemptions/new/"), exemption_post(fa)).status_code == 404
    assert not Exemption.objects.exists()
    assert client.get(person_url(bob)).status_code == 404  # not her report

    response = client.post(
        person_url(carl, "extensions/new/"),
        {
            "requirement": str(fa.uuid),
            "reason": "Was on leave",
            **date_parts("to_due_on", dt.date(2026, 5, 1)),
        },
    )
    assert response.status_code == 302 and response["Location"] == person_url(carl)
    assert row(carl, fa).due_on == dt.date(2026, 5, 1)
    assert Extension.objects.get().approved_by == lena


def test_charlie_gets_404_on_everything_of_kents_people(signed_in, alice, bob, charlie, fa):
    exemption = _grant(signed_in(alice), bob, fa, evidence=SimpleUploadedFile("letter.pdf", PDF))
    client = signed_in(charlie)
    for url in [
        person_url(bob),
        person_url(bob, "exemptions/new/"),
        person_url(bob, "extensions/new/"),
        person_url(bob, f"exemptions/{exemption.uuid}/evidence/"),
        person_url(bob, f"exemptions/{exemption.uuid}/revoke/"),
    ]:
        assert client.get(url).status_code == 404, url
    for url in [
        person_url(bob, "exemptions/new/"),
        person_url(bob, "extensions/new/"),
        person_url(bob, f"exemptions/{exemption.uuid}/revoke/"),
    ]:
        assert client.post(url, {"reason": "x"}).status_code == 404, url
    exemption.refresh_from_db()
    assert exemption.revoked_at is None and Exemption.objects.count() == 1 and not Extension.objects.exists()
    # Charlie's own page shows nothing of Kent's.
    page = text(client.get("/compliance/people/me/"))
    assert "FA" not in page.split() and "Bob" not in page


# --- exemptions ---------------------------------------------------------------------------------


def _grant(client, person, requirement, **extra):
    response = client.post(person_url(person, "exemptions/new/"), exemption_post(requirement, **extra))
    assert response.status_code == 302, text(response)
    return Exemption.objects.get(person=person, requirement=requirement, revoked_at__isnull=True)


def test_the_exemption_form_offers_their_requirements_and_starts_today(signed_in, alice, bob, fa):
    response = signed_in(alice).get(person_url(bob, "exemptions/new/") + f"?requirement={fa.uuid}")
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(rf'<option value="{fa.uuid}" selected>FA First aid</option>', html)
    assert 'name="starts_on_day" type="text" value="10"' in html
    assert 'name="starts_on_month" type="text" value="3"' in html
    assert 'name="starts_on_year" type="text" value="2026"' in html
    assert 'name="ends_on_day" type="text" value=""' in html


def test_an_exemption_makes_bob_exempt_at_once_and_shows_who_and_why(signed_in, alice, bob, fa):
    client = signed_in(alice)
    response = client.post(
        person_url(bob, "exemptions/new/"),
        exemption_post(
            fa,
            ends=dt.date(2026, 9, 30),
            evidence=SimpleUploadedFile("GP letter.pdf", PDF, content_type="application/pdf"),
        ),
    )
    assert response.status_code == 302 and response["Location"] == person_url(bob)
    assert row(bob, fa).status == "exempt"
    exemption = Exemption.objects.get()
    assert exemption.granted_by == alice and exemption.ends_on == dt.date(2026, 9, 30)

    page = text(client.get(person_url(bob)))
    assert "Bob Officer is exempt from FA from 10 March 2026 until 30 September 2026." in page
    assert "Exempt Until 30 September 2026" in page
    assert "Recovering from surgery" in page and "From 10 March 2026 to 30 September 2026" in page
    assert "Alice Admin on 10 March 2026" in page
    assert "Evidence for the exemption from FA" in page and "Revoke the exemption from FA" in page

    # Bob sees it on his own page, without the means to revoke it.
    bob_page = text(signed_in(bob).get("/compliance/people/me/"))
    assert "Exempt" in bob_page and "Recovering from surgery" in bob_page
    assert "Revoke" not in bob_page


def test_evidence_downloads_only_for_those_who_may_see_the_person(signed_in, alice, bob, lena, fa):
    exemption = _grant(signed_in(alice), bob, fa, evidence=SimpleUploadedFile("GP letter.pdf", PDF))
    # However it was named, the name given in the header is safe: no quotes, breaks or paths.
    Exemption.objects.filter(pk=exemption.pk).update(evidence_name='..\\GP "letter";\r\nX: y.exe')
    url = person_url(bob, f"exemptions/{exemption.uuid}/evidence/")
    response = signed_in(alice).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition == 'attachment; filename="GP letterX: y.pdf"'
    assert signed_in(bob).get(url).status_code == 200  # his own
    assert signed_in(lena).get(url).status_code == 404  # not her report
    # Through another person's address, the same exemption is not found.
    assert signed_in(alice).get(person_url(lena, f"exemptions/{exemption.uuid}/evidence/")).status_code == 404


def test_an_exemption_without_evidence_has_nothing_to_download(signed_in, alice, bob, fa):
    exemption = _grant(signed_in(alice), bob, fa)
    assert signed_in(alice).get(person_url(bob, f"exemptions/{exemption.uuid}/evidence/")).status_code == 404


@pytest.mark.parametrize(
    "changes, field, message",
    [
        (
            {"ends": dt.date(2026, 3, 1)},
            "ends_on",
            "The end date 1 March 2026 is before the start date 10 March 2026",
        ),
        ({"reason": "   "}, "reason", "Enter the reason for the exemption"),
        (
            {"evidence": SimpleUploadedFile("letter.txt", b"hello")},
            "evidence",
            "letter.txt cannot be used as evidence: .txt files are not accepted. Upload a PDF, JPG, PNG or Word (DOCX) file.",
        ),
        (
            {"evidence": SimpleUploadedFile("letter.pdf", b"MZ not a pdf")},
            "evidence",
            "letter.pdf is not a real PDF file (its contents are of another type).",
        ),
        ({"starts_on_month": ""}, "starts_on", "The start date must include a month"),
        ({"starts_on_day": "31", "starts_on_month": "2"}, "starts_on", "The start date must be a real date"),
        ({"starts_on_year": "26"}, "starts_on", "The year of the start date must include 4 numbers"),
        ({"starts": None}, "starts_on", "Enter the start date"),
        ({"requirement": ""}, "requirement", "Choose the requirement"),
    ],
)
def test_bad_exemptions_say_what_is_wrong_and_keep_what_was_typed(
    signed_in, alice, bob, fa, changes, field, message
):
    data = exemption_post(
        fa, **{k: v for k, v in changes.items() if k in {"ends", "reason", "starts", "evidence"}}
    )
    data.update({k: v for k, v in changes.items() if k not in {"ends", "reason", "starts", "evidence"}})
    response = signed_in(alice).post(person_url(bob, "exemptions/new/"), data)
    assert response.status_code == 200
    page = text(response)
    assert "There is a problem" in page and message in page
    assert f'href="#id_{field}"' in response.content.decode()  # the summary links to the field
    assert not Exemption.objects.exists() and row(bob, fa).status == "due"
    if field != "reason":
        assert "Recovering from surgery" in response.content.decode()  # kept
    if field == "ends_on":
        assert 'name="ends_on_day" type="text" value="1"' in response.content.decode()


def test_the_evidence_limit_is_the_learner_records(signed_in, settings, alice, bob, fa):
    settings.BLUELAMP_EVIDENCE_MAX_BYTES = 20
    response = signed_in(alice).post(
        person_url(bob, "exemptions/new/"), exemption_post(fa, evidence=SimpleUploadedFile("big.pdf", PDF))
    )
    assert "big.pdf is" in text(response) and "evidence must be 1 KB or smaller" in text(response)
    assert "choose the evidence file again" in text(response)
    assert not Exemption.objects.exists()


def test_a_word_document_is_accepted_as_evidence(signed_in, alice, bob, fa):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    exemption = _grant(
        signed_in(alice), bob, fa, evidence=SimpleUploadedFile("letter.docx", buffer.getvalue())
    )
    response = signed_in(alice).get(person_url(bob, f"exemptions/{exemption.uuid}/evidence/"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_revoking_an_exemption_brings_the_status_back(signed_in, alice, bob, fa):
    client = signed_in(alice)
    exemption = _grant(client, bob, fa)
    url = person_url(bob, f"exemptions/{exemption.uuid}/revoke/")
    page = text(client.get(url))
    assert "Revoke an exemption" in page and "Recovering from surgery" in page

    response = client.post(url, {"reason": ""})
    assert "Enter why the exemption is being revoked" in text(response)
    exemption.refresh_from_db()
    assert exemption.revoked_at is None

    response = client.post(url, {"reason": "Back at work"})
    assert response.status_code == 302
    exemption.refresh_from_db()
    assert exemption.revoked_at == NOW and exemption.revoked_by == alice
    assert row(bob, fa).status == "due"
    page = text(client.get(person_url(bob)))
    assert "Past" in page and "Revoked on 10 March 2026 by Alice Admin: Back at work" in page
    # Once revoked, the page says so instead of revoking twice.
    assert client.post(url, {"reason": "again"}).status_code == 302


def test_bob_may_not_revoke_his_own_exemption(signed_in, alice, bob, fa):
    exemption = _grant(signed_in(alice), bob, fa)
    response = signed_in(bob).post(person_url(bob, f"exemptions/{exemption.uuid}/revoke/"), {"reason": "no"})
    assert response.status_code == 404
    exemption.refresh_from_db()
    assert exemption.revoked_at is None


# --- extensions ---------------------------------------------------------------------------------


def test_an_extension_moves_the_due_date(signed_in, alice, bob, fa):
    client = signed_in(alice)
    page = text(client.get(person_url(bob, "extensions/new/")))
    assert "FA First aid (due 1 April 2026)" in page
    response = client.post(
        person_url(bob, "extensions/new/"),
        {
            "requirement": str(fa.uuid),
            "reason": "Course cancelled",
            **date_parts("to_due_on", dt.date(2026, 6, 15)),
        },
    )
    assert response.status_code == 302
    assert row(bob, fa).due_on == dt.date(2026, 6, 15) and row(bob, fa).status == "assigned"
    page = text(client.get(person_url(bob)))
    assert "Bob Officer is now due to complete FA by 15 June 2026." in page
    assert "From 1 April 2026 to 15 June 2026" in page and "Course cancelled" in page
    assert "15 June 2026" in page


@pytest.mark.parametrize(
    "due, reason, message",
    [
        (dt.date(2026, 3, 20), "Leave", "The new due date must be after the current one, 1 April 2026"),
        (dt.date(2027, 6, 1), "Leave", "An extension can move a due date by a year at most"),
        (dt.date(2026, 5, 1), "", "Enter the reason for the extension"),
        (None, "Leave", "Enter the new due date"),
    ],
)
def test_bad_extensions_say_what_is_wrong(signed_in, alice, bob, fa, due, reason, message):
    response = signed_in(alice).post(
        person_url(bob, "extensions/new/"),
        {"requirement": str(fa.uuid), "reason": reason, **date_parts("to_due_on", due)},
    )
    assert response.status_code == 200
    assert message in text(response)
    assert not Extension.objects.exists() and row(bob, fa).due_on == dt.date(2026, 4, 1)
    if reason:
        assert "Leave" in response.content.decode()


# --- the home card --------------------------------------------------------------------------------


def test_the_home_card_counts_what_is_due_and_overdue(signed_in, kent, alice, bob, fa, first_aid):
    other = publish_course(kent, alice, "DS-1", title="Data security")
    make_requirement(kent, "DS", [other], actor=alice, at=at(dt.date(2026, 1, 1)), first_due_days=10)
    from bluelamp.compliance.evaluation import evaluate_people

    evaluate_people([bob.pk], at=T0)  # DS due 11 January: overdue; FA due 1 April: due
    page = text(signed_in(bob).get("/"))
    assert "Your mandatory training" in page
    assert "1 overdue" in page and "1 due soon" in page
    assert "Next due: First aid (FA) by 1 April 2026." in page
    assert 'href="/compliance/people/me/"' in signed_in(bob).get("/").content.decode()


def test_no_card_without_requirements(signed_in, charlie, fa):
    assert "Your mandatory training" not in text(signed_in(charlie).get("/"))


def test_the_persons_page_reads_a_fixed_number_of_queries(
    signed_in, kent, alice, bob, fa, django_assert_max_num_queries
):
    client = signed_in(alice)
    client.get(person_url(bob))  # warm the session and caches
    with django_assert_max_num_queries(20) as first:
        client.get(person_url(bob))
    baseline = len(first)
    for n in range(4):
        course = publish_course(kent, alice, f"C{n}")
        requirement = make_requirement(kent, f"R{n}", [course], actor=alice, at=T0, prerequisites=[fa])
        _grant(client, bob, requirement)
    with django_assert_max_num_queries(baseline):
        client.get(person_url(bob))


def test_the_error_summary_links_to_the_first_box_in_error(signed_in, alice, bob, fa):
    response = signed_in(alice).post(
        person_url(bob, "exemptions/new/"), exemption_post(fa, **{"starts_on_month": ""})
    )
    html = response.content.decode()
    assert 'href="#id_starts_on"' in html
    assert re.search(r'id="id_starts_on" name="starts_on_month"', html)
    assert re.search(r'class="[^"]*govuk-input--error" id="id_starts_on" name="starts_on_month"', html)
    assert re.search(
        r'class="govuk-input govuk-date-input__input govuk-input--width-2" id="id_starts_on_day"', html
    )
