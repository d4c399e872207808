"""A referrer walks a referral from the first step to the receipt, in French and in Arabic (right
to left), with the accessibility check passing on every step, on a phone-sized screen for Arabic."""

import datetime
import re

import pytest

from balise.referrals.models import Referral
from tests import factories
from tests.browser.conftest import choose_language

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("language", "direction", "viewport"),
    [("fr", "ltr", {"width": 1280, "height": 900}), ("ar", "rtl", {"width": 390, "height": 844})],
)
def test_referral_end_to_end(
    browser_page, live_url, browser_login, axe_check, screenshot, language, direction, viewport
):
    page = browser_page
    page.set_viewport_size(viewport)
    user = factories.referrer_at_association()
    browser_login(page, user, language=language)
    choose_language(page, language)

    page.goto(f"{live_url}/referrals/")
    assert page.get_attribute("html", "dir") == direction
    axe_check(page)
    page.click("main a.button[href$='/referrals/new/']")
    page.wait_for_url(re.compile(r"/referrals/new/$"))
    axe_check(page)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/step/person/$"))

    # 1. The person.
    axe_check(page)
    page.fill("#id_given_names", "Fatima" if language == "fr" else "فاطمة")
    page.fill("#id_family_name", "Exemple")
    page.select_option("#id_gender", "feminine")
    page.fill("#id_birth_date", "1992-03-04")
    page.select_option("#id_nationalities", ["MAR"])
    page.select_option("#id_languages", ["ar"])
    # Autosave (htmx) says so without leaving the page.
    page.wait_for_selector("#autosave-status span", timeout=10_000)
    screenshot(page, f"referral-person-{language}")
    page.click("button[name=goto][value=situation]")
    page.wait_for_url(re.compile(r"/step/situation/$"))

    # 2. The situation.
    axe_check(page)
    page.check("input[name=exploitation_forms][value=domestic_servitude]")
    page.select_option("#id_exploitation_country", "FRA")
    page.click("button[name=goto][value=indicators]")
    page.wait_for_url(re.compile(r"/step/indicators/$"))

    # 3. Indicators: the advice updates as boxes are ticked.
    axe_check(page)
    for code in (
        "d1_nature_job",
        "d1_wages",
        "d4_excessive_hours",
        "d4_low_salary",
        "d5_documents",
        "d5_isolation",
    ):
        page.check(f"#ind-{code}")
    page.wait_for_function(
        "() => document.querySelectorAll('#screening .status-met').length >= 3", timeout=10_000
    )
    screenshot(page, f"referral-indicators-{language}")
    page.click("button[name=goto][value=narrative]")
    page.wait_for_url(re.compile(r"/step/narrative/$"))

    # 4. Narrative and a file.
    axe_check(page)
    page.fill("#id_narrative", "Recrutée comme nourrice, sans salaire, passeport confisqué.")
    page.click("button[name=goto][value=consent]")
    page.wait_for_url(re.compile(r"/step/consent/$"))

    # 5. Consent.
    axe_check(page)
    page.check("input[name=consent_status][value=given]")
    page.fill("#id_consent_explained", "Le mécanisme, ses droits, qui lira le signalement.")
    when = (datetime.datetime.now() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    page.fill("#id_consent_given_at", when)
    page.select_option("#id_consent_language", "ar")
    page.click("button[name=goto][value=review]")
    page.wait_for_url(re.compile(r"/step/review/$"))

    # 6. Review, then send (twice, as an impatient double click would).
    axe_check(page)
    screenshot(page, f"referral-review-{language}")
    page.click("form.submit-form button[type=submit]")
    page.wait_for_url(re.compile(r"/referrals/[0-9a-f-]{36}/$"))
    referral = Referral.objects.get()
    assert referral.status == "submitted"
    assert referral.reference in page.inner_text("main")
    assert page.get_attribute("html", "dir") == direction
    axe_check(page)
    screenshot(page, f"referral-detail-{language}")
    response = page.request.get(f"{live_url}/referrals/{referral.pk}/receipt.pdf")
    assert response.status == 200 and response.body().startswith(b"%PDF")
    assert page.csp_violations == [], page.csp_violations
    assert Referral.objects.count() == 1
