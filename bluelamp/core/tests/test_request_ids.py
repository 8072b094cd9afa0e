"""A request id sent in X-Request-ID is kept only when it looks like one; otherwise one is made
(a value too long for the audit log's column made an audited write fail on PostgreSQL)."""

import pytest
from django.test import RequestFactory

from bluelamp.core.middleware import request_id_of


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("abc-123_X.y:z", True),
        ("a" * 64, True),
        ("a" * 65, False),
        ("two\nlines", False),
        ("spaces here", False),
        ("", False),
    ],
)
def test_only_an_id_that_looks_like_one_is_kept(given, kept):
    request = RequestFactory().get("/", HTTP_X_REQUEST_ID=given)
    made = request_id_of(request)
    assert (made == given) is kept
    assert 1 <= len(made) <= 64 and "\n" not in made
