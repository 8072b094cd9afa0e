from django.urls import reverse

from bluelamp.organisations.models import Organisation


def _logo_url(organisation: Organisation | None) -> str:
    if not organisation or not organisation.logo.name:
        return ""
    # The stored name changes with every upload, so it keeps browsers' caches honest.
    version = organisation.logo.name.rsplit("/", 1)[-1]
    return reverse("organisations:logo", args=[organisation.slug]) + "?v=" + version


def branding(request):
    organisation: Organisation | None = getattr(request, "organisation", None)
    return {
        "brand_organisation": organisation,
        "brand_name": organisation.name if organisation else "Bluelamp",
        "brand_colour": organisation.brand_colour if organisation else "#1d4f91",
        "brand_logo_url": _logo_url(organisation),
    }
