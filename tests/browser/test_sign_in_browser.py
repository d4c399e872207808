"""A person signs in with a second factor in French and in Arabic; the pages are accessible."""

import pytest

from tests import factories
from tests.browser.conftest import choose_language

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(("language", "direction"), [("fr", "ltr"), ("ar", "rtl")])
def test_sign_in_with_second_factor(
    browser_page, live_url, browser_login, axe_check, screenshot, language, direction
):
    page = browser_page
    user = factories.referrer_at_police_unit()
    page.goto(f"{live_url}/accounts/login/")
    choose_language(page, language)
    assert page.get_attribute("html", "dir") == direction
    axe_check(page)
    screenshot(page, f"login-{language}")

    browser_login(page, user, language=language)
    assert page.get_attribute("html", "lang") == language
    assert page.get_attribute("html", "dir") == direction
    assert user.full_name in page.inner_text("header")
    axe_check(page)
    screenshot(page, f"home-{language}")
    assert page.csp_violations == [], page.csp_violations


def test_first_sign_in_enrols_the_second_factor(browser_page, live_url, axe_check):
    import re

    import pyotp

    page = browser_page
    user = factories.user_without_second_factor()
    page.goto(f"{live_url}/accounts/login/")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/mfa/setup/"))
    axe_check(page)
    secret = page.inner_text("code.secret")
    page.fill("input[name=code]", pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.locator(".backup-codes li").count() == 10
    with page.expect_navigation():
        page.click("main a.button")
    assert page.locator("h1").inner_text()
    assert page.csp_violations == [], page.csp_violations


def test_skip_link_moves_focus_to_the_main_content(browser_page, live_url):
    page = browser_page
    page.goto(f"{live_url}/accounts/login/")
    # The skip link is the first focusable element, and visible once focused.
    first = page.evaluate(
        "() => document.querySelector('a[href], button, input:not([type=hidden]), select')"
        ".className"
    )
    assert first == "skip-link"
    page.focus(".skip-link")
    assert page.locator(".skip-link").bounding_box()["y"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
