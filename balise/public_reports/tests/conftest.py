import pytest


@pytest.fixture(autouse=True)
def _light_proof_of_work(settings):
    # Enough to test the mechanism; deployments default to 18 bits.
    settings.BALISE_POW_DIFFICULTY = 8
