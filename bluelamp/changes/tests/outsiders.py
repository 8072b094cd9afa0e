"""Changes' routes for tests/test_every_url_has_an_outsider.py: requests for change and releases
belong to the national body's service management, so every outsider is told "not found"."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from bluelamp.changes.cab import cab_meeting_plan
from bluelamp.changes.services import (
    ReleaseInput,
    RfcInput,
    freeze_create,
    release_create,
    release_guide_add,
    rfc_create,
)
from tests.test_every_url_has_an_outsider import PUBLIC, REFUSED, Case

AT = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)

CASES = {
    "changes/": Case(lambda w: "/changes/", REFUSED),
    "changes/new/": Case(lambda w: "/changes/new/", REFUSED, methods=("get", "post")),
    "changes/<>/": Case(lambda w: f"/changes/{w.rfc.reference}/", REFUSED),
    "changes/<>/problems/": Case(
        lambda w: f"/changes/{w.rfc.reference}/problems/", REFUSED, methods=("post",)
    ),
    "changes/<>/tickets/": Case(lambda w: f"/changes/{w.rfc.reference}/tickets/", REFUSED, methods=("post",)),
    "changes/<>/decide/": Case(lambda w: f"/changes/{w.rfc.reference}/decide/", REFUSED, methods=("post",)),
    "changes/cab/": Case(lambda w: "/changes/cab/", REFUSED),
    "changes/cab/new/": Case(lambda w: "/changes/cab/new/", REFUSED, methods=("get", "post")),
    "changes/cab/<>/": Case(lambda w: f"/changes/cab/{w.meeting.uuid}/", REFUSED),
    "changes/cab/<>/refresh/": Case(
        lambda w: f"/changes/cab/{w.meeting.uuid}/refresh/", REFUSED, methods=("post",)
    ),
    "changes/cab/<>/items/<>/recommend/": Case(
        lambda w: f"/changes/cab/{w.meeting.uuid}/items/{w.meeting.items.get().pk}/recommend/",
        REFUSED,
        methods=("post",),
    ),
    "changes/cab/<>/items/<>/decide/": Case(
        lambda w: f"/changes/cab/{w.meeting.uuid}/items/{w.meeting.items.get().pk}/decide/",
        REFUSED,
        methods=("post",),
    ),
    "changes/cab/<>/close/": Case(
        lambda w: f"/changes/cab/{w.meeting.uuid}/close/", REFUSED, methods=("post",)
    ),
    "changes/<>/review/": Case(lambda w: f"/changes/{w.rfc.reference}/review/", REFUSED, methods=("post",)),
    "changes/schedule/": Case(lambda w: "/changes/schedule/", REFUSED),
    "changes/schedule/freezes/": Case(lambda w: "/changes/schedule/freezes/", REFUSED, methods=("post",)),
    "changes/schedule/freezes/<>/delete/": Case(
        lambda w: f"/changes/schedule/freezes/{w.freeze.pk}/delete/", REFUSED, methods=("post",)
    ),
    "changes/releases/": Case(lambda w: "/changes/releases/", REFUSED),
    "changes/releases/new/": Case(lambda w: "/changes/releases/new/", REFUSED, methods=("get", "post")),
    "changes/releases/<>/": Case(lambda w: f"/changes/releases/{w.release.reference}/", REFUSED),
    "changes/releases/<>/announce/": Case(
        lambda w: f"/changes/releases/{w.release.reference}/announce/", REFUSED, methods=("post",)
    ),
    "changes/releases/<>/deploy/": Case(
        lambda w: f"/changes/releases/{w.release.reference}/deploy/", REFUSED, methods=("post",)
    ),
    "changes/releases/<>/guides/": Case(
        lambda w: f"/changes/releases/{w.release.reference}/guides/", REFUSED, methods=("post",)
    ),
    "changes/releases/<>/guides/<>/": Case(
        lambda w: f"/changes/releases/{w.release.reference}/guides/{w.guide.pk}/", REFUSED
    ),
    "changes/releases/<>/guides/<>/remove/": Case(
        lambda w: f"/changes/releases/{w.release.reference}/guides/{w.guide.pk}/remove/",
        REFUSED,
        methods=("post",),
    ),
    # A planned release's guide is not public yet: "not found" to everyone.
    "release-notes/<>/guides/<>/": Case(
        lambda w: f"/release-notes/{w.release.reference}/guides/{w.guide.pk}/", REFUSED
    ),
    "release-notes/": Case(
        lambda w: "/release-notes/", PUBLIC, why="the release notes of announced releases, for everyone"
    ),
    # Only announced and deployed releases are public: a planned one is "not found" to everyone.
    "release-notes/<>/": Case(lambda w: f"/release-notes/{w.release.reference}/", REFUSED),
    "changes/releases/<>/reschedule/": Case(
        lambda w: f"/changes/releases/{w.release.reference}/reschedule/", REFUSED, methods=("post",)
    ),
}


def build(w) -> None:
    w.rfc = rfc_create(
        actor=None,
        data=RfcInput(
            title="DESKONLY change",
            description="DESKONLY why",
            category="known_error",
            priority=1,
            risk="low",
            impact="low",
            service="learning",
            implementation_plan="DESKONLY how",
            test_plan="DESKONLY test",
            backout_plan="DESKONLY back out",
        ),
        at=AT,
    )
    w.release = release_create(
        actor=None,
        data=ReleaseInput(
            title="DESKONLY release", type="minor", planned_for=dt.date(2031, 1, 6), summary="DESKONLY notes"
        ),
        at=AT,
    )
    w.guide = release_guide_add(
        actor=None,
        release=w.release,
        title="DESKONLY guide",
        upload=SimpleUploadedFile("guide.pdf", b"%PDF-1.7 DESKONLY", content_type="application/pdf"),
        at=AT,
    )
    w.meeting = cab_meeting_plan(actor=None, starts_at=AT, at=AT)
    w.freeze = freeze_create(
        actor=None,
        starts_on=dt.date(2031, 12, 20),
        ends_on=dt.date(2032, 1, 3),
        reason="DESKONLY freeze",
        at=AT,
    )
