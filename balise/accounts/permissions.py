"""Who may manage accounts: administrators only. Everyone manages their own security settings."""

from __future__ import annotations

from balise.accounts.enums import Role


def can_manage_users(user) -> bool:  # noqa: ANN001
    return bool(user.is_authenticated and user.has_role(Role.ADMINISTRATOR))
