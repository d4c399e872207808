"""Who may do what in the observatory. Statisticians work in an observatory organisation."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from balise.accounts.enums import Role
from balise.organisations.enums import OrganisationKind


def is_statistician(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.has_role(Role.STATISTICIAN, organisation_kinds=[OrganisationKind.OBSERVATORY])
    )


def can_read_published(user: Any) -> bool:
    """Published releases: every signed-in member, and everyone when the deployment chooses."""
    if public_statistics_enabled():
        return True
    return bool(getattr(user, "is_authenticated", False) and user.active_memberships())


def public_statistics_enabled() -> bool:
    return bool(getattr(settings, "BALISE_PUBLIC_STATISTICS", False))
