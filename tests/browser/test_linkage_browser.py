"""A case officer compares a possible duplicate side by side, merges, and undoes the merge; the
French and Arabic pages are checked for accessibility."""

from __future__ import annotations

import datetime

import pytest

from balise.identification.tests.factories import officer
from balise.linkage.models import MatchCandidate, PersonMerge
from balise.linkage.services import score_person
from balise.linkage.tests.factories import referred
from tests import factories
from tests.browser.conftest import choose_language

pytestmark = pytest.mark.django_db(transaction=True)

AMINA = {"given_names": "Amina", "family_name": "Benali", "birth_date": datetime.date(1995, 4, 12)}


def test_compare_merge_and_undo(browser_page, live_url, browser_login, axe_check, screenshot):
    page = browser_page
    referred(factories.referrer_at_police_unit(), **AMINA)
    second = referred(factories.referrer_at_association(), **AMINA)
    score_person(second.person)
    candidate = MatchCandidate.objects.get()
    user = officer()

    browser_login(page, user, language="fr")
    page.goto(f"{live_url}/linkage/")
    assert "Doublons possibles" in page.inner_text("h1")
    axe_check(page)
    with page.expect_navigation():
        page.click(f"a[href='/linkage/persons/{candidate.person_id}/']")
    main = page.inner_text("main")
    assert main.count("Benali") >= 2 and "concordent" in main
    axe_check(page)
    screenshot(page, "linkage-person-fr")

    choose_language(page, "ar")
    assert page.get_attribute("html", "dir") == "rtl"
    axe_check(page)
    screenshot(page, "linkage-person-ar")
    choose_language(page, "fr")

    with page.expect_navigation():
        page.click("text=Même personne : fusionner")
    merge = PersonMerge.objects.get()
    assert merge.kept_id == candidate.candidate_person_id
    with page.expect_navigation():
        page.click("text=Annuler cette fusion")
    merge.refresh_from_db()
    assert merge.undone_at is not None
