"""The links at the top of the administrators' certificate pages, between their three lists
(templates, certificates issued, signing keys): who sees which."""

from django.urls import reverse

from bluelamp.organisations.api import Perm, access_for


def may_see_keys(user) -> bool:
    """Signing keys are an organisation's, like its branding: for those who edit a whole one."""
    access = access_for(user, Perm.ORGANISATION_EDIT)
    return access.national or bool(access.organisation_ids)


def section_links(user, current: str) -> list[dict]:
    links: list[tuple[str, str, str]] = []
    if access_for(user, Perm.LEARNING_MANAGE).anything:  # selectors.may_manage_any
        links += [
            ("templates", "Certificates", reverse("credentials:template_list")),
            ("issued", "Certificates issued", reverse("credentials:issued_list")),
        ]
    if may_see_keys(user):
        links.append(("keys", "Signing keys", reverse("credentials:key_list")))
    return [{"text": text, "href": href, "current": key == current} for key, text, href in links]
