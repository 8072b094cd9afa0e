"""The outsider cases of notifications' routes (see tests/test_every_url_has_an_outsider.py):
Bob has a notification; Essex's people and someone signed out must not reach it."""

from tests.test_every_url_has_an_outsider import OWN, REFUSED, Case

CASES = {
    "notifications/": Case(lambda w: "/notifications/", OWN, why="the reader's own notifications"),
    "notifications/mark-all-read/": Case(
        lambda w: "/notifications/mark-all-read/",
        OWN,
        methods=("post",),
        why="marks the reader's own notifications read",
    ),
    "notifications/preferences/": Case(
        lambda w: "/notifications/preferences/",
        OWN,
        methods=("get", "post"),
        why="the reader's own choice of e-mails",
    ),
    "notifications/<>/": Case(lambda w: f"/notifications/{w.notification.uuid}/", REFUSED),
}


def build(w) -> None:
    """Bob's notification, through `notify`, of a kind registered only while it is made (no kind
    is registered by a domain yet, and a test's kind must not stay on everyone's page)."""
    from bluelamp.notifications import kinds
    from bluelamp.notifications.api import notify, register_notification_kind

    key = "outsiders.reminder"
    register_notification_kind(key, "A reminder", email_optional=True, description="For the outsider test.")
    try:
        w.notification = notify(
            person=w.bob,
            kind=key,
            subject="KENTONLY notification",
            body="KENTONLY body",
            link="/learning/",
        )
    finally:
        kinds._kinds.pop(key, None)
