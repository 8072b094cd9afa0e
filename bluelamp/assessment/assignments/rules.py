"""The arithmetic of assignments, without the database: counting words, a learner's own due date
and cut-off (extensions, resubmissions), lateness and the late penalty.

The same word count runs in the learner's browser (static assessment/assignments.js) as a
convenience; the server's count is the one that counts.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# A word: letters or digits, possibly joined by an apostrophe or a hyphen ("don't", "well-being"
# are one word each). Markdown punctuation, bullets and numbers' separators are not words.
_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")

SECONDS_PER_DAY = 86400


def word_count(text: str) -> int:
    return len(_WORD.findall(text or ""))


@dataclass(frozen=True)
class Deadline:
    """When one learner's attempt is due and when it stops being accepted.

    `due_at` None: no due date (nothing is late). `cut_off_at` None: accepted whenever."""

    due_at: dt.datetime | None
    cut_off_at: dt.datetime | None
    extended: bool = False


def deadline(
    *,
    due_at: dt.datetime | None,
    cut_off_at: dt.datetime | None,
    refuse_late: bool,
    attempt_due_at: dt.datetime | None = None,
    extension_due_at: dt.datetime | None = None,
) -> Deadline:
    """The learner's deadline from the assignment's (`due_at`, `cut_off_at`; `refuse_late`: the
    due date is also the cut-off), an attempt's own due date (a resubmission's, which moves the
    cut-off by as much) and an extension in force (its date is the learner's new due date and,
    where there is a cut-off, the earliest their cut-off can be). An extension never shortens
    anything."""
    due, cut = due_at, cut_off_at
    if refuse_late:
        cut = due
    if attempt_due_at is not None:
        gap = (cut - due) if (cut is not None and due is not None) else None
        due = attempt_due_at
        cut = attempt_due_at + gap if gap is not None else (attempt_due_at if refuse_late else None)
    extended = False
    if extension_due_at is not None:
        if due is None or extension_due_at > due:
            due, extended = extension_due_at, True
        if cut is not None and extension_due_at > cut:
            cut, extended = extension_due_at, True
    return Deadline(due_at=due, cut_off_at=cut, extended=extended)


def late_by(deadline: Deadline, at: dt.datetime) -> int:
    """Seconds after the due date (0: on time)."""
    if deadline.due_at is None or at <= deadline.due_at:
        return 0
    return int((at - deadline.due_at).total_seconds())


def is_closed(deadline: Deadline, at: dt.datetime) -> bool:
    return deadline.cut_off_at is not None and at > deadline.cut_off_at


def days_late(seconds: int) -> int:
    """Each day or part of a day after the due date counts as a day."""
    return math.ceil(seconds / SECONDS_PER_DAY) if seconds > 0 else 0


def late_penalty(*, seconds_late: int, percent_per_day: Decimal, cap_percent: Decimal) -> Decimal:
    """The percent taken off the grade: per day late, at most the cap (and never over 100)."""
    if seconds_late <= 0 or percent_per_day <= 0:
        return Decimal(0)
    cap = min(cap_percent if cap_percent > 0 else Decimal(100), Decimal(100))
    return min(percent_per_day * days_late(seconds_late), cap)


def penalised(grade: Decimal | None, percent: Decimal) -> Decimal | None:
    """The grade after a late penalty of `percent` (for the marking side: Submission.final_grade)."""
    if grade is None:
        return None
    kept = grade * (Decimal(100) - percent) / Decimal(100)
    return kept.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def duration_in_words(seconds: int) -> str:
    """'2 days 3 hours', '45 minutes' — how late something was."""
    if seconds < 60:
        return "less than a minute"
    days, rest = divmod(seconds, SECONDS_PER_DAY)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes and not days:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)
