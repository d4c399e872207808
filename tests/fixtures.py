"""Fixtures named after the situations people are in."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories


@pytest.fixture(autouse=True)
def _hermetic(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "protected-files"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def signed_in():
    """``signed_in(user)`` returns a client whose session passed both factors."""

    def _signed_in(user) -> Client:
        client = Client()
        client.force_login(user, backend="balise.accounts.backends.EmailBackend")
        session = client.session
        session["mfa_verified"] = True
        session.save()
        return client

    return _signed_in


@pytest.fixture
def administrator(db):
    return factories.administrator()


@pytest.fixture
def police_referrer(db):
    return factories.referrer_at_police_unit()


@pytest.fixture
def api_client_for():
    """``api_client_for(user)`` returns a DRF client with a fresh personal token."""
    from rest_framework.test import APIClient

    from balise.api.services import api_token_create

    def _client(user) -> APIClient:
        _, raw = api_token_create(acting_user=user, name="test")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client

    return _client
