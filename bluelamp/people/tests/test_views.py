"""People pages and the HR import page, each with an outsider who must be refused."""

import io

from bluelamp.audit.api import AuditEvent
from bluelamp.organisations.models import Licence, RoleAssignment
from bluelamp.organisations.services import licence_update
from bluelamp.people.importing import run_import
from bluelamp.people.models import ImportRun, Person
from conftest import page_body

CSV = (
    "staff_number,email,first_name,last_name,unit,rank,job_role,line_manager_staff_number,start_date,status\n"
    "300,one@kent.police.uk,Una,One,East/Team A,Sergeant,,,2020-01-01,active\n"
    "301,two@kent.police.uk,Dua,Two,East/Team A,Police Constable,,300,2021-01-01,active\n"
)


def upload(client, content: str, org_id: int, name="hr.csv"):
    file = io.BytesIO(content.encode())
    file.name = name
    return client.post("/people/import/", {"organisation": org_id, "file": file})


def test_outsider_is_refused_kent_people_and_imports(signed_in, charlie, alice, bob, kent):
    run = run_import(actor=alice, organisation=kent, data=CSV.encode(), file_name="k.csv", dry_run=True).run
    client = signed_in(charlie)
    for url in [
        f"/people/{bob.pk}/",
        f"/people/{bob.pk}/edit/",
        f"/people/{bob.pk}/transfer/",
        f"/people/import/{run.uuid}/",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/people/import/{run.uuid}/apply/").status_code == 404
    assert client.post(f"/people/{bob.pk}/", {"role": "tutor", "where": f"org:{kent.pk}"}).status_code == 404
    assert page_body(client.get("/people/999999/")) == page_body(client.get(f"/people/{bob.pk}/"))
    listing = client.get("/people/?q=bob").content.decode()
    assert "bob@kent.police.uk" not in listing
    # Charlie cannot aim an import at Kent either.
    response = upload(client, CSV, kent.pk)
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Person.objects.filter(staff_number="300").exists()


def test_learner_sees_own_profile_only(signed_in, bob, alice):
    client = signed_in(bob)
    assert client.get(f"/people/{bob.pk}/").status_code == 200
    assert client.get(f"/people/{alice.pk}/").status_code == 404
    assert client.get("/people/import/").status_code == 404


def test_line_manager_sees_reports(signed_in, alice, bob):
    # Alice is Bob's manager, but check the implicit route with a plain manager too.
    from conftest import make_person

    manager = make_person(bob.organisation, "mgr@kent.police.uk", staff_number="M1")
    report = make_person(bob.organisation, "rep@kent.police.uk", staff_number="M2", line_manager=manager)
    client = signed_in(manager)
    assert client.get(f"/people/{report.pk}/").status_code == 200
    assert client.get(f"/people/{bob.pk}/").status_code == 404
    assert "rep@kent.police.uk" in client.get("/people/").content.decode()


def test_import_with_errors_then_fixed_and_applied(signed_in, alice, kent):
    client = signed_in(alice)
    bad = CSV.replace("two@kent.police.uk", "not-an-address").replace("Sergeant", "Admiral")
    response = upload(client, bad, kent.pk)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Nothing has been changed" in page
    assert "not-an-address" in page and "Admiral" in page
    assert "Apply these changes" not in page

    response = upload(client, CSV, kent.pk)
    page = client.get(response["Location"]).content.decode()
    assert "Check the changes before applying them" in page
    run = ImportRun.objects.filter(outcome="valid").latest("started_at")
    assert not Person.objects.filter(staff_number="300").exists()
    response = client.post(f"/people/import/{run.uuid}/apply/")
    assert response.status_code == 302
    assert Person.objects.get(staff_number="301").line_manager.staff_number == "300"
    assert AuditEvent.objects.filter(action="people.import", actor=alice).exists()


def test_import_refuses_non_csv(signed_in, alice, kent):
    response = upload(signed_in(alice), "x", kent.pk, name="hr.xlsx")
    assert "must be a CSV file" in response.content.decode()


def test_grant_role_from_profile_then_audit_and_report(signed_in, alice, bob, kent):
    client = signed_in(alice)
    response = client.post(
        f"/people/{bob.pk}/",
        {"role": "training_admin", "where": f"org:{kent.pk}", "reason": "Runs the training school"},
    )
    assert response.status_code == 302
    assert RoleAssignment.objects.current().filter(person=bob, role="training_admin").exists()
    audit = client.get("/audit/?action=role.grant").content.decode()
    assert "Bob Officer" in audit and "training_admin" in audit
    report = client.get("/organisations/roles/").content.decode()
    assert "Bob Officer" in report


def test_edit_person_and_mark_leaver(signed_in, alice, bob):
    client = signed_in(alice)
    data = {
        "first_name": "Robert",
        "last_name": "Officer",
        "email": "bob@kent.police.uk",
        "staff_number": "K2",
        "rank": "Sergeant",
        "status": "leaver",
        "line_manager": "K1",
    }
    response = client.post(f"/people/{bob.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    bob.refresh_from_db()
    assert bob.first_name == "Robert" and bob.is_leaver and not bob.is_active
    response = client.post(f"/people/{bob.pk}/edit/", {**data, "line_manager": "NOPE", "status": "active"})
    assert "No one in Kent Police has staff number NOPE" in response.content.decode()


def test_add_person(signed_in, alice, kent):
    client = signed_in(alice)
    response = client.post(
        "/people/add/",
        {
            "org": "kent",
            "first_name": "New",
            "last_name": "Starter",
            "email": "new@kent.police.uk",
            "staff_number": "N1",
            "status": "active",
        },
    )
    assert response.status_code == 302
    response = client.post(
        "/people/add/",
        {
            "org": "kent",
            "first_name": "Dup",
            "last_name": "Starter",
            "email": "dup@kent.police.uk",
            "staff_number": "N1",
            "status": "active",
        },
    )
    assert "already used in this organisation" in response.content.decode()


def test_transfer_keeps_record_and_ends_old_roles(signed_in, platform_admin, alice, bob, kent, essex):
    from bluelamp.organisations.services import role_grant

    role_grant(actor=alice, person=bob, role="tutor", organisation=kent)
    client = signed_in(platform_admin)
    response = client.post(
        f"/people/{bob.pk}/transfer/", {"to_organisation": essex.pk, "staff_number": "E99"}
    )
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.organisation == essex and bob.staff_number == "E99"
    assert bob.transfers.get().from_organisation == kent
    assert not RoleAssignment.objects.current().filter(person=bob, organisation=kent).exists()


def test_lapsed_licence_cuts_admin_pages(signed_in, alice, bob, kent):
    client = signed_in(alice)
    assert client.get(f"/people/{bob.pk}/").status_code == 200
    licence_update(
        actor=None,
        licence=Licence.objects.get(organisation=kent, type="PL-P-101"),
        status=Licence.Status.REVOKED,
    )
    assert client.get(f"/people/{bob.pk}/").status_code == 404
    assert "not in force" in client.get("/").content.decode()
    assert Person.objects.filter(pk=bob.pk).exists()


def test_people_list_query_count_does_not_grow_with_rows(
    signed_in, alice, kent, django_assert_max_num_queries
):
    from conftest import make_person

    client = signed_in(alice)
    client.get("/people/")  # warm caches (content types, session)
    with django_assert_max_num_queries(14) as small:
        client.get("/people/")
    for n in range(30):
        make_person(kent, f"p{n}@kent.police.uk", staff_number=f"P{n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/people/")


def test_uploaded_files_are_kept_only_until_applied(signed_in, alice, kent):
    from django.core.files.storage import default_storage

    client = signed_in(alice)
    bad = CSV.replace("Sergeant", "Admiral")
    upload(client, bad, kent.pk)
    assert ImportRun.objects.get().stored_file.name == ""
    upload(client, CSV, kent.pk)
    checked = ImportRun.objects.get(outcome="valid")
    name = checked.stored_file.name
    assert default_storage.exists(name)
    client.post(f"/people/import/{checked.uuid}/apply/")
    assert not default_storage.exists(name)
    assert not ImportRun.objects.exclude(stored_file="").exists()


def test_outsider_cannot_add_people_to_another_organisation(signed_in, charlie, kent):
    client = signed_in(charlie)
    assert client.get("/people/add/?org=kent").status_code == 404
    response = client.post(
        "/people/add/",
        {"org": "kent", "first_name": "X", "last_name": "Y", "email": "x@kent.police.uk", "status": "active"},
    )
    assert response.status_code == 404
    assert not Person.objects.filter(email="x@kent.police.uk").exists()


def test_import_runs_in_the_background_and_the_page_follows_it(signed_in, alice, kent, settings):
    from bluelamp.people.tasks import process_import

    # A backend that only records: the file waits, as it would for a worker.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client = signed_in(alice)
    response = upload(client, CSV, kent.pk)
    run = ImportRun.objects.get()
    assert run.outcome == "pending"
    page = client.get(response["Location"]).content.decode()
    assert "Checking your file" in page and 'http-equiv="refresh"' in page
    fragment = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert 'id="import-progress"' in fragment.content.decode() and "<html" not in fragment.content.decode()

    assert process_import.call(run.pk) == "valid"
    assert process_import.call(run.pk) == "valid"  # delivered twice: nothing more happens
    assert ImportRun.objects.count() == 1
    done = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"
    assert "Check the changes before applying them" in client.get(response["Location"]).content.decode()
