"""Reads of the API app."""

from __future__ import annotations

import datetime
import uuid

from django.db.models import F

from balise.accounts.models import User, active_memberships_queryset
from balise.core.prepared import PreparedQuery


def _token_memberships(token_hash: str):  # noqa: ANN202
    return (
        active_memberships_queryset()
        .filter(
            user__api_tokens__token_hash=token_hash,
            user__api_tokens__revoked_at__isnull=True,
            user__is_active=True,
        )
        .select_related("user")
        .annotate(
            api_token_id=F("user__api_tokens__id"),
            api_token_expires_at=F("user__api_tokens__expires_at"),
            api_token_last_used_at=F("user__api_tokens__last_used_at"),
        )
    )


# Every API call runs it: compiled once per connection (see ``balise.core.prepared``).
_TOKEN_MEMBERSHIPS = PreparedQuery(_token_memberships, token_hash="\x00token-hash\x00")  # noqa: S106


def token_holder(
    token_hash: str, *, now: datetime.datetime
) -> tuple[User, uuid.UUID, datetime.datetime | None] | None:
    """The active user holding the valid token ``token_hash``, their active memberships
    already read, with the token's id and last use; ``None`` when the token is unknown,
    revoked or expired, or its owner is inactive or belongs to no active organisation.

    One query for every API call: the memberships are read with the token (a user without
    any reaches nothing, so no row means no access)."""
    memberships = _TOKEN_MEMBERSHIPS.run(token_hash=token_hash)
    if not memberships:
        return None
    first = memberships[0]
    if first.api_token_expires_at is not None and first.api_token_expires_at <= now:
        return None
    user = first.user
    for membership in memberships:
        membership.user = user  # one user object, as ``user.memberships`` would give
    user.keep_active_memberships(memberships)
    return user, first.api_token_id, first.api_token_last_used_at
