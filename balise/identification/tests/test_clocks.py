"""Clock arithmetic across weekends, French and Moroccan public holidays, daylight-saving
changes and time zones. Expected dates are worked out by hand from the calendars."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from balise.identification import clocks
from balise.identification.enums import CaseEvent as E
from balise.identification.tests.factories import decide, officer, submitted_case
from balise.jurisdictions.profiles import load_profile

FR = load_profile("fr")
MA = load_profile("ma")
UTC = datetime.UTC


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("received", "profile", "due"),
    [
        # Monday → the following Monday (5 working days, no holiday).
        (at(2025, 3, 3, 9), FR, datetime.date(2025, 3, 10)),
        # Received on a Saturday: counting starts on Monday.
        (at(2025, 3, 8, 9), FR, datetime.date(2025, 3, 14)),
        # Friday 2 May 2025; Thursday 8 May (Victoire 1945) is not a working day in France.
        (at(2025, 5, 2, 9), FR, datetime.date(2025, 5, 12)),
        # Same instant in August: Morocco skips 20 and 21 August (Revolution, Youth Day).
        (at(2025, 8, 18, 10), FR, datetime.date(2025, 8, 25)),
        (at(2025, 8, 18, 10), MA, datetime.date(2025, 8, 27)),
        # Morocco: Throne Day, Wednesday 30 July 2025.
        (at(2025, 7, 28, 10), MA, datetime.date(2025, 8, 5)),
        # Spring DST (Paris, 30 March 2025): 21:30 UTC is still Sunday 23:30 local…
        (at(2025, 3, 30, 21, 30), FR, datetime.date(2025, 4, 4)),
        # …22:30 UTC is already Monday 00:30 local (UTC+2).
        (at(2025, 3, 30, 22, 30), FR, datetime.date(2025, 4, 7)),
        # Autumn, after DST ended (UTC+1): Thursday 23:30 local…
        (at(2025, 11, 6, 22, 30), FR, datetime.date(2025, 11, 14)),
        # …and Friday 00:30 local; Tuesday 11 November (Armistice) is skipped.
        (at(2025, 11, 6, 23, 30), FR, datetime.date(2025, 11, 17)),
        # Time zones: during Ramadan 2025 Casablanca is on UTC+0, so 23:30 UTC is still
        # Monday 10 March there while it is already Tuesday in Paris.
        (at(2025, 3, 10, 23, 30), MA, datetime.date(2025, 3, 17)),
        (at(2025, 3, 10, 23, 30), FR, datetime.date(2025, 3, 18)),
    ],
)
def test_preliminary_target_in_working_days(received, profile, due):
    assert clocks.preliminary_due(received, profile) == due


def test_reflection_period_and_minimum_delay_count_calendar_days_across_dst():
    # A preliminary decision on 20 March: 30 days later is 19 April, DST in between.
    assert clocks.reflection_ends(datetime.date(2025, 3, 20), FR) == datetime.date(2025, 4, 19)
    assert clocks.conclusive_earliest(datetime.date(2025, 3, 20), FR) == datetime.date(2025, 4, 19)
    assert clocks.reconsideration_until(datetime.date(2025, 10, 10), FR) == datetime.date(
        2025, 11, 9
    )


def test_reflection_period_never_below_the_convention_minimum():
    short = load_profile("coe", {"reflection_period_days": 20})
    longer = load_profile("coe", {"reflection_period_days": 45})
    assert clocks.reflection_ends(datetime.date(2025, 1, 1), short) == datetime.date(2025, 1, 31)
    assert clocks.reflection_ends(datetime.date(2025, 1, 1), longer) == datetime.date(2025, 2, 15)


def test_a_deadline_passes_at_the_end_of_its_local_day():
    due = datetime.date(2025, 3, 14)
    # 23:30 in Paris on the 14th (UTC+1): still on time.
    assert not clocks.is_passed(due, clocks.local_today(at(2025, 3, 14, 22, 30), FR))
    # 00:30 in Paris on the 15th: passed.
    assert clocks.is_passed(due, clocks.local_today(at(2025, 3, 14, 23, 30), FR))


def test_reminders_start_two_working_days_before_the_deadline(settings):
    due = datetime.date(2025, 5, 12)  # a Monday; Thursday 8 May is a holiday
    # Tuesday 6 → Monday 12 is three working days (7, 9, 12: the 8th is a holiday).
    assert not clocks.is_due_for_reminder(due, datetime.date(2025, 5, 6), FR)
    # Wednesday 7 → 12 is two working days: the reminder is due.
    assert clocks.is_due_for_reminder(due, datetime.date(2025, 5, 7), FR)
    assert clocks.is_due_for_reminder(due, datetime.date(2025, 5, 9), FR)
    assert clocks.is_due_for_reminder(due, datetime.date(2025, 5, 12), FR)
    assert not clocks.is_due_for_reminder(due, datetime.date(2025, 5, 13), FR)
    settings.BALISE_IDENTIFICATION_REMIND_WORKING_DAYS = 3
    assert clocks.is_due_for_reminder(due, datetime.date(2025, 5, 6), FR)


@pytest.mark.django_db
def test_the_deployment_profile_drives_the_case_clocks(settings):
    settings.BALISE_JURISDICTION = "ma"
    with time_machine.travel(at(2025, 7, 28, 10)):
        case = submitted_case()
        assert case.preliminary_due == datetime.date(2025, 8, 5)
        off = officer()
        decide(case, off, E.START_ASSESSMENT)
        case = decide(case, off, E.PRELIMINARY_POSITIVE)
    assert case.reflection_ends == datetime.date(2025, 8, 27)
    deadlines = {d.kind: d for d in clocks.case_deadlines(case, datetime.date(2025, 8, 26))}
    assert deadlines["reflection_end"].current
    assert deadlines["reflection_end"].days_left == 1
    assert deadlines["preliminary"].passed and not deadlines["preliminary"].current
    assert case.protected_from_removal(datetime.date(2025, 8, 27))
