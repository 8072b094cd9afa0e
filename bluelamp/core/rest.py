"""What every domain's REST API (`bluelamp/<domain>/rest/`) is built from: strict request
shapes, pages of results, query parameters read with messages that name them, and a service's
refusals turned into 400s that name the field at fault.

It knows no domain, so that any domain's API may use it (docs/decisions/0004-rest-api.md). Who
may use the API at all (signed in; an administrator's session with MFA; the organisation's
PL-P-101 in force) is REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"], from bluelamp.restapi, and
applies to every API view that does not say otherwise; what a person may see or change is decided
by each domain's access helpers and services, as for its pages.
"""

import uuid
from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.pagination import PageNumberPagination

# --- requests and responses ------------------------------------------------------------------


def choice_field(choices, *, noun: str, **kwargs) -> serializers.ChoiceField:
    """A ChoiceField whose error names the value given and the values accepted."""
    accepted = ", ".join(str(value) for value, _label in choices)
    return serializers.ChoiceField(
        choices=choices,
        error_messages={"invalid_choice": f"“{{input}}” is not {noun}. Use one of: {accepted}."},
        **kwargs,
    )


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know (DRF ignores them silently) and says which are accepted,
    so that a typo in an integration is reported instead of quietly doing nothing."""

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            writable = sorted(name for name, field in self.fields.items() if not field.read_only)
            # The browsable API's HTML forms also post their CSRF token.
            unknown = sorted(set(data.keys()) - set(writable) - {"csrfmiddlewaretoken"})
            if unknown:
                raise serializers.ValidationError(
                    {
                        name: [f"“{name}” cannot be set here. Fields accepted: {', '.join(writable)}."]
                        for name in unknown
                    }
                )
        return super().to_internal_value(data)


class Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class ScopedViewSet(viewsets.GenericViewSet):
    """The base of the API's viewsets. Its permission classes are the API's defaults (see above);
    each viewset scopes its queryset and objects through its domain's access helpers."""

    pagination_class = Pages
    # PUT (replace everything) is not offered: changes are partial, through PATCH.
    http_method_names = ["get", "post", "patch", "head", "options"]

    def fake(self) -> bool:
        """drf-spectacular builds the schema with a stand-in request and no real user."""
        return getattr(self, "swagger_fake_view", False)


# --- errors ----------------------------------------------------------------------------------


@contextmanager
def service_errors(*, permission_field: str | None = None, permission_message: str = ""):
    """Turn a domain service's refusals into responses: a ValidationError into a 400 that names
    the field at fault; a PermissionDenied into a 403, or (with `permission_field`) into a 400 on
    that field, where being refused reads as naming something out of reach."""
    try:
        yield
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            detail = {
                ("non_field_errors" if field == NON_FIELD_ERRORS else field): messages
                for field, messages in exc.message_dict.items()
            }
        else:
            detail = {"non_field_errors": exc.messages}
        raise ValidationError(detail) from None
    except DjangoPermissionDenied as exc:
        if permission_field is None:
            raise PermissionDenied(str(exc) or None) from None
        raise ValidationError({permission_field: [permission_message]}) from None


def refused(field: str, message: str) -> ValidationError:
    """A 400 naming `field`, to raise."""
    return ValidationError({field: [message]})


# --- query parameters ------------------------------------------------------------------------


def query_param(request, name: str) -> str:
    return (request.query_params.get(name) or "").strip()


def id_param(request, name: str) -> int | None:
    value = query_param(request, name)
    if not value:
        return None
    if not value.isdigit():
        raise refused(name, f"“{value}” is not a {name} id. Give the number from the {name}'s “id”.")
    return int(value)


def uuid_param(request, name: str, noun: str) -> uuid.UUID | None:
    value = query_param(request, name)
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise refused(name, f"“{value}” is not a {noun} uuid. Give the “uuid” from the {noun}.") from None


def choice_param(request, name: str, accepted: list[str]) -> str:
    value = query_param(request, name)
    if value and value not in accepted:
        raise refused(name, f"“{value}” is not accepted for {name}. Use one of: {', '.join(accepted)}.")
    return value
