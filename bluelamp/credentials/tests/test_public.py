"""What anyone may read: the verify page and its JSON (only name, achievement, issuer, dates and
status), the signed credential (its recipient's, or shared), and the documents verifiers fetch
(issuer profile, keys, achievement, status list) — checked by an independent verifier too."""

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from bluelamp.credentials import addresses
from bluelamp.credentials.models import Certificate
from bluelamp.credentials.services import certificate_issue, certificate_revoke, certificate_share
from bluelamp.credentials.tests.helpers import AT, complete, course_template

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def certificate(bob, alice, course, template):
    completion = complete(bob, course)
    return certificate_issue(
        actor=alice, template=template, person=bob, achieved_on=completion.completed_on,
        source_ref=str(completion.uuid), sign_now=True, at=AT,
    )  # fmt: skip


def _path(url: str) -> str:
    return url.removeprefix("https://learn.example")


def test_the_verify_page_shows_only_what_it_should(client, certificate, bob):
    body = client.get(f"/certificates/verify/{certificate.code}").content.decode()
    assert "This certificate is valid" in body
    for shown in ("Bob Officer", "Legal update 2026", "Kent Police", "2 November 2026", certificate.code):
        assert shown in body
    for hidden in (bob.email, bob.staff_number or "K-none", "Read the update"):
        assert hidden not in body


def test_a_code_as_people_type_it_is_forgiven(client, certificate):
    typed = certificate.code.replace("-", " ").lower().replace("0", "o")
    response = client.get("/certificates/verify/", {"code": typed})
    assert response.status_code == 302 and response["Location"] == f"/certificates/verify/{certificate.code}"
    response = client.get(f"/certificates/verify/{certificate.code.replace('-', '').lower()}")
    assert response.status_code == 302 and response["Location"] == f"/certificates/verify/{certificate.code}"


def test_a_wrong_code_says_what_a_code_looks_like(client, db):
    response = client.get("/certificates/verify/", {"code": "hello"})
    body = response.content.decode()
    assert response.status_code == 200 and "“hello” is not a certificate code" in body
    response = client.get("/certificates/verify/", {"code": ""})
    assert "Enter the certificate" in response.content.decode()
    response = client.get("/certificates/verify/ZZZZ-ZZZZ-ZZZZ")
    assert response.status_code == 404 and "No certificate has this code" in response.content.decode()


def test_revoked_and_expired_say_so(client, certificate, alice, bob, course):
    certificate_revoke(actor=alice, certificate=certificate, reason="Issued in error", at=AT)
    body = client.get(f"/certificates/verify/{certificate.code}").content.decode()
    assert "This certificate is revoked" in body and "Issued in error" not in body
    data = client.get(f"/api/v1/certificates/verify/{certificate.code}").json()
    assert data["status"] == "revoked" and data["revoked_on"] == "2026-11-02"
    expired = Certificate.objects.filter(pk=certificate.pk)
    expired.update(revoked_at=None, expires_on=dt.date(2020, 1, 1))
    assert client.get(f"/api/v1/certificates/verify/{certificate.code}").json()["status"] == "expired"
    assert (
        "This certificate is expired"
        in client.get(f"/certificates/verify/{certificate.code}").content.decode()
    )


def test_the_verify_json_is_public_and_minimal(client, certificate):
    response = client.get(f"/api/v1/certificates/verify/{certificate.code}")
    assert response.status_code == 200
    assert response.json() == {
        "code": certificate.code,
        "status": "valid",
        "name": "Bob Officer",
        "achievement": "Legal update 2026",
        "issuer": "Kent Police",
        "issued_on": "2026-11-02",
        "expires_on": None,
        "revoked_on": None,
    }
    missing = client.get("/api/v1/certificates/verify/ZZZZ-ZZZZ-ZZZZ")
    assert missing.status_code == 404 and "No certificate has the code" in missing.json()["detail"]


def test_the_credential_is_its_recipients_until_shared(client, signed_in, certificate, bob, charlie):
    url = f"/api/v1/credentials/{certificate.uuid}/"
    assert client.get(url).status_code in (401, 403, 404)
    assert signed_in(charlie).get(url).status_code == 404
    client.logout()
    mine = signed_in(bob).get(url)
    assert mine.status_code == 200 and mine.json()["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert mine.json()["id"] == f"https://learn.example{url}"
    client.logout()
    certificate_share(actor=bob, certificate=certificate, shared=True)
    shared = client.get(url)
    assert shared.status_code == 200 and shared["Access-Control-Allow-Origin"] == "*"
    assert client.get("/api/v1/credentials/not-a-uuid/").status_code == 404


def test_my_certificates_in_the_api(signed_in, certificate, bob, charlie):
    data = signed_in(bob).get("/api/v1/certificates/").json()
    assert [c["code"] for c in data["results"]] == [certificate.code]
    assert data["results"][0]["credential"] == f"/api/v1/credentials/{certificate.uuid}/"


def test_hosted_documents(client, certificate, kent):
    profile = client.get(_path(addresses.issuer_url(kent)))
    assert profile.status_code == 200 and profile["Content-Type"] == "application/ld+json"
    assert profile["Access-Control-Allow-Origin"] == "*"
    document = profile.json()
    assert document["name"] == "Kent Police" and document["assertionMethod"] == [
        addresses.key_url(certificate.signed_with)
    ]
    key = client.get(_path(addresses.key_url(certificate.signed_with))).json()
    assert key["type"] == "Multikey" and key["controller"] == addresses.issuer_url(kent)
    achievement = client.get(_path(addresses.achievement_url(certificate.template))).json()
    assert achievement["name"] == "Legal update 2026" and achievement["achievementType"] == "Course"
    status = client.get(_path(addresses.status_list_url(certificate.status_list))).json()
    assert status["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    for path in (
        "/credentials/issuers/00000000-0000-0000-0000-000000000000",
        f"/credentials/issuers/{kent.uuid}/keys/key-99",
        "/credentials/achievements/00000000-0000-0000-0000-000000000000",
        "/credentials/status/00000000-0000-0000-0000-000000000000",
    ):
        assert client.get(path).status_code == 404, path


def test_an_organisation_that_never_issued_is_not_published(client, essex, db):
    assert client.get(f"/credentials/issuers/{essex.uuid}").status_code == 404


NODE = shutil.which("node")


@pytest.mark.skipif(
    NODE is None or not (ROOT / "node_modules" / "@digitalbazaar" / "vc").is_dir(),
    reason="node and node_modules/@digitalbazaar/vc are needed for the independent verifier (npm ci)",
)
def test_an_issued_badge_verifies_independently_from_what_we_host(client, signed_in, certificate, alice, bob):
    """Digital Bazaar's verifier, given only what our addresses serve, accepts the credential,
    then sees it revoked once the issuer revokes it."""
    from bluelamp.credentials.openbadges.tests.test_node_interop import node

    def hosted() -> dict:
        urls = [
            addresses.issuer_url(certificate.issuer),
            addresses.key_url(certificate.signed_with),
            addresses.status_list_url(certificate.status_list),
        ]
        return {url: json.loads(client.get(_path(url)).content) for url in urls}

    credential = json.loads(signed_in(bob).get(f"/api/v1/credentials/{certificate.uuid}/").content)
    request = {"command": "verify", "credential": credential, "documents": hosted(), "now": "2026-12-01T12:00:00Z",
               "checkStatus": True}  # fmt: skip
    result = node(request)
    assert result["verified"] is True, result["error"]
    assert result["status"] == {"verified": True, "revoked": False, "error": None}
    certificate_revoke(actor=alice, certificate=certificate, reason="Issued in error", at=AT)
    assert node({**request, "documents": hosted()})["status"]["revoked"] is True


def test_no_template_no_badge(bob, alice, course):
    template = course_template(alice, course, badge=False)
    certificate = certificate_issue(actor=alice, template=template, person=bob, achieved_on=AT.date(), source_ref="s",
                                    sign_now=True, at=AT)  # fmt: skip
    assert certificate.credential is None and certificate.status_list is None
