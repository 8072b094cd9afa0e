"""bluelamp issue-certificate --course CODE --staff-number N --org SLUG: its output lines are an
interface outside checks rely on."""

import io

import pytest
from django.core.management import CommandError, call_command

from bluelamp.credentials.models import Certificate, CertificateTemplate
from bluelamp.credentials.tests.helpers import complete


def _run(*args) -> list[str]:
    out = io.StringIO()
    call_command("issue-certificate", *args, stdout=out)
    return out.getvalue().splitlines()


def test_issues_with_the_standard_certificate_and_prints_code_and_credential(bob, course):
    complete(bob, course)
    lines = _run("--course", "legal-2026", "--staff-number", bob.staff_number, "--org", "kent")
    certificate = Certificate.objects.get(person=bob)
    assert lines[0].startswith(
        f"Issued certificate {certificate.code} to Bob Officer ({bob.staff_number}) for LEGAL-2026"
    )
    assert lines[1] == f"code: {certificate.code}"
    assert lines[2] == f"credential: {certificate.uuid}"
    assert lines[3] == f"verify: https://learn.example/certificates/verify/{certificate.code}"
    assert certificate.credential is not None and certificate.issued_by is None
    template = CertificateTemplate.objects.get()
    assert template.title == "Legal update 2026" and template.badge
    again = _run("--course", "LEGAL-2026", "--staff-number", bob.staff_number, "--org", "kent")
    assert again[0].startswith("Already issued") and again[1:3] == lines[1:3]
    assert Certificate.objects.count() == 1


def test_uses_the_template_in_use_and_says_none_without_a_badge(bob, alice, course):
    from bluelamp.credentials.tests.helpers import course_template

    course_template(alice, course, badge=False)
    complete(bob, course)
    lines = _run("--course", "LEGAL-2026", "--staff-number", bob.staff_number, "--org", "kent")
    assert lines[2] == "credential: none"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--course", "LEGAL-2026", "--staff-number", "K1", "--org", "nowhere"],
            "No organisation with slug “nowhere”",
        ),
        (
            ["--course", "LEGAL-2026", "--staff-number", "NOPE", "--org", "kent"],
            "has the staff number “NOPE”",
        ),
        (["--course", "NOPE-1", "--staff-number", "{staff}", "--org", "kent"], "No course “NOPE-1”"),
        (
            ["--course", "LEGAL-2026", "--staff-number", "{staff}", "--org", "kent"],
            "has no completion of LEGAL-2026",
        ),
    ],
)
def test_what_is_not_there_is_named(bob, course, args, message):
    args = [a.replace("{staff}", bob.staff_number) for a in args]
    with pytest.raises(CommandError, match=message):
        _run(*args)
    assert not Certificate.objects.exists()
