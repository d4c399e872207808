"""Reminders before a deadline, escalation to team leads after it, each sent once."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail

from balise.core import scheduler
from balise.identification import tasks
from balise.identification.models import CaseNotification, DeadlineAlert
from balise.identification.services import case_assign
from balise.identification.tests.factories import officer, submitted_case, team_lead

pytestmark = pytest.mark.django_db


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=datetime.UTC)


def test_the_sweep_is_registered_with_the_scheduler():
    paths = [p.task_path for p in scheduler.PERIODIC]
    assert "balise.identification.tasks.send_deadline_reminders" in paths


def test_reminder_before_then_escalation_after_each_once():
    off = officer()
    lead = team_lead(org=off.primary_organisation())
    with time_machine.travel(at(2025, 3, 3, 9)):  # due Monday 10 March
        case = submitted_case()
        case_assign(acting_user=lead, case=case, assignee=off)
    assert case.next_deadline == datetime.date(2025, 3, 10)

    # Wednesday 5: three working days left, nothing yet.
    assert tasks.sweep_deadlines(at(2025, 3, 5, 9)) == {"reminder": 0, "escalation": 0}
    # Thursday 6: two working days left → a reminder to the assignee only.
    assert tasks.sweep_deadlines(at(2025, 3, 6, 9)) == {"reminder": 1, "escalation": 0}
    assert [m.to for m in mail.outbox] == [[off.email]]
    assert case.reference in mail.outbox[0].subject
    # Personal data never goes out by email.
    referral = case.case_referrals.get().referral
    assert referral.person.given_names not in mail.outbox[0].body
    # The next sweeps (same day, next day) do not repeat it.
    assert tasks.sweep_deadlines(at(2025, 3, 6, 15)) == {"reminder": 0, "escalation": 0}
    assert tasks.sweep_deadlines(at(2025, 3, 7, 9)) == {"reminder": 0, "escalation": 0}
    # On the day itself (Paris time), still no escalation.
    assert tasks.sweep_deadlines(at(2025, 3, 10, 22, 30)) == {"reminder": 0, "escalation": 0}
    # 00:30 on Tuesday in Paris: passed → escalation to the team lead (and the assignee).
    assert tasks.sweep_deadlines(at(2025, 3, 10, 23, 30)) == {"reminder": 0, "escalation": 1}
    assert sorted(mail.outbox[1].to + mail.outbox[2].to) == sorted([lead.email, off.email])
    assert tasks.sweep_deadlines(at(2025, 3, 12, 9)) == {"reminder": 0, "escalation": 0}
    assert DeadlineAlert.objects.filter(case=case).count() == 2
    assert CaseNotification.objects.filter(user=lead).count() == 1
    assert CaseNotification.objects.filter(user=off).count() == 2
    assert len(mail.outbox) == 3


def test_an_unassigned_case_reminds_every_officer_and_decided_cases_are_quiet():
    off = officer()
    other = officer(org=off.primary_organisation())
    with time_machine.travel(at(2025, 3, 3, 9)):
        submitted_case()
        decided = submitted_case()
    from balise.identification.enums import CaseEvent as E
    from balise.identification.tests.factories import decide

    with time_machine.travel(at(2025, 3, 4, 9)):
        decide(decided, off, E.WITHDRAW, reasons="Duplicate sent by mistake.")
    assert tasks.sweep_deadlines(at(2025, 3, 6, 9)) == {"reminder": 1, "escalation": 0}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([off.email, other.email])


def test_the_task_runs_through_the_task_backend():
    with time_machine.travel(at(2025, 3, 3, 9)):
        submitted_case()
        officer()
    with time_machine.travel(at(2025, 3, 6, 9)):
        result = tasks.send_deadline_reminders.enqueue()
    assert result.return_value == {"reminder": 1, "escalation": 0}


def test_the_queue_lists_unread_alerts(signed_in):
    off = officer()
    with time_machine.travel(at(2025, 3, 3, 9)):
        case = submitted_case()
    tasks.sweep_deadlines(at(2025, 3, 6, 9))
    page = signed_in(off).get("/identification/").content.decode()
    assert "Deadline alerts" in page or "notices-title" in page
    assert case.reference in page
    signed_in(off).get(f"/identification/cases/{case.pk}/")
    assert CaseNotification.objects.get(user=off).read_at is not None
