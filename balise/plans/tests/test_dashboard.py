"""Dashboard, charts and the follow-up committee report."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from balise.plans import services
from balise.plans.models import CommitteeMeeting, Measure

pytestmark = pytest.mark.django_db


def test_dashboard_counts_engaged_and_achieved_as_engaged(signed_in, situation):
    s = situation
    services.measure_transition(acting_user=s.coordinator, measure=s.measure, event="engage")
    services.measure_transition(acting_user=s.coordinator, measure=s.measure, event="achieve")
    client = signed_in(s.coordinator)
    response = client.get(reverse("plans:dashboard", args=[s.plan.pk]))
    body = response.content.decode()
    assert response.context["dashboard"].engaged == 1
    assert "1 sur 2 mesures engagées" in body or "1 of 2 measures engaged" in body
    services.measure_transition(acting_user=s.coordinator, measure=s.other_measure, event="engage")
    response = client.get(reverse("plans:dashboard", args=[s.plan.pk]))
    assert response.context["dashboard"].engaged == 2
    assert response.context["dashboard"].counts == {
        "not_started": 0,
        "engaged": 1,
        "achieved": 1,
        "abandoned": 0,
    }


def test_dashboard_lists_late_milestones_and_accessible_charts(signed_in, situation):
    s = situation
    services.indicator_value_record(
        acting_user=s.coordinator, indicator=s.indicator, date=datetime.date(2024, 12, 31), value=40
    )
    services.indicator_value_record(
        acting_user=s.coordinator, indicator=s.indicator, date=datetime.date(2025, 12, 31), value=70
    )
    with time_machine.travel(datetime.datetime(2026, 1, 15, 9, tzinfo=datetime.UTC)):
        response = signed_in(s.lead_member).get(reverse("plans:dashboard", args=[s.plan.pk]))
    body = response.content.decode()
    assert [m.title for m in response.context["dashboard"].late_milestones] == ["Cadrage"]
    series = response.context["dashboard"].indicators[0]
    assert series.progress_percent == 70
    # Server-rendered SVG with a title and a text alternative, next to its data table.
    svg = re.search(rf"<svg[^>]*id=\"chart-{s.indicator.pk}\".*?</svg>", body, re.S).group(0)
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "polyline" in svg and "chart-target" in svg
    assert "<script" not in body.split("</head>")[1]
    assert "70" in body and "2025" in body


def test_committee_report_covers_changes_since_the_previous_committee(signed_in, situation):
    s = situation
    tz = datetime.UTC
    # The plan's measures were set up when the plan started.
    Measure.objects.filter(plan=s.plan).update(created_at=datetime.datetime(2024, 1, 5, tzinfo=tz))
    with time_machine.travel(datetime.datetime(2025, 2, 10, 10, tzinfo=tz), tick=False):
        services.measure_transition(acting_user=s.coordinator, measure=s.measure, event="engage")
    with time_machine.travel(datetime.datetime(2025, 5, 10, 10, tzinfo=tz), tick=False):
        services.measure_transition(
            acting_user=s.coordinator, measure=s.other_measure, event="engage"
        )
        update = services.update_submit(
            acting_user=s.lead_member,
            measure=s.measure,
            date=datetime.date(2025, 5, 9),
            text="Bilan",
        )
        services.update_validate(acting_user=s.coordinator, update=update)
        services.milestone_complete(
            acting_user=s.lead_member, milestone=s.milestone, done_at=datetime.date(2025, 5, 1)
        )
    client = signed_in(s.coordinator)
    client.post(reverse("plans:committee_create", args=[s.plan.pk]), {"date": "2025-03-01"})
    assert CommitteeMeeting.objects.filter(plan=s.plan, date=datetime.date(2025, 3, 1)).exists()
    response = client.get(reverse("plans:report", args=[s.plan.pk]) + "?date=2025-06-30")
    report = response.context["report"]
    assert report.since == datetime.date(2025, 3, 1) and report.since_is_committee
    assert [t.measure.number for t in report.transitions] == [2]  # the February change is older
    assert [u.text for u in report.validated_updates] == ["Bilan"]
    assert [m.title for m in report.milestones_done] == ["Cadrage"]
    assert (report.engaged, report.total) == (2, 2)
    # Without a previous committee, the report starts at the plan's start.
    response = client.get(reverse("plans:report", args=[s.plan.pk]) + "?date=2025-02-28")
    report = response.context["report"]
    assert report.since == datetime.date(2024, 1, 1) and not report.since_is_committee
    assert [t.measure.number for t in report.transitions] == [1]
    # On that date only measure 1 was engaged, whatever happened since.
    assert (report.engaged, report.total) == (1, 2)
    assert report.counts["not_started"] == 1
    assert [m.title for m in report.milestones_late] == ["Cadrage"]
    # PDF of the same report.
    pdf = client.get(reverse("plans:report_pdf", args=[s.plan.pk]) + "?date=2025-06-30")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert client.get(reverse("plans:report", args=[s.plan.pk]) + "?date=junk").status_code == 404


def test_report_pages_are_denied_to_outsiders(signed_in, situation):
    from balise.plans.tests import factories as pf

    client = signed_in(pf.outsider())
    assert client.get(reverse("plans:report", args=[situation.plan.pk])).status_code == 404
    assert client.get(reverse("plans:report_pdf", args=[situation.plan.pk])).status_code == 404
    # Recording a committee date is for coordinators only.
    response = signed_in(situation.lead_member).post(
        reverse("plans:committee_create", args=[situation.plan.pk]), {"date": "2025-03-01"}
    )
    assert response.status_code == 403
    assert not CommitteeMeeting.objects.exists()
