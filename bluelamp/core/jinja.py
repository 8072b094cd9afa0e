"""The Jinja2 environment for Bluelamp's pages: GOV.UK Frontend macros plus Django helpers."""

from django.conf import settings
from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import BaseLoader, ChoiceLoader, Environment, FileSystemLoader, PackageLoader, PrefixLoader

from bluelamp.core import timefmt
from bluelamp.core.forms import field_params, form_error_list


def _url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def _querystring(request, **changes) -> str:
    """The current query string with `changes` applied (None removes a key)."""
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


def _pagination_params(request, page, label: str = "Pagination") -> dict:
    """govukPagination's parameters for a Django Page: previous, next and numbered links (the first,
    the last and those beside the current page, as GOV.UK advises), each keeping the other filters."""
    paginator = page.paginator
    items: list[dict[str, object]] = []
    for number in paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1):
        if number == paginator.ELLIPSIS:
            items.append({"ellipsis": True})
        else:
            href = _querystring(request, page=number)
            items.append({"number": number, "href": href, "current": number == page.number})
    previous = page.previous_page_number() if page.has_previous() else None
    following = page.next_page_number() if page.has_next() else None
    return {
        "landmarkLabel": label,
        "previous": {"href": _querystring(request, page=previous)} if previous else None,
        "next": {"href": _querystring(request, page=following)} if following else None,
        "items": items,
    }


def environment(**options) -> Environment:
    loader = options.pop("loader", None)
    loaders: list[BaseLoader] = [FileSystemLoader(str(settings.BASE_DIR / "bluelamp" / "templates"))]
    if loader is not None:
        loaders.append(loader)
    # The macros refer to each other as "govuk_frontend_jinja/components/...".
    loaders.append(PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja", "templates")}))
    # Django passes the loader only when APP_DIRS is set; we control the search order here.
    # autoescape=True comes from settings.TEMPLATES[...]["OPTIONS"].
    env = Environment(loader=ChoiceLoader(loaders), **options)  # noqa: S701
    env.globals.update(
        {
            "static": static,
            "url": _url,
            "get_messages": get_messages,
            "querystring": _querystring,
            "pagination_params": _pagination_params,
            "field_params": field_params,
            "form_error_list": form_error_list,
        }
    )
    env.filters.update(
        {
            "london": timefmt.london,
            "datetime": timefmt.format_datetime,
            "date": timefmt.format_date,
        }
    )
    return env
