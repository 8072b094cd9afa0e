"""Telling the domains above learning that people's learner records changed.

Learning knows nothing of the domains built on it (.importlinter), so a domain that needs to
react when a line of someone's learner record (a `Completion`) is added or removed (compliance:
has this person done what they must?) registers a listener here, through
`bluelamp.learning.api.listen_completions_changed`, usually in its AppConfig.ready().

Every write of completions calls `completions_changed` inside its own transaction, right after
the write: completing a course on Bluelamp (progress.evaluate_completion), an external or CPD
record (records.record_external), its removal (records.record_remove) and an imported history
(records.import_history, one call for the whole file). A listener's writes commit or roll back
with the change, and a listener that raises undoes it (the caller sees the error). Listeners run
in the order registered.

Not a Django signal: the house style keeps business logic out of signals, and an explicit,
typed registry is greppable from both ends.
"""

from bluelamp.core.listeners import Listeners, PeopleListener

CompletionsChangedListener = PeopleListener

_registry = Listeners("completions changed")

listen_completions_changed = _registry.listen
completions_changed = _registry.tell
listening = _registry.listening
