"""Demo certificates: the national stop-and-search course and Kent's custody course award one
(with an Open Badge), and the demo's Kent officer has completed the custody course, so they hold
a certificate to download, share and check on the verify page. Through the services; loading it
twice changes nothing. Registered as a demo loader by plugins.py (`bluelamp demo-data`)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from bluelamp.core.plugins import DemoCast, DemoLoader, register_demo_loaders
from bluelamp.credentials import addresses, badges, courses
from bluelamp.credentials.models import Certificate, CertificateTemplate
from bluelamp.credentials.services import TemplateInput
from bluelamp.learning.api import Course, activity_open, enrol_self


def _template(course: Course, data: TemplateInput) -> CertificateTemplate:
    from bluelamp.credentials.services import template_standard

    achievement = courses.COURSE_KIND.find(course.uuid)
    assert achievement is not None
    template = template_standard(achievement)
    for field, value in data.__dict__.items():
        setattr(template, field, value)
    template.save()
    return template


def load_demo(cast: DemoCast, log: Callable[[str], None]) -> None:
    kent = cast.organisations["kent"]
    officer = cast.people["kent.officer@kent.police.uk"]
    custody = Course.objects.filter(owner=kent, code="KENT-CUSTODY").first()
    stop_search = Course.objects.filter(owner=cast.organisations["national"], code="SAS-01").first()
    if custody is None or stop_search is None or CertificateTemplate.objects.exists():
        return
    with transaction.atomic():
        _template(
            stop_search,
            TemplateInput(
                title="Stop and search essentials",
                description="Passed the national stop and search course: the law, the grounds needed, and recording a search fairly.",
                signatory_name="Head of Learning",
                signatory_role="College of Policing",
                valid_for_months=12,
            ),
        )
        _template(
            custody,
            TemplateInput(
                title="Kent custody procedures",
                description="Completed Kent Police's custody procedures: booking in, risk assessment and handover.",
                signatory_name="Chief Superintendent, Custody",
                signatory_role="Kent Police",
            ),
        )
        enrolment = enrol_self(person=officer, course=custody)
        for activity in enrolment.version.activities.order_by("order"):
            activity_open(enrolment=enrolment, activity=activity)  # completes it: the certificate is issued
    for certificate in Certificate.objects.filter(credential__isnull=True, template__badge=True):
        badges.credential_sign(certificate)
    for certificate in Certificate.objects.all():
        log(
            f"Certificates: {certificate.recipient_name} holds {certificate.achievement_title}, "
            f"code {certificate.code} (check it at {addresses.verify_url(certificate)})"
        )


def register() -> None:
    register_demo_loaders(DemoLoader("credentials", order=60, load=load_demo))
