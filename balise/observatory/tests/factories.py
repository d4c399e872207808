"""Observatory situations: a refresh built from a synthetic projection, releases in each state."""

from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.parquet as pq

from balise.observatory import services
from balise.observatory.models import ProjectionRefresh, Release
from balise.observatory.statistics.generate import generate_projection
from tests import factories


def refresh_from(table: pa.Table) -> ProjectionRefresh:
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    years = sorted(set(table["year"].to_pylist()))
    return ProjectionRefresh.objects.create(
        rows=table.num_rows, years=years, contributors=["synthetic"], data=buffer.getvalue()
    )


def synthetic_refresh(n: int = 3000, year: int = 2025, seed: int = 1) -> ProjectionRefresh:
    return refresh_from(generate_projection(n, seed=seed, year=year))


def second_statistician(first) -> object:  # noqa: ANN001
    """A colleague in the same observatory."""
    from balise.accounts.enums import Role

    return factories.member(first.primary_organisation(), Role.STATISTICIAN)


def draft_release(author, year: int = 2025, **kw) -> Release:  # noqa: ANN001, ANN003
    return services.create_release(actor=author, year=year, **kw)


def published_release(author, reviewer, year: int = 2025, **kw) -> Release:  # noqa: ANN001, ANN003
    release = draft_release(author, year=year, **kw)
    services.review_release(release, actor=reviewer)
    return services.publish_release(release, actor=reviewer)
