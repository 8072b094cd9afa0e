"""`bluelamp import-questions` and `bluelamp export-questions`: exact stdout, the report on stderr,
exit codes, nothing written on error, no duplicates on re-import, and the round trip through both
commands in both formats (every type each format holds)."""

import io
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from bluelamp.assessment.banks import services
from bluelamp.assessment.banks.models import Bank, Category, Question
from bluelamp.audit.api import AuditEvent
from bluelamp.cli import main as bluelamp_main

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[2] / "tests" / "data"
RICH_GIFT = DATA / "rich.gift"
ALL_XML = DATA / "moodle_all_types.xml"
PROBLEMS_GIFT = DATA / "problems.gift"
UNSUPPORTED_XML = DATA / "moodle_unsupported.xml"

RICH_STDOUT = "multichoice: 3\ntruefalse: 2\nshortanswer: 2\nnumerical: 3\nmatching: 1\nessay: 1\ndescription: 1\ntotal: 13\n"
ALL_XML_STDOUT = (
    "multichoice: 2\ntruefalse: 1\nshortanswer: 1\nnumerical: 1\nmatching: 1\nordering: 1\ngapselect: 1\n"
    "essay: 1\ndescription: 1\ntotal: 10\n"
)


def run(command, *args) -> tuple[int | str | None, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code: int | str | None
    try:
        call_command(command, *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit:
        code = exit.code
    return code, out.getvalue(), err.getvalue()


def import_questions(*args):
    return run("import-questions", *[str(a) for a in args])


def export_questions(*args):
    return run("export-questions", *[str(a) for a in args])


def bank_questions(bank: Bank) -> list[tuple]:
    return sorted(
        (
            q.name,
            q.qtype,
            q.current.fingerprint if q.current else "",
            q.category.path,
            q.idnumber,
            tuple(sorted(t.name for t in q.tags.all())),
        )
        for q in Question.objects.filter(bank=bank).select_related("current", "category")
    )


def test_import_prints_one_line_per_type_in_a_stable_order_and_the_total(kent):
    code, out, err = import_questions(RICH_GIFT, "--org", "kent", "--bank", "Law")
    assert code == 0, err
    assert out == RICH_STDOUT
    bank = Bank.objects.get(owner=kent, name="Law")
    assert bank.questions.count() == 13
    assert "Made the bank “Law” of Kent Police: 13 new, 0 already in the bank, 0 updated" in err
    assert bank.categories.filter(path="Top / Powers / Stop and search").exists()
    # Done as the system: audited without an actor.
    event = AuditEvent.objects.get(action="assessment.bank.import")
    assert event.actor is None and event.after["created"] == 13


def test_reimporting_the_same_file_duplicates_nothing(kent):
    import_questions(RICH_GIFT, "--org", "kent", "--bank", "Law")
    code, out, err = import_questions(RICH_GIFT, "--org", "kent", "--bank", "law")  # the name in any case
    assert code == 0
    assert out == RICH_STDOUT
    assert "Into the bank “Law” of Kent Police: 0 new, 13 already in the bank" in err
    assert Bank.objects.filter(owner=kent).count() == 1
    assert Question.objects.count() == 13


def test_moodle_xml_with_every_type_and_the_format_given(kent):
    code, out, err = import_questions(ALL_XML, "--org", "kent", "--bank", "Roads")
    assert code == 0, err
    assert out == ALL_XML_STDOUT
    copy = Path(ALL_XML)
    code, out, _ = import_questions(copy, "--org", "kent", "--bank", "Roads", "--format", "moodle-xml")
    assert code == 0 and out == ALL_XML_STDOUT
    assert Question.objects.count() == 10


def test_a_file_with_problems_writes_nothing_and_reports_each_on_stderr(kent):
    code, out, err = import_questions(PROBLEMS_GIFT, "--org", "kent", "--bank", "Practice")
    assert code == 1
    assert out == ""
    lines = err.splitlines()
    assert (
        "  question 2 (No right answer), line 7: a multiple-choice question has no right answer" in lines[0]
    )
    assert any(line.startswith("  question 4 (Braces), line 15: unbalanced braces") for line in lines)
    assert any(
        line.startswith("  question 5 (Bad number), line 17: 'twenty-four' is not a number") for line in lines
    )
    assert lines[-1].startswith("problems.gift: ") and lines[-1].endswith("; nothing was written.")
    # Nothing at all: not the questions, not even the bank.
    assert not Bank.objects.exists() and not Question.objects.exists() and not Category.objects.exists()


def test_unsupported_types_are_listed_and_nothing_is_written(kent):
    code, out, err = import_questions(UNSUPPORTED_XML, "--org", "kent", "--bank", "Mixed")
    assert code == 1 and out == ""
    assert "question 1 (Speed from distance), line 6: the type “calculated” is not supported" in err
    assert "question 2 (Cloze caution), line 11: the type “multianswer” is not supported" in err
    assert "the type “ddwtos” is not supported" in err and "the type “random” is not supported" in err
    assert "Still read" not in err  # the readable question is not a problem
    assert (
        err.splitlines()[-1]
        == "moodle_unsupported.xml: 4 questions of unsupported types; nothing was written."
    )
    assert not Bank.objects.exists() and not Question.objects.exists()


def test_refused_into_an_existing_bank_leaves_it_as_it_was(kent):
    import_questions(RICH_GIFT, "--org", "kent", "--bank", "Law")
    before = bank_questions(Bank.objects.get())
    code, _, _ = import_questions(PROBLEMS_GIFT, "--org", "kent", "--bank", "Law")
    assert code == 1
    assert bank_questions(Bank.objects.get()) == before


def test_an_empty_bank_name_is_refused_and_nothing_written(kent):
    code, out, err = import_questions(RICH_GIFT, "--org", "kent", "--bank", "  ")
    assert code == 1 and out == ""
    assert "Enter a name for the question bank." in err
    assert not Bank.objects.exists() and not Question.objects.exists()


def test_unknown_organisation_is_a_command_error(kent):
    with pytest.raises(CommandError, match="No organisation with slug “nowhere”"):
        call_command("import-questions", str(RICH_GIFT), "--org", "nowhere", "--bank", "Law")


def test_unreadable_missing_and_unguessable_files(kent, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import-questions", str(tmp_path / "missing.gift"), "--org", "kent", "--bank", "Law")
    odd = tmp_path / "questions.doc"
    odd.write_text("::Q::Why?{}")
    with pytest.raises(CommandError, match=r"Cannot tell the format of “questions.doc”.*gift or moodle-xml"):
        call_command("import-questions", str(odd), "--org", "kent", "--bank", "Law")
    # With the format given, the extension does not matter.
    code, out, _ = import_questions(odd, "--org", "kent", "--bank", "Law", "--format", "gift")
    assert code == 0 and out == "essay: 1\ntotal: 1\n"
    directory = tmp_path / "a.gift"
    directory.mkdir()
    with pytest.raises(CommandError, match="No such file"):
        call_command("import-questions", str(directory), "--org", "kent", "--bank", "Law")


def test_a_file_that_is_not_utf8_is_refused_clearly(kent, tmp_path):
    latin = tmp_path / "latin.gift"
    latin.write_bytes("::Café::Which café?{=one ~two}\n".encode("latin-1"))
    code, out, err = import_questions(latin, "--org", "kent", "--bank", "Law")
    assert code == 1 and out == ""
    assert "the file, line 1: it is not UTF-8 text (byte 0xE9 cannot be read)" in err
    assert not Bank.objects.exists()


def test_the_console_script_runs_the_command(kent, monkeypatch, capsys):
    monkeypatch.setattr(
        sys, "argv", ["bluelamp", "import-questions", str(RICH_GIFT), "--org", "kent", "--bank", "Law"]
    )
    bluelamp_main()
    captured = capsys.readouterr()
    assert captured.out == RICH_STDOUT
    assert "13 new" in captured.err


@pytest.mark.parametrize(
    ("source", "fmt", "suffix"), [(RICH_GIFT, "gift", "gift"), (ALL_XML, "moodle-xml", "xml")]
)
def test_round_trip_through_export_and_import(kent, tmp_path, source, fmt, suffix):
    """Every type the format holds: export a bank, import the export into a new bank, same questions."""
    assert import_questions(source, "--org", "kent", "--bank", "First")[0] == 0
    code, exported, err = export_questions("--org", "kent", "--bank", "First", "--format", fmt)
    assert code == 0, err
    copy = tmp_path / f"export.{suffix}"
    copy.write_text(exported, encoding="utf-8")
    code, out, err = import_questions(copy, "--org", "kent", "--bank", "Second")
    assert code == 0, err
    first, second = Bank.objects.get(name="First"), Bank.objects.get(name="Second")
    assert bank_questions(first) == bank_questions(second)
    assert len(bank_questions(second)) == (13 if fmt == "gift" else 10)
    # And exporting the copy gives the same file.
    assert export_questions("--org", "kent", "--bank", "Second", "--format", fmt)[1] == exported


def test_gift_export_of_a_bank_with_ordering_and_gapselect_fails_naming_them(kent):
    import_questions(ALL_XML, "--org", "kent", "--bank", "Roads")
    with pytest.raises(CommandError) as refused:
        call_command(
            "export-questions", "--org", "kent", "--bank", "Roads", "--format", "gift", stdout=io.StringIO()
        )
    message = str(refused.value)
    assert "GIFT cannot hold 2 of the questions" in message
    assert "(ordering)" in message and "(gapselect)" in message
    assert "--skip-unwritable" in message
    code, out, err = export_questions(
        "--org", "kent", "--bank", "Roads", "--format", "gift", "--skip-unwritable"
    )
    assert code == 0
    assert out.count("::") // 2 == 8  # the eight questions GIFT holds, each named ::name::
    assert err.count("Left out “") == 2 and "(ordering): GIFT cannot hold it." in err


def test_export_of_a_missing_bank_names_the_banks_there_are(kent):
    services.bank_create(actor=None, owner=kent, name="Law")
    with pytest.raises(
        CommandError, match="Kent Police has no question bank called “Roads”. Its banks: Law."
    ):
        call_command("export-questions", "--org", "kent", "--bank", "Roads", "--format", "gift")
    with pytest.raises(CommandError, match="No organisation with slug “nowhere”"):
        call_command("export-questions", "--org", "nowhere", "--bank", "Roads", "--format", "gift")
