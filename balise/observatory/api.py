"""REST endpoints under /api/v1/observatory/: releases (published ones for every member, and
anonymously when ``BALISE_PUBLIC_STATISTICS`` is on; drafts for statisticians), read-only."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions, serializers, viewsets

from .models import Release
from .permissions import is_statistician, public_statistics_enabled
from .selectors import public_release_queryset, release_queryset_for_user


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


def register(router: Any, patterns: list) -> None:
    router.register("observatory/releases", ReleaseViewSet, basename="observatory-release")
