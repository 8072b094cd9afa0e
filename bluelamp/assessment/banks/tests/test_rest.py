"""The question banks' REST API: banks, categories, questions (filters) and a question's current
content for those who may read the bank; importing a file (the same report as the pages and the
command, nothing written on problems) for those who manage it; 404 for anyone else, as for a bank
that does not exist.

The API's clients here sign in by session (with MFA, as administrators must), so that these tests
use no other domain's test helpers."""

import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from bluelamp.assessment.banks import services
from bluelamp.assessment.banks.models import Question
from bluelamp.assessment.banks.tests.queries import counting
from bluelamp.assessment.formats import gift, moodle_xml
from bluelamp.organisations.api import licence_update, requires_mfa
from conftest import force_sign_in, make_person, with_mfa

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[2] / "tests" / "data"


def api(person) -> APIClient:
    client = APIClient()
    if requires_mfa(person):
        with_mfa(person)
    force_sign_in(client, person)
    return client


def results(response) -> list[dict]:
    assert response.status_code == 200, (response.status_code, response.content[:500])
    return response.json()["results"]


@pytest.fixture
def trainer(kent):
    return make_person(kent, "tara@kent.police.uk", first="Tara", last="Trainer", roles=["training_admin"])


@pytest.fixture
def world(kent, trainer, national, platform_admin):
    bank = services.bank_create(actor=trainer, owner=kent, name="Kent law")
    services.questions_import(
        actor=trainer, bank=bank, result=moodle_xml.parse((DATA / "moodle_all_types.xml").read_bytes())
    )
    national_bank = services.bank_create(actor=platform_admin, owner=national, name="National updates")
    services.questions_import(
        actor=platform_admin, bank=national_bank, result=gift.parse("::N::National?{T}\n\n::M::More?{F}\n")
    )
    return {"bank": bank, "national": national_bank}


def test_banks_listed_with_counts_and_whether_the_reader_may_change_them(world, trainer):
    listed = {b["name"]: b for b in results(api(trainer).get("/api/v1/question-banks/"))}
    assert set(listed) == {"Kent law", "National updates"}
    assert listed["Kent law"]["questions"] == 10 and listed["Kent law"]["may_change"] is True
    assert listed["Kent law"]["owner"] == "kent"
    assert listed["National updates"]["may_change"] is False and listed["National updates"]["questions"] == 2
    only = results(api(trainer).get("/api/v1/question-banks/?owner=national"))
    assert [b["name"] for b in only] == ["National updates"]
    detail = api(trainer).get(f"/api/v1/question-banks/{world['bank'].uuid}/")
    assert detail.status_code == 200 and detail.json()["hidden_questions"] == 0


def test_categories_come_as_a_tree_with_counts(world, trainer):
    response = api(trainer).get(f"/api/v1/question-banks/{world['bank'].uuid}/categories/")
    assert response.status_code == 200
    rows = response.json()
    assert rows[0]["path"] == "Top" and rows[0]["parent"] is None and rows[0]["questions_below"] == 10
    rights = next(r for r in rows if r["name"] == "Rights / entitlements")
    assert rights["path"] == "Top / Custody / Rights // entitlements" and rights["depth"] == 2
    custody = next(r for r in rows if r["name"] == "Custody")
    assert rights["parent"] == custody["uuid"] and custody["questions"] == 0


def test_questions_are_filtered(world, trainer):
    client = api(trainer)
    base = f"/api/v1/question-banks/{world['bank'].uuid}/questions/"
    assert len(results(client.get(base))) == 10
    roads = world["bank"].categories.get(path="Top / Roads policing")
    assert len(results(client.get(base, {"category": str(roads.uuid)}))) == 4
    assert len(results(client.get(base, {"category": str(roads.uuid), "subcategories": "false"}))) == 2
    assert [q["name"] for q in results(client.get(base, {"type": "ordering"}))] == ["Arrest steps"]
    tagged = results(client.get(base, {"tag": "roads"}))
    assert tagged and all("roads" in q["tags"] for q in tagged)
    assert results(client.get(base, {"q": "Power to"}))[0]["name"] == "Power to stop"
    bad = client.get(base, {"type": "calculated"})
    assert bad.status_code == 400 and "“calculated” is not accepted for type" in bad.json()["type"][0]
    assert client.get(base, {"q": "PACE\x07"}).status_code == 400  # a control character
    missing = client.get(base, {"category": str(uuid.uuid4())})
    assert missing.status_code == 400 and "is not a category of this bank" in missing.json()["category"][0]
    question = world["bank"].questions.get(name="Power to stop")
    services.question_set_hidden(actor=trainer, question=question, hidden=True)
    assert len(results(client.get(base))) == 9
    assert len(results(client.get(base, {"hidden": "true"}))) == 10


def test_a_question_with_its_current_content_and_versions(world, trainer):
    question = world["bank"].questions.get(name="Power to stop")
    response = api(trainer).get(f"/api/v1/questions/{question.uuid}/")
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "multichoice" and body["idnumber"] == "RP-001" and body["version"] == 1
    assert body["bank"] == str(world["bank"].uuid) and body["default_mark"] == "2.0000"
    assert body["content"]["answers"][0] == {
        "text": "Road Traffic Act 1988",
        "fraction": "1",
        "feedback": "Yes: section 163.",
        "text_format": "html",
    }
    assert body["versions"][0]["number"] == 1
    national_question = world["national"].questions.first()
    assert api(trainer).get(f"/api/v1/questions/{national_question.uuid}/").status_code == 200


def test_import_reports_by_type_and_adds_nothing_twice(world, trainer):
    client = api(trainer)
    url = f"/api/v1/question-banks/{world['bank'].uuid}/import/"
    upload = SimpleUploadedFile("rich.gift", (DATA / "rich.gift").read_bytes())
    response = client.post(url, {"file": upload}, format="multipart")
    assert response.status_code == 200, response.content
    report = response.json()
    assert report["imported"] is True and report["total"] == 13 and report["created"] == 13
    assert report["by_type"][0] == {"type": "multichoice", "count": 3}
    assert [t["type"] for t in report["by_type"]] == [
        "multichoice", "truefalse", "shortanswer", "numerical", "matching", "essay", "description"
    ]  # fmt: skip
    upload = SimpleUploadedFile("rich.txt", (DATA / "rich.gift").read_bytes())
    again = client.post(url, {"file": upload, "format": "gift"}, format="multipart").json()
    assert again["created"] == 0 and again["unchanged"] == 13
    assert world["bank"].questions.count() == 23


def test_import_with_problems_writes_nothing_and_returns_the_report(world, trainer):
    client = api(trainer)
    url = f"/api/v1/question-banks/{world['bank'].uuid}/import/"
    before = Question.objects.count()
    upload = SimpleUploadedFile("problems.gift", (DATA / "problems.gift").read_bytes())
    response = client.post(url, {"file": upload}, format="multipart")
    assert response.status_code == 400
    report = response.json()
    assert report["imported"] is False
    assert {
        "number": 5,
        "name": "Bad number",
        "line": 17,
        "message": "'twenty-four' is not a number",
    } in report["problems"]
    upload = SimpleUploadedFile("mixed.xml", (DATA / "moodle_unsupported.xml").read_bytes())
    report = client.post(url, {"file": upload}, format="multipart").json()
    assert {"number": 1, "name": "Speed from distance", "line": 6, "type": "calculated"} in report[
        "unsupported"
    ]
    assert Question.objects.count() == before
    no_file = client.post(url, {}, format="multipart")
    assert no_file.status_code == 400 and "file" in no_file.json()
    odd = client.post(url, {"file": SimpleUploadedFile("q.doc", b"::Q::Why?{}")}, format="multipart")
    assert odd.status_code == 400 and "Cannot tell the format" in odd.json()["format"][0]
    unknown = client.post(
        url, {"file": SimpleUploadedFile("q.gift", b"::Q::Why?{}"), "colour": "red"}, format="multipart"
    )
    assert unknown.status_code == 400 and "colour" in unknown.json()


def test_the_national_bank_is_read_not_imported_into(world, trainer, kent):
    client = api(trainer)
    url = f"/api/v1/question-banks/{world['national'].uuid}/import/"
    refused = client.post(url, {"file": SimpleUploadedFile("q.gift", b"::Q::Why?{}")}, format="multipart")
    assert refused.status_code == 403 and "may read" in refused.json()["detail"]
    licence_update(actor=None, licence=kent.licences.get(type="PL-P-200"), status="suspended")
    assert client.get(f"/api/v1/question-banks/{world['national'].uuid}/").status_code == 404
    assert [b["name"] for b in results(client.get("/api/v1/question-banks/"))] == ["Kent law"]


def test_an_outsider_gets_not_found(world, charlie):
    client = api(charlie)
    bank = world["bank"]
    question = bank.questions.first()
    assert [b["name"] for b in results(client.get("/api/v1/question-banks/"))] == ["National updates"]
    for url in (
        f"/api/v1/question-banks/{bank.uuid}/",
        f"/api/v1/question-banks/{bank.uuid}/categories/",
        f"/api/v1/question-banks/{bank.uuid}/questions/",
        f"/api/v1/questions/{question.uuid}/",
        f"/api/v1/question-banks/{uuid.uuid4()}/",
        f"/api/v1/questions/{uuid.uuid4()}/",
    ):
        assert client.get(url).status_code == 404, url
    upload = SimpleUploadedFile("q.gift", b"::Q::Why?{}")
    assert (
        client.post(
            f"/api/v1/question-banks/{bank.uuid}/import/", {"file": upload}, format="multipart"
        ).status_code
        == 404
    )


def test_lists_do_not_grow_in_queries_with_rows(world, trainer):
    client = api(trainer)
    url = f"/api/v1/question-banks/{world['bank'].uuid}/questions/"
    with counting() as few:
        assert len(results(client.get(url))) == 10
    services.questions_import(
        actor=trainer, bank=world["bank"], result=gift.parse((DATA / "rich.gift").read_text())
    )
    with counting() as many:
        assert len(results(client.get(url))) == 23
    assert few[0] == many[0] > 0
    with counting() as banks_few:
        client.get("/api/v1/question-banks/")
    services.bank_create(actor=trainer, owner=world["bank"].owner, name="Another")
    with counting() as banks_many:
        assert len(results(client.get("/api/v1/question-banks/"))) == 3
    assert banks_few[0] == banks_many[0] > 0
