"""The observatory's public dashboard in a real browser (French and Arabic): strict CSP
respected, no serious accessibility violation, screenshots kept in test-artifacts/."""

import pytest

from balise.observatory.tests import factories as obs
from balise.observatory.tests.conftest import TEST_TABLES
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_public_dashboard_in_a_browser(
    language, settings, browser_page, live_url, axe_check, screenshot
):
    settings.BALISE_PUBLIC_STATISTICS = True
    settings.BALISE_OBSERVATORY_TABLES = TEST_TABLES
    statistician = factories.statistician()
    obs.synthetic_refresh(n=3000)
    release = obs.published_release(statistician, obs.second_statistician(statistician))
    page = browser_page
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_url}])
    page.goto(f"{live_url}/public/statistics/{release.pk}/dashboard/")
    assert page.get_attribute("html", "lang") == language
    assert page.locator("svg.obs-chart").count() >= 4
    axe_check(page)
    screenshot(page, f"observatory-dashboard-{language}")
    page.goto(f"{live_url}/public/statistics/{release.pk}/")
    axe_check(page)
    screenshot(page, f"observatory-release-{language}")
    assert not page.csp_violations
