"""Question bank files: GIFT and Moodle XML read into, and written from, one neutral form
(`questions.py`). Pure: no database, no Django models. There is no well-kept Python library for
either format (the PyPI GIFT parsers are unmaintained and partial), so both are written here against
Moodle's own documentation of the formats."""
