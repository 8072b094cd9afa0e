"""The service desk: contact-centre tickets, SLAs counted in working hours, escalation, KPIs.

Layered applets (tickets at the bottom; README.md). Other domains use it only through
`bluelamp.servicedesk.api`. Working-time arithmetic is the foundation's (`bluelamp.workingtime`,
docs/decisions/0005-working-time.md); the desk keeps only its SLA rules (`sla.py`).
"""
