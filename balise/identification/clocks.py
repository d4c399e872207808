"""Statutory clocks. Every number comes from the jurisdiction profile; every date is a calendar
date in the jurisdiction's time zone (a deadline passes at the end of its day, local time)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from balise.identification.enums import CaseState, DeadlineKind
from balise.jurisdictions.profiles import JurisdictionProfile, get_profile


def _profile(profile: JurisdictionProfile | None) -> JurisdictionProfile:
    return profile or get_profile()


def local_today(
    now: datetime.datetime | None = None, profile: JurisdictionProfile | None = None
) -> datetime.date:
    return _profile(profile).local_date(now or timezone.now())


def preliminary_due(
    received_at: datetime.datetime, profile: JurisdictionProfile | None = None
) -> datetime.date:
    """Target of the preliminary decision: N working days after the (local) day of receipt."""
    p = _profile(profile)
    return p.add_working_days(p.local_date(received_at), p.preliminary_decision_working_days)


def reflection_ends(
    preliminary_on: datetime.date, profile: JurisdictionProfile | None = None
) -> datetime.date:
    """Last day of the recovery and reflection period (at least the legal minimum)."""
    p = _profile(profile)
    days = max(p.reflection_period_days, 30)  # never below the Convention's minimum
    return preliminary_on + datetime.timedelta(days=days)


def conclusive_earliest(
    preliminary_on: datetime.date, profile: JurisdictionProfile | None = None
) -> datetime.date:
    p = _profile(profile)
    return preliminary_on + datetime.timedelta(days=p.min_days_preliminary_to_conclusive)


def reconsideration_until(
    final_on: datetime.date, profile: JurisdictionProfile | None = None
) -> datetime.date:
    p = _profile(profile)
    return final_on + datetime.timedelta(days=p.reconsideration_window_days)


def next_deadline(case) -> tuple[datetime.date | None, str]:  # noqa: ANN001
    """The deadline that staff must meet next in the case's current state."""
    if case.state in (
        CaseState.RECEIVED,
        CaseState.UNDER_ASSESSMENT,
        CaseState.PRELIMINARY_REVIEW,
    ):
        # A negative preliminary decision is not taken until the second reviewer confirms it.
        return case.preliminary_due, DeadlineKind.PRELIMINARY
    if case.state in (CaseState.REFLECTION_PERIOD, CaseState.CONCLUSIVE_REVIEW):
        return case.reflection_ends, DeadlineKind.REFLECTION_END
    return None, ""


def remind_working_days() -> int:
    return int(getattr(settings, "BALISE_IDENTIFICATION_REMIND_WORKING_DAYS", 2))


def is_due_for_reminder(
    due: datetime.date, today: datetime.date, profile: JurisdictionProfile | None = None
) -> bool:
    """True from ``remind_working_days()`` working days before the deadline up to its day."""
    p = _profile(profile)
    return today <= due and p.working_days_between(today, due) <= remind_working_days()


def is_passed(due: datetime.date, today: datetime.date) -> bool:
    return today > due


@dataclass(frozen=True)
class Deadline:
    kind: str
    label: str
    due: datetime.date
    passed: bool
    days_left: int
    working_days_left: int
    current: bool


def case_deadlines(
    case,  # noqa: ANN001
    today: datetime.date | None = None,
    profile: JurisdictionProfile | None = None,
) -> list[Deadline]:
    """Every deadline of the case, for the case page, the API and the reminders."""
    p = _profile(profile)
    today = today or local_today(profile=p)
    current_due, current_kind = next_deadline(case)
    rows = [
        (DeadlineKind.PRELIMINARY, case.preliminary_due),
        (DeadlineKind.CONCLUSIVE_EARLIEST, case.conclusive_earliest),
        (DeadlineKind.REFLECTION_END, case.reflection_ends),
        (DeadlineKind.RECONSIDERATION, case.reconsideration_until),
    ]
    out = []
    for kind, due in rows:
        if due is None:
            continue
        out.append(
            Deadline(
                kind=kind.value,
                label=str(kind.label),
                due=due,
                passed=is_passed(due, today),
                days_left=(due - today).days,
                working_days_left=p.working_days_between(today, due),
                current=(kind == current_kind and due == current_due),
            )
        )
    return out
