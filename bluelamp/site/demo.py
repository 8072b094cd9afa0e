"""The demo dataset: the national body, the 43 forces with licences, units, people and admins.

Deterministic and idempotent: running it again finds everything in place and changes nothing.
People are loaded through the real HR import, so the demo exercises the same path as production.
"""

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass
from pathlib import Path

from allauth.account.models import EmailAddress
from django.db import transaction

from bluelamp.core.plugins import DemoCast, demo_loaders
from bluelamp.organisations import api as org_services
from bluelamp.organisations.api import Licence, Organisation, RoleAssignment, role_grant
from bluelamp.people.api import Person, run_import

FORCES_CSV = Path(__file__).resolve().parent.parent / "organisations" / "data" / "forces_43.csv"
DEMO_PASSWORD = "Demo-password-2026"
# A fixed TOTP secret for the demo's administrators, so that a visitor can sign in without an
# authenticator app: `bluelamp demo-totp` prints the current code. Never used outside the demo.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

FIRST = [
    "Sam",
    "Alex",
    "Jo",
    "Chris",
    "Priya",
    "Mohammed",
    "Olivia",
    "Jack",
    "Amelia",
    "Harry",
    "Aisha",
    "Tom",
    "Sophie",
    "Daniel",
    "Grace",
    "Ravi",
    "Emma",
    "Liam",
    "Chloe",
    "Ben",
    "Hannah",
    "Kwame",
    "Megan",
    "Ryan",
    "Zara",
    "Owen",
    "Niamh",
    "Lewis",
    "Ella",
    "Rhys",
]
LAST = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Khan",
    "Wood",
    "Jackson",
    "Clarke",
    "Hughes",
    "Edwards",
    "Lewis",
    "Ahmed",
    "Owen",
    "Turner",
    "Hill",
    "Morgan",
]
DIVISIONS = ["North Division", "South Division", "East Division", "West Division"]
STATIONS = ["Central", "Riverside", "Hillside", "Harbour"]
TEAMS = ["Response Team 1", "Response Team 2", "Neighbourhood Team", "CID"]


@dataclass(frozen=True)
class DemoSignIn:
    email: str
    description: str


def _domain(slug: str) -> str:
    return f"{slug.replace('-', '')}.police.uk"


def _force_csv(slug: str, rng: random.Random, size: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "staff_number",
            "email",
            "first_name",
            "last_name",
            "unit",
            "rank",
            "job_role",
            "line_manager_staff_number",
            "start_date",
            "status",
        ]
    )
    prefix = slug[:2].upper()
    chief = f"{prefix}0001"
    writer.writerow(
        [
            chief,
            f"chief.constable@{_domain(slug)}",
            "Morgan",
            "Chief",
            "Headquarters",
            "Chief Constable",
            "Chief Constable",
            "",
            "2019-01-07",
            "active",
        ]
    )
    writer.writerow(
        [
            f"{prefix}0002",
            f"training@{_domain(slug)}",
            "Terry",
            "Trainer",
            "Headquarters/Learning and Development",
            "Police Staff",
            "Learning and development lead",
            chief,
            "2016-05-03",
            "active",
        ]
    )
    n = 3
    divisions = DIVISIONS[: 2 + rng.randint(0, 2)]
    while n <= size:
        for division in divisions:
            inspector = f"{prefix}{n:04d}"
            station = rng.choice(STATIONS[:2])
            writer.writerow(
                [
                    inspector,
                    f"inspector{n}@{_domain(slug)}",
                    rng.choice(FIRST),
                    rng.choice(LAST),
                    f"{division}/{station}",
                    "Inspector",
                    "Station inspector",
                    chief,
                    f"{rng.randint(2003, 2015)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                    "active",
                ]
            )
            n += 1
            for team in TEAMS[:3]:
                sergeant = f"{prefix}{n:04d}"
                writer.writerow(
                    [
                        sergeant,
                        f"sergeant{n}@{_domain(slug)}",
                        rng.choice(FIRST),
                        rng.choice(LAST),
                        f"{division}/{station}/{team}",
                        "Sergeant",
                        "Team sergeant",
                        inspector,
                        f"{rng.randint(2008, 2019)}-0{rng.randint(1, 9)}-0{rng.randint(1, 9)}",
                        "active",
                    ]
                )
                n += 1
                for _ in range(rng.randint(3, 6)):
                    if n > size:
                        break
                    leaver = rng.random() < 0.03
                    writer.writerow(
                        [
                            f"{prefix}{n:04d}",
                            f"officer{n}@{_domain(slug)}",
                            rng.choice(FIRST),
                            rng.choice(LAST),
                            f"{division}/{station}/{team}",
                            rng.choice(["Police Constable"] * 4 + ["Police Staff", "Special Constable"]),
                            "Response officer" if "Response" in team else "Neighbourhood officer",
                            sergeant,
                            f"{rng.randint(2012, 2025)}-{rng.randint(10, 12)}-0{rng.randint(1, 9)}",
                            "leaver" if leaver else "active",
                        ]
                    )
                    n += 1
            if n > size:
                break
    return out.getvalue().encode()


def _person(org: Organisation, email: str, first: str, last: str, staff: str, role: str | None) -> Person:
    person = Person.objects.filter(email=email).first()
    if person is None:
        person = Person(organisation=org, email=email, first_name=first, last_name=last, staff_number=staff)
        person.set_password(DEMO_PASSWORD)
        person.save()
    # Demo sign-ins skip the e-mail round trip (the console shows mail only to the operator).
    EmailAddress.objects.update_or_create(
        user=person, email=email, defaults={"verified": True, "primary": True}
    )
    if role and not RoleAssignment.objects.current().filter(person=person, role=role).exists():
        role_grant(
            actor=None,
            person=person,
            role=role,
            organisation=None if org.is_national_body else org,
            as_operator=True,
            reason="Demo data",
        )
    return person


def _with_demo_totp(person: Person) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    if not Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(person, DEMO_TOTP_SECRET)


def load_demo(*, people_per_force: int = 70, log=print) -> list[DemoSignIn]:
    rng = random.Random(20261123)  # noqa: S311 - deterministic demo data, not security
    with transaction.atomic():
        national = Organisation.objects.filter(slug="national").first() or org_services.organisation_create(
            actor=None,
            slug="national",
            name="National Policing Learning",
            kind="national_body",
            host_name="national.learn.example",
            brand_colour="#0b0c0c",
        )
        with FORCES_CSV.open(newline="") as handle:
            forces = list(csv.DictReader(handle))
        this_year = dt.date.today().year
        for row in forces:
            slug = row["slug"]
            org = Organisation.objects.filter(slug=slug).first()
            if org is None:
                org = org_services.organisation_create(
                    actor=None,
                    slug=slug,
                    name=row["name"],
                    kind="home_office_force",
                    host_name=f"{slug}.learn.example",
                    brand_colour="#1d4f91",
                )
            for licence_type in ("PL-P-101", "PL-P-200"):
                reference = f"{licence_type}-{slug.upper()}-{this_year}"
                if not Licence.objects.filter(reference=reference).exists():
                    licence = org_services.licence_create(
                        actor=None,
                        organisation=org,
                        type=licence_type,
                        reference=reference,
                        starts_on=dt.date(this_year, 4, 1) - dt.timedelta(days=365),
                        ends_on=dt.date(this_year + 1, 3, 31),
                    )
                    org_services.licence_contact_add(
                        actor=None,
                        licence=licence,
                        name="Head of Learning",
                        role="Head of Learning",
                        email=f"head.of.learning@{_domain(slug)}",
                    )
            data = _force_csv(slug, rng, people_per_force)  # always generated: keeps the seed sequence stable
            if Person.objects.filter(organisation=org).exists():
                continue
            result = run_import(
                actor=None,
                organisation=org,
                data=data,
                file_name=f"demo-{slug}.csv",
                dry_run=False,
                check_access=False,
            )
            if not result.ok:
                raise RuntimeError(f"demo data for {slug} is invalid: {result.errors[:3]}")
        log(f"Organisations: {Organisation.objects.count()}, people: {Person.objects.count()}")

        kent = Organisation.objects.get(slug="kent")
        essex = Organisation.objects.get(slug="essex")
        sign_ins = []
        for org, email, first, last, staff, role, description in [
            (
                national,
                "admin@national.example",
                "Pat",
                "Platform",
                "",
                "platform_admin",
                "platform administrator (every organisation)",
            ),
            (
                national,
                "adviser@national.example",
                "Casey",
                "Adviser",
                "",
                "cc_adviser",
                "contact-centre adviser",
            ),
            (
                national,
                "teamleader@national.example",
                "Lee",
                "Leader",
                "",
                "cc_team_leader",
                "contact-centre team leader",
            ),
            (
                national,
                "engineer@national.example",
                "Eli",
                "Engineer",
                "",
                "app_ops_engineer",
                "application operations engineer (2nd line)",
            ),
            (
                national,
                "servicemanager@national.example",
                "Sian",
                "Manager",
                "",
                "it_service_manager",
                "IT service manager (major incidents, gold group)",
            ),
            (
                kent,
                "kent.admin@kent.police.uk",
                "Alice",
                "Admin",
                "KADMIN1",
                "organisation_admin",
                "Kent Police organisation administrator",
            ),
            (
                kent,
                "kent.training@kent.police.uk",
                "Tariq",
                "Training",
                "KTRAIN1",
                "training_admin",
                "Kent Police training administrator",
            ),
            (
                kent,
                "kent.tutor@kent.police.uk",
                "Tina",
                "Tutor",
                "KTUT1",
                "tutor",
                "Kent Police tutor (marks quizzes and assignments)",
            ),
            (
                essex,
                "essex.admin@essex.police.uk",
                "Charlie",
                "Admin",
                "EADMIN1",
                "organisation_admin",
                "Essex Police organisation administrator",
            ),
            (
                kent,
                "kent.officer@kent.police.uk",
                "Bob",
                "Officer",
                "KOFF1",
                None,
                "Kent Police officer (learner)",
            ),
        ]:
            person = _person(org, email, first, last, staff, role)
            if role:
                _with_demo_totp(person)
            sign_ins.append(DemoSignIn(email, description))
        # Each domain's own demo data (the desk's tickets, learning's courses, ...), registered
        # in its plugins.py.
        cast = DemoCast(
            organisations=Organisation.objects.in_bulk(field_name="slug"),
            people=Person.objects.in_bulk([s.email for s in sign_ins], field_name="email"),
        )
        for loader in demo_loaders():
            loader.load(cast, log)
    return sign_ins
