"""The coordinator's pages: axes, measures, statuses, milestones, indicators, publication."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from balise.audit.models import AuditEntry
from balise.plans.models import Axis, Measure, MeasureTransition, Plan

pytestmark = pytest.mark.django_db


def test_coordinator_builds_a_plan_through_the_pages(signed_in, situation):
    s = situation
    client = signed_in(s.coordinator)
    for name in ("detail", "edit", "dashboard", "report", "import", "measure_create"):
        assert client.get(reverse(f"plans:{name}", args=[s.plan.pk])).status_code == 200, name
    client.post(reverse("plans:axis_create", args=[s.plan.pk]), {"number": 2, "title": "Protéger"})
    axis = Axis.objects.get(plan=s.plan, number=2)
    # A duplicate axis number is refused.
    client.post(reverse("plans:axis_create", args=[s.plan.pk]), {"number": 2, "title": "Bis"})
    assert Axis.objects.filter(plan=s.plan, number=2).count() == 1
    response = client.post(
        reverse("plans:measure_create", args=[s.plan.pk]),
        {
            "axis": axis.pk,
            "number": 7,
            "title": "Ouvrir un numéro vert",
            "lead_body": s.lead.pk,
            "partner_bodies": [s.partner.pk, s.other_lead.pk],
            "start_date": "2024-03-01",
            "due_date": "2025-03-01",
            "budget_planned": "50000",
        },
    )
    measure = Measure.objects.get(plan=s.plan, number=7)
    assert response.status_code == 302
    assert measure.budget_planned == Decimal("50000")
    assert measure.partner_bodies.count() == 2
    # Same number again, or due before start: the form says which field is wrong.
    response = client.post(
        reverse("plans:measure_create", args=[s.plan.pk]),
        {"axis": axis.pk, "number": 7, "title": "x", "lead_body": s.lead.pk},
    )
    assert "number" in response.context["form"].errors
    response = client.post(
        reverse("plans:measure_edit", args=[measure.pk]),
        {
            "axis": axis.pk,
            "number": 7,
            "title": "Ouvrir un numéro vert national",
            "lead_body": s.lead.pk,
            "start_date": "2024-03-01",
            "due_date": "2023-03-01",
        },
    )
    assert "due_date" in response.context["form"].errors
    response = client.post(
        reverse("plans:measure_edit", args=[measure.pk]),
        {
            "axis": axis.pk,
            "number": 7,
            "title": "Ouvrir un numéro vert national",
            "lead_body": s.lead.pk,
        },
    )
    measure.refresh_from_db()
    assert measure.title == "Ouvrir un numéro vert national"
    assert measure.partner_bodies.count() == 0
    # Milestones, indicators and values.
    client.post(
        reverse("plans:milestone_create", args=[measure.pk]),
        {"title": "Marché public", "due_date": "2025-01-01", "owner": s.partner.pk},
    )
    assert measure.milestones.get().owner == s.partner
    client.post(
        reverse("plans:indicator_create", args=[measure.pk]),
        {"name": "Appels reçus", "unit": "appels", "target_value": "1000"},
    )
    indicator = measure.indicators.get()
    client.post(
        reverse("plans:indicator_value", args=[measure.pk, indicator.pk]),
        {"date": "2025-06-30", "value": "420"},
    )
    assert indicator.values.get().value == Decimal("420")
    assert client.get(reverse("plans:measure", args=[measure.pk])).status_code == 200


def test_status_changes_are_logged_and_abandon_needs_a_reason(signed_in, situation):
    s = situation
    client = signed_in(s.coordinator)
    url = reverse("plans:measure_transition", args=[s.measure.pk])
    client.post(url, {"event": "achieve"})  # not possible from "not started"
    client.post(url, {"event": "abandon"})  # no reason
    s.measure.refresh_from_db()
    assert s.measure.status == "not_started"
    client.post(url, {"event": "engage"})
    client.post(url, {"event": "abandon", "reason": "Reprise par un autre dispositif"})
    s.measure.refresh_from_db()
    assert s.measure.status == "abandoned"
    log = list(MeasureTransition.objects.filter(measure=s.measure).order_by("at"))
    assert [(t.event, t.from_state, t.to_state) for t in log] == [
        ("engage", "not_started", "engaged"),
        ("abandon", "engaged", "abandoned"),
    ]
    assert log[1].reason == "Reprise par un autre dispositif" and log[1].actor == s.coordinator
    assert AuditEntry.objects.filter(action="transition", object_id=str(s.measure.pk)).count() == 2


def test_publishing_is_audited(signed_in, situation):
    s = situation
    signed_in(s.coordinator).post(reverse("plans:publish", args=[s.plan.pk]), {"published": "1"})
    plan = Plan.objects.get(pk=s.plan.pk)
    assert plan.published and plan.published_at is not None
    assert AuditEntry.objects.filter(action="plan_publish", object_id=str(plan.pk)).exists()


def test_milestone_cannot_be_done_in_the_future(signed_in, situation):
    s = situation
    signed_in(s.lead_member).post(
        reverse("plans:milestone_done", args=[s.measure.pk, s.milestone.pk]),
        {"done_at": (datetime.date.today() + datetime.timedelta(days=30)).isoformat()},
    )
    s.milestone.refresh_from_db()
    assert s.milestone.done_at is None


def test_plan_list_shows_only_visible_plans(signed_in, situation):
    s = situation
    body = signed_in(s.partner_member).get(reverse("plans:list")).content.decode()
    assert s.plan.title in body
    assert "Nouveau plan" not in body  # only coordinators create plans
    assert "Nouveau plan" in signed_in(s.coordinator).get(reverse("plans:list")).content.decode()
