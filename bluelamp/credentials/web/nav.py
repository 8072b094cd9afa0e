"""Certificates' header link (for those who make and issue them), the learner record's section
listing a person's certificates, registered by plugins.py."""

from django.template.loader import render_to_string
from django.utils import timezone

from bluelamp.core.plugins import NavEntry, register_nav
from bluelamp.core.timefmt import london
from bluelamp.credentials import selectors
from bluelamp.learning.api import RecordSection, register_record_section


def _record_section(request, person, own: bool) -> str | None:
    certificates = list(selectors.certificates_of(person))
    if not certificates and not own:
        return None
    return render_to_string(
        "credentials/learner/_record_section.html",
        {"certificates": certificates, "own": own, "person": person, "today": london(timezone.now()).date()},
        request=request,
    )


def _active(path: str, href: str) -> bool:
    # The administrators' pages: templates, certificates issued, signing keys (not a learner's own).
    return path.startswith(("/certificates/manage/", "/certificates/issued/", "/certificates/keys/"))


def register() -> None:
    register_nav(
        NavEntry(
            "Certificates",
            "credentials:template_list",
            order=123,
            visible=selectors.may_manage_any,
            active=_active,
        )
    )
    register_record_section(RecordSection("credentials.certificates", order=10, render=_record_section))
