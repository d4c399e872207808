import uuid

import pytest
from django.core import mail

from balise.accounts.enums import Role
from balise.accounts.models import Membership, User
from balise.audit.models import AuditEntry
from balise.organisations.enums import OrganisationKind
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_api(api_client_for, administrator):
    return api_client_for(administrator)


@pytest.fixture
def referrer_api(api_client_for, police_referrer):
    return api_client_for(police_referrer)


DENIED = [
    ("get", "/api/v1/users/", None),
    ("post", "/api/v1/users/", {"email": "x@example.invalid", "full_name": "X"}),
    ("get", "/api/v1/memberships/", None),
    ("post", "/api/v1/memberships/", {"role": "referrer"}),
]


@pytest.mark.parametrize(("method", "url", "data"), DENIED)
def test_non_administrators_are_refused(referrer_api, method, url, data):
    response = getattr(referrer_api, method)(url, data, format="json")
    assert response.status_code == 403
    assert not User.objects.filter(email="x@example.invalid").exists()


@pytest.mark.parametrize(("method", "url", "data"), DENIED)
def test_anonymous_callers_are_refused(client, method, url, data):
    from rest_framework.test import APIClient

    response = getattr(APIClient(), method)(url, data, format="json")
    assert response.status_code == 401


def test_non_administrator_cannot_deactivate(referrer_api):
    other = factories.referrer_at_association()
    response = referrer_api.post(
        f"/api/v1/users/{other.pk}/deactivate/", {"reason": "security"}, format="json"
    )
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.is_active


def test_administrator_lists_users_with_memberships(admin_api, police_referrer):
    response = admin_api.get("/api/v1/users/")
    assert response.status_code == 200
    rows = {row["email"]: row for row in response.json()["results"]}
    row = rows[police_referrer.email]
    assert row["memberships"][0]["role"] == Role.REFERRER
    assert row["is_active"] is True
    assert "password" not in row


def test_administrator_creates_a_user_who_gets_an_invitation(admin_api):
    response = admin_api.post(
        "/api/v1/users/",
        {
            "email": "Nouveau@Example.invalid",
            "full_name": "Nouvel Agent",
            "preferred_language": "ar",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    user = User.objects.get(pk=response.json()["id"])
    assert user.email == "nouveau@example.invalid" and not user.has_usable_password()
    assert mail.outbox[0].to == [user.email]
    assert "/accounts/login/set-password/" in mail.outbox[0].body


def test_creation_errors_name_each_faulty_field(admin_api, police_referrer):
    response = admin_api.post(
        "/api/v1/users/",
        {"email": police_referrer.email, "preferred_language": "xx"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) >= {"email", "full_name", "preferred_language"}


def test_administrator_deactivates_and_the_token_of_the_user_stops(
    admin_api, api_client_for, police_referrer
):
    victim_api = api_client_for(police_referrer)
    assert victim_api.get("/api/v1/me/").status_code == 200
    missing = admin_api.post(f"/api/v1/users/{police_referrer.pk}/deactivate/", {}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()
    response = admin_api.post(
        f"/api/v1/users/{police_referrer.pk}/deactivate/", {"reason": "security"}, format="json"
    )
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert victim_api.get("/api/v1/me/").status_code == 401
    assert AuditEntry.objects.filter(
        object_id=str(police_referrer.pk), details__change="deactivated"
    ).exists()
    response = admin_api.post(
        f"/api/v1/users/{police_referrer.pk}/reactivate/", {"reason": "returned"}, format="json"
    )
    assert response.json()["is_active"] is True


def test_administrator_cannot_deactivate_themselves(admin_api, administrator):
    response = admin_api.post(
        f"/api/v1/users/{administrator.pk}/deactivate/", {"reason": "other"}, format="json"
    )
    assert response.status_code == 400
    administrator.refresh_from_db()
    assert administrator.is_active


def test_unknown_user_is_404(admin_api):
    assert admin_api.get(f"/api/v1/users/{uuid.uuid4()}/").status_code == 404


def test_memberships_are_created_listed_and_ended(admin_api, police_referrer):
    shelter = factories.organisation(OrganisationKind.SHELTER)
    response = admin_api.post(
        "/api/v1/memberships/",
        {
            "user": str(police_referrer.pk),
            "organisation": str(shelter.pk),
            "role": "support_worker",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    membership_id = response.json()["id"]
    duplicate = admin_api.post(
        "/api/v1/memberships/",
        {
            "user": str(police_referrer.pk),
            "organisation": str(shelter.pk),
            "role": "support_worker",
        },
        format="json",
    )
    assert duplicate.status_code == 400
    listed = admin_api.get("/api/v1/memberships/", {"user": str(police_referrer.pk)}).json()
    assert {row["role"] for row in listed["results"]} == {"referrer", "support_worker"}
    assert admin_api.get("/api/v1/memberships/", {"user": "nope"}).status_code == 400
    ended = admin_api.post(f"/api/v1/memberships/{membership_id}/end/")
    assert ended.status_code == 200 and ended.json()["is_active"] is False
    assert not Membership.objects.get(pk=membership_id).is_active


def test_membership_errors_name_each_faulty_field(admin_api):
    response = admin_api.post(
        "/api/v1/memberships/", {"user": str(uuid.uuid4()), "role": "pilot"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"user", "organisation", "role"}


def test_endpoints_appear_in_the_openapi_description(admin_api):
    schema = admin_api.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/users/" in schema and "/api/v1/memberships/{id}/end/" in schema
