"""Optional single sign-on through OpenID Connect (for example the State's agent identity
provider). Configured by environment (see ``config/settings.py``).

- People are matched by email to an existing, active account with an active membership; an
  unknown address is refused: single sign-on never creates accounts.
- The second factor is still asked, unless the ID token asserts one (``amr`` or ``acr`` among
  ``settings.OIDC_MFA_VALUES``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
    OIDCLogoutView,
)

from balise.accounts.enums import AccountAction
from balise.accounts.models import User
from balise.accounts.services import VERIFIED_KEY
from balise.audit.services import audit_record


def asserts_second_factor(id_token_claims: dict[str, Any]) -> bool:
    """Whether the provider says the person used a second factor (RFC 8176 ``amr`` values or
    an ``acr`` level listed in ``OIDC_MFA_VALUES``)."""
    accepted = {v.strip() for v in getattr(settings, "OIDC_MFA_VALUES", []) if v.strip()}
    amr = id_token_claims.get("amr") or []
    if isinstance(amr, str):
        amr = amr.split()
    acr = id_token_claims.get("acr") or ""
    return bool(accepted & {str(v) for v in amr}) or (str(acr) in accepted)


class BaliseOIDCBackend(OIDCAuthenticationBackend):
    def verify_claims(self, claims: dict[str, Any]) -> bool:
        if not claims.get("email"):
            return False
        # A provider that says the address is unverified is not trusted to identify anyone.
        return claims.get("email_verified", True) is not False

    def filter_users_by_claims(self, claims: dict[str, Any]):  # noqa: ANN201
        email = str(claims.get("email", "")).strip().lower()
        candidates = User.objects.filter(email__iexact=email, is_active=True)
        users = [u for u in candidates if u.has_access]
        if not users:
            audit_record(
                action=AccountAction.OIDC_REFUSED,
                subject=email,
                details={"reason": "no_matching_account"},
            )
        return users

    def create_user(self, claims: dict[str, Any]) -> None:
        return None  # accounts are opened by administrators only

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]):  # noqa: ANN201
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is not None:
            user.oidc_second_factor = asserts_second_factor(payload)
        return user

    def get_user(self, user_id):  # noqa: ANN001, ANN201
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None


class _EnabledOnly:
    """Single sign-on pages exist only when it is configured."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not getattr(settings, "OIDC_ENABLED", False):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class BaliseOIDCRequestView(_EnabledOnly, OIDCAuthenticationRequestView):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if getattr(settings, "OIDC_ENABLED", False):
            super().__init__(*args, **kwargs)
        else:
            super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)


class BaliseOIDCCallbackView(_EnabledOnly, OIDCAuthenticationCallbackView):
    def login_success(self) -> HttpResponse:
        second_factor = bool(getattr(self.user, "oidc_second_factor", False))
        response = super().login_success()
        # Only the provider's assertion opens the session without our own second factor;
        # otherwise the access middleware sends the person to /accounts/mfa/verify/.
        if second_factor:
            self.request.session[VERIFIED_KEY] = True
            if self.user.preferred_language:
                self.request.session["_language"] = self.user.preferred_language
        else:
            self.request.session.pop(VERIFIED_KEY, None)
        audit_record(
            actor=self.user,
            action=AccountAction.OIDC_LOGIN,
            obj=self.user,
            details={"second_factor_at_provider": second_factor},
        )
        return response


class BaliseOIDCLogoutView(_EnabledOnly, OIDCLogoutView):
    pass
