"""Administrators' certificate pages: the templates (list, create, change, retire and restore),
the certificates issued (search, filter, pages), issuing one by hand for a completion, revoking
one; named errors that write nothing; and "not found" for everyone else."""

import uuid

import pytest
from django.db import connection

from bluelamp.audit.api import AuditEvent
from bluelamp.credentials.achievements import Achievement
from bluelamp.credentials.models import Certificate, CertificateTemplate
from bluelamp.credentials.services import TemplateInput, certificate_revoke, template_create
from bluelamp.credentials.tests.helpers import AT, complete, course_template, page_course
from bluelamp.credentials.tests.pages_helpers import NOW, errors, fixed_clock, issue, text  # noqa: F401
from bluelamp.learning.api import record_external
from bluelamp.organisations.api import role_grant
from conftest import make_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]

LIST = "/certificates/manage/"
NEW = "/certificates/manage/new/"
ISSUED = "/certificates/issued/"


def edit(template, rest=""):
    return f"/certificates/manage/{template.uuid}/{rest}"


@pytest.fixture
def template(alice, course):
    """Issued by hand here (by Alice): on completion it would be issued by no one, and signed."""
    return course_template(alice, course, issue_automatically=False)


@pytest.fixture
def trainer(kent):
    """A Kent training administrator: manages learning (and so certificates), not the organisation."""
    person = make_person(kent, "tara@kent.police.uk", first="Tara", last="Trainer", staff_number="K5")
    role_grant(actor=None, person=person, role="training_admin", organisation=kent, as_operator=True)
    return person


def form_data(**changes) -> dict:
    data = {
        "title": "",
        "wording": "has successfully completed",
        "description": "The annual update on changes in law.",
        "signatory_name": "Chief Constable",
        "signatory_role": "Kent Police",
        "valid_for_months": "12",
        "issue_automatically": "on",
        "badge": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# --- the templates' list --------------------------------------------------------------------------


def test_the_list_shows_the_templates_with_how_many_were_issued(signed_in, alice, bob, template):
    issue(template, bob, actor=alice)

    response = signed_in(alice).get(LIST)

    assert response.status_code == 200
    words = text(response)
    assert "Course LEGAL-2026 Legal update 2026 By hand, with a badge In use 1" in words
    html = response.content.decode()
    assert f'href="{edit(template)}"' in html
    assert f'href="/certificates/issued/?template={template.uuid}"' in html
    assert 'href="/certificates/manage/new/"' in html
    assert "Certificates issued" in words and "Signing keys" in words


def test_a_training_administrator_manages_certificates_but_not_keys(signed_in, trainer, template):
    words = text(signed_in(trainer).get(LIST))
    assert "Legal update 2026" in words
    assert "Signing keys" not in words


def test_the_list_shows_no_other_organisations_templates(signed_in, charlie, template):
    response = signed_in(charlie).get(LIST)
    assert response.status_code == 200
    words = text(response)
    assert "Legal update 2026" not in words
    assert "You have no certificates yet" in words


def test_learners_are_told_not_found_on_every_administrators_page(signed_in, bob, template):
    client = signed_in(bob)
    for url in (LIST, NEW, ISSUED, edit(template), edit(template, "issue/")):
        assert client.get(url).status_code == 404, url
    assert client.post(edit(template, "state/"), {"state": "retired"}).status_code == 404
    template.refresh_from_db()
    assert template.state == "active"


def test_the_header_links_administrators_to_certificates(signed_in, alice, bob):
    assert 'href="/certificates/manage/"' in signed_in(alice).get("/").content.decode()
    assert 'href="/certificates/manage/"' not in signed_in(bob).get("/").content.decode()


# --- creating -------------------------------------------------------------------------------------


def test_creating_offers_the_courses_one_manages_marking_those_with_one_in_use(
    signed_in, kent, alice, template
):
    other = page_course(kent, alice, code="FA-1", title="First aid")

    response = signed_in(alice).get(NEW)

    html = response.content.decode()
    assert f'value="course:{other.uuid}"' in html
    assert "Course: FA-1 First aid</option>" in html
    assert "Course: LEGAL-2026 Legal update 2026 (has a certificate in use)</option>" in html
    assert 'value="has successfully completed"' in html


def test_creating_a_certificate(signed_in, kent, alice):
    course = page_course(kent, alice, code="FA-1", title="First aid")

    response = signed_in(alice).post(NEW, form_data(achievement=f"course:{course.uuid}"), follow=True)

    template = CertificateTemplate.objects.get()
    assert response.redirect_chain[-1][0] == edit(template)
    assert (template.owner, template.achievement_kind, template.achievement_uuid) == (
        kent,
        "course",
        course.uuid,
    )
    assert template.title == "First aid"  # left empty: the course's own
    assert template.valid_for_months == 12
    assert template.issue_automatically and template.badge
    assert (template.signatory_name, template.created_by, template.created_at) == (
        "Chief Constable",
        alice,
        NOW,
    )
    words = text(response)
    assert "Created the certificate for FA-1 First aid" in words
    assert "For those who completed it before, or elsewhere, issue it by hand." in words
    assert AuditEvent.objects.filter(action="credentials.template.create").count() == 1


def test_unticked_boxes_create_a_certificate_issued_by_hand_without_a_badge(signed_in, kent, alice):
    course = page_course(kent, alice, code="FA-1", title="First aid")
    data = form_data(
        achievement=f"course:{course.uuid}",
        title="First aid at work",
        valid_for_months="",
        issue_automatically=None,
        badge=None,
    )

    signed_in(alice).post(NEW, data)

    template = CertificateTemplate.objects.get()
    assert template.title == "First aid at work"
    assert template.valid_for_months is None
    assert not template.issue_automatically and not template.badge


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"valid_for_months": "twelve"},
            "“twelve” is not a number of months: enter a whole number from 1 to 240, or leave it empty "
            "if it never expires.",
        ),
        (
            {"valid_for_months": "300"},
            "Validity of 300 months: enter 1 to 240, or leave it empty if it never expires.",
        ),
        (
            {"wording": "  "},
            'Enter the words between the name and the achievement, e.g. "has successfully completed"',
        ),
        (
            {"title": "x" * 201},
            "Achievement's name on the certificate can be at most 200 characters: this one has 201.",
        ),
        ({"achievement": ""}, "Choose the course or programme the certificate is for"),
        (
            {"achievement": "course:not-one"},
            "“course:not-one” is not a course or programme you may make a certificate for: choose one from "
            "the list",
        ),
    ],
)
def test_bad_input_is_named_kept_and_writes_nothing(signed_in, kent, alice, changes, message):
    course = page_course(kent, alice, code="FA-1", title="First aid")
    data = form_data(
        **{"achievement": f"course:{course.uuid}", "signatory_name": "KEPT signatory", **changes}
    )

    response = signed_in(alice).post(NEW, data)

    assert response.status_code == 400
    assert errors(response) == [message]
    assert 'value="KEPT signatory"' in response.content.decode()
    assert not CertificateTemplate.objects.exists()


def test_an_achievement_with_a_certificate_in_use_is_refused_by_name(signed_in, alice, course, template):
    response = signed_in(alice).post(NEW, form_data(achievement=f"course:{course.uuid}"))

    assert response.status_code == 400
    assert errors(response) == [
        "LEGAL-2026 Legal update 2026 already has a certificate in use: change that one, or retire it first."
    ]
    assert CertificateTemplate.objects.count() == 1


def test_another_organisations_course_is_not_offered_nor_accepted(signed_in, essex, alice, charlie):
    essex_course = page_course(essex, charlie, code="ESSEX-1", title="Essex course")
    client = signed_in(alice)

    assert f"course:{essex_course.uuid}" not in client.get(NEW).content.decode()
    response = client.post(NEW, form_data(achievement=f"course:{essex_course.uuid}"))
    assert response.status_code == 400
    assert not CertificateTemplate.objects.exists()


# --- changing, retiring, restoring ----------------------------------------------------------------


def test_the_edit_page_shows_what_was_issued_and_what_can_be_done(signed_in, alice, bob, template):
    certificate_revoke(actor=alice, certificate=issue(template, bob, actor=alice), reason="Error", at=AT)

    response = signed_in(alice).get(edit(template))

    words = text(response)
    assert "For Course LEGAL-2026: Legal update 2026" in words
    assert "State In use" in words
    assert "Certificates 1 issued , 1 of them revoked" in words
    html = response.content.decode()
    assert f'href="/certificates/issued/?template={template.uuid}"' in html
    assert f'href="{edit(template, "issue/")}"' in html
    assert f'action="{edit(template, "state/")}"' in html and 'name="state" value="retired"' in html
    assert 'value="Chief Constable"' in html  # the form holds what it says now


def test_changing_a_certificate(signed_in, alice, template):
    data = form_data(title="Legal update", wording="has completed", valid_for_months="", badge=None)

    response = signed_in(alice).post(edit(template), data, follow=True)

    template.refresh_from_db()
    assert (template.title, template.wording, template.valid_for_months, template.badge) == (
        "Legal update",
        "has completed",
        None,
        False,
    )
    assert template.updated_at == NOW
    assert "Saved the certificate Legal update. Those issued before keep what they said." in text(response)


def test_changing_needs_a_title_and_writes_nothing_on_an_error(signed_in, alice, template):
    response = signed_in(alice).post(edit(template), form_data(title="", valid_for_months="0"))

    assert response.status_code == 400
    assert errors(response) == ["Enter the achievement's name as the certificate prints it"]
    template.refresh_from_db()
    assert template.title == "Legal update 2026" and template.valid_for_months is None


def test_retiring_and_restoring(signed_in, alice, template):
    client = signed_in(alice)

    response = client.post(edit(template, "state/"), {"state": "retired"}, follow=True)

    template.refresh_from_db()
    assert template.state == "retired"
    words = text(response)
    assert "Retired the certificate Legal update 2026: nothing more is issued from it." in words
    assert "State Retired" in words
    assert "Use this certificate again" in words

    response = client.post(edit(template, "state/"), {"state": "active"}, follow=True)

    template.refresh_from_db()
    assert template.state == "active"
    assert "The certificate Legal update 2026 is in use again." in text(response)


def test_a_state_that_is_not_one_is_refused_by_name(signed_in, alice, template):
    response = signed_in(alice).post(edit(template, "state/"), {"state": "deleted"}, follow=True)

    assert "'deleted' is not a state: use active or retired." in text(response)
    template.refresh_from_db()
    assert template.state == "active"


def test_restoring_beside_another_in_use_is_refused_by_name(signed_in, alice, course, template):
    client = signed_in(alice)
    client.post(edit(template, "state/"), {"state": "retired"})
    newer = template_create(
        actor=alice,
        achievement=Achievement(
            kind="course", uuid=course.uuid, code=course.code, title=course.title, owner=course.owner
        ),
        data=TemplateInput(title="Legal update (new)"),
        at=AT,
    )

    response = client.post(edit(template, "state/"), {"state": "active"}, follow=True)

    assert "Another certificate for the same achievement is in use: retire it first." in text(response)
    template.refresh_from_db()
    newer.refresh_from_db()
    assert (template.state, newer.state) == ("retired", "active")


def test_the_state_changes_only_by_post(signed_in, alice, template):
    assert signed_in(alice).get(edit(template, "state/")).status_code == 405


def test_another_organisations_template_is_not_found(signed_in, charlie, template):
    client = signed_in(charlie)
    assert client.get(edit(template)).status_code == 404
    assert client.post(edit(template), form_data(title="Taken over")).status_code == 404
    assert client.post(edit(template, "state/"), {"state": "retired"}).status_code == 404
    assert client.get(edit(template, "issue/")).status_code == 404
    template.refresh_from_db()
    assert (template.title, template.state) == ("Legal update 2026", "active")


# --- issuing by hand ------------------------------------------------------------------------------


def test_issuing_by_hand_finds_the_person_and_their_completions(signed_in, alice, bob, course, template):
    complete(bob, course)

    response = signed_in(alice).get(edit(template, "issue/"), {"person": "k2"})

    assert response.status_code == 200
    words = text(response)
    assert "Bob Officer, staff number K2, Kent Police." in words
    assert "Which of Bob Officer's completions of LEGAL-2026 is it for?" in words
    assert "Completed on 2 November 2026 (Bluelamp), version 1" in words


def test_issuing_by_hand(signed_in, alice, bob, course, template):
    completion = complete(bob, course)
    data = {"person": "bob@kent.police.uk", "completion": str(completion.uuid)}

    response = signed_in(alice).post(edit(template, "issue/"), data, follow=True)

    certificate = Certificate.objects.get()
    assert response.redirect_chain[-1][0] == f"/certificates/{certificate.uuid}/"
    assert (certificate.person, certificate.issued_by, certificate.issued_at) == (bob, alice, NOW)
    assert certificate.source_ref == str(completion.uuid)
    assert certificate.issued_on == completion.completed_on
    assert certificate.credential is not None  # signed at once
    assert f"Issued certificate {certificate.code} to Bob Officer." in text(response)


def test_a_completion_already_certified_is_linked_not_offered(signed_in, alice, bob, course, template):
    completion = complete(bob, course)
    certificate = issue(template, bob, actor=alice, completion=completion)
    client = signed_in(alice)

    response = client.get(edit(template, "issue/"), {"person": "K2"})

    words = text(response)
    assert f"Completed on 2 November 2026: certificate {certificate.code}" in words
    assert "Every completion of LEGAL-2026 on Bob Officer's learner record has its certificate." in words
    assert 'type="radio"' not in response.content.decode()

    # Sent from a page shown before it was issued: the one issued is shown, no second is made.
    data = {"person": "K2", "completion": str(completion.uuid)}
    response = client.post(edit(template, "issue/"), data, follow=True)
    assert response.redirect_chain[-1][0] == f"/certificates/{certificate.uuid}/"
    assert f"Bob Officer already has this certificate for that completion: {certificate.code}." in text(
        response
    )
    assert Certificate.objects.count() == 1


def test_an_imported_completion_can_be_certified(signed_in, alice, bob, course, template):
    from bluelamp.learning.api import import_history

    data = b"staff_number,course_code,completed_on\nK2,LEGAL-2026,2024-05-01\n"
    import_history(
        actor=alice, organisation=alice.organisation, data=data, apply=True, file_name="history.csv"
    )

    words = text(signed_in(alice).get(edit(template, "issue/"), {"person": "K2"}))
    assert "Completed on 1 May 2024 (Imported history)" in words


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "K404",
            "No one in the organisations you manage has the staff number or e-mail address “K404”: check it, "
            "or enter the e-mail address they sign in with",
        ),
        (
            "charlie@essex.police.uk",
            "No one in the organisations you manage has the staff number or e-mail address "
            "“charlie@essex.police.uk”: check it, or enter the e-mail address they sign in with",
        ),
        ("", "Enter the person's staff number or e-mail address"),
    ],
)
def test_someone_not_found_is_named(signed_in, alice, charlie, template, typed, message):
    response = signed_in(alice).get(edit(template, "issue/"), {"person": typed})

    assert response.status_code == 400
    assert errors(response) == [message]
    assert f'value="{typed}"' in response.content.decode()


def test_someone_without_a_completion_is_told_what_to_do(signed_in, alice, bob, template):
    record_external(actor=bob, person=bob, title="Something else", completed_on=AT.date())

    words = text(signed_in(alice).get(edit(template, "issue/"), {"person": "K2"}))

    assert "Bob Officer's learner record holds no completion of LEGAL-2026 Legal update 2026." in words


def test_a_completion_not_among_the_persons_is_refused_by_name(signed_in, kent, alice, bob, course, template):
    dan = make_person(kent, "dan@kent.police.uk", first="Dan", last="Other", staff_number="K8")
    complete(bob, course)
    not_bobs = complete(dan, course)

    response = signed_in(alice).post(
        edit(template, "issue/"), {"person": "K2", "completion": str(not_bobs.uuid)}
    )

    assert response.status_code == 400
    assert errors(response) == [f"Choose one of the completions listed: “{not_bobs.uuid}” is not one of them"]
    assert not Certificate.objects.exists()


def test_a_retired_certificate_is_not_issued(signed_in, alice, bob, course, template):
    completion = complete(bob, course)
    client = signed_in(alice)
    client.post(edit(template, "state/"), {"state": "retired"})

    response = client.post(edit(template, "issue/"), {"person": "K2", "completion": str(completion.uuid)})

    assert "This certificate is retired: nothing more is issued from it." in text(response)
    assert not Certificate.objects.exists()


def test_a_programmes_certificate_is_not_issued_by_hand(signed_in, kent, alice):
    programme = Achievement(kind="programme", uuid=uuid.uuid4(), code="PROG-1", title="Sergeant", owner=kent)
    template = template_create(
        actor=alice, achievement=programme, data=TemplateInput(title="Sergeant"), at=AT
    )

    words = text(signed_in(alice).get(edit(template, "issue/")))

    assert "certificate is issued by the programme itself, when someone completes it" in words


# --- certificates issued --------------------------------------------------------------------------


@pytest.fixture
def issued(kent, alice, bob, course, template):
    """Bob's certificate for the course, Dan's for first aid."""
    dan = make_person(kent, "dan@kent.police.uk", first="Dan", last="Other", staff_number="K8")
    first_aid = course_template(
        alice, page_course(kent, alice, code="FA-1", title="First aid"), issue_automatically=False
    )
    return {
        "bob": issue(template, bob, actor=alice, sign_now=False),
        "dan": issue(first_aid, dan, actor=alice, sign_now=False),
        "first_aid": first_aid,
    }


def test_the_issued_list_shows_each_with_its_status(signed_in, alice, issued):
    certificate_revoke(actor=alice, certificate=issued["dan"], reason="Error", at=AT)

    response = signed_in(alice).get(ISSUED)

    words = text(response)
    bob, dan = issued["bob"], issued["dan"]
    assert (
        f"{bob.code} Bob Officer K2 Legal update 2026 LEGAL-2026 2 November 2026 2 November 2026 by Alice Admin Valid"
        in words
    )
    assert (
        f"{dan.code} Dan Other K8 First aid FA-1 2 November 2026 2 November 2026 by Alice Admin Revoked"
        in words
    )
    assert f'href="/certificates/{bob.uuid}/"' in response.content.decode()


@pytest.mark.parametrize("query", ["k8", "dan@kent.police.uk", "Dan", "first AID", "code"])
def test_searching_the_issued_list(signed_in, alice, issued, query):
    dan = issued["dan"]
    if query == "code":
        query = dan.code.replace("-", "").lower()

    words = text(signed_in(alice).get(ISSUED, {"q": query}))

    assert dan.code in words
    assert issued["bob"].code not in words


def test_filtering_the_issued_list_by_certificate(signed_in, alice, issued):
    response = signed_in(alice).get(ISSUED, {"template": str(issued["first_aid"].uuid)})

    words = text(response)
    assert issued["dan"].code in words and issued["bob"].code not in words
    assert f'<option value="{issued["first_aid"].uuid}" selected>' in response.content.decode()


def test_a_search_matching_nothing_says_so(signed_in, alice, issued):
    words = text(signed_in(alice).get(ISSUED, {"q": "nobody"}))
    assert "No certificates match." in words


def test_the_issued_list_pages(signed_in, monkeypatch, alice, issued):
    monkeypatch.setattr("bluelamp.credentials.web.manage.PAGE_SIZE", 1)
    client = signed_in(alice)

    first, second = text(client.get(ISSUED)), text(client.get(ISSUED, {"page": 2}))

    assert issued["dan"].code in first and issued["bob"].code not in first
    assert issued["bob"].code in second and issued["dan"].code not in second


def test_the_issued_list_takes_as_many_queries_for_many_as_for_few(signed_in, kent, alice, issued, template):
    client = signed_in(alice)

    def count() -> int:
        queries = []

        def record(execute, sql, *args):
            queries.append(sql)
            return execute(sql, *args)

        with connection.execute_wrapper(record):
            assert client.get(ISSUED).status_code == 200
        return len(queries)

    few = count()
    for n in range(3):
        person = make_person(kent, f"p{n}@kent.police.uk", first="P", last=str(n), staff_number=f"P{n}")
        issue(template, person, actor=alice, sign_now=False)
    assert count() == few


def test_the_issued_list_shows_no_other_organisations(signed_in, charlie, issued):
    response = signed_in(charlie).get(ISSUED)
    assert response.status_code == 200
    assert issued["bob"].code not in text(response)
    assert signed_in(charlie).get(ISSUED, {"template": str(issued["first_aid"].uuid)}).status_code == 404


# --- revoking -------------------------------------------------------------------------------------


def test_revoking_a_certificate(signed_in, alice, bob, template):
    certificate = issue(template, bob, actor=alice)
    client = signed_in(alice)
    url = f"/certificates/{certificate.uuid}/revoke/"

    words = text(client.get(url))
    assert f"Revoke certificate {certificate.code}" in words
    assert "Name Bob Officer" in words

    response = client.post(url, {"reason": "Issued for the wrong course"}, follow=True)

    certificate.refresh_from_db()
    assert (certificate.revoked_at, certificate.revoked_by, certificate.revoked_reason) == (
        NOW,
        alice,
        "Issued for the wrong course",
    )
    assert certificate.status_list.published_at == NOW  # the badge's status list says so at once
    assert response.redirect_chain[-1][0] == f"/certificates/{certificate.uuid}/"
    words = text(response)
    assert f"Revoked certificate {certificate.code} of Bob Officer." in words
    assert "Status Revoked on 9 November 2026" in words

    words = text(client.get(url))
    assert "It was revoked on 9 November 2026 by Alice Admin: Issued for the wrong course" in words


def test_revoking_needs_a_reason(signed_in, alice, bob, template):
    certificate = issue(template, bob, actor=alice)

    response = signed_in(alice).post(f"/certificates/{certificate.uuid}/revoke/", {"reason": "  "})

    assert response.status_code == 400
    assert errors(response) == ["Give the reason for revoking it: the audit log keeps it"]
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_only_the_issuers_administrators_revoke(signed_in, kent, alice, bob, charlie, template):
    certificate = issue(template, bob, actor=alice)
    lena = make_person(kent, "lena@kent.police.uk", first="Lena", last="Manager", staff_number="K7")
    bob.line_manager = lena
    bob.save(update_fields=["line_manager"])
    url = f"/certificates/{certificate.uuid}/revoke/"

    for person in (bob, charlie, lena):
        client = signed_in(person)
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "Mine now"}).status_code == 404
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
