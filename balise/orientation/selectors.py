"""Reads, always scoped to what the user needs to know.

- The competent authority's staff see every orientation and support file (shared notes only).
- The organisation that sent an orientation sees it and its outcome.
- The referring organisation sees the outcome of orientations made from its referrals.
- A service's staff see orientations addressed to their service while pending or accepted (a
  declined, expired or withdrawn request disappears for them at once), the support files of their
  service, and of the person only the fields each orientation shared."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from balise.orientation.enums import (
    NoteVisibility,
    OrientationStatus,
    SharedField,
)
from balise.orientation.models import CaseNote, OrientationRequest, SupportFile
from balise.orientation.permissions import (
    is_authority_staff,
    orienting_organisations,
    service_staff_organisations,
)

VISIBLE_TO_SERVICE = (OrientationStatus.PENDING, OrientationStatus.ACCEPTED)


def _referring_orgs(user) -> list:  # noqa: ANN001
    from balise.referrals.permissions import referring_organisations

    return referring_organisations(user)


def orientation_queryset_for_user(user) -> QuerySet[OrientationRequest]:  # noqa: ANN001
    qs = OrientationRequest.objects.select_related(
        "service", "service__organisation", "requesting_organisation", "referral", "person"
    )
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if is_authority_staff(user):
        return qs
    scope = Q(pk__in=[])
    staff_orgs = service_staff_organisations(user)
    if staff_orgs:
        scope |= Q(service__organisation__in=staff_orgs, status__in=VISIBLE_TO_SERVICE)
    senders = orienting_organisations(user)
    if senders:
        scope |= Q(requesting_organisation__in=senders)
    referring = _referring_orgs(user)
    if referring:
        scope |= Q(referral__organisation__in=referring)
    return qs.filter(scope)


def viewpoint(user, orientation: OrientationRequest) -> str:  # noqa: ANN001
    """How ``user`` looks at an orientation they may see: ``authority``, ``sender``,
    ``service`` or ``referrer`` (outcome only)."""
    if is_authority_staff(user):
        return "authority"
    if orientation.requesting_organisation in orienting_organisations(user):
        return "sender"
    if (
        orientation.service.organisation in service_staff_organisations(user)
        and orientation.status in VISIBLE_TO_SERVICE
    ):
        return "service"
    return "referrer"


def support_file_queryset_for_user(user) -> QuerySet[SupportFile]:  # noqa: ANN001
    qs = SupportFile.objects.select_related(
        "service", "service__organisation", "orientation", "person"
    )
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if is_authority_staff(user):
        return qs
    scope = Q(pk__in=[])
    staff_orgs = service_staff_organisations(user)
    if staff_orgs:
        scope |= Q(service__organisation__in=staff_orgs)
    senders = orienting_organisations(user)
    if senders:
        scope |= Q(orientation__requesting_organisation__in=senders)
    return qs.filter(scope)


def is_file_staff(user, support_file: SupportFile) -> bool:  # noqa: ANN001
    return support_file.service.organisation in service_staff_organisations(user)


def notes_for_user(user, support_file: SupportFile) -> QuerySet[CaseNote]:  # noqa: ANN001
    notes = support_file.notes.select_related("author")
    if is_file_staff(user, support_file):
        return notes
    return notes.filter(visibility=NoteVisibility.SHARED)


def shared_person_data(orientation: OrientationRequest) -> list[tuple[str, Any]]:
    """The person as the receiving service may see them: only the shared fields, labelled."""
    return [
        (str(SharedField(code).label), value)
        for code, value in shared_person_values(orientation, display=True).items()
    ]


def shared_person_values(
    orientation: OrientationRequest, *, display: bool = False
) -> dict[str, Any]:
    """Only the shared fields, by code; dates in ISO format; for ``display``, booleans as
    Yes/No and blanks as a dash."""
    person = orientation.person
    referral = orientation.referral
    today = timezone.localdate()
    values: dict[str, Any] = {
        SharedField.GIVEN_NAMES: person.given_names,
        SharedField.FAMILY_NAME: person.family_name,
        SharedField.BIRTH_DATE: person.birth_date,
        SharedField.AGE: person.age_on(today),
        SharedField.GENDER: person.get_gender_display(),
        SharedField.NATIONALITIES: ", ".join(person.nationalities or []),
        SharedField.LANGUAGES: ", ".join(person.languages or []),
        SharedField.INTERPRETER_NEEDED: person.interpreter_needed,
        SharedField.CONTACT: person.contact,
        SharedField.PRESUMED_MINOR: person.is_presumed_minor(on=today),
        SharedField.EXPLOITATION_FORMS: ", ".join(referral.exploitation_forms or [])
        if referral
        else None,
        SharedField.IMMEDIATE_DANGER: referral.immediate_danger if referral else None,
        SharedField.NARRATIVE: referral.narrative if referral else None,
    }
    out: dict[str, Any] = {}
    for code in SharedField.values:
        if code not in orientation.shared_fields:
            continue
        value = values.get(code)
        if isinstance(value, datetime.date):
            value = value.isoformat()
        if display:
            if isinstance(value, bool):
                value = _("Yes") if value else _("No")
            value = value if value not in (None, "") else "—"
        out[code] = value
    return out
