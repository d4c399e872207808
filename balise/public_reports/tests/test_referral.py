"""Turning a public report into a referral copies only what is needed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from balise.public_reports.enums import ReportStatus
from balise.public_reports.services import staff_message_add
from balise.public_reports.tests import factories as pf
from balise.referrals.models import Referral

pytestmark = pytest.mark.django_db


def test_hotline_operator_turns_a_report_into_a_referral_copying_only_what_is_needed(signed_in):
    submitted = pf.report_made_by_public(
        contact="reporter@example.invalid, 06 12 34 56 78", minors_involved="yes"
    )
    operator = pf.hotline_operator()
    staff_message_add(acting_user=operator, report=submitted.report, body="Question privée")
    client = signed_in(operator)
    detail = client.get(reverse("public_reports:staff_detail", args=[submitted.report.pk]))
    assert reverse("public_reports:staff_referral", args=[submitted.report.pk]) in (
        detail.content.decode()
    )
    response = client.post(reverse("public_reports:staff_referral", args=[submitted.report.pk]))
    referral = Referral.objects.get()
    assert response["Location"] == reverse("referrals:step", args=[referral.pk, "person"])
    assert referral.channel == "anonymous_public"
    draft = referral.draft_data
    assert "salon de massage" in draft["narrative"]
    assert "Rue des Lilas" in draft["narrative"]
    assert draft["exploitation_forms"] == ["sexual"]
    assert draft["exploitation_region"] == "Occitanie"
    assert draft["reasons_to_believe_minor"] == "true"
    flat = str(draft)
    assert "reporter@example.invalid" not in flat and "06 12" not in flat
    assert "Question privée" not in flat
    assert "contact" not in draft
    report = submitted.report
    report.refresh_from_db()
    assert report.status == ReportStatus.TURNED_INTO_REFERRAL and report.referral == referral


def test_case_officer_of_the_authority_converts_too(signed_in):
    submitted = pf.report_made_by_public()
    officer = pf.authority_case_officer()
    client = signed_in(officer)
    detail = client.get(reverse("public_reports:staff_detail", args=[submitted.report.pk]))
    url = reverse("public_reports:staff_referral", args=[submitted.report.pk])
    assert url in detail.content.decode()
    client.post(url)
    referral = Referral.objects.get()
    assert referral.referrer == officer and referral.channel == "anonymous_public"
    submitted.report.refresh_from_db()
    assert submitted.report.status == ReportStatus.TURNED_INTO_REFERRAL


def test_staff_of_a_suspended_hotline_cannot_convert(signed_in):
    from balise.organisations import lifecycle as org_lifecycle

    submitted = pf.report_made_by_public()
    operator = pf.hotline_operator()
    org = operator.organisations_with_role("hotline_operator")[0]
    org_lifecycle.ACCESS.apply(org, "suspend", actor=None, reason="test")
    response = signed_in(operator).post(
        reverse("public_reports:staff_referral", args=[submitted.report.pk])
    )
    assert response.status_code in (302, 403)
    assert not Referral.objects.exists()


def test_api_conversion_allowed_and_denied(api_client_for):
    from tests import factories

    submitted = pf.report_made_by_public()
    url = f"/api/v1/public-reports/{submitted.report.pk}/referral/"
    assert api_client_for(factories.referrer_at_police_unit()).post(url).status_code == 403
    response = api_client_for(pf.hotline_operator()).post(url)
    assert response.status_code == 201
    assert api_client_for(pf.hotline_operator()).post(url).status_code == 409
    assert Referral.objects.count() == 1
