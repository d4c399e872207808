"""Observatory services: refresh the projection, assemble, review, publish and correct
releases. Every change is audited inside its transaction."""

from __future__ import annotations

import dataclasses
import io
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from balise.audit.enums import AuditAction
from balise.audit.services import audit_record
from balise.core.crypto import blind_index

from .contributors import ProjectionBuilder, active_contributors
from .enums import ObservatoryAction, ReleaseStatus
from .lifecycle import RELEASE
from .models import PersonCellKey, ProjectionRefresh, Release
from .permissions import is_statistician
from .statistics.audit import AuditError, audit_release
from .statistics.config import DisclosureConfig
from .statistics.disclosure import DisclosureError
from .statistics.release import ReleasedCell, ReleasedTable, build_release
from .statistics.schema import PROJECTION_SCHEMA, new_cell_key, validate_projection
from .statistics.tables import ReleaseContext, TableSpec, dimensions, standard_tables


def disclosure_config() -> DisclosureConfig:
    """The deployment's disclosure-control rules (``BALISE_DISCLOSURE_CONTROL`` overrides)."""
    overrides = dict(getattr(settings, "BALISE_DISCLOSURE_CONTROL", {}) or {})
    overrides.setdefault(
        "reporting_country", getattr(settings, "BALISE_OBSERVATORY_REPORTING_COUNTRY", "FRA")
    )
    return DisclosureConfig(**overrides)


def release_specs() -> list[TableSpec]:
    """The standard tables, or the subset named in ``BALISE_OBSERVATORY_TABLES``."""
    names = getattr(settings, "BALISE_OBSERVATORY_TABLES", None)
    specs = standard_tables()
    return [s for s in specs if s.name in names] if names else specs


CELL_KEY_PURPOSE = "observatory_cell_key"


def person_cell_keys(person_keys: list[str]) -> dict[str, int]:
    """Each person's fixed cell key: the stored one, or a new one drawn and stored now.

    Stored under a keyed hash of the person key, never the key itself. Two refreshes running
    at once may draw for the same new person: the first stored key wins for both."""
    subjects = {key: blind_index(key, purpose=CELL_KEY_PURPOSE) for key in person_keys}
    known = dict(PersonCellKey.objects.values_list("subject", "cell_key").iterator(10_000))
    missing = sorted(set(subjects.values()) - set(known))
    if missing:
        PersonCellKey.objects.bulk_create(
            [PersonCellKey(subject=s, cell_key=new_cell_key()) for s in missing],
            batch_size=1000,
            ignore_conflicts=True,
        )
        for start in range(0, len(missing), 500):
            known.update(
                PersonCellKey.objects.filter(subject__in=missing[start : start + 500]).values_list(
                    "subject", "cell_key"
                )
            )
    return {key: known[subject] for key, subject in subjects.items()}


def refresh_projection(*, actor: Any = None) -> ProjectionRefresh:
    """Rebuild the pseudonymised projection from every installed source app and store it.

    Pseudonyms are fresh at every refresh; cell keys are each person's fixed key."""
    builder = ProjectionBuilder()
    used = []
    for contributor in active_contributors():
        contributor.function(builder)
        used.append(contributor.name)
    cell_keys = person_cell_keys(builder.person_keys())
    table = validate_projection(
        pa.Table.from_pylist(builder.records(cell_keys), schema=PROJECTION_SCHEMA)
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    years = sorted({int(y) for y in pc.unique(table["year"]).to_pylist()})
    with transaction.atomic():
        refresh = ProjectionRefresh.objects.create(
            started_by=actor if getattr(actor, "pk", None) else None,
            rows=table.num_rows,
            years=years,
            contributors=used,
            data=buffer.getvalue(),
        )
        audit_record(
            actor=actor,
            action=ObservatoryAction.REFRESH,
            obj=refresh,
            details={"rows": table.num_rows, "years": years, "contributors": used},
        )
    return refresh


def latest_refresh() -> ProjectionRefresh | None:
    return ProjectionRefresh.objects.order_by("-created_at").first()


def _serialise_table(table: Any) -> dict[str, Any]:
    return {
        "name": table.name,
        "title": str(table.title),
        "unit": str(table.unit),
        "population": table.population,
        "dimensions": [
            {
                "name": d.name,
                "label": str(d.label),
                "categories": list(d.categories),
                "groups": [[g, list(m)] for g, m in d.groups],
            }
            for d in table.dimensions
        ],
        "multi": any(d.multi for d in table.dimensions),
        "cells": [[list(c.coords), c.status, c.value, c.display, c.percent] for c in table.cells],
    }


def _restrict(projection: pa.Table, area: str) -> pa.Table:
    if area == "national":
        return projection
    return projection.filter(pc.equal(projection["region"], area))


def _check_statistician(actor: Any) -> None:
    if not is_statistician(actor):
        raise PermissionDenied


def create_release(
    *,
    actor: Any,
    year: int,
    quarter: int | None = None,
    area: str = "national",
    refresh: ProjectionRefresh | None = None,
    previous: Release | None = None,
    correction_note: str = "",
) -> Release:
    """Assemble every standard table of the period into a draft release."""
    _check_statistician(actor)
    refresh = refresh or latest_refresh()
    if refresh is None:
        raise ValidationError(_("Refresh the statistics before assembling a release."))
    config = disclosure_config()
    projection = _restrict(refresh.projection(), area)
    try:
        with translation.override("en"):
            built = build_release(
                projection, config, year=year, quarter=quarter, area=area, specs=release_specs()
            )
            tables = [_serialise_table(t) for t in built.tables]
            delays = [
                {"name": d.name, "title": str(d.title), "unit": str(d.unit), "rows": d.rows}
                for d in built.delays
            ]
            parameters = built.parameters()
    except DisclosureError as exc:
        raise ValidationError(_("The release failed its disclosure audit.")) from exc
    parameters["context"] = dataclasses.asdict(built.context)
    with transaction.atomic():
        latest = Release.objects.filter(year=year, quarter=quarter, area=area).aggregate(
            Max("version")
        )["version__max"]
        release = Release.objects.create(
            year=year,
            quarter=quarter,
            area=area,
            version=(latest or 0) + 1,
            previous=previous,
            correction_note=correction_note,
            refresh=refresh,
            disclosure_config=config.as_dict(),
            audit_report=built.audit.as_dict(),
            parameters=parameters,
            tables=tables,
            delays=delays,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action=ObservatoryAction.RELEASE_CREATE,
            obj=release,
            details={"period": release.period, "area": area, "version": release.version},
        )
    return release


def stored_config(release: Release) -> DisclosureConfig:
    values = {k: v for k, v in release.disclosure_config.items() if k != "rules_version"}
    return DisclosureConfig(**values)


def released_tables(release: Release) -> list[ReleasedTable]:
    """The stored tables rebuilt as library objects, so that they can be audited again."""
    context = ReleaseContext(
        **{k: tuple(v) for k, v in release.parameters.get("context", {}).items()}
    )
    dims = dimensions(context)
    out = []
    for table in release.tables:
        resolved = tuple(
            dataclasses.replace(
                dims[d["name"]],
                categories=tuple(d["categories"]),
                groups=tuple((g, tuple(m)) for g, m in d.get("groups", [])),
            )
            for d in table["dimensions"]
        )
        cells = [
            ReleasedCell(tuple(coords), status, value, display, percent)
            for coords, status, value, display, percent in table["cells"]
        ]
        out.append(
            ReleasedTable(
                table["name"], table["title"], table["unit"], table["population"], resolved, cells
            )
        )
    return out


def review_release(release: Release, *, actor: Any, reason: str = "") -> Release:
    """A second statistician checks the draft; its author may not review it."""
    _check_statistician(actor)
    if release.created_by_id == actor.pk:
        raise PermissionDenied(_("Another statistician must review this release."))
    with transaction.atomic():
        release.reviewed_by = actor
        RELEASE.apply(
            release, "review", actor=actor, reason=reason, extra_update_fields=["reviewed_by"]
        )
        audit_record(
            actor=actor, action=AuditAction.TRANSITION, obj=release, details={"event": "review"}
        )
    return release


def publish_release(release: Release, *, actor: Any) -> Release:
    """Publish a reviewed release after auditing its stored tables again."""
    _check_statistician(actor)
    try:
        passed = audit_release(released_tables(release), stored_config(release)).passed
    except AuditError:  # figures that contradict each other
        passed = False
    if not passed or not release.audit_report.get("passed"):
        raise ValidationError(_("Publication refused: the disclosure audit does not pass."))
    with transaction.atomic():
        release.published_at = timezone.now()
        RELEASE.apply(release, "publish", actor=actor, extra_update_fields=["published_at"])
        if release.previous is not None and release.previous.status == ReleaseStatus.PUBLISHED:
            RELEASE.apply(
                release.previous, "supersede", actor=actor, reason=release.correction_note
            )
        audit_record(
            actor=actor,
            action=AuditAction.TRANSITION,
            obj=release,
            details={"event": "publish", "version": release.version},
        )
    return release


def correct_release(release: Release, *, actor: Any, note: str) -> Release:
    """A correction of a published release: a new draft version, from the latest refresh."""
    if release.status != ReleaseStatus.PUBLISHED:
        raise ValidationError(_("Only the published version of a release can be corrected."))
    if not note.strip():
        raise ValidationError(_("Say what the correction changes."))
    if Release.objects.filter(previous=release).exists():
        raise ValidationError(_("A correction of this release already exists."))
    return create_release(
        actor=actor,
        year=release.year,
        quarter=release.quarter,
        area=release.area,
        previous=release,
        correction_note=note.strip(),
    )
