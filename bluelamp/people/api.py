"""What other domains may use of people."""

from bluelamp.people import directory, signed_in
from bluelamp.people.directory import forget_people, people_version
from bluelamp.people.equality import QUESTIONS as EQUALITY_QUESTIONS
from bluelamp.people.equality import SMALL_GROUP, Group, equality_breakdown
from bluelamp.people.importing import ImportResult, RowError, run_import
from bluelamp.people.listeners import PeopleChangedListener, listen_people_changed
from bluelamp.people.models import ImportRun, Person, PersonTransfer
from bluelamp.people.ranks import ranks_and_grades
from bluelamp.people.selectors import (
    access_person,
    people_search,
    people_visible,
    person_by_staff_number_or_email,
)
from bluelamp.people.services import person_create, person_transfer, person_update
from bluelamp.people.signed_in import forget_signed_in


def forget_cached_people() -> None:
    """This process stops reading any person kept so far (the test suite, around every test)."""
    signed_in.forget_all()
    directory.forget_all()


__all__ = [
    "EQUALITY_QUESTIONS",
    "Group",
    "SMALL_GROUP",
    "equality_breakdown",
    "forget_cached_people",
    "forget_people",
    "forget_signed_in",
    "ImportResult",
    "ImportRun",
    "PeopleChangedListener",
    "Person",
    "PersonTransfer",
    "RowError",
    "access_person",
    "listen_people_changed",
    "people_search",
    "people_version",
    "people_visible",
    "person_by_staff_number_or_email",
    "person_create",
    "person_transfer",
    "person_update",
    "ranks_and_grades",
    "run_import",
]
