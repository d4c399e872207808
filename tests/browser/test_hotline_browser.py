"""An operator logs a call, keeps it for a follow-up and turns it into a referral draft in a
real browser, in French and in Arabic; the pages pass the accessibility check."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from balise.hotline.models import Call
from balise.hotline.tests import factories as hf

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(("language", "direction"), [("fr", "ltr"), ("ar", "rtl")])
def test_operator_logs_and_converts_a_call(
    browser_page, live_url, browser_login, axe_check, screenshot, language, direction
):
    page = browser_page
    operator = hf.hotline_operator()
    browser_login(page, operator, language=language)
    page.goto(f"{live_url}/hotline/calls/new/")
    assert page.get_attribute("html", "dir") == direction
    axe_check(page)
    when = timezone.localtime() - datetime.timedelta(minutes=30)
    page.fill("input[name=received_at]", when.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=duration_minutes]", "12")
    page.select_option("main select[name=language]", "ar")  # not the header's switcher
    page.select_option("select[name=caller_type]", "victim")
    page.select_option("select[name=situation_type]", "suspected_trafficking")
    page.check("input[name=exploitation_forms][value=domestic_servitude]")
    page.fill("input[name=region]", "Grand Est")
    page.select_option("select[name=urgency]", "urgent")
    page.check("input[name=advice_given][value=association]")
    page.fill("textarea[name=notes]", "Passeport confisqué par l'employeur.")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/hotline/calls/[0-9a-f-]{36}/$"))
    axe_check(page)
    screenshot(page, f"hotline-call-{language}")
    call = Call.objects.get()
    assert call.notes == "Passeport confisqué par l'employeur."

    page.goto(f"{live_url}/hotline/")
    axe_check(page)
    screenshot(page, f"hotline-log-{language}")
    page.goto(f"{live_url}/hotline/calls/{call.pk}/")
    page.click("form[action$='/referral/'] button")
    page.wait_for_url(re.compile(r"/referrals/[0-9a-f-]{36}/step/person/$"))
    call.refresh_from_db()
    assert call.status == "turned_into_referral" and call.referral_id
    assert page.csp_violations == [], page.csp_violations
