"""Need-to-know: observatory users never reach identifying data or case views; drafts are for
statisticians only; public statistics only when the deployment chooses."""

import pytest
from django.test import Client
from django.urls import reverse

from balise.observatory.tests import factories as obs
from balise.referrals.tests import factories as referrals
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_statistician_never_reaches_referrals_or_persons(statistician, signed_in, api_client_for):
    referral = referrals.submitted(factories.referrer_at_association())
    client = signed_in(statistician)
    assert client.get(reverse("referrals:list")).status_code in (403, 404)
    for name in ("referrals:detail", "referrals:receipt"):
        response = client.get(reverse(name, args=[referral.pk]))
        assert response.status_code == 404, name
        assert b"Amina" not in response.content
    api = api_client_for(statistician)
    listed = api.get("/api/v1/referrals/")
    assert listed.status_code in (403, 404) or listed.json().get("count", 0) == 0
    assert b"Amina" not in listed.content
    assert api.get(f"/api/v1/referrals/{referral.pk}/").status_code == 404


def test_the_projection_and_releases_hold_no_identifier(statistician):
    referral = referrals.submitted(factories.referrer_at_association())
    from balise.observatory import services

    refresh = services.refresh_projection(actor=statistician)
    stored = bytes(refresh.data)
    for value in (str(referral.pk), str(referral.person_id), referral.reference):
        assert value.encode() not in stored


def test_drafts_are_for_statisticians_only(
    statistician, synthetic_refresh, signed_in, api_client_for
):
    draft = obs.draft_release(statistician)
    officer = factories.case_officer()
    client = signed_in(officer)
    for name in ("observatory:detail", "observatory:dashboard"):
        assert client.get(reverse(name, args=[draft.pk])).status_code == 404
    assert client.get(reverse("observatory:export", args=[draft.pk, "csv"])).status_code == 404
    assert str(draft.pk) not in client.get(reverse("observatory:list")).content.decode()
    assert (
        api_client_for(officer).get(f"/api/v1/observatory/releases/{draft.pk}/").status_code == 404
    )
    own = signed_in(statistician)
    assert own.get(reverse("observatory:detail", args=[draft.pk])).status_code == 200
    data = api_client_for(statistician).get("/api/v1/observatory/releases/").json()
    assert [r["status"] for r in data["results"]] == ["draft"]


def test_only_statisticians_act_on_releases(statistician, synthetic_refresh, signed_in):
    draft = obs.draft_release(statistician)
    member = signed_in(factories.referrer_at_police_unit())
    assert member.post(reverse("observatory:refresh")).status_code == 403
    assert member.get(reverse("observatory:new")).status_code == 403
    assert member.get(reverse("observatory:import")).status_code == 403
    assert (
        member.post(reverse("observatory:transition", args=[draft.pk, "review"])).status_code == 404
    )


def test_public_statistics_follow_the_deployment_setting(
    statistician, reviewer, synthetic_refresh, settings
):
    published = obs.published_release(statistician, reviewer)
    draft = obs.draft_release(statistician, year=2025)
    anonymous = Client()
    settings.BALISE_PUBLIC_STATISTICS = False
    assert anonymous.get(reverse("observatory:public_list")).status_code == 404
    assert (
        anonymous.get(reverse("observatory:public_detail", args=[published.pk])).status_code == 404
    )
    assert anonymous.get("/api/v1/observatory/releases/").status_code in (401, 403)
    settings.BALISE_PUBLIC_STATISTICS = True
    assert anonymous.get(reverse("observatory:public_list")).status_code == 200
    assert (
        anonymous.get(reverse("observatory:public_detail", args=[published.pk])).status_code == 200
    )
    assert anonymous.get(reverse("observatory:public_detail", args=[draft.pk])).status_code == 404
    response = anonymous.get(reverse("observatory:public_export", args=[published.pk, "ctdc"]))
    assert response.status_code == 404
    api = anonymous.get("/api/v1/observatory/releases/").json()
    assert [r["id"] for r in api["results"]] == [str(published.pk)]
    # Internal pages still need a sign-in.
    assert anonymous.get(reverse("observatory:detail", args=[published.pk])).status_code == 302


def test_a_statistician_never_reaches_case_views(statistician, signed_in, api_client_for):
    from django.apps import apps

    if not apps.is_installed("balise.identification"):
        pytest.skip("identification app not installed")
    from balise.identification.models import Case

    referrals.submitted(factories.referrer_at_association())
    case = Case.objects.get()
    client = signed_in(statistician)
    assert client.get(reverse("identification:queue")).status_code in (403, 404)
    assert client.get(reverse("identification:case", args=[case.pk])).status_code == 404
    api = api_client_for(statistician)
    assert api.get(f"/api/v1/identification/cases/{case.pk}/").status_code in (403, 404)
    if apps.is_installed("balise.orientation"):
        assert client.get(reverse("orientation:new", args=[case.person_id])).status_code in (
            403,
            404,
        )
