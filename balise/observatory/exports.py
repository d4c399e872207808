"""Downloads of a release's published tables, built with the statistics library writers.

* ``csv`` / ``parquet``: a ZIP with one file per table (and the release parameters);
* ``xlsx``: one workbook, a method sheet then one sheet per table;
* ``htcds``: every table in long format, one column per breakdown: official HTCDS field
  names where the breakdown is an HTCDS field, ``bal_`` names otherwise (``HTCDS_FIELDS``);
* ``eurostat``: registered persons in the crim_thb categories (sex, age, citizenship group,
  form of exploitation), national;
* ``ctdc``: the CTDC 2024 27-column person-level file (pseudonymised, no identifier), for
  statisticians only.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
from django.utils import translation

from balise.codelists.mappings import EUROSTAT_CITIZEN, EUROSTAT_EXPLOITATION

from .models import Release
from .services import released_tables, stored_config
from .statistics import exports as writers
from .statistics.audit import OMITTED, AuditReport
from .statistics.release import DelayTable
from .statistics.release import Release as LibraryRelease
from .statistics.tables import TOTAL, ReleaseContext

PUBLIC_FORMATS = ("csv", "xlsx", "parquet", "htcds", "eurostat")
RESTRICTED_FORMATS = ("ctdc",)
FORMATS = PUBLIC_FORMATS + RESTRICTED_FORMATS

CONTENT_TYPES = {
    "csv": "application/zip",
    "parquet": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "htcds": "text/csv",
    "eurostat": "text/csv",
    "ctdc": "text/csv",
}

#: Breakdowns that are an official HTCDS field (aggregated), under its official name: the
#: prefix of its HTCDS table and the field name (UNMigration/HTCDS, "HTCDS Field Reference.md"
#: and the v1.0 survey form "Toolkit/Survey/htcds_xlsform.xml"). Values stay Balise codes.
HTCDS_OFFICIAL = {
    "sex": "prs_Gender",
    "sex_detailed": "prs_Gender",
    "nationality": "prs_Citizenship",
    "exploitation_form": "vic_TypeOfExploitation",
    "sector": "vic_ForcedLabourIndustry",
    "referrer_org_type": "org_Type",  # of the referring organisation (cas_ReferringOrganisation)
}

#: Breakdowns with no HTCDS field of that meaning: Balise's own names, under the ``bal_``
#: prefix so that no one takes them for HTCDS fields.
HTCDS_EXTENSIONS = {
    "region": "bal_Region",
    "age_band": "bal_AgeBand",
    "minor": "bal_MinorAtExploitation",
    "place_scope": "bal_PlaceOfExploitationScope",
    "channel": "bal_ReferralChannel",
    "support_type": "bal_SupportType",
    "residence_status": "bal_ResidenceStatus",
    "compensation": "bal_Compensation",
    "recruiter_relationship": "bal_RecruiterRelationship",
    "network": "bal_NetworkInvolvement",
    "housed_by_exploiter": "bal_HousedByExploiter",
    "preliminary_outcome": "bal_PreliminaryDecision",
    "conclusive_outcome": "bal_ConclusiveDecision",
    "reconsideration": "bal_ReconsiderationStatus",
}

#: Balise breakdowns and the field each is exported under in the ``htcds`` format.
HTCDS_FIELDS = {**HTCDS_OFFICIAL, **HTCDS_EXTENSIONS}


def filename(release: Release, fmt: str) -> str:
    ext = {"csv": "zip", "parquet": "zip", "htcds": "csv", "eurostat": "csv", "ctdc": "csv"}
    return f"balise-{release.period}-{release.area}-v{release.version}-{fmt}.{ext.get(fmt, fmt)}"


def library_release(release: Release) -> LibraryRelease:
    audit = release.audit_report
    context = ReleaseContext(
        **{k: tuple(v) for k, v in release.parameters.get("context", {}).items()}
    )
    return LibraryRelease(
        period=release.period,
        area=release.area,
        config=stored_config(release),
        context=context,
        tables=released_tables(release),
        delays=[DelayTable(d["name"], d["title"], d["unit"], d["rows"]) for d in release.delays],
        audit=AuditReport(
            passed=bool(audit.get("passed")),
            min_protection_width=int(audit.get("min_protection_width", 0)),
            checked=int(audit.get("suppressed_cells_checked", 0)),
            narrowest=audit.get("narrowest_interval"),
        ),
        created=release.parameters.get("created", ""),
    )


def _zip(release: Release, fmt: str) -> bytes:
    built = library_release(release)
    parameters = release.parameters
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(buffer, "w") as archive:
        for table in [*built.tables, *built.delays]:
            path = Path(tmp) / f"{table.name}.{fmt}"
            if fmt == "csv":
                writers.write_csv(table, path)
            else:
                writers.write_parquet(table, path, parameters)
            archive.write(path, path.name)
        archive.writestr("release.json", json.dumps(parameters, indent=2, default=str))
    return buffer.getvalue()


def _xlsx(release: Release) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = writers.write_xlsx(library_release(release), Path(tmp) / "release.xlsx")
        return path.read_bytes()


def _htcds(release: Release) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    fields = sorted(set(HTCDS_FIELDS.values()))
    writer.writerow(["table", "unit", *fields, "value", "status"])
    for table in release.tables:
        names = [HTCDS_FIELDS[d["name"]] for d in table["dimensions"]]
        for coords, status, value, display, _percent in table["cells"]:
            if status == OMITTED:
                continue
            by_field = {
                n: ("total" if c == TOTAL else c) for n, c in zip(names, coords, strict=True)
            }
            writer.writerow(
                [
                    table["name"],
                    table["unit"],
                    *(by_field.get(f, "total") for f in fields),
                    display if value is None else value,
                    status,
                ]
            )
    return out.getvalue().encode()


def _eurostat(release: Release) -> bytes:
    """National counts in Eurostat categories; a category gathering a suppressed figure is
    flagged ``c`` and left empty, so nothing suppressed can be recomputed."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["indicator", "geo", "time", "dimension", "category", "obs_value", "obs_flag"])
    sex = {"female": "F", "male": "M", "other_or_unknown": "UNK"}
    age = {"minor": "Y_LT18", "adult": "Y_GE18", "unknown": "UNK"}
    citizen = {f"group_{k}": v for k, v in EUROSTAT_CITIZEN.items()}
    exploitation = {**{str(k): v for k, v in EUROSTAT_EXPLOITATION.items()}, "unknown": "UNK"}
    plans = [
        ("sex", "_by_sex", sex),
        ("age", "_by_minor_and_sex", age),
        ("citizen", "_by_nationality", citizen),
        ("exploitation", "_by_exploitation_form", exploitation),
    ]
    for stage, indicator in (("referred", "VCT_PRESUMED"), ("identified", "VCT_IDENTIFIED")):
        for dimension, suffix, mapping in plans:
            table = release.table(f"{stage}{suffix}")
            if table is None:
                continue
            index = {tuple(c[0]): c for c in table["cells"]}
            width = len(table["dimensions"])
            position = 1 if table["dimensions"][0]["name"] == "region" else 0
            grouped: dict[str, list[Any]] = {}
            for category in table["dimensions"][position]["categories"]:
                code = mapping.get(category)
                if code is None:
                    continue
                coords = [TOTAL] * width
                coords[position] = category
                grouped.setdefault(code, []).append(index[tuple(coords)])
            for code, cells in grouped.items():
                suppressed = any(c[2] is None for c in cells)
                value = "" if suppressed else sum(c[2] for c in cells)
                writer.writerow(
                    [indicator, "national", release.period, dimension, code, value,
                     "c" if suppressed else ""]
                )  # fmt: skip
    return out.getvalue().encode()


def _ctdc(release: Release) -> bytes:
    projection = release.refresh.projection()
    keep = pc.equal(projection["year"], release.year)
    if release.quarter:
        keep = pc.and_(keep, pc.equal(projection["quarter"], release.quarter))
    if release.area != "national":
        keep = pc.and_(keep, pc.equal(projection["region"], release.area))
    keep = pc.and_(keep, projection["referred"])
    with tempfile.TemporaryDirectory() as tmp:
        path = writers.write_ctdc_csv(projection.filter(keep), Path(tmp) / "ctdc.csv")
        return path.read_bytes()


def export(release: Release, fmt: str) -> bytes:
    with translation.override("en"):
        if fmt in ("csv", "parquet"):
            return _zip(release, fmt)
        if fmt == "xlsx":
            return _xlsx(release)
        if fmt == "htcds":
            return _htcds(release)
        if fmt == "eurostat":
            return _eurostat(release)
        if fmt == "ctdc":
            return _ctdc(release)
    raise ValueError(fmt)
