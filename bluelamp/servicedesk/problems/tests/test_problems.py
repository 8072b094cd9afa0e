"""Problem records: raised from an incident or standalone, incidents linked and unlinked, root
cause, known error (which publishes its workaround to the knowledge base) and resolution. Staff
only: outsiders get the same 404 as for a problem that does not exist."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bluelamp.audit.api import AuditEvent
from bluelamp.servicedesk.kb.models import Article
from bluelamp.servicedesk.kb.selectors import help_search
from bluelamp.servicedesk.kb.services import article_retire
from bluelamp.servicedesk.problems import services
from bluelamp.servicedesk.problems.models import Problem
from bluelamp.servicedesk.tickets.services import ticket_create
from conftest import london


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def incidents(bob, charlie):
    return [
        ticket_create(actor=bob, type="incident", subject="Video will not play", description="Black screen"),
        ticket_create(actor=charlie, type="incident", subject="Videos black", description="On Chrome"),
    ]


def test_problem_lifecycle_publishes_the_workaround(adviser, incidents):
    first, second = incidents
    problem = services.problem_create(
        actor=adviser,
        title="Videos fail in Chrome",
        description="Several reports",
        from_ticket=first,
        at=london(2026, 3, 2, 9),
    )
    assert problem.reference == "PRB-2026-0001" and problem.status == "investigating"
    assert problem.owner == adviser and list(problem.incidents.all()) == [first]
    assert services.problem_create(actor=adviser, title="Other", description="x").reference.endswith("-0002")

    services.problem_link_incident(actor=adviser, problem=problem, ticket=second)
    assert set(problem.incidents.all()) == {first, second}
    assert list(second.problems.all()) == [problem]
    with pytest.raises(ValidationError, match="already linked"):
        services.problem_link_incident(actor=adviser, problem=problem, ticket=second)

    with pytest.raises(ValidationError, match="root cause"):
        services.problem_resolve(actor=adviser, problem=problem)
    services.problem_record_root_cause(
        actor=adviser, problem=problem, root_cause="Codec change in Chrome 140"
    )

    problem = services.problem_mark_known_error(
        actor=adviser, problem=problem, workaround="Use Firefox or Edge until the fix.", audience="public"
    )
    article = problem.article
    assert problem.status == "known_error"
    assert (article.status, article.audience) == ("published", "public")
    assert "Use Firefox or Edge" in article.body and problem.reference in article.body
    assert list(help_search("Firefox")) == [article]

    # A better workaround, for staff only this time: the same article is updated, not a new one.
    problem = services.problem_mark_known_error(
        actor=adviser, problem=problem, workaround="Switch the player to HLS.", audience="internal"
    )
    article.refresh_from_db()
    assert problem.article_id == article.pk and Article.objects.count() == 1
    assert article.audience == "internal" and "Switch the player" in article.body
    assert list(help_search("player")) == []

    services.problem_unlink_incident(actor=adviser, problem=problem, ticket=second)
    assert list(problem.incidents.all()) == [first]

    problem = services.problem_resolve(actor=adviser, problem=problem)
    assert problem.status == "resolved" and problem.resolved_at is not None
    with pytest.raises(ValidationError, match="resolved"):
        services.problem_mark_known_error(actor=adviser, problem=problem, workaround="x", audience="public")

    actions = set(AuditEvent.objects.filter(object_label=problem.reference).values_list("action", flat=True))
    assert actions >= {
        "servicedesk.problem.create",
        "servicedesk.problem.link_incident",
        "servicedesk.problem.unlink_incident",
        "servicedesk.problem.root_cause",
        "servicedesk.problem.known_error",
        "servicedesk.problem.resolve",
    }


def test_known_error_republishes_a_retired_article(adviser):
    problem = services.problem_create(actor=adviser, title="Slow search", description="x")
    problem = services.problem_mark_known_error(
        actor=adviser, problem=problem, workaround="Wait", audience="public"
    )
    article_retire(actor=adviser, article=problem.article)
    problem = services.problem_mark_known_error(
        actor=adviser, problem=problem, workaround="Retry", audience="public"
    )
    problem.article.refresh_from_db()
    assert problem.article.status == "published"


def test_only_desk_staff_write_problems(adviser, bob, charlie, incidents):
    problem = services.problem_create(actor=adviser, title="P", description="d")
    for person in (bob, charlie):
        with pytest.raises(PermissionDenied):
            services.problem_create(actor=person, title="P", description="d")
        with pytest.raises(PermissionDenied):
            services.problem_link_incident(actor=person, problem=problem, ticket=incidents[0])
        with pytest.raises(PermissionDenied):
            services.problem_mark_known_error(
                actor=person, problem=problem, workaround="w", audience="public"
            )
    with pytest.raises(ValidationError, match="does not work the service desk"):
        services.problem_create(actor=adviser, title="P", description="d", owner=bob)
    assert Problem.objects.count() == 1 and not problem.incidents.exists()


# --- pages --------------------------------------------------------------------------------------


def test_problem_pages_are_404_for_outsiders(client, signed_in, adviser, bob, charlie, incidents):
    problem = services.problem_create(actor=adviser, title="Videos fail", description="d")
    ref = problem.reference
    pages = ["/service-desk/problems/", "/service-desk/problems/new/", f"/service-desk/problems/{ref}/"]
    for person in (bob, charlie):
        outsider = signed_in(person)
        for url in pages:
            assert outsider.get(url).status_code == 404, (person, url)
        assert (
            outsider.post(f"/service-desk/problems/{ref}/link/", {"link-reference": "x"}).status_code == 404
        )
        linked = outsider.post(
            f"/service-desk/tickets/{incidents[0].reference}/link-problem/", {"problem": ref}
        )
        assert linked.status_code == 404
    assert not problem.incidents.exists()


def test_problem_pages_for_staff(signed_in, adviser, incidents):
    first, second = incidents
    desk = signed_in(adviser)
    # Raised from the ticket work page, which offers the link.
    work = text_of(desk.get(f"/service-desk/tickets/{first.reference}/"))
    assert "Link to problem" in work and f"/service-desk/problems/new/?ticket={first.reference}" in work
    desk.post(
        f"/service-desk/problems/new/?ticket={first.reference}",
        {"title": "Videos fail in Chrome", "description": "Several reports", "ticket": first.reference},
    )
    problem = Problem.objects.get()
    assert list(problem.incidents.all()) == [first]
    ref = problem.reference

    # Linked from the other ticket's work page.
    response = desk.post(f"/service-desk/tickets/{second.reference}/link-problem/", {"problem": ref.lower()})
    assert response.status_code == 302 and set(problem.incidents.all()) == {first, second}
    assert ref in text_of(desk.get(f"/service-desk/tickets/{second.reference}/"))

    missing = desk.post(f"/service-desk/problems/{ref}/link/", {"link-reference": "BL-2026-999999"})
    assert missing.status_code == 400 and "There is no ticket BL-2026-999999" in missing.text

    desk.post(f"/service-desk/problems/{ref}/root-cause/", {"root_cause-root_cause": "Codec change"})
    invalid = desk.post(f"/service-desk/problems/{ref}/known-error/", {"known_error-workaround": ""})
    assert invalid.status_code == 400 and "Enter workaround" in invalid.text
    desk.post(
        f"/service-desk/problems/{ref}/known-error/",
        {"known_error-workaround": "Use Firefox.", "known_error-audience": "public"},
    )
    problem.refresh_from_db()
    assert problem.status == "known_error" and problem.article.is_public

    page = text_of(desk.get(f"/service-desk/problems/{ref}/"))
    assert first.reference in page and second.reference in page and "Known error" in page
    assert ref in text_of(desk.get("/service-desk/problems/"))

    desk.post(f"/service-desk/problems/{ref}/unlink/", {"reference": second.reference})
    desk.post(f"/service-desk/problems/{ref}/resolve/")
    problem.refresh_from_db()
    assert problem.status == "resolved" and list(problem.incidents.all()) == [first]
