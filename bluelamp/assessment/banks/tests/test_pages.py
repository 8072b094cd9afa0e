"""The banks' pages as a training administrator uses them: create a bank, add a question of every
type through its form (without JavaScript: more rows by a submit button, everything typed kept),
edit one (version 2), see it previewed, import a file (with problems: the report and nothing
written; without: counts by type, new and already there), export, organise categories, move
questions in bulk, and the national bank read-only."""

import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bluelamp.assessment.banks import codec, services
from bluelamp.assessment.banks.models import Bank, Category, Question
from bluelamp.assessment.banks.tests.queries import counting
from bluelamp.assessment.formats import gift, moodle_xml
from bluelamp.assessment.formats.questions import Answer
from bluelamp.assessment.formats.questions import Question as Content
from bluelamp.organisations.api import licence_update
from conftest import make_person

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[2] / "tests" / "data"


@pytest.fixture
def trainer(kent):
    return make_person(kent, "tara@kent.police.uk", first="Tara", last="Trainer", roles=["training_admin"])


@pytest.fixture
def client_of(signed_in):
    return signed_in


@pytest.fixture
def bank(kent, trainer):
    return services.bank_create(actor=trainer, owner=kent, name="Kent law")


def top(bank) -> Category:
    return bank.categories.get(parent=None)


def text(response) -> str:
    return response.content.decode()


def question_form(bank, qtype, **data) -> dict:
    values = {
        "name": f"A {qtype} question",
        "text": "What is the answer?",
        "text_format": "markdown",
        "category": str(top(bank).uuid),
        "default_mark": "1",
        "tags": "",
        "idnumber": "",
        "general_feedback": "",
    }
    values.update(data)
    return values


def content(question: Question) -> Content:
    question.refresh_from_db()
    assert question.current is not None
    return codec.from_data(question.current.data)


# --- banks ----------------------------------------------------------------------------------------


def test_create_a_bank_and_see_it_listed(client_of, trainer, kent):
    client = client_of(trainer)
    assert client.get("/assessment/banks/new/").status_code == 200
    response = client.post("/assessment/banks/new/", {"name": "", "description": ""})
    assert response.status_code == 400 and "Enter a name for the question bank" in text(response)
    response = client.post("/assessment/banks/new/", {"name": "Legal updates", "description": "2026"})
    bank = Bank.objects.get(owner=kent, name="Legal updates")
    assert response.status_code == 302 and response["Location"] == f"/assessment/banks/{bank.uuid}/"
    page = text(client.get("/assessment/banks/"))
    assert "Legal updates" in page and "Kent Police" in page
    again = client.post("/assessment/banks/new/", {"name": "legal updates"})
    assert again.status_code == 400 and "already has a question bank called" in text(again)
    edit = client.post(
        f"/assessment/banks/{bank.uuid}/edit/", {"name": "Legal updates 2026", "description": ""}
    )
    assert edit.status_code == 302
    bank.refresh_from_db()
    assert bank.name == "Legal updates 2026"


def test_someone_who_does_not_manage_learning_finds_no_banks(client_of, bob, bank):
    client = client_of(bob)
    assert client.get("/assessment/banks/").status_code == 404
    assert client.get(f"/assessment/banks/{bank.uuid}/").status_code == 404


def test_an_essex_admin_gets_not_found_for_kents_bank(client_of, charlie, bank):
    client = client_of(charlie)
    assert "Kent law" not in text(client.get("/assessment/banks/"))
    for url in (f"/assessment/banks/{bank.uuid}/", f"/assessment/banks/{bank.uuid}/import/"):
        assert client.get(url).status_code == 404


# --- questions of every type through the forms ----------------------------------------------------

EVERY_TYPE = {
    "multichoice": {
        "single": "one",
        "shuffle": "on",
        "answer_numbering": "ABCD",
        "answers-rows": "4",
        "answers-1-text": "Code A",
        "answers-1-mark": "100",
        "answers-1-feedback": "Right: stop and search.",
        "answers-2-text": "Code C",
        "answers-2-mark": "0",
        "answers-3-text": "Code G",
        "answers-3-mark": "-25",
        "answers-3-feedback": "Arrest.",
        "correct_feedback": "Well done.",
        "incorrect_feedback": "Read Code A again.",
    },
    "truefalse": {"correct": "false", "true_feedback": "No: it may be refused.", "false_feedback": "Right."},
    "shortanswer": {
        "case_sensitive": "on",
        "answers-rows": "3",
        "answers-1-text": "PACE*",
        "answers-1-mark": "100",
        "answers-2-text": "Police and Criminal Evidence Act",
        "answers-2-mark": "50",
        "answers-2-feedback": "The short name, please.",
    },
    "numerical": {
        "answers-rows": "3",
        "answers-1-value": "24",
        "answers-1-tolerance": "0",
        "answers-1-mark": "100",
        "answers-2-value": "36",
        "answers-2-tolerance": "0.5",
        "answers-2-mark": "50",
        "answers-3-value": "*",
        "answers-3-mark": "0",
        "answers-3-feedback": "See PACE s.41.",
        "units-rows": "2",
        "units-1-name": "hours",
        "units-1-multiplier": "1",
        "units-2-name": "minutes",
        "units-2-multiplier": "60",
    },
    "matching": {
        "shuffle": "on",
        "pairs-rows": "4",
        "pairs-1-question": "s.1 PACE",
        "pairs-1-answer": "Stop and search",
        "pairs-2-question": "s.24 PACE",
        "pairs-2-answer": "Arrest",
        "pairs-3-question": "",
        "pairs-3-answer": "Bail",
    },
    "ordering": {
        "items-rows": "4",
        "items-1-text": "Arrest",
        "items-2-text": "Caution",
        "items-3-text": "Interview",
    },
    "gapselect": {
        "text": "You do not have to say [[1]]. But it may [[2]] your defence.",
        "shuffle": "on",
        "choices-rows": "4",
        "choices-1-text": "anything",
        "choices-1-group": "1",
        "choices-2-text": "harm",
        "choices-2-group": "2",
        "choices-3-text": "nothing",
        "choices-3-group": "1",
    },
    "essay": {
        "response_format": "editor",
        "response_required": "on",
        "min_words": "100",
        "max_words": "500",
        "attachments": "1",
        "response_template": "Grounds:\r\nObject:",
        "grader_info": "Mentions GOWISELY.",
    },
    "description": {"text": "The next questions are about custody."},
}


@pytest.mark.parametrize("qtype", list(EVERY_TYPE))
def test_add_a_question_of_each_type_through_its_form(client_of, trainer, bank, qtype):
    client = client_of(trainer)
    chooser = client.get(f"/assessment/banks/{bank.uuid}/questions/new/?type={qtype}")
    assert chooser.status_code == 302 and chooser["Location"].endswith(f"/questions/new/{qtype}/")
    assert client.get(chooser["Location"]).status_code == 200
    data = question_form(bank, qtype, tags="PACE, custody", **EVERY_TYPE[qtype])
    if qtype == "description":
        data.pop("default_mark")
    response = client.post(f"/assessment/banks/{bank.uuid}/questions/new/{qtype}/", data)
    assert response.status_code == 302, re.findall(r'govuk-error-message">\s*(.*?)<', text(response), re.S)
    question = Question.objects.get(bank=bank)
    assert response["Location"] == f"/assessment/banks/questions/{question.uuid}/"
    assert question.qtype == qtype and question.created_by == trainer
    assert sorted(t.name for t in question.tags.all()) == ["PACE", "custody"]
    saved = content(question)
    expected = {
        "multichoice": lambda q: (
            q.single
            and q.shuffle
            and q.answer_numbering == "ABCD"
            and [(a.text, a.fraction) for a in q.answers]
            == [("Code A", 1), ("Code C", 0), ("Code G", Decimal("-0.25"))]
            and q.answers[2].feedback == "Arrest."
            and q.correct_feedback == "Well done."
        ),
        "truefalse": lambda q: q.correct is False and q.true_feedback == "No: it may be refused.",
        "shortanswer": lambda q: (
            q.case_sensitive
            and [(a.text, a.fraction) for a in q.answers]
            == [("PACE*", 1), ("Police and Criminal Evidence Act", Decimal("0.5"))]
        ),
        "numerical": lambda q: (
            [(a.value, a.tolerance, a.fraction) for a in q.numerical_answers]
            == [(24, 0, 1), (36, Decimal("0.5"), Decimal("0.5")), (None, 0, 0)]
            and [(u.name, u.multiplier) for u in q.units] == [("hours", 1), ("minutes", 60)]
        ),
        "matching": lambda q: (
            [(p.question, p.answer) for p in q.pairs]
            == [("s.1 PACE", "Stop and search"), ("s.24 PACE", "Arrest"), ("", "Bail")]
        ),
        "ordering": lambda q: q.items == ["Arrest", "Caution", "Interview"],
        "gapselect": lambda q: (
            [(c.text, c.group) for c in q.choices] == [("anything", 1), ("harm", 2), ("nothing", 1)]
        ),
        "essay": lambda q: (
            (q.min_words, q.max_words, q.attachments) == (100, 500, 1)
            and q.response_template == "Grounds:\nObject:"
            and q.grader_info == "Mentions GOWISELY."
        ),
        "description": lambda q: q.default_mark == 0 and q.text == "The next questions are about custody.",
    }[qtype]
    assert expected(saved), saved
    # Its page previews it.
    page = client.get(f"/assessment/banks/questions/{question.uuid}/")
    assert page.status_code == 200 and 'id="preview"' in text(page)


def test_add_more_answers_keeps_what_was_typed_and_saves_nothing(client_of, trainer, bank):
    client = client_of(trainer)
    url = f"/assessment/banks/{bank.uuid}/questions/new/multichoice/"
    form = client.get(url)
    assert text(form).count('name="answers-') == 4 * 3 + 1  # and how many rows there are
    assert 'name="more"' in text(form)
    data = question_form(
        bank,
        "multichoice",
        name="Typed name",
        single="one",
        answer_numbering="abc",
        **{
            "answers-rows": "4",
            "answers-1-text": "Typed answer",
            "answers-1-mark": "100",
            "answers-4-feedback": "Typed feedback",
            "more": "answers",
        },
    )
    response = client.post(url, data)
    body = text(response)
    assert response.status_code == 200
    assert 'name="answers-7-text"' in body and 'name="answers-8-text"' not in body
    assert 'name="answers-rows" value="7"' in body
    assert 'value="Typed name"' in body and "Typed answer" in body and "Typed feedback" in body
    assert "There is a problem" not in body  # nothing checked yet
    assert not Question.objects.exists()


def test_problems_are_shown_against_their_fields_and_nothing_is_saved(client_of, trainer, bank):
    client = client_of(trainer)
    url = f"/assessment/banks/{bank.uuid}/questions/new/multichoice/"
    data = question_form(
        bank,
        "multichoice",
        name="No right answer",
        single="one",
        answer_numbering="abc",
        **{
            "answers-rows": "4",
            "answers-1-text": "Code A",
            "answers-1-mark": "50",
            "answers-2-text": "Code C",
            "answers-2-mark": "lots",
            "answers-3-mark": "20",
        },
    )
    response = client.post(url, data)
    body = text(response)
    assert response.status_code == 400
    assert "There is a problem" in body
    assert "Answer 2: the mark “lots” is not a number" in body
    assert "Answer 3: enter the answer&#39;s text" in body or "Answer 3: enter the answer's text" in body
    assert 'href="#id_answers-2-mark"' in body and 'href="#id_answers-3-text"' in body
    assert 'value="No right answer"' in body and "Code A" in body  # what was typed is kept
    data.update({"answers-2-mark": "0", "answers-3-mark": "", "name": "Bell\x07"})
    body = text(client.post(url, data))
    assert "This contains a control character (U+0007)" in body and 'href="#id_name"' in body
    data["name"] = "No right answer"
    response = client.post(url, data)
    body = text(response)
    assert response.status_code == 400
    assert "A one-answer multiple-choice question needs one answer worth 100%." in body
    assert 'href="#id_answers-1-mark"' in body
    data.update({"single": "several", "answers-1-mark": "50", "answers-2-mark": "40"})
    body = text(client.post(url, data))
    assert "add up to 90%, not 100%" in body
    assert not Question.objects.exists()


def test_gap_problems_are_shown_on_the_text(client_of, trainer, bank):
    client = client_of(trainer)
    data = question_form(
        bank,
        "gapselect",
        text="Say [[3]].",
        **{"choices-rows": "2", "choices-1-text": "anything", "choices-1-group": "x"},
    )
    body = text(client.post(f"/assessment/banks/{bank.uuid}/questions/new/gapselect/", data))
    assert "Choice 1: the group “x” is not a number from 1 to 20" in body
    data["choices-1-group"] = "1"
    body = text(client.post(f"/assessment/banks/{bank.uuid}/questions/new/gapselect/", data))
    assert "Gap [[3]] names choice 3, but there are 1 choices." in body and 'href="#id_text"' in body


def test_editing_a_question_makes_version_2_and_says_so(client_of, trainer, bank):
    client = client_of(trainer)
    question = services.question_create(
        actor=trainer,
        bank=bank,
        content=Content(
            type="shortanswer",
            name="Act",
            text="Which Act?",
            text_format="html",
            answers=[Answer("PACE", Decimal(1), text_format="moodle")],
        ),
    )
    url = f"/assessment/banks/questions/{question.uuid}/edit/"
    form = text(client.get(url))
    assert "This is version 1" in form and "saving makes version 2" in form
    # Saved as it is: no new version (the answer keeps its own format).
    fields = dict(re.findall(r'name="([^"]+)"[^>]*value="([^"]*)"', form))
    data = question_form(
        bank,
        "shortanswer",
        name="Act",
        text="Which Act?",
        text_format="html",
        **{"answers-rows": fields["answers-rows"], "answers-1-text": "PACE", "answers-1-mark": "100"},
    )
    response = client.post(url, data)
    assert response.status_code == 302
    assert question.versions.count() == 1
    assert "still version 1" in text(client.get(response["Location"]))
    data["text"] = "Which Act of 1984?"
    response = client.post(url, data)
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.versions.count() == 2 and question.current.number == 2
    assert question.current.created_by == trainer
    page = text(client.get(response["Location"]))
    assert "Saved as version 2" in page and "Which Act of 1984?" in page
    # The first version is kept and can be previewed.
    old = text(client.get(f"/assessment/banks/questions/{question.uuid}/?version=1"))
    assert "Preview of version 1" in old and "Which Act?" in old
    assert "Tara Trainer" in page and "Changed: version 2 made" in page


def test_hide_and_show_a_question(client_of, trainer, bank):
    client = client_of(trainer)
    question = services.question_create(
        actor=trainer, bank=bank, content=gift.parse("::Q::Why?{}").questions[0]
    )
    client.post(f"/assessment/banks/questions/{question.uuid}/hide/", {"hidden": "1"})
    question.refresh_from_db()
    assert question.hidden
    listed = text(client.get(f"/assessment/banks/{bank.uuid}/"))
    assert f"/questions/{question.uuid}/" not in listed
    assert f"/questions/{question.uuid}/" in text(client.get(f"/assessment/banks/{bank.uuid}/?hidden=on"))
    client.post(f"/assessment/banks/questions/{question.uuid}/hide/", {"hidden": "0"})
    question.refresh_from_db()
    assert not question.hidden
    assert client.get(f"/assessment/banks/questions/{question.uuid}/hide/").status_code == 405


def test_the_preview_never_runs_what_a_file_holds(client_of, trainer, bank):
    client = client_of(trainer)
    result = moodle_xml.parse(
        b"""<?xml version="1.0"?><quiz><question type="truefalse"><name><text>Script</text></name>
        <questiontext format="html"><text><![CDATA[<p onclick="x()">Is it <b>safe</b>?</p><script>alert(1)</script>
        <img src="http://evil/x.png"><a href="javascript:alert(2)">link</a>]]></text></questiontext>
        <answer fraction="100"><text>true</text><feedback><text><![CDATA[<style>body{}</style>Yes]]></text></feedback></answer>
        <answer fraction="0"><text>false</text></answer></question></quiz>"""
    )
    services.questions_import(actor=trainer, bank=bank, result=result)
    question = bank.questions.get()
    body = text(client.get(f"/assessment/banks/questions/{question.uuid}/"))
    preview = body[body.index('id="preview"') :]
    assert "<b>safe</b>" in preview
    assert "<script>" not in preview and "alert(1)" not in preview and "onclick" not in preview
    assert "<img" not in preview and "javascript:" not in preview and "<style>" not in preview


# --- the bank's page: categories, filters, bulk move ----------------------------------------------


@pytest.fixture
def filled(bank, trainer):
    services.questions_import(
        actor=trainer, bank=bank, result=gift.parse((DATA / "rich.gift").read_text()), source="rich.gift"
    )
    return bank


def test_the_bank_page_shows_the_tree_and_filters_questions(client_of, trainer, filled):
    client = client_of(trainer)
    base = f"/assessment/banks/{filled.uuid}/"
    body = text(client.get(base))
    assert "Stop and search" in body and "(4)" in body
    powers = filled.categories.get(path="Top / Powers")
    within = text(client.get(f"{base}?category={powers.uuid}"))
    assert "PACE code A" in within and "Act year" not in within
    only = text(client.get(f"{base}?category={powers.uuid}&only=on"))
    assert "PACE code A" not in only and "No questions match." in only
    by_type = text(client.get(f"{base}?qtype=numerical"))
    assert "Speed" in by_type and "PACE code A" not in by_type
    by_name = text(client.get(f"{base}?q=caution"))
    assert "Caution true" in by_name and "Speed" not in by_name
    assert client.get(base, {"q": "a\x07b"}).status_code == 400  # a control character


def test_the_list_pages_make_as_many_queries_however_many_rows(client_of, trainer, bank, kent):
    client = client_of(trainer)
    url = f"/assessment/banks/{bank.uuid}/"
    services.questions_import(actor=trainer, bank=bank, result=gift.parse("::A::A?{T}\n\n::B::B?{F}\n"))
    with counting() as few:
        assert client.get(url).status_code == 200
    with counting() as banks_few:
        assert client.get("/assessment/banks/").status_code == 200
    services.questions_import(actor=trainer, bank=bank, result=gift.parse((DATA / "rich.gift").read_text()))
    services.bank_create(actor=trainer, owner=kent, name="Another")
    with counting() as many:
        assert client.get(url).status_code == 200
    with counting() as banks_many:
        assert client.get("/assessment/banks/").status_code == 200
    assert few[0] == many[0] > 0
    assert banks_few[0] == banks_many[0] > 0


def test_move_selected_questions_to_a_category(client_of, trainer, filled):
    client = client_of(trainer)
    target = filled.categories.get(path="Top / Law / Misc")
    chosen = list(filled.questions.filter(name__in=["PACE code A", "Grounds"]))
    response = client.post(
        f"/assessment/banks/{filled.uuid}/move/",
        {
            "move-questions": [str(q.uuid) for q in chosen],
            "move-category": str(target.uuid),
            "move-next": "qtype=multichoice",
        },
    )
    assert (
        response.status_code == 302
        and response["Location"] == f"/assessment/banks/{filled.uuid}/?qtype=multichoice"
    )
    assert set(filled.questions.filter(category=target).values_list("name", flat=True)) >= {
        "PACE code A",
        "Grounds",
    }
    assert "Moved 2 questions to “Top / Law / Misc”." in text(client.get(response["Location"]))
    refused = client.post(f"/assessment/banks/{filled.uuid}/move/", {"move-category": str(target.uuid)})
    assert refused.status_code == 400 and "Select the questions to move" in text(refused)


def test_categories_are_made_renamed_moved_and_deleted(client_of, trainer, filled):
    client = client_of(trainer)
    law = filled.categories.get(path="Top / Law")
    misc = filled.categories.get(path="Top / Law / Misc")
    response = client.post(
        f"/assessment/banks/{filled.uuid}/categories/new/", {"name": "Empty", "parent": str(law.uuid)}
    )
    assert response.status_code == 302
    empty = filled.categories.get(path="Top / Law / Empty")
    # Not under itself: its own subcategories are not offered, and are refused if posted.
    form = text(client.get(f"/assessment/banks/{filled.uuid}/categories/{law.uuid}/"))
    assert str(misc.uuid) not in form
    refused = client.post(
        f"/assessment/banks/{filled.uuid}/categories/{law.uuid}/", {"name": "Law", "parent": str(misc.uuid)}
    )
    assert refused.status_code == 400 and "Select a valid choice" in text(refused)
    moved = client.post(
        f"/assessment/banks/{filled.uuid}/categories/{misc.uuid}/",
        {"name": "Miscellany", "parent": str(top(filled).uuid), "description": ""},
    )
    assert moved.status_code == 302
    misc.refresh_from_db()
    assert misc.path == "Top / Miscellany"
    not_empty = client.post(f"/assessment/banks/{filled.uuid}/categories/{misc.uuid}/delete/")
    assert not_empty.status_code == 400 and "move or delete them first" in text(not_empty)
    assert client.post(f"/assessment/banks/{filled.uuid}/categories/{empty.uuid}/delete/").status_code == 302
    assert not Category.objects.filter(pk=empty.pk).exists()
    # The top is neither renamed nor deleted.
    assert client.get(f"/assessment/banks/{filled.uuid}/categories/{top(filled).uuid}/").status_code == 404


# --- import ---------------------------------------------------------------------------------------


def test_an_import_with_problems_writes_nothing_and_shows_the_report(client_of, trainer, bank):
    client = client_of(trainer)
    upload = SimpleUploadedFile("problems.gift", (DATA / "problems.gift").read_bytes())
    response = client.post(f"/assessment/banks/{bank.uuid}/import/", {"file": upload, "format": ""})
    body = text(response)
    assert response.status_code == 400
    assert "problems.gift cannot be imported" in body and "Nothing has been imported." in body
    table = body[body.index('id="problems"') :]
    row = re.search(
        r"<td[^>]*>2</td>\s*<td[^>]*>No right answer</td>\s*<td[^>]*>7</td>\s*<td[^>]*>(.*?)</td>",
        table,
        re.S,
    )
    assert row and row.group(1).startswith("A multiple-choice question has no right answer")
    assert "Braces" in table and "Bad number" in table
    assert not Question.objects.exists() and bank.categories.count() == 1

    upload = SimpleUploadedFile("mixed.xml", (DATA / "moodle_unsupported.xml").read_bytes())
    body = text(client.post(f"/assessment/banks/{bank.uuid}/import/", {"file": upload}))
    unsupported = body[body.index('id="unsupported"') :]
    for name, qtype in [
        ("Speed from distance", "calculated"),
        ("Cloze caution", "multianswer"),
        ("Drag words", "ddwtos"),
    ]:
        assert name in unsupported and qtype in unsupported
    assert not Question.objects.exists()


def test_an_import_that_works_reports_counts_by_type_and_what_was_new(client_of, trainer, bank):
    client = client_of(trainer)
    url = f"/assessment/banks/{bank.uuid}/import/"
    upload = SimpleUploadedFile("roads.xml", (DATA / "moodle_all_types.xml").read_bytes())
    response = client.post(url, {"file": upload})
    assert response.status_code == 302 and response["Location"] == f"{url}?done=1"
    body = text(client.get(response["Location"]))
    assert "10 questions imported" in body
    assert re.search(r"Multiple choice</td><td[^>]*>2</td>", body)
    assert re.search(r"Select missing words</td><td[^>]*>1</td>", body)
    assert "10 new" in body and "0 already in the bank" in body
    assert bank.questions.count() == 10
    # Again, with the format given: nothing new.
    upload = SimpleUploadedFile("roads.txt", (DATA / "moodle_all_types.xml").read_bytes())
    response = client.post(url, {"file": upload, "format": "moodle-xml"})
    body = text(client.get(response["Location"]))
    assert "0 new" in body and "10 already in the bank" in body
    assert bank.questions.count() == 10


def test_an_import_whose_format_cannot_be_told(client_of, trainer, bank):
    client = client_of(trainer)
    upload = SimpleUploadedFile("questions.doc", b"::Q::Why?{}")
    response = client.post(f"/assessment/banks/{bank.uuid}/import/", {"file": upload})
    assert response.status_code == 400 and "Cannot tell the format of “questions.doc”" in text(response)
    latin = SimpleUploadedFile("latin.gift", "::Café::Which?{=a ~b}".encode("latin-1"))
    body = text(client.post(f"/assessment/banks/{bank.uuid}/import/", {"file": latin}))
    assert "It is not UTF-8 text" in body
    assert not Question.objects.exists()


# --- export ---------------------------------------------------------------------------------------


def test_export_both_formats_and_gift_refuses_what_it_cannot_hold(client_of, trainer, bank):
    client = client_of(trainer)
    services.questions_import(
        actor=trainer, bank=bank, result=moodle_xml.parse((DATA / "moodle_all_types.xml").read_bytes())
    )
    url = f"/assessment/banks/{bank.uuid}/export/"
    assert client.get(url).status_code == 200
    xml = client.get(url, {"format": "moodle-xml"})
    assert xml.status_code == 200 and xml["Content-Disposition"] == 'attachment; filename="kent-law.xml"'
    assert len(moodle_xml.parse(xml.content).questions) == 10
    refused = client.get(url, {"format": "gift"})
    body = text(refused)
    assert refused.status_code == 400 and "GIFT cannot hold 2 of the questions" in body
    assert 'id="refused"' in body and "(Ordering)" in body and "(Select missing words)" in body
    kept = client.get(url, {"format": "gift", "skip_unwritable": "on"})
    assert kept.status_code == 200 and kept["Content-Disposition"].endswith('.gift"')
    assert len(gift.parse(kept.content.decode()).questions) == 8
    stops = bank.categories.get(path="Top / Roads policing")
    part = client.get(url, {"format": "moodle-xml", "category": str(stops.uuid)})
    assert part["Content-Disposition"] == 'attachment; filename="kent-law-roads-policing.xml"'
    assert {q.category[0] for q in moodle_xml.parse(part.content).questions} == {"Roads policing"}


# --- the national bank ----------------------------------------------------------------------------


def test_the_national_bank_is_read_only_for_a_force_with_national_content(
    client_of, trainer, kent, national, platform_admin
):
    national_bank = services.bank_create(actor=platform_admin, owner=national, name="National updates")
    question = services.question_create(
        actor=platform_admin, bank=national_bank, content=gift.parse("::N::National?{T}").questions[0]
    )
    client = client_of(trainer)
    listed = text(client.get("/assessment/banks/"))
    assert "National updates" in listed and "Read only" in listed
    page = text(client.get(f"/assessment/banks/{national_bank.uuid}/"))
    assert "you can preview its questions" in page and "Add a question" not in page
    assert client.get(f"/assessment/banks/questions/{question.uuid}/").status_code == 200
    assert client.get(f"/assessment/banks/{national_bank.uuid}/export/?format=gift").status_code == 200
    for url in (
        f"/assessment/banks/{national_bank.uuid}/edit/",
        f"/assessment/banks/{national_bank.uuid}/import/",
        f"/assessment/banks/{national_bank.uuid}/questions/new/",
        f"/assessment/banks/questions/{question.uuid}/edit/",
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(f"/assessment/banks/questions/{question.uuid}/hide/", {"hidden": "1"}).status_code == 404
    )
    licence_update(actor=None, licence=kent.licences.get(type="PL-P-200"), status="suspended")
    assert client.get(f"/assessment/banks/{national_bank.uuid}/").status_code == 404
    assert "National updates" not in text(client.get("/assessment/banks/"))


class _FormValues(HTMLParser):
    """What a browser would post from a page's form whose action is empty (the question form)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method") == "post" and not a.get("action"):
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input" and a.get("name") and a.get("type") not in ("submit",):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.values.append((a["name"], a.get("value") or ""))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], []
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.values.append((self._select, a.get("value") or ""))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            self.values.append((self._textarea, "".join(self._text)))
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False


def posted_as_shown(body: str) -> dict:
    parser = _FormValues()
    parser.feed(body)
    data: dict[str, list[str]] = {}
    for name, value in parser.values:
        data.setdefault(name, []).append(value)
    return data


@pytest.mark.parametrize("source", ["rich.gift", "moodle_all_types.xml"])
def test_saving_an_imported_question_unchanged_makes_no_new_version(client_of, trainer, bank, source):
    """Every type, as the files hold them: the form shows each question whole, and posting it back
    as shown changes nothing (so a person who only moves a question makes no version)."""
    data = (DATA / source).read_bytes()
    result = gift.parse(data.decode()) if source.endswith(".gift") else moodle_xml.parse(data)
    services.questions_import(actor=trainer, bank=bank, result=result)
    client = client_of(trainer)
    for question in bank.questions.all():
        url = f"/assessment/banks/questions/{question.uuid}/edit/"
        response = client.post(url, posted_as_shown(text(client.get(url))))
        assert response.status_code == 302, (
            question.name,
            re.findall(r'error-message">\s*(.*?)<', text(response), re.S),
        )
        assert question.versions.count() == 1, (question.name, content(question))
