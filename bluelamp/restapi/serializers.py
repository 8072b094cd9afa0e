"""The shapes of the API's requests and responses.

Serializers only describe and check shapes: what may be read and changed is decided by the
domains' access helpers in the views, and every write goes through a domain service.
"""

from rest_framework import serializers

from bluelamp.organisations.api import Licence, LicenceType, Organisation, RoleAssignment, Scope, Unit
from bluelamp.people.api import Person


def choice_field(choices, *, noun: str, **kwargs) -> serializers.ChoiceField:
    """A ChoiceField whose error names the value given and the values accepted."""
    accepted = ", ".join(str(value) for value, _label in choices)
    return serializers.ChoiceField(
        choices=choices,
        error_messages={"invalid_choice": f"“{{input}}” is not {noun}. Use one of: {accepted}."},
        **kwargs,
    )


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know (DRF ignores them silently) and says which are accepted,
    so that a typo in an integration is reported instead of quietly doing nothing."""

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            writable = sorted(name for name, field in self.fields.items() if not field.read_only)
            # The browsable API's HTML forms also post their CSRF token.
            unknown = sorted(set(data.keys()) - set(writable) - {"csrfmiddlewaretoken"})
            if unknown:
                raise serializers.ValidationError(
                    {
                        name: [f"“{name}” cannot be set here. Fields accepted: {', '.join(writable)}."]
                        for name in unknown
                    }
                )
        return super().to_internal_value(data)


# --- organisations ---------------------------------------------------------------------------


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["uuid", "slug", "name", "kind", "host_name", "brand_colour", "created_at", "updated_at"]
        read_only_fields = fields


class OrganisationCreateSerializer(StrictSerializer):
    slug = serializers.CharField(max_length=60, help_text="Lower-case letters, digits and hyphens, e.g. kent")
    name = serializers.CharField(max_length=200)
    kind = choice_field(Organisation.Kind.choices, noun="a kind of organisation")
    host_name = serializers.CharField(
        max_length=253, required=False, allow_blank=True, allow_null=True, help_text="e.g. kent.learn.example"
    )
    brand_colour = serializers.CharField(max_length=7, required=False, help_text="#rrggbb, e.g. #1d4f91")


class OrganisationUpdateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200, required=False)
    kind = choice_field(Organisation.Kind.choices, noun="a kind of organisation", required=False)
    host_name = serializers.CharField(max_length=253, required=False, allow_blank=True, allow_null=True)
    brand_colour = serializers.CharField(max_length=7, required=False)


# --- licences --------------------------------------------------------------------------------


class LicenceSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    in_force = serializers.SerializerMethodField(help_text="Active and within its dates today")

    class Meta:
        model = Licence
        fields = [
            "id",
            "uuid",
            "organisation",
            "type",
            "reference",
            "starts_on",
            "ends_on",
            "status",
            "in_force",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_in_force(self, licence) -> bool:
        return licence.in_force_on(self.context["today"])


class LicenceCreateSerializer(StrictSerializer):
    organisation = serializers.SlugField(help_text="The organisation's slug")
    type = choice_field(LicenceType.choices, noun="a licence type")
    reference = serializers.CharField(max_length=60)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True, help_text="Leave out for no end date")
    status = choice_field(Licence.Status.choices, noun="a licence status", required=False)
    notes = serializers.CharField(required=False, allow_blank=True)


class LicenceUpdateSerializer(StrictSerializer):
    type = choice_field(LicenceType.choices, noun="a licence type", required=False)
    reference = serializers.CharField(max_length=60, required=False)
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False, allow_null=True)
    status = choice_field(Licence.Status.choices, noun="a licence status", required=False)
    notes = serializers.CharField(required=False, allow_blank=True)


class LicenceCheckSerializer(serializers.Serializer):
    """The public licence check. Outside checks rely on this shape: change it only in a new version."""

    organisation = serializers.SlugField(help_text="The organisation's slug, as asked")
    type = choice_field(LicenceType.choices, noun="a licence type")
    licensed = serializers.BooleanField(help_text="The licence is in force today")
    valid_until = serializers.DateField(
        allow_null=True,
        help_text="Last day of unbroken cover, renewals included; null when not licensed or open-ended",
    )
    open_ended = serializers.BooleanField(help_text="In force with no end date")


# --- units -----------------------------------------------------------------------------------


class UnitSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    parent = serializers.IntegerField(
        source="parent_id", read_only=True, allow_null=True, help_text="The parent unit's id; null at the top"
    )
    depth = serializers.IntegerField(read_only=True, help_text="1 for a top-level unit")

    class Meta:
        model = Unit
        fields = ["id", "organisation", "name", "code", "full_path", "parent", "depth", "created_at"]
        read_only_fields = fields


class UnitCreateSerializer(StrictSerializer):
    organisation = serializers.SlugField(
        required=False, help_text="The organisation's slug; may be left out when a parent is given"
    )
    parent = serializers.IntegerField(required=False, allow_null=True, help_text="Id of the unit it sits in")
    name = serializers.CharField(max_length=200)
    code = serializers.CharField(max_length=50, required=False, allow_blank=True)


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
