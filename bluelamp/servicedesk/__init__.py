"""The service desk: contact-centre tickets, SLAs counted in working hours, escalation, KPIs.

Other domains use it only through `bluelamp.servicedesk.api`. Working-time arithmetic lives in
`working_time.py` and nowhere else (docs/decisions/0005-working-time.md).
"""
