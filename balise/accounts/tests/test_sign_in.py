import pyotp
import pytest
from django.urls import reverse

from balise.accounts.models import BackupCode
from balise.audit.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db


def _password_step(client, user, password=factories.PASSWORD):
    return client.post(reverse("accounts:login"), {"email": user.email, "password": password})


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_health_check_is_public_and_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_referrer_signs_in_with_password_then_totp(client, police_referrer):
    response = _password_step(client, police_referrer)
    assert response["Location"] == reverse("accounts:mfa_verify")
    # Between the two steps nothing is open.
    assert client.get("/").status_code == 302
    code = pyotp.TOTP(police_referrer.totp_device.secret).now()
    response = client.post(reverse("accounts:mfa_verify"), {"code": code})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(action="login", actor_id=police_referrer.pk).exists()


def test_a_totp_code_cannot_be_replayed(client, police_referrer):
    code = pyotp.TOTP(police_referrer.totp_device.secret).now()
    _password_step(client, police_referrer)
    client.post(reverse("accounts:mfa_verify"), {"code": code})
    other = client.__class__()
    _password_step(other, police_referrer)
    response = other.post(reverse("accounts:mfa_verify"), {"code": code})
    assert response.status_code == 200
    assert "code" in response.context["form"].errors


def test_wrong_password_is_refused_clearly_and_keeps_the_email(client, police_referrer):
    response = _password_step(client, police_referrer, password="wrong password!!")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert police_referrer.email in response.content.decode()
    entry = AuditEntry.objects.get(action="login_failed")
    assert police_referrer.email not in str(entry.details) and entry.subject_hash


def test_repeated_failures_throttle_the_account_even_with_the_right_password(
    client, settings, police_referrer
):
    settings.BALISE_LOGIN_MAX_FAILURES_PER_ACCOUNT = 3
    for _ in range(3):
        _password_step(client, police_referrer, password="wrong password!!")
    response = _password_step(client, police_referrer)
    assert response.status_code == 200
    assert "Too many" in str(response.context["form"].non_field_errors()) or "Trop" in str(
        response.context["form"].non_field_errors()
    )


def test_repeated_failures_from_one_address_throttle_other_accounts(client, settings):
    settings.BALISE_LOGIN_MAX_FAILURES_PER_ADDRESS = 4
    settings.BALISE_LOGIN_MAX_FAILURES_PER_ACCOUNT = 100
    victim = factories.referrer_at_association()
    for i in range(4):
        client.post(
            reverse("accounts:login"),
            {"email": f"guess{i}@example.invalid", "password": "wrong password!!"},
        )
    response = _password_step(client, victim)
    assert response.status_code == 200


def test_first_sign_in_enrols_a_second_factor_and_shows_backup_codes_once(client):
    user = factories.user_without_second_factor()
    response = _password_step(client, user)
    assert response["Location"] == reverse("accounts:mfa_setup")
    page = client.get(reverse("accounts:mfa_setup"))
    assert "<svg" in page.content.decode()
    secret = page.context["secret"]
    response = client.post(reverse("accounts:mfa_setup"), {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10 and BackupCode.objects.filter(user=user).count() == 10
    assert client.get("/").status_code == 200


def test_a_backup_code_works_once(client, police_referrer):
    from balise.accounts.mfa import regenerate_backup_codes

    codes = regenerate_backup_codes(police_referrer)
    _password_step(client, police_referrer)
    assert client.post(reverse("accounts:mfa_verify"), {"code": codes[0]}).status_code == 302
    other = client.__class__()
    _password_step(other, police_referrer)
    response = other.post(reverse("accounts:mfa_verify"), {"code": codes[0]})
    assert response.status_code == 200


def test_deactivating_a_user_cuts_their_open_session(signed_in, police_referrer, administrator):
    from balise.accounts.services import user_deactivate

    client = signed_in(police_referrer)
    assert client.get("/").status_code == 200
    user_deactivate(acting_user=administrator, user=police_referrer)
    assert client.get("/").status_code == 302


def test_suspending_an_organisation_cuts_its_members_at_once(signed_in, administrator):
    from balise.organisations.services import organisation_transition

    user = factories.referrer_at_association()
    client = signed_in(user)
    assert client.get("/").status_code == 200
    organisation_transition(
        acting_user=administrator,
        organisation=user.primary_organisation(),
        event="suspend",
        reason="Enquête en cours",
    )
    response = client.get("/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_sessions_expire_after_inactivity(settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_AGE <= 3600
