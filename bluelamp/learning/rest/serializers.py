"""The shapes of learning's API requests and responses: courses, enrolments, progress and the
learner record.

These only describe and check shapes; who may read or change what is decided in the views by
learning's access helpers and services.

Scores are numbers (percentages, 0 to 100, two decimal places), not the strings DRF gives decimals
by default: integrations compare them with pass marks.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bluelamp.core.rest import StrictSerializer
from bluelamp.core.validation import date_errors, text_errors
from bluelamp.learning.models import Activity, ActivityProgress, Completion, Course, CourseVersion, Enrolment


def enum_field(choices, **kwargs) -> serializers.ChoiceField:
    """A read-only choice field. Its enum is named in SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]
    where another model has a field of the same name (status, kind)."""
    return serializers.ChoiceField(choices=choices, read_only=True, **kwargs)


def score_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        coerce_to_string=False,
        read_only=True,
        allow_null=True,
        help_text="Percentage, 0 to 100; null when the content reports no score",
        **kwargs,
    )


# --- courses ---------------------------------------------------------------------------------


class ActivitySerializer(serializers.ModelSerializer):
    kind = serializers.CharField(
        read_only=True,
        help_text="scorm, page, media, file, link, or a kind another part of Bluelamp adds (quiz, assignment)",
    )

    class Meta:
        model = Activity
        fields = ["id", "order", "kind", "title", "required"]
        read_only_fields = fields


class CourseSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text="Slug of the organisation that owns the course"
    )
    status = enum_field(Course.Status.choices)
    tags = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    current_version = serializers.IntegerField(
        source="current_version.number",
        read_only=True,
        allow_null=True,
        help_text="Number of the version new enrolments take; null until a version is published",
    )

    class Meta:
        model = Course
        fields = [
            "uuid",
            "code",
            "title",
            "summary",
            "owner",
            "status",
            "tags",
            "duration_minutes",
            "self_enrolment",
            "current_version",
            "updated_at",
        ]
        read_only_fields = fields


class CourseDetailSerializer(CourseSerializer):
    completion_rule = serializers.ChoiceField(
        source="current_version.completion_rule",
        choices=CourseVersion.CompletionRule.choices,
        read_only=True,
        allow_null=True,
        help_text="How the current version is completed: every activity, or the required ones",
    )
    activities = serializers.SerializerMethodField(help_text="The current version's activities, in order")

    class Meta(CourseSerializer.Meta):
        fields = [*CourseSerializer.Meta.fields, "audience", "completion_rule", "activities"]
        read_only_fields = fields

    @extend_schema_field(ActivitySerializer(many=True))
    def get_activities(self, course) -> list:
        return ActivitySerializer(self.context.get("activities", []), many=True).data


# --- enrolments ------------------------------------------------------------------------------


class EnrolmentSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="person_id", read_only=True, help_text="The learner's id")
    person_name = serializers.CharField(source="person.get_full_name", read_only=True)
    course = serializers.UUIDField(source="course.uuid", read_only=True)
    course_code = serializers.CharField(source="course.code", read_only=True)
    course_title = serializers.CharField(source="course.title", read_only=True)
    version = serializers.IntegerField(
        source="version.number", read_only=True, help_text="The course version taken"
    )
    status = enum_field(Enrolment.Status.choices)
    method = enum_field(Enrolment.Method.choices)
    enrolled_by = serializers.IntegerField(
        source="enrolled_by_id", read_only=True, allow_null=True, help_text="Id of who enrolled them"
    )
    score = score_field()

    class Meta:
        model = Enrolment
        fields = [
            "uuid",
            "person",
            "person_name",
            "course",
            "course_code",
            "course_title",
            "version",
            "status",
            "method",
            "enrolled_at",
            "enrolled_by",
            "due_on",
            "started_at",
            "last_activity_at",
            "completed_at",
            "score",
            "withdrawn_at",
            "withdrawn_reason",
        ]
        read_only_fields = fields


class EnrolmentCreateSerializer(StrictSerializer):
    course = serializers.UUIDField(help_text="The course's uuid (from /api/v1/courses/)")
    person = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Id of the person to enrol; leave out to enrol yourself",
    )
    due_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="When the course should be completed (enrolling someone else only)",
    )

    def validate_due_on(self, value):
        # The learning service refuses a date in the past; a year such as 0336 or 9999 is a typo.
        errors = date_errors(due_on=value)
        if errors:
            raise serializers.ValidationError(errors["due_on"])
        return value


class EnrolmentWithdrawSerializer(StrictSerializer):
    reason = serializers.CharField(
        max_length=500, required=False, allow_blank=True, help_text="Why, for the record"
    )

    def validate_reason(self, value: str) -> str:
        # Kept in the enrolment's history and shown on pages; the learning service takes it as is.
        errors = text_errors(reason=value, multiline=("reason",))
        if errors:
            raise serializers.ValidationError(errors["reason"])
        return value


class ActivityProgressSerializer(serializers.Serializer):
    activity = serializers.IntegerField(help_text="The activity's id")
    order = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField(
        read_only=True,
        help_text="scorm, page, media, file, link, or a kind another part of Bluelamp adds (quiz, assignment)",
    )
    required = serializers.BooleanField()
    status = enum_field(ActivityProgress.Status.choices)
    score = score_field()
    first_opened_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)


class EnrolmentProgressSerializer(serializers.Serializer):
    enrolment = serializers.UUIDField()
    person = serializers.IntegerField(help_text="The learner's id")
    course = serializers.UUIDField()
    course_code = serializers.CharField()
    course_title = serializers.CharField()
    version = serializers.IntegerField(help_text="The course version taken")
    completion_rule = serializers.ChoiceField(choices=CourseVersion.CompletionRule.choices)
    status = enum_field(Enrolment.Status.choices, help_text="The course's status for this learner")
    started_at = serializers.DateTimeField(allow_null=True)
    last_activity_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    score = score_field()
    activities_completed = serializers.IntegerField()
    activities_total = serializers.IntegerField()
    activities = ActivityProgressSerializer(many=True)


# --- the learner record ----------------------------------------------------------------------


class CompletionSerializer(serializers.ModelSerializer):
    course = serializers.UUIDField(
        source="course.uuid",
        read_only=True,
        allow_null=True,
        help_text="The course's uuid; null for imported or external records with no course here",
    )
    version = serializers.IntegerField(source="version_number", read_only=True, allow_null=True)
    organisation = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="Slug of the organisation the person belonged to when they completed it",
    )
    source = enum_field(Completion.Source.choices)
    score = score_field()
    hours = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        coerce_to_string=False,
        read_only=True,
        allow_null=True,
        help_text="CPD hours, where recorded",
    )

    class Meta:
        model = Completion
        fields = [
            "uuid",
            "course",
            "course_code",
            "course_title",
            "version",
            "completed_on",
            "completed_at",
            "score",
            "hours",
            "source",
            "provider",
            "organisation",
        ]
        read_only_fields = fields


class TranscriptSerializer(serializers.Serializer):
    """A person's learner record. Outside checks rely on this shape: change it only in a new version."""

    person = serializers.IntegerField(help_text="The person's id")
    name = serializers.CharField(help_text="The person's full name")
    completions = CompletionSerializer(many=True, help_text="Newest first")
