"""The service navigation: only the sections the signed-in person may use."""

from django.urls import reverse

from bluelamp.organisations.api import Perm, access_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    path = request.path
    items = [("Home", "home", None), ("My learning", "learning:my_learning", None)]
    if access_for(user, Perm.SERVICE_DESK).national:
        items.append(("Service desk", "servicedesk:queue", Perm.SERVICE_DESK))
        if access_for(user, Perm.SERVICE_DESK_LEAD).national:
            items.append(("Desk dashboard", "servicedesk:dashboard", Perm.SERVICE_DESK_LEAD))
    for label, name, perm in [
        ("People", "people:list", Perm.PEOPLE_VIEW),
        ("Import", "people:import", Perm.PEOPLE_IMPORT),
        ("Units", "organisations:units", Perm.UNITS_MANAGE),
        ("Organisations", "organisations:list", Perm.ORGANISATIONS_MANAGE),
        ("Licences", "organisations:licences", Perm.LICENCES_VIEW),
        ("Roles", "organisations:roles", Perm.ROLES_VIEW),
        ("Audit log", "audit_log", Perm.AUDIT_VIEW),
        ("Manage courses", "learning:manage_courses", Perm.LEARNING_MANAGE),
    ]:
        access = access_for(user, perm)
        if access.anything:
            items.append((label, name, perm))
    items.append(("Support", "servicedesk:support", None))
    nav = []
    for label, name, _perm in items:
        href = reverse(name)
        active = path == href if name == "home" else path.startswith(href)
        if name == "learning:my_learning" and path.startswith(reverse("learning:manage_courses")):
            active = False
        nav.append({"href": href, "text": label, "active": active})
    edit = access_for(user, Perm.ORGANISATION_EDIT)
    if not edit.national and edit.covers_organisation(user.organisation_id):
        href = reverse("organisations:detail", args=[user.organisation.slug])
        nav.insert(1, {"href": href, "text": "Your organisation", "active": path == href})
    return {"nav_items": nav, "desk_nav_items": _desk_navigation(request, user)}


# The desk's pages a requester uses too: no desk navigation there.
_REQUESTER_PAGES = {
    "support",
    "support_sent",
    "my_tickets",
    "my_ticket",
    "help",
    "help_article",
    "survey_mine",
    "survey_link",
}


def _desk_navigation(request, user) -> list[dict]:
    """The service desk's own sections, on its staff pages: each one click away, so that the
    header stays short (it has only "Service desk" and, for leads, the dashboard)."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.namespace != "servicedesk" or match.url_name in _REQUESTER_PAGES:
        return []
    if not access_for(user, Perm.SERVICE_DESK).national:
        return []
    sections = [
        ("Queue", "servicedesk:queue"),
        ("Log a call", "servicedesk:contact_new"),
        ("Major incidents", "servicedesk:major_incidents"),
        ("Problems", "servicedesk:problems"),
        ("Knowledge base", "servicedesk:kb_list"),
        ("Canned responses", "servicedesk:canned_responses"),
    ]
    if access_for(user, Perm.SERVICE_DESK_LEAD).national:
        sections += [("Dashboard", "servicedesk:dashboard"), ("Closures", "servicedesk:closures")]
    path = request.path
    # A ticket's work page (and its actions) belongs with the queue it is worked from.
    tickets = reverse("servicedesk:ticket", args=["BL"]).removesuffix("BL/")
    items = []
    for label, name in sections:
        href = reverse(name)
        active = path.startswith(href) or (name == "servicedesk:queue" and path.startswith(tickets))
        items.append({"href": href, "text": label, "active": active, "current": path == href})
    return items
