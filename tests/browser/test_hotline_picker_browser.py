"""An operator of two hotlines logs a call under the second one in a real browser, in French and
in Arabic (right to left), with the accessibility check passing; the operator then sees a
reporter's new information among the public-report notices."""

from __future__ import annotations

import re

import pytest
from django.db import transaction

from balise.accounts.enums import Role
from balise.accounts.models import Membership
from balise.hotline.models import Call
from balise.hotline.tests import factories as hf
from balise.public_reports import services as report_services
from balise.public_reports.tests import factories as pf
from tests.browser.conftest import choose_language

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_operator_picks_the_hotline_and_sees_notices(
    browser_page, browser_login, live_url, axe_check, screenshot, language
):
    page = browser_page
    first, second = hf.hotline(), hf.hotline()
    operator = hf.operator_at(first)
    Membership.objects.create(user=operator, organisation=second, role=Role.HOTLINE_OPERATOR)
    browser_login(page, operator, language=language)
    page.goto(f"{live_url}/hotline/calls/new/")
    choose_language(page, language)
    assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
    form = page.locator("form.narrow")
    picker = form.locator("select[name=hotline]")
    assert picker.count() == 1
    label = page.locator("label[for=id_hotline]")
    assert label.count() == 1 and label.inner_text().strip()
    axe_check(page)
    screenshot(page, f"hotline-picker-{language}")
    picker.select_option(str(second.pk))
    form.locator("input[name=duration_minutes]").fill("12")
    form.locator("select[name=language]").select_option("fr")
    form.locator("select[name=caller_type]").select_option("witness")
    form.locator("select[name=situation_type]").select_option("suspected_trafficking")
    form.locator("select[name=urgency]").select_option("urgent")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/hotline/calls/[0-9a-f-]{36}/$"))
    assert Call.objects.get().hotline == second
    assert not page.csp_violations

    submitted = pf.report_made_by_public()
    with transaction.atomic():
        report_services.reporter_message_add(report=submitted.report, body="Nouvelle info.")
    page.goto(f"{live_url}/public-reports/")
    notices = page.locator("#notices-title")
    assert notices.count() == 1
    assert submitted.report.short_ref in page.inner_text("main")
    axe_check(page)
    screenshot(page, f"public-report-notices-{language}")
