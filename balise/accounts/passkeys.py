"""Passkeys and security keys (WebAuthn) as a second factor, next to TOTP.

The relying party is the host the browser sees. Behind a proxy that rewrites the host or the
scheme, set ``BALISE_WEBAUTHN_RP_ID`` and ``BALISE_WEBAUTHN_ORIGIN`` in the settings."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import InvalidAuthenticationResponse, InvalidRegistrationResponse
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from balise.accounts.enums import AccountAction
from balise.accounts.models import User, WebAuthnCredential
from balise.audit.services import audit_record

REGISTRATION_KEY = "webauthn_registration_challenge"
AUTHENTICATION_KEY = "webauthn_authentication_challenge"
RP_NAME = "Balise"


class PasskeyError(Exception):
    """The browser's answer could not be verified."""


def rp_id(request: HttpRequest) -> str:
    return getattr(settings, "BALISE_WEBAUTHN_RP_ID", "") or request.get_host().rsplit(":", 1)[0]


def origin(request: HttpRequest) -> str:
    configured = getattr(settings, "BALISE_WEBAUTHN_ORIGIN", "")
    return configured or f"{request.scheme}://{request.get_host()}"


def _descriptors(user: User) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(id=base64url_to_bytes(c.credential_id))
        for c in user.passkeys.all()
    ]


def registration_options(request: HttpRequest, user: User) -> str:
    options = generate_registration_options(
        rp_id=rp_id(request),
        rp_name=RP_NAME,
        user_id=user.pk.bytes,
        user_name=user.email,
        user_display_name=user.full_name,
        exclude_credentials=_descriptors(user),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
    )
    request.session[REGISTRATION_KEY] = bytes_to_base64url(options.challenge)
    return options_to_json(options)


def register(
    request: HttpRequest, user: User, *, credential: dict[str, Any], name: str
) -> WebAuthnCredential:
    challenge = request.session.pop(REGISTRATION_KEY, None)
    if not challenge:
        raise PasskeyError("no registration in progress")
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp_id(request),
            expected_origin=origin(request),
        )
    except (InvalidRegistrationResponse, ValueError, KeyError, TypeError) as exc:
        raise PasskeyError(str(exc)) from None
    transports = credential.get("response", {}).get("transports") or []
    with transaction.atomic():
        passkey = WebAuthnCredential.objects.create(
            user=user,
            name=name.strip()[:100],
            credential_id=bytes_to_base64url(verified.credential_id),
            public_key=verified.credential_public_key,
            sign_count=verified.sign_count,
            transports=[str(t) for t in transports][:10],
        )
        audit_record(actor=user, action=AccountAction.PASSKEY_ADDED, obj=passkey)
    return passkey


def authentication_options(request: HttpRequest, user: User) -> str:
    options = generate_authentication_options(
        rp_id=rp_id(request),
        allow_credentials=_descriptors(user),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    request.session[AUTHENTICATION_KEY] = bytes_to_base64url(options.challenge)
    return options_to_json(options)


def authenticate(request: HttpRequest, user: User, *, credential: dict[str, Any]) -> bool:
    """Verify the browser's assertion against one of the user's passkeys (signature, challenge,
    origin, and a signature counter that must move forward)."""
    challenge = request.session.pop(AUTHENTICATION_KEY, None)
    raw_id = credential.get("rawId") or credential.get("id") or ""
    if not challenge or not isinstance(raw_id, str):
        return False
    with transaction.atomic():
        passkey = (
            WebAuthnCredential.objects.select_for_update()
            .filter(user=user, credential_id=raw_id)
            .first()
        )
        if passkey is None:
            return False
        try:
            verified = verify_authentication_response(
                credential=credential,
                expected_challenge=base64url_to_bytes(challenge),
                expected_rp_id=rp_id(request),
                expected_origin=origin(request),
                credential_public_key=bytes(passkey.public_key),
                credential_current_sign_count=passkey.sign_count,
            )
        except (InvalidAuthenticationResponse, ValueError, KeyError, TypeError):
            return False
        passkey.sign_count = verified.new_sign_count
        passkey.last_used_at = timezone.now()
        passkey.save(update_fields=["sign_count", "last_used_at"])
    return True


@transaction.atomic
def remove(*, acting_user: User, passkey: WebAuthnCredential) -> None:
    audit_record(actor=acting_user, action=AccountAction.PASSKEY_REMOVED, obj=passkey)
    passkey.delete()


def parse_body(request: HttpRequest) -> dict[str, Any]:
    if len(request.body) > 64 * 1024:
        raise PasskeyError("body too large")
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise PasskeyError("invalid JSON") from None
    if not isinstance(data, dict):
        raise PasskeyError("invalid JSON")
    return data
