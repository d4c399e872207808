"""Account administration over the API: ``/api/v1/users/`` and ``/api/v1/memberships/``, for
administrators only (403 for everyone else)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from balise.accounts import selectors, services
from balise.accounts.enums import DeactivationReason, ReactivationReason, Role
from balise.accounts.models import Membership, User
from balise.accounts.permissions import can_manage_users
from balise.api.serializers import OrganisationSerializer
from balise.organisations.models import Organisation


class IsAdministrator(permissions.BasePermission):
    def has_permission(self, request: Request, view: object) -> bool:
        return can_manage_users(request.user)


class MembershipSerializer(serializers.ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    organisation_detail = OrganisationSerializer(source="organisation", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "organisation", "organisation_detail", "role", "is_active"]
        read_only_fields = ["is_active"]


class UserMembershipSerializer(serializers.ModelSerializer):
    organisation = OrganisationSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "organisation", "role"]


class UserSerializer(serializers.ModelSerializer):
    memberships = serializers.SerializerMethodField()
    preferred_language = serializers.ChoiceField(choices=settings.LANGUAGES)

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "full_name",
            "preferred_language",
            "is_active",
            "deactivated_reason",
            "last_login",
            "date_joined",
            "memberships",
        ]
        read_only_fields = ["is_active", "deactivated_reason", "last_login", "date_joined"]

    def validate_email(self, value: str) -> str:
        value = value.strip().lower()
        if User.objects.filter(email__iexact=value).exists():
            raise ValidationError(_("A user with this email address already exists."))
        return value

    def get_memberships(self, user: User) -> list[dict]:
        current = [m for m in user.memberships.all() if m.is_active]
        return UserMembershipSerializer(current, many=True).data


class DeactivateSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=DeactivationReason.choices)


class ReactivateSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=ReactivationReason.choices)


class UserViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Accounts. Creating one emails the person a single-use link to choose a password."""

    serializer_class = UserSerializer
    permission_classes = [permissions.IsAuthenticated, IsAdministrator]

    def get_queryset(self):  # noqa: ANN201
        qs = selectors.user_queryset_for_user(self.request.user).prefetch_related(
            "memberships__organisation"
        )
        active = self.request.query_params.get("is_active")
        if active in {"true", "false"}:
            qs = qs.filter(is_active=active == "true")
        return qs.order_by("full_name", "email")

    def perform_create(self, serializer: UserSerializer) -> None:
        try:
            user = services.user_invite(
                acting_user=self.request.user,
                email=serializer.validated_data["email"],
                full_name=serializer.validated_data["full_name"],
                preferred_language=serializer.validated_data["preferred_language"],
                site_url=self.request.build_absolute_uri("/"),
            )
        except services.AccountError as exc:
            raise ValidationError({"email": [str(exc)]}) from None
        serializer.instance = user

    @extend_schema(request=DeactivateSerializer, responses=UserSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, pk: str | None = None, version: str = "") -> Response:
        user = self.get_object()
        data = DeactivateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.user_deactivate(
                acting_user=request.user, user=user, reason=data.validated_data["reason"]
            )
        except services.AccountError as exc:
            raise ValidationError({"non_field_errors": [str(exc)]}) from None
        return Response(UserSerializer(user).data)

    @extend_schema(request=ReactivateSerializer, responses=UserSerializer)
    @action(detail=True, methods=["post"])
    def reactivate(self, request: Request, pk: str | None = None, version: str = "") -> Response:
        user = self.get_object()
        data = ReactivateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.user_reactivate(
            acting_user=request.user, user=user, reason=data.validated_data["reason"]
        )
        return Response(UserSerializer(user).data)


class MembershipViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Memberships (organisation + role). Ending one keeps it in the history."""

    serializer_class = MembershipSerializer
    permission_classes = [permissions.IsAuthenticated, IsAdministrator]

    def get_queryset(self):  # noqa: ANN201
        qs = selectors.membership_queryset_for_user(self.request.user)
        params = self.request.query_params
        for key in ("user", "organisation"):
            value = params.get(key)
            if value:
                try:
                    identifier = serializers.UUIDField().to_internal_value(value)
                except ValidationError:
                    raise ValidationError({key: [_("Must be a valid identifier.")]}) from None
                qs = qs.filter(**{f"{key}_id": identifier})
        if params.get("is_active") in {"true", "false"}:
            qs = qs.filter(is_active=params["is_active"] == "true")
        if params.get("role") in Role.values:
            qs = qs.filter(role=params["role"])
        return qs.order_by("organisation__name", "role", "created_at")

    @transaction.atomic
    def perform_create(self, serializer: MembershipSerializer) -> None:
        try:
            serializer.instance = services.membership_add(
                acting_user=self.request.user, **serializer.validated_data
            )
        except services.AccountError as exc:
            raise ValidationError({"non_field_errors": [str(exc)]}) from None

    @extend_schema(request=None, responses=MembershipSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str | None = None, version: str = "") -> Response:
        membership = self.get_object()
        if membership.is_active:
            try:
                services.membership_end(acting_user=request.user, membership=membership)
            except services.AccountError as exc:
                raise ValidationError({"non_field_errors": [str(exc)]}) from None
        return Response(MembershipSerializer(membership).data, status=status.HTTP_200_OK)


def register(router, patterns) -> None:  # noqa: ANN001
    router.register("users", UserViewSet, basename="user")
    router.register("memberships", MembershipViewSet, basename="membership")
