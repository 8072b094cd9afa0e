import pytest

from bluelamp.credentials.tests.helpers import course_template, page_course


@pytest.fixture
def course(kent, alice):
    return page_course(kent, alice)


@pytest.fixture
def template(alice, course):
    return course_template(alice, course)


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://learn.example"
