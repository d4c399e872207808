"""Writes on public reports. The reporter's side (submit, open with the code, add information)
runs without an account; the staff side (answer, triage) is audited like every change."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balise.audit.enums import AuditAction
from balise.audit.services import audit_record
from balise.public_reports import conf, lifecycle, receipt
from balise.public_reports import pow as proof_of_work
from balise.public_reports.enums import AuthorKind, ReportClosureReason, ReportStatus
from balise.public_reports.models import (
    PublicReport,
    PublicReportMessage,
    StaffNotice,
    hour_now,
)
from balise.public_reports.permissions import can_handle_public_reports

REPORT_FIELDS = (
    "language",
    "what",
    "where",
    "when",
    "who_affected",
    "contact",
    "region",
    "exploitation_forms",
    "minors_involved",
)
ACCESS_SALT = "balise.public_reports.access"
ACCESS_MAX_AGE = 30 * 60


@dataclass(frozen=True)
class Submitted:
    report: PublicReport
    code: str  # shown once, never stored


def public_report_submit(*, pow_payload: dict, **data: Any) -> Submitted:
    """Create the report and its receipt code. ``pow_payload`` is a checked proof-of-work; it is
    spent in the same transaction, so a replay cannot create a second report."""
    for _attempt in range(8):
        code = receipt.generate_code()
        normalised = receipt.normalise_code(code)
        assert normalised is not None
        try:
            with transaction.atomic():
                proof_of_work.spend(pow_payload)
                report = PublicReport(
                    lookup_prefix=receipt.prefix_of(normalised),
                    code_hash=receipt.hash_code(normalised),
                    **{k: v for k, v in data.items() if k in REPORT_FIELDS},
                )
                report.full_clean(exclude=["lookup_prefix", "code_hash"])
                report.save(force_insert=True)
                audit_record(
                    actor=None,
                    action=AuditAction.CREATE,
                    obj=report,
                    details={"channel": "anonymous_public"},
                )
        except IntegrityError:
            # The prefix is already taken (about one in 33 million per live report): the
            # transaction was rolled back, the challenge is not spent, draw another code.
            continue
        return Submitted(report=report, code=code)
    raise RuntimeError("could not draw a free receipt code prefix")


def _expired(report: PublicReport, now: datetime.datetime) -> bool:
    idle = datetime.timedelta(days=conf.receipt_code_idle_days())
    return not report.code_hash or report.code_last_used_at + idle < now


def public_report_open(*, code: str) -> PublicReport | None:
    """The report a receipt code opens, or None. Unknown, wrong and expired codes cost the same
    single Argon2id verification and give the same answer."""
    normalised = receipt.normalise_code(code)
    report = None
    if normalised is not None:
        report = PublicReport.objects.filter(lookup_prefix=receipt.prefix_of(normalised)).first()
    ok = receipt.verify_code(report.code_hash if report else None, normalised)
    now = timezone.now()
    if not ok or report is None or _expired(report, now):
        return None
    PublicReport.objects.filter(pk=report.pk).update(code_last_used_at=hour_now())
    report.code_last_used_at = hour_now()
    return report


def _access_binding(report: PublicReport) -> str:
    return hashlib.sha256(report.code_hash.encode()).hexdigest()[:16]


def access_token_for(report: PublicReport) -> str:
    """A short-lived token that lets the page that showed the conversation add to it without a
    cookie and without sending the receipt code again. It dies with the code."""
    return signing.dumps({"r": str(report.pk), "b": _access_binding(report)}, salt=ACCESS_SALT)


def report_from_access_token(token: str) -> PublicReport | None:
    try:
        data = signing.loads(token or "", salt=ACCESS_SALT, max_age=ACCESS_MAX_AGE)
        report = PublicReport.objects.get(pk=data["r"])
    except (signing.BadSignature, PublicReport.DoesNotExist, KeyError, TypeError, ValueError):
        return None
    except ValidationError:
        return None
    if _expired(report, timezone.now()) or data.get("b") != _access_binding(report):
        return None
    return report


@transaction.atomic
def reporter_message_add(*, report: PublicReport, body: str) -> PublicReportMessage:
    message = PublicReportMessage.objects.create(
        report=report, author_kind=AuthorKind.REPORTER, body=body, created_at=hour_now()
    )
    PublicReport.objects.filter(pk=report.pk).update(code_last_used_at=hour_now())
    audit_record(
        actor=None,
        action=AuditAction.CREATE,
        obj=message,
        object_type="public_reports.publicreportmessage",
        details={"report": str(report.pk), "author": "reporter"},
    )
    report_id = str(report.pk)
    transaction.on_commit(lambda: _enqueue_staff_notice(report_id))
    return message


def _enqueue_staff_notice(report_id: str) -> None:
    from balise.public_reports.tasks import notify_staff_of_reporter_message

    notify_staff_of_reporter_message.enqueue(report_id)


def _require_staff(user) -> None:  # noqa: ANN001
    if not can_handle_public_reports(user):
        raise PermissionDenied


@transaction.atomic
def staff_message_add(*, acting_user, report: PublicReport, body: str) -> PublicReportMessage:  # noqa: ANN001
    _require_staff(acting_user)
    if not body.strip():
        raise ValidationError({"body": _("Write a message.")})
    message = PublicReportMessage.objects.create(
        report=report, author_kind=AuthorKind.STAFF, author=acting_user, body=body
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=message,
        details={"report": str(report.pk), "author": "staff"},
    )
    return message


@transaction.atomic
def public_report_transition(
    *,
    acting_user,  # noqa: ANN001
    report: PublicReport,
    event: str,
    reason: str = "",
    closure_reason: str = "",
) -> PublicReport:
    """Take up, close (with a reason from the list) or reopen a report."""
    _require_staff(acting_user)
    if event not in ("take_up", "close", "reopen"):
        raise ValidationError({"event": _("Unknown action.")})
    extra = ["handled_at"]
    if event == "close":
        if closure_reason not in ReportClosureReason.values:
            raise ValidationError({"closure_reason": _("Choose why the report is closed.")})
        report.closure_reason = closure_reason
        extra.append("closure_reason")
    elif event == "reopen":
        report.closure_reason = ""
        extra.append("closure_reason")
    report.handled_at = timezone.now()
    lifecycle.REPORT.apply(
        report, event, actor=acting_user, reason=reason, extra_update_fields=extra
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.TRANSITION,
        obj=report,
        details={"event": event, "closure_reason": report.closure_reason},
    )
    return report


def public_report_read(*, acting_user, report: PublicReport) -> PublicReport:  # noqa: ANN001
    """Record that a staff member read the report's content."""
    _require_staff(acting_user)
    audit_record(actor=acting_user, action=AuditAction.READ, obj=report)
    StaffNotice.objects.filter(user=acting_user, report=report, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return report


def expire_idle_codes(now: datetime.datetime | None = None) -> int:
    """Forget the hash and prefix of codes unused for the configured period. The report stays
    for the team; only the reporter's way back in is gone."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(days=conf.receipt_code_idle_days())
    return (
        PublicReport.objects.exclude(code_hash="")
        .filter(code_last_used_at__lt=limit)
        .update(code_hash="", lookup_prefix=None, code_expired_at=now)
    )


@transaction.atomic
def purge_handled_reports(now: datetime.datetime | None = None) -> int:
    """Delete reports closed or converted longer ago than the retention period."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(days=conf.retention_days())
    old = PublicReport.objects.filter(
        status__in=[ReportStatus.CLOSED, ReportStatus.TURNED_INTO_REFERRAL], handled_at__lt=limit
    )
    count = 0
    for report in old:
        audit_record(actor=None, action=AuditAction.PURGE, obj=report)
        report.delete()
        count += 1
    return count


# -- turning a report into a referral -----------------------------------------------------------


def referral_organisation_for(user):  # noqa: ANN001, ANN201
    """The organisation under which ``user`` may turn a public report into a referral: an
    active hotline or competent authority where they hold one of the referrals app's triage
    roles (hotline operator, case officer, team lead)."""
    from balise.organisations.enums import OrganisationKind
    from balise.referrals.permissions import TRIAGE_ROLES

    if not getattr(user, "is_authenticated", False):
        return None
    return next(
        (
            org
            for org in user.organisations_with_role(*TRIAGE_ROLES)
            if org.is_active
            and org.kind in (OrganisationKind.HOTLINE, OrganisationKind.COMPETENT_AUTHORITY)
        ),
        None,
    )


def _legal_forms(canonical: list[str]) -> list[str]:
    from balise.jurisdictions.profiles import get_profile

    mapping = get_profile().exploitation_forms  # legal code -> canonical value
    out: list[str] = []
    for value in canonical:
        legal = next((code for code, can in mapping.items() if can == value), None)
        if legal and legal not in out:
            out.append(legal)
    return out


def public_report_referral_prefill(report: PublicReport) -> dict[str, Any]:
    """Only what the referral needs: the situation as described, its place and the forms of
    exploitation. Never the reporter's contact nor the conversation, which stay here."""
    parts = [
        (_("What is happening"), report.what),
        (_("Where"), report.where),
        (_("When"), report.when),
        (_("Who may be affected"), report.who_affected),
    ]
    narrative = "\n\n".join(f"{label}: {text}" for label, text in parts if text)
    header = _("From an anonymous public report received on %(date)s.") % {
        "date": timezone.localtime(report.submitted_at).strftime("%Y-%m-%d")
    }
    prefill: dict[str, Any] = {
        "narrative": f"{header}\n\n{narrative}",
        "exploitation_forms": _legal_forms(report.exploitation_forms),
        "exploitation_region": report.region,
    }
    if report.minors_involved == "yes":
        prefill["reasons_to_believe_minor"] = True
    return prefill


@transaction.atomic
def public_report_turn_into_referral(*, acting_user, report: PublicReport):  # noqa: ANN001, ANN201
    """Create a referral draft (channel: anonymous public report) with what is needed of the
    report, and mark the report as turned into a referral."""
    from balise.codelists.lists import Channel
    from balise.core.state_machine import TransitionNotAllowed
    from balise.referrals.services import ReferralNotAllowed, referral_draft_create

    _require_staff(acting_user)
    if not lifecycle.REPORT.can(report, "turn_into_referral"):
        raise TransitionNotAllowed("turn_into_referral", report.status)
    organisation = referral_organisation_for(acting_user)
    if organisation is None:
        raise ReferralNotAllowed(
            _("Only the hotline or the competent authority may turn a report into a referral.")
        )
    referral = referral_draft_create(
        acting_user=acting_user,
        organisation=organisation,
        channel=Channel.ANONYMOUS_PUBLIC,
        prefill=public_report_referral_prefill(report),
        idempotency_key=f"public-report:{report.pk}",
    )
    report.referral = referral
    report.handled_at = timezone.now()
    lifecycle.REPORT.apply(
        report,
        "turn_into_referral",
        actor=acting_user,
        extra_update_fields=["referral", "handled_at"],
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.TRANSITION,
        obj=report,
        details={"event": "turn_into_referral", "referral": str(referral.pk)},
    )
    return referral
