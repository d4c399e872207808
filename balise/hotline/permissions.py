"""Who may do what with hotline calls: operators of a hotline-kind organisation, for the calls of
their own hotline(s) only."""

from __future__ import annotations

from balise.accounts.enums import Role
from balise.organisations.enums import OrganisationKind


def operator_hotlines(user) -> list:  # noqa: ANN001
    """The hotline organisations where ``user`` is an active operator."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [
        m.organisation
        for m in user.active_memberships()
        if m.role == Role.HOTLINE_OPERATOR and m.organisation.kind == OrganisationKind.HOTLINE
    ]


def is_hotline_operator(user) -> bool:  # noqa: ANN001
    return bool(operator_hotlines(user))


def can_log_call_for(user, hotline) -> bool:  # noqa: ANN001
    return any(h.pk == getattr(hotline, "pk", hotline) for h in operator_hotlines(user))
