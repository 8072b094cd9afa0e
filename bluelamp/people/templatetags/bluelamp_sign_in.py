"""What the sign-in page offers on an organisation's domain."""

from dataclasses import dataclass

from django import template

from bluelamp.organisations.api import Organisation, single_sign_on_offered

register = template.Library()


@dataclass(frozen=True)
class SingleSignOnButton:
    organisation: Organisation
    login_url: str


@register.simple_tag(takes_context=True)
def organisation_single_sign_on(context) -> SingleSignOnButton | None:
    """The single sign-on of the organisation whose domain (or ?org=) this is, if switched on."""
    request = context.get("request")
    sso = single_sign_on_offered(getattr(request, "organisation", None))
    if sso is None:
        return None
    provider = sso.social_app.get_provider(request)
    return SingleSignOnButton(organisation=sso.organisation, login_url=provider.get_login_url(request))
