from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from balise.audit.enums import AuditAction
from balise.audit.services import audit_record
from balise.organisations import lifecycle
from balise.organisations.models import Organisation
from balise.organisations.permissions import can_manage_organisations

EDITABLE_FIELDS = ("name", "kind", "region", "contact_email", "contact_phone", "address")


def _require_admin(user) -> None:  # noqa: ANN001
    if user is not None and not can_manage_organisations(user):
        raise PermissionDenied


@transaction.atomic
def organisation_create(*, acting_user, **data: Any) -> Organisation:  # noqa: ANN001
    _require_admin(acting_user)
    org = Organisation(**{k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    org.full_clean()
    org.save()
    audit_record(actor=acting_user, action=AuditAction.CREATE, obj=org)
    return org


@transaction.atomic
def organisation_update(*, acting_user, organisation: Organisation, **data: Any) -> Organisation:  # noqa: ANN001, E501
    _require_admin(acting_user)
    changed = []
    for key, value in data.items():
        if key in EDITABLE_FIELDS and getattr(organisation, key) != value:
            setattr(organisation, key, value)
            changed.append(key)
    if changed:
        organisation.full_clean()
        organisation.save()
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=organisation,
            details={"fields": changed},
        )
    return organisation


TRANSITIONS = {
    "suspend": lifecycle.ACCESS,
    "reactivate": lifecycle.ACCESS,
    "accredit": lifecycle.ACCREDITATION,
    "suspend_accreditation": lifecycle.ACCREDITATION,
}


@transaction.atomic
def organisation_transition(
    *,
    acting_user,
    organisation: Organisation,
    event: str,
    reason: str,  # noqa: ANN001
) -> Organisation:
    """Suspend/reactivate access, or accredit/suspend accreditation. Suspending access cuts the
    members' sessions at their next request (see AccessMiddleware)."""
    _require_admin(acting_user)
    machine = TRANSITIONS[event]
    machine.apply(organisation, event, actor=acting_user, reason=reason)
    audit_record(
        actor=acting_user, action=AuditAction.TRANSITION, obj=organisation, details={"event": event}
    )
    return organisation
