"""The outsider cases of certificates' public routes and REST API: Kent issued Bob a certificate
with a badge. The verify page and JSON show what a certificate says to whoever holds its code;
the documents verifiers fetch are public by design (no personal data); Bob's credential is his
alone until he shares it."""

from tests.test_every_url_has_an_outsider import OWN, PUBLIC, REFUSED, Case

_CODE_WHY = "anyone holding a certificate's code checks it: name, achievement, issuer, dates, status only"
_DOCUMENT_WHY = "Open Badges verifiers and wallets fetch it, from anywhere: no personal data"

CASES = {
    "certificates/verify/": Case(lambda w: "/certificates/verify/", PUBLIC, why="the form to check a code"),
    "certificates/verify/<>": Case(
        lambda w: f"/certificates/verify/{w.public_certificate.code}",
        PUBLIC,
        why=_CODE_WHY,
        names_organisations=True,
        bearer_shows=("Bob Officer", "KENTONLY"),
    ),
    "credentials/issuers/<>": Case(
        lambda w: f"/credentials/issuers/{w.kent.uuid}", PUBLIC, why=_DOCUMENT_WHY, names_organisations=True
    ),
    "credentials/issuers/<>/keys/<>": Case(
        lambda w: f"/credentials/issuers/{w.kent.uuid}/keys/{w.public_certificate.signed_with.key_id}",
        PUBLIC,
        why=_DOCUMENT_WHY,
    ),
    "credentials/achievements/<>": Case(
        lambda w: f"/credentials/achievements/{w.public_certificate.template.uuid}",
        PUBLIC,
        why=_DOCUMENT_WHY + " (the achievement's name and criteria, as each badge embeds them)",
        names_organisations=True,
        bearer_shows=("KENTONLY",),
    ),
    "credentials/status/<>": Case(
        lambda w: f"/credentials/status/{w.public_certificate.status_list.uuid}", PUBLIC, why=_DOCUMENT_WHY
    ),
    "api/v1/certificates/": Case(lambda w: "/api/v1/certificates/", OWN, why="the reader's own certificates"),
    "api/v1/certificates/verify/<>": Case(
        lambda w: f"/api/v1/certificates/verify/{w.public_certificate.code}",
        PUBLIC,
        why=_CODE_WHY,
        names_organisations=True,
        bearer_shows=("Bob Officer", "KENTONLY"),
    ),
    "api/v1/credentials/<>/": Case(lambda w: f"/api/v1/credentials/{w.public_certificate.uuid}/", REFUSED),
}


def build(w) -> None:
    from bluelamp.credentials.services import certificate_issue
    from bluelamp.credentials.tests.helpers import AT, complete, course_template, page_course

    course = page_course(w.kent, w.alice, code="KENTONLY-CERT", title="KENTONLY certificate course")
    template = course_template(w.alice, course)
    completion = complete(w.bob, course)
    w.public_certificate = certificate_issue(
        actor=w.alice, template=template, person=w.bob, achieved_on=completion.completed_on,
        source_ref=str(completion.uuid), sign_now=True, at=AT,
    )  # fmt: skip
