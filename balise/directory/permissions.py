"""Who may read and keep the directory."""

from __future__ import annotations

from balise.accounts.enums import Role

#: Roles that may consult the directory (professionals who orient or receive victims).
DIRECTORY_ROLES = (
    Role.CASE_OFFICER,
    Role.TEAM_LEAD,
    Role.REVIEWER,
    Role.SUPPORT_WORKER,
    Role.SHELTER_MANAGER,
    Role.REFERRER,
    Role.HOTLINE_OPERATOR,
    Role.ADMINISTRATOR,
)


def can_read_directory(user) -> bool:  # noqa: ANN001
    return bool(user.is_authenticated and user.has_role(*DIRECTORY_ROLES))


def can_manage_service(user, service) -> bool:  # noqa: ANN001
    """A shelter manager keeps their own organisation's entries; administrators keep all."""
    if not user.is_authenticated:
        return False
    if user.has_role(Role.ADMINISTRATOR):
        return True
    return service.organisation in user.organisations_with_role(Role.SHELTER_MANAGER)


def can_create_service(user) -> bool:  # noqa: ANN001
    return bool(user.is_authenticated and user.has_role(Role.ADMINISTRATOR, Role.SHELTER_MANAGER))
