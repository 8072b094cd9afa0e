"""The applets above tickets take part in a ticket's life through tickets.extensions: each is
registered once Django has loaded the desk, and asked in order (the order the work page draws
their panels in). Tickets imports none of them: the layers contract in .importlinter checks it."""

import pytest

from bluelamp.servicedesk.tickets import extensions
from bluelamp.servicedesk.tickets.services import ticket_create

pytestmark = pytest.mark.django_db


def test_every_applet_that_adds_to_tickets_is_registered_in_order():
    assert [extension.name for extension in extensions.extensions()] == [
        "problems",
        "changes",  # another domain's, through servicedesk.api: the requests for change linked
        "incidents",
        "complaints",
        "identity",
        "survey",
        "kb",
    ]


def test_each_page_lists_the_panels_of_the_applets_that_add_to_it(bob, adviser):
    ticket = ticket_create(actor=bob, type="complaint", subject="Rude reply", description="x")
    work = extensions.panels("work", adviser, ticket)
    assert work["panels"] == [
        "servicedesk/problems/_ticket_panel.html",
        "changes/panels/ticket_changes.html",
        "servicedesk/incidents/_ticket_panel.html",
        "servicedesk/complaints/_ticket_panel.html",
        "servicedesk/identity/_ticket_panel.html",
        "servicedesk/survey/_ticket_panel.html",
    ]
    # Their context joins the page's: none of them asks for a name another gives.
    assert {
        "linked_problems",
        "ticket_changes",
        "major_incident",
        "complaint_form",
        "identity_form",
        "satisfaction",
    } <= set(work)
    assert extensions.panels("requester", bob, ticket)["panels"] == [
        "servicedesk/survey/_requester_panel.html"
    ]
    assert extensions.panels("logged", bob, ticket)["panels"] == ["servicedesk/kb/_suggestions.html"]


def test_registering_the_same_name_again_replaces_it():
    before = extensions.extensions()
    complaints = next(extension for extension in before if extension.name == "complaints")
    extensions.register(complaints)
    assert extensions.extensions() == before
