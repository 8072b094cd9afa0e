"""The applets' hooks into tickets (tickets/extensions.py), put in place when the desk is ready
(ServiceDeskConfig.ready), before any ticket is read or written. Tickets sit below the applets
and never import them; each applet says what it adds to a ticket's life and pages."""


def register_ticket_extensions() -> None:
    from bluelamp.servicedesk.complaints.extension import COMPLAINTS
    from bluelamp.servicedesk.identity.extension import IDENTITY
    from bluelamp.servicedesk.incidents.extension import INCIDENTS
    from bluelamp.servicedesk.kb.extension import KB
    from bluelamp.servicedesk.problems.extension import PROBLEMS
    from bluelamp.servicedesk.survey.extension import SURVEY
    from bluelamp.servicedesk.tickets.extensions import register

    for extension in (COMPLAINTS, IDENTITY, INCIDENTS, KB, PROBLEMS, SURVEY):
        register(extension)
