"""Help pages (everyone, signed out too), suggestions while typing a request, and the desk's
knowledge-base pages (staff; to anyone else they do not exist: 404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bluelamp.core.forms import add_service_errors
from bluelamp.servicedesk.kb import selectors, services
from bluelamp.servicedesk.kb.forms import (
    ArticleFilterForm,
    ArticleForm,
    HelpSearchForm,
)
from bluelamp.servicedesk.kb.models import Article
from bluelamp.servicedesk.kb.text import render_body
from bluelamp.servicedesk.staff import is_desk_staff

PAGE_SIZE = 25


def _require_staff(person) -> None:
    if not is_desk_staff(person):
        raise Http404("No such page")


# --- everyone -----------------------------------------------------------------------------------


def help_index(request):
    form = HelpSearchForm(request.GET or None)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(selectors.help_search(text), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "servicedesk/kb/help.html",
        {"title": "Help and answers", "search_form": form, "text": text, "page": page},
    )


def help_article(request, slug):
    article = selectors.access_help_article(slug)
    services.article_record_view(article=article)
    return render(
        request,
        "servicedesk/kb/help_article.html",
        {
            "title": article.title,
            "article": article,
            "body": render_body(article.body),
            "breadcrumbs": [{"text": "Help", "href": reverse("servicedesk:help")}],
        },
    )


def help_suggestions(request):
    """A fragment for the support page: public articles matching the subject typed so far."""
    text = (request.GET.get("subject") or "")[:200]
    return render(
        request,
        "servicedesk/kb/_suggestions.html",
        {"suggestions": selectors.article_suggestions(text) if len(text.strip()) >= 3 else []},
    )


# --- staff: articles ----------------------------------------------------------------------------


@login_required
def article_list(request):
    _require_staff(request.user)
    form = ArticleFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    articles = selectors.staff_articles(
        request.user,
        text=filters.get("q", ""),
        audience=filters.get("audience", ""),
        status=filters.get("status", ""),
    )
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "servicedesk/kb/article_list.html",
        {"title": "Knowledge base", "filter_form": form, "page": page},
    )


def _article_form_page(request, form, article=None):
    return render(
        request,
        "servicedesk/kb/article_form.html",
        {
            "title": f"Edit “{article.title}”" if article else "Write an article",
            "form": form if form.errors else None,
            "article_form": form,
            "article": article,
            "breadcrumbs": [{"text": "Knowledge base", "href": reverse("servicedesk:kb_list")}],
        },
        status=400 if form.errors else 200,
    )


@login_required
def article_new(request):
    _require_staff(request.user)
    form = ArticleForm(request.POST or None, initial={"audience": Article.Audience.PUBLIC})
    if request.method == "POST" and form.is_valid():
        try:
            article = services.article_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Draft saved. Publish it when it is ready.")
            return redirect("servicedesk:kb_article", slug=article.slug)
    return _article_form_page(request, form)


@login_required
def article_edit(request, slug):
    article = selectors.access_article_for_staff(request.user, slug)
    initial = {
        "title": article.title,
        "summary": article.summary,
        "body": article.body,
        "audience": article.audience,
        "category": article.category_id,
    }
    form = ArticleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.article_update(actor=request.user, article=article, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Article saved.")
            return redirect("servicedesk:kb_article", slug=article.slug)
    return _article_form_page(request, form, article)


@login_required
def article_detail(request, slug):
    article = selectors.access_article_for_staff(request.user, slug)
    # A known error's workaround names its problem. Read through the relation the problem holds
    # (Problem.article), not the problems applet: it sits above the knowledge base.
    problem = getattr(article, "problem", None)
    return render(
        request,
        "servicedesk/kb/article.html",
        {
            "title": article.title,
            "article": article,
            "body": render_body(article.body),
            "problem": problem,
            "breadcrumbs": [{"text": "Knowledge base", "href": reverse("servicedesk:kb_list")}],
        },
    )


@login_required
@require_POST
def article_action(request, slug, action):
    article = selectors.access_article_for_staff(request.user, slug)
    change = {"publish": services.article_publish, "retire": services.article_retire}.get(action)
    if change is None:
        raise Http404("No such action")
    try:
        article = change(actor=request.user, article=article)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"The article is now {article.get_status_display().lower()}.")
    return redirect("servicedesk:kb_article", slug=article.slug)
