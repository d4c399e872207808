import pytest

from balise.observatory.tests import factories as obs
from tests import factories


@pytest.fixture
def statistician(db):
    return factories.statistician()


@pytest.fixture
def reviewer(statistician):
    return obs.second_statistician(statistician)


@pytest.fixture(scope="session")
def _synthetic_bytes():
    """The synthetic projection is generated once per session (it is read-only)."""
    import io

    import pyarrow.parquet as pq

    from balise.observatory.statistics.generate import generate_projection

    buffer = io.BytesIO()
    pq.write_table(generate_projection(3000, seed=1, year=2025), buffer)
    return buffer.getvalue()


@pytest.fixture
def synthetic_refresh(db, _synthetic_bytes):
    from balise.observatory.models import ProjectionRefresh

    return ProjectionRefresh.objects.create(
        rows=3000, years=[2025], contributors=["synthetic"], data=_synthetic_bytes
    )


TEST_TABLES = [
    "referred_by_sex",
    "referred_by_minor_and_sex",
    "referred_by_exploitation_form",
    "identified_by_sex",
    "accompanied_by_support",
    "preliminary_decisions",
]


@pytest.fixture(autouse=True)
def _fewer_tables(settings):
    """Every standard table takes tens of seconds; the app's behaviour is the same on a few."""
    settings.BALISE_OBSERVATORY_TABLES = TEST_TABLES
    settings.LANGUAGE_CODE = "en"  # assertions read the English strings
