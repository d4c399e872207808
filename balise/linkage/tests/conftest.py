"""Fixtures for the linkage tests: the library tests never touch the database; the Django
side (``test_web_*``) gets a model path of its own in a temporary directory."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from balise.linkage import datasets


@pytest.fixture(scope="session")
def linkage_data() -> Path:
    """The shared evaluation data; skipped locally when absent, a failure under CI."""
    path = datasets.data_dir()
    if not (path / "febrl" / "dataset3.csv").is_file():
        message = f"shared linkage data not found in {path} (set BALISE_LINKAGE_DATA)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(autouse=True, scope="session")
def _quiet_splink() -> Iterator[None]:
    logging.getLogger("splink").setLevel(logging.ERROR)
    yield


@pytest.fixture(autouse=True)
def _model_path(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """Never read or write a model outside the test's own directory."""
    if "settings" in request.fixturenames:
        request.getfixturevalue("settings").BALISE_LINKAGE_MODEL_PATH = tmp_path / "model.json"


@pytest.fixture(autouse=True)
def _fresh_register_scorer() -> Iterator[None]:
    """Each test starts with no scorer kept in memory (its database is a new one)."""
    yield
    from balise.linkage.services import register_scorer

    register_scorer.reset()
