"""The API reference (/api/v1/docs/) is drawn from the OpenAPI document: every operation, its
parameters, request body, responses and the data types they name are on it, for anyone, with no
scripts of its own. (tests/browser/test_api_docs.py checks it with axe in a browser.)"""

import html
import re

import pytest
import yaml

from bluelamp.restapi.docs import _Reader

pytestmark = pytest.mark.django_db
URL = "/api/v1/docs/"


def _main(response) -> str:
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)))


def test_every_operation_and_data_type_of_the_schema_is_on_the_page(client):
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    response = client.get(URL)  # signed out: integrators read it before they have an account
    assert response.status_code == 200
    main = _main(response)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            anchor = f'id="operation-{operation["operationId"]}"'
            assert anchor in main, (method, path)
            section = main[main.index(anchor) : main.index("</section>", main.index(anchor))]
            heading = re.search(rf"{anchor}>(.*?)</h3>", section).group(1)
            assert _text(heading).strip() == f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                assert f"<code>{parameter['name']}</code>" in section, (method, path, parameter["name"])
            for status in operation["responses"]:
                assert f'<th scope="row" class="govuk-table__header">{status}</th>' in section
            if "requestBody" in operation:
                # JSON, or (a file upload) multipart form data: the page shows the first.
                content = operation["requestBody"]["content"]
                body = next(iter(content.values()))["schema"]["$ref"]
                name = body.rsplit("/", 1)[-1]
                assert f'href="#type-{name}">{name}</a>' in section, (method, path)
    for name in schema["components"]["schemas"]:
        if name not in ("NullEnum", "BlankEnum"):
            assert f'id="type-{name}"' in main, name
    # Links within the page all land somewhere.
    for target in set(re.findall(r'href="#([^"]+)"', main)):
        assert f'id="{target}"' in main, target
    assert "<script" not in main and "style=" not in main


def test_the_page_says_how_to_authenticate_and_links_the_schema(client):
    main = _main(client.get(URL))
    text = _text(main)
    assert "Authorization: Token <your token>" in text
    assert 'href="/api/tokens/"' in main
    assert 'href="/api/v1/schema/"' in main and 'href="/api/v1/schema/?format=json"' in main
    # The licence check is public; the rest need a token or a session.
    licence_check = main[main.index('id="operation-licence_check_retrieve"') :]
    assert "Authentication: none." in _text(licence_check[: licence_check.index("</section>")])
    people = main[main.index('id="operation-people_list"') :]
    assert "Authentication: an API token or a signed-in browser session." in _text(
        people[: people.index("</section>")]
    )
    assert client.get("/api/v1/schema/?format=json").json()["info"]["title"] == "Bluelamp API"


def test_the_old_redoc_address_leads_to_the_reference(client):
    response = client.get("/api/v1/redoc/")
    assert response.status_code == 302 and response["Location"] == URL


def test_types_are_described_in_words_with_links_to_named_types():
    reader = _Reader({"components": {"schemas": {"NullEnum": {"enum": [None]}}}})
    assert reader.type({"$ref": "#/components/schemas/Person"}) == (
        '<a class="govuk-link" href="#type-Person">Person</a>'
    )
    assert reader.type({"type": "array", "items": {"type": "string", "format": "date"}}) == (
        "array of string (date)"
    )
    assert reader.type(
        {"oneOf": [{"$ref": "#/components/schemas/X"}, {"$ref": "#/components/schemas/NullEnum"}]}
    ) == ('<a class="govuk-link" href="#type-X">X</a> or null')
    assert reader.type({"type": "string", "enum": ["a", "<b>"], "nullable": True}) == (
        "string, one of <code>a</code>, <code>&lt;b&gt;</code>, or null"
    )
    field = reader.fields({"properties": {"name": {"type": "string", "minLength": 1, "maxLength": 9}}})[0]
    assert field.remarks == "Not blank; at most 9 characters."
