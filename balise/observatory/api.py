"""REST endpoints under /api/v1/observatory/: releases (published ones for every member, and
anonymously when ``BALISE_PUBLIC_STATISTICS`` is on; drafts for statisticians), read-only; and
release assemblies (statisticians only): ask for one, follow its progress."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from . import services
from .enums import AssemblyError
from .models import Release, ReleaseAssembly
from .permissions import is_statistician, public_statistics_enabled
from .selectors import (
    assembly_queryset_for_user,
    public_release_queryset,
    release_queryset_for_user,
)


class ReleaseSerializer(serializers.ModelSerializer):
    period = serializers.CharField(read_only=True)

    class Meta:
        model = Release
        fields = [
            "id", "period", "year", "quarter", "area", "version", "status", "published_at",
            "correction_note", "previous", "disclosure_config", "audit_report", "tables",
            "delays",
        ]  # fmt: skip
        read_only_fields = fields


class PublicOrAuthenticated(permissions.BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated) or public_statistics_enabled()


class ReleaseViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ReleaseSerializer
    permission_classes = [PublicOrAuthenticated]

    def get_queryset(self) -> Any:
        user = self.request.user
        if user.is_authenticated and is_statistician(user):
            queryset = release_queryset_for_user(user)
        elif user.is_authenticated and not public_statistics_enabled():
            queryset = release_queryset_for_user(user)
        else:
            queryset = public_release_queryset()
        status = self.request.query_params.get("status")
        if status:
            queryset = queryset.filter(status=status)
        return queryset.order_by("-year", "-quarter", "area", "-version")


class AssemblySerializer(serializers.ModelSerializer):
    period = serializers.CharField(read_only=True)
    error_message = serializers.SerializerMethodField()

    class Meta:
        model = ReleaseAssembly
        fields = [
            "id", "request_id", "period", "year", "quarter", "area", "status", "progress",
            "step", "error", "error_message", "release", "previous", "created_at",
            "started_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_error_message(self, obj: ReleaseAssembly) -> str:
        """Why it failed, in the caller's language."""
        return str(AssemblyError(obj.error).label) if obj.error else ""


class AssemblyRequestSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    quarter = serializers.IntegerField(
        min_value=1, max_value=4, required=False, allow_null=True, default=None
    )
    area = serializers.CharField(max_length=100, default="national")
    request_id = serializers.UUIDField(required=False, allow_null=True, default=None)


class AssemblyViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """``POST`` asks for a release to be assembled in the background (202, idempotent with
    ``request_id``); ``GET`` follows its status and progress. Statisticians only: others get
    403 on ``POST`` and see no assembly."""

    serializer_class = AssemblySerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self) -> Any:
        return assembly_queryset_for_user(self.request.user)

    def create(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        if not is_statistician(request.user):
            raise PermissionDenied
        data = AssemblyRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            assembly = services.request_release_assembly(actor=request.user, **data.validated_data)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return Response(AssemblySerializer(assembly).data, status=status.HTTP_202_ACCEPTED)


def register(router: Any, patterns: list) -> None:
    router.register("observatory/releases", ReleaseViewSet, basename="observatory-release")
    router.register("observatory/assemblies", AssemblyViewSet, basename="observatory-assembly")
