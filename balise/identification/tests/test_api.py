"""The API: queue with filters, case detail with deadlines, lifecycle events by POST, and the
referrer's view of the outcome (never the reasons)."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from balise.identification.enums import CaseEvent as E
from balise.identification.tests.factories import (
    decide,
    officer,
    reviewer,
    submitted_case,
)
from balise.identification.tests.test_pages import outsiders
from balise.referrals.tests.factories import draft
from tests import factories

pytestmark = pytest.mark.django_db

CASES = "/api/v1/identification/cases/"


def test_outsiders_get_404_on_every_endpoint(api_client_for):
    case = submitted_case()
    referrer = case.case_referrals.get().referral.referrer
    for user in [referrer, *outsiders()]:
        api = api_client_for(user)
        assert api.get(CASES).status_code == 404
        assert api.get(f"{CASES}{case.pk}/").status_code == 404
        assert api.get(f"{CASES}{case.pk}/deadlines/").status_code == 404
        response = api.post(
            f"{CASES}{case.pk}/events/", {"event": "start_assessment"}, format="json"
        )
        assert response.status_code == 404
    case.refresh_from_db()
    assert case.state == "received"


def test_the_api_needs_a_token(client):
    assert client.get(CASES).status_code in (401, 403)


def test_queue_filters_and_deadlines(api_client_for):
    with time_machine.travel(datetime.datetime(2025, 3, 3, 9, tzinfo=datetime.UTC)):
        late = submitted_case()
    child = submitted_case(child=True)
    api = api_client_for(officer())
    body = api.get(CASES).json()
    assert [row["reference"] for row in body["results"]] == [child.reference, late.reference]
    late_row = body["results"][1]
    assert late_row["overdue"] is True
    assert late_row["next_deadline"] == "2025-03-10"
    assert late_row["protected_from_removal"] is True
    assert [r["reference"] for r in api.get(CASES, {"urgency": "minor"}).json()["results"]] == [
        child.reference
    ]
    assert [r["reference"] for r in api.get(CASES, {"overdue": "1"}).json()["results"]] == [
        late.reference
    ]
    assert api.get(CASES, {"form": "forced_criminality"}).json()["count"] == 1
    assert api.get(CASES, {"stage": "identified"}).json()["count"] == 0
    deadlines = api.get(f"{CASES}{late.pk}/deadlines/").json()
    assert deadlines[0]["kind"] == "preliminary" and deadlines[0]["passed"] is True
    detail = api.get(f"{CASES}{late.pk}/").json()
    assert detail["deadlines"] == deadlines
    assert detail["referrals"][0]["reference"] == late.case_referrals.get().referral.reference


def test_decisions_by_post_with_errors_named_per_field(api_client_for):
    off = officer()
    rev = reviewer(org=off.primary_organisation())
    case = submitted_case()
    api = api_client_for(off)
    url = f"{CASES}{case.pk}/events/"
    assert api.post(url, {"event": "start_assessment"}, format="json").status_code == 201
    response = api.post(url, {"event": "preliminary_negative", "grounds": ["nope"]}, format="json")
    assert response.status_code == 400
    assert "grounds" in response.json()
    response = api.post(url, {"event": "preliminary_negative"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"reasons", "grounds", "evidence"}
    response = api.post(
        url,
        {
            "event": "preliminary_negative",
            "reasons": "No exploitation found.",
            "grounds": ["purpose_not_established"],
            "evidence": ["interview"],
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["state"] == "preliminary_review"
    # Four eyes: the author cannot confirm (not a reviewer), a reviewer can.
    response = api.post(url, {"event": "confirm_preliminary_negative"}, format="json")
    assert response.status_code == 403
    response = api.post(url, {"event": "start_assessment"}, format="json")
    assert response.status_code == 409
    response = api_client_for(rev).post(
        url, {"event": "send_back_preliminary", "reasons": "Ask the referrer first."}, format="json"
    )
    assert response.status_code == 201
    decision = response.json()["decisions"][0]
    assert decision["review_outcome"] == "sent_back"
    assert decision["review_reasons"] == "Ask the referrer first."


def test_the_referrer_sees_the_outcome_but_not_the_reasons(api_client_for, signed_in):
    referrer = factories.referrer_at_police_unit()
    colleague = factories.member(referrer.primary_organisation(), "referrer")
    off = officer()
    rev = reviewer(org=off.primary_organisation())
    case = submitted_case(referrer)
    referral = case.case_referrals.get().referral
    url = f"/api/v1/identification/referral-outcomes/{referral.pk}/"
    assert api_client_for(referrer).get(url).json()["stage"] == "received"
    decide(case, off, E.START_ASSESSMENT)
    decide(case, off, E.PRELIMINARY_NEGATIVE, reasons="SECRET-INTERNAL-REASON")
    body = api_client_for(referrer).get(url).json()
    # A negative awaiting the second review is not an outcome yet.
    assert body["stage"] == "under_assessment"
    assert body["preliminary"] is None
    decide(case, rev, E.CONFIRM_PRELIMINARY_NEGATIVE, reasons="SECRET-REVIEW-REASON")
    services_note = "SECRET-NOTE"
    from balise.identification.services import case_note_add

    case_note_add(acting_user=off, case=case, text=services_note)
    response = api_client_for(colleague).get(url)
    assert response.status_code == 200
    body = response.json()
    assert body["stage"] == "preliminary_negative"
    assert body["preliminary"]["outcome"] == "negative"
    text = response.content.decode()
    assert "SECRET" not in text
    assert "grounds" not in text and "evidence" not in text
    # The referrer's page shows the same, and nothing of the internal reasons.
    page = signed_in(colleague).get(f"/referrals/{referral.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "outcome-title" in html and "SECRET" not in html
    # Another organisation's referrer, a shelter: 404.
    for outsider in (factories.referrer_at_association(), factories.shelter_support_worker()):
        assert api_client_for(outsider).get(url).status_code == 404
    # A draft has no outcome yet.
    unsent = draft(referrer)
    draft_url = f"/api/v1/identification/referral-outcomes/{unsent.pk}/"
    assert api_client_for(referrer).get(draft_url).status_code == 404


def test_the_schema_describes_the_endpoints(api_client_for, administrator):
    schema = api_client_for(administrator).get("/api/v1/schema/").content.decode()
    assert "/api/v1/identification/cases/{id}/events/" in schema
    assert "/api/v1/identification/referral-outcomes/{referral_id}/" in schema


def test_counts_are_capped_beyond_the_current_position(api_client_for, signed_in, monkeypatch):
    from balise.identification import pagination

    monkeypatch.setattr(pagination, "CAP", 1)
    for _ in range(3):
        submitted_case()
    off = officer()
    api = api_client_for(off)
    body = api.get(CASES, {"limit": 1}).json()
    assert (body["count"], body["count_capped"]) == (3, True)
    assert body["next"] is not None
    body = api.get(CASES, {"limit": 1, "offset": 1}).json()
    assert (body["count"], body["count_capped"]) == (3, False)
    body = api.get(CASES, {"limit": 1, "offset": 2}).json()
    assert body["next"] is None and len(body["results"]) == 1
    assert api.get(CASES).json()["count_capped"] is False
