"""Equality monitoring: what a person chooses to tell about their protected characteristics
(Equality Act 2010), kept apart from their record and read only in aggregate.

Each answer is optional and "Prefer not to say" is always offered. Only the person sees and
changes their own answers (/people/me/equality/); nobody else, whatever their role, can read one
person's answers: there is no page, export, API or admin screen that shows them. Other domains
get counts only, through `equality_breakdown`, for a set of people they already report on (e.g.
those who booked an event's places): every group of fewer than SMALL_GROUP people is suppressed,
and the next smallest groups are hidden with them until the hidden ones add up to 10 or more, so
that no suppressed figure can be worked out from the total. The questions follow the Office for National Statistics' 2021 census
harmonised standards (the high-level ethnic groups).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from bluelamp.people.models import EqualityProfile

SMALL_GROUP = 10
PREFER_NOT = "prefer_not"
NOT_ANSWERED = "Not answered"


@dataclass(frozen=True)
class Question:
    field: str
    label: str
    choices: tuple[tuple[str, str], ...]


QUESTIONS: tuple[Question, ...] = (
    Question("sex", "Sex", (("female", "Female"), ("male", "Male"), (PREFER_NOT, "Prefer not to say"))),
    Question(
        "gender_identity",
        "Is the gender you identify with the same as your sex registered at birth?",
        (("same", "Yes"), ("different", "No"), (PREFER_NOT, "Prefer not to say")),
    ),
    Question(
        "age_band",
        "Age",
        (
            ("16-24", "16 to 24"),
            ("25-34", "25 to 34"),
            ("35-44", "35 to 44"),
            ("45-54", "45 to 54"),
            ("55-64", "55 to 64"),
            ("65+", "65 or over"),
            (PREFER_NOT, "Prefer not to say"),
        ),
    ),  # fmt: skip
    Question(
        "disability",
        "Do you consider yourself to have a disability or long-term health condition?",
        (("yes", "Yes"), ("no", "No"), (PREFER_NOT, "Prefer not to say")),
    ),
    Question(
        "ethnic_group",
        "Ethnic group",
        (
            ("asian", "Asian or Asian British"),
            ("black", "Black, Black British, Caribbean or African"),
            ("mixed", "Mixed or multiple ethnic groups"),
            ("white", "White"),
            ("other", "Other ethnic group"),
            (PREFER_NOT, "Prefer not to say"),
        ),
    ),  # fmt: skip
    Question(
        "religion",
        "Religion or belief",
        (
            ("none", "No religion"),
            ("christian", "Christian"),
            ("buddhist", "Buddhist"),
            ("hindu", "Hindu"),
            ("jewish", "Jewish"),
            ("muslim", "Muslim"),
            ("sikh", "Sikh"),
            ("other", "Any other religion"),
            (PREFER_NOT, "Prefer not to say"),
        ),
    ),  # fmt: skip
    Question(
        "sexual_orientation",
        "Sexual orientation",
        (
            ("heterosexual", "Straight or heterosexual"),
            ("gay_lesbian", "Gay or lesbian"),
            ("bisexual", "Bisexual"),
            ("other", "Other sexual orientation"),
            (PREFER_NOT, "Prefer not to say"),
        ),
    ),  # fmt: skip
)
BY_FIELD = {q.field: q for q in QUESTIONS}


def own_answers(person) -> dict[str, str]:
    """The person's own answers (for their own page only)."""
    profile = EqualityProfile.objects.filter(person=person).first()
    return {q.field: getattr(profile, q.field) for q in QUESTIONS} if profile else {}


@transaction.atomic
def answers_save(*, person, answers: dict[str, str]) -> None:
    """Save the person's own answers ("" leaves a question unanswered). A bad value raises
    ValueError: the form offers only the choices."""
    for field, value in answers.items():
        question = BY_FIELD[field]
        if value and value not in dict(question.choices):
            raise ValueError(f"{value!r} is not an answer to {question.label!r}")
    EqualityProfile.objects.update_or_create(
        person=person, defaults={**{f: answers.get(f, "") for f in BY_FIELD}, "updated_at": timezone.now()}
    )


def answers_forget(*, person) -> None:
    EqualityProfile.objects.filter(person=person).delete()


@dataclass(frozen=True)
class Group:
    label: str
    count: int | None  # None: suppressed (fewer than SMALL_GROUP, or to protect one that is)


def equality_breakdown(person_ids: Iterable[int], field: str) -> list[Group]:
    """How many of `person_ids` gave each answer to the question `field` (and how many did not
    answer), with small groups suppressed. Counts each person once."""
    question = BY_FIELD[field]
    ids = set(person_ids)
    answers = Counter(
        EqualityProfile.objects.filter(person_id__in=ids).exclude(**{field: ""}).values_list(field, flat=True)
    )
    answered = sum(answers.values())
    groups = [(label, answers.get(value, 0)) for value, label in question.choices]
    groups.append((NOT_ANSWERED, len(ids) - answered))
    counts = dict(groups)
    hidden = {label for label, n in groups if 0 < n < SMALL_GROUP}
    # Hide the next smallest groups too until the hidden ones add up to SMALL_GROUP or more: with
    # the total known, a lone hidden group (or two hidden groups of 1) could be worked out.
    while hidden and sum(counts[label] for label in hidden) < SMALL_GROUP:
        rest = sorted((n, label) for label, n in groups if label not in hidden and n > 0)
        if not rest:
            break
        hidden.add(rest[0][1])
    return [Group(label, None if label in hidden else n) for label, n in groups]
