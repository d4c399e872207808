"""An officer orients a victim to a shelter far from the place of exploitation; the shelter
accepts, records a support event and closes the file (French and Arabic)."""

from __future__ import annotations

import re

import pytest

from balise.orientation.models import OrientationRequest, SupportFile
from balise.orientation.tests import factories as f
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_orient_accept_follow_up_and_close(
    browser_page, live_url, browser_login, axe_check, screenshot, language
):
    from balise.referrals.tests.factories import submitted

    page = browser_page
    officer = factories.case_officer()
    referral = submitted(factories.referrer_at_police_unit())
    near = f.service(city="versailles", name="Foyer Proche")
    far = f.service(city="bordeaux", name="Foyer Lointain", places=2)
    worker = f.staff(far)

    browser_login(page, officer, language=language)
    page.goto(f"{live_url}/orientation/person/{referral.person_id}/new/?referral={referral.pk}")
    # The place of exploitation: Paris.
    page.fill("#id_d-latitude", "48.8566")
    page.fill("#id_d-longitude", "2.3522")
    page.click("form[action$='/danger/'] button[type=submit]")
    page.wait_for_load_state()
    page.check("#id_s-safe_relocation")
    page.fill("#id_s-min_distance_km", "200")
    page.click("form[method=get] button[type=submit]")
    page.wait_for_load_state()
    suggestions = page.inner_text("#suggestions")
    assert far.name in suggestions and near.name not in suggestions
    axe_check(page)
    screenshot(page, f"orientation-new-{language}")

    page.check(f"input[name=services][value='{far.pk}']")
    page.check("#id_safe_relocation")
    page.check("input[name=shared_fields][value=given_names]")
    page.check("#id_consent_recorded")
    page.click("form[method=post]:not([action]) button[type=submit]")
    page.wait_for_url(re.compile(r"/orientation/[0-9a-f-]{36}/$"))
    orientation = OrientationRequest.objects.get(person=referral.person)
    assert orientation.service == far and orientation.distance_km > 450
    axe_check(page)

    page.context.clear_cookies()
    browser_login(page, worker, language=language)
    page.goto(f"{live_url}/orientation/{orientation.pk}/")
    shared = page.inner_text("#shared-fields")
    assert "Amina" in shared and "Exemple" not in shared
    axe_check(page)
    screenshot(page, f"orientation-shelter-{language}")
    page.click("#accept")
    page.wait_for_url(re.compile(r"/orientation/files/[0-9a-f-]{36}/$"))
    support_file = SupportFile.objects.get(orientation=orientation)

    page.select_option("#id_event-support_type", "psychological")
    page.fill("#id_event-occurred_on", "2026-03-03")
    page.click("form[action$='/event/'] button[type=submit]")
    page.wait_for_load_state()
    assert support_file.events.count() == 1
    page.select_option("#id_close-reason", "support_completed")
    page.click("#close-file")
    page.wait_for_load_state()
    support_file.refresh_from_db()
    assert support_file.status == "closed"
    assert page.inner_text("#file-status").strip() != ""
    axe_check(page)
    screenshot(page, f"orientation-file-closed-{language}")
    assert page.csp_violations == [], page.csp_violations


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_shelter_manager_keeps_the_places_true(
    browser_page, live_url, browser_login, axe_check, screenshot, language
):
    from balise.accounts.enums import Role

    page = browser_page
    shelter = f.service(city="lille", name="Maison du Nord", places=4)
    f.service("legal_aid", city="paris", name="Droits Paris")
    manager = f.staff(shelter, Role.SHELTER_MANAGER)
    browser_login(page, manager, language=language)
    page.goto(f"{live_url}/directory/")
    assert "Maison du Nord" in page.inner_text("main")
    axe_check(page)
    screenshot(page, f"directory-list-{language}")
    page.goto(f"{live_url}/directory/{shelter.pk}/places/")
    page.fill("#id_occupied", "3")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(rf"/directory/{shelter.pk}/$"))
    shelter.refresh_from_db()
    assert shelter.places_occupied == 3 and shelter.places_free == 1
    axe_check(page)
    screenshot(page, f"directory-detail-{language}")
    assert page.csp_violations == [], page.csp_violations
