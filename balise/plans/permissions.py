"""Who may do what with action plans.

Decision: a *plan coordinator* is a member with the ``plan_coordinator`` role in an organisation of
the **coordination** kind (coordination bodies and ministries). A plan belongs to one coordinating
organisation; only its coordinators edit it, validate updates and publish it. Only members (any
role) of a measure's lead or partner bodies post progress updates on that measure.
"""

from __future__ import annotations

from balise.accounts.enums import Role
from balise.organisations.enums import OrganisationKind


def coordinator_organisations(user) -> list:  # noqa: ANN001
    if not user.is_authenticated:
        return []
    return [
        m.organisation
        for m in user.active_memberships()
        if m.role == Role.PLAN_COORDINATOR and m.organisation.kind == OrganisationKind.COORDINATION
    ]


def member_organisation_ids(user) -> set:  # noqa: ANN001
    if not user.is_authenticated:
        return set()
    return {m.organisation_id for m in user.active_memberships()}


def can_create_plan(user) -> bool:  # noqa: ANN001
    return bool(coordinator_organisations(user))


def can_manage_plan(user, plan) -> bool:  # noqa: ANN001
    return plan.coordinating_organisation_id in {o.pk for o in coordinator_organisations(user)}


def is_measure_body_member(user, measure) -> bool:  # noqa: ANN001
    orgs = member_organisation_ids(user)
    if not orgs:
        return False
    if measure.lead_body_id in orgs:
        return True
    return measure.partner_bodies.filter(pk__in=orgs).exists()


def can_post_update(user, measure) -> bool:  # noqa: ANN001
    return is_measure_body_member(user, measure)


def can_complete_milestone(user, milestone) -> bool:  # noqa: ANN001
    return milestone.owner_organisation.pk in member_organisation_ids(user) or can_manage_plan(
        user, milestone.measure.plan
    )
