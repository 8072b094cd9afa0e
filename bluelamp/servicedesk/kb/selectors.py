"""Reading articles, and who may see which.

Published public articles are for everyone, signed in or not. Internal articles, drafts and
retired articles are for the desk's staff only; to anyone else they do not exist (the same 404
as a slug that was never issued).
"""

from __future__ import annotations

from django.db.models import Case, Expression, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from bluelamp.servicedesk.kb.models import Article
from bluelamp.servicedesk.staff import is_desk_staff

# Words that say nothing about what a request is about: they would suggest every article.
_STOP_WORDS = frozenset(
    "a an and are at be but by can cannot can't do does for from have how i in is it its me my no "
    "not of on or our please so that the this to up was we what when where which who why will with "
    "won't you your".split()
)
SUGGESTIONS = 5


def _words(text: str) -> list[str]:
    words = []
    for raw in (text or "").lower().split():
        word = raw.strip(".,;:!?\"'()[]{}“”‘’")
        if len(word) >= 3 and word not in _STOP_WORDS and word not in words:
            words.append(word)
    return words[:8]


def _ranked(articles: QuerySet[Article], text: str, *, every_word: bool) -> QuerySet[Article]:
    """Articles matching `text`, best first: a word in the title counts most, then the summary,
    then the body. icontains works the same on SQLite and PostgreSQL; the knowledge base is
    hundreds of articles, not millions, so a full-text index would not earn its keep."""
    words = _words(text)
    if not words:
        return articles.none() if not every_word else articles
    score: Expression = Value(0, output_field=IntegerField())
    matches = []
    for word in words:
        in_title, in_summary, in_body = (
            Q(title__icontains=word),
            Q(summary__icontains=word),
            Q(body__icontains=word),
        )
        matches.append(in_title | in_summary | in_body)
        score = score + Case(
            When(in_title, then=Value(100)),
            When(in_summary, then=Value(10)),
            When(in_body, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    condition = Q()
    for match in matches:
        condition = (condition & match) if every_word else (condition | match)
    return articles.filter(condition).annotate(score=score).order_by("-score", "title")


def public_articles() -> QuerySet[Article]:
    return Article.objects.filter(status=Article.Status.PUBLISHED, audience=Article.Audience.PUBLIC)


def help_search(text: str = "") -> QuerySet[Article]:
    """The help pages' list: published public articles, every search word matching somewhere."""
    articles = public_articles().select_related("category")
    if (text or "").strip():
        return _ranked(articles, text, every_word=True)
    return articles.order_by("title")


def article_suggestions(text: str, *, limit: int = SUGGESTIONS) -> list[Article]:
    """Public articles that may answer a request whose subject is `text` (any word matching)."""
    return list(_ranked(public_articles(), text, every_word=False)[:limit])


def access_help_article(slug: str) -> Article:
    """A published public article; anything else (internal, draft, retired, missing) is 404."""
    article = public_articles().select_related("category").filter(slug=slug).first()
    if article is None:
        raise Http404("No such article")
    return article


def staff_articles(person, *, text: str = "", audience: str = "", status: str = "") -> QuerySet[Article]:
    """Every article, for the desk's staff only (nothing for anyone else)."""
    if not is_desk_staff(person):
        return Article.objects.none()
    articles = Article.objects.select_related("category", "author")
    if audience:
        articles = articles.filter(audience=audience)
    if status:
        articles = articles.filter(status=status)
    if (text or "").strip():
        return _ranked(articles, text, every_word=True)
    return articles.order_by("-updated_at", "pk")


def access_article_for_staff(person, slug: str) -> Article:
    if not is_desk_staff(person):
        raise Http404("No such article")
    article = Article.objects.select_related("category", "author").filter(slug=slug).first()
    if article is None:
        raise Http404("No such article")
    return article
