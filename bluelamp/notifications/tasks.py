"""Background jobs: deliver one e-mail; retry the undelivered; forget the long delivered, and the
notifications long read."""

from django_tasks import task

from bluelamp.notifications import services


@task()
def deliver_email(email_id: int) -> str:
    return services.email_deliver(email_id)


@task()
def retry_undelivered_emails() -> int:
    """Every few minutes (`bluelamp run-frequent`): try again each queued e-mail that is due."""
    due = services.emails_due()
    tried = 0
    for email_id in due:
        tried += 1
        if services.email_deliver(email_id) == "queued":
            # The server is still unreachable: the rest would each wait out the same timeout.
            # They stay due, and the next run tries again.
            break
    return tried


@task()
def forget_delivered_emails() -> int:
    return services.emails_forget_delivered()


@task()
def forget_read_notifications() -> int:
    """Daily: delete notifications read and more than a year old."""
    return services.notifications_forget_read()
