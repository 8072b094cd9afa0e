"""The shapes of the question banks' API: banks, their categories, questions (a summary in lists,
the current version's content in full on a question), and the report of an import.

These only describe and check shapes; who may read or change what is decided in the views by the
applet's access helpers (selectors.py) and services.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bluelamp.assessment.banks.files import FORMATS
from bluelamp.assessment.banks.models import Bank, Question
from bluelamp.assessment.formats.questions import QUESTION_TYPES
from bluelamp.core.rest import StrictSerializer, choice_field


class BankSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        help_text="Slug of the organisation that owns it (national: the national body)",
    )
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    questions = serializers.IntegerField(
        source="question_count", read_only=True, help_text="Questions shown in lists"
    )
    hidden_questions = serializers.IntegerField(
        source="hidden_count",
        read_only=True,
        help_text="Hidden questions (kept for the attempts that used them)",
    )
    may_change = serializers.SerializerMethodField(
        help_text="You may change it (import into it); false: you may read it (the national body's, shared)"
    )

    class Meta:
        model = Bank
        fields = [
            "uuid",
            "name",
            "description",
            "owner",
            "owner_name",
            "questions",
            "hidden_questions",
            "may_change",
            "created_at",
        ]
        read_only_fields = fields

    def get_may_change(self, bank) -> bool:
        return bool(self.context["manages"](bank))


class CategorySerializer(serializers.Serializer):
    uuid = serializers.UUIDField(source="category.uuid")
    name = serializers.CharField(source="category.name")
    path = serializers.CharField(
        source="category.path",
        help_text="Names from the top, joined by “ / ” (a “/” inside a name is written “//”)",
    )
    parent = serializers.UUIDField(
        source="category.parent.uuid", allow_null=True, help_text="null for the top"
    )
    description = serializers.CharField(source="category.description")
    depth = serializers.IntegerField(help_text="0 for the top")
    questions = serializers.IntegerField(source="count", help_text="Questions in it, hidden ones included")
    questions_below = serializers.IntegerField(
        source="total", help_text="Questions in it and its subcategories"
    )


class QuestionSummarySerializer(serializers.ModelSerializer):
    type = serializers.CharField(
        source="qtype", read_only=True, help_text=f"The question type: one of {', '.join(QUESTION_TYPES)}"
    )
    category = serializers.UUIDField(source="category.uuid", read_only=True)
    category_path = serializers.CharField(source="category.path", read_only=True)
    tags = serializers.SerializerMethodField()
    version = serializers.IntegerField(
        source="current.number", read_only=True, allow_null=True, help_text="The current version's number"
    )

    class Meta:
        model = Question
        fields = [
            "uuid",
            "name",
            "type",
            "idnumber",
            "category",
            "category_path",
            "tags",
            "hidden",
            "version",
            "created_at",
        ]
        read_only_fields = fields

    def get_tags(self, question) -> list[str]:
        return sorted(tag.name for tag in question.tags.all())


class VersionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class QuestionSerializer(QuestionSummarySerializer):
    bank = serializers.UUIDField(source="bank.uuid", read_only=True)
    default_mark = serializers.DecimalField(
        source="current.default_mark", max_digits=8, decimal_places=4, read_only=True
    )
    content = serializers.SerializerMethodField(
        help_text="The current version in the neutral form of question files (bluelamp/assessment/formats/questions.py): "
        "type, name, text and text_format, answers with fractions (1 = 100%), feedback and the type's settings; "
        "decimals as strings"
    )
    versions = serializers.SerializerMethodField(help_text="Newest first")

    class Meta(QuestionSummarySerializer.Meta):
        fields = [*QuestionSummarySerializer.Meta.fields, "bank", "default_mark", "content", "versions"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_content(self, question) -> dict:
        return question.current.data if question.current else {}

    @extend_schema_field(VersionSerializer(many=True))
    def get_versions(self, question) -> list[dict]:
        return [
            {"number": v.number, "created_at": v.created_at} for v in question.versions.order_by("-number")
        ]


class ImportRequestSerializer(StrictSerializer):
    file = serializers.FileField(help_text="A GIFT (.gift, .txt) or Moodle XML (.xml) file")
    format = choice_field(
        [(f, f) for f in FORMATS],
        noun="a question file format",
        required=False,
        help_text="Leave out to tell it from the file's name",
    )


class ProblemSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="The question's position in the file (0: the file itself)")
    name = serializers.CharField()
    line = serializers.IntegerField(allow_null=True)
    message = serializers.CharField(help_text="What is wrong")


class UnsupportedSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    name = serializers.CharField()
    line = serializers.IntegerField(allow_null=True)
    type = serializers.CharField(help_text="The question type Bluelamp does not hold, as the file names it")


class TypeCountSerializer(serializers.Serializer):
    type = serializers.CharField()
    count = serializers.IntegerField()


class ImportReportSerializer(serializers.Serializer):
    imported = serializers.BooleanField(help_text="false: nothing was written (see problems and unsupported)")
    file_name = serializers.CharField()
    format = serializers.CharField()
    total = serializers.IntegerField(help_text="Questions in the file")
    by_type = TypeCountSerializer(
        many=True, help_text="Questions in the file per type, in a fixed order of types"
    )
    created = serializers.IntegerField(help_text="New in the bank")
    updated = serializers.IntegerField(
        help_text="A new version of the bank's question with the same ID number"
    )
    unchanged = serializers.IntegerField(help_text="Already in the bank, left as they were")
    problems = ProblemSerializer(many=True)
    unsupported = UnsupportedSerializer(many=True)
