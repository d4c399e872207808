"""Identification situations: a referral just submitted (its case received), staff of the
competent authority in each role, a case at a given stage."""

from __future__ import annotations

from typing import Any

from balise.accounts.enums import Role
from balise.identification import services
from balise.identification.models import Case
from balise.referrals.tests.factories import adult_referral_data, child_referral_data, submitted
from tests import factories


def authority_staff(*roles: str, org=None) -> Any:  # noqa: ANN001
    """A member of the competent authority with every role in ``roles``."""
    org = org or factories.competent_authority()
    user = factories.member(org, roles[0])
    for role in roles[1:]:
        user.memberships.create(organisation=org, role=role)
    return user


def officer(org=None):  # noqa: ANN001, ANN201
    return authority_staff(Role.CASE_OFFICER, org=org)


def team_lead(org=None):  # noqa: ANN001, ANN201
    return authority_staff(Role.TEAM_LEAD, org=org)


def reviewer(org=None):  # noqa: ANN001, ANN201
    return authority_staff(Role.REVIEWER, org=org)


def submitted_case(referrer=None, *, child: bool = False, **data: Any) -> Case:  # noqa: ANN001
    referrer = referrer or factories.referrer_at_police_unit()
    payload = child_referral_data(**data) if child else adult_referral_data(**data)
    referral = submitted(referrer, payload)
    return Case.objects.get(case_referrals__referral=referral)


DECISION = {
    "reasons": "Account consistent with the indicators.",
    "grounds": ["act_established", "purpose_established"],
    "evidence": ["referral_form", "interview"],
}


def decide(case: Case, user, event: str, **kw: Any) -> Case:  # noqa: ANN001
    data = dict(DECISION) if "positive" in event or "negative" in event else {}
    if event.startswith(("confirm", "send_back", "withdraw", "reconsider")):
        data = {"reasons": "Reviewed."}
    data.update(kw)
    return services.case_event(acting_user=user, case=case, event=event, **data)
