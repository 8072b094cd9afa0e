"""Assessment's landing page: for those who set up or mark assessment; learners get "not found"."""

from django.urls import reverse

from conftest import make_person


def test_training_admins_and_tutors_see_the_landing_page(client, signed_in, kent, alice, bob):
    signed_in(alice)
    response = client.get(reverse("assessment:home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Assessment" in body and "Manage courses" in body
    tutor = make_person(kent, "tina@kent.police.uk", first="Tina", last="Tutor", roles=["tutor"])
    signed_in(tutor)
    assert client.get(reverse("assessment:home")).status_code == 200


def test_a_learner_gets_not_found(client, signed_in, bob):
    signed_in(bob)
    assert client.get(reverse("assessment:home")).status_code == 404
