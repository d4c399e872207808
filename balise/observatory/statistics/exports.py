"""Writers for released tables (CSV, XLSX, Parquet) and the CTDC 2024 person-level export."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from django.utils.translation import gettext as _g
from openpyxl import Workbook
from openpyxl.styles import Font

from balise.codelists.mappings import CTDC_COLUMNS, ctdc_row

from .release import DelayTable, Release, ReleasedTable
from .schema import validate_projection

Published = ReleasedTable | DelayTable


def write_csv(table: Published, path: str | Path) -> Path:
    """One table as CSV (UTF-8, header row; suppressed figures have an empty value)."""
    path = Path(path)
    pacsv.write_csv(table.to_arrow(), path)
    return path


def write_parquet(
    table: Published, path: str | Path, parameters: dict[str, object] | None = None
) -> Path:
    """One table as Parquet, with the release parameters in the file metadata."""
    path = Path(path)
    arrow = table.to_arrow()
    metadata = dict(arrow.schema.metadata or {})
    if parameters is not None:
        metadata[b"balise_release"] = json.dumps(parameters, default=str).encode()
    pq.write_table(arrow.replace_schema_metadata(metadata), path)
    return path


def _sheet_name(name: str, used: set[str]) -> str:
    base = name[:31]
    candidate, number = base, 1
    while candidate in used:
        number += 1
        suffix = f"~{number}"
        candidate = base[: 31 - len(suffix)] + suffix
    used.add(candidate)
    return candidate


def write_xlsx(release: Release, path: str | Path) -> Path:
    """The whole release as a workbook: a method sheet, then one sheet per table."""
    path = Path(path)
    workbook = Workbook()
    method = workbook.active
    method.title = "method"
    method.append([_g("Release"), release.period, release.area])
    method["A1"].font = Font(bold=True)
    for key, value in _flatten(release.parameters()):
        method.append([key, json.dumps(value, default=str) if isinstance(value, list) else value])
    used = {"method"}
    tables: Iterable[Published] = [*release.tables, *release.delays]
    for table in tables:
        sheet = workbook.create_sheet(_sheet_name(table.name, used))
        sheet.append([str(table.title)])
        sheet["A1"].font = Font(bold=True)
        sheet.append([_g("Counts: %(unit)s") % {"unit": table.unit}])
        arrow = table.to_arrow()
        sheet.append(arrow.column_names)
        for cell in sheet[3]:
            cell.font = Font(bold=True)
        for row in arrow.to_pylist():
            sheet.append(list(row.values()))
        sheet.append([])
        for note in table.notes:
            sheet.append([str(note)])
    workbook.save(path)
    return path


def _flatten(data: dict[str, object], prefix: str = "") -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for key, value in data.items():
        if isinstance(value, dict):
            out += _flatten(value, f"{prefix}{key}.")
        else:
            out.append((f"{prefix}{key}", value))
    return out


def ctdc_export(projection: pa.Table) -> pa.Table:
    """Person-level CTDC 2024 file (27 columns) from a projection or synthetic file."""
    table = validate_projection(projection)
    rows = [
        ctdc_row(
            year_of_registration=record["year"],
            gender=record["gender"],
            age_band=record["age_band"],
            citizenship=record["citizenship"],
            country_of_exploitation=record["country_of_exploitation"],
            duration_band=record["duration_band"],
            means=record["means_of_control"],
            exploitation_forms=record["exploitation_forms"],
            labour_sectors=[record["sector"]] if record["sector"] != "not_applicable" else [],
            sexual_types=record["sexual_types"],
            recruiter_relations=[record["recruiter_relationship"]],
        )
        for record in table.select(
            [
                "year", "gender", "age_band", "citizenship", "country_of_exploitation",
                "duration_band", "means_of_control", "exploitation_forms", "sector",
                "sexual_types", "recruiter_relationship",
            ]
        ).to_pylist()
    ]  # fmt: skip
    schema = pa.schema(
        [pa.field("yearOfRegistration", pa.int16())]
        + [pa.field(c, pa.string()) for c in CTDC_COLUMNS[1:6]]
        + [pa.field(c, pa.int8()) for c in CTDC_COLUMNS[6:]]
    )
    return pa.Table.from_pylist(rows, schema=schema)


def write_ctdc_csv(projection: pa.Table, path: str | Path) -> Path:
    """CTDC 2024 CSV: flags are 1 or empty, countries alpha-3."""
    path = Path(path)
    pacsv.write_csv(ctdc_export(projection), path)
    return path
