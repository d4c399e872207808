"""Writes on identification cases. Every change runs in a transaction, under a row lock for
lifecycle events, and is written to the audit log (without personal data)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balise.accounts.models import User
from balise.audit.enums import AuditAction
from balise.audit.services import audit_record
from balise.core.state_machine import TransitionNotAllowed
from balise.identification import clocks, lifecycle
from balise.identification.enums import (
    DECISION_EVENTS,
    OPEN_STATES,
    RECONSIDER_EVENTS,
    REVIEW_EVENTS,
    CaseEvent,
    CaseState,
    DecisionGround,
    EvidenceKind,
    IdentificationAction,
    Outcome,
    ReconsiderationGround,
    ReviewOutcome,
)
from balise.identification.models import (
    Case,
    CaseExploitationForm,
    CaseNote,
    CaseReferral,
    CaseTransition,
    Decision,
    Reconsideration,
)
from balise.identification.permissions import (
    DECIDING_ROLES,
    can_assign,
    can_decide,
    can_review,
    is_authority_staff,
)
from balise.jurisdictions.profiles import get_profile
from balise.referrals.enums import ReferralStatus
from balise.referrals.models import InformationRequest, Referral

__all__ = ["TransitionNotAllowed", "CaseNotAllowed", "CaseInvalid"]


class CaseNotAllowed(PermissionDenied):
    pass


class CaseInvalid(Exception):
    """Invalid input, with the errors of each field (``{"field": ["message", …]}``)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


def _require_staff(user: User) -> None:
    if not is_authority_staff(user):
        raise CaseNotAllowed(_("Only the competent authority's staff can do this."))


# -- opening ----------------------------------------------------------------------------------


def case_open_for_referral(
    *, referral: Referral, actor: User | None = None, first_submission: bool = False
) -> Case:
    """Open the case of a newly submitted referral (idempotent). Called inside the submission's
    transaction by a receiver on the referral's transition log.

    ``first_submission``: the referral has just left its draft, so no case can hold it yet and
    the look-up is skipped (the one-to-one link still refuses a second case at the database)."""
    if not first_submission:
        link = CaseReferral.objects.filter(referral=referral).select_related("case").first()
        if link:
            return link.case
    received_at = referral.submitted_at or timezone.now()
    case = Case(
        person=referral.person,
        referring_organisation=referral.organisation,
        region=(referral.exploitation_region or referral.organisation.region or "")[:100],
        presumed_minor=referral.presumed_minor,
        immediate_danger=referral.immediate_danger,
        exploitation_forms=list(referral.exploitation_forms or []),
        received_at=received_at,
        preliminary_due=clocks.preliminary_due(received_at),
    )
    case.next_deadline, case.next_deadline_kind = clocks.next_deadline(case)
    case.save(force_insert=True)
    CaseExploitationForm.objects.bulk_create(
        [CaseExploitationForm(case=case, form=f) for f in dict.fromkeys(case.exploitation_forms)]
    )
    CaseReferral.objects.create(case=case, referral=referral, linked_by=actor)
    CaseTransition.objects.create(
        case=case,
        event="open",
        from_state="",
        to_state=CaseState.RECEIVED,
        actor=actor if getattr(actor, "pk", None) else None,
        reason="",
    )
    audit_record(
        actor=actor,
        action=IdentificationAction.CASE_OPENED,
        obj=case,
        details={"referral": str(referral.pk), "child_pathway": case.presumed_minor},
    )
    return case


def case_referral_withdrawn(*, referral: Referral, actor: User | None = None) -> None:
    """When every referral of an open case is withdrawn, the case is withdrawn too."""
    link = CaseReferral.objects.filter(referral=referral).select_related("case").first()
    if not link or link.case.state not in OPEN_STATES:
        return
    others = (
        CaseReferral.objects.filter(case=link.case)
        .exclude(referral__status=ReferralStatus.WITHDRAWN)
        .exclude(referral=referral)
    )
    if others.exists():
        return
    lifecycle.CASE.apply(
        link.case, CaseEvent.WITHDRAW, actor=actor, reason="referral withdrawn by its organisation"
    )
    _refresh_deadline(link.case)


# -- lifecycle events -------------------------------------------------------------------------


def _refresh_deadline(case: Case) -> None:
    case.next_deadline, case.next_deadline_kind = clocks.next_deadline(case)
    case.save(update_fields=["next_deadline", "next_deadline_kind", "updated_at"])


def _codes(values: Iterable[str] | None, allowed: Iterable[str]) -> list[str]:
    allowed = set(allowed)
    values = list(dict.fromkeys(values or []))
    if any(v not in allowed for v in values):
        raise ValueError
    return values


def _pending_review(case: Case, stage: str) -> Decision:
    decision = (
        case.decisions.filter(stage=stage, outcome=Outcome.NEGATIVE, review_outcome="")
        .order_by("-decided_at")
        .first()
    )
    if decision is None:  # pragma: no cover - the state machine guarantees one
        raise CaseInvalid({"event": [_("No decision awaits a second review.")]})
    return decision


def case_event(
    *,
    acting_user: User,
    case: Case,
    event: str,
    reasons: str = "",
    grounds: Iterable[str] | None = None,
    evidence: Iterable[str] | None = None,
    evidence_notes: str = "",
    reconsideration_ground: str = "",
    now: datetime.datetime | None = None,
) -> Case:
    """Apply one lifecycle event to a case.

    Raises ``TransitionNotAllowed`` when the event is impossible in the case's current state
    (checked under a row lock, so that two concurrent decisions cannot both succeed),
    ``CaseNotAllowed`` when the user may not take it, and ``CaseInvalid`` (errors by field) when
    the input or a statutory clock forbids it."""
    _require_staff(acting_user)
    now = now or timezone.now()
    profile = get_profile()
    today = clocks.local_today(now, profile)
    reasons = (reasons or "").strip()
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        lifecycle.CASE.target(locked.state, event)  # raises TransitionNotAllowed
        if event == CaseEvent.MERGE:
            raise CaseInvalid({"event": [_("Use “link to an existing case” to merge cases.")]})
        if event in REVIEW_EVENTS:
            if not can_review(acting_user):
                raise CaseNotAllowed(_("Only a reviewer can review a negative decision."))
        elif not can_decide(acting_user):
            raise CaseNotAllowed(_("Only a case officer or a team lead can do this."))

        errors: dict[str, list[str]] = {}
        update: list[str] = []
        decision: Decision | None = None
        details: dict[str, Any] = {"event": str(event)}

        if event in DECISION_EVENTS:
            stage, outcome = DECISION_EVENTS[event]
            try:
                grounds_list = _codes(grounds, DecisionGround.values)
            except ValueError:
                errors["grounds"] = [_("Choose grounds from the list.")]
                grounds_list = []
            try:
                evidence_list = _codes(evidence, EvidenceKind.values)
            except ValueError:
                errors["evidence"] = [_("Choose evidence from the list.")]
                evidence_list = []
            if not reasons:
                errors["reasons"] = [_("Give the reasons for the decision.")]
            if not grounds_list and "grounds" not in errors:
                errors["grounds"] = [_("Choose at least one ground.")]
            if not evidence_list and "evidence" not in errors:
                errors["evidence"] = [_("Say which evidence was considered.")]
            if (
                stage == "conclusive"
                and locked.conclusive_earliest
                and today < (locked.conclusive_earliest)
            ):
                errors.setdefault("event", []).append(
                    _(
                        "The conclusive decision cannot be taken before %(date)s: the law "
                        "requires at least %(days)s days after the preliminary decision."
                    )
                    % {
                        "date": locked.conclusive_earliest.isoformat(),
                        "days": profile.min_days_preliminary_to_conclusive,
                    }
                )
            if errors:
                raise CaseInvalid(errors)
            decision = Decision(
                case=locked,
                stage=stage,
                outcome=outcome,
                reasons=reasons,
                grounds=grounds_list,
                evidence=evidence_list,
                evidence_notes=(evidence_notes or "").strip() or None,
                decided_by=acting_user,
                decided_at=now,
            )
            if event == CaseEvent.PRELIMINARY_POSITIVE:
                locked.preliminary_decided_on = today
                locked.reflection_ends = clocks.reflection_ends(today, profile)
                locked.conclusive_earliest = clocks.conclusive_earliest(today, profile)
                update += ["preliminary_decided_on", "reflection_ends", "conclusive_earliest"]
            elif event == CaseEvent.CONCLUSIVE_POSITIVE:
                locked.conclusive_decided_on = today
                update += ["conclusive_decided_on"]
            details.update(grounds=grounds_list, evidence=evidence_list)

        elif event in REVIEW_EVENTS:
            stage, review = REVIEW_EVENTS[event]
            pending = _pending_review(locked, stage)
            if pending.decided_by_id == acting_user.pk:
                raise CaseNotAllowed(
                    _("A negative decision must be reviewed by someone other than its author.")
                )
            if review == ReviewOutcome.SENT_BACK and not reasons:
                raise CaseInvalid({"reasons": [_("Say why the decision is sent back.")]})
            pending.review_outcome = review
            pending.reviewed_by = acting_user
            pending.reviewed_at = now
            pending.review_reasons = reasons or None
            pending.save(
                update_fields=["review_outcome", "reviewed_by", "reviewed_at", "review_reasons"]
            )
            if review == ReviewOutcome.CONFIRMED:
                locked.reconsideration_until = clocks.reconsideration_until(today, profile)
                update.append("reconsideration_until")
                if stage == "preliminary":
                    locked.preliminary_decided_on = today
                    update.append("preliminary_decided_on")
                else:
                    locked.conclusive_decided_on = today
                    update.append("conclusive_decided_on")
            details["decision"] = str(pending.pk)

        elif event in RECONSIDER_EVENTS:
            if reconsideration_ground not in ReconsiderationGround.values:
                errors["reconsideration_ground"] = [
                    _("A reconsideration needs new evidence or a breach of guidance.")
                ]
            if not reasons:
                errors["reasons"] = [_("Describe the new evidence or the breach of guidance.")]
            if locked.reconsideration_until and today > locked.reconsideration_until:
                errors.setdefault("event", []).append(
                    _("The reconsideration window closed on %(date)s.")
                    % {"date": locked.reconsideration_until.isoformat()}
                )
            if errors:
                raise CaseInvalid(errors)
            stage = RECONSIDER_EVENTS[event]
            last = (
                locked.decisions.filter(
                    stage=stage, outcome=Outcome.NEGATIVE, review_outcome=ReviewOutcome.CONFIRMED
                )
                .order_by("-decided_at")
                .first()
            )
            Reconsideration.objects.create(
                case=locked,
                decision=last,
                ground=reconsideration_ground,
                details=reasons,
                requested_by=acting_user,
                requested_at=now,
            )
            locked.reconsideration_until = None
            update.append("reconsideration_until")
            if stage == "preliminary":
                # A fresh preliminary target from the day the stage reopens.
                locked.preliminary_due = profile.add_working_days(
                    today, profile.preliminary_decision_working_days
                )
                locked.preliminary_decided_on = None
                update += ["preliminary_due", "preliminary_decided_on"]
            else:
                locked.conclusive_decided_on = None
                update.append("conclusive_decided_on")
            details["ground"] = reconsideration_ground

        elif event == CaseEvent.CLOSE:
            if locked.reconsideration_until and today <= locked.reconsideration_until:
                raise CaseInvalid(
                    {
                        "event": [
                            _("The case can be closed after the reconsideration window (%(date)s).")
                            % {"date": locked.reconsideration_until.isoformat()}
                        ]
                    }
                )
        elif event == CaseEvent.WITHDRAW and not reasons:
            raise CaseInvalid({"reasons": [_("Say why the case is withdrawn.")]})

        source = locked.state
        locked.state = lifecycle.CASE.target(source, event)
        deadline = clocks.next_deadline(locked)  # the deadline of the state being entered
        locked.state = source
        locked.next_deadline, locked.next_deadline_kind = deadline
        lifecycle.CASE.apply(
            locked,
            event,
            actor=acting_user,
            reason=reasons[:2000],
            extra_update_fields=[*update, "next_deadline", "next_deadline_kind", "updated_at"],
        )
        if decision is not None:
            decision.save()
            details["decision"] = str(decision.pk)
        audit_record(
            actor=acting_user,
            action=(
                IdentificationAction.CASE_DECISION
                if event in DECISION_EVENTS
                else IdentificationAction.CASE_REVIEW
                if event in REVIEW_EVENTS
                else AuditAction.TRANSITION
            ),
            obj=locked,
            details=details,
        )
    return locked


# -- queue work -------------------------------------------------------------------------------


@transaction.atomic
def case_assign(*, acting_user: User, case: Case, assignee: User | None) -> Case:
    if not can_assign(acting_user):
        raise CaseNotAllowed(_("Only a team lead can assign cases."))
    if assignee is not None and not assignee.has_role(
        *DECIDING_ROLES, organisation_kinds=["competent_authority"]
    ):
        raise CaseInvalid({"assignee": [_("Choose a case officer or a team lead.")]})
    locked = Case.objects.select_for_update().get(pk=case.pk)
    previous = locked.assigned_to_id
    locked.assigned_to = assignee
    locked.save(update_fields=["assigned_to", "updated_at"])
    audit_record(
        actor=acting_user,
        action=IdentificationAction.CASE_ASSIGNED,
        obj=locked,
        details={
            "from": str(previous) if previous else "",
            "to": str(assignee.pk) if assignee else "",
        },
    )
    return locked


@transaction.atomic
def case_note_add(*, acting_user: User, case: Case, text: str) -> CaseNote:
    _require_staff(acting_user)
    text = (text or "").strip()
    if not text:
        raise CaseInvalid({"text": [_("This field is required.")]})
    note = CaseNote.objects.create(case=case, author=acting_user, text=text)
    audit_record(actor=acting_user, action=IdentificationAction.CASE_NOTE, obj=case)
    return note


def case_request_information(
    *, acting_user: User, case: Case, referral: Referral, question: str
) -> InformationRequest:
    """Ask the referrer of one of the case's referrals (the referrer answers on their side)."""
    from balise.referrals import services as referral_services

    _require_staff(acting_user)
    if not CaseReferral.objects.filter(case=case, referral=referral).exists():
        raise CaseInvalid({"referral": [_("Choose a referral of this case.")]})
    try:
        return referral_services.information_request_create(
            acting_user=acting_user, referral=referral, question=question
        )
    except referral_services.ReferralInvalid as exc:
        raise CaseInvalid({k: [str(m) for m in v] for k, v in exc.errors.items()}) from exc


def case_link(*, acting_user: User, case: Case, into: Case, reason: str = "") -> Case:
    """Link the referrals of ``case`` to the existing case ``into`` (the same person referred
    again); ``case`` ends as *linked to another case*."""
    if not can_decide(acting_user):
        raise CaseNotAllowed(_("Only a case officer or a team lead can do this."))
    if case.pk == into.pk:
        raise CaseInvalid({"into": [_("Choose another case.")]})
    with transaction.atomic():
        # Lock both rows in a fixed order so that two links cannot deadlock.
        list(Case.objects.select_for_update().filter(pk__in=[case.pk, into.pk]).order_by("pk"))
        target = Case.objects.select_for_update().get(pk=into.pk)
        if target.state in (CaseState.MERGED, CaseState.WITHDRAWN):
            raise CaseInvalid({"into": [_("This case cannot receive referrals.")]})
        lifecycle.CASE.apply(
            case,
            CaseEvent.MERGE,
            actor=acting_user,
            reason=(reason.strip() or f"linked to {target.reference}")[:2000],
        )
        case.next_deadline, case.next_deadline_kind = None, ""
        case.save(update_fields=["next_deadline", "next_deadline_kind"])
        referral_ids = list(case.case_referrals.values_list("referral_id", flat=True))
        case.case_referrals.update(case=target, linked_by=acting_user, linked_at=timezone.now())
        if target.person_id:
            Referral.objects.filter(pk__in=referral_ids).update(person=target.person)
        for form in case.exploitation_forms:
            if form not in target.exploitation_forms:
                target.exploitation_forms.append(form)
                CaseExploitationForm.objects.get_or_create(case=target, form=form)
        target.presumed_minor = target.presumed_minor or case.presumed_minor
        target.immediate_danger = target.immediate_danger or case.immediate_danger
        target.save(
            update_fields=[
                "exploitation_forms",
                "presumed_minor",
                "immediate_danger",
                "updated_at",
            ]
        )
        audit_record(
            actor=acting_user,
            action=IdentificationAction.CASE_LINKED,
            obj=target,
            details={"from_case": str(case.pk), "referrals": [str(r) for r in referral_ids]},
        )
    return target


@transaction.atomic
def case_guardian_record(*, acting_user: User, case: Case, name: str, contact: str = "") -> Case:
    """Record the guardian of a (presumed) child."""
    if not can_decide(acting_user):
        raise CaseNotAllowed(_("Only a case officer or a team lead can do this."))
    if not case.presumed_minor:
        raise CaseInvalid({"name": [_("A guardian is recorded for a child or presumed child.")]})
    name = (name or "").strip()
    if not name:
        raise CaseInvalid({"name": [_("This field is required.")]})
    locked = Case.objects.select_for_update().get(pk=case.pk)
    locked.guardian_name = name
    locked.guardian_contact = (contact or "").strip() or None
    locked.guardian_recorded_at = timezone.now()
    locked.save(
        update_fields=["guardian_name", "guardian_contact", "guardian_recorded_at", "updated_at"]
    )
    audit_record(actor=acting_user, action=IdentificationAction.CASE_GUARDIAN, obj=locked)
    return locked
