"""Telling the domains above people that people's audience facts changed.

People know nothing of the domains built on them (.importlinter), so a domain that needs to
react to a change of someone's organisation, unit, rank, job role, start date, line manager or
leaver status (compliance: who must take which course) registers a listener here, through
`bluelamp.people.api.listen_people_changed`, usually in its AppConfig.ready().

Every write of those facts calls `people_changed` inside its own transaction, right after the
write: a listener's writes commit or roll back with the change, and a listener that raises
undoes the change (the caller sees the error). Listeners run in the order registered. Sign-in
and profile changes (name, e-mail address, password, last sign-in) are not reported.

Not a Django signal: the house style keeps business logic out of signals, and an explicit,
typed registry is greppable from both ends.
"""

from bluelamp.core.listeners import Listeners, PeopleListener

# The fields whose change is reported: those an audience rule may read. The line manager is
# `line_manager`; leaving is `status` (with `left_on` and `is_active`).
AUDIENCE_FIELDS = (
    "organisation",
    "unit",
    "rank",
    "job_role",
    "employment_start_date",
    "line_manager",
    "status",
    "left_on",
    "is_active",
)


PeopleChangedListener = PeopleListener

_registry = Listeners("people changed")

listen_people_changed = _registry.listen
people_changed = _registry.tell
listening = _registry.listening
