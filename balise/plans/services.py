"""Writes: every change is atomic, checked and audited."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from balise.accounts.models import Membership
from balise.audit.enums import AuditAction
from balise.audit.services import audit_record
from balise.core.files import seal, unseal
from balise.core.state_machine import TransitionNotAllowed
from balise.jurisdictions.profiles import get_profile
from balise.organisations.models import Organisation
from balise.plans import lifecycle, permissions
from balise.plans.enums import (
    EVENT_FOR_STATUS,
    MeasureStatus,
    PlanAction,
    UpdateStatus,
    ValueSource,
)
from balise.plans.evidence import CheckedFile
from balise.plans.indicator_sources import get_indicator_source
from balise.plans.models import (
    Axis,
    CommitteeMeeting,
    Evidence,
    Indicator,
    IndicatorValue,
    Measure,
    Milestone,
    Plan,
    PlanNotification,
    ProgressUpdate,
    ProposedIndicatorValue,
)

PLAN_FIELDS = ("title", "period_start", "period_end", "jurisdiction", "currency")
PLAN_FIELDS_EDIT = (*PLAN_FIELDS, "public_shows_budget")
MEASURE_FIELDS = (
    "axis",
    "number",
    "title",
    "description",
    "internal_notes",
    "lead_body",
    "start_date",
    "due_date",
    "budget_planned",
    "budget_spent",
)


def local_today() -> datetime.date:
    return timezone.now().astimezone(get_profile().tz).date()


def _require_manager(user, plan: Plan) -> None:  # noqa: ANN001
    if user is not None and not permissions.can_manage_plan(user, plan):
        raise PermissionDenied


# -- plans, axes, measures ------------------------------------------------------------------
@transaction.atomic
def plan_create(*, acting_user, coordinating_organisation: Organisation, **data: Any) -> Plan:  # noqa: ANN001
    if acting_user is not None and coordinating_organisation.pk not in {
        o.pk for o in permissions.coordinator_organisations(acting_user)
    }:
        raise PermissionDenied
    plan = Plan(
        coordinating_organisation=coordinating_organisation,
        **{k: v for k, v in data.items() if k in PLAN_FIELDS_EDIT},
    )
    plan.full_clean()
    if plan.period_end < plan.period_start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    plan.save()
    audit_record(actor=acting_user, action=AuditAction.CREATE, obj=plan)
    return plan


@transaction.atomic
def plan_update(*, acting_user, plan: Plan, **data: Any) -> Plan:  # noqa: ANN001
    _require_manager(acting_user, plan)
    changed = [k for k in PLAN_FIELDS_EDIT if k in data and getattr(plan, k) != data[k]]
    for key in changed:
        setattr(plan, key, data[key])
    if changed:
        plan.full_clean()
        if plan.period_end < plan.period_start:
            raise ValidationError({"period_end": _("The period ends before it starts.")})
        plan.save()
        audit_record(
            actor=acting_user, action=AuditAction.UPDATE, obj=plan, details={"fields": changed}
        )
    return plan


@transaction.atomic
def plan_set_published(*, acting_user, plan: Plan, published: bool) -> Plan:  # noqa: ANN001
    _require_manager(acting_user, plan)
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    plan.published, plan.published_at = locked.published, locked.published_at
    if plan.published == published:
        return plan
    plan.published = published
    plan.published_at = timezone.now() if published else None
    plan.save(update_fields=["published", "published_at", "updated_at"])
    audit_record(
        actor=acting_user,
        action=PlanAction.PUBLISH if published else PlanAction.UNPUBLISH,
        obj=plan,
    )
    return plan


@transaction.atomic
def axis_create(*, acting_user, plan: Plan, number: int, title: str) -> Axis:  # noqa: ANN001
    _require_manager(acting_user, plan)
    axis = Axis(plan=plan, number=number, title=title)
    axis.full_clean()
    axis.save()
    audit_record(actor=acting_user, action=AuditAction.CREATE, obj=axis)
    return axis


def _check_measure(measure: Measure) -> None:
    if measure.axis.plan_id != measure.plan_id:
        raise ValidationError({"axis": _("This axis belongs to another plan.")})
    if measure.start_date and measure.due_date and measure.due_date < measure.start_date:
        raise ValidationError({"due_date": _("The due date is before the start date.")})
    for name in ("budget_planned", "budget_spent"):
        value = getattr(measure, name)
        if value is not None and value < 0:
            raise ValidationError({name: _("A budget cannot be negative.")})


@transaction.atomic
def measure_create(
    *,
    acting_user,  # noqa: ANN001
    plan: Plan,
    partner_bodies: Iterable[Organisation] = (),
    **data: Any,
) -> Measure:
    _require_manager(acting_user, plan)
    measure = Measure(plan=plan, **{k: v for k, v in data.items() if k in MEASURE_FIELDS})
    measure.full_clean(exclude=["plan"])
    _check_measure(measure)
    measure.save()
    measure.partner_bodies.set([o for o in partner_bodies if o.pk != measure.lead_body_id])
    audit_record(actor=acting_user, action=AuditAction.CREATE, obj=measure)
    return measure


@transaction.atomic
def measure_update(
    *,
    acting_user,  # noqa: ANN001
    measure: Measure,
    partner_bodies: Iterable[Organisation] | None = None,
    **data: Any,
) -> Measure:
    _require_manager(acting_user, measure.plan)
    changed = [k for k in MEASURE_FIELDS if k in data and getattr(measure, k) != data[k]]
    for key in changed:
        setattr(measure, key, data[key])
    measure.full_clean(exclude=["plan"])
    _check_measure(measure)
    measure.save()
    if partner_bodies is not None:
        new = {o.pk for o in partner_bodies if o.pk != measure.lead_body_id}
        if new != set(measure.partner_bodies.values_list("pk", flat=True)):
            measure.partner_bodies.set(list(new))
            changed.append("partner_bodies")
    if changed:
        audit_record(
            actor=acting_user, action=AuditAction.UPDATE, obj=measure, details={"fields": changed}
        )
    return measure


@transaction.atomic
def measure_transition(*, acting_user, measure: Measure, event: str, reason: str = "") -> Measure:  # noqa: ANN001
    """Change a measure's status; abandoning needs a reason."""
    _require_manager(acting_user, measure.plan)
    if event == "abandon" and not reason.strip():
        raise ValidationError({"reason": _("Give the reason why the measure is abandoned.")})
    from_state = measure.status
    lifecycle.MEASURE.apply(measure, event, actor=acting_user, reason=reason)
    audit_record(
        actor=acting_user,
        action=AuditAction.TRANSITION,
        obj=measure,
        details={"event": event, "from": from_state, "to": measure.status},
    )
    return measure


# -- milestones and indicators --------------------------------------------------------------
@transaction.atomic
def milestone_create(
    *,
    acting_user,  # noqa: ANN001
    measure: Measure,
    title: str,
    due_date: datetime.date,
    owner: Organisation | None = None,
) -> Milestone:
    _require_manager(acting_user, measure.plan)
    milestone = Milestone(measure=measure, title=title, due_date=due_date, owner=owner)
    milestone.full_clean()
    milestone.save()
    audit_record(actor=acting_user, action=AuditAction.CREATE, obj=milestone)
    return milestone


@transaction.atomic
def milestone_complete(*, acting_user, milestone: Milestone, done_at: datetime.date) -> Milestone:  # noqa: ANN001
    if acting_user is not None and not permissions.can_complete_milestone(acting_user, milestone):
        raise PermissionDenied
    if done_at > local_today():
        raise ValidationError({"done_at": _("A milestone cannot be done in the future.")})
    milestone.done_at = done_at
    milestone.save(update_fields=["done_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=milestone,
        details={"fields": ["done_at"]},
    )
    return milestone


@transaction.atomic
def indicator_create(*, acting_user, measure: Measure, **data: Any) -> Indicator:  # noqa: ANN001
    _require_manager(acting_user, measure.plan)
    fields = ("name", "unit", "target_value", "data_source", "observatory_table")
    indicator = Indicator(measure=measure, **{k: v for k, v in data.items() if k in fields})
    indicator.full_clean()
    indicator.save()
    audit_record(actor=acting_user, action=AuditAction.CREATE, obj=indicator)
    return indicator


@transaction.atomic
def indicator_value_record(
    *,
    acting_user,  # noqa: ANN001
    indicator: Indicator,
    date: datetime.date,
    value: Decimal,
    source: str = ValueSource.MANUAL,
    update: ProgressUpdate | None = None,
) -> IndicatorValue:
    """A measured value. Direct entry is for the plan's coordinators; the bodies send values
    with their progress updates, which count once validated."""
    if update is None:
        _require_manager(acting_user, indicator.measure.plan)
    iv = IndicatorValue(
        indicator=indicator,
        date=date,
        value=value,
        source=source,
        update=update,
        recorded_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    iv.full_clean()
    iv.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=iv,
        details={"indicator": str(indicator.pk), "source": source},
    )
    return iv


# -- progress updates -----------------------------------------------------------------------
@dataclass(frozen=True)
class ProposedValue:
    indicator: Indicator
    date: datetime.date
    value: Decimal


def _author_organisation(user, measure: Measure) -> Organisation:  # noqa: ANN001
    orgs = permissions.member_organisation_ids(user)
    if measure.lead_body_id in orgs:
        return measure.lead_body
    partner = measure.partner_bodies.filter(pk__in=orgs).order_by("name").first()
    if partner is None:
        raise PermissionDenied
    return partner


def _status_event(measure: Measure, new_status: str) -> str | None:
    if not new_status or new_status == measure.status:
        return None
    event = EVENT_FOR_STATUS.get(new_status)
    if event is None or not lifecycle.MEASURE.can(measure, event):
        raise ValidationError(
            {
                "new_status": _("The measure cannot go from “%(from)s” to “%(to)s”.")
                % {"from": measure.get_status_display(), "to": new_status}
            }
        )
    return event


@transaction.atomic
def update_submit(
    *,
    acting_user,  # noqa: ANN001
    measure: Measure,
    date: datetime.date,
    text: str,
    new_status: str = "",
    status_reason: str = "",
    values: Sequence[ProposedValue] = (),
    files: Sequence[CheckedFile] = (),
) -> ProgressUpdate:
    if not permissions.can_post_update(acting_user, measure):
        raise PermissionDenied
    if date > local_today():
        raise ValidationError({"date": _("An update cannot be dated in the future.")})
    event = _status_event(measure, new_status)
    if event == "abandon" and not status_reason.strip():
        raise ValidationError({"status_reason": _("Give the reason why the measure is abandoned.")})
    for v in values:
        if v.indicator.measure_id != measure.pk:
            raise ValidationError({"values": _("This indicator belongs to another measure.")})
    update = ProgressUpdate(
        measure=measure,
        author=acting_user,
        author_organisation=_author_organisation(acting_user, measure),
        date=date,
        text=text,
        new_status=new_status if event else "",
        status_reason=status_reason,
    )
    update.full_clean()
    update.save()
    for v in values:
        ProposedIndicatorValue.objects.create(
            update=update, indicator=v.indicator, date=v.date, value=v.value
        )
    for f in files:
        ev = Evidence(
            update=update,
            original_name=f.name,
            content_type=f.content_type,
            size=f.size,
            sha256=f.sha256,
        )
        ev.file.save(str(ev.id), ContentFile(seal(f.data, aad=evidence_aad(ev))), save=False)
        ev.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=update,
        details={"values": len(values), "files": len(files), "status_change": bool(event)},
    )
    return update


@transaction.atomic
def update_validate(*, acting_user, update: ProgressUpdate, comment: str = "") -> ProgressUpdate:  # noqa: ANN001
    """Validate an update: its status change and indicator values now count."""
    _require_manager(acting_user, update.measure.plan)
    measure = Measure.objects.select_for_update().get(pk=update.measure_id)
    if update.status != UpdateStatus.SUBMITTED:
        raise TransitionNotAllowed("validate", update.status)
    event = _status_event(measure, update.new_status)
    update.reviewed_by = acting_user if getattr(acting_user, "pk", None) else None
    update.reviewed_at = timezone.now()
    update.review_comment = comment
    lifecycle.UPDATE.apply(
        update,
        "validate",
        actor=acting_user,
        reason=comment,
        extra_update_fields=["reviewed_by", "reviewed_at", "review_comment"],
    )
    if event:
        from_state = measure.status
        lifecycle.MEASURE.apply(
            measure,
            event,
            actor=acting_user,
            reason=update.status_reason or _("Progress update of %(date)s") % {"date": update.date},
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.TRANSITION,
            obj=measure,
            details={"event": event, "from": from_state, "to": measure.status},
        )
    for pv in update.proposed_values.select_related("indicator", "indicator__measure__plan"):
        indicator_value_record(
            acting_user=acting_user,
            indicator=pv.indicator,
            date=pv.date,
            value=pv.value,
            source=ValueSource.MANUAL,
            update=update,
        )
    audit_record(
        actor=acting_user,
        action=AuditAction.TRANSITION,
        obj=update,
        details={"event": "validate"},
    )
    return update


@transaction.atomic
def update_return(*, acting_user, update: ProgressUpdate, comment: str) -> ProgressUpdate:  # noqa: ANN001
    """Send an update back to its authors with a comment; nothing of it counts."""
    _require_manager(acting_user, update.measure.plan)
    if not comment.strip():
        raise ValidationError({"comment": _("Say why the update is returned.")})
    update.reviewed_by = acting_user if getattr(acting_user, "pk", None) else None
    update.reviewed_at = timezone.now()
    update.review_comment = comment
    lifecycle.UPDATE.apply(
        update,
        "return",
        actor=acting_user,
        reason=comment,
        extra_update_fields=["reviewed_by", "reviewed_at", "review_comment"],
    )
    audit_record(
        actor=acting_user, action=AuditAction.TRANSITION, obj=update, details={"event": "return"}
    )
    return update


def evidence_open(*, acting_user, evidence: Evidence):  # noqa: ANN001, ANN201
    """Open an evidence file for download and record who downloaded it."""
    with transaction.atomic():
        audit_record(
            actor=acting_user,
            action=AuditAction.DOWNLOAD,
            obj=evidence,
            details={"update": str(evidence.update_id)},
        )
    with evidence.file.open("rb") as handle:
        return io.BytesIO(unseal(handle.read(), aad=evidence_aad(evidence)))


def evidence_aad(evidence: Evidence) -> str:
    """What an evidence file is sealed to: moved to another record, it no longer opens."""
    return f"plans.Evidence:{evidence.pk}"


@transaction.atomic
def committee_meeting_record(*, acting_user, plan: Plan, date: datetime.date) -> CommitteeMeeting:  # noqa: ANN001
    _require_manager(acting_user, plan)
    meeting, created = CommitteeMeeting.objects.get_or_create(plan=plan, date=date)
    if created:
        audit_record(actor=acting_user, action=AuditAction.CREATE, obj=meeting)
    return meeting


# -- periodic work --------------------------------------------------------------------------
def reminder_period() -> datetime.timedelta:
    return datetime.timedelta(days=int(getattr(settings, "BALISE_PLAN_REMINDER_DAYS", 7)))


def overdue_milestone_reminders_send(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Remind the members of each overdue milestone's owner body, at most once per period:
    one in-app notice per milestone and one e-mail per person listing their milestones."""
    now = now or timezone.now()
    today = now.astimezone(get_profile().tz).date()
    threshold = now - reminder_period()
    per_user: dict = {}
    reminded = 0
    with transaction.atomic():
        # Lock the due milestones (skipping those a concurrent run holds): one reminder each.
        due = (
            Milestone.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(due_date__lt=today, done_at__isnull=True)
            .exclude(measure__status=MeasureStatus.ABANDONED)
            .filter(Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lte=threshold))
            .order_by("due_date")
        )
        for pk in list(due.values_list("pk", flat=True)):
            milestone = Milestone.objects.select_related(
                "measure", "measure__plan", "measure__lead_body", "owner"
            ).get(pk=pk)
            owner = milestone.owner_organisation
            users = [
                m.user
                for m in Membership.objects.filter(
                    organisation=owner, is_active=True, user__is_active=True
                ).select_related("user")
            ]
            for user in {u.pk: u for u in users}.values():
                PlanNotification.objects.create(user=user, milestone=milestone, created_at=now)
                per_user.setdefault(user.pk, (user, []))[1].append(milestone)
            milestone.last_reminded_at = now
            milestone.save(update_fields=["last_reminded_at"])
            audit_record(
                actor=None,
                action=PlanAction.REMIND,
                obj=milestone,
                organisation=owner,
                details={"recipients": len(users)},
            )
            reminded += 1
        emails = list(per_user.values())
        transaction.on_commit(lambda: _send_reminder_emails(emails))
    return {"milestones": reminded, "people": len(per_user)}


def _send_reminder_emails(batch: list) -> None:
    for user, milestones in batch:
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            lines = [
                _("Measure %(number)s — %(title)s: due on %(due)s")
                % {"number": m.measure.number, "title": m.title, "due": m.due_date.isoformat()}
                for m in milestones
            ]
            body = "\n".join(
                [
                    _("These milestones of the national action plan are overdue:"),
                    "",
                    *lines,
                    "",
                    _("Mark them done or post a progress update in Balise (Action plan)."),
                ]
            )
            send_mail(
                _("Balise: overdue milestones of the action plan"),
                body,
                None,
                [user.email],
                fail_silently=True,
            )


def indicators_refresh(*, on_date: datetime.date | None = None) -> dict[str, int]:
    """Ask each registered observatory source for its indicators' value on ``on_date``; one
    automatic value per indicator and day (a later refresh on the same day corrects it)."""
    on_date = on_date or local_today()
    refreshed = skipped = 0
    for indicator in Indicator.objects.exclude(observatory_table="").select_related(
        "measure__plan"
    ):
        source = get_indicator_source(indicator.observatory_table)
        if source is None:
            skipped += 1
            continue
        raw = source(indicator, on_date)
        if raw is None:
            skipped += 1
            continue
        value = Decimal(str(raw)).quantize(Decimal("0.01"))
        with transaction.atomic():
            existing = IndicatorValue.objects.filter(
                indicator=indicator, date=on_date, source=ValueSource.AUTOMATIC
            ).first()
            if existing is None:
                iv = IndicatorValue.objects.create(
                    indicator=indicator, date=on_date, value=value, source=ValueSource.AUTOMATIC
                )
                audit_record(
                    actor=None,
                    action=AuditAction.CREATE,
                    obj=iv,
                    details={"indicator": str(indicator.pk), "source": "automatic"},
                )
            elif existing.value != value:
                existing.value = value
                existing.save(update_fields=["value"])
                audit_record(
                    actor=None,
                    action=AuditAction.UPDATE,
                    obj=existing,
                    details={"indicator": str(indicator.pk), "source": "automatic"},
                )
        refreshed += 1
    return {"refreshed": refreshed, "skipped": skipped}
