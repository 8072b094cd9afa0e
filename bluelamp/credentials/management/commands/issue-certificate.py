"""bluelamp issue-certificate --course CODE --staff-number N --org SLUG

Issues the course's certificate (and its Open Badges credential, where the course's certificate
has one) to the person with that staff number in that organisation, for their latest completion
of the course on record, and prints:

    Issued certificate <code> to <name> (<staff number>) for <course code> <title>, achieved on <YYYY-MM-DD>.
    code: <code>
    credential: <uuid>          (or "credential: none" when the certificate has no badge)
    verify: <address of the verify page>

The course is the organisation's own of that code, or else the national body's. A course with no
certificate set up gets the standard one (its title, with an Open Badge). Run again for the same
completion, it issues nothing new and prints the same lines, beginning "Already issued". A person,
course or completion that is not there: a message on stderr and exit 1.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from bluelamp.credentials import addresses, courses
from bluelamp.credentials.models import Certificate
from bluelamp.credentials.services import certificate_issue, template_standard
from bluelamp.learning.api import Completion, Course
from bluelamp.organisations.api import Organisation
from bluelamp.people.api import Person


class Command(BaseCommand):
    help = "Issue a course's certificate (and badge) for a completion on record."

    def add_arguments(self, parser):
        parser.add_argument("--course", required=True, help="the course's code, e.g. LEGAL-2026")
        parser.add_argument(
            "--staff-number", dest="staff_number", required=True, help="the person's staff number"
        )
        parser.add_argument("--org", required=True, help="the person's organisation (slug), e.g. kent")

    def handle(self, *args, course, staff_number, org, **options):
        organisation = Organisation.objects.filter(slug=org.strip()).first()
        if organisation is None:
            raise CommandError(f"No organisation with slug “{org}”. See `bluelamp list-organisations`.")
        person = Person.objects.filter(
            organisation=organisation, staff_number__iexact=staff_number.strip()
        ).first()
        if person is None:
            raise CommandError(f"No one in {organisation.name} has the staff number “{staff_number}”.")
        found = self._course(organisation, course)
        completion = (
            Completion.objects.filter(person=person, course=found).order_by("-completed_on", "-pk").first()
        )
        if completion is None:
            raise CommandError(
                f"{person.get_full_name()} ({person.staff_number}) has no completion of {found.code} on record: "
                "a certificate is issued for a completion."
            )
        at = timezone.now()
        achievement = courses.COURSE_KIND.find(found.uuid)
        assert achievement is not None  # the course was just read
        template = template_standard(achievement, at=at)
        existed = Certificate.objects.filter(template=template, source_ref=str(completion.uuid)).exists()
        certificate = certificate_issue(
            actor=None,
            template=template,
            person=person,
            achieved_on=completion.completed_on,
            source_ref=str(completion.uuid),
            at=at,
            sign_now=True,
        )
        said = "Already issued" if existed else "Issued"
        self.stdout.write(
            f"{said} certificate {certificate.code} to {certificate.recipient_name} ({person.staff_number}) for "
            f"{found.code} {certificate.achievement_title}, achieved on {certificate.issued_on.isoformat()}."
        )
        self.stdout.write(f"code: {certificate.code}")
        self.stdout.write(f"credential: {certificate.uuid if certificate.credential is not None else 'none'}")
        self.stdout.write(f"verify: {addresses.verify_url(certificate)}")

    def _course(self, organisation: Organisation, code: str) -> Course:
        courses_of_code = Course.objects.select_related("owner").filter(code__iexact=code.strip())
        found = (
            courses_of_code.filter(owner=organisation).first()
            or courses_of_code.filter(owner__kind=Organisation.Kind.NATIONAL_BODY).first()
        )
        if found is None:
            raise CommandError(f"No course “{code}” of {organisation.name} or of the national body.")
        return found
