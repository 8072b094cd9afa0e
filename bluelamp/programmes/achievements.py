"""Programmes as achievements for certificates (credentials' registry): a programme's
certificate is issued when a place completes (places.place_follow)."""

from __future__ import annotations

import uuid as uuid_module

from bluelamp.credentials.api import Achievement, AchievementKind
from bluelamp.programmes.models import Programme
from bluelamp.programmes.places import ACHIEVEMENT_KIND


def _as_achievement(programme: Programme) -> Achievement:
    return Achievement(
        kind=ACHIEVEMENT_KIND, uuid=programme.uuid, code=programme.code, title=programme.title,
        owner=programme.owner, description=programme.summary,
    )  # fmt: skip


def _find(key: uuid_module.UUID) -> Achievement | None:
    programme = Programme.objects.select_related("owner").filter(uuid=key).first()
    return _as_achievement(programme) if programme else None


def _choices(user) -> list[Achievement]:
    from bluelamp.programmes.selectors import programmes_managed

    return [_as_achievement(p) for p in programmes_managed(user).order_by("code")]


PROGRAMME_KIND = AchievementKind(key=ACHIEVEMENT_KIND, label="Programme", find=_find, choices=_choices)
