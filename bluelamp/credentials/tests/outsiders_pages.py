"""The outsider cases of certificates' pages (see tests/test_every_url_has_an_outsider.py): Kent
has a certificate for its course KENTONLY-1, issued to Bob with a badge signed by Kent's key.
Essex's people and someone signed out must neither see nor change Bob's certificate, Kent's
template or Kent's keys, nor see them listed; the lists are everyone's own."""

from tests.test_every_url_has_an_outsider import OWN, REFUSED, Case


def _get(url):
    return Case(url, REFUSED)


def _post(url):
    return Case(url, REFUSED, methods=("post",))


def _form(url):
    return Case(url, REFUSED, methods=("get", "post"))


def _certificate(w, rest=""):
    return f"/certificates/{w.kent_certificate.uuid}/{rest}"


def _template(w, rest=""):
    return f"/certificates/manage/{w.kent_template.uuid}/{rest}"


CASES = {
    "certificates/": Case(lambda w: "/certificates/", OWN, why="the reader's own certificates"),
    "certificates/<>/": _get(lambda w: _certificate(w)),
    "certificates/<>/certificate.pdf": _get(lambda w: _certificate(w, "certificate.pdf")),
    "certificates/<>/badge.json": _get(lambda w: _certificate(w, "badge.json")),
    "certificates/<>/share/": _post(lambda w: _certificate(w, "share/")),
    "certificates/<>/revoke/": _form(lambda w: _certificate(w, "revoke/")),
    "certificates/manage/": Case(
        lambda w: "/certificates/manage/",
        OWN,
        why="the certificate templates of the organisations whose learning the reader manages",
    ),
    "certificates/manage/new/": Case(
        lambda w: "/certificates/manage/new/",
        OWN,
        methods=("get", "post"),
        why="a certificate for one of the reader's own courses",
    ),
    "certificates/manage/<>/": _form(lambda w: _template(w)),
    "certificates/manage/<>/backlog/": _post(lambda w: _template(w, "backlog/")),
    "certificates/manage/<>/state/": _post(lambda w: _template(w, "state/")),
    "certificates/manage/<>/issue/": _form(lambda w: _template(w, "issue/?person=K2")),
    "certificates/issued/": Case(
        lambda w: "/certificates/issued/?q=K2",
        OWN,
        why="certificates issued in the names of the organisations whose learning the reader manages",
    ),
    "certificates/keys/": Case(
        lambda w: "/certificates/keys/", OWN, why="the signing keys of the reader's own organisation"
    ),
    "certificates/keys/<>/rotate/": _post(lambda w: "/certificates/keys/kent/rotate/"),
    "certificates/keys/<>/withdraw/": _form(lambda w: f"/certificates/keys/{w.kent_key.uuid}/withdraw/"),
}


def build(w) -> None:
    import datetime as dt

    from bluelamp.credentials import courses
    from bluelamp.credentials.services import TemplateInput, certificate_issue, template_create

    at = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    achievement = courses.COURSE_KIND.find(w.course.uuid)
    assert achievement is not None
    w.kent_template = template_create(
        actor=w.alice,
        achievement=achievement,
        data=TemplateInput(title="KENTONLY course", issue_automatically=False),
        at=at,
    )
    w.kent_certificate = certificate_issue(
        actor=w.alice,
        template=w.kent_template,
        person=w.bob,
        achieved_on=at.date(),
        source_ref="outsiders: KENTONLY-1 completed",
        at=at,
        sign_now=True,
    )
    w.kent_key = w.kent_certificate.signed_with
