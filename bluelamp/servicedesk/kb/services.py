"""Writing articles: desk staff only, checked in full, atomic, audited. (Problems publish their
known errors' workarounds through these: bluelamp.servicedesk.problems.)"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.text import slugify

from bluelamp.audit.api import audit_record
from bluelamp.servicedesk.kb.models import Article
from bluelamp.servicedesk.tickets.models import Category
from bluelamp.servicedesk.writing import at_or_now, require_desk_staff, stripped

ArticleStatus = Article.Status


# The rules every desk service applies (bluelamp.servicedesk.writing), under their local names.
_now = at_or_now
_require_staff = require_desk_staff
_text = stripped


def _audit(actor, action: str, obj, label: str, **changes) -> None:
    audit_record(actor=actor, action=f"servicedesk.{action}", obj=obj, object_label=label, **changes)


# --- articles -----------------------------------------------------------------------------------


def _unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:200] or "article"
    slug, n = base, 1
    taken = Article.objects.exclude(pk=exclude_pk) if exclude_pk else Article.objects.all()
    while taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _article_fields(*, title, summary, body, audience, category) -> dict:
    fields = {
        "title": _text(title),
        "summary": _text(summary),
        "body": (body or "").strip(),
        "audience": audience,
        "category": category,
    }
    if category is not None and not isinstance(category, Category):
        raise ValidationError({"category": "Choose a topic from the list"})
    return fields


@transaction.atomic
def article_create(
    *,
    actor,
    title: str,
    body: str,
    summary: str = "",
    audience: str = Article.Audience.PUBLIC,
    category: Category | None = None,
    publish: bool = False,
    at: dt.datetime | None = None,
) -> Article:
    """A new article, a draft unless `publish`."""
    _require_staff(actor)
    at = _now(at)
    fields = _article_fields(title=title, summary=summary, body=body, audience=audience, category=category)
    article = Article(**fields, author=actor, created_at=at, updated_at=at)
    article.slug = _unique_slug(article.title)
    if publish:
        article.status, article.published_at = ArticleStatus.PUBLISHED, at
    article.full_clean()
    article.save()
    _audit(actor, "article.create", article, article.title, after={**_snapshot(article)})
    return article


def _snapshot(article: Article) -> dict:
    return {
        "title": article.title,
        "audience": article.audience,
        "status": article.status,
        "category": article.category.name if article.category else "",
    }


@transaction.atomic
def article_update(
    *,
    actor,
    article: Article,
    title: str,
    body: str,
    summary: str = "",
    audience: str = Article.Audience.PUBLIC,
    category: Category | None = None,
    at: dt.datetime | None = None,
) -> Article:
    """Change an article's text or audience. Its slug (and so its address) stays the same."""
    _require_staff(actor)
    at = _now(at)
    article = Article.objects.select_for_update().get(pk=article.pk)
    before = _snapshot(article)
    for name, value in _article_fields(
        title=title, summary=summary, body=body, audience=audience, category=category
    ).items():
        setattr(article, name, value)
    article.updated_at = at
    article.full_clean()
    article.save()
    _audit(actor, "article.update", article, article.title, before=before, after=_snapshot(article))
    return article


def _set_article_status(actor, article: Article, status: str, at: dt.datetime | None, action: str) -> Article:
    _require_staff(actor)
    at = _now(at)
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status == status:
        raise ValidationError(f"“{article.title}” is already {article.get_status_display().lower()}.")
    before = article.status
    article.status = status
    article.updated_at = at
    if status == ArticleStatus.PUBLISHED:
        article.published_at = at
    article.save()
    _audit(actor, action, article, article.title, before={"status": before}, after={"status": status})
    return article


@transaction.atomic
def article_publish(*, actor, article: Article, at: dt.datetime | None = None) -> Article:
    """Publish a draft, or bring back a retired article."""
    return _set_article_status(actor, article, ArticleStatus.PUBLISHED, at, "article.publish")


@transaction.atomic
def article_retire(*, actor, article: Article, at: dt.datetime | None = None) -> Article:
    """Take an article off the help pages and out of suggestions (kept for the record)."""
    return _set_article_status(actor, article, ArticleStatus.RETIRED, at, "article.retire")


def article_record_view(*, article: Article) -> None:
    # One UPDATE, no lock and no audit: a rough popularity figure, not a record.
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)
