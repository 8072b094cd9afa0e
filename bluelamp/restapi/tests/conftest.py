"""The API tests' cast and client (bluelamp/restapi/tests/fixtures.py)."""

from bluelamp.restapi.tests.fixtures import api_as, essex_world, kent_world  # noqa: F401
