"""Business situations of the action plan: a coordination body with its coordinator, a plan with
a measure led by an association and partnered by the police, members of those bodies…"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from balise.accounts.enums import Role
from balise.accounts.models import User
from balise.organisations.enums import OrganisationKind
from balise.organisations.models import Organisation
from balise.plans import services
from balise.plans.models import Axis, Indicator, Measure, Milestone, Plan
from tests import factories


def plan_coordinator(org: Organisation | None = None) -> User:
    org = org or factories.organisation(OrganisationKind.COORDINATION)
    return factories.member(org, Role.PLAN_COORDINATOR)


@dataclass
class PlanSituation:
    plan: Plan
    axis: Axis
    measure: Measure  # led by ``lead``, partnered by ``partner``
    other_measure: Measure  # led by ``other_lead``
    coordinator: User
    lead: Organisation
    partner: Organisation
    other_lead: Organisation
    lead_member: User
    partner_member: User
    other_member: User
    indicator: Indicator
    milestone: Milestone


def plan_with_measures(*, published: bool = False) -> PlanSituation:
    coordinator = plan_coordinator()
    coordination = coordinator.primary_organisation()
    lead = factories.organisation(OrganisationKind.NGO, name="Association Lead")
    partner = factories.organisation(OrganisationKind.POLICE, name="Police Partner")
    other_lead = factories.organisation(OrganisationKind.SHELTER, name="Shelter Other")
    plan = services.plan_create(
        acting_user=coordinator,
        coordinating_organisation=coordination,
        title="Plan national test 2024–2027",
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2027, 12, 31),
        jurisdiction="fr",
        currency="EUR",
    )
    axis = services.axis_create(acting_user=coordinator, plan=plan, number=1, title="Repérer")
    measure = services.measure_create(
        acting_user=coordinator,
        plan=plan,
        axis=axis,
        number=1,
        title="Créer un circuit de signalement",
        description="Description publique",
        internal_notes="SECRET-INTERNAL-NOTE",
        lead_body=lead,
        partner_bodies=[partner],
        budget_planned=Decimal("123456.00"),
        budget_spent=Decimal("1000.00"),
    )
    other_measure = services.measure_create(
        acting_user=coordinator,
        plan=plan,
        axis=axis,
        number=2,
        title="Ouvrir des places",
        lead_body=other_lead,
    )
    indicator = services.indicator_create(
        acting_user=coordinator,
        measure=measure,
        name="Victimes accompagnées",
        unit="personnes",
        target_value=Decimal(100),
    )
    milestone = services.milestone_create(
        acting_user=coordinator,
        measure=measure,
        title="Cadrage",
        due_date=datetime.date(2024, 6, 30),
    )
    if published:
        services.plan_set_published(acting_user=coordinator, plan=plan, published=True)
    return PlanSituation(
        plan=plan,
        axis=axis,
        measure=measure,
        other_measure=other_measure,
        coordinator=coordinator,
        lead=lead,
        partner=partner,
        other_lead=other_lead,
        lead_member=factories.member(lead, Role.SUPPORT_WORKER),
        partner_member=factories.member(partner, Role.REFERRER),
        other_member=factories.member(other_lead, Role.SHELTER_MANAGER),
        indicator=indicator,
        milestone=milestone,
    )


def outsider() -> User:
    """A member of a body with no part in any plan."""
    return factories.member(factories.organisation(OrganisationKind.HEALTH), Role.REFERRER)
