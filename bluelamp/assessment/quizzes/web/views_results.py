"""A quiz's results, question statistics and regrades, under /assessment/quizzes/<quiz>/:

- results/: the overview (attempts, average, pass rate, the grade distribution as a chart and a
  table), then learners × attempts with each question's mark, filtered; exports of that table and
  of the responses (CSV or XLSX, audited);
- results/<attempt>/: one attempt in full, question by question;
- statistics/: Moodle's question statistics and response counts, with exports;
- regrades/: regrade the finished attempts (a dry run first), and each run's changes.

Markers read results for the learners they may mark (results.py); regrades are for the course's
managers. Anyone else: "not found".
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from bluelamp.assessment.quizzes import regrade, results, statistics
from bluelamp.assessment.quizzes.models import Attempt, AttemptQuestion, Quiz
from bluelamp.assessment.shared.access import may_set_up
from bluelamp.assessment.shared.text import render_text
from bluelamp.audit.api import audit_record
from bluelamp.core import charts
from bluelamp.core.exports import dataset, dataset_download
from bluelamp.core.forms import add_service_errors
from bluelamp.core.timefmt import format_datetime, london

PAGE_SIZE = 50
FORMATS = ("csv", "xlsx")
# Passed and not passed: GOV.UK green and blue (3:1 or more against white); the table and the key
# name them, so colour is never the only sign.
COLOURS = {"Passed": "#00703c", "Not passed": "#1d70b8"}


def _crumbs(request, quiz: Quiz, *trail: tuple[str, str | None]) -> list[dict]:
    """Assessment › the quiz (its set-up page, for those who set it up) › the trail."""
    items = [{"text": "Assessment", "href": reverse("assessment:home")}]
    if may_set_up(request.user, quiz.course):
        items.append({"text": quiz.title, "href": reverse("assessment:quiz_manage", args=[quiz.uuid])})
    else:
        items.append({"text": quiz.title})
    items += [{"text": text, "href": link} if link else {"text": text} for text, link in trail]
    return items


def _tabs(request, quiz: Quiz, current: str) -> list[dict]:
    """The quiz's results pages, as links (the current one marked for screen readers)."""
    tabs = [
        ("results", "Results", reverse("assessment:quiz_results", args=[quiz.uuid])),
        ("statistics", "Question statistics", reverse("assessment:quiz_statistics", args=[quiz.uuid])),
        ("marking", "Essays to mark", reverse("assessment:quiz_marking_answers", args=[quiz.uuid])),
    ]
    if may_set_up(request.user, quiz.course):
        tabs.append(("regrades", "Regrade", reverse("assessment:quiz_regrades", args=[quiz.uuid])))
    return [{"key": k, "text": t, "href": h, "current": k == current} for k, t, h in tabs]


def _page(request, template: str, quiz: Quiz, tab: str, context: dict, status: int = 200):
    context = {"quiz": quiz, "tabs": _tabs(request, quiz, tab), **context}
    return render(request, template, context, status=status)


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Http404("No such download")
    return fmt


def _stamp(quiz: Quiz) -> str:
    return f"{quiz.course.code}-{quiz.uuid.hex[:8]}".replace(" ", "-")


# --- results ---------------------------------------------------------------------------------------


def _distribution_chart(quiz: Quiz, overview: results.Overview) -> charts.Chart:
    slots = [charts.Slot(label, f"grades of {label}") for label, _p, _f in overview.distribution]
    return charts.stacked_bars(
        id="grade-distribution",
        title=f"Learners' grades in {quiz.title}",
        slots=slots,
        series={
            "Passed": [p for _l, p, _f in overview.distribution],
            "Not passed": [f for _l, _p, f in overview.distribution],
        },
        colours=COLOURS,
        what="learners",
        slots_name="grade bands",
        stacked_by="whether they passed",
    )


def _filter(request) -> str:
    key = request.GET.get("show", "all")
    return key if key in results.FILTERS else "all"


@login_required
@require_GET
def quiz_results(request, quiz_uuid):
    quiz = results.access_quiz_results(request.user, quiz_uuid)
    overview = results.overview(request.user, quiz)
    show = _filter(request)
    attempts = results.ordered_attempts(
        results.filter_attempts(results.attempts_visible(request.user, quiz), quiz, show)
    )
    page = Paginator(attempts, PAGE_SIZE).get_page(request.GET.get("page"))
    return _page(
        request,
        "assessment/quizzes/results/results.html",
        quiz,
        "results",
        {
            "title": f"Results: {quiz.title}",
            "breadcrumbs": _crumbs(request, quiz, ("Results", None)),
            "overview": overview,
            "distribution_chart": _distribution_chart(quiz, overview),
            "columns": results.columns(quiz),
            "page": page,
            "rows": results.result_rows(quiz, page.object_list),
            "filters": results.FILTERS,
            "show": show,
            "n": results.number_words,
            "duration": results.duration_words,
        },
    )


@login_required
@require_GET
def quiz_results_attempt(request, quiz_uuid, attempt_uuid):
    quiz = results.access_quiz_results(request.user, quiz_uuid)
    attempt = results.access_attempt_results(request.user, quiz, attempt_uuid)
    items = results.review_items(attempt)
    may_mark = results.may_mark_attempt(request.user, attempt)
    return _page(
        request,
        "assessment/quizzes/results/attempt.html",
        quiz,
        "results",
        {
            "title": f"{attempt.person.get_full_name()}: attempt {attempt.number}",
            "breadcrumbs": _crumbs(
                request,
                quiz,
                ("Results", reverse("assessment:quiz_results", args=[quiz.uuid])),
                (f"{attempt.person.get_full_name()}, attempt {attempt.number}", None),
            ),
            "attempt": attempt,
            "items": items,
            "may_mark": may_mark and attempt.state == Attempt.State.FINISHED,
            "passed": results.attempt_passed(attempt),
            "time_taken": results.duration_words(results.time_taken(attempt)),
            "render": render_text,
            "n": results.number_words,
        },
    )


def _when(value) -> str:
    return london(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _person_cells(attempt: Attempt) -> list:
    person = attempt.person
    return [person.last_name, person.first_name, person.staff_number, person.email]


@login_required
@require_GET
def quiz_results_export(request, quiz_uuid, table, fmt):
    quiz = results.access_quiz_results(request.user, quiz_uuid)
    fmt = _format(fmt)
    if table not in ("results", "responses"):
        raise Http404("No such download")
    show = _filter(request)
    attempts = results.ordered_attempts(
        results.filter_attempts(results.attempts_visible(request.user, quiz), quiz, show)
    )
    columns = results.columns(quiz)
    base = ["Last name", "First name", "Staff number", "E-mail", "Attempt", "State", "Started", "Submitted"]
    if table == "results":
        headers = base + ["Time taken (minutes)", "Marks", "Out of", "Grade (%)", "Passed"]
        headers += [f"{c.label} mark" for c in columns]
    else:
        headers = base + ["Grade (%)"]
        for c in columns:
            headers += [
                f"{c.label} question",
                f"{c.label} response",
                f"{c.label} right answer",
                f"{c.label} mark",
            ]
    data = dataset(headers=headers, title="Results" if table == "results" else "Responses")
    rows = 0
    for chunk_start in range(0, attempts.count(), 500):
        chunk = list(attempts[chunk_start : chunk_start + 500])
        if table == "results":
            for row in results.result_rows(quiz, chunk):
                a = row.attempt
                minutes = round(row.time_taken.total_seconds() / 60, 1) if row.time_taken else None
                data.append(
                    _person_cells(a)
                    + [a.number, a.get_state_display(), _when(a.started_at), _when(a.submitted_at)]
                    + [minutes, a.sum_marks, a.max_marks, a.grade]
                    + ["" if row.passed is None else ("Yes" if row.passed else "No")]
                    + [_mark(row.marks.get(c.slot_number)) for c in columns]
                )
                rows += 1
        else:
            for attempt, answers in results.responses_of(chunk):
                cells = _person_cells(attempt) + [
                    attempt.number,
                    attempt.get_state_display(),
                    _when(attempt.started_at),
                    _when(attempt.submitted_at),
                    attempt.grade,
                ]
                for c in columns:
                    answer = answers.get(c.slot_number)
                    cells += list(answer) if answer else ["", "", "", None]
                data.append(cells)
                rows += 1
    audit_record(
        actor=request.user,
        action="assessment.quiz.results.export",
        organisation=quiz.course.owner,
        obj=quiz,
        object_label=f"{quiz.title}: {table} ({show}), {fmt}",
        after={"table": table, "filter": show, "format": fmt, "rows": rows},
    )
    return dataset_download(data, fmt=fmt, filename=f"quiz-{table}-{_stamp(quiz)}.{fmt}")


def _mark(question) -> Decimal | None:
    return None if question is None else question.mark


# --- statistics ------------------------------------------------------------------------------------


def _which(request) -> str:
    which = request.GET.get("attempts", "all")
    return which if which in statistics.WHICH else "all"


@login_required
@require_GET
def quiz_statistics(request, quiz_uuid):
    quiz = results.access_quiz_results(request.user, quiz_uuid)
    which = _which(request)
    stats = statistics.quiz_statistics(request.user, quiz, which=which)
    return _page(
        request,
        "assessment/quizzes/results/statistics.html",
        quiz,
        "statistics",
        {
            "title": f"Question statistics: {quiz.title}",
            "breadcrumbs": _crumbs(request, quiz, ("Question statistics", None)),
            "stats": stats,
            "which": which,
            "choices": statistics.WHICH,
            "thresholds": {
                "low": statistics.FACILITY_LOW,
                "high": statistics.FACILITY_HIGH,
                "weak": statistics.DISCRIMINATION_WEAK,
            },
        },
    )


@login_required
@require_GET
def quiz_statistics_export(request, quiz_uuid, fmt):
    quiz = results.access_quiz_results(request.user, quiz_uuid)
    fmt = _format(fmt)
    which = _which(request)
    stats = statistics.quiz_statistics(request.user, quiz, which=which, responses=False)
    data = dataset(headers=statistics.HEADERS, title="Question statistics")
    for row in statistics.export_rows(stats):
        data.append(row)
    audit_record(
        actor=request.user,
        action="assessment.quiz.statistics.export",
        organisation=quiz.course.owner,
        obj=quiz,
        object_label=f"{quiz.title}: question statistics ({which}), {fmt}",
        after={"attempts": which, "format": fmt},
    )
    return dataset_download(data, fmt=fmt, filename=f"quiz-statistics-{_stamp(quiz)}.{fmt}")


# --- regrades ----------------------------------------------------------------------------------------


class RegradeForm(forms.Form):
    how = forms.ChoiceField(
        label="How to regrade",
        choices=[
            ("remark", "Mark each answer again against the version of the question the learner saw"),
            ("latest", "Move each answer to its question's latest version, and mark it against that"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how to regrade: against the version each learner saw, or the latest version",
            "invalid_choice": "Choose how to regrade: against the version each learner saw, or the latest version",
        },
    )
    slots = forms.MultipleChoiceField(
        label="Questions (optional)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave them all unticked to regrade every question.",
        error_messages={"invalid_choice": "Choose questions from the list: “%(value)s” is not one of them"},
    )

    def __init__(self, *args, slot_choices, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["slots"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = slot_choices


def _regrade_access(request, quiz_uuid) -> Quiz:
    quiz = results.access_quiz_results(request.user, quiz_uuid)
    if not may_set_up(request.user, quiz.course):
        raise Http404("No such quiz")
    return quiz


@login_required
def quiz_regrades(request, quiz_uuid):
    quiz = _regrade_access(request, quiz_uuid)
    columns = results.columns(quiz)
    moves = regrade.version_moves(quiz)
    drawn = {m.slot_number for m in moves}
    choices = [(str(c.slot_number), f"{c.label}: {c.title}") for c in columns if c.slot_number in drawn]
    form = RegradeForm(request.POST or None, slot_choices=choices, initial={"how": "remark"})
    if request.method == "POST" and form.is_valid():
        dry_run = request.POST.get("action") != "apply"
        try:
            run = regrade.regrade_start(
                actor=request.user,
                quiz=quiz,
                to_latest_version=form.cleaned_data["how"] == "latest",
                slots=[int(s) for s in form.cleaned_data["slots"]],
                dry_run=dry_run,
            )
        except PermissionDenied:
            raise Http404("No such quiz") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if run.finished_at is not None:
                done = "Dry run finished" if run.dry_run else "Regrade finished"
                messages.success(
                    request,
                    f"{done}: {run.questions_changed} answer{'s' if run.questions_changed != 1 else ''} "
                    f"{'would change' if run.dry_run else 'changed'} in {run.attempts_regraded} attempts.",
                )
            return redirect("assessment:quiz_regrade", quiz.uuid, run.uuid)
    runs = list(regrade.runs_of(quiz)[:50])
    return _page(
        request,
        "assessment/quizzes/results/regrades.html",
        quiz,
        "regrades",
        {
            "title": f"Regrade: {quiz.title}",
            "breadcrumbs": _crumbs(request, quiz, ("Regrade", None)),
            "form": form if form.errors else None,
            "regrade_form": form,
            "moves": moves,
            "finished": regrade.finished_attempts(quiz).count(),
            "runs": runs,
            "describe": regrade.describe,
            "failure": regrade.failure_of,
            "in_request": regrade.IN_REQUEST,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def quiz_regrade(request, quiz_uuid, run_uuid):
    quiz = _regrade_access(request, quiz_uuid)
    run = regrade.access_run(quiz, run_uuid)
    running = run.finished_at is None and not regrade.failure_of(run)
    if request.htmx and not running:
        return HttpResponse(headers={"HX-Refresh": "true"})  # finished: show the whole page
    total = regrade.finished_attempts(quiz).count()
    context = {
        "title": f"Regrade of {format_datetime(run.started_at)}",
        "breadcrumbs": _crumbs(
            request,
            quiz,
            ("Regrade", reverse("assessment:quiz_regrades", args=[quiz.uuid])),
            (format_datetime(run.started_at), None),
        ),
        "run": run,
        "running": running,
        "failure": regrade.failure_of(run),
        "total": max(total, run.attempts_regraded),
        "description": regrade.describe(run),
        "n": results.number_words,
        "state": lambda value: dict(AttemptQuestion.State.choices).get(value, value or "—"),
    }
    if request.htmx:
        return render(request, "assessment/quizzes/results/_regrade_progress.html", {"quiz": quiz, **context})
    page = Paginator(regrade.changes_of(run), PAGE_SIZE).get_page(request.GET.get("page"))
    return _page(
        request,
        "assessment/quizzes/results/regrade.html",
        quiz,
        "regrades",
        {**context, "page": page},
    )
