"""Passkeys (WebAuthn) as a second factor, driven by a software authenticator with real keys."""

import json

import pytest
from django.urls import reverse

from balise.accounts.models import WebAuthnCredential
from balise.accounts.tests.soft_authenticator import SoftAuthenticator
from balise.audit.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db


def _post_json(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def add_passkey(client, authenticator, name="Téléphone professionnel"):
    options = _post_json(client, reverse("accounts:passkey_register_options")).json()
    credential = authenticator.create(options)
    return _post_json(
        client, reverse("accounts:passkey_register"), {"name": name, "credential": credential}
    )


def password_step(client, user):
    response = client.post(
        reverse("accounts:login"), {"email": user.email, "password": factories.PASSWORD}
    )
    assert response["Location"] == reverse("accounts:mfa_verify")


def passkey_step(client, authenticator, **kwargs):
    options = _post_json(client, reverse("accounts:passkey_login_options")).json()
    return _post_json(
        client,
        reverse("accounts:passkey_login"),
        {"credential": authenticator.get(options, **kwargs)},
    )


@pytest.fixture
def enrolled(signed_in, police_referrer):
    authenticator = SoftAuthenticator()
    response = add_passkey(signed_in(police_referrer), authenticator)
    assert response.status_code == 201, response.content
    return police_referrer, authenticator


def test_a_passkey_is_added_from_the_security_page(signed_in, police_referrer):
    client = signed_in(police_referrer)
    add_passkey(client, SoftAuthenticator())
    passkey = WebAuthnCredential.objects.get(user=police_referrer)
    assert passkey.name == "Téléphone professionnel" and passkey.transports == ["internal"]
    page = client.get(reverse("accounts:security")).content.decode()
    assert "Téléphone professionnel" in page
    assert AuditEntry.objects.filter(action="passkey_added").exists()


def test_a_registration_for_another_site_is_refused(signed_in, police_referrer):
    client = signed_in(police_referrer)
    options = _post_json(client, reverse("accounts:passkey_register_options")).json()
    credential = SoftAuthenticator().create(options, origin="https://phishing.example.invalid")
    response = _post_json(
        client, reverse("accounts:passkey_register"), {"name": "x", "credential": credential}
    )
    assert response.status_code == 400
    assert not WebAuthnCredential.objects.exists()


def test_a_registration_needs_a_name_and_a_fresh_challenge(signed_in, police_referrer):
    client = signed_in(police_referrer)
    authenticator = SoftAuthenticator()
    options = _post_json(client, reverse("accounts:passkey_register_options")).json()
    credential = authenticator.create(options)
    url = reverse("accounts:passkey_register")
    assert _post_json(client, url, {"name": "", "credential": credential}).status_code == 400
    assert _post_json(client, url, {"name": "ok", "credential": credential}).status_code == 201
    # The same answer cannot be replayed: the challenge was used.
    again = _post_json(client, url, {"name": "again", "credential": credential})
    assert again.status_code == 400
    assert WebAuthnCredential.objects.count() == 1


def test_sign_in_with_a_passkey_instead_of_a_code(client, enrolled):
    user, authenticator = enrolled
    password_step(client, user)
    page = client.get(reverse("accounts:mfa_verify")).content.decode()
    assert reverse("accounts:passkey_login") in page
    response = passkey_step(client, authenticator)
    assert response.status_code == 200, response.content
    assert response.json() == {"redirect": reverse("core:home")}
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(action="passkey_used", actor_id=user.pk).exists()
    assert WebAuthnCredential.objects.get().sign_count == 1


def test_passkey_step_needs_the_password_step_first(client, enrolled):
    _, authenticator = enrolled
    response = _post_json(client, reverse("accounts:passkey_login_options"))
    assert response.status_code == 403
    assert client.get("/").status_code == 302


def test_an_assertion_from_another_site_is_refused(client, enrolled):
    user, authenticator = enrolled
    password_step(client, user)
    response = passkey_step(client, authenticator, origin="https://phishing.example.invalid")
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302
    assert AuditEntry.objects.filter(action="mfa_failed").exists()


def test_a_cloned_authenticator_is_detected_by_its_counter(client, enrolled):
    user, authenticator = enrolled
    password_step(client, user)
    assert passkey_step(client, authenticator, counter_step=5).status_code == 200
    other = client.__class__()
    password_step(other, user)
    authenticator.counter = 2  # a copy of the key whose counter lags behind
    assert passkey_step(other, authenticator, counter_step=1).status_code == 400


def test_someone_elses_passkey_does_not_open_my_account(client, enrolled, signed_in):
    _, authenticator = enrolled
    victim = factories.referrer_at_association()
    add_passkey(signed_in(victim), SoftAuthenticator())
    password_step(client, victim)
    options = _post_json(client, reverse("accounts:passkey_login_options")).json()
    stolen = {"type": "public-key", "id": authenticator_id(authenticator)}
    options["allowCredentials"].append(stolen)
    response = _post_json(
        client, reverse("accounts:passkey_login"), {"credential": authenticator.get(options)}
    )
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302


def authenticator_id(authenticator):
    from webauthn.helpers import bytes_to_base64url

    return bytes_to_base64url(authenticator.credential_id)


def test_passkeys_are_removed_by_their_owner_only(signed_in, enrolled):
    user, _ = enrolled
    passkey = WebAuthnCredential.objects.get(user=user)
    other = signed_in(factories.referrer_at_association())
    assert other.post(reverse("accounts:passkey_delete", args=[passkey.pk])).status_code == 404
    signed_in(user).post(reverse("accounts:passkey_delete", args=[passkey.pk]))
    assert not WebAuthnCredential.objects.exists()
    assert AuditEntry.objects.filter(action="passkey_removed").exists()


def test_administrator_reset_removes_passkeys(signed_in, administrator, enrolled):
    user, _ = enrolled
    signed_in(administrator).post(reverse("accounts:user_mfa_reset", args=[user.pk]))
    assert not WebAuthnCredential.objects.filter(user=user).exists()


def test_anonymous_visitors_cannot_register(client):
    response = _post_json(client, reverse("accounts:passkey_register_options"))
    assert response.status_code == 302
