"""Changes: sending orientations, answering them, the follow-up and closure. Each change runs in
one transaction with its transition log and audit entry; notices carry references only."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balise.accounts.enums import Role
from balise.audit.enums import AuditAction
from balise.audit.services import audit_record
from balise.codelists.lists import SupportType
from balise.directory import services as directory_services
from balise.directory.enums import ServiceKind
from balise.directory.geo import min_distance_km
from balise.directory.models import Service
from balise.jurisdictions.profiles import get_profile
from balise.orientation import lifecycle
from balise.orientation.enums import (
    AMOUNT_RIGHTS,
    NEVER_SHARED_WITH_SHELTERS,
    ConsentBasis,
    DangerKind,
    DeclineReason,
    FileKind,
    FileStatus,
    OrientationStatus,
    SharedField,
)
from balise.orientation.models import (
    CaseNote,
    DangerLocation,
    OrientationRequest,
    OrientationTransition,
    RightEvent,
    SharingConsent,
    SupportEvent,
    SupportFile,
)
from balise.orientation.permissions import (
    can_override_consent,
    is_service_staff,
    orienting_organisations,
)

NoPlaceAvailable = directory_services.NoPlaceAvailable

#: Minimum length of the justification of an emergency override.
OVERRIDE_JUSTIFICATION_MIN = 20


def _notify(users: Iterable, subject: object, body: object) -> None:  # noqa: ANN001
    """A short notice by e-mail; the text carries references only, never personal data."""
    for user in {u for u in users if u.is_active and u.email}:
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            send_mail(str(subject), str(body), None, [user.email], fail_silently=True)


def service_staff(
    service: Service, roles: Sequence[str] = (Role.SUPPORT_WORKER, Role.SHELTER_MANAGER)
):
    from balise.accounts.models import User

    return User.objects.filter(
        memberships__organisation=service.organisation,
        memberships__role__in=roles,
        memberships__is_active=True,
        is_active=True,
    ).distinct()


# -- danger locations ---------------------------------------------------------------------
def danger_location_add(
    *, acting_user, person, kind: str, latitude: float, longitude: float, label: str = ""
) -> DangerLocation:  # noqa: ANN001
    if kind not in DangerKind.values:
        raise ValidationError({"kind": _("Unknown kind of place.")})
    if not (-90 <= latitude <= 90) or not (-180 <= longitude <= 180):
        raise ValidationError({"latitude": _("Coordinates out of range.")})
    with transaction.atomic():
        loc = DangerLocation.objects.create(
            person=person,
            kind=kind,
            label=label or None,
            coordinates={"lat": float(latitude), "lon": float(longitude)},
            recorded_by=acting_user,
        )
        audit_record(actor=acting_user, action=AuditAction.CREATE, obj=loc, details={"kind": kind})
    return loc


def danger_points(person) -> list[tuple[float, float]]:  # noqa: ANN001
    return [loc.point for loc in DangerLocation.objects.filter(person=person)]


# -- sending ------------------------------------------------------------------------------
@dataclass(frozen=True)
class OrientationInput:
    services: Sequence[Service]
    need: str
    shared_fields: Sequence[str]
    message: str = ""
    consent_basis: str = ConsentBasis.CONSENT
    consent_recorded: bool = False
    override_justification: str = ""
    safe_relocation: bool = False
    min_distance_km: float | None = None


def _check_shared_fields(data: OrientationInput) -> None:
    unknown = set(data.shared_fields) - set(SharedField.values)
    if unknown:
        raise ValidationError({"shared_fields": _("Unknown information to share.")})
    if not data.shared_fields:
        raise ValidationError({"shared_fields": _("Choose what the service needs to know.")})
    shelters = [s for s in data.services if s.kind == ServiceKind.SHELTER]
    if shelters and NEVER_SHARED_WITH_SHELTERS & set(data.shared_fields):
        raise ValidationError(
            {"shared_fields": _("A shelter never receives the narrative of the referral.")}
        )


def _check_consent(acting_user, person, data: OrientationInput) -> None:  # noqa: ANN001
    minor = person.is_presumed_minor()
    if data.consent_basis == ConsentBasis.MINOR:
        if not minor:
            raise ValidationError(
                {"consent_basis": _("The person is an adult: their consent is needed.")}
            )
        return
    if data.consent_basis == ConsentBasis.EMERGENCY_OVERRIDE:
        if not can_override_consent(acting_user):
            raise PermissionDenied(_("Only a team lead may override consent in an emergency."))
        if len(data.override_justification.strip()) < OVERRIDE_JUSTIFICATION_MIN:
            raise ValidationError(
                {
                    "override_justification": _(
                        "Explain the emergency (at least %(n)d characters)."
                    )
                    % {"n": OVERRIDE_JUSTIFICATION_MIN}
                }
            )
        return
    if data.consent_basis != ConsentBasis.CONSENT:
        raise ValidationError({"consent_basis": _("Choose the basis for sharing.")})
    if minor or not get_profile().adult_consent_required:
        return
    if not data.consent_recorded:
        raise ValidationError(
            {
                "consent_recorded": _(
                    "Record the person's agreement to share these details with the services."
                )
            }
        )


def orientation_send(
    *,
    acting_user,  # noqa: ANN001
    person,  # noqa: ANN001
    data: OrientationInput,
    referral=None,  # noqa: ANN001
    organisation=None,  # noqa: ANN001
) -> list[OrientationRequest]:
    """Send one request per chosen service. Checks the sender's right, the shared fields, the
    consent to sharing (or the emergency override) and, for a safe relocation, that every
    service lies at least the minimum distance away from every known place of danger."""
    senders = orienting_organisations(acting_user)
    if not senders:
        raise PermissionDenied(_("You may not send orientations."))
    organisation = organisation or senders[0]
    if organisation not in senders:
        raise PermissionDenied(_("You may not send orientations for this organisation."))
    if not data.services:
        raise ValidationError({"services": _("Choose at least one service.")})
    if data.need not in SupportType.values:
        raise ValidationError({"need": _("Choose the need.")})
    inactive = [s for s in data.services if not s.is_active]
    if inactive:
        raise ValidationError({"services": _("A chosen service is closed to orientations.")})
    _check_shared_fields(data)
    _check_consent(acting_user, person, data)
    points = danger_points(person)
    min_km = (
        data.min_distance_km
        if data.min_distance_km is not None
        else float(get_profile().safe_relocation_min_km)
    )
    distances = {s.pk: min_distance_km(s.latitude, s.longitude, points) for s in data.services}
    if data.safe_relocation:
        if not points:
            raise ValidationError({"safe_relocation": _("Record the place of exploitation first.")})
        too_close = [s for s in data.services if distances[s.pk] < min_km]
        if too_close:
            raise ValidationError(
                {
                    "services": _("Too close to a place of danger (less than %(km)d km): %(names)s")
                    % {"km": min_km, "names": ", ".join(s.name for s in too_close)}
                }
            )
    created: list[OrientationRequest] = []
    with transaction.atomic():
        batch = None
        for service in data.services:
            consent = None
            if data.consent_basis == ConsentBasis.CONSENT and data.consent_recorded:
                consent = SharingConsent.objects.create(
                    person=person, organisation=service.organisation, recorded_by=acting_user
                )
                audit_record(
                    actor=acting_user,
                    action="consent_recorded",
                    obj=consent,
                    details={"organisation": str(service.organisation_id)},
                )
            o = OrientationRequest(
                person=person,
                referral=referral,
                service=service,
                need=data.need,
                safe_relocation=data.safe_relocation,
                distance_km=distances[service.pk],
                shared_fields=[f for f in SharedField.values if f in set(data.shared_fields)],
                message=data.message or None,
                consent_basis=data.consent_basis,
                consent=consent,
                override_justification=data.override_justification or None,
                requested_by=acting_user,
                requesting_organisation=organisation,
            )
            if batch is not None:
                o.batch = batch
            o.save()
            batch = o.batch
            OrientationTransition.objects.create(
                orientation=o,
                event="send",
                from_state="",
                to_state=OrientationStatus.PENDING,
                actor=acting_user,
            )
            audit_record(
                actor=acting_user,
                action=AuditAction.CREATE,
                obj=o,
                details={
                    "service": str(service.pk),
                    "shared_fields": o.shared_fields,
                    "consent_basis": o.consent_basis,
                },
            )
            if data.consent_basis == ConsentBasis.EMERGENCY_OVERRIDE:
                audit_record(
                    actor=acting_user,
                    action="consent_override",
                    obj=o,
                    details={"service": str(service.pk)},
                )
            created.append(o)
        for o in created:
            transaction.on_commit(
                lambda o=o: _notify(
                    service_staff(o.service),
                    gettext_lazy("Balise: new orientation request"),
                    gettext_lazy(
                        "Your service has received an orientation request. Sign in to Balise to"
                        " answer it."
                    ),
                )
            )
    return created


# -- answering ----------------------------------------------------------------------------
def _require_service_staff(user, orientation: OrientationRequest) -> None:  # noqa: ANN001
    if not is_service_staff(user, orientation.service):
        raise PermissionDenied(_("Only the service's staff may answer this request."))


def orientation_accept(*, acting_user, orientation: OrientationRequest) -> SupportFile:  # noqa: ANN001
    """Accept: a shelter asked for accommodation holds one place (or refuses clearly when the
    last place has just gone); other services open a support relationship."""
    _require_service_staff(acting_user, orientation)
    service = orientation.service
    is_placement = service.kind == ServiceKind.SHELTER
    with transaction.atomic():
        # Lock the request first: two accepts of the same request cannot both pass.
        OrientationRequest.objects.select_for_update().get(pk=orientation.pk)
        orientation.refresh_from_db(fields=["status"])
        lifecycle.ORIENTATION.target(orientation.status, "accept")
        if is_placement:
            directory_services.place_book(service.pk)
        orientation.responded_by = acting_user
        orientation.responded_at = timezone.now()
        lifecycle.ORIENTATION.apply(
            orientation,
            "accept",
            actor=acting_user,
            extra_update_fields=["responded_by", "responded_at"],
        )
        support_file = SupportFile.objects.create(
            orientation=orientation,
            person=orientation.person,
            service=service,
            kind=FileKind.PLACEMENT if is_placement else FileKind.SUPPORT,
            place_held=is_placement,
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.TRANSITION,
            obj=orientation,
            details={"event": "accept", "support_file": str(support_file.pk)},
        )
        transaction.on_commit(
            lambda: _notify(
                [orientation.requested_by],
                gettext_lazy("Balise: orientation accepted"),
                gettext_lazy(
                    "A service has accepted one of your orientation requests. Sign in to Balise."
                ),
            )
        )
    return support_file


def orientation_decline(
    *,
    acting_user,
    orientation: OrientationRequest,
    reason: str,
    details: str = "",  # noqa: ANN001
) -> OrientationRequest:
    _require_service_staff(acting_user, orientation)
    if reason not in DeclineReason.values:
        raise ValidationError({"reason": _("Choose a reason.")})
    if reason == DeclineReason.OTHER and not details.strip():
        raise ValidationError({"details": _("Say why the request is declined.")})
    with transaction.atomic():
        orientation.decline_reason = reason
        orientation.decline_details = details.strip() or None
        orientation.responded_by = acting_user
        orientation.responded_at = timezone.now()
        lifecycle.ORIENTATION.apply(
            orientation,
            "decline",
            actor=acting_user,
            reason=reason,
            extra_update_fields=[
                "decline_reason",
                "decline_details",
                "responded_by",
                "responded_at",
            ],
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.TRANSITION,
            obj=orientation,
            details={"event": "decline", "reason": reason},
        )
        transaction.on_commit(
            lambda: _notify(
                [orientation.requested_by],
                gettext_lazy("Balise: orientation declined"),
                gettext_lazy(
                    "A service has declined one of your orientation requests. Sign in to Balise."
                ),
            )
        )
    return orientation


def orientation_withdraw(
    *,
    acting_user,
    orientation: OrientationRequest,
    reason: str = "",  # noqa: ANN001
) -> OrientationRequest:
    if orientation.requesting_organisation not in orienting_organisations(acting_user):
        raise PermissionDenied(_("Only the sender may withdraw this request."))
    with transaction.atomic():
        lifecycle.ORIENTATION.apply(orientation, "withdraw", actor=acting_user, reason=reason)
        audit_record(
            actor=acting_user,
            action=AuditAction.TRANSITION,
            obj=orientation,
            details={"event": "withdraw"},
        )
    return orientation


# -- reminders, escalation, expiry ---------------------------------------------------------
@dataclass(frozen=True)
class Step:
    after: datetime.timedelta
    level: int
    audience: str  # "service" | "manager" | "sender" | "expire"


#: Unanswered requests: a reminder to the service, then its manager, then the sender; expiry.
CADENCE: tuple[Step, ...] = (
    Step(datetime.timedelta(days=2), 1, "service"),
    Step(datetime.timedelta(days=4), 2, "manager"),
    Step(datetime.timedelta(days=6), 3, "sender"),
    Step(datetime.timedelta(days=10), 4, "expire"),
)


def remind_pending(now: datetime.datetime | None = None) -> dict[str, int]:
    """Advance each pending request to the step of the cadence its age calls for. Idempotent:
    a step is taken once (``reminder_level``)."""
    now = now or timezone.now()
    counts = {"service": 0, "manager": 0, "sender": 0, "expire": 0}
    pending = OrientationRequest.objects.filter(status=OrientationStatus.PENDING).select_related(
        "service", "service__organisation", "requested_by"
    )
    for o in pending:
        age = now - o.created_at
        due = [s for s in CADENCE if age >= s.after and s.level > o.reminder_level]
        if not due:
            continue
        step = due[-1]
        with transaction.atomic():
            if step.audience == "expire":
                lifecycle.ORIENTATION.apply(
                    o, "expire", actor=None, reason=_("No answer within the time allowed.")
                )
                recipients = [o.requested_by, *service_staff(o.service)]
                subject = gettext_lazy("Balise: orientation request expired")
                body = gettext_lazy(
                    "An orientation request expired without an answer. Sign in to Balise."
                )
            else:
                if step.audience == "service":
                    recipients = list(service_staff(o.service))
                elif step.audience == "manager":
                    recipients = list(service_staff(o.service, roles=(Role.SHELTER_MANAGER,)))
                else:
                    recipients = [o.requested_by]
                subject = gettext_lazy("Balise: orientation request awaiting an answer")
                body = gettext_lazy(
                    "An orientation request has been waiting for an answer for several days."
                    " Sign in to Balise."
                )
            OrientationRequest.objects.filter(pk=o.pk).update(
                reminder_level=step.level, last_reminded_at=now
            )
            audit_record(
                action="orientation_reminder",
                obj=o,
                details={"level": step.level, "audience": step.audience},
            )
            transaction.on_commit(lambda r=recipients, s=subject, b=body: _notify(r, s, b))
        counts[step.audience] += 1
    return counts


# -- follow-up ----------------------------------------------------------------------------
def _require_file_staff(user, support_file: SupportFile) -> None:  # noqa: ANN001
    if not is_service_staff(user, support_file.service):
        raise PermissionDenied(_("Only the service's staff may follow this person up."))


def _require_open(support_file: SupportFile) -> None:
    if support_file.status != FileStatus.OPEN:
        raise ValidationError(_("The file is closed."))


def support_event_add(
    *,
    acting_user,  # noqa: ANN001
    support_file: SupportFile,
    support_type: str,
    occurred_on: datetime.date,
    description: str = "",
) -> SupportEvent:
    _require_file_staff(acting_user, support_file)
    _require_open(support_file)
    if support_type not in SupportType.values:
        raise ValidationError({"support_type": _("Choose the type of support.")})
    with transaction.atomic():
        event = SupportEvent.objects.create(
            support_file=support_file,
            support_type=support_type,
            occurred_on=occurred_on,
            description=description or None,
            recorded_by=acting_user,
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=event,
            details={"support_type": support_type},
        )
    return event


def right_add(
    *,
    acting_user,  # noqa: ANN001
    support_file: SupportFile,
    kind: str,
    occurred_on: datetime.date,
    amount: Decimal | None = None,
) -> RightEvent:
    _require_file_staff(acting_user, support_file)
    _require_open(support_file)
    if kind in AMOUNT_RIGHTS and amount is None:
        raise ValidationError({"amount": _("Give the amount.")})
    if kind not in AMOUNT_RIGHTS:
        amount = None
    with transaction.atomic():
        right = RightEvent.objects.create(
            support_file=support_file,
            kind=kind,
            occurred_on=occurred_on,
            amount=amount,
            recorded_by=acting_user,
        )
        audit_record(
            actor=acting_user, action=AuditAction.CREATE, obj=right, details={"kind": kind}
        )
    return right


def guardian_set(
    *,
    acting_user,  # noqa: ANN001
    support_file: SupportFile,
    name: str,
    organisation: str = "",
    contact: str = "",
    appointed_on: datetime.date | None = None,
) -> SupportFile:
    """Record the guardian of an unaccompanied child (a presumed child counts)."""
    _require_file_staff(acting_user, support_file)
    _require_open(support_file)
    if not support_file.person.is_presumed_minor():
        raise ValidationError(_("A guardian is recorded for a child only."))
    with transaction.atomic():
        support_file.guardian_name = name or None
        support_file.guardian_organisation = organisation or None
        support_file.guardian_contact = contact or None
        support_file.guardian_appointed_on = appointed_on
        support_file.save(
            update_fields=[
                "guardian_name",
                "guardian_organisation",
                "guardian_contact",
                "guardian_appointed_on",
            ]
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=support_file,
            details={"fields": ["guardian"]},
        )
    return support_file


def note_add(
    *,
    acting_user,
    support_file: SupportFile,
    text: str,
    visibility: str,  # noqa: ANN001
) -> CaseNote:
    _require_file_staff(acting_user, support_file)
    if not text.strip():
        raise ValidationError({"text": _("Write the note.")})
    with transaction.atomic():
        note = CaseNote.objects.create(
            support_file=support_file, text=text.strip(), visibility=visibility, author=acting_user
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=note,
            details={"visibility": visibility},
        )
    return note


def file_close(
    *,
    acting_user,
    support_file: SupportFile,
    reason: str,
    details: str = "",  # noqa: ANN001
) -> SupportFile:
    from balise.codelists.lists import ClosureReason

    _require_file_staff(acting_user, support_file)
    if reason not in ClosureReason.values:
        raise ValidationError({"reason": _("Choose the reason for closing.")})
    with transaction.atomic():
        support_file.closure_reason = reason
        support_file.closure_details = details.strip() or None
        support_file.closed_at = timezone.now()
        release = support_file.place_held
        support_file.place_held = False
        lifecycle.SUPPORT_FILE.apply(
            support_file,
            "close",
            actor=acting_user,
            reason=reason,
            extra_update_fields=["closure_reason", "closure_details", "closed_at", "place_held"],
        )
        if release:
            directory_services.place_release(support_file.service_id)
        audit_record(
            actor=acting_user,
            action=AuditAction.TRANSITION,
            obj=support_file,
            details={"event": "close", "reason": reason},
        )
    return support_file


def file_reopen(*, acting_user, support_file: SupportFile, reason: str) -> SupportFile:  # noqa: ANN001
    """Reopen a closed file (logged with its reason). A placement takes a place again if one
    is free; otherwise it reopens as follow-up without a place."""
    _require_file_staff(acting_user, support_file)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the file is reopened.")})
    if support_file.anonymised_at:
        raise ValidationError(_("The file was anonymised under the retention rule."))
    with transaction.atomic():
        held = False
        if support_file.kind == FileKind.PLACEMENT:
            try:
                directory_services.place_book(support_file.service_id)
                held = True
            except NoPlaceAvailable:
                held = False
        support_file.place_held = held
        support_file.closed_at = None
        support_file.closure_reason = ""
        lifecycle.SUPPORT_FILE.apply(
            support_file,
            "reopen",
            actor=acting_user,
            reason=reason.strip(),
            extra_update_fields=["place_held", "closed_at", "closure_reason"],
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.TRANSITION,
            obj=support_file,
            details={"event": "reopen", "place_held": held},
        )
    return support_file
