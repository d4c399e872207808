import datetime

import pytest

from balise.accounts.enums import Role
from balise.organisations.enums import OrganisationKind
from balise.referrals.models import Referral
from balise.referrals.tests import factories as rf
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/referrals/"


def payload(**overrides):
    data = rf.adult_referral_data(**overrides)
    out = {}
    for key, value in data.items():
        if isinstance(value, datetime.datetime):
            value = value.isoformat(timespec="minutes")
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        out[key] = value
    return out


def test_create_and_submit_in_one_call_with_idempotency_key(api_client_for):
    user = factories.referrer_at_association()
    api = api_client_for(user)
    body = {**payload(), "submit": True}
    r = api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="partner-123")
    assert r.status_code == 201, r.json()
    data = r.json()
    assert data["status"] == "submitted"
    assert data["channel"] == "api"
    assert data["reference"].startswith("BAL-")
    assert data["screening"]["points_to_trafficking"] is True
    # A network retry with the same key returns the same referral, creates nothing.
    again = api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="partner-123")
    assert again.status_code == 200
    assert again.json()["id"] == data["id"]
    assert Referral.objects.count() == 1
    # The same key with another body is refused.
    other = api.post(
        URL, {**body, "given_names": "Else"}, format="json", HTTP_IDEMPOTENCY_KEY="partner-123"
    )
    assert other.status_code == 422
    assert "Idempotency-Key" in other.json()


def test_draft_then_patch_then_submit(api_client_for):
    user = factories.referrer_at_association()
    api = api_client_for(user)
    r = api.post(URL, {"given_names": "Sara"}, format="json")
    assert r.status_code == 201
    rid = r.json()["id"]
    assert r.json()["draft"] == {"given_names": "Sara"}
    r = api.post(f"{URL}{rid}/submit/", format="json")
    assert r.status_code == 400
    errors = r.json()
    assert "consent_status" in errors and "exploitation_forms" in errors
    r = api.patch(f"{URL}{rid}/", payload(given_names="Sara"), format="json")
    assert r.status_code == 200
    r = api.post(f"{URL}{rid}/submit/", format="json")
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    r = api.post(f"{URL}{rid}/submit/", format="json")
    assert r.status_code == 200  # idempotent
    detail = api.get(f"{URL}{rid}/").json()
    assert detail["person"]["given_names"] == "Sara"
    assert detail["draft"] is None


def test_validation_errors_name_each_faulty_field(api_client_for):
    api = api_client_for(factories.referrer_at_association())
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    r = api.post(
        URL,
        {
            "birth_date": future,
            "family_name": "A\u202eB",
            "narrative": "<script>alert(1)</script>",
            "exploitation_forms": ["not-a-form"],
            "exploitation_start": "2024-13-45",
            "gender": "???",
            "nationalities": [{"x": 1}],
        },
        format="json",
    )
    assert r.status_code == 400
    errors = r.json()
    assert set(errors) == {
        "birth_date",
        "family_name",
        "narrative",
        "exploitation_forms",
        "exploitation_start",
        "gender",
        "nationalities",
    }
    assert Referral.objects.count() == 0


def test_malformed_json_and_invalid_utf8_are_400(api_client_for):
    api = api_client_for(factories.referrer_at_association())
    r = api.post(URL, b'{"given_names": "\xff\xfe"}', content_type="application/json")
    assert r.status_code == 400
    r = api.post(URL, b"[1, 2", content_type="application/json")
    assert r.status_code == 400
    r = api.post(URL, [1, 2], format="json")
    assert r.status_code == 400


def test_huge_text_is_refused_on_the_field(api_client_for):
    api = api_client_for(factories.referrer_at_association())
    r = api.post(URL, {"narrative": "x" * 60_000}, format="json")
    assert r.status_code == 400
    assert "narrative" in r.json()


def test_unaccredited_organisation_cannot_submit(api_client_for):
    org = factories.organisation(OrganisationKind.NGO, accredited=False)
    api = api_client_for(factories.member(org, Role.REFERRER))
    r = api.post(URL, payload(), format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 403
    assert "not accredited" in r.json()["detail"]


def test_list_is_scoped_and_others_get_404(api_client_for):
    mine = rf.submitted(factories.referrer_at_association())
    theirs = rf.submitted(factories.referrer_at_police_unit())
    api = api_client_for(mine.referrer)
    listed = [r["id"] for r in api.get(URL).json()["results"]]
    assert listed == [str(mine.pk)]
    assert api.get(f"{URL}{theirs.pk}/").status_code == 404
    assert api.post(f"{URL}{theirs.pk}/submit/").status_code == 404
    assert api.patch(f"{URL}{theirs.pk}/", {"given_names": "x"}, format="json").status_code == 404
    officer = api_client_for(factories.case_officer())
    ids = {r["id"] for r in officer.get(URL).json()["results"]}
    assert ids == {str(mine.pk), str(theirs.pk)}
    stats = api_client_for(factories.statistician())
    assert stats.get(URL).json()["results"] == []
    assert stats.get(f"{URL}{mine.pk}/").status_code == 404
    assert stats.post(URL, payload(), format="json").status_code == 403


def test_anonymous_api_call_is_refused(client):
    assert client.get(URL).status_code in (401, 403)


def test_schema_describes_referrals(api_client_for):
    api = api_client_for(factories.referrer_at_association())
    r = api.get("/api/v1/schema/")
    assert r.status_code == 200
    assert b"/api/v1/referrals/" in r.content


def test_create_with_submit_and_bad_fields_creates_nothing(api_client_for):
    api = api_client_for(factories.referrer_at_association())
    body = {**payload(exploitation_start="2999-01-01", consent_status=""), "submit": True}
    r = api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-bad")
    assert r.status_code == 400
    assert set(r.json()) == {"exploitation_start", "consent_status"}
    assert Referral.objects.count() == 0
    # The key can be used again once the body is corrected.
    r = api.post(URL, {**payload(), "submit": True}, format="json", HTTP_IDEMPOTENCY_KEY="k-bad")
    assert r.status_code == 201
