"""Background tasks of the service desk (Django's Tasks API). `bluelamp run-frequent` enqueues
the SLA checks every few minutes; `bluelamp run-daily` the closing of resolved tickets."""

from django_tasks import task

from bluelamp.servicedesk.tickets.monitoring import resolved_tickets_close, service_levels_check


@task()
def check_service_levels() -> dict[str, int]:
    """75 % warnings, resolution and response breaches, review-due notices."""
    return service_levels_check()


@task()
def close_resolved_tickets() -> int:
    """Close tickets resolved more than 10 working days ago."""
    return resolved_tickets_close()


FREQUENT = [check_service_levels]
DAILY = [close_resolved_tickets]
