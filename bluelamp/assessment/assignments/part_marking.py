"""The marking part of assignments (allocation of markers, anonymous marking, the marking workflow,
release and referral, moderation and the EQA export, downloads): what it adds to the site,
registered by assignments/plugin.py. Its pages are web/urls_marking.py (included by web/urls.py);
the assessment landing page links to `assessment:assignment_marking` and
`assessment:assignment_verification`."""


def register() -> None:
    from bluelamp.assessment.assignments import marking
    from bluelamp.core.plugins import register_api_urls

    marking.register()
    register_api_urls("bluelamp.assessment.assignments.rest.urls_marking")
