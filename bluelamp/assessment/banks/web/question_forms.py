"""One form per question type, each turning what a person typed into the neutral question
(formats/questions.py) that the services keep, and back.

They work without JavaScript: answers, units, pairs, items and choices are rows of fields
(`answers-2-text`, `answers-2-mark`…) with a few blank rows after those in use; the "Add more
answers" button (a submit button named `more`) posts the form back and it comes again with three
more rows, keeping everything typed, and saving nothing. A blank row is left out.

Each form starts from the question as it was (or a new one) and changes only what it shows, so
saving an unchanged form makes no new version and settings the form does not show (the penalty,
an answer's own text format) are kept. The rules every question must follow are those of
formats.questions.check(): its messages are shown against the fields they are about.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.datastructures import MultiValueDict

from bluelamp.assessment.banks.web.forms import category_choices
from bluelamp.assessment.banks.wording import (
    ATTACHMENT_LABELS,
    NUMBERING_LABELS,
    RESPONSE_FORMAT_LABELS,
    TEXT_FORMAT_LABELS,
)
from bluelamp.assessment.formats.questions import (
    Answer,
    GapChoice,
    MatchPair,
    NumericalAnswer,
    NumericalUnit,
    check,
)
from bluelamp.assessment.formats.questions import Question as Content
from bluelamp.core.validation import text_errors

MORE_ROWS = 3
MAX_ROWS = 100
BLANK_ROWS = 2


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    kind: str = "text"  # text, textarea, percent, decimal, integer
    classes: str = ""
    hint: str = ""


@dataclass(frozen=True)
class Group:
    """Repeated rows of fields: the answers of a question, its units, pairs, items or choices."""

    key: str
    noun: str  # "Answer": the legend of each row, "Answer 2"
    legend: str  # "Answers"
    columns: tuple[Column, ...]
    minimum: int
    more: str  # the button: "Add more answers"
    hint: str = ""

    def name(self, row: int, column: str) -> str:
        return f"{self.key}-{row}-{column}"


def _normal(text: str) -> str:
    """Browsers send line breaks as CRLF; the question keeps them as LF."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


def _percent_text(fraction: Decimal) -> str:
    text = format((fraction * 100).normalize(), "f")
    return "0" if text in ("-0", "") else text


def _decimal_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


MARK = Column(
    "mark",
    "Mark (%)",
    kind="percent",
    classes="govuk-input--width-5",
    hint="100 for a right answer, 0 for a wrong one; between -100 and 100",
)


class QuestionForm(forms.Form):
    """The fields every question has. Subclasses add their type's fields and row groups."""

    qtype = ""
    groups: tuple[Group, ...] = ()
    text_label = "Question text"
    text_hint = ""
    has_mark = True

    name = forms.CharField(
        label="Question name",
        max_length=255,
        help_text="Shown in the bank and to markers, not to learners.",
        error_messages={"required": "Enter a name for the question"},
    )
    text = forms.CharField(
        label="Question text",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the question text"},
    )
    text_format = forms.ChoiceField(
        label="Text format",
        choices=[(k, v) for k, v in TEXT_FORMAT_LABELS.items() if k != "moodle"],
        error_messages={
            "required": "Choose the text format",
            "invalid_choice": "Choose one of the text formats listed",
        },
        help_text="How the question text, answers and feedback are written. HTML is cleaned before it is shown.",
    )
    category = forms.ChoiceField(label="Category", error_messages={"required": "Choose a category"})
    tags = forms.CharField(
        label="Tags (optional)",
        required=False,
        max_length=1000,
        help_text="Separated by commas, e.g. “PACE, stop and search”. Quizzes can draw random questions by tag.",
    )
    idnumber = forms.CharField(
        label="ID number (optional)",
        required=False,
        max_length=100,
        help_text="Your own reference; unique in the bank. Re-importing a file updates the question with its ID number.",
    )
    default_mark = forms.DecimalField(
        label="Default mark",
        min_value=Decimal(0),
        max_value=Decimal(1000),
        max_digits=8,
        decimal_places=4,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "required": "Enter the default mark, e.g. 1",
            "invalid": "Enter the default mark as a number, e.g. 1 or 2.5",
            "min_value": "The default mark cannot be negative: enter 0 or more",
            "max_value": "The default mark can be at most 1000",
            "max_decimal_places": "Give the default mark with at most 4 decimal places",
            "max_digits": "The default mark can be at most 1000, with at most 4 decimal places",
        },
    )
    general_feedback = forms.CharField(
        label="General feedback (optional)",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown to every learner after their attempt, whatever they answered.",
    )

    def __init__(
        self,
        data: MultiValueDict | None = None,
        *,
        categories,
        category=None,
        original: Content | None = None,
        rows: dict[str, int] | None = None,
    ):
        self.original = original
        self.row_counts = rows or {}
        initial = self._initial(original, category) if data is None else None
        super().__init__(data, initial=initial)
        self.categories = {str(node.category.uuid): node.category for node in categories}
        field = self.fields["category"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = category_choices(categories, blank="Choose a category")
        fmt = self.fields["text_format"]
        assert isinstance(fmt, forms.ChoiceField)
        if original is not None and original.text_format == "moodle":
            fmt.choices = [*TEXT_FORMAT_LABELS.items()]
        self.fields["text"].label = self.text_label
        if self.text_hint:
            self.fields["text"].help_text = self.text_hint
        if not self.has_mark:
            del self.fields["default_mark"]
        self.add_type_fields()
        for group in self.groups:
            self._add_rows(group)

    # --- building -------------------------------------------------------------------------------

    def add_type_fields(self) -> None:
        """The type's own fields (subclasses)."""

    def _initial(self, original: Content | None, category) -> dict:
        values: dict = {"text_format": "markdown", "default_mark": "1"}
        if category is not None:
            values["category"] = str(category.uuid)
        if original is None:
            return values | self.type_initial(None)
        values |= {
            "name": original.name,
            "text": original.text,
            "text_format": original.text_format,
            "tags": ", ".join(original.tags),
            "idnumber": original.idnumber,
            "default_mark": _decimal_text(original.default_mark),
            "general_feedback": original.general_feedback,
        }
        values |= self.type_initial(original)
        for group in self.groups:
            for row, row_values in enumerate(self.rows_of(group, original), start=1):
                for column, value in row_values.items():
                    values[group.name(row, column)] = value
        return values

    def type_initial(self, original: Content | None) -> dict:
        return {}

    def rows_of(self, group: Group, original: Content) -> list[dict]:
        """The rows a question fills in a group (subclasses)."""
        return []

    def _add_rows(self, group: Group) -> None:
        count = self.row_counts.get(group.key)
        if count is None:
            used = len(self.rows_of(group, self.original)) if self.original is not None else 0
            count = max(used + BLANK_ROWS, group.minimum)
        self.row_counts[group.key] = max(1, min(count, MAX_ROWS))
        for row in range(1, self.row_counts[group.key] + 1):
            for column in group.columns:
                self.fields[group.name(row, column.name)] = self._row_field(group, row, column)

    def _row_field(self, group: Group, row: int, column: Column) -> forms.Field:
        # Each row is a fieldset whose legend names it ("Answer 2"); the errors name it too.
        field = forms.CharField(
            label=column.label,
            required=False,
            strip=column.kind != "textarea",
            max_length=20000,
            help_text=column.hint if row == 1 else "",
            widget=forms.Textarea(attrs={"rows": 2}) if column.kind == "textarea" else forms.TextInput(),
        )
        field.widget.attrs["class"] = column.classes
        if column.kind in ("percent", "decimal", "integer"):
            field.widget.attrs["inputmode"] = "decimal" if column.kind != "integer" else "numeric"
        return field

    def rows(self, key: str) -> list[list[tuple[forms.BoundField, Column]]]:
        """The bound fields of a group with their columns, row by row, for the template."""
        group = self.group(key)
        return [
            [(self[group.name(row, column.name)], column) for column in group.columns]
            for row in range(1, self.row_counts[key] + 1)
        ]

    def settings_fields(self) -> list[forms.BoundField]:
        """The type's own settings, for the template (its feedback fields come later)."""
        return [bound for bound in self._type_fields() if not bound.name.endswith("_feedback")]

    def feedback_fields(self) -> list[forms.BoundField]:
        return [bound for bound in self._type_fields() if bound.name.endswith("_feedback")]

    def group(self, key: str) -> Group:
        return next(g for g in self.groups if g.key == key)

    def _type_fields(self) -> list[forms.BoundField]:
        common = {
            "name",
            "text",
            "text_format",
            "category",
            "tags",
            "idnumber",
            "default_mark",
            "general_feedback",
        }
        return [
            self[name]
            for name in self.fields
            if name not in common and not any(name.startswith(g.key + "-") for g in self.groups)
        ]

    # --- reading what was typed --------------------------------------------------------------------

    def row_values(self, group: Group) -> list[tuple[int, dict[str, str]]]:
        """The rows a person filled in (a row with every field blank is left out)."""
        filled = []
        for row in range(1, self.row_counts[group.key] + 1):
            values = {
                column.name: _normal(self.cleaned_data.get(group.name(row, column.name)) or "")
                for column in group.columns
            }
            if any(value.strip() for value in values.values()):
                filled.append((row, values))
        return filled

    def _number(
        self, group: Group, row: int, column: str, value: str, *, default: Decimal, what: str
    ) -> Decimal | None:
        value = value.strip().replace(",", "").rstrip("%").strip()
        if not value:
            return default
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.add_error(
                group.name(row, column),
                f"{group.noun} {row}: {what} “{value}” is not a number, e.g. 50 or 0.5",
            )
            return None
        return number

    def _fraction(self, group: Group, row: int, value: str, *, default: Decimal = Decimal(0)) -> Decimal:
        percentage = self._number(group, row, "mark", value, default=default * 100, what="the mark")
        if percentage is None:
            return Decimal(0)
        if not Decimal(-100) <= percentage <= Decimal(100):
            self.add_error(
                group.name(row, "mark"),
                f"{group.noun} {row}: the mark {_decimal_text(percentage)}% is outside -100% to 100%: "
                "enter 100 for a right answer, a smaller number for a partly right one, or a negative one for a penalty",
            )
        return percentage / 100

    def clean(self):
        # The rows are read with the other fields, so that every problem is shown at once.
        cleaned = super().clean()
        for name, message in text_errors(
            name=cleaned.get("name"), idnumber=cleaned.get("idnumber"), tags=cleaned.get("tags")
        ).items():
            self.add_error(name, message)
        self.content = self.to_content()
        return cleaned

    def to_content(self) -> Content:
        """The question as typed, over what it was (`content` after is_valid: rows that cannot be
        read are errors on their fields)."""
        data = self.cleaned_data
        content = copy.deepcopy(self.original) if self.original is not None else self.new_content()
        content.type = self.qtype
        content.name = (data.get("name") or "").strip()
        content.text = _normal(data.get("text") or "")
        content.text_format = data.get("text_format") or content.text_format
        content.tags = self.tag_names()
        content.idnumber = data.get("idnumber", "").strip()
        if self.has_mark and data.get("default_mark") is not None:
            content.default_mark = data["default_mark"]
        content.general_feedback = _normal(data.get("general_feedback", ""))
        content.number, content.line = 0, None
        self.type_content(content)
        return content

    def new_content(self) -> Content:
        return Content(type=self.qtype, name="", text="")

    def type_content(self, content: Content) -> None:
        """Set the type's own parts from the cleaned data (subclasses)."""

    def tag_names(self) -> list[str]:
        names = [n.strip() for n in (self.cleaned_data.get("tags") or "").split(",")]
        return list(dict.fromkeys(n for n in names if n))

    def chosen_category(self):
        return self.categories[self.cleaned_data["category"]]

    # --- problems -----------------------------------------------------------------------------------

    def check_content(self, content: Content) -> bool:
        """Show formats.questions.check()'s problems against their fields; True when there are none."""
        for message in check(content):
            self.add_error(self.field_for(message), _sentence(message))
        return not self.errors

    def field_for(self, message: str) -> str | None:
        if "has no name" in message:
            return "name"
        if "question text" in message or "gap" in message:
            return "text"
        if "mark" in message and "negative" in message and "default_mark" in self.fields:
            return "default_mark"
        for group in self.groups:
            if group.key in ("answers",) and ("answer" in message or "tolerance" in message):
                column = (
                    "mark"
                    if ("100%" in message or "worth" in message or "add up" in message)
                    else group.columns[0].name
                )
                return group.name(1, column)
        return None


def _sentence(message: str) -> str:
    message = message[0].upper() + message[1:]
    return message if message.endswith((".", "?", "!")) else message + "."


# --- the types ------------------------------------------------------------------------------------

_COMBINED = (
    ("correct_feedback", "For a right answer (optional)"),
    ("partially_correct_feedback", "For a partly right answer (optional)"),
    ("incorrect_feedback", "For a wrong answer (optional)"),
)


def _feedback_field(label: str) -> forms.CharField:
    return forms.CharField(label=label, required=False, strip=False, widget=forms.Textarea(attrs={"rows": 2}))


def _add_combined(form: QuestionForm) -> None:
    """Feedback by how right the whole answer was (multiple choice, matching, ordering, gaps)."""
    for name, label in _COMBINED:
        form.fields[name] = _feedback_field(label)


def _combined_initial(original: Content | None) -> dict:
    if original is None:
        return {}
    return {name: getattr(original, name) for name, _ in _COMBINED}


def _combined_content(form: QuestionForm, content: Content) -> None:
    for name, _ in _COMBINED:
        setattr(content, name, _normal(form.cleaned_data.get(name, "")))


def _yes_no(label: str, *, hint: str = "") -> forms.BooleanField:
    return forms.BooleanField(label=label, required=False, help_text=hint)


class MultichoiceForm(QuestionForm):
    qtype = "multichoice"
    groups = (
        Group(
            "answers",
            "Answer",
            "Answers",
            (
                Column("text", "Answer text", kind="textarea"),
                MARK,
                Column("feedback", "Feedback (optional)", kind="textarea"),
            ),
            minimum=4,
            more="Add more answers",
            hint="One answer: give the right one 100. Several answers: the right ones' marks add up to 100 "
            "(e.g. 50 and 50), and wrong ones may take a penalty (e.g. -50).",
        ),
    )

    def add_type_fields(self) -> None:
        self.fields["single"] = forms.ChoiceField(
            label="How many answers may a learner choose?",
            choices=[("one", "One answer only"), ("several", "Several answers")],
            widget=forms.RadioSelect,
            error_messages={"required": "Choose whether learners choose one answer or several"},
        )
        self.fields["shuffle"] = _yes_no("Shuffle the answers for each learner")
        self.fields["answer_numbering"] = forms.ChoiceField(
            label="Number the answers",
            choices=list(NUMBERING_LABELS.items()),
            error_messages={
                "required": "Choose how to number the answers",
                "invalid_choice": "Choose how to number the answers",
            },
        )
        _add_combined(self)

    def type_initial(self, original: Content | None) -> dict:
        if original is None:
            return {"single": "one", "shuffle": True, "answer_numbering": "abc", "answers-1-mark": "100"}
        values = {
            "single": "one" if original.single else "several",
            "shuffle": original.shuffle,
            "answer_numbering": original.answer_numbering,
        }
        return values | _combined_initial(original)

    def rows_of(self, group: Group, original: Content) -> list[dict]:
        return [
            {"text": a.text, "mark": _percent_text(a.fraction), "feedback": a.feedback}
            for a in original.answers
        ]

    def type_content(self, content: Content) -> None:
        data = self.cleaned_data
        content.single = data.get("single", "one") == "one"
        content.shuffle = bool(data.get("shuffle"))
        content.answer_numbering = data.get("answer_numbering") or content.answer_numbering
        _combined_content(self, content)
        group = self.groups[0]
        before = self.original.answers if self.original is not None else []
        answers: list[Answer] = []
        for row, values in self.row_values(group):
            fraction = self._fraction(group, row, values["mark"])
            if not values["text"].strip():
                self.add_error(
                    group.name(row, "text"),
                    f"Answer {row}: enter the answer's text, or clear its mark and feedback",
                )
            answers.append(
                Answer(
                    text=values["text"],
                    fraction=fraction,
                    feedback=values["feedback"],
                    text_format=_answer_format(before, len(answers), values["text"], content.text_format),
                )
            )
        content.answers = answers


def _answer_format(before: list[Answer], index: int, text: str, default: str):
    """An answer keeps its own text format while its text is unchanged (imported answers may
    differ from their question's)."""
    if index < len(before) and before[index].text == text:
        return before[index].text_format
    return default


class TruefalseForm(QuestionForm):
    qtype = "truefalse"
    text_hint = "A statement that is either true or false."

    def add_type_fields(self) -> None:
        self.fields["correct"] = forms.ChoiceField(
            label="The right answer",
            choices=[("true", "True"), ("false", "False")],
            widget=forms.RadioSelect,
            error_messages={"required": "Choose the right answer: true or false"},
        )
        self.fields["true_feedback"] = _feedback_field("Feedback for the answer “True” (optional)")
        self.fields["false_feedback"] = _feedback_field("Feedback for the answer “False” (optional)")

    def type_initial(self, original: Content | None) -> dict:
        if original is None:
            return {}
        return {
            "correct": "true" if original.correct else "false",
            "true_feedback": original.true_feedback,
            "false_feedback": original.false_feedback,
        }

    def type_content(self, content: Content) -> None:
        data = self.cleaned_data
        content.correct = data.get("correct", "true") == "true"
        content.true_feedback = _normal(data.get("true_feedback", ""))
        content.false_feedback = _normal(data.get("false_feedback", ""))


class ShortanswerForm(QuestionForm):
    qtype = "shortanswer"
    groups = (
        Group(
            "answers",
            "Answer",
            "Accepted answers",
            (
                Column(
                    "text",
                    "Answer",
                    hint="A * matches any run of characters: “*Act 1984” accepts “PACE Act 1984”.",
                ),
                MARK,
                Column("feedback", "Feedback (optional)", kind="textarea"),
            ),
            minimum=3,
            more="Add more answers",
            hint="At least one answer worth 100. The first answer that matches what the learner typed gives the mark.",
        ),
    )

    def add_type_fields(self) -> None:
        self.fields["case_sensitive"] = _yes_no(
            "Answers must match in case", hint="Unticked, “pace” is accepted for “PACE”."
        )

    def type_initial(self, original: Content | None) -> dict:
        if original is None:
            return {"answers-1-mark": "100"}
        return {"case_sensitive": original.case_sensitive}

    def rows_of(self, group: Group, original: Content) -> list[dict]:
        return [
            {"text": a.text, "mark": _percent_text(a.fraction), "feedback": a.feedback}
            for a in original.answers
        ]

    def type_content(self, content: Content) -> None:
        content.case_sensitive = bool(self.cleaned_data.get("case_sensitive"))
        content.single = True
        group = self.groups[0]
        before = self.original.answers if self.original is not None else []
        answers: list[Answer] = []
        for row, values in self.row_values(group):
            fraction = self._fraction(group, row, values["mark"])
            if not values["text"].strip():
                self.add_error(
                    group.name(row, "text"), f"Answer {row}: enter the answer, or clear its mark and feedback"
                )
            answers.append(
                Answer(
                    text=values["text"].strip(),
                    fraction=fraction,
                    feedback=values["feedback"],
                    text_format=_answer_format(
                        before, len(answers), values["text"].strip(), content.text_format
                    ),
                )
            )
        content.answers = answers


class NumericalForm(QuestionForm):
    qtype = "numerical"
    groups = (
        Group(
            "answers",
            "Answer",
            "Accepted answers",
            (
                Column(
                    "value",
                    "Answer",
                    classes="govuk-input--width-10",
                    hint="A number, or * for any other number (to give feedback on wrong answers).",
                ),
                Column(
                    "tolerance",
                    "Error allowed (±)",
                    kind="decimal",
                    classes="govuk-input--width-5",
                    hint="0 for exactly this number; 0.5 accepts 39.5 to 40.5 for 40.",
                ),
                MARK,
                Column("feedback", "Feedback (optional)", kind="textarea"),
            ),
            minimum=3,
            more="Add more answers",
            hint="At least one answer worth 100.",
        ),
        Group(
            "units",
            "Unit",
            "Units (optional)",
            (
                Column("name", "Unit", classes="govuk-input--width-10"),
                Column(
                    "multiplier",
                    "Multiplier",
                    kind="decimal",
                    classes="govuk-input--width-10",
                    hint="The first unit is the one the answers are in (multiplier 1); e.g. mph 1, km/h 1.609.",
                ),
            ),
            minimum=2,
            more="Add more units",
        ),
    )

    def type_initial(self, original: Content | None) -> dict:
        return {"answers-1-mark": "100", "answers-1-tolerance": "0"} if original is None else {}

    def rows_of(self, group: Group, original: Content) -> list[dict]:
        if group.key == "units":
            return [{"name": u.name, "multiplier": _decimal_text(u.multiplier)} for u in original.units]
        return [
            {
                "value": "*" if a.value is None else _decimal_text(a.value),
                "tolerance": _decimal_text(a.tolerance),
                "mark": _percent_text(a.fraction),
                "feedback": a.feedback,
            }
            for a in original.numerical_answers
        ]

    def type_content(self, content: Content) -> None:
        answers_group, units_group = self.groups
        answers = []
        for row, values in self.row_values(answers_group):
            fraction = self._fraction(answers_group, row, values["mark"])
            raw = values["value"].strip()
            value: Decimal | None
            if raw == "*":
                value = None
            elif not raw:
                self.add_error(
                    answers_group.name(row, "value"),
                    f"Answer {row}: enter a number, or * for any other number",
                )
                value = Decimal(0)
            else:
                value = self._number(answers_group, row, "value", raw, default=Decimal(0), what="the answer")
            tolerance = self._number(
                answers_group,
                row,
                "tolerance",
                values["tolerance"],
                default=Decimal(0),
                what="the error allowed",
            )
            if tolerance is not None and tolerance < 0:
                self.add_error(
                    answers_group.name(row, "tolerance"),
                    f"Answer {row}: the error allowed cannot be negative: enter 0 or more",
                )
            answers.append(
                NumericalAnswer(
                    value=value,
                    tolerance=tolerance or Decimal(0),
                    fraction=fraction,
                    feedback=values["feedback"],
                )
            )
        content.numerical_answers = answers
        units = []
        for row, values in self.row_values(units_group):
            if not values["name"].strip():
                self.add_error(units_group.name(row, "name"), f"Unit {row}: enter the unit, e.g. mph")
            multiplier = self._number(
                units_group,
                row,
                "multiplier",
                values["multiplier"],
                default=Decimal(1),
                what="the multiplier",
            )
            if multiplier is not None and multiplier <= 0:
                self.add_error(
                    units_group.name(row, "multiplier"), f"Unit {row}: the multiplier must be more than 0"
                )
            units.append(NumericalUnit(name=values["name"].strip(), multiplier=multiplier or Decimal(1)))
        content.units = units


class MatchingForm(QuestionForm):
    qtype = "matching"
    groups = (
        Group(
            "pairs",
            "Pair",
            "Pairs",
            (
                Column("question", "Item", kind="textarea"),
                Column("answer", "Its match"),
            ),
            minimum=4,
            more="Add more pairs",
            hint="At least two items, each with its match. A match with no item is an extra wrong choice.",
        ),
    )

    def add_type_fields(self) -> None:
        self.fields["shuffle"] = _yes_no("Shuffle the matches for each learner")
        _add_combined(self)

    def type_initial(self, original: Content | None) -> dict:
        if original is None:
            return {"shuffle": True}
        return {"shuffle": original.shuffle} | _combined_initial(original)

    def rows_of(self, group: Group, original: Content) -> list[dict]:
        return [{"question": p.question, "answer": p.answer} for p in original.pairs]

    def type_content(self, content: Content) -> None:
        content.shuffle = bool(self.cleaned_data.get("shuffle"))
        _combined_content(self, content)
        group = self.groups[0]
        pairs = []
        for row, values in self.row_values(group):
            if not values["answer"].strip():
                self.add_error(group.name(row, "answer"), f"Pair {row}: enter the item's match")
            pairs.append(MatchPair(question=values["question"], answer=values["answer"].strip()))
        content.pairs = pairs

    def field_for(self, message: str) -> str | None:
        if "sub-question" in message:
            return self.groups[0].name(1, "question")
        return super().field_for(message)


class OrderingForm(QuestionForm):
    qtype = "ordering"
    groups = (
        Group(
            "items",
            "Item",
            "Items, in their right order",
            (Column("text", "Item", kind="textarea"),),
            minimum=4,
            more="Add more items",
            hint="Learners see them shuffled and put them back in this order.",
        ),
    )

    def add_type_fields(self) -> None:
        _add_combined(self)

    def type_initial(self, original: Content | None) -> dict:
        return _combined_initial(original)

    def rows_of(self, group: Group, original: Content) -> list[dict]:
        return [{"text": item} for item in original.items]

    def type_content(self, content: Content) -> None:
        _combined_content(self, content)
        content.items = [values["text"] for _, values in self.row_values(self.groups[0])]

    def field_for(self, message: str) -> str | None:
        if "items" in message:
            return self.groups[0].name(1, "text")
        return super().field_for(message)


class GapselectForm(QuestionForm):
    qtype = "gapselect"
    text_hint = (
        "Write [[1]], [[2]]… where a missing word goes: [[1]] is choice 1 below, the right answer for that gap. "
        "Each gap's drop-down offers every choice of the same group."
    )
    groups = (
        Group(
            "choices",
            "Choice",
            "Choices",
            (
                Column("text", "Choice"),
                Column(
                    "group",
                    "Group",
                    kind="integer",
                    classes="govuk-input--width-2",
                    hint="1 to 20; blank is 1.",
                ),
            ),
            minimum=4,
            more="Add more choices",
            hint="Choices that are no gap's right answer are extra wrong choices in their group's drop-down.",
        ),
    )

    def add_type_fields(self) -> None:
        self.fields["shuffle"] = _yes_no("Shuffle each drop-down's choices for each learner")
        _add_combined(self)

    def type_initial(self, original: Content | None) -> dict:
        if original is None:
            return {"shuffle": True}
        return {"shuffle": original.shuffle} | _combined_initial(original)

    def rows_of(self, group: Group, original: Content) -> list[dict]:
        return [{"text": c.text, "group": str(c.group)} for c in original.choices]

    def type_content(self, content: Content) -> None:
        content.shuffle = bool(self.cleaned_data.get("shuffle"))
        _combined_content(self, content)
        group = self.groups[0]
        choices = []
        for row, values in self.row_values(group):
            number = 1
            raw = values["group"].strip()
            if raw:
                if not re.fullmatch(r"\d{1,2}", raw) or not 1 <= int(raw) <= 20:
                    self.add_error(
                        group.name(row, "group"),
                        f"Choice {row}: the group “{raw}” is not a number from 1 to 20",
                    )
                else:
                    number = int(raw)
            if not values["text"].strip():
                self.add_error(
                    group.name(row, "text"), f"Choice {row}: enter the choice's text, or clear its group"
                )
            choices.append(GapChoice(text=values["text"].strip(), group=number))
        content.choices = choices


class EssayForm(QuestionForm):
    qtype = "essay"

    def add_type_fields(self) -> None:
        self.fields["response_format"] = forms.ChoiceField(
            label="How learners answer",
            choices=list(RESPONSE_FORMAT_LABELS.items()),
            error_messages={
                "required": "Choose how learners answer",
                "invalid_choice": "Choose how learners answer",
            },
        )
        self.fields["response_required"] = _yes_no("A written answer is required")
        self.fields["min_words"] = _words_field("Fewest words (optional)")
        self.fields["max_words"] = _words_field("Most words (optional)")
        self.fields["attachments"] = forms.TypedChoiceField(
            label="Files learners may attach",
            choices=[(str(k), v) for k, v in ATTACHMENT_LABELS.items()],
            coerce=int,
            error_messages={
                "required": "Choose how many files learners may attach",
                "invalid_choice": "Choose how many files learners may attach",
            },
        )
        self.fields["response_template"] = forms.CharField(
            label="Response template (optional)",
            required=False,
            strip=False,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text="Text the answer box starts with, e.g. headings to write under.",
        )
        self.fields["grader_info"] = forms.CharField(
            label="Information for markers (optional)",
            required=False,
            strip=False,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text="What a good answer covers. Markers see it; learners do not.",
        )
        choices = self.fields["response_format"]
        assert isinstance(choices, forms.ChoiceField)
        if self.original is not None and self.original.response_format not in RESPONSE_FORMAT_LABELS:
            kept = self.original.response_format
            choices.choices = [*RESPONSE_FORMAT_LABELS.items(), (kept, kept)]
        attachments = self.fields["attachments"]
        assert isinstance(attachments, forms.ChoiceField)
        if self.original is not None and self.original.attachments not in ATTACHMENT_LABELS:
            count = self.original.attachments
            attachments.choices = [
                *((str(k), v) for k, v in ATTACHMENT_LABELS.items()),
                (str(count), f"{count} files"),
            ]

    def type_initial(self, original: Content | None) -> dict:
        if original is None:
            return {"response_format": "editor", "response_required": True, "attachments": "0"}
        return {
            "response_format": original.response_format,
            "response_required": original.response_required,
            "min_words": original.min_words,
            "max_words": original.max_words,
            "attachments": str(original.attachments),
            "response_template": original.response_template,
            "grader_info": original.grader_info,
        }

    def type_content(self, content: Content) -> None:
        data = self.cleaned_data
        content.response_format = data.get("response_format") or content.response_format
        content.response_required = bool(data.get("response_required"))
        content.min_words = data.get("min_words")
        content.max_words = data.get("max_words")
        content.attachments = data.get("attachments", content.attachments)
        content.response_template = _normal(data.get("response_template", ""))
        content.grader_info = _normal(data.get("grader_info", ""))

    def field_for(self, message: str) -> str | None:
        if "word limit" in message:
            return "min_words"
        return super().field_for(message)


def _words_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=1,
        max_value=100000,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-5"}),
        error_messages={
            "invalid": "Enter a whole number of words, e.g. 500",
            "min_value": "Enter at least 1 word, or leave it blank",
            "max_value": "Enter at most 100,000 words",
        },
    )


class DescriptionForm(QuestionForm):
    qtype = "description"
    text_label = "Text"
    text_hint = "Shown to learners as it is: no answer, no mark."
    has_mark = False

    def new_content(self) -> Content:
        return Content(type="description", name="", text="", default_mark=Decimal(0))


FORMS: dict[str, type[QuestionForm]] = {
    form.qtype: form
    for form in (
        MultichoiceForm,
        TruefalseForm,
        ShortanswerForm,
        NumericalForm,
        MatchingForm,
        OrderingForm,
        GapselectForm,
        EssayForm,
        DescriptionForm,
    )
}


def row_counts(form_class: type[QuestionForm], data) -> dict[str, int]:
    """How many rows of each group to show after a post: as many as were shown, and three more of
    the group whose "Add more" button was pressed."""
    counts = {}
    for group in form_class.groups:
        raw = data.get(f"{group.key}-rows", "")
        count = int(raw) if raw.isdigit() else group.minimum
        if data.get("more") == group.key:
            count += MORE_ROWS
        counts[group.key] = max(1, min(count, MAX_ROWS))
    return counts
