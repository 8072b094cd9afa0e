"""For the tests of mandatory training's API: the API tests' cast and client
(bluelamp/restapi/tests/fixtures.py)."""

from bluelamp.restapi.tests.fixtures import api_as, essex_world, kent_world  # noqa: F401 - the API tests' cast
