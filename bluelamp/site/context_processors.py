"""The service navigation: only the sections the signed-in person may use. Each domain
contributes its own links (bluelamp/<domain>/plugins.py, docs/decisions/0010-domains-plug-in.md);
the site only draws them.

Which links a person sees depends on their access alone (`NavEntry.visible` asks `access_for`),
so the links are worked out once per process for each access signature (organisations'
`access_signature`: the person, their organisation and the role assignments in force) and the
drawn navigation once per set of links: every page showed the same header, yet asked every
domain's entries and drew GOV.UK's service navigation again (a fifth of a simple page's time).
Both are kept in this process only, under keys that name everything they depend on, so nothing
needs dropping: a role granted gives a new signature.
"""

from markupsafe import Markup

from bluelamp.core.fragments import render_part
from bluelamp.core.plugins import banners, nav_entries, section_navs
from bluelamp.organisations.api import access_signature

_MOST_KEPT = 2048
_links_kept: dict[tuple, tuple[tuple[int, str | None], ...]] = {}
_html_kept: dict[tuple, Markup] = {}


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    path = request.path
    entries = nav_entries()
    nav = []
    for index, href in _visible_links(user, entries):
        entry = entries[index]
        href = href or entry.href(user)  # an address of the person's own (their organisation's)
        nav.append({"href": href, "text": entry.label, "active": entry.active(path, href)})
    return {
        "nav_items": nav,
        "nav_html": _drawn(nav),
        "section_nav": _section_navigation(request),
        # Notices every page carries (planned maintenance coming up): core.plugins.Banner.
        "banners": banners(user),
    }


def _visible_links(user, entries) -> tuple[tuple[int, str | None], ...]:
    """(entry's index, its address) of the entries the person sees; None for an address that
    depends on the person (`url_args`), worked out on each page."""
    key = (access_signature(user), len(entries))
    links = _links_kept.get(key)
    if links is None:
        links = tuple(
            (i, None if entry.url_args else entry.href(user))
            for i, entry in enumerate(entries)
            if entry.visible(user)
        )
        _keep(_links_kept, key, links)
    return links


def _drawn(nav: list[dict]) -> Markup:
    key = tuple((item["text"], item["href"], item["active"]) for item in nav)
    html = _html_kept.get(key)
    if html is None:
        # A template's output, escaped as it was drawn.
        html = Markup(render_part("includes/service_navigation.html", {"nav_items": nav}))  # noqa: S704
        _keep(_html_kept, key, html)
    return html


def _keep(kept: dict, key, value) -> None:
    if len(kept) >= _MOST_KEPT:
        kept.clear()
    kept[key] = value


def forget_all() -> None:
    """Draw everything again (the test suite, around every test: entries registered by a test)."""
    _links_kept.clear()
    _html_kept.clear()


def _section_navigation(request) -> dict | None:
    """The second row of the page's own domain (the service desk's sections), if it has one."""
    for section in section_navs():
        items = section.items(request)
        if items:
            return {
                "name": section.name,
                "items": [item.as_dict() for item in items],
                "navigation_id": section.navigation_id,
                "menu_button_text": section.menu_button_text,
                "test_id": section.test_id,
            }
    return None
