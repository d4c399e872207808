from __future__ import annotations

from django.http import HttpRequest

from balise.jurisdictions.profiles import get_profile


def balise(request: HttpRequest) -> dict[str, object]:
    profile = get_profile()
    memberships = []
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        memberships = list(user.active_memberships())
    return {
        "jurisdiction": profile,
        "active_memberships": memberships,
    }
