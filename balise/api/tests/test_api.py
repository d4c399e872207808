import pytest
from rest_framework.test import APIClient

from balise.api.models import ApiToken
from balise.api.services import api_token_revoke
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_api_refuses_anonymous_callers():
    response = APIClient().get("/api/v1/me/")
    assert response.status_code == 401


def test_a_token_identifies_its_user(api_client_for, police_referrer):
    response = api_client_for(police_referrer).get("/api/v1/me/")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(police_referrer.pk)
    assert body["memberships"][0]["role"] == "referrer"


def test_only_the_hash_of_a_token_is_stored(police_referrer):
    from balise.api.services import api_token_create

    token, raw = api_token_create(acting_user=police_referrer, name="SI police")
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw not in {stored.token_hash, stored.prefix} and raw.startswith(stored.prefix)


def test_revoked_tokens_and_deactivated_users_are_refused(police_referrer):
    from balise.accounts.services import user_deactivate
    from balise.api.services import api_token_create

    token, raw = api_token_create(acting_user=police_referrer, name="t")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/me/").status_code == 200
    api_token_revoke(acting_user=police_referrer, token=token)
    assert client.get("/api/v1/me/").status_code == 401
    _, raw2 = api_token_create(acting_user=police_referrer, name="t2")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw2}")
    user_deactivate(acting_user=None, user=police_referrer)
    assert client.get("/api/v1/me/").status_code == 401


def test_expired_tokens_and_members_of_suspended_organisations_are_refused(
    police_referrer, administrator
):
    import datetime

    import time_machine
    from django.utils import timezone

    from balise.api.services import api_token_create
    from balise.organisations.services import organisation_transition

    _, raw = api_token_create(acting_user=police_referrer, name="t", days=30)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/me/").status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        assert client.get("/api/v1/me/").status_code == 401
    _, raw2 = api_token_create(acting_user=police_referrer, name="t2")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw2}")
    organisation_transition(
        acting_user=administrator,
        organisation=police_referrer.primary_organisation(),
        event="suspend",
        reason="audit",
    )
    assert client.get("/api/v1/me/").status_code == 401


def test_a_token_call_reads_the_token_and_memberships_in_one_query(
    api_client_for, police_referrer, django_assert_num_queries
):
    client = api_client_for(police_referrer)
    client.get("/api/v1/me/")  # records the token's first use
    with django_assert_num_queries(1):
        assert client.get("/api/v1/me/").status_code == 200


def test_members_see_only_their_organisations_and_administrators_all(
    api_client_for, police_referrer, administrator
):
    other = factories.organisation()
    mine = api_client_for(police_referrer).get("/api/v1/organisations/").json()["results"]
    assert [o["id"] for o in mine] == [str(police_referrer.primary_organisation().pk)]
    response = api_client_for(police_referrer).get(f"/api/v1/organisations/{other.pk}/")
    assert response.status_code == 404
    everything = api_client_for(administrator).get("/api/v1/organisations/?limit=100").json()
    assert str(other.pk) in {o["id"] for o in everything["results"]}


def test_the_openapi_description_is_served_at_a_stable_url():
    response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/me/" in schema["paths"]
    # Partners' software learns how to authenticate from it.
    assert schema["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"
    assert {"bearerToken": []} in schema["paths"]["/api/v1/me/"]["get"]["security"]


def test_api_errors_are_in_the_caller_language(police_referrer):
    response = APIClient().get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 401
    assert "authentification" in response.json()["detail"].lower()


def test_the_api_throttles_each_user(api_client_for, police_referrer, settings):
    from django.core.cache import cache
    from rest_framework.throttling import UserRateThrottle

    cache.clear()
    original = UserRateThrottle.THROTTLE_RATES
    UserRateThrottle.THROTTLE_RATES = {"user": "3/minute"}
    try:
        client = api_client_for(police_referrer)
        codes = [client.get("/api/v1/me/").status_code for _ in range(4)]
    finally:
        UserRateThrottle.THROTTLE_RATES = original
    assert codes == [200, 200, 200, 429]
