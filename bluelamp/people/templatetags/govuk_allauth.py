"""GOV.UK Frontend form markup for allauth's (Django template) pages.

allauth's element templates (bluelamp/templates_dtl/allauth/elements/) call these tags, which
render through the same Jinja macros as every other Bluelamp form, so labels, hints, error
messages and the error summary look and behave the same everywhere.
"""

from django import forms, template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from bluelamp.core.forms import form_error_list

register = template.Library()

# allauth widgets carry the right autocomplete tokens (email, current-password, new-password,
# one-time-code); these widen or narrow the inputs to suit what is typed in them.
_WIDTHS = {
    "code": "govuk-input--width-10",
    "login": "govuk-!-width-two-thirds",
    "email": "govuk-!-width-two-thirds",
}


def _extras(bound) -> dict:
    field = bound.field
    widget = field.widget
    extra: dict = {}
    autocomplete = widget.attrs.get("autocomplete")
    if autocomplete and autocomplete != "nope":
        extra["autocomplete"] = autocomplete
    help_text = str(field.help_text or "").strip()
    if not help_text:
        extra["hint"] = False
    elif hasattr(field.help_text, "__html__"):
        # Django's password rules come as an HTML list; allauth's own help is HTML too.
        extra["hint"] = {"html": mark_safe(help_text)}  # noqa: S308 - produced by Django/allauth, not input
    if isinstance(widget, forms.PasswordInput):
        extra["kind"] = "password"
        extra["value"] = ""  # a typed password is never sent back to the browser
    if bound.name == "code":
        extra.update(spellcheck=False, autocapitalize="none")
    if bound.name in _WIDTHS:
        extra["classes"] = _WIDTHS[bound.name]
    return extra


@register.simple_tag(takes_context=True)
def govuk_fields(context, form):
    """Every field of `form` as a GOV.UK form group; hidden fields as they are."""
    if form is None:
        return ""
    items = [{"bound": bound, "extras": {} if bound.is_hidden else _extras(bound)} for bound in form]
    html = render_to_string(
        "people/_allauth_fields.html", {"items": items}, request=context.get("request"), using="jinja2"
    )
    return mark_safe(html)  # noqa: S308 - rendered by our Jinja template, which escapes values


def error_list(form) -> list[dict]:
    """The error summary's entries. Errors that belong to no field link to the first field."""
    items = form_error_list(form)
    first = next((bound for bound in form if not bound.is_hidden), None)
    for item in items:
        if item["href"] == "#main-content" and first is not None:
            item["href"] = f"#{first.auto_id or 'id_' + first.name}"
    return items


@register.simple_tag(takes_context=True)
def govuk_error_summary(context, form):
    if form is None or not getattr(form, "errors", None):
        return ""
    html = render_to_string(
        "people/_allauth_error_summary.html",
        {"errors": error_list(form)},
        request=context.get("request"),
        using="jinja2",
    )
    return mark_safe(html)  # noqa: S308 - rendered by our Jinja template, which escapes values
