"""Turning a call into a referral draft pre-filled from the call."""

from __future__ import annotations

import pytest
from django.urls import reverse

from balise.hotline.enums import CallStatus
from balise.hotline.tests import factories as hf
from balise.referrals.models import Referral

pytestmark = pytest.mark.django_db


def test_operator_turns_a_call_into_a_prefilled_referral_draft(signed_in):
    operator = hf.hotline_operator()
    call = hf.call_logged_by(
        operator,
        caller_type="victim",
        language="ar",
        urgency="immediate",
        exploitation_forms=["domestic_servitude", "forced_labour"],
        advice_given=["police"],
    )
    client = signed_in(operator)
    response = client.post(reverse("hotline:call_referral", args=[call.pk]))
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:step", args=[referral.pk, "person"])
    assert (referral.channel, referral.referrer, referral.organisation) == (
        "hotline",
        operator,
        call.hotline,
    )
    draft = referral.draft_data
    assert draft["exploitation_forms"] == ["domestic_servitude", "forced_labour"]
    assert draft["exploitation_region"] == "Occitanie"
    assert draft["immediate_danger"] == "true"
    assert draft["languages"] == ["ar"]
    assert "des ouvriers dorment sur le chantier" in draft["narrative"]
    call.refresh_from_db()
    assert call.status == CallStatus.TURNED_INTO_REFERRAL and call.referral == referral
    # The operator continues in the referral form with the pre-filled values.
    step = client.get(reverse("referrals:step", args=[referral.pk, "situation"]))
    assert step.status_code == 200
    assert "Occitanie" in step.content.decode()
    # Again: no second referral.
    client.post(reverse("hotline:call_referral", args=[call.pk]))
    assert Referral.objects.count() == 1


def test_closed_call_cannot_become_a_referral(signed_in, api_client_for):
    operator = hf.hotline_operator()
    call = hf.call_logged_by(operator, advice_given=["police"])
    api = api_client_for(operator)
    api.post(f"/api/v1/hotline/calls/{call.pk}/transition/", {"event": "close_with_advice"})
    response = api.post(f"/api/v1/hotline/calls/{call.pk}/referral/")
    assert response.status_code == 409
    assert not Referral.objects.exists()


def test_api_turns_a_call_into_a_referral_and_denies_other_hotlines(api_client_for):
    operator = hf.hotline_operator()
    call = hf.call_logged_by(operator)
    outsider = api_client_for(hf.hotline_operator())
    assert outsider.post(f"/api/v1/hotline/calls/{call.pk}/referral/").status_code == 404
    response = api_client_for(operator).post(f"/api/v1/hotline/calls/{call.pk}/referral/")
    assert response.status_code == 201
    assert Referral.objects.get().pk.hex == response.json()["referral"].replace("-", "")


def test_other_hotline_cannot_convert_through_the_page(signed_in):
    call = hf.call_logged_by(hf.hotline_operator())
    response = signed_in(hf.hotline_operator()).post(
        reverse("hotline:call_referral", args=[call.pk])
    )
    assert response.status_code == 404
    assert not Referral.objects.exists()
