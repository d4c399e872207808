"""Project-wide test set-up: test settings, hermetic environment, business-situation fixtures."""

import os

os.environ["BALISE_ENV"] = "test"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

pytest_plugins = ["tests.fixtures"]
