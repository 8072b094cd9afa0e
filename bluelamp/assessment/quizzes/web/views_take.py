"""Taking a quiz, for learners on the course (and course managers previewing it): the start page
(rules, earlier attempts, start or continue), the attempt's pages (answers saved by the page's
buttons and by autosave), the summary before submitting, the confirmation, and the review.

Every page works without JavaScript. With it, attempt.js saves the page's answers every 20
seconds and on each change (to `quiz_attempt_save`, which answers JSON), counts the time down,
and hands the attempt in when time is up. Time is the server's: a request that touches an attempt
past its deadline finishes it first, and late answers are refused.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bluelamp.assessment.quizzes import marking, selectors, timing
from bluelamp.assessment.quizzes.attempts import (
    AttemptRefused,
    attempt_questions,
    attempt_save,
    attempt_start,
    attempt_submit,
    finish_if_overdue,
    start_check,
)
from bluelamp.assessment.quizzes.models import Attempt, Quiz
from bluelamp.assessment.quizzes.web import answers, clock
from bluelamp.assessment.shared.access import may_set_up
from bluelamp.assessment.shared.text import render_text
from bluelamp.core.timefmt import format_datetime


def _course_crumbs(quiz: Quiz, attempt: Attempt | None = None) -> list[dict]:
    if attempt is not None and attempt.preview:
        return [
            {"text": "Quizzes", "href": reverse("assessment:quiz_list")},
            {"text": quiz.title, "href": reverse("assessment:quiz_manage", args=[quiz.uuid])},
        ]
    return [
        {"text": "My learning", "href": reverse("learning:my_learning")},
        {"text": quiz.course.title, "href": reverse("learning:course", args=[quiz.course.uuid])},
        {"text": quiz.title, "href": reverse("assessment:quiz_start", args=[quiz.uuid])},
    ]


def _timer(attempt: Attempt, at: dt.datetime) -> dict | None:
    if attempt.deadline_at is None:
        return None
    return {
        "seconds_left": timing.seconds_left(attempt.deadline_at, at),
        "deadline": format_datetime(attempt.deadline_at),
        "deadline_iso": attempt.deadline_at.isoformat(),
        "announce_at": ",".join(str(s) for s in timing.ANNOUNCE_AT),
        "words": timing.duration_words(timing.seconds_left(attempt.deadline_at, at))
        if attempt.deadline_at > at
        else "",
    }


def _time_up_message(request, attempt: Attempt) -> None:
    if attempt.submitted_by_timer:
        messages.info(
            request,
            f"Time ran out at {format_datetime(attempt.deadline_at)}: your attempt was submitted with the answers "
            "saved by then.",
        )


# --- the start page --------------------------------------------------------------------------------


def _attempt_rows(quiz: Quiz, attempts: list[Attempt], at: dt.datetime) -> list[dict]:
    rows = []
    for attempt in attempts:
        review = (
            selectors.review_now(attempt, at, quiz=quiz) if attempt.state == Attempt.State.FINISHED else None
        )
        rows.append({"attempt": attempt, "review": review})
    return rows


@login_required
def quiz_start(request, quiz_uuid):
    """The quiz's front page for a learner: its rules, their attempts, and "Start attempt" or
    "Continue your attempt" (a POST starts one)."""
    quiz, enrolment = selectors.access_quiz_to_take(request.user, quiz_uuid)
    at = clock.now()
    if request.method == "POST":
        # The one in progress (finished first if its time ran out), or a new one.
        try:
            attempt = attempt_start(person=request.user, quiz=quiz, enrolment=enrolment, at=at)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("assessment:quiz_start", quiz.uuid)
        if attempt.state != Attempt.State.IN_PROGRESS:
            _time_up_message(request, attempt)
            return redirect("assessment:quiz_start", quiz.uuid)
        return redirect(reverse("assessment:quiz_attempt", args=[attempt.uuid]))
    adjustment = selectors.adjustment_for(quiz, request.user)
    check = start_check(quiz, request.user, at=at, adjustment=adjustment)
    if check.in_progress is not None and timing.is_past(check.in_progress.deadline_at, at):
        finish_if_overdue(check.in_progress, at=at)
        check = start_check(quiz, request.user, at=at, adjustment=adjustment)
    finished = [a for a in check.attempts if a.state == Attempt.State.FINISHED]
    grade = selectors.quiz_grade(quiz, check.attempts)
    show_grade = bool(finished) and selectors.review_now(finished[-1], at, quiz=quiz).marks
    extra = adjustment.extra_seconds(quiz.time_limit) if adjustment else 0
    return render(
        request,
        "assessment/quizzes/take/start.html",
        {
            "title": quiz.title,
            "quiz": quiz,
            "intro": render_text(quiz.intro, "markdown"),
            "check": check,
            "attempt_rows": _attempt_rows(quiz, check.attempts, at),
            "grade": grade if show_grade else None,
            "passed": selectors.passed(quiz, grade) if show_grade else None,
            "waiting": any(a.needs_marking for a in finished),
            "adjustment": adjustment,
            "time_words": timing.duration_words(quiz.time_limit + extra if quiz.time_limit else None),
            "extra_words": timing.duration_words(extra) if extra else "",
            "breadcrumbs": _course_crumbs(quiz)[:-1],
        },
    )


# --- the attempt's pages ------------------------------------------------------------------------------


def _live_attempt(request, attempt_uuid) -> tuple[Attempt, dt.datetime]:
    attempt = selectors.access_own_attempt(request.user, attempt_uuid)
    at = clock.now()
    return finish_if_overdue(attempt, at=at), at


def _after(attempt: Attempt):
    return redirect(reverse("assessment:quiz_attempt_review", args=[attempt.uuid]))


def _page_number(attempt: Attempt, wanted) -> int:
    try:
        page = int(wanted)
    except (TypeError, ValueError):
        page = attempt.current_page
    page = min(max(1, page), attempt.pages)
    if attempt.quiz.navigation == Quiz.Navigation.SEQUENTIAL:
        # No going back, and no skipping ahead: the page the learner is on.
        page = attempt.current_page
    return page


def _target(attempt: Attempt, page: int, nav: str) -> int | str:
    """Where a page's button leads: a page number, or "summary"."""
    free = attempt.quiz.navigation == Quiz.Navigation.FREE
    if nav == "previous" and free:
        return max(1, page - 1)
    if nav == "next":
        return page + 1 if page < attempt.pages else "summary"
    if nav == "summary":
        return "summary" if free or page == attempt.pages else page + 1
    if nav.startswith("page-") and free and nav[5:].isdigit():
        return min(max(1, int(nav[5:])), attempt.pages)
    return page


def _sequence(request) -> int:
    raw = request.POST.get("seq", "")
    return int(raw) if raw.isdigit() and len(raw) < 19 else 0


@login_required
def attempt_page(request, attempt_uuid):
    attempt, at = _live_attempt(request, attempt_uuid)
    if attempt.state != Attempt.State.IN_PROGRESS:
        _time_up_message(request, attempt)
        return _after(attempt)
    if request.method == "POST":
        page = _page_number(attempt, request.POST.get("page"))
        posted_page = request.POST.get("page", "")
        nav = request.POST.get("nav", "") or ("timeup" if request.POST.get("timeup") else "")
        target = _target(attempt, page, nav)
        saved = attempt_save(
            person=request.user,
            attempt=attempt,
            page=page,
            read=lambda question, row: answers.read(question, row, request.POST),
            sequence=_sequence(request),
            current_page=target if isinstance(target, int) else None,
            at=at,
        ) if str(page) == posted_page else None  # fmt: skip
        if saved is not None and saved.finished:
            _time_up_message(request, saved.attempt)
            return _after(saved.attempt)
        if nav == "timeup":
            seconds = timing.seconds_left(attempt.deadline_at, at)
            if seconds is not None and seconds <= timing.GRACE_SECONDS:
                finished = attempt_submit(person=request.user, attempt=attempt, at=at, timer=True)
                _time_up_message(request, finished)
                return _after(finished)
        if target == "summary":
            return redirect(reverse("assessment:quiz_attempt_summary", args=[attempt.uuid]))
        return redirect(reverse("assessment:quiz_attempt", args=[attempt.uuid]) + f"?page={target}")
    page = _page_number(attempt, request.GET.get("page"))
    rows = attempt_questions(attempt, page=page)
    everything = attempt_questions(attempt) if attempt.pages > 1 else rows
    number = answers.numbers(everything)
    items = [answers.shown(row, question, number.get(row.pk)) for row, question in rows]
    return render(
        request,
        "assessment/quizzes/take/attempt.html",
        {
            "title": f"{attempt.quiz.title}: page {page} of {attempt.pages}",
            "quiz": attempt.quiz,
            "attempt": attempt,
            "page": page,
            "items": items,
            "timer": _timer(attempt, at),
            "free": attempt.quiz.navigation == Quiz.Navigation.FREE,
            "pages": range(1, attempt.pages + 1),
            "saved_at": format_datetime(attempt.last_saved_at) if attempt.last_saved_at else "",
            "breadcrumbs": _course_crumbs(attempt.quiz, attempt),
        },
    )


@login_required
@require_POST
def attempt_autosave(request, attempt_uuid):
    """attempt.js's save of the page's answers: JSON back (what was saved, the seconds left), or
    409 with where to go once the attempt is finished (time ran out). A handful of queries: the
    attempt (locked), the page's questions, and the writes."""
    page_raw = request.POST.get("page", "")
    try:
        saved = attempt_save(
            person=request.user,
            attempt=attempt_uuid,
            page=int(page_raw) if page_raw.isdigit() and len(page_raw) < 6 else 0,
            read=lambda question, row: answers.read(question, row, request.POST),
            sequence=_sequence(request),
            at=clock.now(),
        )
    except Http404:
        return JsonResponse({"error": "No such attempt."}, status=404)
    except AttemptRefused as refused:
        return JsonResponse({"error": " ".join(refused.messages)}, status=400)
    if saved.finished or saved.attempt.state != Attempt.State.IN_PROGRESS:
        review = reverse("assessment:quiz_attempt_review", args=[saved.attempt.uuid])
        return JsonResponse({"finished": True, "redirect": review}, status=409)
    at = saved.attempt.last_saved_at
    return JsonResponse(
        {
            "saved": True,
            "changed": saved.changed,
            "saved_at": format_datetime(at),
            "seconds_left": timing.seconds_left(saved.attempt.deadline_at, at) if at else None,
        }
    )


@login_required
def attempt_summary(request, attempt_uuid):
    attempt, at = _live_attempt(request, attempt_uuid)
    if attempt.state != Attempt.State.IN_PROGRESS:
        _time_up_message(request, attempt)
        return _after(attempt)
    rows = attempt_questions(attempt)
    number = answers.numbers(rows)
    items = [
        {
            "number": number[row.pk],
            "slot": row.slot_number,
            "page": row.page,
            "status": answers.status_of(question, row.response),
        }
        for row, question in rows
        if row.pk in number
    ]
    return render(
        request,
        "assessment/quizzes/take/summary.html",
        {
            "title": f"{attempt.quiz.title}: summary of your attempt",
            "quiz": attempt.quiz,
            "attempt": attempt,
            "items": items,
            "unanswered": sum(1 for i in items if i["status"] != "Answer saved"),
            "timer": _timer(attempt, at),
            "free": attempt.quiz.navigation == Quiz.Navigation.FREE,
            "breadcrumbs": _course_crumbs(attempt.quiz, attempt),
        },
    )


@login_required
def attempt_finish(request, attempt_uuid):
    """ "Submit all and finish": a confirmation, then the attempt is marked."""
    attempt, at = _live_attempt(request, attempt_uuid)
    if attempt.state != Attempt.State.IN_PROGRESS:
        _time_up_message(request, attempt)
        return _after(attempt)
    if request.method == "POST":
        try:
            attempt = attempt_submit(person=request.user, attempt=attempt, at=at)
        except PermissionDenied:
            raise Http404("No such attempt") from None
        if attempt.submitted_by_timer:
            _time_up_message(request, attempt)
        else:
            messages.success(request, "Your attempt is submitted.")
        return _after(attempt)
    rows = attempt_questions(attempt)
    unanswered = sum(
        1
        for _row, q in rows
        if q.type != "description" and answers.status_of(q, _row.response) != "Answer saved"
    )
    return render(
        request,
        "assessment/quizzes/take/finish.html",
        {
            "title": "Submit all your answers and finish?",
            "quiz": attempt.quiz,
            "attempt": attempt,
            "unanswered": unanswered,
            "timer": _timer(attempt, at),
            "breadcrumbs": _course_crumbs(attempt.quiz, attempt),
        },
    )


# --- review -------------------------------------------------------------------------------------------


def review_items(attempt: Attempt, review: selectors.Review) -> list[dict]:
    rows = attempt_questions(attempt)
    number = answers.numbers(rows)
    items = []
    for row, question in rows:
        outcome = (
            marking.grade(question, row.response) if question.type not in ("essay", "description") else None
        )
        items.append(
            {
                "shown": answers.shown(row, question, number.get(row.pk), disabled=True),
                "response": marking.summarise(question, row.response),
                "right_answer": marking.right_answer(question),
                "feedback": [render_text(text, "html") for text in (outcome.feedback if outcome else ())],
                "general_feedback": render_text(question.general_feedback, "html"),
                "state": row.get_state_display(),
                "row": row,
                "question": question,
            }
        )
    return items


@login_required
def attempt_review(request, attempt_uuid):
    attempt, at = _live_attempt(request, attempt_uuid)
    if attempt.state == Attempt.State.IN_PROGRESS:
        return redirect(reverse("assessment:quiz_attempt", args=[attempt.uuid]))
    quiz = attempt.quiz
    full = attempt.preview or may_set_up(request.user, quiz.course)
    review = selectors.FULL_REVIEW if full else selectors.review_now(attempt, at, quiz=quiz)
    took = (attempt.submitted_at - attempt.started_at) if attempt.submitted_at else None
    return render(
        request,
        "assessment/quizzes/take/review.html",
        {
            "title": f"{quiz.title}: review of attempt {attempt.number}",
            "quiz": quiz,
            "attempt": attempt,
            "review": review,
            "items": review_items(attempt, review)
            if (
                review.responses
                or review.marks
                or review.right_answers
                or review.feedback
                or review.general_feedback
            )
            else [],
            "took": timing.duration_words(int(took.total_seconds())) if took else "",
            "passed": selectors.passed(quiz, attempt.grade),
            "breadcrumbs": _course_crumbs(quiz, attempt),
        },
    )
