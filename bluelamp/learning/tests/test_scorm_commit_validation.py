"""The SCORM commit endpoint checks what it stores against the data model; it never answers 500.

A commit carrying a value the SCORM 1.2 or 2004 data model does not allow (a score out of range,
a NUL byte, an `exit` outside the vocabulary, a session time of a million years) is refused
whole: the learner's earlier progress stays as it was, and the runtime is told why in the
answer scorm-again reads (`{"result": false, "errorCode": …}`). A value that is merely long
(suspend_data at its limit) is stored.
"""

import itertools
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bluelamp.learning import progress
from bluelamp.learning.api import enrol_self
from bluelamp.learning.models import ScoAttempt, ScoSession
from bluelamp.learning.tests.conftest import import_course

ORIGIN = {"HTTP_ORIGIN": "http://testserver"}
COMMIT_FAILURE = {"1.2": 101, "2004": 391}  # what a failed Commit answers in each standard
TYPE_MISMATCH = {"1.2": 405, "2004": 406}
OUT_OF_RANGE = {"1.2": 405, "2004": 407}  # SCORM 1.2 has no out-of-range code: 405 there
NEXT = object()  # the next sequence number of the session


@pytest.fixture
def player(client, bob, national):
    """Bob signed in with a launched session of a 1.2 or a 2004 course; `post` sends a commit."""

    class Player:
        def __init__(self, version):
            course = import_course(national, code=f"V-{version}".replace(".", ""), version=version)
            enrolment = enrol_self(person=bob, course=course)
            activity = enrolment.version.activities.get()
            sco = activity.scorm_package.scos.get()
            self.launch = progress.sco_launch(enrolment=enrolment, activity=activity, sco=sco)
            self.url = reverse("learning:sco_commit", args=[self.launch.session.uuid])
            self.sequence = itertools.count(1)

        def post(self, cmi=None, *, sequence=NEXT, body=None):
            if body is None:
                body = json.dumps(
                    {
                        "session": str(self.launch.session.uuid),
                        "sequence": next(self.sequence) if sequence is NEXT else sequence,
                        "cmi": cmi,
                    }
                )
            return client.post(self.url, body, content_type="application/json", **ORIGIN)

        def attempt(self) -> ScoAttempt:
            return ScoAttempt.objects.get(pk=self.launch.attempt.pk)

        def session(self) -> ScoSession:
            return ScoSession.objects.get(pk=self.launch.session.pk)

    client.force_login(bob, backend="django.contrib.auth.backends.ModelBackend")
    return Player


GOOD_12 = {
    "core": {
        "lesson_location": "3",
        "lesson_status": "incomplete",
        "exit": "suspend",
        "session_time": "00:05:00",
        "score": {"raw": "40", "min": "0", "max": "100"},
    },
    "suspend_data": "screens=1,2,3",
}
GOOD_2004 = {
    "location": "3",
    "completion_status": "incomplete",
    "success_status": "unknown",
    "exit": "suspend",
    "session_time": "PT5M",
    "score": {"scaled": "0.4", "raw": "40", "min": "0", "max": "100"},
    "suspend_data": "screens=1,2,3",
}


def _with(base: dict, path: str, value) -> dict:
    """A deep copy of `base` with the element at the dotted `path` set to `value`."""
    data = json.loads(json.dumps(base))
    *parents, last = path.split(".")
    node = data
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value
    return data


def _state(attempt: ScoAttempt) -> tuple:
    return (
        attempt.cmi,
        attempt.location,
        attempt.suspend_data,
        attempt.exit,
        attempt.completion_status,
        attempt.success_status,
        attempt.score_raw,
        attempt.score_scaled,
        attempt.total_seconds,
        attempt.commits,
    )


BAD_12 = [
    # (element, value, data-model error the runtime is given)
    ("core.score.raw", "1000000000", OUT_OF_RANGE),
    ("core.score.raw", 1e9, OUT_OF_RANGE),
    ("core.score.raw", "101", OUT_OF_RANGE),
    ("core.score.max", "-1", OUT_OF_RANGE),
    ("core.score.raw", "12abc", TYPE_MISMATCH),
    ("core.score.raw", "1e2", TYPE_MISMATCH),
    ("core.score.raw", True, TYPE_MISMATCH),
    ("core.lesson_location", "page\x003", TYPE_MISMATCH),
    ("core.lesson_location", "x" * 256, TYPE_MISMATCH),
    ("core.lesson_location", 3, TYPE_MISMATCH),
    ("core.lesson_status", "done", TYPE_MISMATCH),
    ("core.exit", "x" * 21, TYPE_MISMATCH),
    ("core.exit", "normal", TYPE_MISMATCH),  # a 2004 word, not a 1.2 one
    ("core.session_time", "5 minutes", TYPE_MISMATCH),
    ("core.session_time", "9999999999:00:00", OUT_OF_RANGE),
    ("suspend_data", "x" * 64_001, TYPE_MISMATCH),
    ("suspend_data", "a\ud800b", TYPE_MISMATCH),  # half a surrogate pair: not text
    ("suspend_data", "bell\x07", TYPE_MISMATCH),
    ("interactions.0.student_response", "a\x00", TYPE_MISMATCH),
    ("core", "not an object", TYPE_MISMATCH),
]

BAD_2004 = [
    ("score.raw", "12345678901", TYPE_MISMATCH),  # real(10,7): at most 10 digits before the point
    ("score.raw", 1e20, TYPE_MISMATCH),
    ("score.scaled", "1.5", OUT_OF_RANGE),
    ("score.scaled", "-1.0001", OUT_OF_RANGE),
    ("score.scaled", "half", TYPE_MISMATCH),
    ("progress_measure", "2", OUT_OF_RANGE),
    ("location", "x" * 1001, TYPE_MISMATCH),
    ("location", "a\x00", TYPE_MISMATCH),
    ("exit", "x" * 21, TYPE_MISMATCH),
    ("exit", "quit", TYPE_MISMATCH),
    ("success_status", "excellent!", TYPE_MISMATCH),
    ("completion_status", "done", TYPE_MISMATCH),
    ("session_time", "an hour", TYPE_MISMATCH),
    ("session_time", "P99999999999Y", OUT_OF_RANGE),
    ("suspend_data", "x" * 64_001, TYPE_MISMATCH),
    ("comments_from_learner.0.comment", "nul\x00", TYPE_MISMATCH),
    ("objectives.0.id", {"a": {"b": {"c": {"d": {"e": {"f": {"g": {"h": {}}}}}}}}}, TYPE_MISMATCH),
]


@pytest.mark.parametrize(
    ("version", "element", "value", "codes"),
    [("1.2", *case) for case in BAD_12] + [("2004", *case) for case in BAD_2004],
    ids=lambda v: repr(v)[:40] if isinstance(v, str | float | bool | int) else None,
)
def test_a_bad_value_is_refused_and_earlier_progress_is_kept(player, version, element, value, codes):
    sco = player(version)
    good = GOOD_12 if version == "1.2" else GOOD_2004
    assert sco.post(good).json()["result"] is True
    before, session_before = _state(sco.attempt()), sco.session().last_sequence

    response = sco.post(_with(good, element, value))

    # Answered so scorm-again hands the content a failed Commit with the standard's code.
    assert response.status_code == 200
    answer = response.json()
    assert answer["result"] is False
    assert answer["errorCode"] == COMMIT_FAILURE[version]
    assert answer["element"].startswith(f"cmi.{element}")
    assert answer["dataModelErrorCode"] == codes[version]
    assert answer["element"] in answer["message"]
    # Nothing half-written: the attempt and the session are as the last good commit left them.
    assert _state(sco.attempt()) == before
    assert sco.session().last_sequence == session_before
    # And the next good commit is stored.
    assert sco.post(_with(good, "suspend_data", "later")).json()["result"] is True
    assert sco.attempt().suspend_data == "later"


@pytest.mark.parametrize(
    "sequence", [1e20, 2**31, 10**30, -1, 0, True, "12abc", 2.5, None, [], "99999999999"]
)
def test_a_commit_without_a_sane_sequence_number_is_refused(player, sequence):
    sco = player("1.2")
    response = sco.post(GOOD_12, sequence=sequence)
    assert response.status_code == 400
    assert response.json()["result"] is False and "sequence" in response.json()["message"]
    assert sco.attempt().commits == 0


@pytest.mark.parametrize(
    "body",
    [
        '{"sequence": 1, "cmi": {"core": {"score": {"raw": NaN}}}}',
        '{"sequence": 1, "cmi": {"suspend_data": Infinity}}',
        '{"sequence": 1, "cmi": ' + "[" * 100_000 + "]" * 100_000 + "}",
        b'{"sequence": 1, "cmi": {"suspend_data": "\xff\xfe"}}',
        '{"sequence": 1, "cmi": {"suspend_data": "' + "\\ud800" + '"}}',
    ],
    ids=["NaN", "Infinity", "deeply nested", "not UTF-8", "lone surrogate escape"],
)
def test_a_body_that_is_not_plain_json_text_never_gives_500(player, body):
    sco = player("1.2")
    response = sco.post(body=body)
    assert response.status_code in (200, 400)
    assert response.json()["result"] is False
    assert sco.attempt().commits == 0


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_values_at_their_limits_are_stored(player, version):
    sco = player(version)
    big = "x" * 64_000  # the project's documented suspend_data limit, for both versions
    if version == "1.2":
        cmi = {
            "core": {
                "lesson_location": "l" * 255,
                "lesson_status": "passed",
                "exit": "",
                "session_time": "9999:59:59.99",
                "total_time": "10000:00:00",  # scorm-again's own total on Terminate may pass 9999 h
                "score": {"raw": "100", "min": "", "max": "100"},
            },
            "suspend_data": big,
        }
    else:
        cmi = {
            "location": "l" * 1000,
            "completion_status": "completed",
            "success_status": "passed",
            "exit": "normal",
            "session_time": "PT1.5H",
            "total_time": "P1DT2H3M4.5S",
            "progress_measure": "1",
            "score": {
                "scaled": "-1",
                "raw": "9999999999.123456789",
                "min": "-9999999999",
                "max": "9999999999",
            },
            "suspend_data": big,
        }
    response = sco.post(cmi)
    assert response.status_code == 200 and response.json()["result"] is True
    attempt = sco.attempt()
    assert attempt.suspend_data == big and attempt.cmi == cmi
    assert attempt.location == ("l" * 255 if version == "1.2" else "l" * 1000)
    if version == "1.2":
        assert attempt.total_seconds == Decimal("35999999.99")
        assert attempt.score_raw == 100 and attempt.score_scaled == 1
    else:
        assert attempt.total_seconds == Decimal("5400")
        assert attempt.score_scaled == -1
        # A raw score beyond what the summary column holds is kept in the committed model only.
        assert attempt.score_raw is None


def test_a_1_2_score_on_a_tiny_scale_does_not_overflow(player):
    sco = player("1.2")
    cmi = _with(GOOD_12, "core.score", {"raw": "100", "min": "0", "max": "0.0000001"})
    assert sco.post(cmi).json()["result"] is True
    assert sco.attempt().score_scaled == 1  # raw above max: as high as a score goes


# --- no JSON body ever gives a 500 -----------------------------------------------------------------

_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(["", "passed", "suspend", "normal", "00:01:00", "PT1M", "1e9", "-0", "\x00", "\ud800"])
)
_json = st.recursive(
    _scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=25,
)
_score = st.fixed_dictionaries({}, optional={k: _json for k in ("raw", "min", "max", "scaled")}) | _json
_cmi_12 = st.fixed_dictionaries(
    {},
    optional={
        "core": st.fixed_dictionaries(
            {},
            optional={
                "lesson_location": _json,
                "lesson_status": _json,
                "exit": _json,
                "session_time": _json,
                "total_time": _json,
                "score": _score,
            },
        )
        | _json,
        "suspend_data": _json,
        "interactions": _json,
    },
)
_cmi_2004 = st.fixed_dictionaries(
    {},
    optional={
        key: _json
        for key in (
            "location",
            "completion_status",
            "success_status",
            "exit",
            "session_time",
            "progress_measure",
            "suspend_data",
            "objectives",
        )
    }
    | {"score": _score},
)


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_no_json_body_gives_a_500(player, version):
    sco = player(version)
    model = _cmi_12 if version == "1.2" else _cmi_2004

    @settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        body=st.one_of(
            # A commit as the player sends it, with anything at all in the model.
            st.builds(lambda cmi, terminate: {"cmi": cmi, "terminate": terminate}, model | _json, _json),
            # Anything at all, sequence included.
            _json,
        )
    )
    def check(body):
        if isinstance(body, dict) and "cmi" in body and "sequence" not in body:
            body["sequence"] = next(sco.sequence)
        before = _state(sco.attempt())
        response = sco.post(body=json.dumps(body))  # the test client re-raises any server error
        assert response.status_code in (200, 400)
        answer = response.json()
        assert isinstance(answer["result"], bool) and isinstance(answer["errorCode"], int)
        if answer["result"] is False:
            assert _state(sco.attempt()) == before

    check()
