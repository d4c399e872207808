import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read English wording; French and Arabic are checked in the browser test."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
