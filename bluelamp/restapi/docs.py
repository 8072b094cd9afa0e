"""The API reference at /api/v1/docs/: the OpenAPI document, laid out for people.

Swagger UI failed the accessibility checks (contrast, no page language, controls inside
controls, small targets) and, like Redoc, needs scripts and inline styles. This page is drawn
on the server in Bluelamp's own layout from the same document /api/v1/schema/ serves, so it
cannot drift from the API: operations grouped by tag, each with its method and path, who may
call it, its parameters, request body and responses, then the data types they refer to.
"""

from __future__ import annotations

import http
from dataclasses import dataclass, field

import nh3
from django.shortcuts import render
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from drf_spectacular.generators import SchemaGenerator
from markdown_it import MarkdownIt
from markupsafe import Markup

API_VERSION = "v1"
METHODS = ("get", "post", "put", "patch", "delete")

# How each security scheme of the document is named on the page.
SCHEME_LABELS = {"tokenAuth": "an API token", "cookieAuth": "a signed-in browser session"}

# Descriptions come from our own docstrings and help texts; Markdown turns their `code` and
# lists into HTML, and the sanitiser adds the GOV.UK classes (raw HTML is never let through).
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False})
_TEXT_TAGS = {"p", "ul", "ol", "li", "code", "strong", "em", "a", "br"}
_TEXT_CLASSES = {
    "p": {"class": "govuk-body"},
    "ul": {"class": "govuk-list govuk-list--bullet"},
    "ol": {"class": "govuk-list govuk-list--number"},
    "a": {"class": "govuk-link"},
}


def _text(markdown: str | None) -> Markup:
    if not markdown or not markdown.strip():
        return Markup("")
    cleaned = nh3.clean(
        _markdown.render(markdown),
        tags=_TEXT_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        set_tag_attribute_values=_TEXT_CLASSES,
    )
    return Markup(cleaned)  # noqa: S704 - cleaned by nh3 against the allow-list above


@dataclass
class Field:
    name: str
    type: SafeString
    required: bool
    description: Markup
    notes: list[SafeString] = field(default_factory=list)

    @property
    def remarks(self) -> SafeString:
        """The notes as one sentence: "Not blank; at most 150 characters." """
        if not self.notes:
            return SafeString("")
        joined = format_html_join("; ", "{}", ((note,) for note in self.notes))
        return SafeString(joined[:1].upper() + joined[1:] + ".")


@dataclass
class Body:
    type: SafeString
    media_types: list[str]
    required: bool


@dataclass
class Response:
    status: str
    meaning: str
    body: SafeString | None
    media_types: list[str]


@dataclass
class Operation:
    method: str
    path: str
    anchor: str
    summary: str
    description: Markup
    authentication: list[str]
    parameters: list[tuple[str, list[Field]]]
    body: Body | None
    responses: list[Response]
    deprecated: bool


@dataclass
class Section:
    tag: str
    title: str
    anchor: str
    operations: list[Operation]


@dataclass
class DataType:
    name: str
    anchor: str
    description: Markup
    fields: list[Field]
    values: list
    value_type: str
    type: SafeString | None


@dataclass
class Reference:
    title: str
    version: str
    description: Markup
    sections: list[Section]
    data_types: list[DataType]
    open_operations: list[Operation]


_SINGLE_VALUES = {(None,): "null", ("",): "an empty string"}


def schema_anchor(name: str) -> str:
    return f"type-{name}"


class _Reader:
    """Turns one OpenAPI 3 document (as drf-spectacular builds it) into a `Reference`."""

    def __init__(self, document: dict):
        self.document = document
        self.components = document.get("components", {}).get("schemas", {})

    # --- types ---------------------------------------------------------------------------------

    def _single_value(self, name: str) -> str | None:
        """drf-spectacular's NullEnum and BlankEnum stand for one value: say it, not the name."""
        return _SINGLE_VALUES.get(tuple(self.components.get(name, {}).get("enum", ())))

    def type(self, schema: dict) -> SafeString:
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if said := self._single_value(name):
                return SafeString(said)
            return format_html('<a class="govuk-link" href="#{}">{}</a>', schema_anchor(name), name)
        for key, word in (("allOf", " and "), ("oneOf", " or "), ("anyOf", " or ")):
            if key in schema:
                parts = format_html_join(word, "{}", ((self.type(part),) for part in schema[key]))
                return self._nullable(parts, schema)
        kind = schema.get("type", "any value")
        if kind == "array":
            text = format_html("array of {}", self.type(schema.get("items", {})))
        elif "format" in schema:
            text = format_html("{} ({})", kind, schema["format"])
        else:
            text = format_html("{}", kind)
        if "enum" in schema:
            values = [value for value in schema["enum"] if value is not None]
            text = format_html("{}, one of {}", text, self._values(values))
        return self._nullable(text, schema)

    @staticmethod
    def _values(values) -> SafeString:
        return format_html_join(", ", "<code>{}</code>", ((value,) for value in values))

    @staticmethod
    def _nullable(text: SafeString, schema: dict) -> SafeString:
        return format_html("{}, or null", text) if schema.get("nullable") else text

    @staticmethod
    def notes(schema: dict) -> list[SafeString]:
        notes = []
        if "minLength" in schema:
            notes.append(
                SafeString("not blank")
                if schema["minLength"] == 1
                else format_html("at least {} characters", schema["minLength"])
            )
        if "maxLength" in schema:
            notes.append(format_html("at most {} characters", schema["maxLength"]))
        if "minimum" in schema:
            notes.append(format_html("at least {}", schema["minimum"]))
        if "maximum" in schema:
            notes.append(format_html("at most {}", schema["maximum"]))
        if "pattern" in schema:
            notes.append(format_html("matching <code>{}</code>", schema["pattern"]))
        if schema.get("default") not in (None, ""):
            notes.append(format_html("default <code>{}</code>", schema["default"]))
        if schema.get("writeOnly"):
            notes.append(SafeString("never returned"))
        if schema.get("deprecated"):
            notes.append(SafeString("deprecated"))
        return notes

    def fields(self, schema: dict) -> list[Field]:
        required = set(schema.get("required", []))
        return [
            Field(
                name=name,
                type=self.type(prop),
                required=name in required,
                description=_text(prop.get("description") or prop.get("title")),
                notes=self.notes(prop),
            )
            for name, prop in schema.get("properties", {}).items()
        ]

    # --- operations ----------------------------------------------------------------------------

    def _authentication(self, operation: dict) -> list[str]:
        """The ways to call the operation; empty when it needs none."""
        requirements = operation.get("security", self.document.get("security", []))
        if not requirements or {} in requirements:
            return []
        return [" and ".join(SCHEME_LABELS.get(name, name) for name in r) for r in requirements]

    def _parameters(self, operation: dict, shared: list[dict]) -> list[tuple[str, list[Field]]]:
        by_place: dict[str, list[Field]] = {}
        for parameter in [*shared, *operation.get("parameters", [])]:
            by_place.setdefault(parameter["in"], []).append(
                Field(
                    name=parameter["name"],
                    type=self.type(parameter.get("schema", {})),
                    required=bool(parameter.get("required")),
                    description=_text(parameter.get("description")),
                    notes=self.notes(parameter.get("schema", {})),
                )
            )
        titles = {"path": "Path", "query": "Query string", "header": "Headers", "cookie": "Cookies"}
        return [(titles.get(place, place), fields) for place, fields in by_place.items()]

    def _body(self, operation: dict) -> Body | None:
        request_body = operation.get("requestBody")
        if not request_body:
            return None
        content = request_body.get("content", {})
        first: dict = next(iter(content.values()), {})
        return Body(
            type=self.type(first.get("schema", {})),
            media_types=list(content),
            required=bool(request_body.get("required")),
        )

    def _responses(self, operation: dict) -> list[Response]:
        responses = []
        for status, response in sorted(operation.get("responses", {}).items()):
            content = response.get("content", {})
            first = next(iter(content.values()), None)
            try:
                phrase = http.HTTPStatus(int(status)).phrase
            except ValueError:
                phrase = ""
            responses.append(
                Response(
                    status=status,
                    meaning=response.get("description") or phrase,
                    body=self.type(first["schema"]) if first and "schema" in first else None,
                    media_types=list(content),
                )
            )
        return responses

    def operation(self, path: str, method: str, operation: dict, shared: list[dict]) -> Operation:
        return Operation(
            method=method.upper(),
            path=path,
            anchor=f"operation-{operation.get('operationId') or method + path}",
            summary=operation.get("summary", ""),
            description=_text(operation.get("description")),
            authentication=self._authentication(operation),
            parameters=self._parameters(operation, shared),
            body=self._body(operation),
            responses=self._responses(operation),
            deprecated=bool(operation.get("deprecated")),
        )

    # --- the whole document --------------------------------------------------------------------

    def reference(self) -> Reference:
        sections: dict[str, Section] = {}
        for path, item in self.document.get("paths", {}).items():
            shared = item.get("parameters", [])
            for method in METHODS:
                if method not in item:
                    continue
                operation = self.operation(path, method, item[method], shared)
                tag = (item[method].get("tags") or ["other"])[0]
                if tag not in sections:
                    title = tag.replace("-", " ").replace("_", " ").capitalize()
                    sections[tag] = Section(tag=tag, title=title, anchor=f"tag-{tag}", operations=[])
                sections[tag].operations.append(operation)
        data_types = [
            DataType(
                name=name,
                anchor=schema_anchor(name),
                description=_text(schema.get("description")),
                fields=self.fields(schema),
                values=[value for value in schema.get("enum", []) if value is not None],
                value_type=schema.get("type", "value"),
                type=None if "properties" in schema or "enum" in schema else self.type(schema),
            )
            for name, schema in sorted(self.components.items())
            if not self._single_value(name)
        ]
        ordered = sorted(sections.values(), key=lambda section: section.title)
        info = self.document.get("info", {})
        return Reference(
            title=info.get("title", "API"),
            version=info.get("version", ""),
            description=_text(info.get("description")),
            sections=ordered,
            data_types=data_types,
            open_operations=[op for s in ordered for op in s.operations if not op.authentication],
        )


def api_reference(request):
    """The reference page. Public, like the schema it is drawn from."""
    document = SchemaGenerator(api_version=API_VERSION).get_schema(request=None, public=True)
    reference = _Reader(document).reference()
    return render(request, "restapi/docs.html", {"title": "API reference", "reference": reference})
