"""The plans API: reads scoped like the pages, and the writes a partner system needs."""

import pytest

from balise.plans.models import IndicatorValue, ProgressUpdate
from balise.plans.tests import factories as pf

pytestmark = pytest.mark.django_db

BASE = "/api/v1/plans/"


def test_plans_and_measures_are_scoped(api_client_for, situation):
    s = situation
    response = api_client_for(s.lead_member).get(BASE)
    assert response.status_code == 200
    [plan] = response.json()["results"]
    assert plan["id"] == str(s.plan.pk)
    assert (plan["measures_total"], plan["measures_engaged"]) == (2, 0)
    measures = api_client_for(s.lead_member).get(f"{BASE}measures/?plan={s.plan.pk}").json()
    assert [m["number"] for m in measures["results"]] == [1, 2]
    outsider = api_client_for(pf.outsider())
    assert outsider.get(BASE).json()["results"] == []
    assert outsider.get(f"{BASE}{s.plan.pk}/").status_code == 404
    assert outsider.get(f"{BASE}measures/{s.measure.pk}/").status_code == 404
    assert outsider.get(f"{BASE}indicators/{s.indicator.pk}/").status_code == 404


def test_anonymous_api_call_is_refused(client, situation):
    assert client.get(BASE).status_code in (401, 403)


def test_member_posts_an_update_with_values_and_coordinator_validates(api_client_for, situation):
    s = situation
    response = api_client_for(s.partner_member).post(
        f"{BASE}updates/",
        {
            "measure": str(s.measure.pk),
            "date": "2025-04-01",
            "text": "Transmis par le système du ministère",
            "new_status": "engaged",
            "values": [{"indicator": str(s.indicator.pk), "date": "2025-03-31", "value": "12.5"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "submitted" and body["values"][0]["value"] == "12.50"
    update_id = body["id"]
    # Neither the author's body nor another coordinator can validate.
    denied = api_client_for(s.lead_member).post(
        f"{BASE}updates/{update_id}/review/", {"decision": "validate"}, format="json"
    )
    assert denied.status_code == 403
    hidden = api_client_for(pf.plan_coordinator()).post(
        f"{BASE}updates/{update_id}/review/", {"decision": "validate"}, format="json"
    )
    assert hidden.status_code == 404
    ok = api_client_for(s.coordinator).post(
        f"{BASE}updates/{update_id}/review/", {"decision": "validate"}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["status"] == "validated"
    s.measure.refresh_from_db()
    assert s.measure.status == "engaged"
    assert IndicatorValue.objects.get().value == 12.5
    again = api_client_for(s.coordinator).post(
        f"{BASE}updates/{update_id}/review/", {"decision": "validate"}, format="json"
    )
    assert again.status_code == 400 and "decision" in str(again.json())


def test_update_by_a_non_member_is_refused(api_client_for, situation):
    s = situation
    payload = {"measure": str(s.measure.pk), "date": "2025-04-01", "text": "x"}
    # A body of the plan, but not of this measure: 403.
    response = api_client_for(s.other_member).post(f"{BASE}updates/", payload, format="json")
    assert response.status_code == 403
    # Someone who cannot see the measure at all: the measure does not exist for them.
    response = api_client_for(pf.outsider()).post(f"{BASE}updates/", payload, format="json")
    assert response.status_code == 400
    assert "measure" in str(response.json())
    assert not ProgressUpdate.objects.exists()


def test_update_validation_errors_name_the_fields(api_client_for, situation):
    s = situation
    response = api_client_for(s.lead_member).post(
        f"{BASE}updates/",
        {"measure": str(s.measure.pk), "date": "2999-01-01", "text": "", "new_status": "achieved"},
        format="json",
    )
    assert response.status_code == 400
    assert "text" in str(response.json())
    response = api_client_for(s.lead_member).post(
        f"{BASE}updates/",
        {"measure": str(s.measure.pk), "date": "2025-01-01", "text": "x", "new_status": "achieved"},
        format="json",
    )
    assert response.status_code == 400 and "new_status" in str(response.json())
    response = api_client_for(s.lead_member).post(
        f"{BASE}updates/",
        {
            "measure": str(s.measure.pk),
            "date": "2025-01-01",
            "text": "x",
            "values": [{"indicator": str(s.indicator.pk), "date": "2025-01-01", "value": "abc"}],
        },
        format="json",
    )
    assert response.status_code == 400 and "value" in str(response.json())


def test_updates_are_listed_for_the_bodies_of_the_measure_only(api_client_for, situation):
    s = situation
    api_client_for(s.lead_member).post(
        f"{BASE}updates/",
        {"measure": str(s.measure.pk), "date": "2025-04-01", "text": "x"},
        format="json",
    )
    assert len(api_client_for(s.partner_member).get(f"{BASE}updates/").json()["results"]) == 1
    assert len(api_client_for(s.coordinator).get(f"{BASE}updates/").json()["results"]) == 1
    assert api_client_for(s.other_member).get(f"{BASE}updates/").json()["results"] == []


def test_coordinator_posts_indicator_values(api_client_for, situation):
    s = situation
    url = f"{BASE}indicators/{s.indicator.pk}/values/"
    assert (
        api_client_for(s.lead_member)
        .post(url, {"date": "2025-01-01", "value": "3"}, format="json")
        .status_code
        == 403
    )
    response = api_client_for(s.coordinator).post(
        url, {"date": "2025-01-01", "value": "3"}, format="json"
    )
    assert response.status_code == 201 and response.json()["source"] == "manual"
    bad = api_client_for(s.coordinator).post(url, {"date": "soon"}, format="json")
    assert bad.status_code == 400 and "date" in str(bad.json()) and "value" in str(bad.json())
    detail = api_client_for(s.lead_member).get(f"{BASE}indicators/{s.indicator.pk}/").json()
    assert [v["value"] for v in detail["values"]] == ["3.00"]


def test_schema_lists_the_plan_endpoints(api_client_for, administrator):
    response = api_client_for(administrator).get("/api/v1/schema/")
    text = response.content.decode()
    assert "/api/v1/plans/updates/{id}/review/" in text
    assert "/api/v1/plans/indicators/{id}/values/" in text
