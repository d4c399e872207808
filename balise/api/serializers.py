from rest_framework import serializers

from balise.accounts.models import Membership, User
from balise.organisations.models import Organisation


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "region", "status", "accreditation"]
        read_only_fields = ["status", "accreditation"]


class MembershipSerializer(serializers.ModelSerializer):
    organisation = OrganisationSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "organisation", "role"]


class MeSerializer(serializers.ModelSerializer):
    memberships = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "preferred_language", "memberships"]

    def get_memberships(self, user: User) -> list[dict]:
        return MembershipSerializer(user.active_memberships(), many=True).data
