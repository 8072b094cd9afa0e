"""Lets Django-template pages (allauth's) wear the same header and footer as the Jinja pages."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def jinja_include(context, template_name: str):
    # Rendered by our own Jinja templates, which escape their variables.
    return mark_safe(render_to_string(template_name, {}, request=context.get("request"), using="jinja2"))  # noqa: S308
