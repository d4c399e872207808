"""Reads, scoped to what the user needs to know: only the competent authority's staff see cases;
a referrer sees the outcome of their own referrals, never the reasons."""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from balise.accounts.models import User
from balise.identification import clocks
from balise.identification.enums import OPEN_STATES, CaseState, Outcome, ReviewOutcome
from balise.identification.models import Case, CaseExploitationForm, CaseReferral, CaseTransition
from balise.identification.permissions import DECIDING_ROLES, is_authority_staff
from balise.referrals.models import Referral

SORTS = {
    "urgency": [
        F("immediate_danger").desc(),
        F("presumed_minor").desc(),
        F("next_deadline").asc(nulls_last=True),
        F("received_at").asc(),
    ],
    "deadline": [F("next_deadline").asc(nulls_last=True), F("received_at").asc()],
    "-deadline": [F("next_deadline").desc(nulls_last=True), F("received_at").desc()],
    "received": [F("received_at").asc()],
    "-received": [F("received_at").desc()],
}


def case_queryset_for_user(user: User) -> QuerySet[Case]:
    if not is_authority_staff(user):
        return Case.objects.none()
    return Case.objects.select_related("referring_organisation", "assigned_to")


@dataclass
class QueueFilters:
    stage: str = ""  # "" = every open stage; "all" = every stage; else one state
    urgency: str = ""  # "", "minor", "danger", "urgent"
    region: str = ""
    form: str = ""
    referrer: str = ""  # organisation id
    assigned: str = ""  # "", "me", "none", or a user id
    overdue: bool = False
    sort: str = "urgency"

    @classmethod
    def from_params(cls, params: Any) -> QueueFilters:
        return cls(
            stage=(params.get("stage") or "")[:32],
            urgency=(params.get("urgency") or "")[:16],
            region=(params.get("region") or "")[:100],
            form=(params.get("form") or "")[:32],
            referrer=(params.get("referrer") or "")[:40],
            assigned=(params.get("assigned") or "")[:40],
            overdue=(params.get("overdue") or "") in ("1", "true", "on"),
            sort=params.get("sort") or "urgency",
        )


def case_queue(
    user: User, filters: QueueFilters | None = None, *, today: datetime.date | None = None
) -> QuerySet[Case]:
    f = filters or QueueFilters()
    qs = case_queryset_for_user(user)
    if f.stage == "all":
        pass
    elif f.stage in CaseState.values:
        qs = qs.filter(state=f.stage)
    else:
        qs = qs.filter(state__in=OPEN_STATES)
    if f.urgency == "minor":
        qs = qs.filter(presumed_minor=True)
    elif f.urgency == "danger":
        qs = qs.filter(immediate_danger=True)
    elif f.urgency == "urgent":
        qs = qs.filter(Q(presumed_minor=True) | Q(immediate_danger=True))
    if f.region:
        qs = qs.filter(region=f.region)
    if f.form:
        qs = qs.filter(pk__in=CaseExploitationForm.objects.filter(form=f.form).values("case_id"))
    if f.referrer:
        qs = qs.filter(referring_organisation_id=f.referrer) if _is_uuid(f.referrer) else qs.none()
    if f.assigned == "me":
        qs = qs.filter(assigned_to=user)
    elif f.assigned == "none":
        qs = qs.filter(assigned_to__isnull=True)
    elif f.assigned:
        qs = qs.filter(assigned_to_id=f.assigned) if _is_uuid(f.assigned) else qs.none()
    if f.overdue:
        qs = qs.filter(next_deadline__lt=today or clocks.local_today())
    return qs.order_by(*SORTS.get(f.sort, SORTS["urgency"]), "id")


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def queue_regions() -> list[str]:
    """The regions met in cases (cached for a few minutes: a distinct over every case)."""
    from django.core.cache import cache

    def _regions() -> list[str]:
        return list(
            Case.objects.exclude(region="")
            .values_list("region", flat=True)
            .distinct()
            .order_by("region")[:200]
        )

    return cache.get_or_set("identification:queue-regions", _regions, 600)


def queue_referrers() -> QuerySet:
    """Organisations that may refer under the jurisdiction's law."""
    from balise.organisations.models import Organisation

    kinds = clocks.get_profile().referrer_organisation_kinds
    return Organisation.objects.filter(kind__in=kinds).order_by("name").only("id", "name")


def assignable_users() -> QuerySet[User]:
    return (
        User.objects.filter(
            memberships__is_active=True,
            memberships__role__in=DECIDING_ROLES,
            memberships__organisation__kind="competent_authority",
            is_active=True,
        )
        .distinct()
        .order_by("full_name")
    )


def case_referrals(case: Case) -> QuerySet[Referral]:
    return Referral.objects.filter(identification_link__case=case).select_related("organisation")


# -- what a referrer may know -----------------------------------------------------------------

REFERRER_STAGE_LABELS = {
    CaseState.RECEIVED: _("Received by the competent authority"),
    CaseState.UNDER_ASSESSMENT: _("Under assessment"),
    CaseState.PRELIMINARY_REVIEW: _("Under assessment"),
    CaseState.REFLECTION_PERIOD: _("Preliminary decision positive; recovery and reflection period"),
    CaseState.CONCLUSIVE_REVIEW: _("Preliminary decision positive; recovery and reflection period"),
    CaseState.PRELIMINARY_NEGATIVE: _("Preliminary decision negative"),
    CaseState.IDENTIFIED: _("Identified as a victim of trafficking"),
    CaseState.CONCLUSIVE_NEGATIVE: _("Conclusive decision negative"),
    CaseState.CLOSED: _("Closed"),
    CaseState.WITHDRAWN: _("Withdrawn"),
    CaseState.MERGED: _("Joined to another file of the same person"),
}


def referral_outcome_for_referrer(referral: Referral) -> dict[str, Any] | None:
    """What the referring organisation may know: the stage and the outcome of the final
    decisions, with their dates. Never reasons, grounds, evidence, notes nor the stages of an
    internal review (a negative decision awaiting review shows as *under assessment*)."""
    link = CaseReferral.objects.filter(referral=referral).select_related("case").first()
    if link is None:
        return None
    case = link.case
    finals = {"preliminary": None, "conclusive": None}
    for d in case.decisions.order_by("decided_at"):
        if d.outcome == Outcome.POSITIVE or d.review_outcome == ReviewOutcome.CONFIRMED:
            finals[d.stage] = d
        elif d.review_outcome == ReviewOutcome.SENT_BACK:
            continue
    if case.state in (CaseState.UNDER_ASSESSMENT, CaseState.PRELIMINARY_REVIEW):
        finals = {"preliminary": None, "conclusive": None}
    elif case.state in (CaseState.REFLECTION_PERIOD, CaseState.CONCLUSIVE_REVIEW):
        finals["conclusive"] = None

    def _one(d) -> dict[str, Any] | None:  # noqa: ANN001
        if d is None:
            return None
        final_at = d.reviewed_at if d.outcome == Outcome.NEGATIVE else d.decided_at
        return {"outcome": d.outcome, "date": clocks.local_today(final_at)}

    return {
        "stage": case.state if case.state not in REVIEW_HIDDEN else REVIEW_HIDDEN[case.state],
        "stage_label": str(REFERRER_STAGE_LABELS[case.state]),
        "preliminary": _one(finals["preliminary"]),
        "conclusive": _one(finals["conclusive"]),
        "protected_from_removal": case.protected_from_removal(),
    }


#: Internal review stages are shown to referrers as the stage they belong to.
REVIEW_HIDDEN = {
    CaseState.PRELIMINARY_REVIEW: CaseState.UNDER_ASSESSMENT,
    CaseState.CONCLUSIVE_REVIEW: CaseState.REFLECTION_PERIOD,
}


# -- delay dashboard --------------------------------------------------------------------------

#: Stages measured on the dashboard: (state whose stay is measured, label).
DASHBOARD_STAGES = [
    (CaseState.RECEIVED, _("Received, not yet assessed")),
    (CaseState.UNDER_ASSESSMENT, _("Under assessment (to the preliminary decision)")),
    (CaseState.PRELIMINARY_REVIEW, _("Second review of a negative preliminary decision")),
    (CaseState.REFLECTION_PERIOD, _("Reflection period (to the conclusive decision)")),
    (CaseState.CONCLUSIVE_REVIEW, _("Second review of a negative conclusive decision")),
]


def _percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (same as numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    pos = (len(ordered) - 1) * q
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def delay_dashboard(*, now: datetime.datetime | None = None, months: int = 12) -> dict[str, Any]:
    """Per stage: median and 90th percentile of the days spent there (finished stays) and the
    open cases over target now; per month: median days from receipt to the preliminary decision
    taken that month."""
    from django.utils import timezone

    now = now or timezone.now()
    today = clocks.local_today(now)
    stays: dict[str, list[float]] = defaultdict(list)
    preliminary_delays: dict[str, list[float]] = defaultdict(list)
    received: dict[Any, datetime.datetime] = {}
    rows = CaseTransition.objects.order_by("case_id", "at", "id").values_list(
        "case_id", "to_state", "event", "at"
    )
    last_case = None
    entered: tuple[str, datetime.datetime] | None = None
    for case_id, to_state, event, at in rows.iterator(chunk_size=5000):
        if case_id != last_case:
            last_case, entered = case_id, None
        if event == "open":
            received[case_id] = at
        if entered is not None:
            stays[entered[0]].append((at - entered[1]).total_seconds() / 86400)
        entered = (to_state, at)
        if event in ("preliminary_positive", "confirm_preliminary_negative") and case_id in (
            received
        ):
            month = clocks.local_today(at).strftime("%Y-%m")
            preliminary_delays[month].append((at - received[case_id]).total_seconds() / 86400)
    over = _over_target_counts(today)
    stages = []
    for state, label in DASHBOARD_STAGES:
        values = stays.get(state, [])
        stages.append(
            {
                "state": state.value,
                "label": str(label),
                "finished": len(values),
                "median_days": round(statistics.median(values), 1) if values else None,
                "p90_days": round(_percentile(values, 0.9), 1) if values else None,
                "over_target": over.get(state.value, 0),
            }
        )
    month_keys = _last_months(today, months)
    trend = [
        {
            "month": m,
            "decisions": len(preliminary_delays.get(m, [])),
            "median_days": round(statistics.median(preliminary_delays[m]), 1)
            if preliminary_delays.get(m)
            else None,
        }
        for m in month_keys
    ]
    return {
        "today": today,
        "stages": stages,
        "over_target_total": sum(over.values()),
        "trend": trend,
        "target_working_days": clocks.get_profile().preliminary_decision_working_days,
    }


def _over_target_counts(today: datetime.date) -> dict[str, int]:
    from django.db.models import Count

    return dict(
        Case.objects.filter(state__in=OPEN_STATES, next_deadline__lt=today)
        .values("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )


def _last_months(today: datetime.date, n: int) -> list[str]:
    y, m = today.year, today.month
    out = []
    for _i in range(n):
        out.append(f"{y:04d}-{m:02d}")
        m -= 1
        if m == 0:
            y, m = y - 1, 12
    return list(reversed(out))
