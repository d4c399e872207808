"""Reads, always scoped to the user."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from balise.plans.enums import MeasureStatus, UpdateStatus
from balise.plans.models import (
    Axis,
    Evidence,
    Indicator,
    Measure,
    MeasureTransition,
    Milestone,
    Plan,
    PlanNotification,
    ProgressUpdate,
)
from balise.plans.permissions import coordinator_organisations, member_organisation_ids


def _coordinated_ids(user) -> list:  # noqa: ANN001
    return [o.pk for o in coordinator_organisations(user)]


def plan_queryset_for_user(user) -> QuerySet[Plan]:  # noqa: ANN001
    """Plans a user sees: those their body coordinates or has a measure in (lead or partner)."""
    if not user.is_authenticated:
        return Plan.objects.none()
    orgs = member_organisation_ids(user)
    involved = Measure.objects.filter(Q(lead_body__in=orgs) | Q(partner_bodies__in=orgs)).values(
        "plan_id"
    )
    return Plan.objects.filter(
        Q(coordinating_organisation__in=_coordinated_ids(user)) | Q(pk__in=involved)
    ).select_related("coordinating_organisation")


def measure_queryset_for_user(user) -> QuerySet[Measure]:  # noqa: ANN001
    return (
        Measure.objects.filter(plan__in=plan_queryset_for_user(user).values("pk"))
        .select_related("plan", "axis", "lead_body", "plan__coordinating_organisation")
        .prefetch_related("partner_bodies")
    )


def update_queryset_for_user(user) -> QuerySet[ProgressUpdate]:  # noqa: ANN001
    """Updates: the plan's coordinators see all; a body's members see those of their measures."""
    if not user.is_authenticated:
        return ProgressUpdate.objects.none()
    orgs = member_organisation_ids(user)
    own_measures = Measure.objects.filter(
        Q(lead_body__in=orgs) | Q(partner_bodies__in=orgs)
    ).values("pk")
    return ProgressUpdate.objects.filter(
        Q(measure__plan__coordinating_organisation__in=_coordinated_ids(user))
        | Q(measure__in=own_measures)
    ).select_related("measure", "measure__plan", "author", "author_organisation", "reviewed_by")


def evidence_queryset_for_user(user) -> QuerySet[Evidence]:  # noqa: ANN001
    return Evidence.objects.filter(update__in=update_queryset_for_user(user).values("pk"))


def indicator_queryset_for_user(user) -> QuerySet[Indicator]:  # noqa: ANN001
    return Indicator.objects.filter(
        measure__in=measure_queryset_for_user(user).values("pk")
    ).select_related("measure", "measure__plan")


def public_plan_queryset() -> QuerySet[Plan]:
    return Plan.objects.filter(published=True)


def notifications_for_user(user) -> QuerySet[PlanNotification]:  # noqa: ANN001
    return PlanNotification.objects.filter(user=user).select_related(
        "milestone", "milestone__measure", "milestone__measure__plan"
    )


# -- dashboard ------------------------------------------------------------------------------
ENGAGED_STATUSES = (MeasureStatus.ENGAGED, MeasureStatus.ACHIEVED)


@dataclass
class AxisSummary:
    axis: Axis
    counts: dict[str, int]
    total: int
    engaged: int


@dataclass
class IndicatorSeries:
    indicator: Indicator
    points: list[tuple[datetime.date, Decimal]]
    latest: Decimal | None
    progress_percent: int | None


@dataclass
class Dashboard:
    plan: Plan
    total: int
    engaged: int
    counts: dict[str, int]
    axes: list[AxisSummary]
    late_milestones: list[Milestone]
    indicators: list[IndicatorSeries] = field(default_factory=list)


def plan_dashboard(plan: Plan, *, on_date: datetime.date) -> Dashboard:
    """Measures by status and axis (engaged counts engaged + achieved), late milestones and
    indicator series (only values that count: manual/automatic values, never unvalidated ones)."""
    statuses = list(MeasureStatus.values)
    rows = Measure.objects.filter(plan=plan).values("axis_id", "status").annotate(n=Count("id"))
    per_axis: dict = {}
    counts = dict.fromkeys(statuses, 0)
    for row in rows:
        per_axis.setdefault(row["axis_id"], dict.fromkeys(statuses, 0))[row["status"]] += row["n"]
        counts[row["status"]] += row["n"]
    axes = []
    for axis in plan.axes.all():
        c = per_axis.get(axis.pk, dict.fromkeys(statuses, 0))
        axes.append(
            AxisSummary(
                axis=axis,
                counts=c,
                total=sum(c.values()),
                engaged=sum(c[s] for s in ENGAGED_STATUSES),
            )
        )
    late = list(
        Milestone.objects.filter(measure__plan=plan, due_date__lt=on_date)
        .exclude(measure__status=MeasureStatus.ABANDONED)
        .filter(Q(done_at__isnull=True) | Q(done_at__gt=on_date))
        .select_related("measure", "owner", "measure__lead_body")
        .order_by("due_date")
    )
    series = []
    indicators = Indicator.objects.filter(measure__plan=plan).select_related("measure")
    for indicator in indicators.order_by("measure__number", "name").prefetch_related("values"):
        points = [(v.date, v.value) for v in indicator.values.all() if v.date <= on_date]
        latest = points[-1][1] if points else None
        progress = None
        if latest is not None and indicator.target_value:
            progress = int(min(Decimal(100), latest * 100 / indicator.target_value))
        series.append(IndicatorSeries(indicator, points, latest, progress))
    return Dashboard(
        plan=plan,
        total=sum(counts.values()),
        engaged=sum(counts[s] for s in ENGAGED_STATUSES),
        counts=counts,
        axes=axes,
        late_milestones=late,
        indicators=series,
    )


# -- committee report -----------------------------------------------------------------------
@dataclass
class CommitteeReport:
    plan: Plan
    date: datetime.date
    since: datetime.date
    since_is_committee: bool
    transitions: list[MeasureTransition]
    validated_updates: list[ProgressUpdate]
    milestones_done: list[Milestone]
    milestones_late: list[Milestone]
    dashboard: Dashboard
    counts: dict[str, int]  # measures by status as they stood on ``date``
    engaged: int
    total: int


def committee_report(plan: Plan, *, on_date: datetime.date) -> CommitteeReport:
    """What changed between the previous committee date (else the plan's start) and ``on_date``
    (both in the jurisdiction's calendar days: after ``since``, up to and including ``on_date``)."""
    from balise.jurisdictions.profiles import get_profile

    previous = (
        plan.committee_meetings.filter(date__lt=on_date)
        .order_by("-date")
        .values_list("date", flat=True)
    ).first()
    since = previous or plan.period_start
    tz = get_profile().tz
    start = datetime.datetime.combine(since, datetime.time.max, tzinfo=tz)
    end = datetime.datetime.combine(on_date, datetime.time.max, tzinfo=tz)
    transitions = list(
        MeasureTransition.objects.filter(measure__plan=plan, at__gt=start, at__lte=end)
        .select_related("measure", "actor")
        .order_by("measure__number", "at")
    )
    updates = list(
        ProgressUpdate.objects.filter(
            measure__plan=plan,
            status=UpdateStatus.VALIDATED,
            reviewed_at__gt=start,
            reviewed_at__lte=end,
        )
        .select_related("measure", "author_organisation")
        .order_by("measure__number", "date")
    )
    done = list(
        Milestone.objects.filter(measure__plan=plan, done_at__gt=since, done_at__lte=on_date)
        .select_related("measure")
        .order_by("done_at")
    )
    dashboard = plan_dashboard(plan, on_date=on_date)
    # Status of each measure on the date: the target of its last transition up to then.
    status_at = dict.fromkeys(
        Measure.objects.filter(plan=plan, created_at__lte=end).values_list("pk", flat=True),
        MeasureStatus.NOT_STARTED.value,
    )
    logs = MeasureTransition.objects.filter(measure__plan=plan, at__lte=end).order_by("at", "id")
    for measure_id, to_state in logs.values_list("measure_id", "to_state"):
        if measure_id in status_at:
            status_at[measure_id] = to_state
    counts = dict.fromkeys(MeasureStatus.values, 0)
    for state in status_at.values():
        counts[state] = counts.get(state, 0) + 1
    return CommitteeReport(
        plan=plan,
        date=on_date,
        since=since,
        since_is_committee=previous is not None,
        transitions=transitions,
        validated_updates=updates,
        milestones_done=done,
        milestones_late=dashboard.late_milestones,
        dashboard=dashboard,
        counts=counts,
        engaged=sum(counts[s] for s in ENGAGED_STATUSES),
        total=len(status_at),
    )
