import datetime as dt

from django.core import mail

from bluelamp.notifications.api import OutgoingEmail
from bluelamp.organisations.models import Licence, LicenceReminder
from bluelamp.organisations.reminders import licence_reminders_send, reminder_due
from bluelamp.organisations.services import licence_contact_add, licence_create, licences_mark_expired


def test_reminder_due_picks_the_nearest_threshold():
    assert reminder_due(91) is None
    assert reminder_due(90) == 90
    assert reminder_due(31) == 90
    assert reminder_due(30) == 30
    assert reminder_due(5) == 7
    assert reminder_due(-1) is None


def _licence(org, ends_on):
    Licence.objects.filter(organisation=org).delete()
    licence = licence_create(
        actor=None,
        organisation=org,
        type="PL-P-200",
        reference="R-1",
        starts_on=dt.date(2026, 1, 1),
        ends_on=ends_on,
    )
    licence_contact_add(actor=None, licence=licence, name="Head of Learning", email="hol@kent.police.uk")
    return licence


def test_reminders_go_to_key_contacts_once(kent, django_capture_on_commit_callbacks):
    _licence(kent, dt.date(2026, 12, 31))
    with django_capture_on_commit_callbacks(execute=True):
        assert licence_reminders_send(on=dt.date(2026, 10, 2)) == 1  # 90 days ahead
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["hol@kent.police.uk"]
    assert "31 December 2026" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        assert licence_reminders_send(on=dt.date(2026, 10, 3)) == 0  # already sent
        assert licence_reminders_send(on=dt.date(2026, 12, 1)) == 1  # 30 days
        assert licence_reminders_send(on=dt.date(2026, 12, 24)) == 1  # 7 days
    assert sorted(LicenceReminder.objects.values_list("days_before", flat=True)) == [7, 30, 90]
    assert len(mail.outbox) == 3


def test_a_reminder_is_queued_with_its_record_from_the_one_layout(kent, settings):
    settings.SITE_URL = "https://learn.example/"
    _licence(kent, dt.date(2026, 12, 31))
    assert licence_reminders_send(on=dt.date(2026, 10, 2)) == 1
    # Queued in the reminder's own transaction (delivered after commit, retried while the mail
    # server is down), so the record and its message exist together.
    (email,) = OutgoingEmail.objects.all()
    assert email.kind == "organisations.licence_reminder" and email.to == ["hol@kent.police.uk"]
    assert email.subject == "PL-P-200 Digital Content Access Licence for Kent Police ends on 31 December 2026"
    assert email.text_body.startswith(
        "Dear key contact,\n\n"
        "Licence R-1 (PL-P-200 Digital Content Access Licence) held by Kent Police ends on 31 December 2026, "
        "in 90 days or fewer.\n\n"
        "When it ends, the access it grants stops: national learning content is no longer "
        "available to its people. No one's records are deleted.\n\n"
        "To renew, contact the national body's licensing team.\n\n"
        "You can check the licence at any time: "
        "https://learn.example/licence-check/?organisation=kent&type=PL-P-200\n"
    )
    assert "This e-mail was sent by Bluelamp" in email.text_body  # the layout's footer
    (html,) = email.alternatives
    assert html["mimetype"] == "text/html" and '<html lang="en-GB">' in html["content"]
    assert "No one's records are deleted.</p>" in html["content"]
    assert (
        'href="https://learn.example/licence-check/?organisation=kent&amp;type=PL-P-200"' in html["content"]
    )


def test_no_reminder_when_already_renewed(kent, django_capture_on_commit_callbacks):
    _licence(kent, dt.date(2026, 12, 31))
    licence_create(
        actor=None,
        organisation=kent,
        type="PL-P-200",
        reference="R-2",
        starts_on=dt.date(2027, 1, 1),
        ends_on=dt.date(2027, 12, 31),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert licence_reminders_send(on=dt.date(2026, 12, 24)) == 0
    assert mail.outbox == []


def test_expired_licences_are_marked(kent):
    licence = _licence(kent, dt.date(2026, 1, 31))
    assert licences_mark_expired(on=dt.date(2026, 2, 1)) == 1
    licence.refresh_from_db()
    assert licence.status == Licence.Status.EXPIRED
