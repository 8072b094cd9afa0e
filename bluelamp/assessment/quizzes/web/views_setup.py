"""Setting quizzes up, for a course's managers: the list of their quizzes, a new quiz added to a
course's draft, its overview and settings, its questions (fixed ones from the banks they may use,
random ones from a category, marks, order, pages), reasonable adjustments, and a preview.
Anyone else is told "not found"."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bluelamp.assessment.banks.models import Category, Question
from bluelamp.assessment.banks.selectors import banks_usable, questions_of
from bluelamp.assessment.formats.questions import QUESTION_TYPES
from bluelamp.assessment.quizzes import selectors, services, timing
from bluelamp.assessment.quizzes.models import Adjustment, Quiz, QuizSlot
from bluelamp.assessment.quizzes.web.forms import (
    AdjustmentForm,
    QuizAddForm,
    QuizSettingsForm,
    RandomQuestionsForm,
    RepaginateForm,
    RevokeForm,
)
from bluelamp.assessment.shared.access import may_set_up
from bluelamp.core.forms import add_service_errors
from bluelamp.learning.api import access_course, draft_version, enrolments_of_course

PAGE_SIZE = 50


def _errors(form, error: ValidationError, renames: dict[str, str] | None = None) -> None:
    if hasattr(error, "error_dict") and renames:
        error = ValidationError({renames.get(k, k): v for k, v in error.message_dict.items()})
    add_service_errors(form, error)


def results_href(quiz: Quiz) -> str:
    """The results part's page of the quiz, once it is there."""
    try:
        return reverse("assessment:quiz_results", args=[quiz.uuid])
    except NoReverseMatch:
        return ""


def crumbs(quiz: Quiz | None = None, course=None) -> list[dict]:
    course = course or (quiz.course if quiz else None)
    trail = [{"text": "Quizzes", "href": reverse("assessment:quiz_list")}]
    if course is not None:
        trail.append({"text": course.code, "href": reverse("learning:manage_course", args=[course.uuid])})
    if quiz is not None:
        trail.append({"text": quiz.title, "href": reverse("assessment:quiz_manage", args=[quiz.uuid])})
    return trail


def _page(request, template: str, quiz: Quiz | None, context: dict, *, status: int = 200):
    context.setdefault("quiz", quiz)
    context.setdefault("breadcrumbs", crumbs(quiz, context.get("course")))
    context.setdefault("results_href", results_href(quiz) if quiz else "")
    return render(request, f"assessment/quizzes/setup/{template}", context, status=status)


# --- the list and a new quiz ----------------------------------------------------------------------


@login_required
def quiz_list(request):
    quizzes = selectors.quizzes_set_up_by(request.user).annotate(
        questions=Count("slots", distinct=True),
        learners=Count("attempts__person", filter=Q(attempts__preview=False), distinct=True),
    )
    page = Paginator(quizzes, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assessment/quizzes/setup/list.html",
        {"title": "Quizzes", "page": page, "breadcrumbs": [], "duration_words": timing.duration_words},
    )


@login_required
def quiz_add(request, course_uuid):
    course = access_course(request.user, course_uuid)
    if not may_set_up(request.user, course):
        raise Http404("No such course")
    draft = draft_version(course)
    form = QuizAddForm(request.POST or None, initial={"required": True})
    if request.method == "POST" and form.is_valid() and draft is not None:
        data = form.cleaned_data
        try:
            quiz = services.quiz_create(
                actor=request.user,
                course=course,
                title=data["title"],
                intro=data["intro"],
                required=data["required"],
            )
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(
                request,
                f"“{quiz.title}” is added to version {draft.number}. Set it up, then add its questions.",
            )
            return redirect("assessment:quiz_settings", quiz.uuid)
    return _page(
        request,
        "add.html",
        None,
        {
            "title": "Add a quiz",
            "course": course,
            "draft": draft,
            "add_form": form,
            "form": form if form.is_bound and form.errors else None,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


# --- one quiz ------------------------------------------------------------------------------------


@login_required
def quiz_manage(request, quiz_uuid):
    quiz = selectors.access_quiz_to_set_up(request.user, quiz_uuid)
    slots = list(selectors.slots_of(quiz))
    return _page(
        request,
        "manage.html",
        quiz,
        {
            "title": quiz.title,
            "slots": slots,
            "total": sum((s.mark for s in slots), Decimal(0)),
            "adjustments": Adjustment.objects.filter(quiz=quiz, revoked_at__isnull=True).count(),
            "duration_words": timing.duration_words,
            "preview": quiz.attempts.filter(person=request.user, preview=True, state="in_progress").first(),
        },
    )


@login_required
def quiz_settings(request, quiz_uuid):
    quiz = selectors.access_quiz_to_set_up(request.user, quiz_uuid)
    form = QuizSettingsForm(request.POST or None, initial=QuizSettingsForm.initial_of(quiz))
    if request.method == "POST" and form.is_valid():
        settings = form.settings()
        if settings is not None:
            try:
                services.quiz_update(actor=request.user, quiz=quiz, data=settings)
            except ValidationError as error:
                _errors(form, error, QuizSettingsForm.FIELDS)
            else:
                messages.success(request, "The quiz's settings are saved.")
                return redirect("assessment:quiz_manage", quiz.uuid)
    errors = form.is_bound and bool(form.errors)
    return _page(
        request,
        "settings.html",
        quiz,
        {"title": f"Settings of “{quiz.title}”", "settings_form": form, "form": form if errors else None},
        status=400 if errors else 200,
    )


# --- questions -----------------------------------------------------------------------------------


def _slot(quiz: Quiz, slot_id: int) -> QuizSlot:
    slot = QuizSlot.objects.filter(quiz=quiz, pk=slot_id).first()
    if slot is None:
        raise Http404("No such question in the quiz")
    return slot


def _questions_page(request, quiz, *, problems=(), typed=None, repaginate_form=None, status=200):
    slots = list(selectors.slots_of(quiz))
    typed = typed or {}
    rows = [
        {
            "slot": slot,
            "mark": typed.get(f"mark-{slot.pk}", f"{slot.mark.normalize():f}"),
            "page": typed.get(f"page-{slot.pk}", str(slot.page)),
        }
        for slot in slots
    ]
    repaginate_form = repaginate_form or RepaginateForm(initial={"per_page": quiz.questions_per_page})
    return _page(
        request,
        "questions.html",
        quiz,
        {
            "title": f"Questions of “{quiz.title}”",
            "rows": rows,
            "total": sum((s.mark for s in slots), Decimal(0)),
            "problems": list(problems),
            "repaginate_form": repaginate_form,
            "form": repaginate_form if repaginate_form.is_bound and repaginate_form.errors else None,
            "in_use": quiz.attempts.filter(preview=False).exists(),
        },
        status=status,
    )


@login_required
def quiz_questions(request, quiz_uuid):
    """The quiz's questions, with their marks and pages (one form saves them all)."""
    quiz = selectors.access_quiz_to_set_up(request.user, quiz_uuid)
    if request.method == "POST":
        marks, pages = {}, {}
        for slot in quiz.slots.all():
            marks[slot.pk] = request.POST.get(f"mark-{slot.pk}", slot.mark)
            pages[slot.pk] = request.POST.get(f"page-{slot.pk}", slot.page)
        try:
            services.slots_update(actor=request.user, quiz=quiz, marks=marks, pages=pages)
        except ValidationError as error:
            return _questions_page(request, quiz, problems=error.messages, typed=request.POST, status=400)
        messages.success(request, "Marks and pages saved.")
        return redirect("assessment:quiz_questions", quiz.uuid)
    return _questions_page(request, quiz)


@login_required
@require_POST
def quiz_slot_move(request, quiz_uuid, slot_id):
    quiz = selectors.access_quiz_to_set_up(request.user, quiz_uuid)
    slot = _slot(quiz, slot_id)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        raise Http404("No such direction")
    services.slot_move(actor=request.user, quiz=quiz, slot=slot, up=direction == "up")
    return redirect(reverse("assessment:quiz_questions", args=[quiz.uuid]) + f"#slot-{slot.pk}")


@login_required
def quiz_slot_remove(request, quiz_uuid, slot_id):
    quiz = selectors.access_quiz_to_set_up(request.user, quiz_uuid)
    slot = _slot(quiz, slot_id)
    if request.method == "POST":
        services.slot_remove(actor=request.user, quiz=quiz, slot=slot)
        messages.success(request, f"Question {slot.order} is removed from the quiz.")
        return redirect("assessment:quiz_questions", quiz.uuid)
    return _page(
        request,
        "slot_remove.html",
        quiz,
        {"title": f"Remove question {slot.order} from “{quiz.title}”?", "slot": slot},
    )


@login_required
@require_POST
def quiz_repaginate(request, quiz_uuid):
    quiz = selectors.access_quiz_to_set_up(request.user, quiz_uuid)
    form = RepaginateForm(request.POST)
    if form.is_valid():
        try:
            services.quiz_repaginate(actor=request.user, quiz=quiz, per_page=form.cleaned_data["per_page"])
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, "The questions are on new pages.")
            return redirect("assessment:quiz_questions", quiz.uuid)
    return _questions_page(request, quiz, repaginate_form=form, status=400)


def _category_choices(actor) -> list[tuple[str, str]]:
    categories = (
        Category.objects.filter(bank__in=banks_usable(actor))
        .select_related("bank")
        .order_by("bank__name", "path")
    )
    return [(str(c.uuid), f"{c.bank.name} › {c.path}") for c in categories]


@login_required
def quiz_questions_add(request, quiz_uuid):
    """Find questions in the banks the manager may use (by bank, category, tag, type and words)
    and add the ones ticked."""
    quiz = selectors.access_quiz_to_set_up(request.user, quiz_uuid)
    banks = list(banks_usable(request.user).select_related("owner").order_by("name"))
    problems: list[str] = []
    if request.method == "POST":
        wanted = [v for v in request.POST.getlist("questions") if v.isdigit()]
        try:
            added = services.slots_add_questions(
                actor=request.user, quiz=quiz, questions=[int(v) for v in wanted]
            )
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(request, f"{len(added)} question{'s' if len(added) != 1 else ''} added.")
            return redirect("assessment:quiz_questions", quiz.uuid)
    bank = next((b for b in banks if str(b.uuid) == request.GET.get("bank", "")), banks[0] if banks else None)
    category = None
    found = Question.objects.none()
    if bank is not None:
        category = (
            Category.objects.filter(bank=bank, uuid=request.GET.get("category") or None).first()
            if request.GET.get("category")
            else None
        )
        qtype = request.GET.get("type", "")
        found = questions_of(
            bank,
            category=category,
            subcategories=request.GET.get("subcategories", "1") == "1",
            tags=[t for t in [request.GET.get("tag", "").strip()] if t],
            qtype=qtype if qtype in QUESTION_TYPES else "",
            query=request.GET.get("q", "").strip()[:100],
        )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    present = set(quiz.slots.filter(question__isnull=False).values_list("question_id", flat=True))
    return _page(
        request,
        "questions_add.html",
        quiz,
        {
            "title": f"Add questions to “{quiz.title}”",
            "banks": banks,
            "bank": bank,
            "categories": list(bank.categories.order_by("path")) if bank else [],
            "category": category,
            "types": QUESTION_TYPES,
            "page": page,
            "present": present,
            "problems": problems,
            "chosen": set(request.POST.getlist("questions")),
        },
        status=400 if problems else 200,
    )


@login_required
def quiz_questions_random(request, quiz_uuid):
    quiz = selectors.access_quiz_to_set_up(request.user, quiz_uuid)
    choices = _category_choices(request.user)
    form = RandomQuestionsForm(
        request.POST or None,
        categories=choices,
        initial={"include_subcategories": True, "count": 1, "mark": "1"},
    )
    if request.method == "POST" and form.is_valid():
        mark = form.cleaned_data["mark"]
        category = Category.objects.filter(
            uuid=form.cleaned_data["category"], bank__in=banks_usable(request.user)
        ).first()
        if category is None:
            form.add_error("category", "Choose a category of a bank you may use.")
        if category is not None:
            try:
                added = services.slot_add_random(
                    actor=request.user,
                    quiz=quiz,
                    category=category,
                    count=form.cleaned_data["count"],
                    include_subcategories=form.cleaned_data["include_subcategories"],
                    tags=form.cleaned_data["tags"],
                    mark=mark,
                )
            except ValidationError as error:
                _errors(form, error)
            else:
                messages.success(
                    request,
                    f"{len(added)} random question{'s' if len(added) != 1 else ''} from “{category.path}” added.",
                )
                return redirect("assessment:quiz_questions", quiz.uuid)
    errors = form.is_bound and bool(form.errors)
    return _page(
        request,
        "questions_random.html",
        quiz,
        {
            "title": f"Add random questions to “{quiz.title}”",
            "random_form": form,
            "form": form if errors else None,
        },
        status=400 if errors else 200,
    )


# --- reasonable adjustments -------------------------------------------------------------------------


def _learner(actor, quiz: Quiz, typed: str):
    """The person enrolled on the quiz's course, among those the actor may see, with this e-mail
    address or staff number."""
    typed = (typed or "").strip()
    if not typed:
        return None
    people = get_user_model().objects.filter(Q(email__iexact=typed) | Q(staff_number__iexact=typed))
    enrolled = (
        enrolments_of_course(actor, quiz.course)
        .filter(person__in=people)
        .exclude(status="withdrawn")
        .select_related("person")
        .first()
    )
    return enrolled.person if enrolled else None


@login_required
def quiz_adjustments(request, quiz_uuid):
    quiz = selectors.access_quiz_to_set_up(request.user, quiz_uuid)
    form = AdjustmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = _learner(request.user, quiz, data["person"])
        if person is None:
            form.add_error(
                "person",
                f"No one enrolled on {quiz.course.code} has the e-mail address or staff number “{data['person']}”.",
            )
        else:
            try:
                services.adjustment_grant(
                    actor=request.user,
                    quiz=quiz,
                    person=person,
                    reason=data["reason"],
                    extra_time_seconds=(data.get("extra_minutes") or 0) * 60,
                    extra_time_percent=data.get("extra_percent") or 0,
                    extra_attempts=data.get("extra_attempts") or 0,
                )
            except ValidationError as error:
                _errors(form, error, AdjustmentForm.FIELDS)
            else:
                messages.success(request, f"The adjustment for {person.get_full_name()} is in force.")
                return redirect("assessment:quiz_adjustments", quiz.uuid)
    errors = form.is_bound and bool(form.errors)
    return _page(
        request,
        "adjustments.html",
        quiz,
        {
            "title": f"Reasonable adjustments for “{quiz.title}”",
            "adjustments": list(selectors.adjustments_of(quiz).order_by("revoked_at", "-granted_at")),
            "adjustment_form": form,
            "form": form if errors else None,
            "duration_words": timing.duration_words,
        },
        status=400 if errors else 200,
    )


@login_required
def quiz_adjustment_revoke(request, quiz_uuid, adjustment_id):
    quiz = selectors.access_quiz_to_set_up(request.user, quiz_uuid)
    adjustment = selectors.adjustments_of(quiz).filter(pk=adjustment_id, revoked_at__isnull=True).first()
    if adjustment is None:
        raise Http404("No such adjustment")
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.adjustment_revoke(
                actor=request.user, adjustment=adjustment, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, f"The adjustment for {adjustment.person.get_full_name()} has ended.")
            return redirect("assessment:quiz_adjustments", quiz.uuid)
    errors = form.is_bound and bool(form.errors)
    return _page(
        request,
        "adjustment_revoke.html",
        quiz,
        {
            "title": f"End the adjustment for {adjustment.person.get_full_name()}?",
            "adjustment": adjustment,
            "revoke_form": form,
            "form": form if errors else None,
        },
        status=400 if errors else 200,
    )


# --- preview -------------------------------------------------------------------------------------------


@login_required
@require_POST
def quiz_preview(request, quiz_uuid):
    """Try the quiz as a learner would: a preview attempt, kept apart from learners' results."""
    quiz = selectors.access_quiz_to_set_up(request.user, quiz_uuid)
    try:
        attempt = services.attempt_start(person=request.user, quiz=quiz, preview=True, at=timezone.now())
    except PermissionDenied:
        raise Http404("No such quiz") from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("assessment:quiz_manage", quiz.uuid)
    return redirect("assessment:quiz_attempt", attempt.uuid)


def describe(activity) -> str:
    """One line for the course manager's list of activities."""
    quiz = (
        Quiz.objects.filter(uuid=activity.target).annotate(n=Count("slots")).first()
        if activity.target
        else None
    )
    if quiz is None:
        return "Quiz missing"
    words = [f"{quiz.n} question{'s' if quiz.n != 1 else ''}", f"pass mark {quiz.pass_mark.normalize():f}%"]
    if quiz.time_limit:
        words.append(timing.duration_words(quiz.time_limit))
    return ", ".join(words)
