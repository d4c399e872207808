"""In a real browser: the coordinator imports measures, a lead body posts an update, the
coordinator validates it and the dashboard changes."""

import re

import pytest

from balise.plans.models import Measure, ProgressUpdate
from balise.plans.tests import factories as pf
from tests.browser.conftest import choose_language

pytestmark = pytest.mark.django_db(transaction=True)

CSV = (
    "axis_number,axis_title,number,title,lead_body,partner_bodies,due_date,budget_planned\n"
    "2,Protéger les victimes,3,Ouvrir des places spécialisées,Association Lead,"
    "Police Partner,2026-12-31,250000\n"
    "2,,4,Former les équipes d'accueil,Shelter Other,,2027-06-30,\n"
)


def _engaged_headline(page) -> str:
    return page.inner_text("p.headline")


def test_import_update_validate_and_see_the_dashboard_change(
    browser_page, _chromium, live_url, browser_login, axe_check, screenshot, tmp_path
):
    s = pf.plan_with_measures()
    page = browser_page  # the coordinator's browser

    # 1. The coordinator imports two measures from a CSV file.
    browser_login(page, s.coordinator)
    page.goto(f"{live_url}/plans/{s.plan.pk}/import/")
    axe_check(page)
    upload = tmp_path / "mesures.csv"
    upload.write_text(CSV, encoding="utf-8")
    page.set_input_files("input[name=file]", str(upload))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "2 lignes importées" in page.inner_text(".messages")
    assert page.locator("text=Ouvrir des places spécialisées").count() == 1
    measure = Measure.objects.get(plan=s.plan, number=3)
    page.goto(f"{live_url}/plans/{s.plan.pk}/dashboard/")
    assert "0 sur 4 mesures engagées" in _engaged_headline(page)
    axe_check(page)

    # 2. A member of the lead body posts an update that engages the measure (own browser).
    context = _chromium.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    member_page = context.new_page()
    member_page.set_default_timeout(10_000)
    browser_login(member_page, s.lead_member)
    member_page.goto(f"{live_url}/plans/measures/{measure.pk}/")
    member_page.fill("textarea[name=text]", "Convention signée avec deux foyers.")
    member_page.select_option("select[name=new_status]", "engaged")
    with member_page.expect_navigation():
        member_page.click("#post-update ~ form button[type=submit]")
    assert "Soumis" in member_page.inner_text("main")
    assert ProgressUpdate.objects.get().status == "submitted"
    axe_check(member_page)
    context.close()

    # 3. The coordinator validates it; the dashboard counts the measure as engaged.
    page.goto(f"{live_url}/plans/{s.plan.pk}/")
    assert "1 point d'avancement attend votre examen" in page.inner_text("main")
    with page.expect_navigation():
        page.click("main .card ul a")
    axe_check(page)
    page.check("input[name=decision][value=validate]")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert re.search("Validé", page.inner_text("main"))
    page.goto(f"{live_url}/plans/{s.plan.pk}/dashboard/")
    assert "1 sur 4 mesures engagées" in _engaged_headline(page)
    assert page.locator("svg#chart-axes[role=img] > title").count() == 1
    axe_check(page)
    screenshot(page, "plans-dashboard-fr")
    choose_language(page, "ar")
    assert page.get_attribute("html", "dir") == "rtl"
    assert "1 من 4" in _engaged_headline(page)
    axe_check(page)
    screenshot(page, "plans-dashboard-ar")
    assert page.csp_violations == [], page.csp_violations


@pytest.mark.parametrize(("language", "direction"), [("fr", "ltr"), ("ar", "rtl")])
def test_plan_pages_are_accessible(
    browser_page, live_url, browser_login, axe_check, screenshot, language, direction
):
    import datetime

    from balise.plans import services

    s = pf.plan_with_measures(published=True)
    services.indicator_value_record(
        acting_user=s.coordinator, indicator=s.indicator, date=datetime.date(2024, 12, 31), value=40
    )
    services.indicator_value_record(
        acting_user=s.coordinator, indicator=s.indicator, date=datetime.date(2025, 12, 31), value=65
    )
    page = browser_page
    # The public page, without an account.
    page.goto(f"{live_url}/public/plans/{s.plan.pk}/")
    choose_language(page, language)
    assert page.get_attribute("html", "dir") == direction
    assert "SECRET-INTERNAL-NOTE" not in page.content()
    axe_check(page)
    screenshot(page, f"plans-public-{language}")
    # The coordinator's pages.
    browser_login(page, s.coordinator, language=language)
    for name, path in [
        ("plan", f"/plans/{s.plan.pk}/"),
        ("measure", f"/plans/measures/{s.measure.pk}/"),
        ("report", f"/plans/{s.plan.pk}/report/?date=2025-12-31"),
        ("import", f"/plans/{s.plan.pk}/import/"),
    ]:
        page.goto(f"{live_url}{path}")
        assert page.get_attribute("html", "dir") == direction
        axe_check(page)
        screenshot(page, f"plans-{name}-{language}")
    assert page.csp_violations == [], page.csp_violations
