"""Certificates in /api/v1/: a person's own certificates; the public check of a certificate by
its code (name, achievement, issuer, dates and status only); and a certificate's signed Open
Badges 3.0 credential, for its recipient, or for anyone once the recipient has shared it."""

from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from bluelamp.core.ratelimits import public_lookup
from bluelamp.core.timefmt import london
from bluelamp.credentials import selectors
from bluelamp.credentials.models import Certificate
from bluelamp.credentials.web.verify import verification

NOT_FOUND = OpenApiResponse(description="Not found, or not yours to see")


class VerificationSerializer(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.ChoiceField(choices=Certificate.Status.choices)
    name = serializers.CharField(help_text="The name printed on the certificate")
    achievement = serializers.CharField()
    issuer = serializers.CharField()
    issued_on = serializers.DateField(help_text="The day it was achieved")
    expires_on = serializers.DateField(allow_null=True)
    revoked_on = serializers.DateField(allow_null=True)


class CertificateSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", help_text="Also the credential's id")
    status = serializers.SerializerMethodField()
    achievement = serializers.CharField(source="achievement_title")
    issuer = serializers.CharField(source="issuer_name")
    credential = serializers.SerializerMethodField(help_text="Where its Open Badge is, if it has one")

    class Meta:
        model = Certificate
        fields = ["id", "code", "status", "achievement", "achievement_code", "issuer", "issued_on", "expires_on",
                  "shared", "credential"]  # fmt: skip

    def get_status(self, certificate) -> str:
        return certificate.status_on(london(timezone.now()).date())

    def get_credential(self, certificate) -> str | None:
        return f"/api/v1/credentials/{certificate.uuid}/" if certificate.credential is not None else None


class MyCertificatesView(ListAPIView):
    """The certificates issued to the signed-in person (or the token's owner), newest first."""

    serializer_class = CertificateSerializer

    def get_queryset(self):
        return selectors.certificates_of(self.request.user)

    @extend_schema(summary="Your certificates")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class VerifyView(APIView):
    """Public: check a certificate by its code. Says only what the verify page says."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Check a certificate by its code (public, no sign-in)",
        auth=[],
        responses={
            200: VerificationSerializer,
            404: OpenApiResponse(description="No certificate has that code"),
        },
    )
    @public_lookup("certificate-verify", json=True)
    def get(self, request, code: str):
        certificate = selectors.certificate_by_code(code)
        if certificate is None:
            raise Http404(
                f"No certificate has the code “{code}”. A code has 12 letters and numbers, such as 7K3M-9QXP-2TRW."
            )
        return Response(verification(certificate, today=london(timezone.now()).date()))


class CredentialView(APIView):
    """A certificate's signed Open Badges 3.0 credential (JSON-LD, Data Integrity proof
    eddsa-rdfc-2022): its recipient's, signed in; anyone's once they have shared it."""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="A signed Open Badges 3.0 credential",
        responses={200: OpenApiTypes.OBJECT, 404: NOT_FOUND},
    )
    def get(self, request, credential_id: str):
        certificate = selectors.credential_readable(request.user, credential_id)
        response = Response(certificate.credential)
        if certificate.shared:
            response["Access-Control-Allow-Origin"] = "*"
        return response
