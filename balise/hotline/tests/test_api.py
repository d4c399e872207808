"""/api/v1/hotline/calls/: allowed for the hotline's operators, denied to everyone else."""

from __future__ import annotations

import pytest

from balise.hotline.enums import CallStatus
from balise.hotline.models import Call
from balise.hotline.tests import factories as hf
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/hotline/calls/"
PAYLOAD = {
    "received_at": "2026-01-05T10:00:00Z",
    "duration_minutes": 9,
    "language": "fr",
    "caller_type": "professional",
    "situation_type": "suspected_trafficking",
    "exploitation_forms": ["sexual"],
    "region": "Bretagne",
    "urgency": "urgent",
    "advice_given": ["police"],
    "notes": "Hotel night porter; a minor seen with older men.",
}


def test_operator_logs_lists_reads_and_closes(api_client_for):
    operator = hf.hotline_operator()
    api = api_client_for(operator)
    created = api.post(URL, PAYLOAD, format="json")
    assert created.status_code == 201, created.content
    call_id = created.json()["id"]
    listing = api.get(URL).json()
    assert [c["id"] for c in listing["results"]] == [call_id]
    assert "notes" not in listing["results"][0]
    detail = api.get(f"{URL}{call_id}/").json()
    assert detail["notes"].startswith("Hotel night porter")
    patched = api.patch(f"{URL}{call_id}/", {"region": "Normandie"}, format="json")
    assert patched.status_code == 200 and patched.json()["region"] == "Normandie"
    closed = api.post(f"{URL}{call_id}/transition/", {"event": "close_with_advice"}, format="json")
    assert closed.status_code == 200
    assert Call.objects.get().status == CallStatus.CLOSED_WITH_ADVICE
    again = api.post(f"{URL}{call_id}/transition/", {"event": "close"}, format="json")
    assert again.status_code == 409


def test_validation_errors_name_each_field(api_client_for):
    api = api_client_for(hf.hotline_operator())
    bad = dict(PAYLOAD, caller_type="alien", exploitation_forms=["x"], duration_minutes=-1)
    bad.pop("urgency")
    response = api.post(URL, bad, format="json")
    assert response.status_code == 400
    assert {"caller_type", "exploitation_forms", "duration_minutes", "urgency"} <= set(
        response.json()
    )
    assert not Call.objects.exists()


def test_operator_of_another_hotline_gets_404(api_client_for):
    foreign = hf.call_logged_by(hf.hotline_operator())
    api = api_client_for(hf.hotline_operator())
    assert api.get(f"{URL}{foreign.pk}/").status_code == 404
    assert api.patch(f"{URL}{foreign.pk}/", {"region": "X"}, format="json").status_code == 404
    response = api.post(f"{URL}{foreign.pk}/transition/", {"event": "close"}, format="json")
    assert response.status_code == 404
    assert api.get(URL).json()["results"] == []


@pytest.mark.parametrize(
    "make_user",
    [factories.referrer_at_police_unit, factories.case_officer, factories.shelter_support_worker],
)
def test_other_roles_are_denied(api_client_for, make_user):
    call = hf.call_logged_by(hf.hotline_operator())
    api = api_client_for(make_user())
    assert api.get(URL).status_code == 403
    assert api.get(f"{URL}{call.pk}/").status_code == 403
    assert api.post(URL, PAYLOAD, format="json").status_code == 403


def test_no_token_no_access(client):
    assert client.get(URL).status_code in (401, 403)
