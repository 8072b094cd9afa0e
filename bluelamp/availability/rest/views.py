"""Availability in /api/v1/: the service's status now (public, as the status page: for
monitoring and licensees' own dashboards), and a month's availability figures (for those who may
read the report)."""

from __future__ import annotations

import datetime as dt
import re

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from bluelamp.availability import selectors
from bluelamp.availability.parts import State
from bluelamp.availability.reports import report_for
from bluelamp.availability.status import status_now
from bluelamp.core.timefmt import london


def now() -> dt.datetime:
    """The API's clock (tests set it)."""
    return timezone.now()


class PartSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    state = serializers.ChoiceField(choices=State.choices)
    message = serializers.CharField(help_text="Why, where it is not working")


class WindowSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    title = serializers.CharField()
    description = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class NoticeSerializer(serializers.Serializer):
    subject = serializers.CharField()
    body = serializers.CharField()
    posted_at = serializers.DateTimeField()


class IncidentSerializer(serializers.Serializer):
    began_at = serializers.DateTimeField(source="declared_at")
    resolved_at = serializers.DateTimeField(allow_null=True)
    notices = serializers.SerializerMethodField()

    def get_notices(self, record) -> list[dict]:
        return NoticeSerializer(
            [{"subject": s, "body": b, "posted_at": p} for s, b, p in record.notices], many=True
        ).data


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[State.OK, State.WARNING, State.DOWN, State.UNKNOWN], source="state"
    )
    headline = serializers.CharField()
    checked_at = serializers.DateTimeField(source="sample.minute", allow_null=True, default=None)
    parts = PartSerializer(many=True)
    maintenance = WindowSerializer(many=True, help_text="Announced, not yet over, soonest first")
    incidents = IncidentSerializer(
        many=True, help_text="The last 30 days' that licensees were told of, newest first"
    )


class StatusView(APIView):
    """Public: how each part of the service is now, announced maintenance, and recent incidents
    (what /status shows)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="The service's status now (public, no sign-in)", auth=[], responses={200: StatusSerializer}
    )
    def get(self, request):
        return Response(StatusSerializer(status_now(at=now())).data)


class TallySerializer(serializers.Serializer):
    counted = serializers.IntegerField(help_text="Minutes counted, planned maintenance left out")
    available = serializers.IntegerField()
    down = serializers.IntegerField()
    not_checked = serializers.IntegerField(source="unchecked")
    maintenance = serializers.IntegerField(help_text="Minutes inside planned maintenance (left out)")
    maintenance_unavailable = serializers.IntegerField(
        help_text="Of those, minutes it was down or not checked"
    )
    percent = serializers.FloatField(allow_null=True)


class FiguresSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    monitored = serializers.BooleanField()
    minutes = TallySerializer(source="tally")
    target_met = serializers.BooleanField(source="met", allow_null=True)


class DaySerializer(serializers.Serializer):
    day = serializers.DateField()
    minutes = TallySerializer(source="tally")


class OutageSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    down = serializers.IntegerField()
    not_checked = serializers.IntegerField(source="unchecked")
    planned = serializers.BooleanField()
    maintenance = serializers.SerializerMethodField()

    def get_maintenance(self, outage) -> list[str]:
        return [window.title for window in outage.windows]


class MonthSerializer(serializers.Serializer):
    month = serializers.SerializerMethodField()
    target = serializers.FloatField()
    complete = serializers.BooleanField()
    counted_from = serializers.DateTimeField(allow_null=True)
    counted_to = serializers.DateTimeField(allow_null=True)
    service = FiguresSerializer()
    parts = FiguresSerializer(many=True)
    days = DaySerializer(many=True)
    outages = OutageSerializer(many=True)

    def get_month(self, report) -> str:
        return f"{report.month:%Y-%m}"


class MonthView(APIView):
    """A month's availability (YYYY-MM): the service's and each part's, each day's, and when the
    service was down. For those who may read the report; "not found" for anyone else."""

    @extend_schema(
        summary="A month's availability against the target",
        responses={
            200: MonthSerializer,
            404: OpenApiResponse(description="No such month, or not yours to see"),
        },
    )
    def get(self, request, month: str):
        if not selectors.may_see_availability(request.user):
            raise Http404("No such month")
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
            raise Http404(f"“{month}” is not a month: give it as year and month, for example 2026-11")
        at = now()
        first = dt.date(int(month[:4]), int(month[5:]), 1)
        if first > london(at).date():
            raise Http404(f"{month} has not begun")
        return Response(MonthSerializer(report_for(first, at=at)).data)
