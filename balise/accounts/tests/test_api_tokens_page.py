import datetime

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from balise.api.models import ApiToken
from balise.audit.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db


def _create(client, name="Script de rapprochement", days=90):
    return client.post(reverse("accounts:token_create"), {"name": name, "days": days})


def test_token_is_shown_once_then_works_then_is_revoked(signed_in, police_referrer):
    client = signed_in(police_referrer)
    response = _create(client)
    assert response.status_code == 200
    raw = response.context["new_token"]
    assert raw.startswith("bal_") and raw in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=police_referrer)
    assert token.name == "Script de rapprochement" and raw not in token.token_hash
    assert token.expires_at.date() == (token.created_at + datetime.timedelta(days=90)).date()

    page = client.get(reverse("accounts:security")).content.decode()
    assert raw not in page  # never shown again
    assert "Script de rapprochement" in page and token.prefix in page

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/me/").status_code == 200

    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api.get("/api/v1/me/").status_code == 401
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"token_created", "token_revoked"} <= actions


def test_token_expires(signed_in, police_referrer):
    with time_machine.travel(datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC), tick=False):
        raw = _create(signed_in(police_referrer), days=30).context["new_token"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    # 2026-02-01 + 30 days = 2026-03-03.
    with time_machine.travel(datetime.datetime(2026, 3, 2, 23, tzinfo=datetime.UTC), tick=False):
        assert api.get("/api/v1/me/").status_code == 200
    with time_machine.travel(datetime.datetime(2026, 3, 3, 1, tzinfo=datetime.UTC), tick=False):
        assert api.get("/api/v1/me/").status_code == 401


def test_invalid_token_form_names_the_faulty_fields(signed_in, police_referrer):
    response = signed_in(police_referrer).post(
        reverse("accounts:token_create"), {"name": "", "days": "7"}
    )
    assert response.status_code == 400
    assert set(response.context["token_form"].errors) == {"name", "days"}
    assert not ApiToken.objects.exists()


def test_nobody_revokes_someone_elses_token(signed_in, police_referrer):
    other = factories.referrer_at_association()
    _create(signed_in(other))
    token = ApiToken.objects.get(user=other)
    response = signed_in(police_referrer).post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_security_page_lists_only_own_tokens(signed_in, police_referrer):
    other = factories.referrer_at_association()
    _create(signed_in(other), name="Jeton de quelqu'un d'autre")
    page = signed_in(police_referrer).get(reverse("accounts:security")).content.decode()
    assert "quelqu" not in page


def test_anonymous_visitor_cannot_create_tokens(client):
    response = _create(client)
    assert response.status_code == 302 and not ApiToken.objects.exists()
