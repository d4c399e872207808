"""Browser tests: Debian's Chromium driven by Playwright; no browser is ever downloaded.

Without /usr/bin/chromium the tests are skipped with a visible reason, except under CI=true where
its absence is a failure."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pyotp
import pytest

CHROMIUM = Path(os.environ.get("BALISE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Playwright's sync API runs an event loop in the test thread; the ORM calls that tests make
# around it are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def _chromium():
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM}: browser tests need `apt-get install chromium`"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def live_url(live_server) -> str:
    return live_server.url


@pytest.fixture
def browser_page(_chromium, live_server):
    """A fresh page. Content-Security-Policy is enforced exactly as for users; axe is injected
    through a dedicated context only (see ``axe_check``)."""
    context = _chromium.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    csp_violations: list[str] = []
    page.on(
        "console",
        lambda msg: (
            csp_violations.append(msg.text)
            if "Content Security Policy" in msg.text or "Refused to" in msg.text
            else None
        ),
    )
    page.csp_violations = csp_violations  # type: ignore[attr-defined]
    yield page
    context.close()


@pytest.fixture
def browser_login(live_url):
    """``browser_login(page, user, language="fr")``: sign in through the real forms, second
    factor included, in the chosen language."""
    from tests.factories import PASSWORD

    def _login(page, user, language: str = "fr", password: str = PASSWORD) -> None:
        page.goto(f"{live_url}/accounts/login/")
        if language:
            choose_language(page, language)
        page.fill("input[name=email]", user.email)
        page.fill("input[name=password]", password)
        page.click("main button[type=submit]")
        page.wait_for_url(re.compile(r"/accounts/mfa/verify/"))
        user.totp_device.refresh_from_db()
        page.fill("input[name=code]", pyotp.TOTP(user.totp_device.secret).now())
        page.click("main button[type=submit]")
        page.wait_for_url(re.compile(r"/$|/(?!accounts/)"))

    return _login


def choose_language(page, language: str) -> None:
    """Use the language switcher as a person would (it submits on change)."""
    current = page.get_attribute("html", "lang")
    if current == language:
        return
    with page.expect_navigation():
        page.select_option("#language-select", language)
    assert page.get_attribute("html", "lang") == language


@pytest.fixture
def axe_check():
    """``axe_check(page)`` runs axe-core (vendored from npm) in the page as it is, and fails on
    any serious or critical violation. The script goes in through the DevTools protocol, which
    the page's Content-Security-Policy does not govern; the page itself stays under its CSP."""
    source = AXE.read_text(encoding="utf-8")

    def _check(page, *, impacts=("serious", "critical")) -> list[dict]:
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.evaluate(source)
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        bad = [v for v in result["violations"] if v.get("impact") in impacts]
        assert not bad, "Accessibility violations: " + "; ".join(
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in bad
        )
        return result["violations"]

    return _check


@pytest.fixture
def screenshot():
    def _shot(page, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 1000
        return path

    return _shot
