"""The learner's certificate pages: their list, a certificate's page, its PDF and badge, and
sharing the badge; who may see a certificate (its recipient, who may read their record, the
issuer's administrators) and who is told "not found"."""

import datetime as dt
import json

import pytest
from django.db import connection

from bluelamp.credentials.models import Certificate
from bluelamp.credentials.services import certificate_revoke
from bluelamp.credentials.tests.helpers import AT, course_template, page_course
from bluelamp.credentials.tests.pages_helpers import errors, fixed_clock, issue, text  # noqa: F401
from conftest import make_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]

LIST = "/certificates/"


def page(certificate, rest=""):
    return f"/certificates/{certificate.uuid}/{rest}"


@pytest.fixture
def template(alice, course):
    """Issued by hand here (by Alice): on completion it would be issued by no one, and signed."""
    return course_template(alice, course, issue_automatically=False)


@pytest.fixture
def certificate(template, bob, alice):
    return issue(template, bob, actor=alice)


# --- the list -------------------------------------------------------------------------------------


def test_the_list_shows_each_certificate_with_its_status(signed_in, kent, alice, bob, template, certificate):
    other = course_template(
        alice, page_course(kent, alice, code="FA-1", title="First aid"), issue_automatically=False
    )
    revoked = issue(other, bob, actor=alice)
    certificate_revoke(actor=alice, certificate=revoked, reason="Issued in error", at=AT)

    response = signed_in(bob).get(LIST)

    assert response.status_code == 200
    words = text(response)
    assert "Your certificates" in words
    assert f"Legal update 2026 LEGAL-2026 2 November 2026 Kent Police {certificate.code} Valid" in words
    assert f"First aid FA-1 2 November 2026 Kent Police {revoked.code} Revoked" in words
    assert page(certificate) in response.content.decode()
    assert "Issued in error" not in words


def test_the_list_says_when_there_is_none(signed_in, bob):
    words = text(signed_in(bob).get(LIST))
    assert "You have no certificates yet" in words


def test_the_list_shows_only_ones_own(signed_in, alice, bob, template, certificate):
    words = text(signed_in(alice).get(LIST))
    assert certificate.code not in words
    assert "You have no certificates yet" in words


def test_the_list_takes_as_many_queries_for_many_certificates_as_for_one(
    signed_in, kent, alice, bob, template
):
    client = signed_in(bob)
    issue(template, bob, actor=alice, sign_now=False)

    def count() -> int:
        queries = []

        def record(execute, sql, *args):
            queries.append(sql)
            return execute(sql, *args)

        with connection.execute_wrapper(record):
            assert client.get(LIST).status_code == 200
        return len(queries)

    one = count()
    for n in range(3):
        more = course_template(
            alice, page_course(kent, alice, code=f"C-{n}", title=f"Course {n}"), issue_automatically=False
        )
        issue(more, bob, actor=alice, sign_now=False)
    assert count() == one


def test_the_list_needs_signing_in(client):
    response = client.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --- a certificate's page -------------------------------------------------------------------------


def test_the_recipient_sees_what_it_says_and_how_to_share_it(signed_in, bob, certificate):
    response = signed_in(bob).get(page(certificate))

    assert response.status_code == 200
    words = text(response)
    assert "Name Bob Officer" in words
    assert "Achievement Legal update 2026 (LEGAL-2026)" in words
    assert "Issued by Kent Police" in words
    assert "Achieved on 2 November 2026" in words
    assert "Status Valid" in words
    assert f"Code {certificate.code}" in words
    assert "Valid until" not in words  # it never expires
    html = response.content.decode()
    assert f'href="{page(certificate, "certificate.pdf")}"' in html
    assert "Download certificate (PDF)" in words
    assert f'href="{page(certificate, "badge.json")}"' in html
    assert "Download badge (Open Badges 3.0 JSON)" in words
    assert f"https://learn.example/certificates/verify/{certificate.code}" in words
    assert "Let anyone with the link fetch your badge" in words
    assert "Your badge is private" in words
    assert f"/api/v1/credentials/{certificate.uuid}/" not in html  # not shared yet
    assert "Revoke certificate" not in words
    assert "being prepared" not in words


def test_the_issuers_administrator_sees_who_issued_it_and_may_revoke_it(signed_in, alice, bob, certificate):
    words = text(signed_in(alice).get(page(certificate)))
    assert "Issued By Alice Admin, 2 November 2026 at 9:00am" in words
    assert "Revoke certificate" in words
    assert "Let anyone with the link fetch your badge" not in words  # only Bob shares his


def test_a_certificate_that_expires_says_until_when_and_then_that_it_expired(
    signed_in, monkeypatch, alice, bob, course
):
    template = course_template(alice, course, valid_for_months=12, issue_automatically=False)
    certificate = issue(template, bob, actor=alice)
    client = signed_in(bob)
    words = text(client.get(page(certificate)))
    assert "Valid until 2 November 2027" in words and "Status Valid" in words

    later = dt.datetime(2027, 11, 3, 9, 0, tzinfo=dt.UTC)
    monkeypatch.setattr("bluelamp.credentials.web.clock.now", lambda: later)
    words = text(client.get(page(certificate)))
    assert "Status Expired on 2 November 2027" in words
    assert "This certificate expired on 2 November 2027" in words
    assert "Expired" in text(client.get(LIST))


def test_revoked_shows_when_to_everyone_and_why_only_to_those_who_manage_it(
    signed_in, alice, bob, certificate
):
    certificate_revoke(actor=alice, certificate=certificate, reason="KENTONLY reason: issued in error", at=AT)

    words = text(signed_in(bob).get(page(certificate)))
    assert "Status Revoked on 2 November 2026" in words
    assert "Kent Police revoked this certificate on 2 November 2026" in words
    assert "KENTONLY reason" not in words

    words = text(signed_in(alice).get(page(certificate)))
    assert "Reason for revoking KENTONLY reason: issued in error" in words
    assert "Revoke certificate" not in words  # once is enough


def test_a_badge_not_signed_yet_is_being_prepared(signed_in, alice, bob, template):
    certificate = issue(template, bob, actor=alice, sign_now=False)
    client = signed_in(bob)

    words = text(client.get(page(certificate)))
    assert "Your badge is being prepared: it will be here in a few minutes." in words
    assert "Download badge" not in words
    assert client.get(page(certificate, "badge.json")).status_code == 404


def test_a_certificate_without_a_badge_waits_for_none(signed_in, alice, bob, course):
    template = course_template(alice, course, badge=False, issue_automatically=False)
    certificate = issue(template, bob, actor=alice)
    words = text(signed_in(bob).get(page(certificate)))
    assert "Download certificate (PDF)" in words
    assert "Download badge" not in words
    assert "being prepared" not in words
    assert "Share your badge" not in words


def test_a_line_manager_may_read_it_from_the_learner_record(signed_in, kent, alice, template):
    lena = make_person(kent, "lena@kent.police.uk", first="Lena", last="Manager", staff_number="K7")
    dan = make_person(
        kent, "dan@kent.police.uk", first="Dan", last="Report", staff_number="K8", line_manager=lena
    )
    certificate = issue(template, dan, actor=alice)

    response = signed_in(lena).get(page(certificate))

    assert response.status_code == 200
    words = text(response)
    assert "Name Dan Report" in words
    assert "Revoke certificate" not in words
    assert "Share your badge" not in words
    assert f"/learning/records/people/{dan.pk}/" in response.content.decode()


@pytest.mark.parametrize("rest", ["", "certificate.pdf", "badge.json"])
def test_others_are_told_not_found(signed_in, kent, charlie, certificate, rest):
    colleague = make_person(kent, "cole@kent.police.uk", first="Cole", last="Colleague", staff_number="K9")
    assert signed_in(charlie).get(page(certificate, rest)).status_code == 404
    assert signed_in(colleague).get(page(certificate, rest)).status_code == 404


def test_a_certificate_that_does_not_exist_is_not_found(signed_in, bob):
    assert signed_in(bob).get("/certificates/00000000-0000-0000-0000-000000000000/").status_code == 404


# --- the PDF and the badge ------------------------------------------------------------------------


def test_the_pdf_is_a_download_named_by_its_code(signed_in, bob, certificate):
    response = signed_in(bob).get(page(certificate, "certificate.pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="certificate-{certificate.code}.pdf"'
    assert response.content.startswith(b"%PDF-")


def test_the_badge_is_the_signed_credential_as_a_download(signed_in, bob, certificate):
    response = signed_in(bob).get(page(certificate, "badge.json"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    assert response["Content-Disposition"] == f'attachment; filename="badge-{certificate.code}.json"'
    credential = json.loads(response.content)
    assert credential == certificate.credential
    assert credential["id"] == f"https://learn.example/api/v1/credentials/{certificate.uuid}/"
    assert credential["proof"]["cryptosuite"] == "eddsa-rdfc-2022"


# --- sharing the badge ----------------------------------------------------------------------------


def test_the_recipient_shares_the_badge_and_stops(signed_in, bob, certificate):
    client = signed_in(bob)

    response = client.post(page(certificate, "share/"), {"shared": "on"}, follow=True)

    certificate.refresh_from_db()
    assert certificate.shared
    assert response.redirect_chain[-1][0] == page(certificate)
    words = text(response)
    assert "Your badge is shared: anyone with its link can fetch it" in words
    assert f"https://learn.example/api/v1/credentials/{certificate.uuid}/" in words
    assert "Stop sharing your badge" in words

    response = client.post(page(certificate, "share/"), {"shared": "off"}, follow=True)

    certificate.refresh_from_db()
    assert not certificate.shared
    assert "Your badge is no longer shared: only you can fetch it." in text(response)


def test_sharing_with_a_value_not_on_or_off_is_refused_by_name(signed_in, bob, certificate):
    response = signed_in(bob).post(page(certificate, "share/"), {"shared": "maybe"})

    assert response.status_code == 400
    assert errors(response) == [
        "“maybe” is not a choice here: share your badge (on) or stop sharing it (off)"
    ]
    certificate.refresh_from_db()
    assert not certificate.shared


def test_only_the_recipient_shares_and_only_by_post(signed_in, alice, bob, certificate):
    assert signed_in(alice).post(page(certificate, "share/"), {"shared": "on"}).status_code == 404
    certificate.refresh_from_db()
    assert not certificate.shared
    assert signed_in(bob).get(page(certificate, "share/")).status_code == 405
    assert not Certificate.objects.filter(shared=True).exists()
