"""Writing quizzes: setting one up as a course activity (its settings, its questions, fixed or
random, marks and pages), reasonable adjustments, and — from attempts.py — taking, marking and
grading. Each write checks who may act (the course's managers: shared/access.py `may_set_up`)
and is audited in its transaction; bad input is a ValidationError naming the field, the value and
what is accepted, with nothing written.

The results part uses, from here:
- `attempt_question_mark(actor=, attempt_question=, mark=, comment=, at=)`: a marker's mark;
  the attempt is totalled again and the quiz grade, learning and the gradebook follow.
- `attempt_regrade_totals(attempt, at=)`: total an attempt again after its questions' marks
  changed (a regrade), with the same "after grading" path.
- `quiz_result_record(quiz=, person=, at=)`: the person's quiz grade reported again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from bluelamp.assessment.banks.models import Category, Question
from bluelamp.assessment.banks.selectors import banks_usable
from bluelamp.assessment.quizzes import selectors, timing
from bluelamp.assessment.quizzes.attempts import (
    AttemptRefused,
    attempt_question_mark,
    attempt_regrade_totals,
    attempt_save,
    attempt_start,
    attempt_submit,
    attempts_finish_overdue,
    finish_if_overdue,
    quiz_result_record,
    quiz_results_refresh,
    random_pool,
)
from bluelamp.assessment.quizzes.models import REVIEW_WHAT, REVIEW_WHEN, Adjustment, Attempt, Quiz, QuizSlot
from bluelamp.assessment.shared.access import may_set_up
from bluelamp.audit.api import audit_record
from bluelamp.core.validation import text_errors
from bluelamp.learning.api import activity_add, draft_version, live_enrolment

__all__ = [
    "AttemptRefused",
    "QuizSettings",
    "adjustment_grant",
    "adjustment_revoke",
    "attempt_question_mark",
    "attempt_regrade_totals",
    "attempt_save",
    "attempt_start",
    "attempt_submit",
    "attempts_finish_overdue",
    "finish_if_overdue",
    "quiz_create",
    "quiz_repaginate",
    "quiz_result_record",
    "quiz_results_refresh",
    "quiz_update",
    "slot_add_random",
    "slot_move",
    "slot_remove",
    "slots_add_questions",
    "slots_update",
]

MAX_TIME_LIMIT = 7 * 24 * 3600
MAX_MARK = Decimal(1000)
REVIEW_FIELDS = tuple(f"review_{what}_{when}" for what in REVIEW_WHAT for when in REVIEW_WHEN)


def _require(actor, quiz_or_course) -> None:
    course = getattr(quiz_or_course, "course", quiz_or_course)
    if actor is not None and not may_set_up(actor, course):
        raise PermissionDenied("You cannot set up quizzes on this course.")


def _audit(actor, action: str, quiz: Quiz, **after) -> None:
    audit_record(
        actor=actor,
        action=f"assessment.quiz.{action}",
        organisation=quiz.course.owner,
        obj=quiz,
        object_label=f"{quiz.title} ({quiz.course.code})",
        after=after or None,
    )


def _title_errors(title: str, intro: str = "") -> dict[str, str]:
    errors = text_errors(title=title, intro=intro, multiline=("intro",))
    if not title:
        errors["title"] = "Enter a title for the quiz."
    elif len(title) > 200:
        errors["title"] = f"The title is {len(title)} characters long; use 200 or fewer."
    return errors


# --- the quiz --------------------------------------------------------------------------------


def quiz_create(
    *, actor, course, title: str, intro: str = "", required: bool = True, at: dt.datetime | None = None
) -> Quiz:
    """A new quiz on the course, added as an activity at the end of the course's draft version."""
    _require(actor, course)
    title, intro = (title or "").strip(), (intro or "").strip()
    errors = _title_errors(title, intro)
    if errors:
        raise ValidationError(errors)
    draft = draft_version(course)
    if draft is None:
        raise ValidationError(
            f"{course.code} has no draft version: start a new version of the course, then add the quiz to it."
        )
    at = at or timezone.now()
    with transaction.atomic():
        quiz = Quiz.objects.create(
            course=course, title=title, intro=intro, created_by=actor, created_at=at, updated_at=at
        )
        activity_add(
            actor=actor,
            version=draft,
            kind=selectors.KIND,
            title=title,
            required=required,
            target=str(quiz.uuid),
        )
        _audit(actor, "create", quiz, title=title, version=draft.number)
    return quiz


@dataclass
class QuizSettings:
    """Everything the settings page sets. Times are aware datetimes; time_limit in seconds."""

    title: str
    intro: str = ""
    time_limit: int | None = None
    open_at: dt.datetime | None = None
    close_at: dt.datetime | None = None
    attempts_allowed: int = 0
    grading_method: str = Quiz.GradingMethod.HIGHEST
    pass_mark: Decimal = Decimal(50)
    max_grade: Decimal = Decimal(100)
    questions_per_page: int = 1
    shuffle_questions: bool = False
    navigation: str = Quiz.Navigation.FREE
    review: dict[str, bool] = field(default_factory=dict)  # REVIEW_FIELDS → on/off

    @classmethod
    def of(cls, quiz: Quiz) -> QuizSettings:
        return cls(
            title=quiz.title,
            intro=quiz.intro,
            time_limit=quiz.time_limit,
            open_at=quiz.open_at,
            close_at=quiz.close_at,
            attempts_allowed=quiz.attempts_allowed,
            grading_method=quiz.grading_method,
            pass_mark=quiz.pass_mark,
            max_grade=quiz.max_grade,
            questions_per_page=quiz.questions_per_page,
            shuffle_questions=quiz.shuffle_questions,
            navigation=quiz.navigation,
            review={name: getattr(quiz, name) for name in REVIEW_FIELDS},
        )


def _settings_errors(data: QuizSettings) -> dict[str, str]:
    errors = _title_errors(data.title, data.intro)
    if data.time_limit is not None and not 1 <= data.time_limit <= MAX_TIME_LIMIT:
        errors["time_limit"] = (
            f"A time limit of {timing.duration_words(data.time_limit) if data.time_limit > 0 else data.time_limit} "
            "is not accepted: give between 1 minute and 7 days, or none."
        )
    if data.open_at and data.close_at and data.close_at <= data.open_at:
        errors["close_at"] = "The quiz must close after it opens: give a closing time after the opening time."
    if not 0 <= data.attempts_allowed <= 100:
        errors["attempts_allowed"] = (
            f"{data.attempts_allowed} attempts is not accepted: give 0 (unlimited) to 100."
        )
    if data.grading_method not in Quiz.GradingMethod.values:
        errors["grading_method"] = (
            f"“{data.grading_method}” is not a grading method: use one of {', '.join(Quiz.GradingMethod.values)}."
        )
    if not Decimal(0) <= data.pass_mark <= Decimal(100):
        errors["pass_mark"] = f"A pass mark of {data.pass_mark}% is not accepted: give 0 to 100."
    if not Decimal(0) < data.max_grade <= Decimal(100000):
        errors["max_grade"] = (
            f"A maximum grade of {data.max_grade} is not accepted: give more than 0, up to 100,000."
        )
    if not 0 <= data.questions_per_page <= 50:
        errors["questions_per_page"] = (
            f"{data.questions_per_page} questions a page is not accepted: give 1 to 50, or 0 for all on one page."
        )
    if data.navigation not in Quiz.Navigation.values:
        errors["navigation"] = (
            f"“{data.navigation}” is not a way of moving through the quiz: use free or sequential."
        )
    unknown = set(data.review) - set(REVIEW_FIELDS)
    if unknown:
        errors["review"] = f"Unknown review options: {', '.join(sorted(unknown))}."
    return errors


def quiz_update(*, actor, quiz: Quiz, data: QuizSettings, at: dt.datetime | None = None) -> Quiz:
    """Change the quiz's settings. Attempts in progress keep their deadline; a changed grading
    method, pass mark or maximum grade grades everyone's quiz again."""
    _require(actor, quiz)
    data.title, data.intro = (data.title or "").strip(), (data.intro or "").strip()
    errors = _settings_errors(data)
    if errors:
        raise ValidationError(errors)
    at = at or timezone.now()
    before = QuizSettings.of(quiz)
    values = asdict(data)
    review = values.pop("review")
    with transaction.atomic():
        quiz = Quiz.objects.select_for_update().select_related("course", "course__owner").get(pk=quiz.pk)
        for name, value in values.items():
            setattr(quiz, name, value)
        for name in REVIEW_FIELDS:
            if name in review:
                setattr(quiz, name, bool(review[name]))
        quiz.updated_at = at
        quiz.save()
        changed = {
            name: str(getattr(quiz, name))
            for name in [*values, *REVIEW_FIELDS]
            if str(getattr(before, name, before.review.get(name))) != str(getattr(quiz, name))
        }
        _audit(actor, "update", quiz, **changed)
        if {"grading_method", "pass_mark", "max_grade", "title"} & set(changed):
            quiz_results_refresh_soon(quiz, at=at)
    return quiz


# Up to this many people are graded again in the request that changed the quiz; more, by a task.
REFRESH_IN_REQUEST = 200


def quiz_results_refresh_soon(quiz: Quiz, *, at: dt.datetime) -> None:
    """Everyone's quiz grade again (the grading method, pass mark or maximum changed): at once for
    a few people, else by a task once the change is committed."""
    people = (
        Attempt.objects.filter(quiz=quiz, preview=False, state=Attempt.State.FINISHED)
        .values("person")
        .distinct()
    )
    if people.count() <= REFRESH_IN_REQUEST:
        quiz_results_refresh(quiz=quiz, at=at)
    else:
        from bluelamp.assessment.quizzes.tasks import refresh_quiz_results

        quiz_id = quiz.pk
        transaction.on_commit(lambda: refresh_quiz_results.enqueue(quiz_id))


# --- questions: slots ----------------------------------------------------------------------------


def _slots(quiz: Quiz) -> list[QuizSlot]:
    return list(QuizSlot.objects.select_for_update().filter(quiz=quiz).order_by("order"))


def _renumber(slots: list[QuizSlot], pages: list[int] | None = None) -> None:
    """Save `slots` in this order as 1, 2, 3…, with `pages` (by position) numbered 1, 2, 3…
    (default: each keeps its page). Two steps, so the unique order never collides."""
    if pages is None:
        pages = [slot.page for slot in slots]
    numbering: dict[int, int] = {}
    for page in pages:
        numbering.setdefault(page, len(numbering) + 1)
    for n, slot in enumerate(slots, start=1):
        slot.order = 100000 + n
    QuizSlot.objects.bulk_update(slots, ["order"])
    for n, (slot, page) in enumerate(zip(slots, pages, strict=True), start=1):
        slot.order = n
        slot.page = numbering[page]
    QuizSlot.objects.bulk_update(slots, ["order", "page"])


def _next_page(quiz: Quiz, slots: list[QuizSlot]) -> int:
    """Where a new question goes: the last page, or a new one when it is full."""
    if not slots:
        return 1
    last = slots[-1].page
    per_page = quiz.questions_per_page
    on_last = sum(1 for slot in slots if slot.page == last)
    return last + 1 if per_page and on_last >= per_page else last


def _usable(actor, question_ids) -> dict[int, Question]:
    questions = Question.objects.filter(pk__in=question_ids, bank__in=banks_usable(actor)).select_related(
        "current"
    )
    return {q.pk: q for q in questions}


def slots_add_questions(*, actor, quiz: Quiz, questions) -> list[QuizSlot]:
    """Add fixed questions at the end (each its bank's default mark), from banks the actor may
    use. A question already in the quiz, hidden or without content is refused by name."""
    _require(actor, quiz)
    wanted = [q.pk if isinstance(q, Question) else int(q) for q in questions]
    if not wanted:
        raise ValidationError({"questions": "Choose at least one question to add."})
    usable = _usable(actor, wanted)
    problems = []
    for pk in wanted:
        question = usable.get(pk)
        if question is None:
            problems.append(f"Question {pk} is not in a bank you may use.")
        elif question.hidden or question.current is None:
            problems.append(f"“{question.name}” is hidden in its bank and cannot be added.")
    with transaction.atomic():
        slots = _slots(quiz)
        present = {slot.question_id for slot in slots}
        for pk in wanted:
            if pk in present and pk in usable:
                problems.append(f"“{usable[pk].name}” is already in the quiz.")
        if problems:
            raise ValidationError({"questions": problems})
        added = []
        for pk in dict.fromkeys(wanted):
            question = usable[pk]
            assert question.current is not None
            slot = QuizSlot.objects.create(
                quiz=quiz,
                order=len(slots) + 1,
                page=_next_page(quiz, slots),
                mark=Decimal(0) if question.qtype == "description" else question.current.default_mark,
                question=question,
            )
            slots.append(slot)
            added.append(slot)
        _audit(actor, "questions.add", quiz, questions=[usable[pk].name for pk in dict.fromkeys(wanted)])
    return added


def _tag_names(tags) -> list[str]:
    if isinstance(tags, str):
        tags = tags.split(",")
    return sorted({t.strip() for t in tags or [] if t and t.strip()})


def slot_add_random(
    *,
    actor,
    quiz: Quiz,
    category: Category,
    count: int,
    include_subcategories: bool = True,
    tags=(),
    mark: Decimal = Decimal(1),
) -> list[QuizSlot]:
    """Add `count` random questions drawn from `category` (and below it), each having every tag
    of `tags`. Refused, naming the category, when it holds too few questions for these and the
    quiz's other draws from it."""
    _require(actor, quiz)
    tags = _tag_names(tags)
    errors = {}
    if not banks_usable(actor).filter(pk=category.bank_id).exists():
        errors["category"] = "Choose a category of a bank you may use."
    if not 1 <= count <= 100:
        errors["count"] = f"{count} questions is not accepted: add 1 to 100 at a time."
    mark = Decimal(mark)
    if not Decimal(0) <= mark <= MAX_MARK:
        errors["mark"] = f"A mark of {mark} is not accepted: give 0 to {MAX_MARK}."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        slots = _slots(quiz)
        probe = QuizSlot(quiz=quiz, category=category, include_subcategories=include_subcategories, tags=tags)
        pool = {question_id for question_id, _version in random_pool(probe)}
        fixed_in_pool = sum(1 for slot in slots if slot.question_id in pool)
        same_draws = sum(
            1
            for slot in slots
            if slot.category_id == category.pk
            and slot.include_subcategories == include_subcategories
            and sorted(slot.tags or []) == tags
        )
        available = len(pool) - fixed_in_pool - same_draws
        if available < count:
            where = f"“{category.path}”" + (" and its subcategories" if include_subcategories else "")
            having = f" tagged {', '.join(tags)}" if tags else ""
            others = fixed_in_pool + same_draws
            raise ValidationError(
                {
                    "count": f"{where} hold{'s' if not include_subcategories else ''} {len(pool)} question"
                    f"{'s' if len(pool) != 1 else ''}{having}"
                    + (f", {others} of them already drawn or used in this quiz" if others else "")
                    + f": you asked for {count}. "
                    + (
                        f"Add {available} or fewer, or choose a larger category."
                        if available > 0
                        else "None is left to draw: choose another category, or fewer tags."
                    )
                }
            )
        added = []
        for _ in range(count):
            slot = QuizSlot.objects.create(
                quiz=quiz,
                order=len(slots) + 1,
                page=_next_page(quiz, slots),
                mark=mark,
                category=category,
                include_subcategories=include_subcategories,
                tags=tags,
            )
            slots.append(slot)
            added.append(slot)
        _audit(actor, "questions.random", quiz, category=category.path, count=count, tags=tags)
    return added


def slots_update(*, actor, quiz: Quiz, marks: dict[int, str], pages: dict[int, str]) -> None:
    """Set each slot's mark and page (by slot id, as typed). Pages must follow the questions'
    order; they are numbered 1, 2, 3… again."""
    _require(actor, quiz)
    with transaction.atomic():
        slots = _slots(quiz)
        errors: list[str] = []
        new_marks: dict[int, Decimal] = {}
        new_pages: dict[int, int] = {}
        for slot in slots:
            raw_mark = str(marks.get(slot.pk, slot.mark)).strip()
            try:
                value = Decimal(raw_mark)
                if not value.is_finite():
                    raise ValueError
            except Exception:  # noqa: BLE001 - any unreadable number is the same mistake
                errors.append(
                    f"Question {slot.order}: the mark “{raw_mark}” is not a number; give 0 to {MAX_MARK}."
                )
                continue
            if not Decimal(0) <= value <= MAX_MARK:
                errors.append(
                    f"Question {slot.order}: a mark of {raw_mark} is not accepted; give 0 to {MAX_MARK}."
                )
            new_marks[slot.pk] = value.quantize(Decimal("0.0001"))
            raw_page = str(pages.get(slot.pk, slot.page)).strip()
            if not raw_page.isdigit() or int(raw_page) < 1:
                errors.append(
                    f"Question {slot.order}: the page “{raw_page}” is not accepted; give a whole number from 1."
                )
                continue
            new_pages[slot.pk] = int(raw_page)
        if not errors:
            previous = 0
            for slot in slots:
                if new_pages[slot.pk] < previous:
                    errors.append(
                        f"Question {slot.order} is on page {new_pages[slot.pk]}, before the page of the question "
                        f"above it ({previous}): pages must follow the questions' order. Move the question instead."
                    )
                previous = max(previous, new_pages[slot.pk])
        if errors:
            raise ValidationError({"slots": errors})
        for slot in slots:
            slot.mark = new_marks[slot.pk]
        QuizSlot.objects.bulk_update(slots, ["mark"])
        _renumber(slots, [new_pages[slot.pk] for slot in slots])
        _audit(
            actor,
            "questions.update",
            quiz,
            marks={s.order: str(s.mark) for s in slots},
            pages={s.order: s.page for s in slots},
        )


def slot_move(*, actor, quiz: Quiz, slot: QuizSlot, up: bool) -> None:
    """Move a question up or down one place; the pages stay where they are and the questions move
    through them."""
    _require(actor, quiz)
    with transaction.atomic():
        slots = _slots(quiz)
        index = next((i for i, s in enumerate(slots) if s.pk == slot.pk), None)
        if index is None:
            raise ValidationError("That question is no longer in the quiz.")
        other = index - 1 if up else index + 1
        if not 0 <= other < len(slots):
            return
        pages = [s.page for s in slots]
        slots[index], slots[other] = slots[other], slots[index]
        _renumber(slots, pages)
        _audit(actor, "questions.move", quiz, question=slot.order, to=other + 1)


def slot_remove(*, actor, quiz: Quiz, slot: QuizSlot) -> None:
    """Remove a question from the quiz (attempts that drew it keep it)."""
    _require(actor, quiz)
    with transaction.atomic():
        slots = _slots(quiz)
        if not any(s.pk == slot.pk for s in slots):
            return
        QuizSlot.objects.filter(pk=slot.pk).delete()
        remaining = [s for s in slots if s.pk != slot.pk]
        _renumber(remaining)
        _audit(actor, "questions.remove", quiz, question=slot.order)


def quiz_repaginate(*, actor, quiz: Quiz, per_page: int) -> None:
    """Put the questions `per_page` to a page (0: all on one), and keep that for new ones."""
    _require(actor, quiz)
    if not 0 <= per_page <= 50:
        raise ValidationError(
            {"per_page": f"{per_page} questions a page is not accepted: give 1 to 50, or 0 for one page."}
        )
    with transaction.atomic():
        slots = _slots(quiz)
        pages = [(n // per_page) + 1 if per_page else 1 for n in range(len(slots))]
        _renumber(slots, pages)
        Quiz.objects.filter(pk=quiz.pk).update(questions_per_page=per_page)
        quiz.questions_per_page = per_page
        _audit(actor, "questions.repaginate", quiz, per_page=per_page)


def slots_next_order(quiz: Quiz) -> int:
    return (quiz.slots.aggregate(m=Max("order"))["m"] or 0) + 1


# --- reasonable adjustments ----------------------------------------------------------------------


def adjustment_grant(
    *,
    actor,
    quiz: Quiz,
    person,
    reason: str,
    extra_time_seconds: int = 0,
    extra_time_percent: int = 0,
    extra_attempts: int = 0,
    at: dt.datetime | None = None,
) -> Adjustment:
    """Grant a learner on the course extra time (seconds and/or a percentage of the time limit)
    and/or extra attempts, with the reason. It replaces the one in force, if any; an attempt in
    progress gets the new deadline at once."""
    _require(actor, quiz)
    at = at or timezone.now()
    reason = (reason or "").strip()
    errors = text_errors(reason=reason, multiline=("reason",))
    if not reason:
        errors["reason"] = "Enter the reason for the adjustment (for example, the learner's support plan)."
    elif len(reason) > 2000:
        errors["reason"] = f"The reason is {len(reason)} characters long; use 2,000 or fewer."
    if not 0 <= extra_time_seconds <= MAX_TIME_LIMIT:
        errors["extra_time_seconds"] = (
            f"{extra_time_seconds} seconds of extra time is not accepted: give up to 7 days."
        )
    if not 0 <= extra_time_percent <= 400:
        errors["extra_time_percent"] = f"{extra_time_percent}% extra time is not accepted: give 0 to 400%."
    if not 0 <= extra_attempts <= 20:
        errors["extra_attempts"] = f"{extra_attempts} extra attempts is not accepted: give 0 to 20."
    if not (extra_time_seconds or extra_time_percent or extra_attempts) and not errors:
        errors["extra_time_seconds"] = "Give extra time, extra attempts, or both."
    enrolment = live_enrolment(person, quiz.course) if person is not None else None
    if person is None or enrolment is None:
        errors["person"] = f"They are not enrolled on {quiz.course.code}: enrol them first."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for old in Adjustment.objects.select_for_update().filter(
            quiz=quiz, person=person, revoked_at__isnull=True
        ):
            old.revoked_at, old.revoked_by, old.revoke_reason = at, actor, "Replaced by a new adjustment."
            old.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        adjustment = Adjustment.objects.create(
            quiz=quiz,
            person=person,
            extra_time_seconds=extra_time_seconds,
            extra_time_percent=extra_time_percent,
            extra_attempts=extra_attempts,
            reason=reason,
            granted_by=actor,
            granted_at=at,
        )
        audit_record(
            actor=actor,
            action="assessment.quiz.adjustment.grant",
            organisation=quiz.course.owner,
            obj=adjustment,
            object_label=f"{person.get_full_name()} on {quiz.title}",
            after={
                "extra_time_seconds": extra_time_seconds,
                "extra_time_percent": extra_time_percent,
                "extra_attempts": extra_attempts,
                "reason": reason,
            },
        )
        _extend_in_progress(quiz, person, adjustment)
    return adjustment


def _extend_in_progress(quiz: Quiz, person, adjustment: Adjustment | None) -> None:
    attempt = (
        Attempt.objects.select_for_update()
        .filter(quiz=quiz, person=person, preview=False, state=Attempt.State.IN_PROGRESS)
        .first()
    )
    if attempt is None:
        return
    attempt.deadline_at = timing.deadline_for(
        started_at=attempt.started_at,
        time_limit=quiz.time_limit,
        extra_seconds=adjustment.extra_seconds(quiz.time_limit) if adjustment else 0,
        close_at=quiz.close_at,
    )
    attempt.save(update_fields=["deadline_at"])


def adjustment_revoke(
    *, actor, adjustment: Adjustment, reason: str = "", at: dt.datetime | None = None
) -> Adjustment:
    """End an adjustment (it stays listed, with who ended it, when and why)."""
    quiz = adjustment.quiz
    _require(actor, quiz)
    at = at or timezone.now()
    reason = (reason or "").strip()
    errors = text_errors(reason=reason, multiline=("reason",))
    if len(reason) > 2000:
        errors["reason"] = f"The reason is {len(reason)} characters long; use 2,000 or fewer."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        adjustment = Adjustment.objects.select_for_update().get(pk=adjustment.pk)
        if adjustment.revoked_at is not None:
            return adjustment
        adjustment.revoked_at, adjustment.revoked_by, adjustment.revoke_reason = at, actor, reason
        adjustment.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        audit_record(
            actor=actor,
            action="assessment.quiz.adjustment.revoke",
            organisation=quiz.course.owner,
            obj=adjustment,
            object_label=f"{adjustment.person.get_full_name()} on {quiz.title}",
            after={"reason": reason},
        )
        _extend_in_progress(quiz, adjustment.person, None)
    return adjustment
