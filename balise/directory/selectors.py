"""Reads of the directory."""

from __future__ import annotations

from django.db.models import QuerySet

from balise.accounts.enums import Role
from balise.directory.models import Service
from balise.directory.permissions import can_read_directory


def service_queryset_for_user(user) -> QuerySet[Service]:  # noqa: ANN001
    if not can_read_directory(user):
        return Service.objects.none()
    return Service.objects.select_related("organisation")


def managed_services(user) -> QuerySet[Service]:  # noqa: ANN001
    if not user.is_authenticated:
        return Service.objects.none()
    if user.has_role(Role.ADMINISTRATOR):
        return Service.objects.all()
    return Service.objects.filter(
        organisation__in=user.organisations_with_role(Role.SHELTER_MANAGER)
    )


def service_list(
    user,  # noqa: ANN001
    *,
    kind: str = "",
    region: str = "",
    with_free_places: bool = False,
) -> QuerySet[Service]:
    from django.db.models import F

    qs = service_queryset_for_user(user)
    if kind:
        qs = qs.filter(kind=kind)
    if region:
        qs = qs.filter(region=region)
    if with_free_places:
        qs = qs.filter(
            places_total__gt=F("places_occupied") + F("places_out_of_service") + F("places_booked")
        )
    return qs.order_by("region", "name")
