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


def test_assembly_progress_updates_without_inline_script(
    settings, monkeypatch, browser_page, browser_login, live_url, axe_check, screenshot
):
    """The progress page polls with htmx under the strict CSP and shows the draft when the
    background task has assembled it."""
    from balise.observatory import services
    from balise.observatory.enums import AssemblyStatus

    settings.BALISE_OBSERVATORY_TABLES = TEST_TABLES
    statistician = factories.statistician()
    obs.synthetic_refresh(n=3000)
    monkeypatch.setattr(services, "_enqueue_assembly", lambda _pk: None)  # no worker yet
    assembly = services.request_release_assembly(actor=statistician, year=2025)
    page = browser_page
    browser_login(page, statistician, language="fr")
    page.goto(f"{live_url}/observatory/assemblies/{assembly.pk}/")
    assert page.locator("progress#assembly-progress").count() == 1
    axe_check(page)
    screenshot(page, "observatory-assembly-queued-fr")

    assembly = services.run_release_assembly(assembly.pk)  # the worker runs the task
    assert assembly.status == AssemblyStatus.SUCCEEDED

    page.wait_for_selector(f"a[href='/observatory/releases/{assembly.release_id}/']")
    assert page.locator("progress").count() == 0
    axe_check(page)
    screenshot(page, "observatory-assembly-done-fr")
    assert not page.csp_violations
