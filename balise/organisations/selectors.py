from __future__ import annotations

from django.db import models

from balise.organisations.models import Organisation
from balise.organisations.permissions import can_manage_organisations


def organisation_queryset_for_user(user) -> models.QuerySet[Organisation]:  # noqa: ANN001
    """Administrators see every organisation; others only those they belong to."""
    if can_manage_organisations(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(
        memberships__user=user, memberships__is_active=True
    ).distinct()


def organisation_list(*, user, kind: str = "", q: str = "") -> models.QuerySet[Organisation]:  # noqa: ANN001
    qs = organisation_queryset_for_user(user)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(models.Q(name__icontains=q) | models.Q(region__icontains=q))
    return qs.order_by("name")
