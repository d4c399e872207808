import pyarrow as pa
import pytest

from balise.observatory.statistics import tables as t
from balise.observatory.statistics.config import DisclosureConfig
from balise.observatory.statistics.generate import generate_projection, projection_from_records
from balise.observatory.statistics.release import connect_period
from balise.observatory.statistics.schema import (
    PROJECTION_SCHEMA,
    ProjectionError,
    new_cell_key,
    new_pseudonym,
    validate_projection,
)


def test_pseudonyms_are_random_and_keys_in_range():
    pseudonyms = {new_pseudonym() for _ in range(200)}
    assert len(pseudonyms) == 200
    assert all(len(p) == 32 and int(p, 16) >= 0 for p in pseudonyms)
    assert all(0 <= new_cell_key() <= 255 for _ in range(200))


def test_generated_projection_has_the_schema():
    table = generate_projection(500, seed=3)
    assert table.schema.equals(PROJECTION_SCHEMA)
    assert table.num_rows == 500
    assert generate_projection(50, seed=3).equals(generate_projection(50, seed=3))


def test_projection_rejects_identifying_columns_duplicates_and_missing_columns():
    table = projection_from_records([{}, {}])
    with pytest.raises(ProjectionError, match="identifying"):
        validate_projection(table.append_column("name", pa.array(["a", "b"])))
    with pytest.raises(ProjectionError, match="missing"):
        validate_projection(table.drop_columns(["cell_key"]))
    with pytest.raises(ProjectionError, match="twice"):
        projection_from_records([{"pseudonym": "x"}, {"pseudonym": "x"}])
    # The same person in two different years is fine.
    projection_from_records([{"pseudonym": "x"}, {"pseudonym": "x", "year": 2024}])


def _count(records, spec, config=None):
    config = config or DisclosureConfig()
    con = connect_period(projection_from_records(records), 2025)
    context = t.release_context(con, config)
    (table,) = t.count_tables(con, [spec], context, config)
    return table


def test_counts_cover_cells_and_margins_of_single_valued_breakdowns():
    records = (
        [{"region": "11", "gender": "feminine"}] * 4
        + [{"region": "11", "gender": "masculine"}] * 2
        + [{"region": "84", "gender": "non_conforming"}]
        + [{"region": "84", "gender": "feminine", "year": 2024}]  # other period
        + [{"region": "84", "gender": "feminine", "referred": False}]  # other population
    )
    table = _count(records, t.TableSpec("x", "x", "referred", ("sex",)))
    counts = {c: n for c, (n, _k) in table.cells.items()}
    assert counts[("11", "female")] == 4
    assert counts[("11", "male")] == 2
    assert counts[("84", "other_or_unknown")] == 1
    assert counts[("84", "female")] == 0
    assert counts[("11", t.TOTAL)] == 6
    assert counts[(t.TOTAL, "female")] == 4
    assert counts[(t.TOTAL, t.TOTAL)] == 7
    assert len(counts) == 3 * 4  # (2 regions + total) x (3 categories + total)


def test_multi_valued_breakdown_counts_persons_once_in_totals():
    records = [
        {"exploitation_forms": ["sexual", "forced_labour"]},
        {"exploitation_forms": ["sexual"]},
        {"exploitation_forms": []},
        {"exploitation_forms": ["unknown"]},
    ]
    table = _count(
        records,
        t.TableSpec("x", "x", "referred", ("exploitation_form",)),
        DisclosureConfig(rare_form_min=0),
    )
    counts = {c: n for c, (n, _k) in table.cells.items()}
    assert counts[("11", "sexual")] == 2
    assert counts[("11", "forced_labour")] == 1
    assert counts[("11", "unknown")] == 2
    assert counts[("11", t.TOTAL)] == 4
    assert counts[(t.TOTAL, t.TOTAL)] == 4


def test_national_table_of_a_multi_valued_breakdown_alone():
    records = [{"exploitation_forms": ["sexual", "forced_labour"]}, {"exploitation_forms": []}]
    spec = t.TableSpec("x", "x", "referred", ("exploitation_form",), by_region=False)
    table = _count(records, spec, DisclosureConfig(rare_form_min=0))
    assert table.cells[("sexual",)][0] == 1
    assert table.cells[("unknown",)][0] == 1
    assert table.cells[(t.TOTAL,)][0] == 2


def test_cell_key_of_a_cell_is_the_sum_of_its_persons_keys():
    records = [{"cell_key": 200}, {"cell_key": 100}, {"cell_key": 7, "region": "84"}]
    table = _count(records, t.TableSpec("x", "x", "referred", ()))
    assert table.cells[(t.TOTAL,)] == (3, (200 + 100 + 7) % 256)
    assert table.cells[("11",)] == (2, 300 % 256)


def test_rare_forms_are_folded_into_other():
    records = [{"exploitation_forms": ["sexual"]}] * 30 + [
        {"exploitation_forms": ["organ_removal"]},
        {"exploitation_forms": ["organ_removal", "other"]},
    ]
    config = DisclosureConfig(rare_form_min=20)
    table = _count(records, t.TableSpec("x", "x", "referred", ("exploitation_form",)), config)
    categories = table.dimensions[1].categories
    assert "organ_removal" not in categories and "sexual" in categories
    assert table.cells[(t.TOTAL, "other")][0] == 2  # the person with both counts once


def test_citizenships_shown_are_the_top_ones_then_groups():
    records = (
        [{"citizenship": "NGA"}] * 60
        + [{"citizenship": "ROU", "nationality_group": "other_eu"}] * 55
        + [{"citizenship": "BGR", "nationality_group": "other_eu"}] * 5
        + [{"citizenship": "XXX", "nationality_group": "unknown"}] * 70
    )
    config = DisclosureConfig(top_country_min=50, top_countries=1)
    table = _count(records, t.TableSpec("x", "x", "referred", ("nationality",)), config)
    counts = {c[1]: n for c, (n, _k) in table.cells.items() if c[0] == t.TOTAL}
    assert counts["NGA"] == 60
    assert counts["group_other_eu"] == 60
    assert counts["group_unknown"] == 70
    assert "XXX" not in counts and "ROU" not in counts


def test_breakdown_limit_and_trans_rule_are_enforced():
    config = DisclosureConfig(max_breakdowns=3)
    dims = t.dimensions(t.ReleaseContext(("11",), (), ()))
    too_many = t.TableSpec("x", "x", "referred", ("sex", "age_band", "minor", "channel"))
    with pytest.raises(ValueError, match="at most 3"):
        too_many.validate(dims, config)
    t.TableSpec("x", "x", "referred", ("sex", "age_band", "minor")).validate(dims, config)
    with pytest.raises(ValueError, match="national total"):
        t.TableSpec("x", "x", "referred", ("sex_detailed",)).validate(dims, config)
    with pytest.raises(ValueError, match="national total"):
        t.TableSpec("x", "x", "referred", ("sex_detailed", "age_band"), by_region=False).validate(
            dims, config
        )
    for spec in t.standard_tables():
        spec.validate(dims, config)


def test_standard_tables_state_what_they_count():
    specs = t.standard_tables()
    assert len({s.name for s in specs}) == len(specs)
    units = {s.name: s.unit for s in specs}
    assert units["referred_by_sex"] == t.Unit.PERSONS
    assert units["preliminary_decisions"] == t.Unit.DECISIONS
