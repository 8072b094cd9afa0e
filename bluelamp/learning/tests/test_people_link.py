"""The person page offers their learning record only to those who may read it."""

from django.urls import reverse

from conftest import make_person


def test_record_link_on_the_person_page(client, signed_in, national, alice, bob):
    record = reverse("learning:record_person", args=[bob.pk])
    page = signed_in(alice).get(reverse("people:detail", args=[bob.pk])).content.decode()
    assert record in page  # organisation admin (learning.manage) and Bob's line manager
    client.logout()
    adviser = make_person(national, "adv@national.example", roles=["cc_adviser"])
    page = signed_in(adviser).get(reverse("people:detail", args=[bob.pk]))
    assert page.status_code == 200 and record not in page.content.decode()
    assert client.get(record).status_code == 404
