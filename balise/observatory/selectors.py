"""Which releases a user may see: statisticians see drafts, others published figures only."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .enums import ReleaseStatus
from .models import ExternalSeries, Release, ReleaseAssembly
from .permissions import can_read_published, is_statistician

PUBLIC_STATUSES = (ReleaseStatus.PUBLISHED, ReleaseStatus.SUPERSEDED)


def release_queryset_for_user(user: Any) -> QuerySet[Release]:
    if is_statistician(user):
        return Release.objects.all()
    if can_read_published(user):
        return Release.objects.filter(status__in=PUBLIC_STATUSES)
    return Release.objects.none()


def public_release_queryset() -> QuerySet[Release]:
    return Release.objects.filter(status__in=PUBLIC_STATUSES)


def published_series(area: str = "national", quarter: int | None = None) -> list[Release]:
    """The current published version of each year, oldest first (for charts over time)."""
    releases = Release.objects.filter(
        status=ReleaseStatus.PUBLISHED, area=area, quarter=quarter
    ).order_by("year")
    return list(releases)


def external_series_for_user(user: Any) -> QuerySet[ExternalSeries]:
    if is_statistician(user) or can_read_published(user):
        return ExternalSeries.objects.prefetch_related("values")
    return ExternalSeries.objects.none()


def assembly_queryset_for_user(user: Any) -> QuerySet[ReleaseAssembly]:
    """Release assemblies (drafts in the making): statisticians only."""
    if is_statistician(user):
        return ReleaseAssembly.objects.select_related("release", "requested_by")
    return ReleaseAssembly.objects.none()


def active_assemblies_for_user(user: Any) -> QuerySet[ReleaseAssembly]:
    from .enums import ACTIVE_ASSEMBLY

    return assembly_queryset_for_user(user).filter(status__in=ACTIVE_ASSEMBLY)
