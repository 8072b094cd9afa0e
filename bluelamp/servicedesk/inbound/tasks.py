"""The inbound e-mail task (Django's Tasks API): one poll of the desk's IMAP mailbox."""

from django_tasks import task

from bluelamp.servicedesk.inbound.mailbox import mailbox_poll


@task()
def mail_poll() -> dict:
    """One poll of the desk's IMAP mailbox (as `bluelamp mail-poll`): enqueue it from a scheduler
    every minute or so. Returns the counts: processed, failed, created, updated, ignored."""
    return mailbox_poll().as_dict()
