"""The satisfaction survey on resolution: the link in the "resolved" e-mail (signed, expiring, no
sign-in), the requester's own route from their ticket page, one response per ticket, what staff
see, the weekly KPIs and their download; outsiders get a 404."""

import csv
import datetime as dt
import io
import re
import time
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from bluelamp.audit.api import AuditEvent
from bluelamp.servicedesk.reporting import exports
from bluelamp.servicedesk.reporting import selectors as kpis
from bluelamp.servicedesk.survey import links
from bluelamp.servicedesk.survey.models import SatisfactionResponse
from bluelamp.servicedesk.survey.services import survey_respond
from bluelamp.servicedesk.tickets.services import ticket_create, ticket_reply, ticket_set_status
from conftest import london, make_person

pytestmark = pytest.mark.django_db

ANSWERS = {"score": "4", "solved": "yes", "comment": "Quick and kind."}


@pytest.fixture
def essex_officer(essex):
    return make_person(essex, "dan@essex.police.uk", first="Dan", last="Essex")


@pytest.fixture
def other_requester(kent):
    return make_person(kent, "kim@kent.police.uk", first="Kim", last="Other")


@pytest.fixture
def resolved(bob, adviser, django_capture_on_commit_callbacks):
    """Bob's ticket, answered by Adam and resolved (the e-mails sent)."""
    ticket = ticket_create(actor=bob, type="incident", subject="Course will not open", description="It spins")
    ticket_reply(actor=adviser, ticket=ticket, body="Try again now")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        return ticket_set_status(actor=adviser, ticket=ticket, status="resolved")


def _link_path(message) -> str:
    match = re.search(r"http://[^/\s]+(/service-desk/survey/[^\s\"<]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_the_resolved_email_links_to_the_survey(resolved):
    (message,) = mail.outbox
    path = _link_path(message)
    assert "How did we do?" in message.body and "the link works for 30 days" in message.body
    html = message.alternatives[0][0]
    assert path in html and "Answer three quick questions" in html
    # The token names the ticket without showing its reference or anyone's name.
    assert resolved.reference not in path and "bob" not in path.lower()
    assert links.ticket_for_token(path.split("/")[-2]) == resolved


def test_answered_from_the_link_without_signing_in_once(resolved):
    path = _link_path(mail.outbox[0])
    client = Client()
    page = client.get(path)
    assert page.status_code == 200
    assert 'type="radio"' in page.text and 'name="score"' in page.text and 'name="solved"' in page.text
    assert "Very satisfied" in page.text and "Was your problem solved?" in page.text
    response = client.post(path, ANSWERS)
    assert response.status_code == 302 and response["Location"] == path
    answer = SatisfactionResponse.objects.get()
    assert (answer.ticket, answer.score, answer.solved, answer.comment, answer.via, answer.respondent) == (
        resolved,
        4,
        True,
        "Quick and kind.",
        "email_link",
        None,
    )
    thanks = client.get(path)
    assert thanks.status_code == 200 and "Thank you for your feedback" in thanks.text
    # Submitting again (a second click, another device) shows the thanks and counts nothing.
    again = Client().post(path, {"score": "1", "solved": "no", "comment": ""})
    assert again.status_code == 200 and "Thank you for your feedback" in again.text
    assert SatisfactionResponse.objects.get().score == 4
    assert AuditEvent.objects.filter(action="servicedesk.survey_respond").count() == 1


def test_a_tampered_link_gets_a_clear_page(resolved):
    path = _link_path(mail.outbox[0])
    token = path.split("/")[-2]
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "nonsense", token + "x"):
        page = Client().get(f"/service-desk/survey/{bad}/")
        assert page.status_code == 404 and "This survey link is not valid" in page.text
        assert Client().post(f"/service-desk/survey/{bad}/", ANSWERS).status_code == 404
    # A token signed for something else (another salt) is not a survey link either.
    from django.core import signing

    other = signing.dumps(resolved.uuid.hex, salt="something.else")
    assert Client().get(f"/service-desk/survey/{other}/").status_code == 404
    assert not SatisfactionResponse.objects.exists()


def test_an_expired_link_gets_a_clear_page(resolved):
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 31 * 24 * 3600):
        token = links.survey_token(resolved)
    page = Client().get(f"/service-desk/survey/{token}/")
    assert page.status_code == 410
    assert "This survey link has expired" in page.text and "30 days" in page.text
    assert Client().post(f"/service-desk/survey/{token}/", ANSWERS).status_code == 410
    assert not SatisfactionResponse.objects.exists()


def test_the_requester_answers_from_their_ticket_page(signed_in, bob, resolved):
    client = signed_in(bob)
    page = client.get(f"/service-desk/my-tickets/{resolved.reference}/")
    survey_url = f"/service-desk/my-tickets/{resolved.reference}/survey/"
    assert survey_url in page.text
    assert client.get(survey_url).status_code == 200
    response = client.post(survey_url, {"score": "2", "solved": "no", "comment": ""})
    assert response.status_code == 302
    answer = SatisfactionResponse.objects.get()
    assert (answer.score, answer.solved, answer.via, answer.respondent) == (2, False, "web", bob)
    page = client.get(f"/service-desk/my-tickets/{resolved.reference}/")
    assert "Thank you for your feedback" in page.text and survey_url not in page.text
    # The e-mail link, later, shows the thanks too.
    assert "Thank you for your feedback" in Client().get(_link_path(mail.outbox[0])).text


def test_bad_answers_name_what_is_wrong(signed_in, bob, resolved):
    url = f"/service-desk/my-tickets/{resolved.reference}/survey/"
    response = signed_in(bob).post(url, {"score": "", "solved": "", "comment": ""})
    assert response.status_code == 400
    assert "Choose how satisfied you are" in response.text and "Choose yes or no" in response.text
    response = signed_in(bob).post(url, {"score": "9", "solved": "maybe", "comment": "x" * 2001})
    assert response.status_code == 400
    assert "Choose one of the five answers" in response.text
    assert "Shorten your comment to 2000 characters or fewer (it has 2001)" in response.text
    assert not SatisfactionResponse.objects.exists()
    assert signed_in(bob).post(url, {"score": "5", "solved": "yes", "comment": "x" * 2000}).status_code == 302


def test_the_survey_is_not_open_before_resolution(signed_in, bob, adviser, resolved):
    path = _link_path(mail.outbox[0])
    reopened = ticket_set_status(actor=adviser, ticket=resolved, status="reopened", reason="Not fixed")
    page = Client().get(path)
    assert (
        page.status_code == 200 and "The survey is not open" in page.text and 'name="score"' not in page.text
    )
    assert Client().post(path, ANSWERS).status_code == 200
    with pytest.raises(ValidationError, match="the survey opens when it is resolved"):
        survey_respond(ticket=reopened, score=5, solved=True, via="web")
    mine = signed_in(bob).get(f"/service-desk/my-tickets/{resolved.reference}/")
    assert "/survey/" not in mine.text
    assert not SatisfactionResponse.objects.exists()


def test_the_service_checks_its_input():
    # No ticket is needed to refuse bad input: it is checked before anything is read.
    with pytest.raises(ValidationError) as error:
        survey_respond(ticket=None, score=6, solved="yes", comment="x" * 2001, via="fax")
    assert set(error.value.message_dict) == {"score", "solved", "comment", "via"}


def test_outsiders_are_refused(signed_in, resolved, charlie, essex_officer, other_requester, adviser, bob):
    survey_url = f"/service-desk/my-tickets/{resolved.reference}/survey/"
    link = _link_path(mail.outbox[0])
    for person in (charlie, essex_officer, other_requester, adviser):
        client = signed_in(person)
        assert client.get(survey_url).status_code == 404
        assert client.post(survey_url, ANSWERS).status_code == 404
        # Signed in as someone else, the e-mail link does not open someone else's ticket either.
        assert client.get(link).status_code == 404
        assert client.post(link, ANSWERS).status_code == 404
    # Missing is the same as not yours.
    assert signed_in(charlie).get("/service-desk/my-tickets/BL-2026-999999/survey/").status_code == 404
    assert Client().get(survey_url).status_code == 302  # sign in first
    assert not SatisfactionResponse.objects.exists()
    # The requester, signed in, may still use the link.
    assert signed_in(bob).post(link, ANSWERS).status_code == 302
    assert SatisfactionResponse.objects.get().respondent == bob


def test_a_public_enquiry_is_answered_from_the_link(adviser, django_capture_on_commit_callbacks):
    ticket = ticket_create(
        actor=None,
        type="general_enquiry",
        subject="Who may join?",
        description="?",
        requester_name="Pat",
        requester_email="pat@example.org",
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ticket_set_status(actor=adviser, ticket=ticket, status="resolved")
    path = _link_path(mail.outbox[0])
    assert Client().post(path, ANSWERS).status_code == 302
    assert SatisfactionResponse.objects.get().ticket == ticket


def test_staff_see_the_response_on_the_ticket(signed_in, adviser, resolved):
    url = f"/service-desk/tickets/{resolved.reference}/"
    assert "The requester has not answered the survey" in signed_in(adviser).get(url).text
    survey_respond(ticket=resolved, score=5, solved=True, comment="Brilliant <b>help</b>", via="email_link")
    page = signed_in(adviser).get(url)
    assert "Satisfaction survey" in page.text and "5 out of 5" in page.text and "Very satisfied" in page.text
    assert "Brilliant &lt;b&gt;help&lt;/b&gt;" in page.text


# --- KPIs ---------------------------------------------------------------------------------------

WEEK = dt.date(2026, 9, 7)


def _answered(bob, adviser, score, *, at, answered_by=None):
    ticket = ticket_create(actor=bob, type="incident", subject="S", description="x", at=london(2026, 9, 7, 9))
    if answered_by is not None:
        ticket_reply(actor=answered_by, ticket=ticket, body="Hi", at=london(2026, 9, 7, 10))
    ticket_set_status(actor=adviser, ticket=ticket, status="resolved", at=london(2026, 9, 7, 11))
    survey_respond(ticket=ticket, score=score, solved=score >= 3, via="email_link", at=at)
    return ticket


def test_weekly_satisfaction_per_adviser_and_desk(bob, adviser, engineer):
    _answered(bob, adviser, 5, at=london(2026, 9, 8, 9), answered_by=adviser)
    _answered(bob, adviser, 4, at=london(2026, 9, 13, 23), answered_by=adviser)
    _answered(bob, adviser, 2, at=london(2026, 9, 9, 9), answered_by=engineer)
    _answered(bob, adviser, 1, at=london(2026, 9, 9, 9))  # never answered: no adviser
    _answered(bob, adviser, 5, at=london(2026, 9, 14, 0))  # the next week
    week = kpis.week_kpis(WEEK, now=london(2026, 9, 20))
    by_name = {k.name: k.satisfaction for k in week.advisers}
    assert by_name["Adam Adviser"] == kpis.Satisfaction(responses=2, score_total=9, satisfied=2)
    assert by_name["Adam Adviser"].average == 4.5 and by_name["Adam Adviser"].satisfied_share.percent == 100
    assert by_name["Eve Engineer"].satisfied_share.percent == 0
    assert week.unattributed.satisfaction.responses == 1
    desk = week.desk.satisfaction
    assert (desk.responses, desk.average, desk.satisfied_share.percent) == (4, 3.0, 50)
    assert kpis.week_kpis(dt.date(2026, 8, 31), now=london(2026, 9, 20)).desk.satisfaction.average is None
    # In the download: three more columns, and the unanswered row appears for its response.
    data = exports.kpi_dataset(week)
    assert data.headers[-3:] == ["Survey responses", "Average satisfaction (1 to 5)", "Satisfied, 4 or 5 (%)"]
    rows = {row[1]: row for row in data}
    assert rows["Adam Adviser"][-3:] == (2, 4.5, 100)
    assert rows["No adviser yet (unanswered tickets)"][-3:] == (1, 1.0, 0)
    assert rows["Whole desk"][-3:] == (4, 3.0, 50)


def test_the_dashboard_shows_satisfaction(signed_in, national, bob, adviser):
    leader = make_person(
        national, "tess@national.example", first="Tess", last="Leader", roles=["cc_team_leader"]
    )
    _answered(bob, adviser, 5, at=london(2026, 9, 8, 9), answered_by=adviser)
    _answered(bob, adviser, 3, at=london(2026, 9, 8, 10), answered_by=adviser)
    with mock.patch("django.utils.timezone.now", return_value=london(2026, 9, 16, 12)):
        page = signed_in(leader).get("/service-desk/dashboard/", {"week": WEEK.isoformat()})
        download = signed_in(leader).get(
            "/service-desk/dashboard/export/kpis.csv", {"week": WEEK.isoformat()}
        )
    assert page.status_code == 200
    text = re.sub(r"\s+", " ", page.text)
    assert (
        "Satisfaction (survey)" in text
        and "50% satisfied" in text
        and "average 4.0 out of 5, 2 responses" in text
    )
    header, adam, desk = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert header[-3:] == ["Survey responses", "Average satisfaction (1 to 5)", "Satisfied, 4 or 5 (%)"]
    assert adam[1] == "Adam Adviser" and adam[-3:] == ["2", "4.0", "50"]
    # Advisers do not see the dashboard at all.
    assert signed_in(adviser).get("/service-desk/dashboard/").status_code == 404
