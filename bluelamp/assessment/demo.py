"""Assessment's demo data: two national question banks imported from the files in demo_data/
(a GIFT legal update and a Moodle XML personal safety check), a national "Legal update 2026"
course ending in a quiz of random questions drawn from the bank's categories, and a CMI-style
"Leading and developing people" unit assessed by an assignment marked against its criteria.
Bob (the demo's Kent officer) is enrolled on both, ready to take the quiz and hand in work; the
demo's Kent tutor marks it.

Made through the services, as the national body's platform administrator would; loading the
demo again changes nothing (the course LEGAL-2026 says it is there). Registered by `register()`
as a demo loader after learning's (order 50).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from bluelamp.assessment.assignments.services import AssignmentInput, assignment_create, criterion_add
from bluelamp.assessment.banks.models import Bank, Category
from bluelamp.assessment.banks.services import bank_create, questions_import
from bluelamp.assessment.formats import gift, moodle_xml
from bluelamp.assessment.quizzes.services import QuizSettings, quiz_create, quiz_update, slot_add_random
from bluelamp.core.plugins import DemoCast, DemoLoader, register_demo_loaders
from bluelamp.learning.api import Course, activity_add, course_create, enrol_self, version_publish

DATA = Path(__file__).with_name("demo_data")
LEGAL = "LEGAL-2026"
CMI = "CMI-L5-501"
BRIEF = """\
Write a report (about 1,500 words) on how you lead and develop the people in your team.

1. Explain **two** approaches to developing people and why you would choose each (AC 1.1, 1.2).
2. Describe a development plan you agreed with one of your team, how you will review it, and
   how you will know it worked (AC 2.1, 2.2).

Upload your report as a Word document or PDF, or write it in the box. Reference your sources.
"""
CRITERIA = [
    ("AC 1.1", "1 Understand approaches to developing people", "Analyse approaches to developing people."),
    ("AC 1.2", "1 Understand approaches to developing people", "Evaluate why you would choose an approach."),
    ("AC 2.1", "2 Be able to plan and review development", "Create a development plan with a team member."),
    (
        "AC 2.2",
        "2 Be able to plan and review development",
        "Explain how the plan will be reviewed and evaluated.",
    ),
]


def load_demo(cast: DemoCast, log: Callable[[str], None]) -> None:
    national = cast.organisations["national"]
    if Course.objects.filter(owner=national, code=LEGAL).exists():
        return
    admin = cast.people["admin@national.example"]
    learner = cast.people["kent.officer@kent.police.uk"]
    assessment_demo_load(national=national, admin=admin, learner=learner, at=timezone.now())
    log("Assessment: banks 'Legal update 2026' (GIFT) and 'Personal safety' (Moodle XML), quiz on LEGAL-2026")
    log("Assessment: CMI-L5-501 assignment marked against criteria; Bob is enrolled on both")


def _import(bank: Bank, *, file_name: str, admin) -> None:
    path = DATA / file_name
    result = (
        gift.parse(path.read_text("utf-8")) if path.suffix == ".gift" else moodle_xml.parse(path.read_bytes())
    )
    if not result.ok:
        raise RuntimeError(f"the demo bank file {file_name} does not read: {result.problems[:3]}")
    questions_import(actor=admin, bank=bank, result=result, source=file_name)


@transaction.atomic
def assessment_demo_load(*, national, admin, learner, at: dt.datetime) -> None:
    legal_bank = bank_create(actor=admin, owner=national, name="Legal update 2026", at=at)
    _import(legal_bank, file_name="legal-update-2026.gift", admin=admin)
    safety_bank = bank_create(actor=admin, owner=national, name="Personal safety", at=at)
    _import(safety_bank, file_name="personal-safety.xml", admin=admin)

    legal = course_create(
        actor=admin,
        owner=national,
        code=LEGAL,
        title="Legal update 2026",
        summary="What changed in the law this year for **PACE** and **stop and search**, with a knowledge check.",
        audience="All officers, PCSOs and custody staff.",
        duration_minutes=30,
        tags=["legislation"],
    )
    version = legal.versions.get()
    activity_add(
        actor=admin,
        version=version,
        kind="page",
        title="What changed this year",
        body="## PACE\n\nReviews of detention and the appropriate adult.\n\n## Stop and search\n\nGrounds, GOWISELY and records.",
    )
    quiz = quiz_create(actor=admin, course=legal, title="Legal update knowledge check", at=at)
    settings = QuizSettings.of(quiz)
    settings.intro = "Four questions drawn at random from the legal update bank. You need 75% to pass; take it as often as you need."
    settings.time_limit = 20 * 60
    settings.pass_mark = Decimal(75)
    settings.questions_per_page = 2
    quiz_update(actor=admin, quiz=quiz, data=settings, at=at)
    for path in ("Top / Legal update / PACE", "Top / Legal update / Stop and search"):
        category = Category.objects.get(bank=legal_bank, path=path)
        slot_add_random(actor=admin, quiz=quiz, category=category, count=2)
    version_publish(actor=admin, version=version)

    cmi = course_create(
        actor=admin,
        owner=national,
        code=CMI,
        title="Leading and developing people (CMI Level 5, unit 501)",
        summary="A unit of the CMI Level 5 leadership programme, assessed by a written assignment marked by your tutor.",
        audience="Sergeants and inspectors on the leadership programme.",
        duration_minutes=600,
        tags=["leadership", "CMI"],
    )
    cmi_version = cmi.versions.get()
    assignment = assignment_create(
        actor=admin,
        course=cmi,
        version=cmi_version,
        data=AssignmentInput(
            title="Unit 501 assignment: developing people",
            brief=BRIEF,
            due_at=at + dt.timedelta(days=21),
            word_limit=1500,
            allowed_file_types="docx, pdf",
            resubmissions_allowed=1,
        ),
        at=at,
    )
    for code, outcome, text in CRITERIA:
        criterion_add(actor=admin, assignment=assignment, code=code, learning_outcome=outcome, text=text)
    version_publish(actor=admin, version=cmi_version)

    for course in (legal, cmi):
        course.refresh_from_db()
        enrol_self(person=learner, course=course, at=at)


def register() -> None:
    register_demo_loaders(DemoLoader("assessment", order=50, load=load_demo))
