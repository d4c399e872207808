"""Administrators manage users, and people manage tokens and passkeys, in a real browser, in
French and Arabic, under the strict Content-Security-Policy, with no serious accessibility issue."""

import re

import pytest

from balise.accounts.models import User, WebAuthnCredential
from tests import factories
from tests.browser.conftest import choose_language

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(("language", "direction"), [("fr", "ltr"), ("ar", "rtl")])
def test_administrator_invites_a_user(
    browser_page, live_url, browser_login, axe_check, screenshot, language, direction
):
    page = browser_page
    admin = factories.administrator()
    police = factories.accredited_police_unit(name="Commissariat de test")
    factories.member(police, "referrer", full_name="Agent Existant")
    browser_login(page, admin, language=language)
    page.goto(f"{live_url}/organisations/")
    with page.expect_navigation():
        page.click("main a[href='/accounts/users/']")
    assert page.get_attribute("html", "dir") == direction
    assert "Agent Existant" in page.inner_text("main table")
    axe_check(page)
    screenshot(page, f"accounts-users-{language}")

    page.goto(f"{live_url}/accounts/users/new/")
    page.fill("input[name=full_name]", "Nouvelle Personne")
    with page.expect_navigation():
        page.click("main button[type=submit]")  # the email is missing
    assert page.locator(".field-error input[name=email]").count() == 1
    assert page.input_value("input[name=full_name]") == "Nouvelle Personne"
    axe_check(page)
    page.fill("input[name=email]", f"nouvelle.{language}@example.invalid")
    page.select_option("select[name=organisation]", label="Commissariat de test")
    page.select_option("select[name=role]", "referrer")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/users/[0-9a-f-]+/$"))
    assert User.objects.filter(email=f"nouvelle.{language}@example.invalid").exists()
    axe_check(page)
    screenshot(page, f"accounts-user-detail-{language}")
    assert page.csp_violations == [], page.csp_violations


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_person_adds_a_passkey_then_signs_in_with_it(
    browser_page, live_url, browser_login, axe_check, screenshot, language
):
    page = browser_page
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    user = factories.referrer_at_police_unit()
    browser_login(page, user, language=language)
    page.goto(f"{live_url}/accounts/security/")
    axe_check(page)
    page.fill("#passkey-name", "Clé virtuelle")
    page.click("form[data-passkey=register] button[type=submit]")
    page.wait_for_selector("text=Clé virtuelle")
    assert WebAuthnCredential.objects.filter(user=user).count() == 1

    # A token is shown once.
    page.fill("#id_name", "Script")
    page.click("form[action$='/security/tokens/'] button[type=submit]")
    assert page.input_value("#new-token").startswith("bal_")
    axe_check(page)
    screenshot(page, f"accounts-security-{language}")

    with page.expect_navigation():
        page.click(".logout-form button")
    page.goto(f"{live_url}/accounts/login/")
    choose_language(page, language)
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/mfa/verify/"))
    axe_check(page)
    page.click("form[data-passkey=login] button[type=submit]")
    page.wait_for_url(f"{live_url}/")
    assert user.full_name in page.inner_text("header")
    assert page.csp_violations == [], page.csp_violations
