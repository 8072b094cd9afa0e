"""The kinds of notification the site sends, registered by the domains that send them.

A domain registers its kinds from its AppConfig.ready() (`register_notification_kind`), so that
notifications knows no domain and the preferences page can list every kind with the words its
domain chose. Registering a key again replaces it, as bluelamp.core.plugins does: a second ready()
changes nothing.

`email_optional` is the law's line, not a taste: a service message about a person's duties
("your mandatory training is overdue") is not marketing, and UK GDPR (legitimate interests, the
employer's legal obligations) and PECR (which governs electronic marketing only) allow it to be
sent whatever the person chose, so they cannot turn its e-mail off. Reminders and digests are
helpful rather than necessary: the person may turn their e-mail off. The in-app notification is
kept either way.
"""

import re
from dataclasses import dataclass

KEY = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)*")
KEY_MAX_LENGTH = 80


@dataclass(frozen=True)
class NotificationKind:
    key: str
    label: str
    email_optional: bool
    description: str


_kinds: dict[str, NotificationKind] = {}


def register_notification_kind(
    key: str, label: str, *, email_optional: bool, description: str
) -> NotificationKind:
    """Declare a kind of notification: `key` as callers pass it to `notify` (e.g.
    "compliance.overdue"), `label` and `description` as people read them on their preferences page
    (for a kind that is always e-mailed, the description says why)."""
    if not KEY.fullmatch(key) or len(key) > KEY_MAX_LENGTH:
        raise ValueError(
            f"Notification kind key {key!r}: use lower-case letters, digits and underscores in "
            f"dot-separated parts, at most {KEY_MAX_LENGTH} characters, e.g. 'compliance.overdue'"
        )
    if not label.strip():
        raise ValueError(f"Notification kind {key!r} needs a label people can read")
    kind = NotificationKind(key=key, label=label, email_optional=email_optional, description=description)
    _kinds[key] = kind
    return kind


def notification_kinds() -> list[NotificationKind]:
    """Every registered kind, by label."""
    return sorted(_kinds.values(), key=lambda kind: (kind.label.lower(), kind.key))


def notification_kind(key: str) -> NotificationKind:
    """The registered kind `key`; a ValueError naming the kinds there are if it is not one."""
    try:
        return _kinds[key]
    except KeyError:
        known = ", ".join(sorted(_kinds)) or "none yet"
        raise ValueError(
            f"Unknown notification kind {key!r}: register it with register_notification_kind() in "
            f"its domain's AppConfig.ready() (registered: {known})"
        ) from None
