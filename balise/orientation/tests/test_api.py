"""The API: directory and places, orientations, placements, support events; denials are 404."""

from __future__ import annotations

import pytest

from balise.accounts.enums import Role
from balise.orientation.tests import factories as f
from tests import factories

pytestmark = pytest.mark.django_db


def test_directory_and_places(api_client_for):
    shelter = f.service(places=3)
    manager = f.staff(shelter, Role.SHELTER_MANAGER)
    officer = api_client_for(factories.case_officer())
    r = officer.get("/api/v1/services/?kind=shelter")
    assert r.status_code == 200
    (row,) = r.json()["results"]
    assert row["places_free"] == 3 and row["updated_at"]
    body = {
        "places_total": 3,
        "places_occupied": 1,
        "places_reserved_quota": 1,
        "places_out_of_service": 0,
    }
    assert (
        officer.put(f"/api/v1/services/{shelter.pk}/places/", body, format="json").status_code
        == 404
    )
    client = api_client_for(manager)
    r = client.put(f"/api/v1/services/{shelter.pk}/places/", body, format="json")
    assert r.status_code == 200 and r.json()["places_free"] == 2
    r = client.put(
        f"/api/v1/services/{shelter.pk}/places/", {**body, "places_total": -1}, format="json"
    )
    assert r.status_code == 400 and "places_total" in str(r.json())
    assert api_client_for(factories.statistician()).get("/api/v1/services/").json()["results"] == []


def test_orientation_lifecycle_over_the_api(api_client_for):
    from balise.referrals.tests.factories import submitted

    officer_user = factories.case_officer()
    referral = submitted(factories.referrer_at_police_unit())
    shelter = f.service(places=1)
    worker = f.staff(shelter)
    officer = api_client_for(officer_user)
    body = {
        "person": str(referral.person_id),
        "referral": str(referral.pk),
        "services": [str(shelter.pk)],
        "need": "shelter",
        "shared_fields": ["age", "given_names"],
        "consent_basis": "consent",
    }
    r = officer.post("/api/v1/orientations/", body, format="json")
    assert r.status_code == 400 and "consent_recorded" in str(r.json())
    r = officer.post(
        "/api/v1/orientations/",
        {**body, "shared_fields": ["narrative"], "consent_recorded": True},
        format="json",
    )
    assert r.status_code == 400 and "shared_fields" in str(r.json())
    r = officer.post("/api/v1/orientations/", {**body, "consent_recorded": True}, format="json")
    assert r.status_code == 201
    oid = r.json()[0]["id"]
    assert r.json()[0]["shared"] is None  # the sender is not the service
    service_client = api_client_for(worker)
    detail = service_client.get(f"/api/v1/orientations/{oid}/").json()
    assert detail["shared"] == {"given_names": "Amina", "age": detail["shared"]["age"]}
    # An outsider cannot accept.
    outsider = api_client_for(f.staff(f.service(city="lyon")))
    assert outsider.post(f"/api/v1/orientations/{oid}/accept/").status_code == 404
    r = service_client.post(f"/api/v1/orientations/{oid}/accept/")
    assert r.status_code == 201 and r.json()["place_held"] is True
    file_id = r.json()["id"]
    assert service_client.post(f"/api/v1/orientations/{oid}/accept/").status_code == 409
    placements = officer.get("/api/v1/placements/").json()["results"]
    assert [p["id"] for p in placements] == [file_id]
    assert outsider.get(f"/api/v1/placements/{file_id}/").status_code == 404
    # Support events: the service records, the authority reads, others do not.
    ev = {"placement": file_id, "support_type": "psychological", "occurred_on": "2026-03-03"}
    assert officer.post("/api/v1/support-events/", ev, format="json").status_code == 404
    assert outsider.post("/api/v1/support-events/", ev, format="json").status_code == 404
    r = service_client.post("/api/v1/support-events/", ev, format="json")
    assert r.status_code == 201
    assert len(officer.get("/api/v1/support-events/").json()["results"]) == 1
    assert outsider.get("/api/v1/support-events/").json()["results"] == []


def test_decline_over_the_api_removes_access(api_client_for):
    officer = factories.case_officer()
    shelter = f.service()
    worker = api_client_for(f.staff(shelter))
    o = f.orientation(officer, f.adult(), shelter)
    r = worker.post(f"/api/v1/orientations/{o.pk}/decline/", {"reason": "other"}, format="json")
    assert r.status_code == 400 and "details" in str(r.json())
    r = worker.post(
        f"/api/v1/orientations/{o.pk}/decline/", {"reason": "out_of_area"}, format="json"
    )
    assert r.status_code == 200 and r.json()["status"] == "declined"
    assert worker.get(f"/api/v1/orientations/{o.pk}/").status_code == 404
    assert (
        api_client_for(officer).get(f"/api/v1/orientations/{o.pk}/").json()["decline_reason"]
        == "out_of_area"
    )
