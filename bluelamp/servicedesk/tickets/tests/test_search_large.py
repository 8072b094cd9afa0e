"""A search matching very many tickets is neither counted exactly nor ranked (both would read
every match): the queue says "more than N" and shows the most urgent first."""

from django.urls import reverse

from bluelamp.servicedesk.tickets import selectors
from bluelamp.servicedesk.tickets.services import ticket_create, ticket_set_priority


def test_a_search_over_the_cap_says_more_than_and_keeps_the_queue_order(
    client, signed_in, monkeypatch, adviser, bob
):
    made = [
        ticket_create(actor=bob, type="incident", subject=f"Printer fault {n}", description="It jams.")
        for n in range(5)
    ]
    ticket_set_priority(actor=adviser, ticket=made[3], priority="P1", reason="Whole station affected")
    other = ticket_create(actor=bob, type="incident", subject="Account locked", description="printer nearby")
    signed_in(adviser)

    body = client.get(reverse("servicedesk:queue"), {"q": "printer"}).content.decode()
    assert "6 tickets" in body  # under the cap: counted and ranked, subject matches first
    assert body.index(made[0].reference) < body.index(other.reference)

    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 3)
    body = client.get(reverse("servicedesk:queue"), {"q": "printer"}).content.decode()
    assert "More than 3 tickets match" in body
    # The P1 comes first (queue order), whatever matched where.
    assert body.index(made[3].reference) < body.index(made[0].reference)
    assert selectors.search_is_large(selectors.ticket_queue(adviser, text="printer"))
    assert not selectors.search_is_large(selectors.ticket_queue(adviser, text="locked"))


def test_requesters_never_reach_the_queue(client, signed_in, bob):
    signed_in(bob)
    assert client.get(reverse("servicedesk:queue"), {"q": "printer"}).status_code == 404
