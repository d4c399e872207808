"""Observatory services: refresh the projection, assemble, review, publish and correct
releases. Every change is audited inside its transaction."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import logging
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from balise.audit.enums import AuditAction
from balise.audit.models import AuditEntry
from balise.audit.services import audit_record
from balise.core.crypto import blind_index
from balise.core.state_machine import TransitionNotAllowed
from balise.core.tasks import enqueue_with_change
from balise.jurisdictions.profiles import get_profile

from .contributors import ProjectionBuilder, active_contributors
from .enums import (
    ACTIVE_ASSEMBLY,
    AssemblyError,
    AssemblyStatus,
    ObservatoryAction,
    ReleaseStatus,
)
from .lifecycle import ASSEMBLY, RELEASE
from .models import PersonCellKey, ProjectionRefresh, Release, ReleaseAssembly, period_code
from .permissions import is_statistician
from .statistics.audit import AuditError, audit_release
from .statistics.config import DisclosureConfig
from .statistics.disclosure import DisclosureError
from .statistics.release import Progress, ReleasedCell, ReleasedTable, build_release
from .statistics.schema import PROJECTION_SCHEMA, new_cell_key, validate_projection
from .statistics.tables import ReleaseContext, TableSpec, dimensions, standard_tables

logger = logging.getLogger(__name__)


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


def _cell_key_subject(person_key: str) -> str:
    return blind_index(person_key, purpose=CELL_KEY_PURPOSE)


def purged_cell_key_subjects() -> set[str]:
    """The cell-key subjects of the persons purged by the retention rule (their purge is in
    the audit log), except those still shared with a person not purged (linkage)."""
    from django.apps import apps

    from .contributors import person_key_for

    purged = set(
        AuditEntry.objects.filter(
            action=AuditAction.PURGE, object_type="persons.person"
        ).values_list("object_id", flat=True)
    )
    if not purged:
        return set()
    subjects = {_cell_key_subject(person_key_for(p)) for p in purged}
    if apps.is_installed("balise.persons"):
        person = apps.get_model("persons", "Person")
        others = person.objects.exclude(pk__in=purged).values_list("pk", flat=True)
        subjects -= {_cell_key_subject(person_key_for(p)) for p in others.iterator(10_000)}
    return subjects


def prune_cell_keys(*, actor: Any = None) -> int:
    """Delete the cell keys of persons purged by the retention rule; return how many.

    A kept key would tie the purged person's statistical rows to a stored pseudonymous
    record. The refresh then gives such persons a key of its own at each run, never stored
    (``person_cell_keys``). Audited (counts only)."""
    subjects = sorted(purged_cell_key_subjects())
    deleted = 0
    with transaction.atomic():
        for start in range(0, len(subjects), 500):
            deleted += PersonCellKey.objects.filter(
                subject__in=subjects[start : start + 500]
            ).delete()[0]
        if deleted:
            audit_record(
                actor=actor,
                action=ObservatoryAction.PRUNE_CELL_KEYS,
                object_type="observatory.personcellkey",
                details={"deleted": deleted},
            )
    return deleted


def person_cell_keys(person_keys: list[str]) -> dict[str, int]:
    """Each person's fixed cell key: the stored one, or a new one drawn and stored now.

    Stored under a keyed hash of the person key, never the key itself. Two refreshes running
    at once may draw for the same new person: the first stored key wins for both. A person
    purged by the retention rule gets a key drawn for this refresh only, never stored."""
    subjects = {key: _cell_key_subject(key) for key in person_keys}
    purged = purged_cell_key_subjects()
    known = dict(PersonCellKey.objects.values_list("subject", "cell_key").iterator(10_000))
    for subject in purged & set(known):
        del known[subject]
    known.update({s: new_cell_key() for s in purged & set(subjects.values())})
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


def refresh_regions(refresh: ProjectionRefresh | None) -> list[str]:
    """The regions a refresh has persons in (the areas a release may be assembled for)."""
    if refresh is None:
        return []
    return sorted(pc.unique(refresh.projection()["region"]).to_pylist())


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
    progress: Progress | None = None,
    assembly: ReleaseAssembly | None = None,
) -> Release:
    """Assemble every standard table of the period into a draft release.

    Runs in the background through ``request_release_assembly``; ``progress`` receives the
    library's progress, and ``assembly`` succeeds in the transaction that stores the release."""
    _check_statistician(actor)
    refresh = refresh or latest_refresh()
    if refresh is None:
        raise ValidationError(_("Refresh the statistics before assembling a release."))
    config = disclosure_config()
    projection = _restrict(refresh.projection(), area)
    try:
        with translation.override("en"):
            built = build_release(
                projection,
                config,
                year=year,
                quarter=quarter,
                area=area,
                specs=release_specs(),
                progress=progress,
                areas=get_profile().region_areas(),
            )
            tables = [_serialise_table(t) for t in built.tables]
            delays = [
                {"name": d.name, "title": str(d.title), "unit": str(d.unit), "rows": d.rows}
                for d in built.delays
            ]
            parameters = built.parameters()
    except DisclosureError as exc:
        raise ValidationError(
            _("The release failed its disclosure audit."), code=AssemblyError.AUDIT_FAILED
        ) from exc
    parameters["context"] = dataclasses.asdict(built.context)
    if progress is not None:
        progress(1.0, "saving")
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
        if assembly is not None:
            assembly.release = release
            assembly.progress, assembly.step = 100, "done"
            assembly.finished_at = assembly.updated_at = timezone.now()
            ASSEMBLY.apply(
                assembly,
                "succeed",
                actor=None,
                extra_update_fields=["release", "progress", "step", "finished_at", "updated_at"],
            )
    return release


# Assembly in the background -----------------------------------------------------------------


def _stale_before() -> Any:
    minutes = int(getattr(settings, "BALISE_OBSERVATORY_ASSEMBLY_STALE_MINUTES", 60))
    return timezone.now() - dt.timedelta(minutes=minutes)


def _fail_assembly(assembly: ReleaseAssembly, error: str) -> ReleaseAssembly:
    """Record why an assembly failed. Nothing of its release was stored."""
    with transaction.atomic():
        assembly.error = error
        assembly.finished_at = assembly.updated_at = timezone.now()
        ASSEMBLY.apply(
            assembly,
            "fail",
            actor=None,
            reason=error,
            extra_update_fields=["error", "finished_at", "updated_at"],
        )
        audit_record(
            actor=None,
            action=ObservatoryAction.ASSEMBLY_FAILED,
            obj=assembly,
            details={"error": error, "period": assembly.period, "area": assembly.area},
        )
    return assembly


def fail_stale_assemblies() -> int:
    """Assemblies without progress for too long (worker stopped): failed, so that they can be
    asked for again. Returns how many."""
    stale = ReleaseAssembly.objects.filter(
        status__in=ACTIVE_ASSEMBLY, updated_at__lt=_stale_before()
    )
    count = 0
    for assembly in stale:
        try:
            _fail_assembly(assembly, AssemblyError.INTERRUPTED)
        except TransitionNotAllowed:
            continue  # finished meanwhile
        count += 1
    return count


def request_release_assembly(
    *,
    actor: Any,
    year: int,
    quarter: int | None = None,
    area: str = "national",
    previous: Release | None = None,
    correction_note: str = "",
    request_id: Any = None,
) -> ReleaseAssembly:
    """Ask for a release to be assembled in the background; returns its assembly.

    Idempotent: the same ``request_id`` (a resubmitted form) returns its first assembly, and
    while an assembly of the same period and area is queued or running, it is returned instead
    of starting another one."""
    _check_statistician(actor)
    found = None
    if request_id is not None:
        found = ReleaseAssembly.objects.filter(request_id=request_id).first()
        if found is not None and found.requested_by_id == actor.pk:
            return found
    refresh = latest_refresh()
    if refresh is None:
        raise ValidationError(_("Refresh the statistics before assembling a release."))
    if area != "national" and area not in refresh_regions(refresh):
        raise ValidationError(_("This area has no statistics in the latest refresh."))
    fail_stale_assemblies()
    fields: dict[str, Any] = {
        "year": year,
        "quarter": quarter,
        "area": area,
        "previous": previous,
        "correction_note": correction_note,
        "refresh": refresh,
        "requested_by": actor,
    }
    if request_id is not None and found is None:
        fields["request_id"] = request_id
    try:
        with transaction.atomic():
            assembly = ReleaseAssembly.objects.create(**fields)
            audit_record(
                actor=actor,
                action=ObservatoryAction.ASSEMBLY_REQUEST,
                obj=assembly,
                details={"period": assembly.period, "area": area, "correction": bool(previous)},
            )
            _enqueue_assembly(str(assembly.pk))
    except IntegrityError:
        active = ReleaseAssembly.objects.filter(
            period_code=period_code(year, quarter), area=area, status__in=ACTIVE_ASSEMBLY
        ).first()
        if active is None:
            raise
        return active
    return assembly


def _enqueue_assembly(assembly_id: str) -> None:
    """Queue the assembly's task with the request that records it (never lost after commit,
    never run for a request rolled back)."""
    from balise.observatory.tasks import assemble_release_task

    enqueue_with_change(assemble_release_task, assembly_id)


def request_correction(
    release: Release, *, actor: Any, note: str, request_id: Any = None
) -> ReleaseAssembly:
    """Ask for a correction of a published release: a new draft version, assembled in the
    background from the latest refresh."""
    _check_correction(release, note)
    return request_release_assembly(
        actor=actor,
        year=release.year,
        quarter=release.quarter,
        area=release.area,
        previous=release,
        correction_note=note.strip(),
        request_id=request_id,
    )


def run_release_assembly(assembly_id: Any) -> ReleaseAssembly | None:
    """Assemble the release of a queued assembly (the background task), reporting progress.

    An assembly is run once: a task delivered twice, or a second worker, finds it started and
    does nothing. On failure the assembly records why and no release exists."""
    assembly = ReleaseAssembly.objects.select_related("requested_by", "previous", "refresh")
    assembly = assembly.filter(pk=assembly_id).first()
    if assembly is None or assembly.status != AssemblyStatus.QUEUED:
        return assembly
    try:
        assembly.started_at = assembly.updated_at = timezone.now()
        assembly.step = "counting"
        ASSEMBLY.apply(
            assembly, "start", actor=None, extra_update_fields=["started_at", "updated_at", "step"]
        )
    except TransitionNotAllowed:
        return assembly

    def progress(fraction: float, step: str) -> None:
        ReleaseAssembly.objects.filter(pk=assembly.pk).update(
            progress=min(99, int(100 * fraction)), step=step[:64], updated_at=timezone.now()
        )

    try:
        if assembly.previous is not None:
            _check_correction(assembly.previous, assembly.correction_note)
        create_release(
            actor=assembly.requested_by,
            year=assembly.year,
            quarter=assembly.quarter,
            area=assembly.area,
            refresh=assembly.refresh,
            previous=assembly.previous,
            correction_note=assembly.correction_note,
            progress=progress,
            assembly=assembly,
        )
    except PermissionDenied:
        return _fail_assembly(assembly, AssemblyError.NOT_ALLOWED)
    except ValidationError as exc:
        codes = {e.code for e in exc.error_list}
        known = {AssemblyError.AUDIT_FAILED, AssemblyError.CORRECTION_EXISTS}
        return _fail_assembly(assembly, (codes & known or {AssemblyError.UNEXPECTED}).pop())
    except Exception:
        logger.exception("release assembly %s failed", assembly.pk)
        return _fail_assembly(assembly, AssemblyError.UNEXPECTED)
    assembly.refresh_from_db()
    return assembly


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


def _check_correction(release: Release, note: str) -> None:
    if release.status != ReleaseStatus.PUBLISHED:
        raise ValidationError(_("Only the published version of a release can be corrected."))
    if not note.strip():
        raise ValidationError(_("Say what the correction changes."))
    if Release.objects.filter(previous=release).exists():
        raise ValidationError(
            _("A correction of this release already exists."),
            code=AssemblyError.CORRECTION_EXISTS,
        )


def correct_release(release: Release, *, actor: Any, note: str) -> Release:
    """A correction of a published release, assembled at once: a new draft version from the
    latest refresh (the pages ask for it in the background, ``request_correction``)."""
    _check_correction(release, note)
    return create_release(
        actor=actor,
        year=release.year,
        quarter=release.quarter,
        area=release.area,
        previous=release,
        correction_note=note.strip(),
    )
