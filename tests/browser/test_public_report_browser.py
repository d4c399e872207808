"""A member of the public reports a situation in a real browser (the proof-of-work runs in the
page), keeps the receipt code, reads the answer with it; the quick exit leaves at once and
clears what the page stored. French and Arabic (right to left), accessibility checked."""

from __future__ import annotations

import re

import pytest

from balise.public_reports.models import PublicReport
from balise.public_reports.services import staff_message_add
from balise.public_reports.tests import factories as pf

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(("language", "direction"), [("fr", "ltr"), ("ar", "rtl")])
def test_public_report_end_to_end(
    browser_page, live_url, axe_check, screenshot, settings, language, direction
):
    settings.BALISE_POW_DIFFICULTY = 12
    page = browser_page
    page.goto(f"{live_url}/public/report/?lang={language}")
    assert page.get_attribute("html", "dir") == direction
    assert page.locator("[data-quick-exit]").is_visible()
    axe_check(page)
    screenshot(page, f"public-report-form-{language}")
    page.fill("textarea[name=what]", "Des ouvriers dorment sur le chantier et ne sont pas payés.")
    page.fill("input[name=region]", "Occitanie")
    page.click("button[data-pow-submit]")
    page.wait_for_selector("#receipt-code", timeout=30_000)
    code = page.inner_text("#receipt-code").strip()
    assert re.fullmatch(r"([0-9A-Z]{5}-){3}[0-9A-Z]{5}", code)
    axe_check(page)
    screenshot(page, f"public-report-receipt-{language}")
    assert page.context.cookies() == []
    report = PublicReport.objects.get()
    assert report.language == language
    staff_message_add(
        acting_user=pf.hotline_operator(), report=report, body="Merci, où exactement ?"
    )

    page.goto(f"{live_url}/public/report/follow-up/?lang={language}")
    page.fill("input[name=code]", code.lower())
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=Merci, où exactement ?")
    page.fill("textarea[name=body]", "Zone industrielle nord.")
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=Zone industrielle nord.")
    axe_check(page)
    screenshot(page, f"public-report-conversation-{language}")
    assert page.context.cookies() == []
    assert page.csp_violations == [], page.csp_violations


def test_quick_exit_leaves_and_clears_storage(browser_page, live_url, settings):
    page = browser_page
    settings.BALISE_QUICK_EXIT_URL = f"{live_url}/healthz"
    page.goto(f"{live_url}/public/report/?lang=en")
    page.evaluate("() => { sessionStorage.setItem('draft', 'x'); localStorage.setItem('k', 'y'); }")
    page.fill("textarea[name=what]", "something typed")
    before = page.evaluate("() => history.length")
    page.click("[data-quick-exit]")
    page.wait_for_url(re.compile(r"/healthz$"))
    assert page.evaluate("() => sessionStorage.length + localStorage.length") == 0
    # location.replace: the report page is not left in the history to go back to.
    assert page.evaluate("() => history.length") == before


def test_double_escape_also_leaves(browser_page, live_url, settings):
    page = browser_page
    settings.BALISE_QUICK_EXIT_URL = f"{live_url}/healthz"
    page.goto(f"{live_url}/public/report/follow-up/?lang=fr")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(re.compile(r"/healthz$"))
