"""Import of aggregates (or records, counted on import) from other producers: the yearly
association survey, police or justice statistics. All or nothing: any faulty cell rejects the
file, naming its row and column. Imported figures form *external series*, shown beside
Balise's own figures and never added to its person counts."""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from balise.audit.services import audit_record

from .enums import ObservatoryAction
from .models import ExternalSeries, ExternalValue

MAX_BYTES = 5 * 1024 * 1024
REQUIRED = ("year", "indicator")
KNOWN = ("year", "region", "indicator", "category", "value")


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: Any

    def __str__(self) -> str:
        return f"{self.row}:{self.column}: {self.message}"


class ImportRejected(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def _rows(name: str, data: bytes) -> list[dict[str, str]]:
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        except Exception as exc:  # noqa: BLE001 - any unreadable workbook is a user error
            raise ImportRejected([RowError(0, "file", _("Not a readable XLSX file."))]) from exc
        values = [
            ["" if v is None else str(v).strip() for v in row]
            for row in sheet.iter_rows(values_only=True)
        ]
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportRejected([RowError(0, "file", _("The file is not UTF-8 text."))]) from exc
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t") if text.strip() else "excel"
        values = [[v.strip() for v in row] for row in csv.reader(io.StringIO(text), dialect)]
    values = [row for row in values if any(row)]
    if not values:
        raise ImportRejected([RowError(0, "file", _("The file is empty."))])
    header = [h.lower() for h in values[0]]
    return [dict(zip(header, row, strict=False)) for row in values[1:]]


def parse(name: str, data: bytes) -> tuple[list[dict[str, Any]], bool]:
    """Validated figures and whether the file was record-level (counted here)."""
    rows = _rows(name, data)
    errors: list[RowError] = []
    header = set(rows[0]) if rows else set()
    for column in REQUIRED:
        if column not in header:
            errors.append(RowError(1, column, _("This column is missing.")))
    if errors:
        raise ImportRejected(errors)
    aggregate = "value" in header
    figures: list[dict[str, Any]] = []
    for number, row in enumerate(rows, start=2):
        figure: dict[str, Any] = {
            "region": row.get("region") or "national",
            "category": row.get("category") or "total",
            "indicator": row.get("indicator", ""),
        }
        try:
            figure["year"] = int(float(row.get("year", "")))
            if not 1990 <= figure["year"] <= 2100:
                raise ValueError
        except ValueError:
            errors.append(RowError(number, "year", _("A year between 1990 and 2100 is needed.")))
        if not figure["indicator"]:
            errors.append(RowError(number, "indicator", _("The indicator is empty.")))
        for column in ("region", "indicator", "category"):
            if len(figure[column]) > 100:
                errors.append(RowError(number, column, _("At most 100 characters.")))
        if aggregate:
            try:
                figure["value"] = int(row.get("value", ""))
                if figure["value"] < 0:
                    raise ValueError
            except ValueError:
                errors.append(
                    RowError(number, "value", _("A whole number, zero or more, is needed."))
                )
        figures.append(figure)
    if errors:
        raise ImportRejected(errors)
    if not figures:
        raise ImportRejected([RowError(1, "file", _("The file has no data rows."))])
    if aggregate:
        seen: dict[tuple, int] = {}
        for number, f in enumerate(figures, start=2):
            key = (f["year"], f["region"], f["indicator"], f["category"])
            if key in seen:
                errors.append(
                    RowError(number, "indicator", _("Same figure as row %(row)d.") % {
                        "row": seen[key]})
                )  # fmt: skip
            seen.setdefault(key, number)
        if errors:
            raise ImportRejected(errors)
        return figures, False
    counts = Counter((f["year"], f["region"], f["indicator"], f["category"]) for f in figures)
    return [
        {"year": y, "region": r, "indicator": i, "category": c, "value": n}
        for (y, r, i, c), n in sorted(counts.items())
    ], True


def import_series(
    *, actor: Any, name: str, producer: str, unit: str, upload: Any
) -> ExternalSeries:
    if upload.size > MAX_BYTES:
        raise ImportRejected([RowError(0, "file", _("The file is larger than 5 MB."))])
    data = upload.read()
    figures, counted = parse(upload.name, data)
    with transaction.atomic():
        series = ExternalSeries.objects.create(
            name=name,
            producer=producer,
            unit=unit,
            source_file=upload.name[:255],
            sha256=hashlib.sha256(data).hexdigest(),
            imported_by=actor,
        )
        ExternalValue.objects.bulk_create(ExternalValue(series=series, **f) for f in figures)
        audit_record(
            actor=actor,
            action=ObservatoryAction.IMPORT,
            obj=series,
            details={"figures": len(figures), "record_level": counted, "producer": producer},
        )
    return series


def years_of(series: ExternalSeries) -> list[int]:
    return sorted(set(series.values.values_list("year", flat=True)))
