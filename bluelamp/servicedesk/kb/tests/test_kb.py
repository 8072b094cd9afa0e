"""Knowledge base: public help pages (signed out too), internal articles for staff only, search,
suggestions while typing a request, and staff-only editing. Outsiders get the same 404 as for
an article that does not exist."""

import re

import pytest
from django.core.exceptions import PermissionDenied

from bluelamp.audit.api import AuditEvent
from bluelamp.servicedesk.kb import selectors, services
from bluelamp.servicedesk.kb.models import Article
from bluelamp.servicedesk.kb.text import render_body
from bluelamp.servicedesk.tickets.models import Category, Ticket


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def articles(adviser):
    password = services.article_create(
        actor=adviser,
        title="Resetting your password",
        summary="How to get back into your account.",
        body="Use the Forgotten password link on the sign-in page.",
        publish=True,
    )
    course = services.article_create(
        actor=adviser,
        title="Courses that will not open",
        summary="Clear the browser cache.",
        body="If a password prompt appears, sign in again.",
        publish=True,
    )
    internal = services.article_create(
        actor=adviser,
        title="Unlocking an account in the admin",
        body="Staff only: unlock the password after verifying identity.",
        audience=Article.Audience.INTERNAL,
        publish=True,
    )
    draft = services.article_create(actor=adviser, title="Password rules draft", body="Not ready yet.")
    return {"password": password, "course": course, "internal": internal, "draft": draft}


# --- services -----------------------------------------------------------------------------------


def test_article_lifecycle_is_audited(adviser):
    article = services.article_create(actor=adviser, title="Mobile app", body="Coming soon.")
    assert (article.status, article.slug, article.published_at) == ("draft", "mobile-app", None)
    twin = services.article_create(actor=adviser, title="Mobile app", body="Another.")
    assert twin.slug == "mobile-app-2"
    article = services.article_update(actor=adviser, article=article, title="Mobile app (beta)", body="Now.")
    assert article.slug == "mobile-app"  # the address stays the same
    article = services.article_publish(actor=adviser, article=article)
    assert article.status == "published" and article.published_at is not None
    article = services.article_retire(actor=adviser, article=article)
    assert article.status == "retired"
    actions = list(
        AuditEvent.objects.filter(object_label__startswith="Mobile app").values_list("action", flat=True)
    )
    for action in ("create", "update", "publish", "retire"):
        assert f"servicedesk.article.{action}" in actions


def test_only_desk_staff_write_articles(bob, charlie):
    for person in (bob, charlie, None):
        with pytest.raises(PermissionDenied):
            services.article_create(actor=person, title="Nope", body="Nope")
    assert not Article.objects.exists()


def test_body_is_escaped_never_raw_html():
    html = str(render_body('<script>alert(1)</script>\n\n## <b>Hi</b>\n\n- <a href="javascript:x">x</a>'))
    assert "<script>" not in html and "<b>" not in html and "<a " not in html
    assert "&lt;script&gt;" in html and '<h2 class="govuk-heading-m">' in html and "<li>" in html


def test_search_ranks_title_first_and_sees_only_public(articles):
    found = list(selectors.help_search("password"))
    # Title match first, then a body match; never the internal article or the draft.
    assert found == [articles["password"], articles["course"]]
    assert list(selectors.help_search("unlock")) == []
    assert list(selectors.help_search("password sign-in")) == [articles["password"]]


def test_suggestions_match_any_word_and_skip_noise(articles):
    assert selectors.article_suggestions("My password will not work") == [
        articles["password"],
        articles["course"],
    ]
    assert selectors.article_suggestions("how do I") == []


# --- public pages -------------------------------------------------------------------------------


def test_help_pages_signed_out(client, articles):
    page = client.get("/service-desk/help/")
    assert page.status_code == 200
    text = text_of(page)
    assert "Resetting your password" in text and "Courses that will not open" in text
    assert "Unlocking an account" not in text and "Password rules draft" not in text
    found = text_of(client.get("/service-desk/help/", {"q": "cache"}))
    assert "Courses that will not open" in found and "Resetting your password" not in found
    article = client.get(f"/service-desk/help/{articles['password'].slug}/")
    assert article.status_code == 200 and "Forgotten password link" in article.text
    articles["password"].refresh_from_db()
    assert articles["password"].view_count == 1


@pytest.mark.parametrize("which", ["internal", "draft"])
def test_internal_and_unpublished_articles_are_404_like_missing(client, signed_in, bob, articles, which):
    slug = articles[which].slug
    assert client.get(f"/service-desk/help/{slug}/").status_code == 404
    assert client.get("/service-desk/help/no-such-article/").status_code == 404
    requester = signed_in(bob)
    assert requester.get(f"/service-desk/help/{slug}/").status_code == 404


def test_retired_article_leaves_the_help_pages(client, adviser, articles):
    services.article_retire(actor=adviser, article=articles["course"])
    assert client.get(f"/service-desk/help/{articles['course'].slug}/").status_code == 404
    assert "Courses that will not open" not in text_of(client.get("/service-desk/help/"))


def test_suggestions_fragment(client, articles):
    fragment = client.get("/service-desk/help/suggestions/", {"subject": "forgot password"})
    assert fragment.status_code == 200
    text = text_of(fragment)
    assert "Resetting your password" in text and "Unlocking an account" not in text
    assert "<html" not in text  # a fragment, not a page
    assert client.get("/service-desk/help/suggestions/", {"subject": "zz"}).content.strip() == b""


def test_support_page_offers_suggestions_and_confirmation_lists_them(client, signed_in, bob, articles):
    category = Category.objects.create(name="Signing in")
    requester = signed_in(bob)
    page = requester.get("/service-desk/support/")
    assert 'hx-get="/service-desk/help/suggestions/"' in page.text and 'id="kb-suggestions"' in page.text
    response = requester.post(
        "/service-desk/support/",
        {
            "type": "incident",
            "category": category.pk,
            "subject": "Password not accepted",
            "description": "It says wrong password",
            "impact": "one_person",
            "urgency": "inconvenience",
        },
    )
    assert response.status_code == 302
    sent = text_of(requester.get("/service-desk/support/sent/"))
    assert Ticket.objects.get().reference in sent
    assert "Resetting your password" in sent and "Unlocking an account" not in sent


# --- staff pages --------------------------------------------------------------------------------


STAFF_PAGES = ["/service-desk/kb/", "/service-desk/kb/new/"]


def test_staff_pages_are_404_for_outsiders(signed_in, bob, charlie, articles, client):
    slug = articles["internal"].slug
    pages = [*STAFF_PAGES, f"/service-desk/kb/{slug}/", f"/service-desk/kb/{slug}/edit/"]
    for url in pages:
        assert client.get(url).status_code == 302  # signed out: sign in first
    for person in (bob, charlie):
        outsider = signed_in(person)
        for url in pages:
            assert outsider.get(url).status_code == 404, (person, url)
        assert outsider.post(f"/service-desk/kb/{slug}/retire/").status_code == 404
        assert (
            outsider.post(STAFF_PAGES[1], {"title": "x", "body": "y", "audience": "public"}).status_code
            == 404
        )
    articles["internal"].refresh_from_db()
    assert articles["internal"].status == "published"
    assert Article.objects.count() == 4


def test_staff_write_edit_publish_and_see_internal(signed_in, adviser, articles):
    desk = signed_in(adviser)
    listing = text_of(desk.get("/service-desk/kb/"))
    assert "Unlocking an account in the admin" in listing and "Password rules draft" in listing
    internal = desk.get(f"/service-desk/kb/{articles['internal'].slug}/")
    assert internal.status_code == 200 and "Staff only: unlock" in internal.text

    response = desk.post(
        "/service-desk/kb/new/",
        {"title": "Bulk enrolment", "summary": "", "body": "Use a CSV.", "audience": "public"},
    )
    article = Article.objects.get(title="Bulk enrolment")
    assert response.status_code == 302 and article.status == "draft" and article.author == adviser
    invalid = desk.post(
        f"/service-desk/kb/{article.slug}/edit/", {"title": "", "body": "x", "audience": "public"}
    )
    assert invalid.status_code == 400 and "Enter title" in invalid.text
    desk.post(
        f"/service-desk/kb/{article.slug}/edit/",
        {"title": "Bulk enrolment by CSV", "body": "Upload a CSV file.", "audience": "internal"},
    )
    desk.post(f"/service-desk/kb/{article.slug}/publish/")
    article.refresh_from_db()
    assert (article.title, article.audience, article.status) == (
        "Bulk enrolment by CSV",
        "internal",
        "published",
    )
