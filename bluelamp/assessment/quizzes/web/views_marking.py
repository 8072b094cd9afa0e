"""Marking essay answers by hand, under /assessment/quizzes/marking/:

- the queue: quizzes with essay answers waiting for the reader (the list assessment's landing
  page links to, `assessment:quiz_marking`);
- a quiz's answers waiting, and those already marked (which may be marked again);
- one answer: the question, the learner's response and its word count, the marker's notes, and a
  mark (0 to the question's mark, decimals allowed) and comment; "Save and mark the next" walks
  the queue, previous and next links go through it. Every mark is audited, so an answer's earlier
  marks are listed beneath it.

Markers see the answers of the learners they may mark (manual_marking.py); anyone else is told
"not found".
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from bluelamp.assessment.quizzes import manual_marking, marking, results
from bluelamp.assessment.quizzes.questions import question_of
from bluelamp.assessment.quizzes.web.views_results import _crumbs, _page
from bluelamp.assessment.shared.text import render_text
from bluelamp.core.forms import add_service_errors, text_area

PAGE_SIZE = 50


@login_required
@require_GET
def quiz_marking(request):
    if not results.may_read_any(request.user):
        raise Http404("No such page")
    waiting = manual_marking.quizzes_waiting(request.user)
    return render(
        request,
        "assessment/quizzes/results/marking.html",
        {
            "title": "Quiz answers to mark",
            "breadcrumbs": [
                {"text": "Assessment", "href": reverse("assessment:home")},
                {"text": "Quiz answers to mark"},
            ],
            "waiting": waiting,
            "total": sum(w.waiting for w in waiting),
        },
    )


@login_required
@require_GET
def quiz_marking_answers(request, quiz_uuid):
    quiz = results.access_quiz_results(request.user, quiz_uuid)
    marked = request.GET.get("show") == "marked"
    page = Paginator(manual_marking.answers(request.user, quiz, marked=marked), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return _page(
        request,
        "assessment/quizzes/results/marking_quiz.html",
        quiz,
        "marking",
        {
            "title": f"Essays to mark: {quiz.title}",
            "breadcrumbs": _crumbs(request, quiz, ("Essays to mark", None)),
            "marked": marked,
            "counts": manual_marking.queue_counts(request.user, quiz),
            "page": page,
            "words": lambda answer: marking.word_count((answer.response or {}).get("text") or ""),
            "n": results.number_words,
        },
    )


class MarkForm(forms.Form):
    mark = forms.CharField(
        label="Mark",
        max_length=20,
        error_messages={"required": "Enter a mark", "max_length": "Enter a mark of 20 characters or fewer"},
    )
    comment = text_area("Comment (optional)", required=False, rows=6)

    def __init__(self, *args, max_mark, **kwargs):
        super().__init__(*args, **kwargs)
        most = results.number_words(max_mark, 4)
        self.fields["mark"].label = f"Mark, out of {most}"
        self.fields["mark"].help_text = f"From 0 to {most}. Decimals are allowed, for example 2.5."
        self.fields["mark"].error_messages["required"] = f"Enter a mark from 0 to {most}"
        self.fields["comment"].help_text = "The learner sees it when the quiz's review options show feedback."


def _answer_url(quiz, key) -> str:
    return reverse("assessment:quiz_mark_answer", args=[quiz.uuid, key[0], key[1]])


@login_required
def quiz_mark_answer(request, quiz_uuid, attempt_uuid, slot):
    quiz = results.access_quiz_results(request.user, quiz_uuid)
    answer = manual_marking.access_answer(request.user, quiz, attempt_uuid, slot)
    attempt = answer.attempt
    content = question_of(answer.question_version)
    if answer.max_mark <= 0 or content.type == "description" or attempt.state != attempt.State.FINISHED:
        raise Http404("No such answer")
    initial = {
        "mark": results.number_words(answer.mark, 4) if answer.mark is not None else "",
        "comment": answer.comment,
    }
    form = MarkForm(request.POST or None, max_mark=answer.max_mark, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            manual_marking.answer_mark(
                actor=request.user,
                answer=answer,
                mark=form.cleaned_data["mark"],
                comment=form.cleaned_data["comment"],
            )
        except PermissionDenied:
            raise Http404("No such answer") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            who = attempt.person.get_full_name()
            messages.success(request, f"Saved: {who}'s answer to question {answer.position} has a mark of "
                             f"{results.number_words(manual_marking.read_mark(form.cleaned_data['mark'], answer.max_mark), 4)}.")  # fmt: skip
            if request.POST.get("then") == "next":
                following = manual_marking.neighbours(request.user, quiz, answer).next_waiting
                if following is not None:
                    return redirect(_answer_url(quiz, following))
                messages.success(request, "No more answers are waiting in this quiz.")
            return redirect(reverse("assessment:quiz_marking_answers", args=[quiz.uuid]))
    around = manual_marking.neighbours(request.user, quiz, answer)
    text = (answer.response or {}).get("text") if isinstance(answer.response, dict) else None
    essay = content.type == "essay"
    return _page(
        request,
        "assessment/quizzes/results/mark_answer.html",
        quiz,
        "marking",
        {
            "title": f"Mark question {answer.position}: {attempt.person.get_full_name()}",
            "breadcrumbs": _crumbs(
                request,
                quiz,
                ("Essays to mark", reverse("assessment:quiz_marking_answers", args=[quiz.uuid])),
                (f"{attempt.person.get_full_name()}, question {answer.position}", None),
            ),
            "form": form if form.errors else None,
            "mark_form": form,
            "answer": answer,
            "attempt": attempt,
            "content": content,
            "essay": essay,
            "response_html": render_text(
                text or "", "plain" if content.response_format == "plain" else "html"
            )
            if essay
            else None,
            "response_words": marking.summarise(content, answer.response),
            "right_answer": marking.right_answer(content),
            "notes": marking.essay_notes(content, text or "") if essay else (),
            "around": around,
            "previous_url": _answer_url(quiz, around.previous) if around.previous else None,
            "next_url": _answer_url(quiz, around.following) if around.following else None,
            "history": manual_marking.history(answer),
            "render": render_text,
            "n": results.number_words,
        },
        status=400 if form.errors else 200,
    )
