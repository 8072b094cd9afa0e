from bluelamp.organisations.models import Organisation


def branding(request):
    organisation: Organisation | None = getattr(request, "organisation", None)
    return {
        "brand_organisation": organisation,
        "brand_name": organisation.name if organisation else "Bluelamp",
        "brand_colour": organisation.brand_colour if organisation else "#1d4f91",
        "brand_logo_url": organisation.logo.url if organisation and organisation.logo else "",
    }
