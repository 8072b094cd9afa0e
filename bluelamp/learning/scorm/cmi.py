"""The SCORM run-time data model, server side: reading what a SCO committed, and building what a
resumed SCO is given. The browser runtime is scorm-again; it validates each SetValue against the
standard, so here we read the committed model and never rewrite it.

SCORM 1.2 keeps the state under `cmi.core` with one `lesson_status`; SCORM 2004 splits it into
`completion_status` and `success_status`. Both are reduced to the same `Result`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from bluelamp.learning.scorm.package import SCORM_12

# SCORM 2004 allows 64,000 characters of suspend_data (1.2: 4,096). Never truncated: a bigger
# commit is refused with an error the runtime reports, and the last good state is kept.
MAX_SUSPEND_DATA = 64_000
MAX_LOCATION = 1_000

_TIMESPAN_12 = re.compile(r"^(\d{1,4}):(\d{1,2}):(\d{1,2}(?:\.\d{1,2})?)$")
_DURATION_2004 = re.compile(
    r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)


class CommitError(ValueError):
    """The commit cannot be stored; the message says why."""


@dataclass(frozen=True)
class Result:
    completion_status: str  # completed / incomplete / not attempted / unknown
    success_status: str  # passed / failed / unknown
    score_scaled: Decimal | None  # -1..1 (2004) or raw/max (1.2)
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


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def parse_timespan_12(value: str) -> Decimal | None:
    match = _TIMESPAN_12.match((value or "").strip())
    if not match:
        return None
    hours, minutes, seconds = match.groups()
    return Decimal(hours) * 3600 + Decimal(minutes) * 60 + Decimal(seconds)


def parse_duration_2004(value: str) -> Decimal | None:
    match = _DURATION_2004.match((value or "").strip())
    if not match or value.strip() in ("P", "PT"):
        return None
    years, months, weeks, days, hours, minutes, seconds = (Decimal(part or 0) for part in match.groups())
    # Years and months have no fixed length; SCORM tools use 365 and 30 days.
    return ((years * 365 + months * 30 + weeks * 7 + days) * 24 + hours) * 3600 + minutes * 60 + seconds


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


def _text(value, what: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    if len(value) > limit:
        raise CommitError(f"{what} is {len(value):,} characters; at most {limit:,} can be stored.")
    return value


def read_result(version: str, data: dict, *, completion_threshold: Decimal | None = None) -> Result:
    """What the committed model `data` (the `cmi` object) says."""
    if not isinstance(data, dict):
        raise CommitError("The commit has no cmi object.")
    if version == SCORM_12:
        core = data.get("core") or {}
        if not isinstance(core, dict):
            raise CommitError("cmi.core is not an object.")
        status = str(core.get("lesson_status") or "not attempted")
        completion = {
            "passed": "completed",
            "completed": "completed",
            "failed": "completed",
            "incomplete": "incomplete",
            "browsed": "incomplete",
        }.get(status, "not attempted")
        success = status if status in ("passed", "failed") else "unknown"
        score = core.get("score") or {}
        raw = _decimal(score.get("raw")) if isinstance(score, dict) else None
        low = _decimal(score.get("min")) if isinstance(score, dict) else None
        high = _decimal(score.get("max")) if isinstance(score, dict) else None
        scaled = None
        if raw is not None:
            low = low if low is not None else Decimal(0)
            high = high if high is not None else Decimal(100)
            scaled = (raw - low) / (high - low) if high > low else None
        return Result(
            completion_status=completion,
            success_status=success,
            score_scaled=scaled,
            score_raw=raw,
            location=_text(core.get("lesson_location"), "cmi.core.lesson_location", MAX_LOCATION),
            suspend_data=_text(data.get("suspend_data"), "cmi.suspend_data", MAX_SUSPEND_DATA),
            exit=str(core.get("exit") or ""),
            session_seconds=parse_timespan_12(str(core.get("session_time") or "")),
        )
    completion = str(data.get("completion_status") or "unknown")
    progress = _decimal(data.get("progress_measure"))
    if completion_threshold is not None and progress is not None:
        # SCORM 2004 4th ed. RTE 4.2.4.1: with a threshold, the measure decides.
        completion = "completed" if progress >= completion_threshold else "incomplete"
    score = data.get("score") or {}
    scaled = _decimal(score.get("scaled")) if isinstance(score, dict) else None
    raw = _decimal(score.get("raw")) if isinstance(score, dict) else None
    if scaled is None and raw is not None and isinstance(score, dict):
        high = _decimal(score.get("max"))
        low = _decimal(score.get("min")) or Decimal(0)
        if high is not None and high > low:
            scaled = (raw - low) / (high - low)
    return Result(
        completion_status=completion
        if completion in ("completed", "incomplete", "not attempted")
        else "unknown",
        success_status=str(data.get("success_status") or "unknown"),
        score_scaled=scaled,
        score_raw=raw,
        location=_text(data.get("location"), "cmi.location", MAX_LOCATION),
        suspend_data=_text(data.get("suspend_data"), "cmi.suspend_data", MAX_SUSPEND_DATA),
        exit=str(data.get("exit") or ""),
        session_seconds=parse_duration_2004(str(data.get("session_time") or "")),
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
        core = {
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
