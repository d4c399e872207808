"""The group placement page, withdrawal by the sender, and orientation by support workers
depending on the jurisdiction."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from balise.orientation.enums import OrientationStatus
from balise.orientation.tests import factories as f
from tests import factories

pytestmark = pytest.mark.django_db


def test_group_page_places_people_and_explains_the_others(signed_in):
    from balise.referrals.tests.factories import adult_referral_data, submitted

    officer = factories.case_officer()
    referrer = factories.referrer_at_police_unit()
    referrals = [
        submitted(referrer, adult_referral_data(given_names=n, family_name=f"Test{n}"))
        for n in ("Ana", "Bea", "Cleo")
    ]
    shelter = f.service(city="bordeaux", places=2)
    client = signed_in(officer)
    assert client.get(reverse("orientation:group")).status_code == 200
    r = client.post(
        reverse("orientation:group"),
        {"referrals": [str(r.pk) for r in referrals], "s-need": "shelter"},
    )
    assert r.status_code == 200
    result = r.context["result"]
    assert len(result["assignment"].placements) == 2
    assert set(result["assignment"].placements.values()) == {str(shelter.pk)}
    (why,) = result["assignment"].unplaced.values()
    assert "filled by others" in why
    assert shelter.name in r.content.decode()


def test_group_page_is_for_authority_staff_only(signed_in):
    for user in (f.staff(f.service()), factories.referrer_at_police_unit()):
        assert signed_in(user).get(reverse("orientation:group")).status_code == 403


def test_sender_withdraws_and_the_service_loses_access(signed_in):
    officer = factories.case_officer()
    shelter = f.service()
    worker = f.staff(shelter)
    o = f.orientation(officer, f.adult(), shelter)
    # Not the sender: 404.
    assert signed_in(worker).post(reverse("orientation:withdraw", args=[o.pk])).status_code == 404
    r = signed_in(officer).post(reverse("orientation:withdraw", args=[o.pk]), {"reason": "x"})
    assert r.status_code == 302
    o.refresh_from_db()
    assert o.status == OrientationStatus.WITHDRAWN
    assert signed_in(worker).get(reverse("orientation:detail", args=[o.pk])).status_code == 404


def test_support_workers_orient_only_where_the_jurisdiction_allows(settings):
    worker = factories.shelter_support_worker()
    settings.BALISE_JURISDICTION_OVERRIDES = {
        **settings.BALISE_JURISDICTION_OVERRIDES,
        "orientation_by_support_worker": False,
    }
    with pytest.raises(PermissionDenied):
        f.orientation(worker, f.adult(), f.service())
    settings.BALISE_JURISDICTION_OVERRIDES = {
        **settings.BALISE_JURISDICTION_OVERRIDES,
        "orientation_by_support_worker": True,
    }
    assert f.orientation(worker, f.adult(), f.service()).requesting_organisation in (
        worker.organisations_with_role("support_worker")
    )
