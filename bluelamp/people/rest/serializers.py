"""The shapes of people's API requests and responses: people and the roles they hold.

Serializers only describe and check shapes: what may be read and changed is decided by the
access helpers in the views, and every write goes through a service.
"""

from rest_framework import serializers

from bluelamp.core.rest import StrictSerializer, choice_field
from bluelamp.organisations.api import RoleAssignment, Scope
from bluelamp.people.models import Person

# --- people ----------------------------------------------------------------------------------


class PersonSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    unit = serializers.IntegerField(source="unit_id", read_only=True, allow_null=True)
    unit_path = serializers.SerializerMethodField()
    line_manager = serializers.IntegerField(source="line_manager_id", read_only=True, allow_null=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "uuid",
            "email",
            "first_name",
            "last_name",
            "organisation",
            "unit",
            "unit_path",
            "staff_number",
            "rank",
            "job_role",
            "line_manager",
            "employment_start_date",
            "status",
            "left_on",
            "updated_at",
        ]
        read_only_fields = fields

    def get_unit_path(self, person) -> str | None:
        return person.unit.full_path if person.unit_id else None


class _PersonFields(StrictSerializer):
    email = serializers.EmailField(max_length=254)
    first_name = serializers.CharField(max_length=150)
    last_name = serializers.CharField(max_length=150)
    unit = serializers.IntegerField(required=False, allow_null=True, help_text="Id of a unit you manage")
    staff_number = serializers.CharField(max_length=30, required=False, allow_blank=True)
    rank = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text="A police rank or staff grade"
    )
    job_role = serializers.CharField(max_length=200, required=False, allow_blank=True)
    line_manager = serializers.IntegerField(
        required=False, allow_null=True, help_text="Id of a person in the same organisation"
    )
    employment_start_date = serializers.DateField(required=False, allow_null=True)


class PersonCreateSerializer(_PersonFields):
    organisation = serializers.SlugField(help_text="The slug of an organisation whose people you manage")


class PersonUpdateSerializer(_PersonFields):
    status = choice_field(Person.Status.choices, noun="a status", required=False)
    left_on = serializers.DateField(required=False, allow_null=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class RoleAssignmentSerializer(serializers.ModelSerializer):
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    unit = serializers.IntegerField(source="unit_id", read_only=True, allow_null=True)
    scope = serializers.SerializerMethodField()
    scope_label = serializers.CharField(read_only=True)

    class Meta:
        model = RoleAssignment
        fields = [
            "id",
            "uuid",
            "role",
            "role_label",
            "scope",
            "organisation",
            "unit",
            "scope_label",
            "granted_at",
        ]
        read_only_fields = fields

    def get_scope(self, assignment) -> str:
        if assignment.unit_id:
            return Scope.UNIT.value
        return Scope.ORGANISATION.value if assignment.organisation_id else Scope.NATIONAL.value
