"""Kinds of achievement a certificate can be for. Credentials registers courses itself; a domain
above it (programmes) registers its own from its plugins, so credentials never imports it.

A kind says how to find the achievement by UUID and what to print: its code, title and owner
(the issuing organisation), and where a person reads about it."""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Achievement:
    """One course or programme, as a certificate sees it."""

    kind: str
    uuid: uuid_module.UUID
    code: str
    title: str
    owner: Any  # Organisation
    description: str = ""


@dataclass(frozen=True)
class AchievementKind:
    """- `find(uuid)`: the Achievement, or None if there is no such thing.
    - `choices(user)`: the achievements of this kind `user` may make a certificate for."""

    key: str
    label: str
    find: Callable[[uuid_module.UUID], Achievement | None]
    choices: Callable[[Any], list[Achievement]]


_KINDS: dict[str, AchievementKind] = {}


def register_achievement_kind(kind: AchievementKind) -> None:
    _KINDS[kind.key] = kind


def achievement_kind(key: str) -> AchievementKind | None:
    return _KINDS.get(key)


def achievement_kinds() -> list[AchievementKind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.label)


def find_achievement(kind: str, achievement_uuid) -> Achievement | None:
    registered = _KINDS.get(kind)
    if registered is None:
        return None
    try:
        key = uuid_module.UUID(str(achievement_uuid))
    except ValueError:
        return None
    return registered.find(key)
