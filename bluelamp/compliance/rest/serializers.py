"""The shapes of mandatory training's API requests and responses: requirements, a person's
standing, and the counts of a unit or an organisation.

These only describe and check shapes; who may read or change what is decided in the views by the
domain's access helpers (selectors.py) and services.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bluelamp.compliance import rules
from bluelamp.compliance.models import Assignment, Requirement, RequirementCourse
from bluelamp.core.rest import StrictSerializer, choice_field
from bluelamp.core.validation import date_errors, text_errors

# The statuses, in the order pages show them.
STATUSES = rules.STATUSES


def _status_field(**kwargs) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=[(s, s) for s in STATUSES], read_only=True, **kwargs)


# --- requirements ----------------------------------------------------------------------------


class RequirementCourseSerializer(serializers.ModelSerializer):
    course = serializers.UUIDField(source="course.uuid", read_only=True)
    code = serializers.CharField(source="course.code", read_only=True)
    title = serializers.CharField(source="course.title", read_only=True)
    min_version = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The earliest version that counts; null: any version"
    )

    class Meta:
        model = RequirementCourse
        fields = ["course", "code", "title", "min_version"]
        read_only_fields = fields


class RequirementRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Requirement
        fields = ["uuid", "code", "title"]
        read_only_fields = fields


class AudienceSerializer(serializers.Serializer):
    """Who the requirement applies to: different rules combine with AND, the values of one rule
    with OR."""

    all = serializers.BooleanField(help_text="Everyone in the owner's scope (when there are no other rules)")
    units = serializers.ListField(
        child=serializers.IntegerField(), help_text="Unit ids: people in each, or anywhere below it"
    )
    ranks = serializers.ListField(child=serializers.CharField(), help_text="Ranks or grades")
    job_roles = serializers.ListField(child=serializers.CharField())
    started_from = serializers.DateField(allow_null=True, help_text="Employment start on or after")
    started_to = serializers.DateField(allow_null=True, help_text="Employment start on or before")
    requirements = serializers.ListField(
        child=serializers.UUIDField(), help_text="People in the audience of these requirements (uuids)"
    )
    people_included = serializers.IntegerField(help_text="How many people are named in, whatever the rules")
    people_excluded = serializers.IntegerField(help_text="How many people are named out, whatever the rules")


class RequirementSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        help_text="Slug of the organisation that owns it (national: every force)",
    )
    state = choice_field(Requirement.State.choices, noun="a state", read_only=True)
    first_due_kind = choice_field(
        Requirement.FirstDueKind.choices, noun="a kind of first due date", read_only=True
    )
    courses = RequirementCourseSerializer(
        source="course_links", many=True, read_only=True, help_text="Any one of these satisfies it"
    )
    prerequisites = RequirementRefSerializer(many=True, read_only=True)
    audience = serializers.SerializerMethodField()

    class Meta:
        model = Requirement
        fields = [
            "uuid",
            "code",
            "title",
            "description",
            "owner",
            "state",
            "courses",
            "audience",
            "first_due_kind",
            "first_due_days",
            "first_due_date",
            "validity_months",
            "window_days",
            "due_soon_days",
            "escalate_after_days",
            "auto_enrol",
            "prerequisites",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(AudienceSerializer)
    def get_audience(self, requirement) -> dict:
        # Named people are counted, never listed: everyone who may read the requirement sees this.
        audience = requirement.audience
        uuid_of = self.context.get("requirement_uuids", {})
        return {
            "all": bool(audience.get("all")),
            "units": audience.get("units", []),
            "ranks": audience.get("ranks", []),
            "job_roles": audience.get("job_roles", []),
            "started_from": audience.get("started_from"),
            "started_to": audience.get("started_to"),
            "requirements": [uuid_of[r] for r in audience.get("requirements", []) if r in uuid_of],
            "people_included": len(audience.get("include", [])),
            "people_excluded": len(audience.get("exclude", [])),
        }


def _checked_day(value, field: str):
    errors = date_errors(**{field: value})
    if errors:
        raise serializers.ValidationError(errors[field])
    return value


def _checked_names(values: list[str]) -> list[str]:
    for value in values:
        errors = text_errors(name=value)
        if errors:
            raise serializers.ValidationError(f"“{value}”: {errors['name']}")
    return values


class AudienceWriteSerializer(StrictSerializer):
    """The rules; people named in or out on the pages stay as they are."""

    all = serializers.BooleanField(required=False, help_text="true: everyone (when there are no other rules)")
    units = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        help_text="Unit ids (from /api/v1/units/): people in each, or anywhere below it",
    )
    ranks = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, help_text="Ranks or grades"
    )
    job_roles = serializers.ListField(child=serializers.CharField(max_length=200), required=False)
    started_from = serializers.DateField(
        required=False, allow_null=True, help_text="Employment start on or after"
    )
    started_to = serializers.DateField(
        required=False, allow_null=True, help_text="Employment start on or before"
    )
    requirements = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        help_text="People in the audience of these requirements (their uuids)",
    )

    def validate_ranks(self, value):
        return _checked_names(value)

    def validate_job_roles(self, value):
        return _checked_names(value)

    def validate_started_from(self, value):
        return _checked_day(value, "started_from")

    def validate_started_to(self, value):
        return _checked_day(value, "started_to")


class CourseChoiceSerializer(StrictSerializer):
    course = serializers.UUIDField(help_text="The course's uuid (from /api/v1/courses/)")
    min_version = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=100000,
        help_text="The earliest version that counts; leave out for any version",
    )


class RequirementUpdateSerializer(StrictSerializer):
    code = serializers.CharField(
        max_length=40, required=False, help_text="Unique within the owner, e.g. FA-REFRESH"
    )
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    courses = CourseChoiceSerializer(many=True, required=False, help_text="Any one of these satisfies it")
    audience = AudienceWriteSerializer(required=False)
    first_due_kind = choice_field(
        Requirement.FirstDueKind.choices, noun="a kind of first due date", required=False
    )
    first_due_days = serializers.IntegerField(
        required=False, help_text="Days after joining the audience or employment start (0 to 3650)"
    )
    first_due_date = serializers.DateField(
        required=False, allow_null=True, help_text="The date everyone is first due by (first_due_kind date)"
    )
    validity_months = serializers.IntegerField(
        required=False, allow_null=True, help_text="1 to 240; null: once completed, it never expires"
    )
    window_days = serializers.IntegerField(
        required=False, help_text="Recertification window before expiry, in days (0 to 730)"
    )
    due_soon_days = serializers.IntegerField(required=False, help_text="Due-soon horizon in days (0 to 365)")
    escalate_after_days = serializers.IntegerField(
        required=False, help_text="Tell training administrators after this many days overdue (1 to 365)"
    )
    auto_enrol = serializers.BooleanField(required=False, help_text="Enrol people automatically")
    prerequisites = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        help_text="Uuids of requirements that must be in date too",
    )

    def validate_code(self, value):
        errors = text_errors(code=value)
        if errors:
            raise serializers.ValidationError(errors["code"])
        return value

    def validate_title(self, value):
        errors = text_errors(title=value)
        if errors:
            raise serializers.ValidationError(errors["title"])
        return value

    def validate_description(self, value):
        errors = text_errors(description=value, multiline=("description",))
        if errors:
            raise serializers.ValidationError(errors["description"])
        return value

    def validate_first_due_date(self, value):
        return _checked_day(value, "first_due_date")


class RequirementCreateSerializer(RequirementUpdateSerializer):
    owner = serializers.SlugField(
        required=False,
        help_text="Slug of the organisation it is for (national for the national body's); "
        "may be left out when you manage mandatory training in one organisation only",
    )
    code = serializers.CharField(max_length=40, help_text="Unique within the owner, e.g. FA-REFRESH")
    title = serializers.CharField(max_length=200)
    courses = CourseChoiceSerializer(many=True, help_text="Any one of these satisfies it")
    audience = AudienceWriteSerializer()


# --- standing and counts ---------------------------------------------------------------------


class AssignmentSerializer(serializers.ModelSerializer):
    requirement = serializers.UUIDField(source="requirement.uuid", read_only=True)
    requirement_code = serializers.CharField(source="requirement.code", read_only=True)
    requirement_title = serializers.CharField(source="requirement.title", read_only=True)
    owner = serializers.SlugRelatedField(
        source="requirement.owner", slug_field="slug", read_only=True, help_text="The requirement's owner"
    )
    status = _status_field()
    in_audience = serializers.BooleanField(
        read_only=True, help_text="It applies to them now (false: they left its audience; kept as history)"
    )
    in_date = serializers.BooleanField(read_only=True, help_text="They hold an unexpired completion")

    class Meta:
        model = Assignment
        fields = [
            "requirement",
            "requirement_code",
            "requirement_title",
            "owner",
            "status",
            "due_on",
            "expires_on",
            "last_completed_on",
            "in_date",
            "in_audience",
            "joined_on",
            "left_on",
        ]
        read_only_fields = fields


class PersonComplianceSerializer(serializers.Serializer):
    person = serializers.IntegerField(help_text="The person's id")
    uuid = serializers.UUIDField(help_text="The person's uuid")
    name = serializers.CharField()
    assignments = AssignmentSerializer(
        many=True, help_text="Current ones first (by due date), then those of audiences they left"
    )


class RequirementCountsSerializer(serializers.Serializer):
    requirement = serializers.UUIDField()
    code = serializers.CharField()
    title = serializers.CharField()
    owner = serializers.SlugField(help_text="The requirement's owner")
    people = serializers.IntegerField(help_text="People it applies to")
    compliant = serializers.IntegerField()
    due = serializers.IntegerField()
    overdue = serializers.IntegerField()
    assigned = serializers.IntegerField(help_text="Never completed, not due yet")
    suspended = serializers.IntegerField(help_text="In date, but a prerequisite is not")
    exempt = serializers.IntegerField()


class ComplianceSummarySerializer(serializers.Serializer):
    organisation = serializers.SlugField()
    unit = serializers.IntegerField(
        allow_null=True, help_text="The unit's id; null for the whole organisation"
    )
    unit_path = serializers.CharField(allow_null=True)
    requirements = RequirementCountsSerializer(
        many=True, help_text="Each requirement that applies to someone there, by code"
    )
