"""Organisations and licences read by every request come from the shared cache, and any write to
them is seen at once (organisations/cache.py). The suite turns the cache off; these tests turn it
on."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bluelamp.organisations.api import Licence, Organisation, licence_update, licensed_organisation_ids
from bluelamp.organisations.cache import forget_all, organisation_by_pk, organisation_for_host
from conftest import make_org, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.ORGANISATIONS_CACHE_SECONDS = 60


def queries(work):
    with CaptureQueriesContext(connection) as captured:
        value = work()
    return value, len(captured)


def test_licences_in_force_are_read_once_and_a_change_is_seen_at_once(national, platform_admin):
    surrey = make_org("surrey", "Surrey Police", licences=("PL-P-101", "PL-P-200"))
    forget_all()
    first, asked = queries(lambda: licensed_organisation_ids("PL-P-200"))
    assert first == {national.pk, surrey.pk} and asked == 2  # the licences, the national body
    again, asked = queries(lambda: licensed_organisation_ids("PL-P-200"))
    assert again == first and asked == 0

    licence = Licence.objects.get(organisation=surrey, type="PL-P-200")
    licence_update(actor=platform_admin, licence=licence, status=Licence.Status.SUSPENDED)
    assert licensed_organisation_ids("PL-P-200") == {national.pk}
    assert licensed_organisation_ids("PL-P-101") == {national.pk, surrey.pk}  # the other type is unchanged

    essex = make_org("essex", "Essex Police", licences=("PL-P-200",))
    assert licensed_organisation_ids("PL-P-200") == {national.pk, essex.pk}


def test_another_day_is_always_read_from_the_database(national):
    surrey = make_org("surrey", "Surrey Police")
    licensed_organisation_ids("PL-P-101")  # today's answer cached
    licence = Licence.objects.get(organisation=surrey, type="PL-P-101")
    later = licence.ends_on + dt.timedelta(days=1)
    ids, asked = queries(lambda: licensed_organisation_ids("PL-P-101", on=later))
    assert ids == {national.pk} and asked == 1  # the licences (the national body is cached)


def test_host_names_and_organisations_are_cached_and_forgotten_when_saved(national):
    kent = make_org("kent", "Kent Police", host_name="kent.learn.example", licences=())
    found, _ = queries(lambda: organisation_for_host("Kent.Learn.Example:443"))
    assert found == kent
    found, asked = queries(lambda: organisation_for_host("kent.learn.example"))
    assert found == kent and found.name == "Kent Police" and asked == 0
    nobody, asked = queries(lambda: organisation_for_host("elsewhere.example"))
    assert nobody is None and asked == 0  # every host name is known from the one cached list

    kent.name = "Kent Police (renamed)"
    kent.host_name = "learn.kent.police.uk"
    kent.save()
    assert organisation_for_host("kent.learn.example") is None
    assert organisation_for_host("learn.kent.police.uk").name == "Kent Police (renamed)"
    assert organisation_by_pk(kent.pk).name == "Kent Police (renamed)"

    gone = Organisation.objects.create(
        slug="gone", name="Gone", kind="home_office_force", host_name="gone.example"
    )
    assert organisation_for_host("gone.example") == gone
    pk = gone.pk
    gone.delete()
    assert organisation_by_pk(pk) is None
    assert organisation_for_host("gone.example") is None


def test_a_page_reads_no_organisation_or_licence_once_they_are_cached(client, signed_in, national):
    kent = make_org("kent", "Kent Police", host_name="kent.learn.example")
    person = make_person(kent, "pc@kent.police.uk")
    signed_in(person)
    url = reverse("accessibility")
    client.get(url, HTTP_HOST="kent.learn.example")

    with CaptureQueriesContext(connection) as captured:
        page = client.get(url, HTTP_HOST="kent.learn.example")
    assert page.status_code == 200 and b"Kent Police" in page.content
    statements = " ".join(q["sql"] for q in captured.captured_queries)
    assert 'FROM "organisations_organisation"' not in statements
    assert 'FROM "organisations_licence"' not in statements


def test_the_national_body_is_read_once_and_forgotten_when_an_organisation_is_saved(national):
    from bluelamp.organisations.api import national_body_ids

    forget_all()
    ids, asked = queries(national_body_ids)
    assert ids == [national.pk] and asked == 1
    ids, asked = queries(national_body_ids)
    assert ids == [national.pk] and asked == 0
    second = Organisation.objects.create(slug="second", name="A second national body", kind="national_body")
    assert national_body_ids() == [second.pk, national.pk]  # in name order


def test_each_caller_gets_its_own_organisation_instance(national):
    kent = make_org("kent", "Kent Police", licences=())
    first = organisation_by_pk(kent.pk)
    first.name = "Changed on one request's copy, never saved"
    second = organisation_by_pk(kent.pk)
    assert second.name == "Kent Police" and second is not first
