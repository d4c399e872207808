"""Changes to the directory. Places are booked and released with conditional UPDATEs evaluated by
the database, so the last free place can be booked once only, whatever the concurrency."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from balise.audit.services import audit_record
from balise.directory.models import Service


class NoPlaceAvailable(Exception):
    """The service has no free place left (someone else may just have taken the last one)."""


def service_save(*, acting_user, service: Service, changed: list[str]) -> Service:  # noqa: ANN001
    """Save an entry edited by its manager (or an administrator); stamp and audit it."""
    with transaction.atomic():
        created = service._state.adding
        service.updated_at = timezone.now()
        service.updated_by = acting_user
        service.full_clean()
        service.save()
        audit_record(
            actor=acting_user,
            action="create" if created else "update",
            obj=service,
            details={"fields": sorted(changed)},
        )
    return service


def places_update(
    *,
    acting_user,
    service: Service,
    total: int,
    occupied: int,
    reserved_quota: int,
    out_of_service: int,
) -> Service:  # noqa: ANN001
    """The shelter's own count of places. Bookings made through Balise are kept: the new
    figures must leave room for them."""
    with transaction.atomic():
        locked = Service.objects.select_for_update().get(pk=service.pk)
        if total < occupied + out_of_service + locked.places_booked:
            raise ValueError("places exceed total")
        locked.places_total = total
        locked.places_occupied = occupied
        locked.places_reserved_quota = reserved_quota
        locked.places_out_of_service = out_of_service
        locked.updated_at = timezone.now()
        locked.updated_by = acting_user
        locked.save()
        audit_record(
            actor=acting_user,
            action="update",
            obj=locked,
            details={
                "places_total": total,
                "places_occupied": occupied,
                "places_reserved_quota": reserved_quota,
                "places_out_of_service": out_of_service,
            },
        )
    return locked


def place_book(service_id: Any) -> None:
    """Hold one place. Raises :class:`NoPlaceAvailable` when none is free. The check and the
    increment are one statement, so concurrent bookings of the last place cannot both win."""
    updated = Service.objects.filter(
        pk=service_id,
        is_active=True,
        places_total__gt=F("places_occupied") + F("places_out_of_service") + F("places_booked"),
    ).update(places_booked=F("places_booked") + 1)
    if updated != 1:
        raise NoPlaceAvailable


def place_release(service_id: Any) -> None:
    Service.objects.filter(pk=service_id, places_booked__gt=0).update(
        places_booked=F("places_booked") - 1
    )
