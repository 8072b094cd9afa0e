"""The SCORM run-time data model, server side: checking and reading what a SCO committed, and
building what a resumed SCO is given.

The browser runtime is scorm-again; it validates each SetValue against the standard, but the
commit it posts is only JSON from the learner's browser, so every value we keep is checked again
here against the data model's types and ranges (SCORM 1.2 RTE 3.4; SCORM 2004 4th edition RTE 4),
as scorm-again applies them, so that nothing it accepted is refused here. A commit with a value
that does not fit is refused whole (`CommitError`): the last good state stays. We never rewrite
the committed model.

SCORM 1.2 keeps the state under `cmi.core` with one `lesson_status`; SCORM 2004 splits it into
`completion_status` and `success_status`. Both are reduced to the same `Result`.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import NoReturn

from bluelamp.learning.scorm.package import SCORM_12, SCORM_2004

# SCORM 2004 allows 64,000 characters of suspend_data; 1.2 says 4,096, but scorm-again accepts
# 64,000 for 1.2 too (modern 1.2 content needs it), so we keep the one documented limit for both.
# Never truncated: a bigger commit is refused with an error the runtime reports, and the last good
# state is kept.
MAX_SUSPEND_DATA = 64_000
MAX_LOCATION = {SCORM_12: 255, SCORM_2004: 1_000}  # CMIString255 / characterstring SPM 1,000
# No string anywhere in the model is longer than suspend_data may be.
MAX_TEXT = MAX_SUSPEND_DATA
# The deepest the model goes is cmi.interactions.n.correct_responses.n.pattern; anything nested
# much deeper is not a data model.
MAX_DEPTH = 8
# 2004 timeinterval (second,10,2): up to 9,999,999,999.99 seconds; also what the time columns hold.
MAX_SECONDS = Decimal("9999999999.99")

TYPE_MISMATCH = "type mismatch"
OUT_OF_RANGE = "out of range"
# What Commit answers when the model cannot be stored. The standards give a failed Commit one code
# (SCORM 1.2 LMSCommit: 101 General Exception; SCORM 2004 Commit: 391 General Commit Failure);
# the code SetValue would have given the value is sent alongside, for diagnosis (1.2 has no
# out-of-range code: 405 Incorrect Data Type covers both, as in scorm-again).
COMMIT_FAILURE = {SCORM_12: 101, SCORM_2004: 391}
GENERAL_EXCEPTION = 101
DATA_MODEL_ERRORS = {
    SCORM_12: {TYPE_MISMATCH: 405, OUT_OF_RANGE: 405},
    SCORM_2004: {TYPE_MISMATCH: 406, OUT_OF_RANGE: 407},
}

STATUS_12 = ("passed", "completed", "failed", "incomplete", "browsed", "not attempted")
COMPLETION_2004 = ("completed", "incomplete", "not attempted", "unknown")
SUCCESS_2004 = ("passed", "failed", "unknown")
EXIT = {
    SCORM_12: ("time-out", "suspend", "logout", ""),
    SCORM_2004: ("time-out", "suspend", "logout", "normal", ""),
}

# The runtime's own patterns (scorm-again 3.4 regex.ts), with ASCII digits only.
_DECIMAL_12 = re.compile(r"-?[0-9]{0,10}(?:\.[0-9]*)?")
_DECIMAL_2004 = re.compile(r"-?[0-9]{1,10}(?:\.[0-9]{1,18})?")  # real(10,7)
_TIMESPAN_12 = re.compile(r"([0-9]+):([0-9]{2}):([0-9]{2}(?:\.[0-9]{1,2})?)")  # HHHH:MM:SS.SS
_DURATION_2004 = re.compile(
    r"P(?:([.,0-9]+)Y)?(?:([.,0-9]+)M)?(?:([.,0-9]+)W)?(?:([.,0-9]+)D)?"
    r"(?:T?(?:([.,0-9]+)H)?(?:([.,0-9]+)M)?(?:([0-9]+(?:\.[0-9]{1,2})?)S)?)?"
)
# NUL and the other C0 controls but tab and line breaks, and halves of surrogate pairs (not text:
# PostgreSQL cannot store either). DEL and C1 stay allowed: compressed suspend_data uses them.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


class CommitError(ValueError):
    """The commit cannot be stored; the message says why.

    A value the data model does not allow names its `element` (e.g. "cmi.core.score.raw") and the
    `problem` (TYPE_MISMATCH or OUT_OF_RANGE); a commit that is not a commit at all has neither."""

    def __init__(self, message: str, *, version: str = "", element: str = "", problem: str = ""):
        super().__init__(message)
        self.version = version
        self.element = element
        self.problem = problem

    @property
    def commit_error_code(self) -> int:
        return COMMIT_FAILURE.get(self.version, GENERAL_EXCEPTION)

    @property
    def data_model_error_code(self) -> int | None:
        return DATA_MODEL_ERRORS.get(self.version, {}).get(self.problem)


@dataclass(frozen=True)
class Result:
    completion_status: str  # completed / incomplete / not attempted / unknown
    success_status: str  # passed / failed / unknown
    score_scaled: Decimal | None  # -1..1 (2004) or raw/max (1.2), 4 decimal places
    score_raw: Decimal | None
    location: str
    suspend_data: str
    exit: str
    session_seconds: Decimal | None

    @property
    def completed(self) -> bool:
        return self.completion_status == "completed"

    @property
    def score_percent(self) -> Decimal | None:
        if self.score_scaled is not None:
            return max(Decimal(0), min(Decimal(100), (self.score_scaled * 100).quantize(Decimal("0.01"))))
        return None


def _number(text: str) -> Decimal | None:
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _seconds(*parts: Decimal) -> Decimal:
    years, months, weeks, days, hours, minutes, seconds = parts
    # Years and months have no fixed length; SCORM tools use 365 and 30 days.
    total = ((years * 365 + months * 30 + weeks * 7 + days) * 24 + hours) * 3600 + minutes * 60 + seconds
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def parse_timespan_12(value: str) -> Decimal | None:
    """Seconds in a SCORM 1.2 CMITimespan ("HHHH:MM:SS.SS"), or None if it is not one."""
    match = _TIMESPAN_12.fullmatch((value or "").strip())
    if not match:
        return None
    hours, minutes, seconds = (Decimal(part) for part in match.groups())
    return _seconds(*[Decimal(0)] * 4, hours, minutes, seconds)


def parse_duration_2004(value: str) -> Decimal | None:
    """Seconds in a SCORM 2004 timeinterval (ISO 8601 duration, "PT1H30M5.5S"), or None if it is
    not one. "P" alone has no components and says nothing."""
    text = (value or "").strip()
    match = _DURATION_2004.fullmatch(text)
    if not match or text in ("P", "PT"):
        return None
    parts = [_number(part) if part else Decimal(0) for part in match.groups()]
    numbers = [part for part in parts if part is not None]
    if len(numbers) < len(parts):
        return None  # "1.2.3H" fits the runtime's pattern but is no number
    return _seconds(*numbers)


def format_timespan_12(seconds: Decimal) -> str:
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    hundredths = int((seconds - whole) * 100)
    return f"{min(hours, 9999):04d}:{minutes:02d}:{secs:02d}.{hundredths:02d}"


def format_duration_2004(seconds: Decimal) -> str:
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    hundredths = int((seconds - whole) * 100)
    return f"PT{hours}H{minutes}M{secs}.{hundredths:02d}S"


# --- checking the committed model -------------------------------------------------------------------


def _shown(value) -> str:
    """The value as it appears in a message: JSON, control characters escaped, cut short."""
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _name(key) -> str:
    return _NOT_TEXT.sub("?", str(key))[:60]


class _Checker:
    def __init__(self, version: str):
        self.version = version

    def refuse(self, element: str, problem: str, message: str) -> NoReturn:
        raise CommitError(message, version=self.version, element=element, problem=problem)

    def tree(self, data: dict) -> None:
        """Every value anywhere in the model: JSON a database can keep, text without control
        characters, no string longer than the longest element, no deeper than the model goes."""
        stack = [("cmi", data, 0)]
        while stack:
            element, node, depth = stack.pop()
            if isinstance(node, dict | list):
                if depth >= MAX_DEPTH:
                    self.refuse(
                        element, TYPE_MISMATCH, f"{element} is nested deeper than the SCORM data model goes."
                    )
                items = node.items() if isinstance(node, dict) else enumerate(node)
                for key, value in items:
                    if isinstance(key, str):
                        self.text(f"{element}.{_name(key)}", key, MAX_TEXT)
                    stack.append((f"{element}.{_name(key)}", value, depth + 1))
            elif isinstance(node, str):
                self.text(element, node, MAX_TEXT)
            elif isinstance(node, float) and not math.isfinite(node):
                self.refuse(element, TYPE_MISMATCH, f"{element} is not a number.")
            elif not (node is None or isinstance(node, bool | int | float)):
                self.refuse(element, TYPE_MISMATCH, f"{element} is not a JSON value.")

    def text(self, element: str, value: str, limit: int) -> str:
        if len(value) > limit:
            self.refuse(
                element,
                TYPE_MISMATCH,
                f"{element} is {len(value):,} characters; at most {limit:,} can be stored.",
            )
        bad = _NOT_TEXT.search(value)
        if bad:
            self.refuse(
                element,
                TYPE_MISMATCH,
                f"{element} contains the control character U+{ord(bad.group()):04X} at position "
                f"{bad.start() + 1:,}; text may not contain NUL, other control characters (but tab "
                "and line breaks) or half a surrogate pair.",
            )
        return value

    def string(self, element: str, value, limit: int) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            self.refuse(element, TYPE_MISMATCH, f"{element} is {_shown(value)}; it must be text.")
        return self.text(element, value, limit)

    def word(self, element: str, value, vocabulary: tuple[str, ...], default: str) -> str:
        """One of the element's vocabulary; missing or empty is `default`."""
        if value is None or value == "":
            return default
        if not isinstance(value, str) or value not in vocabulary:
            accepted = ", ".join(f'"{word}"' if word else '"" (empty)' for word in vocabulary)
            self.refuse(element, TYPE_MISMATCH, f"{element} is {_shown(value)}; accepted: {accepted}.")
        return value

    def decimal(self, element: str, value, *, low: Decimal | None = None, high: Decimal | None = None):
        """A CMIDecimal (1.2) or real(10,7) (2004) as text, or a JSON number; missing or empty is
        None."""
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.refuse(element, TYPE_MISMATCH, f"{element} is {_shown(value)}; it must be a number.")
        if isinstance(value, float):
            text = format(Decimal(repr(value)), "f") if math.isfinite(value) else "NaN"
        else:
            text = str(value)
        pattern = _DECIMAL_12 if self.version == SCORM_12 else _DECIMAL_2004
        number = _number(text) if pattern.fullmatch(text) and any(c.isdigit() for c in text) else None
        if number is None:
            digits = "" if self.version == SCORM_12 else " with at most 18 decimal places"
            self.refuse(
                element,
                TYPE_MISMATCH,
                f"{element} is {_shown(value)}; it must be a decimal number of at most 10 digits "
                f"before the point{digits}.",
            )
        if (low is not None and number < low) or (high is not None and number > high):
            self.refuse(
                element, OUT_OF_RANGE, f"{element} is {_shown(value)}; it must be from {low} to {high}."
            )
        return number

    def time(self, element: str, value, *, bounded: bool = True) -> Decimal | None:
        """A session or total time in the version's format; missing or empty is None. `bounded`:
        no longer than the time columns hold."""
        if value is None or value == "":
            return None
        text = value if isinstance(value, str) else ""
        if self.version == SCORM_12:
            seconds, form = parse_timespan_12(text), 'HHHH:MM:SS.SS, e.g. "0000:05:30.00"'
        else:
            seconds, form = parse_duration_2004(text), 'an ISO 8601 duration, e.g. "PT5M30S"'
            if seconds is None and text.strip() in ("P", "PT"):
                return None
        if seconds is None:
            self.refuse(element, TYPE_MISMATCH, f"{element} is {_shown(value)}; it must be {form}.")
        if bounded and seconds > MAX_SECONDS:
            self.refuse(
                element,
                OUT_OF_RANGE,
                f"{element} is {_shown(value)}, more than {MAX_SECONDS:,} seconds; it must be less.",
            )
        return seconds

    def mapping(self, element: str, value) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.refuse(element, TYPE_MISMATCH, f"{element} is {_shown(value)}; it must be an object.")
        return value


def _scaled(raw: Decimal | None, low: Decimal | None, high: Decimal | None) -> Decimal | None:
    """raw on the scale low..high as -1..1 (a raw score beyond the scale counts as its end)."""
    if raw is None or high is None or low is None or high <= low:
        return None
    return _clamp((raw - low) / (high - low))


def _clamp(scaled: Decimal) -> Decimal:
    return max(Decimal(-1), min(Decimal(1), scaled)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def read_result(version: str, data: dict, *, completion_threshold: Decimal | None = None) -> Result:
    """What the committed model `data` (the `cmi` object) says, once every value in it is checked
    (CommitError names the first that does not fit)."""
    if not isinstance(data, dict):
        raise CommitError("The commit has no cmi object.")
    check = _Checker(version)
    check.tree(data)
    suspend_data = check.string("cmi.suspend_data", data.get("suspend_data"), MAX_SUSPEND_DATA)
    if version == SCORM_12:
        core = check.mapping("cmi.core", data.get("core"))
        status = check.word("cmi.core.lesson_status", core.get("lesson_status"), STATUS_12, "not attempted")
        completion = {
            "passed": "completed",
            "completed": "completed",
            "failed": "completed",
            "incomplete": "incomplete",
            "browsed": "incomplete",
        }.get(status, "not attempted")
        success = status if status in ("passed", "failed") else "unknown"
        score = check.mapping("cmi.core.score", core.get("score"))
        # CMIDecimal normalised to 0-100, as the 1.2 RTE says and scorm-again enforces on SetValue.
        raw, low, high = (
            check.decimal(f"cmi.core.score.{key}", score.get(key), low=Decimal(0), high=Decimal(100))
            for key in ("raw", "min", "max")
        )
        location = check.string(
            "cmi.core.lesson_location", core.get("lesson_location"), MAX_LOCATION[version]
        )
        exit = check.word("cmi.core.exit", core.get("exit"), EXIT[version], "")
        session_seconds = check.time("cmi.core.session_time", core.get("session_time"))
        # Sent by the runtime on Terminate; not stored (the total is ours), so its format only.
        check.time("cmi.core.total_time", core.get("total_time"), bounded=False)
        scaled = (
            _scaled(raw, low if low is not None else Decimal(0), high if high is not None else Decimal(100))
            if raw is not None
            else None
        )
        return Result(
            completion_status=completion,
            success_status=success,
            score_scaled=scaled,
            score_raw=raw,
            location=location,
            suspend_data=suspend_data,
            exit=exit,
            session_seconds=session_seconds,
        )
    completion = check.word(
        "cmi.completion_status", data.get("completion_status"), COMPLETION_2004, "unknown"
    )
    success = check.word("cmi.success_status", data.get("success_status"), SUCCESS_2004, "unknown")
    progress = check.decimal(
        "cmi.progress_measure", data.get("progress_measure"), low=Decimal(0), high=Decimal(1)
    )
    if completion_threshold is not None and progress is not None:
        # SCORM 2004 4th ed. RTE 4.2.4.1: with a threshold, the measure decides.
        completion = "completed" if progress >= completion_threshold else "incomplete"
    score = check.mapping("cmi.score", data.get("score"))
    scaled = check.decimal("cmi.score.scaled", score.get("scaled"), low=Decimal(-1), high=Decimal(1))
    raw, low, high = (check.decimal(f"cmi.score.{key}", score.get(key)) for key in ("raw", "min", "max"))
    location = check.string("cmi.location", data.get("location"), MAX_LOCATION[version])
    exit = check.word("cmi.exit", data.get("exit"), EXIT[version], "")
    session_seconds = check.time("cmi.session_time", data.get("session_time"))
    check.time("cmi.total_time", data.get("total_time"), bounded=False)
    return Result(
        completion_status=completion,
        success_status=success,
        score_scaled=_clamp(scaled) if scaled is not None else _scaled(raw, low or Decimal(0), high),
        score_raw=raw,
        location=location,
        suspend_data=suspend_data,
        exit=exit,
        session_seconds=session_seconds,
    )


def _objectives(data: dict) -> dict | None:
    objectives = data.get("objectives")
    if isinstance(objectives, dict) and objectives.get("childArray"):
        return objectives
    return None


def launch_data(
    version: str,
    *,
    learner_id: str,
    learner_name: str,
    stored: dict,
    location: str,
    suspend_data: str,
    exit: str,
    completion_status: str,
    success_status: str,
    total_seconds: Decimal,
    sco_launch_data: str,
    mastery_score: Decimal | None,
    scaled_passing_score: Decimal | None,
    completion_threshold: Decimal | None,
) -> dict:
    """The model to load into the runtime before the SCO's Initialize: who the learner is, and
    where they left off (entry "resume" only after an exit of "suspend", as the standard says)."""
    entry_resume = exit == "suspend"
    first = completion_status == "not attempted" and not location and not suspend_data
    if version == SCORM_12:
        status = {
            ("completed", "passed"): "passed",
            ("completed", "failed"): "failed",
            ("completed", "unknown"): "completed",
            ("incomplete", "unknown"): "incomplete",
        }.get((completion_status, success_status), "not attempted")
        core: dict[str, object] = {
            "student_id": learner_id,
            "student_name": learner_name,
            "lesson_location": location,
            "lesson_status": status,
            "entry": "resume" if entry_resume else ("ab-initio" if first else ""),
            "total_time": format_timespan_12(total_seconds),
            "lesson_mode": "normal",
            "credit": "credit",
        }
        stored_score = (
            (stored.get("core") or {}).get("score") if isinstance(stored.get("core"), dict) else None
        )
        if isinstance(stored_score, dict) and stored_score.get("raw") not in (None, ""):
            core["score"] = {key: stored_score.get(key, "") for key in ("raw", "min", "max")}
        model: dict = {"core": core, "suspend_data": suspend_data, "launch_data": sco_launch_data}
        if mastery_score is not None:
            model["student_data"] = {"mastery_score": str(mastery_score)}
        return {"cmi": model}
    model = {
        "learner_id": learner_id,
        "learner_name": learner_name,
        "location": location,
        "completion_status": completion_status if completion_status != "not attempted" else "unknown",
        "success_status": success_status,
        "entry": "resume" if entry_resume else ("ab-initio" if first else ""),
        "total_time": format_duration_2004(total_seconds),
        "suspend_data": suspend_data,
        "launch_data": sco_launch_data,
        "mode": "normal",
        "credit": "credit",
    }
    if scaled_passing_score is not None:
        model["scaled_passing_score"] = str(scaled_passing_score)
    if completion_threshold is not None:
        model["completion_threshold"] = str(completion_threshold)
    score = stored.get("score")
    if isinstance(score, dict):
        kept = {
            key: score[key] for key in ("scaled", "raw", "min", "max") if score.get(key) not in (None, "")
        }
        if kept:
            model["score"] = kept
    if completion_status == "not attempted":
        model.pop("completion_status")
    if success_status == "unknown":
        model.pop("success_status")
    return {"cmi": model}
