"""The marking side's part of /api/v1/ (read-only): the submissions of an assignment the reader
marks, one submission's marking record, and the assignment's moderation samples with their
decisions.

Scoped exactly as the marking pages are (marking.py, moderation.py): an assignment's markers
(allocated, or the learner's tutors while nobody is allocated) and its course's managers. While
marking is anonymous a learner is never named: `learner` is null and `participant` says
"Participant 4821"; the learner's own files are named "file-1.pdf". Anything outside the reader's
scope is 404 (one object) or left out (a list), as if it did not exist.

Choices are plain strings with their values in the help text, as the rest of the applet's API.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers

from bluelamp.assessment.assignments import downloads, marking, moderation
from bluelamp.assessment.assignments.models import (
    Assignment,
    CriterionJudgement,
    MarkingEvent,
    ModerationSample,
    Submission,
    SubmissionFile,
    Verification,
)
from bluelamp.core.rest import ScopedViewSet, choice_param, refused, uuid_param

NOT_FOUND = OpenApiResponse(description="Not found, or not yours to see")


def _number(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=9, decimal_places=2, coerce_to_string=False, read_only=True, allow_null=True, **kwargs
    )


def _choices(model_choices) -> str:
    return "One of: " + ", ".join(str(value) for value, _label in model_choices)


class MarkingPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


def _person(person) -> dict | None:
    if person is None:
        return None
    return {"id": person.pk, "name": marking.person_name(person)}


def _hidden(context, assignment: Assignment) -> bool:
    cache = context.setdefault("hidden", {})
    if assignment.pk not in cache:
        cache[assignment.pk] = marking.identities_hidden(assignment)
    return cache[assignment.pk]


class MarkingSubmissionSerializer(serializers.ModelSerializer):
    assignment = serializers.UUIDField(source="assignment.uuid", read_only=True)
    participant = serializers.CharField(
        source="participant_label",
        read_only=True,
        help_text="“Participant 4821”: how anonymous marking names the learner",
    )
    learner = serializers.SerializerMethodField(help_text="The learner; null while marking is anonymous")
    extension_due_at = serializers.DateTimeField(
        source="extension.due_at", read_only=True, allow_null=True, default=None
    )
    state = serializers.CharField(read_only=True, help_text=_choices(Submission.State.choices))
    marker = serializers.SerializerMethodField()
    grade = _number(
        source="final_grade", help_text="In the gradebook's units, after any late penalty; null until marked"
    )
    outcome = serializers.CharField(
        read_only=True, help_text=_choices(Submission.Outcome.choices) + ", or empty"
    )

    class Meta:
        model = Submission
        fields = [
            "uuid",
            "assignment",
            "participant",
            "learner",
            "attempt",
            "submitted_at",
            "late",
            "late_by_seconds",
            "extension_due_at",
            "state",
            "marker",
            "marked_at",
            "grade",
            "outcome",
            "marked_borderline",
            "referred",
            "released_at",
        ]
        read_only_fields = fields

    @extend_schema_field(MarkingPersonSerializer(allow_null=True))
    def get_learner(self, submission):
        if _hidden(self.context, submission.assignment):
            return None
        return _person(submission.person)

    @extend_schema_field(MarkingPersonSerializer(allow_null=True))
    def get_marker(self, submission):
        return _person(submission.marker)


class MarkingJudgementSerializer(serializers.ModelSerializer):
    criterion = serializers.IntegerField(source="criterion_id", read_only=True)
    code = serializers.CharField(source="criterion.code", read_only=True)
    level = serializers.CharField(source="level.label", read_only=True, allow_null=True, default=None)
    level_points = _number(source="level.points", default=None)
    by = serializers.SerializerMethodField()

    class Meta:
        model = CriterionJudgement
        fields = ["criterion", "code", "met", "level", "level_points", "comment", "by", "at"]
        read_only_fields = fields

    @extend_schema_field(MarkingPersonSerializer())
    def get_by(self, judgement):
        return _person(judgement.by)


class MarkingEventSerializer(serializers.ModelSerializer):
    from_state = serializers.CharField(read_only=True, help_text=_choices(Submission.State.choices))
    to_state = serializers.CharField(read_only=True, help_text=_choices(Submission.State.choices))
    by = serializers.SerializerMethodField()

    class Meta:
        model = MarkingEvent
        fields = ["from_state", "to_state", "by", "at", "note"]
        read_only_fields = fields

    @extend_schema_field(MarkingPersonSerializer(allow_null=True))
    def get_by(self, event):
        return _person(event.by)


class MarkingFileSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(read_only=True)
    kind = serializers.CharField(read_only=True, help_text="submission (the learner's work) or feedback")
    name = serializers.CharField(
        read_only=True, help_text="“file-1.pdf” for the learner's own files while anonymous"
    )
    size = serializers.IntegerField(read_only=True)
    content_type = serializers.CharField(read_only=True)
    sha256 = serializers.CharField(read_only=True)
    uploaded_at = serializers.DateTimeField(read_only=True)


class MarkingRecordSerializer(MarkingSubmissionSerializer):
    """One submission's marking: its work (text and files), judgements, feedback and history."""

    points = _number(help_text="Points (points grading) or the rubric's total")
    grade_before_penalty = _number(source="grade")
    late_penalty_percent = _number()
    previous = serializers.UUIDField(
        source="previous.uuid",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="The referred attempt this resubmits",
    )
    judgements = MarkingJudgementSerializer(many=True, read_only=True)
    files = serializers.SerializerMethodField()
    events = MarkingEventSerializer(source="marking_events", many=True, read_only=True)

    class Meta(MarkingSubmissionSerializer.Meta):
        fields = MarkingSubmissionSerializer.Meta.fields + [
            "word_count",
            "online_text",
            "points",
            "grade_before_penalty",
            "late_penalty_percent",
            "feedback",
            "previous",
            "judgements",
            "files",
            "events",
        ]
        read_only_fields = fields

    @extend_schema_field(MarkingFileSerializer(many=True))
    def get_files(self, submission):
        hidden = _hidden(self.context, submission.assignment)
        shown, counts = [], {SubmissionFile.Kind.SUBMISSION: 0, SubmissionFile.Kind.FEEDBACK: 0}
        for row in sorted(submission.files.all(), key=lambda f: (f.kind, f.uploaded_at, f.pk)):
            counts[row.kind] += 1
            name = (
                downloads.file_name(row, counts[row.kind], hidden=True)
                if hidden and row.kind == SubmissionFile.Kind.SUBMISSION
                else row.original_name
            )
            shown.append(
                {
                    "uuid": row.uuid,
                    "kind": row.kind,
                    "name": name,
                    "size": row.size,
                    "content_type": row.content_type,
                    "sha256": row.sha256,
                    "uploaded_at": row.uploaded_at,
                }
            )
        return MarkingFileSerializer(shown, many=True).data


class VerificationRecordSerializer(serializers.ModelSerializer):
    verifier = serializers.SerializerMethodField()
    decision = serializers.CharField(read_only=True, help_text=_choices(Verification.Decision.choices))
    grade = _number()
    outcome = serializers.CharField(
        read_only=True, help_text=_choices(Submission.Outcome.choices) + ", or empty"
    )
    criteria = serializers.DictField(
        read_only=True,
        help_text="The verifier's judgements by criterion id: true/false (criteria) or a rubric level's id",
    )
    action = serializers.SerializerMethodField(
        help_text="For a disagreement: returned to the first marker, or recorded for action (after release)"
    )

    class Meta:
        model = Verification
        fields = ["verifier", "decision", "grade", "outcome", "criteria", "note", "at", "action"]
        read_only_fields = fields

    @extend_schema_field(MarkingPersonSerializer())
    def get_verifier(self, verification):
        return _person(verification.verifier)

    @extend_schema_field(serializers.CharField())
    def get_action(self, verification):
        return moderation.action_of(verification, verification.item.submission)


class SampleItemRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    reason = serializers.CharField(read_only=True, help_text="random, fail, borderline or chosen")
    submission = MarkingSubmissionSerializer(read_only=True)
    verifications = VerificationRecordSerializer(many=True, read_only=True)


class ModerationSampleSerializer(serializers.ModelSerializer):
    assignment = serializers.UUIDField(source="assignment.uuid", read_only=True)
    created_by = serializers.SerializerMethodField()
    items = serializers.SerializerMethodField(help_text="The sampled submissions of learners you may mark")

    class Meta:
        model = ModerationSample
        fields = ["uuid", "assignment", "created_at", "created_by", "percent", "notes", "closed_at", "items"]
        read_only_fields = fields

    @extend_schema_field(MarkingPersonSerializer())
    def get_created_by(self, sample):
        return _person(sample.created_by)

    @extend_schema_field(SampleItemRecordSerializer(many=True))
    def get_items(self, sample):
        items = moderation.items_visible(self.context["request"].user, sample)
        return SampleItemRecordSerializer(items, many=True, context=self.context).data


_STATES = [value for value, _label in Submission.State.choices]
_ASSIGNMENT = OpenApiParameter(
    "assignment",
    OpenApiTypes.UUID,
    required=True,
    description="The assignment's uuid (from /api/v1/assignments/)",
)


def _assignment(request) -> Assignment:
    key = uuid_param(request, "assignment", "assignment")
    if key is None:
        raise refused(
            "assignment", "Give the assignment's uuid: ?assignment=<uuid> (from /api/v1/assignments/)."
        )
    try:
        return marking.access_assignment_marking(request.user, key)
    except Http404:
        raise refused("assignment", f"No assignment you mark has the uuid {key}.") from None


@extend_schema_view(
    list=extend_schema(
        summary="The handed-in submissions of an assignment that you mark (anonymous marking: no names)",
        parameters=[
            _ASSIGNMENT,
            OpenApiParameter(
                "state", OpenApiTypes.STR, enum=_STATES, description="Only those in this marking state"
            ),
        ],
    ),
    retrieve=extend_schema(
        summary="One submission's marking record: its work, judgements, feedback and history",
        responses={200: MarkingRecordSerializer, 404: NOT_FOUND},
    ),
)
class MarkingSubmissionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = MarkingSubmissionSerializer
    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-fA-F-]{32,36}"
    http_method_names = ["get", "head", "options"]

    def get_serializer_class(self):
        return MarkingRecordSerializer if self.action == "retrieve" else MarkingSubmissionSerializer

    def get_queryset(self):
        return Submission.objects.none()

    def list(self, request, *args, **kwargs):
        assignment = _assignment(request)
        state = choice_param(request, "state", _STATES)
        rows = marking.submissions_for_marking(request.user, assignment, state=state)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_object(self):
        submission = marking.access_submission_marking(self.request.user, self.kwargs["uuid"])
        return (
            Submission.objects.filter(pk=submission.pk)
            .select_related("assignment", "assignment__course", "person", "marker", "extension", "previous")
            .prefetch_related(
                "files", "judgements__criterion", "judgements__level", "judgements__by", "marking_events__by"
            )
            .get()
        )


@extend_schema_view(
    list=extend_schema(
        summary="An assignment's moderation (internal verification) samples, newest first, with their decisions",
        parameters=[_ASSIGNMENT],
    ),
    retrieve=extend_schema(
        summary="One moderation sample, with its submissions and the verifiers' decisions",
        responses={200: ModerationSampleSerializer, 404: NOT_FOUND},
    ),
)
class ModerationSampleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = ModerationSampleSerializer
    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-fA-F-]{32,36}"
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        if self.fake():
            return ModerationSample.objects.none()
        assignment = _assignment(self.request)
        return (
            ModerationSample.objects.filter(assignment=assignment)
            .select_related("assignment", "assignment__course", "created_by")
            .order_by("-created_at", "-pk")
        )

    def get_object(self):
        return moderation.access_sample(self.request.user, self.kwargs["uuid"])
