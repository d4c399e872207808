import json

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from balise.codelists.mappings import CTDC_COLUMNS
from balise.observatory.statistics import tables as t
from balise.observatory.statistics.config import DisclosureConfig
from balise.observatory.statistics.exports import (
    ctdc_export,
    write_csv,
    write_ctdc_csv,
    write_parquet,
    write_xlsx,
)
from balise.observatory.statistics.generate import generate_projection, projection_from_records
from balise.observatory.statistics.release import build_release


@pytest.fixture(scope="module")
def release():
    records = (
        [{"gender": "feminine", "region": "11"}] * 40
        + [{"gender": "masculine", "region": "11"}] * 3
        + [{"gender": "feminine", "region": "84"}] * 40
        + [{"gender": "masculine", "region": "84"}] * 40
    )
    specs = [
        t.TableSpec("referred_by_sex", "Persons referred by sex", "referred", ("sex",)),
        t.TableSpec("preliminary_decisions", "Preliminary decisions", "preliminary_decisions",
                    ("preliminary_outcome",)),
    ]  # fmt: skip
    return build_release(projection_from_records(records), DisclosureConfig(), year=2025,
                         specs=specs)  # fmt: skip


def test_csv(release, tmp_path):
    table = release.table("referred_by_sex")
    path = write_csv(table, tmp_path / "t.csv")
    rows = pacsv.read_csv(path).to_pylist()
    assert len(rows) == len(table.cells)
    male = next(r for r in rows if r["region"] == "11" and r["sex"] == "male")
    assert male["display"] == "<10" and male["value"] is None and male["status"] == "primary"
    total = next(r for r in rows if r["region"] == "total" and r["sex"] == "total")
    assert total["value"] == 125  # 123 rounded


def test_parquet_records_the_release_parameters(release, tmp_path):
    table = release.table("referred_by_sex")
    path = write_parquet(table, tmp_path / "t.parquet", release.parameters())
    read = pq.read_table(path)
    assert read.num_rows == len(table.cells)
    metadata = read.schema.metadata
    assert metadata[b"unit"] == b"persons"
    parameters = json.loads(metadata[b"balise_release"])
    assert parameters["disclosure_control"]["rounding_base"] == 5
    assert parameters["audit"]["passed"] is True
    assert read.column("value").to_pylist() == [c.value for c in table.cells]


def test_xlsx_has_a_method_sheet_and_one_sheet_per_table(release, tmp_path):
    path = write_xlsx(release, tmp_path / "release.xlsx")
    workbook = load_workbook(path)
    assert workbook.sheetnames == [
        "method", "referred_by_sex", "preliminary_decisions", "decision_delays",
    ]  # fmt: skip
    method = {row[0]: row[1] for row in workbook["method"].iter_rows(values_only=True)}
    assert method["disclosure_control.threshold"] == 10
    assert method["disclosure_control.method"] == "secondary_suppression"
    sheet = workbook["referred_by_sex"]
    assert sheet["A1"].value == "Persons referred by sex"
    header = [c.value for c in sheet[3]]
    assert header[:3] == ["region", "sex", "value"]
    displays = [row[3] for row in sheet.iter_rows(min_row=4, values_only=True) if row[0]]
    assert "<10" in displays and "c" in displays


def test_ctdc_export_has_the_27_columns_and_mapped_values(tmp_path):
    projection = projection_from_records(
        [
            {
                "gender": "trans_feminine",
                "age_band": "9_17",
                "citizenship": "ROU",
                "exploitation_forms": ["forced_begging"],
                "sector": "A01",
                "means_of_control": ["withholds_documents"],
                "sexual_types": [],
                "recruiter_relationship": "family",
                "duration_band": "25_plus",
            },
            {"gender": "unknown", "age_band": "unknown", "citizenship": "XXX"},
        ]
    )
    table = ctdc_export(projection)
    assert tuple(table.column_names) == CTDC_COLUMNS
    first, second = table.to_pylist()
    assert first["gender"] == "Trans-Transgender-NonConforming"
    assert first["ageBroad"] == "9--17"
    assert first["isForcedLabour"] == 1 and first["isSexualExploit"] is None
    assert first["typeOfLabourAgriculture"] == 1
    assert first["meansWithholdDocs"] == 1 and first["meansThreats"] is None
    assert first["recruiterRelationFamily"] == 1
    assert first["traffickMonths"] == "25+ (2+ yrs)"
    assert (second["gender"], second["ageBroad"], second["citizenship"]) == (None, None, None)
    assert second["typeOfSexProstitution"] == 1
    path = write_ctdc_csv(projection, tmp_path / "ctdc.csv")
    header, line, _rest = path.read_text().split("\n", 2)
    assert header.replace('"', "").split(",") == list(CTDC_COLUMNS)
    assert line.count(",") == 26


def test_ctdc_export_of_a_synthetic_file():
    table = ctdc_export(generate_projection(300, seed=5))
    assert table.num_rows == 300
    assert set(table.column("gender").to_pylist()) <= {
        "Woman", "Man", "Trans-Transgender-NonConforming", None,
    }  # fmt: skip
