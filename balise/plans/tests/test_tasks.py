"""Periodic work: overdue milestone reminders and indicators refreshed from observatory tables."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from balise.plans import services, tasks
from balise.plans.indicator_sources import register_indicator_source, unregister_indicator_source
from balise.plans.models import IndicatorValue, PlanNotification
from balise.plans.services import indicators_refresh

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2025, 1, 6, 8, 0, tzinfo=datetime.UTC)


def test_overdue_milestone_reminds_its_owner_once_per_period(
    situation, signed_in, django_capture_on_commit_callbacks
):
    s = situation  # milestone due 2024-06-30, owner = the lead body
    with time_machine.travel(T0, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            tasks.remind_overdue_milestones.enqueue()
    notices = PlanNotification.objects.filter(milestone=s.milestone)
    assert [n.user for n in notices.all()] == [s.lead_member]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [s.lead_member.email]
    assert "Cadrage" in mail.outbox[0].body
    # The next day: not again.
    with time_machine.travel(T0 + datetime.timedelta(days=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            tasks.remind_overdue_milestones.enqueue()
    assert notices.count() == 1 and len(mail.outbox) == 1
    # A period later: once more.
    with time_machine.travel(T0 + datetime.timedelta(days=7), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            tasks.remind_overdue_milestones.enqueue()
    assert notices.count() == 2 and len(mail.outbox) == 2
    # The reminder shows in the owner's in-app list, and only theirs.
    page = signed_in(s.lead_member).get(reverse("plans:notifications"))
    assert "Cadrage" in page.content.decode()
    assert (
        "Cadrage"
        not in signed_in(s.partner_member).get(reverse("plans:notifications")).content.decode()
    )


def test_no_reminder_for_done_or_future_milestones(situation, django_capture_on_commit_callbacks):
    s = situation
    s.milestone.done_at = datetime.date(2024, 6, 1)
    s.milestone.save()
    s.measure.milestones.create(title="Plus tard", due_date=datetime.date(2025, 2, 1))
    # An abandoned measure's milestones are no longer expected.
    s.other_measure.milestones.create(title="Abandonnée", due_date=datetime.date(2024, 2, 1))
    services.measure_transition(
        acting_user=s.coordinator, measure=s.other_measure, event="abandon", reason="Remplacée"
    )
    with time_machine.travel(T0, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            tasks.remind_overdue_milestones.enqueue()
    assert not PlanNotification.objects.exists()
    assert not mail.outbox


def test_owner_other_than_lead_body_is_reminded(situation):
    s = situation
    s.milestone.owner = s.partner
    s.milestone.save()
    with time_machine.travel(T0, tick=False):
        tasks.remind_overdue_milestones.enqueue()
    assert [n.user for n in PlanNotification.objects.all()] == [s.partner_member]


@pytest.fixture
def observatory_source():
    calls = []

    def source(indicator, on_date):
        calls.append(on_date)
        return Decimal("4160") + len(calls) - 1

    register_indicator_source("test_victims_accompanied", source)
    yield calls
    unregister_indicator_source("test_victims_accompanied")


def test_indicator_refreshes_from_a_registered_source(situation, observatory_source):
    s = situation
    s.indicator.observatory_table = "test_victims_accompanied"
    s.indicator.save()
    s.other_measure.indicators.create(name="Sans source", observatory_table="unknown_table")
    with time_machine.travel(T0, tick=False):
        tasks.refresh_indicators.enqueue()
        value = IndicatorValue.objects.get(indicator=s.indicator)
        assert (value.value, value.source, value.date) == (
            Decimal("4160"),
            "automatic",
            datetime.date(2025, 1, 6),
        )
        # A second run on the same day corrects the value instead of adding one.
        result = indicators_refresh()
    assert result == {"refreshed": 1, "skipped": 1}
    assert IndicatorValue.objects.get(indicator=s.indicator).value == Decimal("4161")
    with time_machine.travel(T0 + datetime.timedelta(days=1), tick=False):
        indicators_refresh()
    assert IndicatorValue.objects.filter(indicator=s.indicator).count() == 2
    assert not IndicatorValue.objects.exclude(indicator=s.indicator).exists()


def test_periodic_tasks_are_scheduled():
    from balise.core.scheduler import PERIODIC

    paths = {p.task_path for p in PERIODIC}
    assert "balise.plans.tasks.remind_overdue_milestones" in paths
    assert "balise.plans.tasks.refresh_indicators" in paths
