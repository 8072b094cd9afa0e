"""The shapes of organisations' API requests and responses: organisations, licences, units and
the public licence check.

Serializers only describe and check shapes: what may be read and changed is decided by the
access helpers in the views, and every write goes through a service.
"""

from rest_framework import serializers

from bluelamp.core.rest import StrictSerializer, choice_field
from bluelamp.organisations.models import Licence, LicenceType, Organisation, Unit

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
