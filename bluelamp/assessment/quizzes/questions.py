"""Question versions as neutral questions, decoded once per process.

A version's content never changes (editing makes a new version), and its fingerprint is a hash
of that content, so a decoded question is kept by fingerprint: the pages and saves of an exam
spike decode each question once, not once per learner per request.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from threading import Lock

from bluelamp.assessment.banks.codec import from_data
from bluelamp.assessment.banks.models import QuestionVersion
from bluelamp.assessment.formats.questions import Question

_MAX = 5000
_cache: OrderedDict[str, Question] = OrderedDict()
_lock = Lock()


def _keep(fingerprint: str, question: Question) -> None:
    with _lock:
        _cache[fingerprint] = question
        _cache.move_to_end(fingerprint)
        while len(_cache) > _MAX:
            _cache.popitem(last=False)


def question_of(version: QuestionVersion) -> Question:
    """The version's question (its `data` must be loaded, unless the fingerprint is known)."""
    found = _cache.get(version.fingerprint)
    if found is not None:
        return found
    question = from_data(version.data)
    _keep(version.fingerprint, question)
    return question


def questions_by_version(pairs: Iterable[tuple[int, str]]) -> dict[int, Question]:
    """{version id: question} for (version id, fingerprint) pairs: one query for those not known."""
    result: dict[int, Question] = {}
    missing: list[int] = []
    for version_id, fingerprint in pairs:
        found = _cache.get(fingerprint)
        if found is None:
            missing.append(version_id)
        else:
            result[version_id] = found
    if missing:
        for version in QuestionVersion.objects.filter(pk__in=set(missing)).only("pk", "data", "fingerprint"):
            result[version.pk] = question_of(version)
    return result
