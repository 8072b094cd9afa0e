from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

# Django admin's own login form checks a password alone. Every sign-in goes through allauth
# (two-factor for administrators, lockout, SSO): the admin's login page sends people there.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]  # wrapped on purpose

urlpatterns = [
    path("", include("bluelamp.site.urls")),
    # /health/live, /health/ready, /metrics (production operations).
    path("", include("bluelamp.operations.urls")),
    path("accounts/", include("allauth.urls")),
    path("organisations/", include("bluelamp.organisations.urls")),
    path("people/", include("bluelamp.people.urls")),
    path("learning/", include("bluelamp.learning.urls")),
    path("service-desk/", include("bluelamp.servicedesk.urls")),
    path("changes/", include("bluelamp.changes.urls")),
    path("", include("bluelamp.changes.web.urls_public")),
    # /availability/… (maintenance, the monthly report) and the public /status page.
    path("", include("bluelamp.availability.urls")),
    path("compliance/", include("bluelamp.compliance.urls")),
    path("assessment/", include("bluelamp.assessment.urls")),
    path("programmes/", include("bluelamp.programmes.urls")),
    path("events/", include("bluelamp.events.urls")),
    # /certificates/… (pages, the public verify page) and /credentials/… (what badge verifiers fetch).
    path("", include("bluelamp.credentials.urls")),
    path("notifications/", include("bluelamp.notifications.urls")),
    path("api/", include("bluelamp.restapi.urls")),
    path("django-admin/", admin.site.urls),
]
# Uploaded files (HR files, SCORM packages, evidence, attachments) are never served from
# MEDIA_URL, in any mode: each kind has a view that decides who may have it.
