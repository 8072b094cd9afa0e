"""Background jobs: deliver one e-mail; retry the undelivered; forget the long delivered."""

from django_tasks import task

from bluelamp.notifications import services


@task()
def deliver_email(email_id: int) -> str:
    return services.email_deliver(email_id)


@task()
def retry_undelivered_emails() -> int:
    """Every few minutes (`bluelamp run-frequent`): try again each queued e-mail that is due."""
    due = services.emails_due()
    for email_id in due:
        services.email_deliver(email_id)
    return len(due)


@task()
def forget_delivered_emails() -> int:
    return services.emails_forget_delivered()
