"""Demo changes and releases: a request for change that fixes the desk's known error (awaiting the
CAB), an emergency security change the emergency CAB approved, a minor release carrying it and a
major release planned with its 30 working days' notice. Days are counted from the day the demo is
loaded, through the same notice rules as the pages; loading again changes nothing (the first
request for change says the demo is there). Registered by `register()` (plugins.py runs it),
after the service desk's demo data (whose known error it links)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from bluelamp.changes.models import ChangeRequest
from bluelamp.changes.notice import earliest_release_day
from bluelamp.changes.services import (
    ReleaseInput,
    RfcInput,
    release_create,
    rfc_create,
    rfc_decide_emergency,
    rfc_link_problem,
)
from bluelamp.core.plugins import DemoCast, DemoLoader, register_demo_loaders
from bluelamp.servicedesk.api import Problem

DEMO_TITLE = "Play course videos without hardware acceleration"


def load_demo(cast: DemoCast, log: Callable[[str], None]) -> None:
    if ChangeRequest.objects.filter(title=DEMO_TITLE).exists():
        return
    engineer = cast.people["engineer@national.example"]
    manager = cast.people["servicemanager@national.example"]
    at = timezone.now()
    today = timezone.localdate(at)
    with transaction.atomic():
        fix = rfc_create(
            actor=engineer,
            data=RfcInput(
                title=DEMO_TITLE,
                description="Videos stall on force laptops with hardware acceleration turned off (the known "
                "error). Switch the player to software decoding when the browser reports no acceleration.",
                category="known_error",
                priority=3,
                risk="low",
                impact="medium",
                service="learning",
                implementation_plan="Deploy the player update in the evening release window.",
                test_plan="Play the five most-watched course videos on a managed laptop build with acceleration off.",
                backout_plan="Redeploy the previous player build; no data changes.",
            ),
            at=at,
        )
        known_error = Problem.objects.filter(status="known_error").order_by("pk").first()
        if known_error is not None:
            rfc_link_problem(actor=engineer, rfc=fix, problem_reference=known_error.reference, at=at)
        security = rfc_create(
            actor=engineer,
            data=RfcInput(
                title="Update the sign-in library (security advisory)",
                description="A published advisory affects the SAML library used for force single sign-on.",
                category="security",
                priority=1,
                risk="medium",
                impact="high",
                service="sign_in",
                implementation_plan="Upgrade the library and redeploy the app servers one at a time.",
                test_plan="Sign in through each force's identity provider on staging.",
                backout_plan="Redeploy the previous image.",
            ),
            at=at,
        )
        security = rfc_decide_emergency(
            actor=manager,
            rfc=security,
            decision="approve",
            reason="Related to security assurance: the advisory is being exploited.",
            at=at,
        )
        release_create(
            actor=manager,
            data=ReleaseInput(
                title="Security update to sign-in",
                type="minor",
                planned_for=today + dt.timedelta(days=2),
                summary="Single sign-on keeps working as before; a security fix to the sign-in library.",
                who_is_affected="Everyone who signs in through their force.",
                changes=(security,),
                emergency_reason="An emergency security change approved by the emergency CAB.",
            ),
            at=at,
        )
        release_create(
            actor=manager,
            data=ReleaseInput(
                title="A new course catalogue",
                type="major",
                planned_for=earliest_release_day("major", today) + dt.timedelta(days=7),
                summary="The catalogue gains filters by topic, duration and format, and a new search.",
                who_is_affected="Every learner; training administrators who link to catalogue pages.",
                faqs="Do links to courses change? No: every course keeps its address.",
            ),
            at=at,
        )
    log("changes: 2 requests for change (one awaiting CAB, one emergency approved) and 2 releases")


def register() -> None:
    register_demo_loaders(DemoLoader("changes", order=80, load=load_demo))
