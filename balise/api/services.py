from __future__ import annotations

import datetime
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from balise.api.models import ApiToken
from balise.audit.enums import AuditAction
from balise.audit.services import audit_record

TOKEN_PREFIX = "bal_"  # noqa: S105 (a public prefix, not a secret)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, acting_user, name: str, days: int | None = 365) -> tuple[ApiToken, str]:  # noqa: ANN001
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=acting_user,
        name=name,
        prefix=raw[:12],
        token_hash=hash_token(raw),
        expires_at=timezone.now() + datetime.timedelta(days=days) if days else None,
    )
    audit_record(actor=acting_user, action=AuditAction.TOKEN_CREATED, obj=token)
    return token, raw


@transaction.atomic
def api_token_revoke(*, acting_user, token: ApiToken) -> ApiToken:  # noqa: ANN001
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(actor=acting_user, action=AuditAction.TOKEN_REVOKED, obj=token)
    return token
