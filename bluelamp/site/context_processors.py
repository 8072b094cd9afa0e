"""The service navigation: only the sections the signed-in person may use. Each domain
contributes its own links (bluelamp/<domain>/plugins.py, docs/decisions/0010-domains-plug-in.md);
the site only draws them."""

from bluelamp.core.plugins import nav_entries, section_navs


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    path = request.path
    nav = []
    for entry in nav_entries():
        if entry.visible(user):
            href = entry.href(user)
            nav.append({"href": href, "text": entry.label, "active": entry.active(path, href)})
    return {"nav_items": nav, "section_nav": _section_navigation(request)}


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
