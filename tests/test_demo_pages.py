"""Every page of the demo, as each demo user sees it: no server errors, and no markup of ours
printed as text.

Jinja escapes a string joined to escaped text (`'<a …>' ~ (name | e)`), so a link built that way
shows people `<a class="govuk-link" …>`. The crawl signs in as each demo user, follows every
link of the site it finds (GET only), and fails on a 500 or on any of our own tags escaped.
"""

import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command

from conftest import force_sign_in

pytestmark = pytest.mark.django_db

DEMO_USERS = [
    "admin@national.example",
    "kent.admin@kent.police.uk",
    "kent.training@kent.police.uk",
    "adviser@national.example",
    "teamleader@national.example",
    "kent.officer@kent.police.uk",
]
# Our own markup, escaped: what a person would see as text.
ESCAPED_MARKUP = re.compile(
    r"&lt;/?(a|strong|br|p|span|ul|ol|li|em|code|div|h[1-6])(\s|&gt;|/)", re.IGNORECASE
)
# Not pages, or actions behind a link that change state or stream files.
SKIP = re.compile(
    r"^/(accounts/logout|django-admin|static/|scorm-content/)|\.(csv|xlsx|pdf|zip)$|/(export|download|open)/?$"
)
PAGES_PER_USER = 120


def _links(html: str) -> list[str]:
    return re.findall(r'href="(/[^"]*)"', html)


def crawl(client, start="/") -> dict[str, int]:
    seen: dict[str, int] = {}
    queue = deque([start])
    while queue and len(seen) < PAGES_PER_USER:
        url = urldefrag(queue.popleft())[0].replace("&amp;", "&")
        if url in seen or SKIP.search(urlsplit(url).path):
            continue
        response = client.get(url)
        seen[url] = response.status_code
        assert response.status_code < 500, f"{url} answered {response.status_code}"
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        escaped = ESCAPED_MARKUP.search(html)
        assert not escaped, (
            f"{url} shows escaped markup: …{html[max(0, escaped.start() - 120) : escaped.end() + 80]}…"
        )
        queue.extend(link for link in _links(html) if link not in seen)
    return seen


def test_every_demo_page_renders_without_escaped_markup(client):
    from bluelamp.people.api import Person

    call_command("demo-data", "--people-per-force", "4", verbosity=0)
    public = crawl(client)
    assert "/licence-check/" in public
    for email in DEMO_USERS:
        client.logout()
        force_sign_in(client, Person.objects.get(email=email))
        pages = crawl(client)
        assert len(pages) > 5, (email, pages)
