"""Single sign-on through OpenID Connect, with the provider's token, user-info and JWKS
exchanges simulated (no network)."""

import json
import time
from unittest import mock
from urllib.parse import parse_qs, urlparse

import jwt
import pyotp
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse

from balise.accounts.models import User
from balise.audit.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db

PROVIDER = "https://idp.example.invalid"
CLIENT_ID = "balise-test"
PRIVATE_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
JWK = {**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(PRIVATE_KEY.public_key())), "kid": "k1"}


@pytest.fixture
def oidc_enabled(settings):
    settings.OIDC_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = [
        "balise.accounts.backends.EmailBackend",
        "balise.accounts.oidc.BaliseOIDCBackend",
    ]
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "secret-of-the-test-client"
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{PROVIDER}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{PROVIDER}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{PROVIDER}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{PROVIDER}/jwks"
    settings.OIDC_RP_SCOPES = "openid email"
    settings.OIDC_MFA_VALUES = ["mfa", "otp", "hwk", "eidas2", "eidas3"]
    settings.LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/"
    return settings


class FakeResponse:
    def __init__(self, payload: dict, status_code: int = 200) -> None:
        self._payload = payload
        self.status_code = status_code
        self.headers = {"content-type": "application/json"}
        self.text = json.dumps(payload)
        self.url = ""

    def json(self) -> dict:
        return self._payload

    def raise_for_status(self) -> None:
        assert self.status_code == 200


def sign_in_through_provider(
    client, *, email: str, extra_claims: dict | None = None, signing_key=PRIVATE_KEY
):
    """Run the authorisation-code flow against a simulated provider; returns the callback
    response and the requests the provider received."""
    start = client.get(reverse("oidc_authentication_init"))
    assert start.status_code == 302
    location = urlparse(start["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{PROVIDER}/authorize"
    query = parse_qs(location.query)
    state, nonce = query["state"][0], query["nonce"][0]
    now = int(time.time())
    claims = {
        "iss": PROVIDER,
        "sub": "agent-42",
        "aud": CLIENT_ID,
        "iat": now,
        "exp": now + 300,
        "nonce": nonce,
        **(extra_claims or {}),
    }
    id_token = jwt.encode(claims, signing_key, algorithm="RS256", headers={"kid": "k1"})
    calls = []

    def fake_post(url, data=None, **kwargs):
        calls.append(("post", url, data))
        assert url == f"{PROVIDER}/token" and data["code"] == "the-code"
        return FakeResponse({"id_token": id_token, "access_token": "access-1"})

    def fake_get(url, headers=None, **kwargs):
        calls.append(("get", url, headers))
        if url == f"{PROVIDER}/jwks":
            return FakeResponse({"keys": [JWK]})
        assert url == f"{PROVIDER}/userinfo"
        assert headers == {"Authorization": "Bearer access-1"}
        return FakeResponse({"sub": "agent-42", "email": email, "email_verified": True})

    with (
        mock.patch("mozilla_django_oidc.auth.requests.post", side_effect=fake_post),
        mock.patch("mozilla_django_oidc.auth.requests.get", side_effect=fake_get),
    ):
        response = client.get(
            reverse("oidc_authentication_callback"), {"code": "the-code", "state": state}
        )
    return response, calls


def test_without_a_second_factor_at_the_provider_ours_is_still_asked(
    client, oidc_enabled, police_referrer
):
    response, calls = sign_in_through_provider(
        client, email=police_referrer.email.upper(), extra_claims={"amr": ["pwd"]}
    )
    assert [c[0] for c in calls] == ["post", "get", "get"]  # token, JWKS, user info
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(police_referrer.pk)
    assert not client.session.get("mfa_verified")
    # Everything but the second-factor step is closed.
    assert client.get("/")["Location"] == reverse("accounts:mfa_verify")
    assert client.get(reverse("accounts:users"))["Location"] == reverse("accounts:mfa_verify")
    code = pyotp.TOTP(police_referrer.totp_device.secret).now()
    client.post(reverse("accounts:mfa_verify"), {"code": code})
    assert client.get("/").status_code == 200
    entry = AuditEntry.objects.get(action="oidc_login")
    assert entry.details == {"second_factor_at_provider": False}


def test_a_second_factor_asserted_by_the_provider_opens_the_session(
    client, oidc_enabled, police_referrer
):
    response, _ = sign_in_through_provider(
        client, email=police_referrer.email, extra_claims={"amr": ["pwd", "otp"]}
    )
    assert response.status_code == 302
    assert client.session.get("mfa_verified") is True
    assert client.get("/").status_code == 200
    entry = AuditEntry.objects.get(action="oidc_login")
    assert entry.actor_id == police_referrer.pk
    assert entry.details == {"second_factor_at_provider": True}


def test_an_acr_level_listed_as_a_second_factor_is_accepted(client, oidc_enabled, police_referrer):
    sign_in_through_provider(client, email=police_referrer.email, extra_claims={"acr": "eidas2"})
    assert client.get("/").status_code == 200


def test_an_unlisted_acr_level_is_not_a_second_factor(client, oidc_enabled, police_referrer):
    sign_in_through_provider(client, email=police_referrer.email, extra_claims={"acr": "eidas1"})
    assert client.get("/")["Location"] == reverse("accounts:mfa_verify")


def test_an_unknown_email_is_refused_and_no_account_is_created(client, oidc_enabled):
    before = User.objects.count()
    response, _ = sign_in_through_provider(
        client, email="inconnu@example.invalid", extra_claims={"amr": ["mfa"]}
    )
    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session
    assert User.objects.count() == before
    assert client.get("/").status_code == 302
    entry = AuditEntry.objects.get(action="oidc_refused")
    assert "inconnu" not in json.dumps(entry.details) and entry.subject_hash


@pytest.mark.parametrize("situation", ["deactivated", "without_membership"])
def test_accounts_without_access_are_refused(client, oidc_enabled, situation):
    user = factories.referrer_at_association()
    if situation == "deactivated":
        user.is_active = False
        user.save()
    else:
        user.memberships.update(is_active=False)
    response, _ = sign_in_through_provider(client, email=user.email, extra_claims={"amr": ["mfa"]})
    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


def test_a_token_signed_by_another_key_is_refused(client, oidc_enabled, police_referrer):
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    response, _ = sign_in_through_provider(
        client, email=police_referrer.email, extra_claims={"amr": ["mfa"]}, signing_key=forger
    )
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302


def test_login_page_shows_the_single_sign_on_button_only_when_enabled(client, settings):
    settings.OIDC_ENABLED = False
    assert (
        reverse("oidc_authentication_init")
        not in client.get(reverse("accounts:login")).content.decode()
    )
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    settings.OIDC_ENABLED = True
    assert (
        reverse("oidc_authentication_init")
        in client.get(reverse("accounts:login")).content.decode()
    )
