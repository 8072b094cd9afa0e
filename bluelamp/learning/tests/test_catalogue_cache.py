"""The catalogue's pages come from the shared cache (learning/catalogue.py) and every write to a
course, its tags or its owner is seen on the next request; what a person may see is never taken
from another organisation's pages. The suite turns the cache off; these tests turn it on."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bluelamp.learning.courses import (
    activity_add,
    course_set_status,
    course_update,
    version_publish,
    version_start,
)
from bluelamp.learning.enrolments import enrol_self
from bluelamp.learning.tests.conftest import import_course
from bluelamp.learning.tests.courses import publish_course
from bluelamp.organisations.api import Licence, licence_update
from conftest import make_org, make_person

pytestmark = pytest.mark.django_db

URL = reverse("learning:catalogue")


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.CATALOGUE_CACHE_SECONDS = 60


def catalogue(client, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, params)
    assert response.status_code == 200
    return response.text, [q["sql"] for q in captured]


def course_queries(sql):
    return [s for s in sql if 'FROM "learning_course"' in s or 'FROM "learning_tag"' in s]


def test_the_second_visit_reads_no_course_but_whether_the_person_is_enrolled(
    client, signed_in, bob, national_course
):
    signed_in(bob)
    page, sql = catalogue(client)
    assert national_course.title in page and course_queries(sql)
    page, sql = catalogue(client)
    assert national_course.title in page
    assert course_queries(sql) == []
    assert [s for s in sql if 'FROM "learning_enrolment"' in s]  # the "Enrolled" marks: per person


def test_whether_someone_is_enrolled_is_their_own(client, signed_in, bob, kent, national_course):
    other = make_person(kent, "other@kent.police.uk")
    enrol_self(person=bob, course=national_course)
    signed_in(bob)
    page, _ = catalogue(client)
    assert "Enrolled" in page
    signed_in(other)
    page, _ = catalogue(client)
    assert national_course.title in page and "Enrolled" not in page


def test_a_course_edited_retired_or_published_is_seen_at_once(
    client, signed_in, bob, national, national_course
):
    signed_in(bob)
    catalogue(client)
    course_update(actor=None, course=national_course, title="Stop and search: the law", tags=["Law"])
    page, _ = catalogue(client)
    assert "Stop and search: the law" in page and re.search(r'govuk-tag--grey">\s*law\s*<', page)
    course_set_status(actor=None, course=national_course, status="retired")
    page, _ = catalogue(client)
    assert "Stop and search: the law" not in page and "No courses match" in page
    import_course(national, code="NEW-1", title="A brand new course")
    page, _ = catalogue(client)
    assert "A brand new course" in page


def test_filters_and_pages_are_cached_apart(client, signed_in, bob, national):
    for n in range(21):
        import_course(national, code=f"C-{n:02}", title=f"Course {n:02}")
    signed_in(bob)
    first, _ = catalogue(client)
    second, _ = catalogue(client, page=2)
    assert "Course 00" in first and "Course 20" not in first
    assert "Course 20" in second and "Course 00" not in second
    assert "Course 20" in catalogue(client, page=99)[0]  # past the end: the last page
    assert "Course 00" in catalogue(client, page="abc")[0]  # not a number: the first
    found, _ = catalogue(client, q="Course 07")
    assert "Course 07" in found and "Course 08" not in found


def test_a_lapsed_licence_hides_the_national_catalogue_at_once(client, signed_in, bob, kent, national_course):
    signed_in(bob)
    assert national_course.title in catalogue(client)[0]
    licence = Licence.objects.get(organisation=kent, type="PL-P-200")
    licence_update(actor=None, licence=licence, status=Licence.Status.SUSPENDED)
    assert national_course.title not in catalogue(client)[0]


def test_an_organisations_own_courses_stay_its_own(client, signed_in, bob, kent, dave, essex):
    """Kent's and Essex's catalogues differ: a page cached for one is never the other's."""
    kent_course = import_course(kent, code="K-1", title="Kent own course")
    essex_course = import_course(essex, code="E-1", title="Essex own course")
    signed_in(bob)
    page, _ = catalogue(client)
    assert kent_course.title in page and essex_course.title not in page
    signed_in(dave)
    page, _ = catalogue(client)
    assert essex_course.title in page and kent_course.title not in page
    signed_in(bob)
    page, _ = catalogue(client, owner="own")
    assert kent_course.title in page and essex_course.title not in page


def test_an_owners_new_name_is_seen_at_once(client, signed_in, bob, kent):
    import_course(kent, code="K-1", title="Kent own course")
    signed_in(bob)
    assert "Kent Police" in catalogue(client)[0]
    kent.name = "Kent Police Service"
    kent.save()
    assert "Kent Police Service" in catalogue(client)[0]


def test_a_new_organisation_sees_its_catalogue(client, signed_in, national_course):
    surrey = make_org("surrey", "Surrey Police")
    person = make_person(surrey, "sam@surrey.police.uk")
    signed_in(person)
    assert national_course.title in catalogue(client)[0]


def course_page(client, course):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("learning:course", args=[course.uuid]))
    return response, [q["sql"] for q in captured]


def test_a_course_page_reads_the_course_and_its_activities_once(client, signed_in, bob, national_course):
    signed_in(bob)
    response, sql = course_page(client, national_course)
    assert response.status_code == 200 and course_queries(sql)
    response, sql = course_page(client, national_course)
    assert response.status_code == 200 and national_course.title in response.text
    assert course_queries(sql) == [] and not [s for s in sql if 'FROM "learning_activity"' in s]


def test_a_course_page_is_refused_to_an_outsider_though_cached(client, signed_in, bob, dave, essex):
    essex_course = import_course(essex, code="E-1", title="Essex own course")
    signed_in(dave)
    assert course_page(client, essex_course)[0].status_code == 200  # cached now
    signed_in(bob)
    response, _ = course_page(client, essex_course)
    assert response.status_code == 404


def test_a_course_pages_new_title_and_activities_are_seen_at_once(client, signed_in, bob, national):
    course = publish_course(national, None, "P-1", pages=1)
    signed_in(bob)
    assert course_page(client, course)[0].status_code == 200  # cached now
    course_update(actor=None, course=course, title="Renamed course")
    response, _ = course_page(client, course)
    assert "Renamed course" in response.text
    draft = version_start(actor=None, course=course)
    activity_add(actor=None, version=draft, kind="page", title="A new part", body="Read this too.")
    version_publish(actor=None, version=draft)
    response, _ = course_page(client, course)
    assert "A new part" in response.text
