"""The outsider cases of the people pages of mandatory training (see
tests/test_every_url_has_an_outsider.py): Bob holds Kent's requirement, with an exemption (and its
evidence) and an extension; Essex's people and someone signed out must reach none of it."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.test_every_url_has_an_outsider import OWN, REFUSED, Case


def _form(url):
    return Case(url, REFUSED, methods=("get", "post"))


def _bob(w, rest=""):
    return f"/compliance/people/{w.bob.uuid}/{rest}"


CASES = {
    "compliance/people/me/": Case(
        lambda w: "/compliance/people/me/", OWN, why="the reader's own mandatory training"
    ),
    "compliance/people/<>/": Case(lambda w: _bob(w), REFUSED),
    "compliance/people/<>/exemptions/new/": _form(lambda w: _bob(w, "exemptions/new/")),
    "compliance/people/<>/exemptions/<>/revoke/": _form(
        lambda w: _bob(w, f"exemptions/{w.people_exemption.uuid}/revoke/")
    ),
    "compliance/people/<>/exemptions/<>/evidence/": Case(
        lambda w: _bob(w, f"exemptions/{w.people_exemption.uuid}/evidence/"), REFUSED
    ),
    "compliance/people/<>/extensions/new/": _form(lambda w: _bob(w, "extensions/new/")),
}


def build(w) -> None:
    import datetime as dt

    from bluelamp.compliance.services import exemption_grant, extension_grant
    from bluelamp.compliance.tests.helpers import AT, make_requirement
    from tests.test_every_url_has_an_outsider import PDF

    requirement = make_requirement(
        w.kent, "KENTONLY-MT", [w.course], actor=w.alice, at=AT, title="KENTONLY mandatory", first_due_days=30
    )
    w.people_extension = extension_grant(
        actor=w.alice,
        person=w.bob,
        requirement=requirement,
        to_due_on=dt.date(2026, 6, 1),
        reason="KENTONLY extension",
        at=AT,
    )
    w.people_exemption = exemption_grant(
        actor=w.alice,
        person=w.bob,
        requirement=requirement,
        reason="KENTONLY exemption",
        starts_on=dt.date(2026, 3, 2),
        ends_on=None,
        evidence=SimpleUploadedFile("kentonly-letter.pdf", PDF, content_type="application/pdf"),
        at=AT,
    )
