"""The shapes of the assignments API's responses (read-only): an assignment's settings and
criteria, and a learner's own submissions, whose marks appear only once released.

Choices are plain strings with their values listed in the help text (several models here have a
"status" or "kind"; the schema keeps one enum per name)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bluelamp.assessment.assignments.models import (
    Assignment,
    Criterion,
    CriterionJudgement,
    RubricLevel,
    Submission,
    SubmissionFile,
)


def _number(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=9, decimal_places=2, coerce_to_string=False, read_only=True, allow_null=True, **kwargs
    )


def _choices(model_choices) -> str:
    return "One of: " + ", ".join(str(value) for value, _label in model_choices)


class AssignmentRubricLevelSerializer(serializers.ModelSerializer):
    points = _number()

    class Meta:
        model = RubricLevel
        fields = ["id", "order", "label", "points", "description"]
        read_only_fields = fields


class AssignmentCriterionSerializer(serializers.ModelSerializer):
    levels = AssignmentRubricLevelSerializer(
        many=True, read_only=True, help_text="A rubric criterion's levels, lowest first"
    )

    class Meta:
        model = Criterion
        fields = ["id", "order", "code", "learning_outcome", "text", "levels"]
        read_only_fields = fields


class AssignmentSettingsSerializer(serializers.ModelSerializer):
    course = serializers.UUIDField(source="course.uuid", read_only=True, help_text="The course's uuid")
    course_code = serializers.CharField(source="course.code", read_only=True)
    grading = serializers.CharField(read_only=True, help_text=_choices(Assignment.Grading.choices))
    scale = serializers.CharField(read_only=True, help_text=_choices(Assignment.Scale.choices))
    late_policy = serializers.CharField(read_only=True, help_text=_choices(Assignment.LatePolicy.choices))
    max_points = _number()
    pass_points = _number()
    late_penalty_percent_per_day = _number()
    late_penalty_cap_percent = _number()
    borderline_points = _number()
    allowed_file_types = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Extensions; empty: pdf, docx, doc, odt, rtf, txt",
    )
    reminder_days = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    max_grade = serializers.SerializerMethodField(help_text="The gradebook's maximum for this assignment")
    pass_grade = serializers.SerializerMethodField(help_text="The gradebook's pass grade for this assignment")
    criteria = AssignmentCriterionSerializer(many=True, read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "uuid",
            "course",
            "course_code",
            "title",
            "brief",
            "grading",
            "scale",
            "max_points",
            "pass_points",
            "max_grade",
            "pass_grade",
            "due_at",
            "cut_off_at",
            "late_policy",
            "late_penalty_percent_per_day",
            "late_penalty_cap_percent",
            "word_limit",
            "word_limit_enforced",
            "accepts_online_text",
            "accepts_files",
            "allowed_file_types",
            "max_file_mb",
            "max_files",
            "requires_declaration",
            "declaration_text",
            "allows_drafts",
            "resubmissions_allowed",
            "resubmission_days",
            "anonymous_marking",
            "moderation_sample_percent",
            "borderline_points",
            "borderline_criteria",
            "reminder_days",
            "notify_markers",
            "criteria",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(max_digits=9, decimal_places=2, coerce_to_string=False))
    def get_max_grade(self, assignment):
        return assignment.grade_range()[0]

    @extend_schema_field(serializers.DecimalField(max_digits=9, decimal_places=2, coerce_to_string=False))
    def get_pass_grade(self, assignment):
        return assignment.grade_range()[1]


class MyAssignmentFileSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True)
    kind = serializers.CharField(read_only=True, help_text="submission (the learner's work) or feedback")

    class Meta:
        model = SubmissionFile
        fields = ["uuid", "kind", "name", "size", "content_type", "sha256", "uploaded_at"]
        read_only_fields = fields


class MyAssignmentJudgementSerializer(serializers.ModelSerializer):
    criterion = serializers.IntegerField(source="criterion_id", read_only=True)
    level = serializers.CharField(source="level.label", read_only=True, allow_null=True, default=None)
    level_points = _number(source="level.points", default=None)

    class Meta:
        model = CriterionJudgement
        fields = ["criterion", "met", "level", "level_points", "comment"]
        read_only_fields = fields


class MyAssignmentResultSerializer(serializers.ModelSerializer):
    """Marks and feedback, once released."""

    outcome = serializers.CharField(
        read_only=True, help_text=_choices(Submission.Outcome.choices) + ", or empty"
    )
    grade = _number(
        source="final_grade_or_grade", help_text="In the gradebook's units, after any late penalty"
    )
    points = _number()
    judgements = MyAssignmentJudgementSerializer(many=True, read_only=True)
    feedback_files = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = [
            "released_at",
            "outcome",
            "grade",
            "points",
            "referred",
            "feedback",
            "judgements",
            "feedback_files",
        ]
        read_only_fields = fields

    @extend_schema_field(MyAssignmentFileSerializer(many=True))
    def get_feedback_files(self, submission):
        rows = [f for f in submission.files.all() if f.kind == SubmissionFile.Kind.FEEDBACK]
        return MyAssignmentFileSerializer(rows, many=True).data


class MyAssignmentSubmissionSerializer(serializers.ModelSerializer):
    assignment = serializers.UUIDField(source="assignment.uuid", read_only=True)
    assignment_title = serializers.CharField(source="assignment.title", read_only=True)
    course = serializers.UUIDField(source="assignment.course.uuid", read_only=True)
    status = serializers.CharField(read_only=True, help_text="draft or submitted")
    marking = serializers.SerializerMethodField(
        help_text="waiting (handed in, not released yet), released, or draft: never the marking's inner steps"
    )
    late_penalty_percent = _number()
    files = serializers.SerializerMethodField()
    result = serializers.SerializerMethodField(help_text="Marks and feedback; null until released")

    class Meta:
        model = Submission
        fields = [
            "uuid",
            "assignment",
            "assignment_title",
            "course",
            "attempt",
            "status",
            "marking",
            "due_at",
            "submitted_at",
            "receipt",
            "word_count",
            "late",
            "late_by_seconds",
            "late_penalty_percent",
            "files",
            "result",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_marking(self, submission) -> str:
        if submission.status == Submission.Status.DRAFT:
            return "draft"
        return "released" if submission.is_released else "waiting"

    @extend_schema_field(MyAssignmentFileSerializer(many=True))
    def get_files(self, submission):
        rows = [f for f in submission.files.all() if f.kind == SubmissionFile.Kind.SUBMISSION]
        return MyAssignmentFileSerializer(rows, many=True).data

    @extend_schema_field(MyAssignmentResultSerializer(allow_null=True))
    def get_result(self, submission):
        if not submission.is_released:
            return None
        submission.final_grade_or_grade = (
            submission.final_grade if submission.final_grade is not None else submission.grade
        )
        return MyAssignmentResultSerializer(submission).data
