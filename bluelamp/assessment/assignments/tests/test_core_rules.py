"""The arithmetic without the database: words, a learner's own deadline, lateness, the penalty."""

import datetime as dt
from decimal import Decimal

from bluelamp.assessment.assignments import rules
from bluelamp.assessment.assignments.files import parse_types

DUE = dt.datetime(2026, 3, 9, 17, tzinfo=dt.UTC)
CUT = dt.datetime(2026, 3, 12, 17, tzinfo=dt.UTC)


def test_words_are_letters_or_digits_joined_by_apostrophes_or_hyphens():
    assert rules.word_count("") == 0
    assert rules.word_count("Don't stop — well-being matters in 2026.") == 6
    assert rules.word_count("# Heading\n\n- a point\n- **bold** point") == 5


def test_an_extension_moves_the_due_date_and_never_shortens_the_cut_off():
    plain = rules.deadline(due_at=DUE, cut_off_at=CUT, refuse_late=False)
    assert (plain.due_at, plain.cut_off_at, plain.extended) == (DUE, CUT, False)
    short = rules.deadline(
        due_at=DUE, cut_off_at=CUT, refuse_late=False, extension_due_at=DUE + dt.timedelta(days=1)
    )
    assert (short.due_at, short.cut_off_at, short.extended) == (DUE + dt.timedelta(days=1), CUT, True)
    long = rules.deadline(
        due_at=DUE, cut_off_at=CUT, refuse_late=False, extension_due_at=CUT + dt.timedelta(days=1)
    )
    assert long.due_at == long.cut_off_at == CUT + dt.timedelta(days=1)
    refused = rules.deadline(due_at=DUE, cut_off_at=None, refuse_late=True)
    assert refused.cut_off_at == DUE


def test_a_resubmission_keeps_the_gap_between_due_date_and_cut_off():
    own = dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC)
    d = rules.deadline(due_at=DUE, cut_off_at=CUT, refuse_late=False, attempt_due_at=own)
    assert (d.due_at, d.cut_off_at) == (own, own + (CUT - DUE))
    assert (
        rules.deadline(due_at=DUE, cut_off_at=None, refuse_late=False, attempt_due_at=own).cut_off_at is None
    )


def test_lateness_and_the_capped_penalty():
    d = rules.deadline(due_at=DUE, cut_off_at=CUT, refuse_late=False)
    assert rules.late_by(d, DUE) == 0 and rules.late_by(d, DUE + dt.timedelta(seconds=1)) == 1
    assert rules.is_closed(d, CUT + dt.timedelta(seconds=1)) and not rules.is_closed(d, CUT)
    assert rules.days_late(1) == 1 and rules.days_late(86400) == 1 and rules.days_late(86401) == 2
    penalty = rules.late_penalty(seconds_late=3 * 86400, percent_per_day=Decimal(10), cap_percent=Decimal(25))
    assert penalty == Decimal(25)
    assert rules.late_penalty(seconds_late=1, percent_per_day=Decimal(10), cap_percent=Decimal(0)) == Decimal(
        10
    )
    assert rules.penalised(Decimal("67.5"), Decimal(10)) == Decimal("60.75")
    assert rules.duration_in_words(90061) == "1 day 1 hour"


def test_file_types_are_read_loosely_and_unknown_ones_named():
    assert parse_types("PDF, .docx; *.txt pdf") == (["pdf", "docx", "txt"], [])
    assert parse_types("pdf exe") == (["pdf"], ["exe"])
