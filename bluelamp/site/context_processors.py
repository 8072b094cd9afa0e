"""The service navigation: only the sections the signed-in person may use."""

from django.urls import reverse

from bluelamp.organisations.api import Perm, access_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    path = request.path
    items = [("Home", "home", None)]
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
    ]:
        access = access_for(user, perm)
        if access.anything:
            items.append((label, name, perm))
    items.append(("Support", "servicedesk:support", None))
    nav = []
    for label, name, _perm in items:
        href = reverse(name)
        active = path == href if name == "home" else path.startswith(href)
        nav.append({"href": href, "text": label, "active": active})
    edit = access_for(user, Perm.ORGANISATION_EDIT)
    if not edit.national and edit.covers_organisation(user.organisation_id):
        href = reverse("organisations:detail", args=[user.organisation.slug])
        nav.insert(1, {"href": href, "text": "Your organisation", "active": path == href})
    return {"nav_items": nav}
