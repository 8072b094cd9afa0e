from bluelamp.audit.api import AuditEvent


def test_django_admin_is_for_platform_administrators_only(signed_in, platform_admin, alice, client):
    assert signed_in(alice).get("/django-admin/").status_code == 302  # to the admin sign-in: not staff
    client.logout()
    admin_client = signed_in(platform_admin)
    assert admin_client.get("/django-admin/").status_code == 200
    assert admin_client.get("/django-admin/people/person/").status_code == 200


def test_admin_edits_are_audited(signed_in, platform_admin, kent):
    client = signed_in(platform_admin)
    response = client.post(
        f"/django-admin/organisations/organisation/{kent.pk}/change/",
        {
            "slug": "kent",
            "name": "Kent Police Service",
            "kind": "home_office_force",
            "host_name": "kent.learn.example",
            "brand_colour": "#1d4f91",
            "licences-TOTAL_FORMS": 0,
            "licences-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    event = AuditEvent.objects.filter(action="admin.change").get()
    assert event.organisation == kent and event.after == {"name": "Kent Police Service"}
