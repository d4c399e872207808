"""A referral through both decisions: a case officer decides, the 30 days of the law pass, the
conclusive decision is negative, the reviewer sends it back with reasons, the officer decides
again. In French, with the Arabic pages checked for direction and accessibility."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from balise.identification.models import Case
from balise.identification.tests.factories import officer, reviewer, submitted_case
from tests.browser.conftest import choose_language

pytestmark = pytest.mark.django_db(transaction=True)


def fresh_page(chromium, violations: list[str]):  # noqa: ANN001, ANN201
    """A new browser context (a new sign-in), recording CSP violations like ``browser_page``."""
    context = chromium.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on(
        "console",
        lambda msg: (
            violations.append(msg.text)
            if "Content Security Policy" in msg.text or "Refused to" in msg.text
            else None
        ),
    )
    return context, page


def record(page, event: str, *, reasons: str = "", grounds=(), evidence=()) -> None:  # noqa: ANN001
    form = page.locator("form[action$='/event/']")
    form.locator("select[name=event]").select_option(event)
    if reasons:
        form.locator("textarea[name=reasons]").fill(reasons)
    for value in grounds:
        form.locator(f"input[name=grounds][value={value}]").check()
    for value in evidence:
        form.locator(f"input[name=evidence][value={value}]").check()
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def test_a_referral_through_both_decisions_with_a_sent_back_negative(
    browser_page, live_url, browser_login, axe_check, screenshot, _chromium
):
    page = browser_page
    off = officer()
    rev = reviewer(org=off.primary_organisation())
    case = submitted_case(child=True)
    case_url = f"{live_url}/identification/cases/{case.pk}/"

    browser_login(page, off, language="fr")
    page.goto(f"{live_url}/identification/")
    assert case.reference in page.inner_text("main")
    assert page.locator("tr .tag-minor").count() >= 1
    axe_check(page)
    screenshot(page, "identification-queue-fr")
    with page.expect_navigation():
        page.click(f"text={case.reference}")
    record(page, "start_assessment")
    record(
        page,
        "preliminary_positive",
        reasons="Récit cohérent avec les indicateurs forts.",
        grounds=["act_established", "child_no_means"],
        evidence=["referral_form", "interview"],
    )
    assert page.locator(".tag-protected").count() == 1
    axe_check(page)
    screenshot(page, "identification-case-fr")
    # Too early: the conclusive decision is refused with a clear message.
    record(
        page,
        "conclusive_negative",
        reasons="Finalité non établie.",
        grounds=["purpose_not_established"],
        evidence=["interview"],
    )
    assert "30" in page.inner_text("main .field-error, main .form-errors")
    assert Case.objects.get(pk=case.pk).state == "reflection_period"

    violations: list[str] = list(page.csp_violations)  # type: ignore[attr-defined]
    later = timezone.now() + datetime.timedelta(days=31)
    with time_machine.travel(later, tick=True):
        context, page = fresh_page(_chromium, violations)
        browser_login(page, off, language="fr")
        page.goto(case_url)
        record(
            page,
            "conclusive_negative",
            reasons="Finalité d'exploitation non établie.",
            grounds=["purpose_not_established"],
            evidence=["interview"],
        )
        assert Case.objects.get(pk=case.pk).state == "conclusive_review"
        context.close()

        context, page = fresh_page(_chromium, violations)
        browser_login(page, rev, language="ar")
        page.goto(case_url)
        assert page.get_attribute("html", "dir") == "rtl"
        axe_check(page)
        screenshot(page, "identification-review-ar")
        record(
            page,
            "send_back_conclusive",
            reasons="Le rapport médical n'a pas été pris en compte.",
        )
        assert Case.objects.get(pk=case.pk).state == "reflection_period"
        context.close()

    # The next day (a one-time code is never accepted twice, so the officer signs in later).
    with time_machine.travel(later + datetime.timedelta(days=1), tick=True):
        context, page = fresh_page(_chromium, violations)
        browser_login(page, off, language="fr")
        page.goto(case_url)
        assert "Le rapport médical n'a pas été pris en compte." in page.inner_text("main")
        record(
            page,
            "conclusive_positive",
            reasons="Le rapport médical corrobore le récit.",
            grounds=["purpose_established", "child_no_means"],
            evidence=["medical_report", "interview"],
        )
        case.refresh_from_db()
        assert case.state == "identified"
        assert page.locator("#case-stage.status-identified").count() == 1
        choose_language(page, "ar")
        axe_check(page)
        screenshot(page, "identification-identified-ar")
        context.close()
    assert violations == [], violations
    events = list(case.transitions.order_by("at", "id").values_list("event", flat=True))
    assert events == [
        "open",
        "start_assessment",
        "preliminary_positive",
        "conclusive_negative",
        "send_back_conclusive",
        "conclusive_positive",
    ]
