from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from balise.api.models import ApiToken
from balise.api.selectors import token_holder
from balise.api.services import hash_token


class HashedTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer bal_…``. The user must still be active and hold an active
    membership in an active organisation."""

    keyword = "Bearer"

    def authenticate(self, request):  # noqa: ANN001, ANN201
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Malformed authorisation header."))
        try:
            raw = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Malformed authorisation header.")) from None
        now = timezone.now()
        found = token_holder(hash_token(raw), now=now)
        if found is None:
            raise exceptions.AuthenticationFailed(_("Invalid or expired token."))
        user, token_id, last_used_at = found
        if last_used_at is None or (now - last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
        return user, token_id

    def authenticate_header(self, request):  # noqa: ANN001, ANN201
        return self.keyword


class HashedTokenScheme(OpenApiAuthenticationExtension):
    """Describes the personal tokens in the OpenAPI schema (``bearerToken``)."""

    target_class = HashedTokenAuthentication
    name = "bearerToken"

    def get_security_definition(self, auto_schema) -> dict[str, Any]:  # noqa: ANN001
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A personal token created on the security page (`bal_…`), sent as "
                "`Authorization: Bearer bal_…`. It acts as its owner, with the owner's roles."
            ),
        }
