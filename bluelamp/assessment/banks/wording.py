"""The words pages and the API use for question types and settings."""

TYPE_LABELS: dict[str, str] = {
    "multichoice": "Multiple choice",
    "truefalse": "True or false",
    "shortanswer": "Short answer",
    "numerical": "Numerical",
    "matching": "Matching",
    "ordering": "Ordering",
    "gapselect": "Select missing words",
    "essay": "Essay",
    "description": "Description (text only)",
}

TYPE_HINTS: dict[str, str] = {
    "multichoice": "Choose one answer, or several, from a list; partial credit and penalties per answer.",
    "truefalse": "A statement the learner marks true or false.",
    "shortanswer": "The learner types a word or phrase, compared with the answers you accept (* matches anything).",
    "numerical": "The learner types a number, right within a tolerance, optionally with a unit.",
    "matching": "Match each item in a list with an answer from a drop-down.",
    "ordering": "Put items in their right order.",
    "gapselect": "Choose the missing words of a text from drop-downs.",
    "essay": "A written answer, marked by hand.",
    "description": "Text only, with no answer and no mark (an introduction or a case study).",
}

TEXT_FORMAT_LABELS: dict[str, str] = {
    "markdown": "Markdown",
    "plain": "Plain text",
    "html": "HTML",
    "moodle": "Moodle auto-format (text with line breaks, HTML allowed)",
}

NUMBERING_LABELS: dict[str, str] = {
    "abc": "a., b., c., …",
    "ABCD": "A., B., C., …",
    "123": "1., 2., 3., …",
    "iii": "i., ii., iii., …",
    "IIII": "I., II., III., …",
    "none": "No numbering",
}

RESPONSE_FORMAT_LABELS: dict[str, str] = {
    "editor": "A text box with formatting",
    "plain": "A plain text box",
    "monospaced": "A plain text box in a fixed-width font",
    "editorfilepicker": "A text box with formatting, and files",
    "noinline": "No text: attached files only",
}

ATTACHMENT_LABELS: dict[int, str] = {
    0: "No files",
    1: "1 file",
    2: "2 files",
    3: "3 files",
    -1: "Any number of files",
}


def type_label(qtype: str) -> str:
    return TYPE_LABELS.get(qtype, qtype)
