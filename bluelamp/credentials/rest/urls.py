"""Certificates' part of /api/v1/, built into the version's URLconf by bluelamp.restapi.urls
(registered by bluelamp/credentials/rest/plugin.py). Outside checks rely on the two public
addresses exactly: /api/v1/credentials/{id}/ and /api/v1/certificates/verify/{code}."""

from django.urls import path

from bluelamp.credentials.rest import views

routes: list = []

urlpatterns = [
    path("certificates/", views.MyCertificatesView.as_view(), name="certificate-list"),
    path("certificates/verify/<str:code>", views.VerifyView.as_view(), name="certificate-verify"),
    path("credentials/<str:credential_id>/", views.CredentialView.as_view(), name="credential-detail"),
]
