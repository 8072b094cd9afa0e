"""Tickets: logging, the timeline, SLA due times from the ticket's history, the requester's and
the desk's pages. Writes in `services`, reads and access checks in `selectors`, e-mails to the
requester in `emails` (sent only after commit); the applets above take part through
`extensions`. Other domains use `bluelamp.servicedesk.api`.
"""
