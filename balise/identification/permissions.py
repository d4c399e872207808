"""Who may do what with identification cases."""

from __future__ import annotations

from balise.accounts.enums import Role
from balise.organisations.enums import OrganisationKind
from balise.referrals.permissions import is_authority_staff

CA = [OrganisationKind.COMPETENT_AUTHORITY]
DECIDING_ROLES = (Role.CASE_OFFICER, Role.TEAM_LEAD)

__all__ = ["is_authority_staff", "can_decide", "can_review", "can_assign", "can_see_dashboard"]


def can_decide(user) -> bool:  # noqa: ANN001
    return user.is_authenticated and user.has_role(*DECIDING_ROLES, organisation_kinds=CA)


def can_review(user) -> bool:  # noqa: ANN001
    return user.is_authenticated and user.has_role(Role.REVIEWER, organisation_kinds=CA)


def can_assign(user) -> bool:  # noqa: ANN001
    return user.is_authenticated and user.has_role(Role.TEAM_LEAD, organisation_kinds=CA)


def can_see_dashboard(user) -> bool:  # noqa: ANN001
    return can_assign(user)
