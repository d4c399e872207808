"""Who may see and do what: every denial is proven through HTTP."""

import datetime

import pytest
from django.urls import reverse

from balise.accounts.enums import Role
from balise.organisations.enums import OrganisationKind
from balise.plans.models import Plan, ProgressUpdate
from balise.plans.tests import factories as pf
from tests import factories

pytestmark = pytest.mark.django_db


def _plan_data(**extra):
    data = {
        "title": "Nouveau plan",
        "period_start": "2024-01-01",
        "period_end": "2027-12-31",
        "jurisdiction": "fr",
        "currency": "EUR",
    }
    data.update(extra)
    return data


def test_coordinator_of_a_coordination_body_creates_a_plan(signed_in):
    coordinator = pf.plan_coordinator()
    response = signed_in(coordinator).post(reverse("plans:create"), _plan_data())
    plan = Plan.objects.get(title="Nouveau plan")
    assert response.status_code == 302
    assert plan.coordinating_organisation == coordinator.primary_organisation()


def test_plan_period_must_not_end_before_it_starts(signed_in):
    client = signed_in(pf.plan_coordinator())
    response = client.post(reverse("plans:create"), _plan_data(period_end="2023-01-01"))
    assert response.status_code == 200
    assert not Plan.objects.exists()


@pytest.mark.parametrize(
    ("kind", "role"),
    [
        (OrganisationKind.NGO, Role.PLAN_COORDINATOR),  # coordinator role, wrong kind of body
        (OrganisationKind.COORDINATION, Role.ADMINISTRATOR),  # right body, wrong role
        (OrganisationKind.POLICE, Role.REFERRER),
    ],
)
def test_others_cannot_create_a_plan(signed_in, kind, role):
    user = factories.member(factories.organisation(kind), role)
    client = signed_in(user)
    assert client.get(reverse("plans:create")).status_code == 403
    assert client.post(reverse("plans:create"), _plan_data()).status_code == 403
    assert not Plan.objects.exists()


def test_anonymous_visitor_is_sent_to_sign_in(client, situation):
    response = client.get(reverse("plans:detail", args=[situation.plan.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_coordinator_of_another_body_sees_nothing(signed_in, situation):
    stranger = pf.plan_coordinator()
    client = signed_in(stranger)
    s = situation
    assert client.get(reverse("plans:list")).context["plans"].count() == 0
    for url in (
        reverse("plans:detail", args=[s.plan.pk]),
        reverse("plans:edit", args=[s.plan.pk]),
        reverse("plans:dashboard", args=[s.plan.pk]),
        reverse("plans:measure", args=[s.measure.pk]),
        reverse("plans:import", args=[s.plan.pk]),
        reverse("plans:export", args=[s.plan.pk, "csv"]),
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("plans:publish", args=[s.plan.pk]), {"published": "1"}).status_code
        == 404
    )
    s.plan.refresh_from_db()
    assert not s.plan.published


def test_outsider_gets_404_everywhere(signed_in, situation):
    client = signed_in(pf.outsider())
    s = situation
    assert client.get(reverse("plans:detail", args=[s.plan.pk])).status_code == 404
    assert client.get(reverse("plans:measure", args=[s.measure.pk])).status_code == 404
    response = client.post(
        reverse("plans:measure", args=[s.measure.pk]), {"date": "2025-01-01", "text": "x"}
    )
    assert response.status_code == 404
    assert not ProgressUpdate.objects.exists()


def test_lead_body_member_sees_the_plan_but_cannot_manage_it(signed_in, situation):
    s = situation
    client = signed_in(s.lead_member)
    assert client.get(reverse("plans:detail", args=[s.plan.pk])).status_code == 200
    assert client.get(reverse("plans:dashboard", args=[s.plan.pk])).status_code == 200
    assert client.get(reverse("plans:edit", args=[s.plan.pk])).status_code == 403
    assert client.get(reverse("plans:measure_create", args=[s.plan.pk])).status_code == 403
    assert client.get(reverse("plans:measure_edit", args=[s.measure.pk])).status_code == 403
    assert client.get(reverse("plans:import", args=[s.plan.pk])).status_code == 403
    assert client.get(reverse("plans:export", args=[s.plan.pk, "xlsx"])).status_code == 403
    assert (
        client.post(reverse("plans:publish", args=[s.plan.pk]), {"published": "1"}).status_code
        == 403
    )
    response = client.post(
        reverse("plans:measure_transition", args=[s.measure.pk]), {"event": "engage"}
    )
    assert response.status_code == 403
    response = client.post(
        reverse("plans:indicator_value", args=[s.measure.pk, s.indicator.pk]),
        {"date": "2025-01-01", "value": "5"},
    )
    assert response.status_code == 403
    s.measure.refresh_from_db()
    assert s.measure.status == "not_started"
    assert not s.indicator.values.exists()


@pytest.mark.parametrize("who", ["lead_member", "partner_member"])
def test_lead_and_partner_members_post_updates(signed_in, situation, who):
    s = situation
    response = signed_in(getattr(s, who)).post(
        reverse("plans:measure", args=[s.measure.pk]),
        {"date": "2025-01-15", "text": "Réunion tenue", "new_status": ""},
    )
    assert response.status_code == 302
    update = ProgressUpdate.objects.get()
    assert update.author == getattr(s, who)
    assert update.status == "submitted"


def test_member_of_another_measure_cannot_post_on_this_one(signed_in, situation):
    s = situation
    client = signed_in(s.other_member)
    # The plan is visible to them (they lead measure 2) but not the right to post on measure 1.
    assert client.get(reverse("plans:measure", args=[s.measure.pk])).status_code == 200
    response = client.post(
        reverse("plans:measure", args=[s.measure.pk]), {"date": "2025-01-15", "text": "x"}
    )
    assert response.status_code == 403
    assert not ProgressUpdate.objects.exists()


def test_updates_of_a_measure_are_hidden_from_other_bodies(signed_in, situation):
    s = situation
    signed_in(s.lead_member).post(
        reverse("plans:measure", args=[s.measure.pk]), {"date": "2025-01-15", "text": "x"}
    )
    update = ProgressUpdate.objects.get()
    assert (
        signed_in(s.other_member).get(reverse("plans:update", args=[update.pk])).status_code == 404
    )
    assert (
        signed_in(s.partner_member).get(reverse("plans:update", args=[update.pk])).status_code
        == 200
    )
    assert (
        signed_in(s.coordinator).get(reverse("plans:update", args=[update.pk])).status_code == 200
    )


def test_only_the_coordinator_validates(signed_in, situation):
    s = situation
    signed_in(s.lead_member).post(
        reverse("plans:measure", args=[s.measure.pk]),
        {"date": "2025-01-15", "text": "x", "new_status": "engaged"},
    )
    update = ProgressUpdate.objects.get()
    url = reverse("plans:update_review", args=[update.pk])
    assert signed_in(s.lead_member).post(url, {"decision": "validate"}).status_code == 403
    assert signed_in(s.partner_member).post(url, {"decision": "validate"}).status_code == 403
    assert signed_in(pf.plan_coordinator()).post(url, {"decision": "validate"}).status_code == 404
    update.refresh_from_db()
    assert update.status == "submitted"
    assert signed_in(s.coordinator).post(url, {"decision": "validate"}).status_code == 302
    update.refresh_from_db()
    s.measure.refresh_from_db()
    assert update.status == "validated"
    assert s.measure.status == "engaged"


def test_milestone_done_by_owner_members_only(signed_in, situation):
    s = situation
    url = reverse("plans:milestone_done", args=[s.measure.pk, s.milestone.pk])
    assert signed_in(s.partner_member).post(url, {"done_at": "2024-07-01"}).status_code == 403
    assert signed_in(s.lead_member).post(url, {"done_at": "2024-07-01"}).status_code == 302
    s.milestone.refresh_from_db()
    assert s.milestone.done_at == datetime.date(2024, 7, 1)


def test_public_view_shows_only_published_plans(client, situation):
    url = reverse("public_plans:detail", args=[situation.plan.pk])
    assert client.get(url).status_code == 404
    assert (
        client.get(
            reverse("public_plans:detail", args=["0" * 8 + "-0000-0000-0000-" + "0" * 12])
        ).status_code
        == 404
    )


def test_public_view_hides_internal_data(client, signed_in, published):
    s = published
    signed_in(s.lead_member).post(
        reverse("plans:measure", args=[s.measure.pk]),
        {"date": "2025-01-15", "text": "UNVALIDATED-UPDATE-TEXT"},
    )
    response = client.get(reverse("public_plans:detail", args=[s.plan.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Créer un circuit de signalement" in body
    assert "SECRET-INTERNAL-NOTE" not in body
    assert "UNVALIDATED-UPDATE-TEXT" not in body
    assert "123456" not in body  # budgets hidden by default
    update = ProgressUpdate.objects.get()
    signed_in(s.coordinator).post(
        reverse("plans:update_review", args=[update.pk]), {"decision": "validate"}
    )
    Plan.objects.filter(pk=s.plan.pk).update(public_shows_budget=True)
    body = client.get(reverse("public_plans:detail", args=[s.plan.pk])).content.decode()
    assert "UNVALIDATED-UPDATE-TEXT" in body  # validated now
    assert "123456" in body


def test_unpublishing_closes_the_public_page(client, signed_in, published):
    s = published
    url = reverse("public_plans:detail", args=[s.plan.pk])
    assert client.get(url).status_code == 200
    signed_in(s.coordinator).post(reverse("plans:publish", args=[s.plan.pk]), {"published": "0"})
    assert client.get(url).status_code == 404
