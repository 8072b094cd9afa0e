"""The learner record: external and CPD records, removing them, and importing history from CSV.

A person's record holds three kinds of line (`Completion.source`): completions on Bluelamp
(written by `progress`, never removable), imported history (a training administrator's CSV of
completions from before Bluelamp, see `import_history`) and external or CPD records with an
optional evidence file (added by the learner or by a training administrator for them).
The record belongs to the person, so it follows them when they transfer between organisations.

The history import works as the people import does: the whole file is checked first and every
row's problems are reported (line, column, value, what is accepted); with any problem nothing is
written; applying is one transaction. Each check or apply is recorded as a CompletionImportRun.
"""

from bluelamp.learning.records.checks import EARLIEST
from bluelamp.learning.records.external import (
    EVIDENCE_ACCEPTED,
    EVIDENCE_TYPES,
    check_evidence,
    evidence_content_type,
    may_administer_record,
    may_remove,
    record_external,
    record_remove,
)
from bluelamp.learning.records.history import (
    HISTORY_COLUMNS,
    HISTORY_FILES,
    MAX_HISTORY_BYTES,
    MAX_STORED_ROWS,
    STALE_AFTER,
    HistoryDuplicate,
    HistoryImportError,
    HistoryResult,
    HistoryRowError,
    history_file_path,
    history_files_discard,
    import_history,
)

__all__ = [
    "EARLIEST",
    "EVIDENCE_ACCEPTED",
    "EVIDENCE_TYPES",
    "HISTORY_COLUMNS",
    "HISTORY_FILES",
    "MAX_HISTORY_BYTES",
    "MAX_STORED_ROWS",
    "STALE_AFTER",
    "HistoryDuplicate",
    "HistoryImportError",
    "HistoryResult",
    "HistoryRowError",
    "check_evidence",
    "evidence_content_type",
    "history_file_path",
    "history_files_discard",
    "import_history",
    "may_administer_record",
    "may_remove",
    "record_external",
    "record_remove",
]
