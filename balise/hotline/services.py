"""Writes on hotline calls: log, edit, close, follow up. Each is atomic and audited; the audit
details never carry the notes or anything that identifies a caller."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balise.audit.enums import AuditAction
from balise.audit.services import audit_record
from balise.codelists.lists import ExploitationForm
from balise.core.state_machine import TransitionNotAllowed
from balise.hotline import lifecycle
from balise.hotline.enums import AdviceGiven, CallerType, CallStatus, Urgency
from balise.hotline.models import Call
from balise.hotline.permissions import can_log_call_for, operator_hotlines
from balise.jurisdictions.profiles import get_profile

EDITABLE_FIELDS = (
    "received_at",
    "duration_minutes",
    "language",
    "caller_type",
    "situation_type",
    "exploitation_forms",
    "region",
    "urgency",
    "advice_given",
    "notes",
)
MAX_DURATION_MINUTES = 24 * 60
FUTURE_TOLERANCE = datetime.timedelta(minutes=5)


def _check_values(call: Call) -> None:
    errors: dict[str, str] = {}
    if set(call.exploitation_forms) - set(ExploitationForm.values):
        errors["exploitation_forms"] = _("Choose forms of exploitation from the list.")
    if set(call.advice_given) - set(AdviceGiven.values):
        errors["advice_given"] = _("Choose the advice given from the list.")
    if call.duration_minutes > MAX_DURATION_MINUTES:
        errors["duration_minutes"] = _("A call cannot last more than a day.")
    if call.received_at and call.received_at > timezone.now() + FUTURE_TOLERANCE:
        errors["received_at"] = _("The time of the call cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    call.full_clean(exclude=["hotline", "operator"])


def resolve_hotline(acting_user, hotline=None):  # noqa: ANN001, ANN201
    """The operator's hotline that ``hotline`` (an organisation, its id, or nothing) names.
    ``PermissionDenied`` for someone who answers no hotline; a ``ValidationError`` on the
    ``hotline`` field when it is missing for an operator of several, or not one of theirs."""
    hotlines = operator_hotlines(acting_user)
    if not hotlines:
        raise PermissionDenied
    if hotline in (None, ""):
        if len(hotlines) > 1:
            raise ValidationError({"hotline": _("Choose the hotline this call is logged under.")})
        return hotlines[0]
    wanted = str(getattr(hotline, "pk", hotline))
    match = next((h for h in hotlines if str(h.pk) == wanted), None)
    if match is None or not can_log_call_for(acting_user, match):
        raise ValidationError({"hotline": _("You do not answer calls for this hotline.")})
    return match


@transaction.atomic
def call_create(*, acting_user, hotline=None, **data: Any) -> Call:  # noqa: ANN001
    """Log a call for ``hotline`` (an organisation or its id), one of the operator's hotlines.
    An operator of a single hotline may leave it out; an operator of several must choose."""
    hotline = resolve_hotline(acting_user, hotline)
    call = Call(
        hotline=hotline,
        operator=acting_user,
        **{k: v for k, v in data.items() if k in EDITABLE_FIELDS},
    )
    _check_values(call)
    call.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=call,
        organisation=hotline,
        details={"caller_type": call.caller_type, "urgency": call.urgency},
    )
    return call


@transaction.atomic
def call_update(*, acting_user, call: Call, **data: Any) -> Call:  # noqa: ANN001
    """Complete or correct the summary while the call is still on the operator's desk."""
    if not can_log_call_for(acting_user, call.hotline):
        raise PermissionDenied
    if call.status not in (CallStatus.OPEN, CallStatus.NEEDS_FOLLOW_UP):
        raise ValidationError(_("A closed call can no longer be changed."))
    changed = []
    for key, value in data.items():
        if key in EDITABLE_FIELDS and getattr(call, key) != value:
            setattr(call, key, value)
            changed.append(key)
    if changed:
        _check_values(call)
        call.save()
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=call,
            organisation=call.hotline,
            details={"fields": changed},
        )
    return call


@transaction.atomic
def call_transition(
    *,
    acting_user,  # noqa: ANN001
    call: Call,
    event: str,
    reason: str = "",
    follow_up_due: datetime.date | None = None,
) -> Call:
    """Close with advice, keep for a follow-up (with a due date) or close a follow-up. Turning a
    call into a referral goes through :func:`call_turn_into_referral`."""
    if not can_log_call_for(acting_user, call.hotline):
        raise PermissionDenied
    if event not in ("close_with_advice", "require_follow_up", "close"):
        raise ValidationError({"event": _("Unknown action.")})
    extra: list[str] = []
    if event == "close_with_advice" and not call.advice_given:
        raise ValidationError({"advice_given": _("Record the advice given before closing.")})
    if event == "require_follow_up":
        if follow_up_due is None:
            raise ValidationError({"follow_up_due": _("Give the date of the follow-up.")})
        if follow_up_due < timezone.localdate():
            raise ValidationError({"follow_up_due": _("The follow-up date cannot be past.")})
        call.follow_up_due = follow_up_due
        extra.append("follow_up_due")
    lifecycle.CALL.apply(call, event, actor=acting_user, reason=reason, extra_update_fields=extra)
    audit_record(
        actor=acting_user,
        action=AuditAction.TRANSITION,
        obj=call,
        organisation=call.hotline,
        details={"event": event},
    )
    return call


def call_notes_read(*, acting_user, call: Call) -> str:  # noqa: ANN001
    """The decrypted notes, with the read written to the audit log."""
    if call.notes:
        audit_record(
            actor=acting_user,
            action=AuditAction.READ,
            obj=call,
            organisation=call.hotline,
            details={"fields": ["notes"]},
        )
    return call.notes


# -- turning a call into a referral -------------------------------------------------------------


def legal_exploitation_forms(canonical: list[str]) -> list[str]:
    """The jurisdiction's legal forms (what the referral form offers) for canonical values."""
    mapping = get_profile().exploitation_forms  # legal code -> canonical value
    out: list[str] = []
    for value in canonical:
        legal = next((code for code, can in mapping.items() if can == value), None)
        if legal and legal not in out:
            out.append(legal)
    return out


def call_referral_prefill(call: Call) -> dict[str, Any]:
    """What the referral form receives from the call (field names of the referral form)."""
    from balise.persons.countries import language_codes

    lines = [
        _("Hotline call of %(date)s (%(minutes)s min), caller: %(caller)s.")
        % {
            "date": timezone.localtime(call.received_at).strftime("%Y-%m-%d %H:%M"),
            "minutes": call.duration_minutes,
            "caller": call.get_caller_type_display(),
        },
        _("Situation: %(situation)s; urgency: %(urgency)s.")
        % {"situation": call.get_situation_type_display(), "urgency": call.get_urgency_display()},
    ]
    if call.advice_labels:
        lines.append(_("Advice given: %(advice)s.") % {"advice": ", ".join(call.advice_labels)})
    if call.notes:
        lines += ["", call.notes]
    prefill: dict[str, Any] = {
        "exploitation_forms": legal_exploitation_forms(call.exploitation_forms),
        "exploitation_region": call.region,
        "immediate_danger": call.urgency == Urgency.IMMEDIATE,
        "narrative": "\n".join(str(line) for line in lines),
    }
    if call.caller_type == CallerType.VICTIM and call.language in language_codes():
        prefill["languages"] = [call.language]
    return prefill


@transaction.atomic
def call_turn_into_referral(*, acting_user, call: Call):  # noqa: ANN001, ANN201
    """Create a referral draft pre-filled from the call (channel: hotline) for the operator to
    complete in the referral form, and mark the call as turned into a referral."""
    from balise.codelists.lists import Channel
    from balise.referrals.services import referral_draft_create

    if not can_log_call_for(acting_user, call.hotline):
        raise PermissionDenied
    if not lifecycle.CALL.can(call, "turn_into_referral"):
        raise TransitionNotAllowed("turn_into_referral", call.status)
    referral = referral_draft_create(
        acting_user=acting_user,
        organisation=call.hotline,
        channel=Channel.HOTLINE,
        prefill=call_referral_prefill(call),
        idempotency_key=f"hotline-call:{call.pk}",
    )
    call.referral = referral
    lifecycle.CALL.apply(
        call, "turn_into_referral", actor=acting_user, extra_update_fields=["referral"]
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.TRANSITION,
        obj=call,
        organisation=call.hotline,
        details={"event": "turn_into_referral", "referral": str(referral.pk)},
    )
    return referral
