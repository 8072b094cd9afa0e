"""Police ranks (reference data) and police staff grades accepted in the rank/grade field."""

import csv
from functools import cache
from pathlib import Path

_RANKS_CSV = Path(__file__).with_name("data") / "police_ranks.csv"

# Police staff grades: the common national pay-band names used by forces' HR systems.
STAFF_GRADES = [
    "Police Staff",
    "Police Community Support Officer",
    "Special Constable",
    "Police Staff Scale 1",
    "Police Staff Scale 2",
    "Police Staff Scale 3",
    "Police Staff Scale 4",
    "Police Staff Scale 5",
    "Police Staff Scale 6",
    "Police Staff SO1",
    "Police Staff SO2",
    "Police Staff PO1",
    "Police Staff PO2",
    "Police Staff PO3",
    "Police Staff PO4",
    "Police Staff PO5",
    "Police Staff Senior Manager",
    "Police Staff Director",
    "Detective Constable",
    "Detective Sergeant",
    "Detective Inspector",
    "Detective Chief Inspector",
    "Detective Superintendent",
    "Detective Chief Superintendent",
]


@cache
def police_ranks() -> list[str]:
    with _RANKS_CSV.open(newline="") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda row: int(row["order"]))
    seen: list[str] = []
    for row in rows:
        if row["rank"] not in seen:
            seen.append(row["rank"])
    return seen


@cache
def ranks_and_grades() -> list[str]:
    return police_ranks() + STAFF_GRADES


@cache
def _lookup() -> dict[str, str]:
    return {name.casefold(): name for name in ranks_and_grades()}


def normalise_rank(value: str) -> str | None:
    """The canonical spelling of a rank or grade, or None if it is not one we know."""
    return _lookup().get(value.strip().casefold())
