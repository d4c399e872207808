"""Public reports are read only by the hotline team and the competent authority's case
officers and team leads. Nobody else, whatever their role, sees their content."""

from __future__ import annotations

from balise.accounts.enums import Role
from balise.organisations.enums import OrganisationKind

STAFF_ROLES = {
    OrganisationKind.HOTLINE: {Role.HOTLINE_OPERATOR},
    OrganisationKind.COMPETENT_AUTHORITY: {Role.CASE_OFFICER, Role.TEAM_LEAD},
}


def can_handle_public_reports(user) -> bool:  # noqa: ANN001
    if not getattr(user, "is_authenticated", False):
        return False
    return any(
        m.role in STAFF_ROLES.get(m.organisation.kind, ()) for m in user.active_memberships()
    )
