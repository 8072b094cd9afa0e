"""For the tests of people's API: the API tests' cast (bluelamp/restapi/tests/fixtures.py)."""

from bluelamp.restapi.tests.fixtures import api_as, essex_world, kent_world  # noqa: F401 - the API tests' cast
