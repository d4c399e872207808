import os

import django
from django.conf import settings

# The library needs no settings; labels are rendered in a few tests. When the project's
# settings are not in use, configure the bare minimum for translation.
if not os.environ.get("DJANGO_SETTINGS_MODULE") and not settings.configured:
    settings.configure(USE_I18N=True, LANGUAGE_CODE="en", INSTALLED_APPS=[])
    django.setup()


import pytest  # noqa: E402
from django.utils import translation  # noqa: E402


@pytest.fixture(autouse=True)
def _english():
    """Assertions read the English notes; the app's locale now translates them."""
    with translation.override("en"):
        yield
