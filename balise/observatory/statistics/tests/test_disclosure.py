import itertools

import pytest

from balise.observatory.statistics import tables as t
from balise.observatory.statistics.audit import (
    PRIMARY,
    PUBLISHED,
    SECONDARY,
    attacker_bounds,
    audit_release,
    round_to_base,
    rounding_interval,
)
from balise.observatory.statistics.config import DisclosureConfig
from balise.observatory.statistics.disclosure import cell_key_noise, protect
from balise.observatory.statistics.generate import generate_projection, projection_from_records
from balise.observatory.statistics.release import (
    ReleasedCell,
    build_release,
    connect_period,
    released_tables,
)

SEX = t.TableSpec("sex", "sex", "referred", ("sex",))
AGE = t.TableSpec("age", "age", "referred", ("age_band",))
ONE_DIM = [s for s in t.standard_tables() if s.population == "referred" and len(s.dims) == 1]


def counted(projection, specs, config):
    con = connect_period(projection, 2025)
    context = t.release_context(con, config)
    return t.count_tables(con, specs, context, config)


def release_of(records, specs, config=None, *, protect_margins=True):
    config = config or DisclosureConfig()
    tables = counted(projection_from_records(records), specs, config)
    return released_tables(protect(tables, config, protect_margins=protect_margins))


@pytest.fixture(scope="module")
def generated():
    return generate_projection(3000, seed=1)


def test_rounding_to_base_and_its_interval():
    assert [round_to_base(v, 5) for v in (0, 2, 3, 7, 8, 12, 13)] == [0, 0, 5, 5, 10, 10, 15]
    for base in (1, 3, 5, 10):
        for value in range(200):
            lower, upper = rounding_interval(round_to_base(value, base), base)
            assert lower <= value <= upper
            assert upper - lower == base - 1


def test_threshold_suppresses_one_to_nine_and_shows_zero():
    records = [{"gender": "feminine"}] * 12 + [{"gender": "masculine"}] * 3
    (table,) = release_of(records, [SEX], protect_margins=False)
    assert table.cell("11", "male").display == "<10"
    assert table.cell("11", "male").value is None
    assert table.cell("11", "male").status == PRIMARY
    assert table.cell("11", "female").value == 10
    assert table.cell("11", "other_or_unknown").display == "0"
    assert table.cell("11", t.TOTAL).value == 15


def test_totals_are_rounded_on_their_own_and_labelled():
    records = [{"gender": "feminine"}] * 12 + [{"gender": "masculine"}] * 12
    (table,) = release_of(records, [SEX])
    assert table.cell("11", "female").value == 10
    assert table.cell("11", "male").value == 10
    assert table.cell("11", t.TOTAL).value == 25  # 24 rounded, not 10 + 10
    assert any("totals are rounded on their own" in str(note) for note in table.notes)


def _two_regions():
    return (
        [{"region": "11", "gender": "feminine"}] * 40
        + [{"region": "11", "gender": "masculine"}] * 3
        + [{"region": "84", "gender": "feminine"}] * 40
        + [{"region": "84", "gender": "masculine"}] * 40
    )


def test_primary_only_suppression_is_recoverable_and_fails_the_audit():
    config = DisclosureConfig(rounding_base=1)
    naive = release_of(_two_regions(), [SEX], config, protect_margins=False)
    report = audit_release(naive, config)
    assert not report.passed
    (failure,) = report.failures
    assert failure.key == ("referred", (("region", "11"), ("sex", "male")))
    assert (failure.lower, failure.upper) == (3, 3)  # recomputed exactly: 43 - 40


def test_secondary_suppression_protects_the_cell():
    config = DisclosureConfig(rounding_base=1)
    (table,) = release_of(_two_regions(), [SEX], config)
    assert table.cell("11", "male").status == PRIMARY
    statuses = {c.coords: c.status for c in table.cells}
    # No row or column keeps exactly one hidden figure.
    for region in ("11", "84", t.TOTAL):
        row = [statuses[(region, s)] for s in ("female", "male", "other_or_unknown", t.TOTAL)]
        assert sum(s != PUBLISHED for s in row) != 1
    for sex in ("female", "male", "other_or_unknown", t.TOTAL):
        column = [statuses[(r, sex)] for r in ("11", "84", t.TOTAL)]
        assert sum(s != PUBLISHED for s in column) != 1
    assert table.cell("11", "female").status == SECONDARY
    assert table.cell("11", "female").display == "c"
    report = audit_release([table], config)
    assert report.passed, report.as_dict()
    assert report.narrowest >= config.min_protection_width


def test_generated_release_naive_fails_full_pipeline_passes(generated):
    config = DisclosureConfig()
    tables = counted(generated, ONE_DIM, config)
    naive = released_tables(protect(tables, config, protect_margins=False))
    assert not audit_release(naive, config).passed
    full = released_tables(protect(tables, config))
    report = audit_release(full, config)
    assert report.passed, report.as_dict()
    assert report.checked > 50
    assert any(c.status == SECONDARY for table in full for c in table.cells)


def test_scipy_linprog_and_highs_agree(generated):
    config = DisclosureConfig()
    specs = [s for s in ONE_DIM if s.dims[0] in ("sex", "age_band", "channel")]
    full = released_tables(protect(counted(generated, specs, config), config))
    highs = audit_release(full, config, solver="highs")
    linprog = audit_release(full, config, solver="linprog")
    assert highs.checked == linprog.checked > 0
    assert highs.narrowest == linprog.narrowest
    assert highs.passed and linprog.passed


def test_audit_reports_a_figure_shown_differently_in_two_tables():
    records = [{"gender": "feminine", "age_band": "24_26"}] * 30
    sex, age = release_of(records, [SEX, AGE])
    index = next(i for i, c in enumerate(age.cells) if c.coords == ("11", t.TOTAL))
    age.cells[index] = ReleasedCell(("11", t.TOTAL), PUBLISHED, 35, "35")
    report = audit_release([sex, age], DisclosureConfig())
    assert not report.passed
    assert report.inconsistencies


def test_attacker_bounds():
    config = DisclosureConfig()
    assert attacker_bounds(PRIMARY, None, config) == (1, 9)
    assert attacker_bounds(SECONDARY, None, config) == (10, None)
    assert attacker_bounds(PUBLISHED, 0, config) == (0, 0)
    assert attacker_bounds(PUBLISHED, 10, config) == (10, 12)
    assert attacker_bounds(PUBLISHED, 25, config) == (23, 27)
    ckp = DisclosureConfig(method="cell_key", max_noise=2, rounding_base=1)
    assert attacker_bounds(PUBLISHED, 25, ckp) == (23, 27)
    assert attacker_bounds(PRIMARY, None, ckp) == (1, 11)


def test_cell_key_noise_is_bounded_deterministic_and_centred():
    for count, key in itertools.product(range(0, 60), range(256)):
        noise = cell_key_noise(count, key, 2)
        assert -2 <= noise <= 2
        assert noise == cell_key_noise(count, key, 2)
        if count == 0:
            assert noise == 0
        else:
            assert count + noise >= 1
    mean = sum(cell_key_noise(40, key, 2) for key in range(256)) / 256
    assert abs(mean) < 0.05
    assert len({cell_key_noise(40, key, 2) for key in range(256)}) == 5


def test_cell_key_release_gives_one_value_per_cell_and_passes_the_audit(generated):
    config = DisclosureConfig(method="cell_key", rounding_base=1)
    specs = [s for s in ONE_DIM if s.dims[0] in ("sex", "age_band", "nationality")]
    tables = released_tables(protect(counted(generated, specs, config), config))
    totals = {table.cell("11", t.TOTAL).value for table in tables}
    assert len(totals) == 1  # the same cell, the same noise, in every table
    true_total = sum(1 for r in generated.column("region").to_pylist() if r == "11")
    assert abs(totals.pop() - true_total) <= 2
    report = audit_release(tables, config)
    assert report.passed, report.as_dict()


def test_percentages_use_the_ctdc_denominator_and_are_suppressed_with_a_part():
    records = (
        [{"age_band": "24_26"}] * 30 + [{"age_band": "30_38"}] * 20 + [{"age_band": "unknown"}] * 10
    )
    (table,) = release_of(records, [AGE], DisclosureConfig(rounding_base=1))
    assert table.cell("11", "24_26").percent == 60.0  # 30 of the 50 who answered
    assert table.cell("11", "unknown").percent is None
    records[-10:] = [{"age_band": "unknown"}] * 3  # now suppressed: denominator unknown
    (table,) = release_of(records, [AGE], DisclosureConfig(rounding_base=1))
    assert table.cell("11", "unknown").status == PRIMARY
    assert table.cell("11", "24_26").percent is None


def test_trans_and_non_conforming_only_in_the_national_sex_table():
    records = (
        [{"gender": "feminine"}] * 30
        + [{"gender": "trans_feminine"}] * 12
        + [{"gender": "non_conforming"}] * 2
        + [{"gender": "unknown"}] * 20
    )
    national = t.TableSpec("nat", "nat", "referred", ("sex_detailed",), by_region=False)
    config = DisclosureConfig(rounding_base=1)
    nat, regional = release_of(records, [national, SEX], config)
    assert nat.cell("trans_or_non_conforming").value == 14
    assert regional.cell("11", "other_or_unknown").value == 34
    for spec in t.standard_tables():
        if "sex_detailed" not in spec.dims:
            dims = t.dimensions(t.ReleaseContext(("11",), (), ()))
            for name in spec.dims:
                assert "trans_or_non_conforming" not in dims[name].categories
    assert audit_release([nat, regional], config).passed


def test_release_records_parameters_delays_and_audit():
    records = (
        [
            {"region": "11", "preliminary_decision": "positive", "days_to_preliminary": d}
            for d in range(1, 31)
        ]
        + [{"region": "84", "preliminary_decision": "negative", "days_to_preliminary": 5}] * 3
        + [{"region": "93", "preliminary_decision": "negative", "days_to_preliminary": 9}] * 20
    )
    projection = projection_from_records(records)
    config = DisclosureConfig(threshold=11)
    specs = [t.TableSpec("preliminary_decisions", "p", "preliminary_decisions",
                         ("preliminary_outcome",))]  # fmt: skip
    release = build_release(projection, config, year=2025, specs=specs)
    parameters = release.parameters()
    assert parameters["disclosure_control"]["threshold"] == 11
    assert parameters["audit"]["passed"] is True
    assert release.period == "2025"
    rows = {(r["stage"], r["region"]): r for r in release.delays[0].rows}
    counts = release.table("preliminary_decisions")
    assert counts.cell("11", t.TOTAL).status == PUBLISHED
    assert counts.cell("93", t.TOTAL).status == SECONDARY  # complement of region 84
    assert rows[("preliminary", "11")]["median_days"] == 15.5
    assert rows[("preliminary", "93")]["median_days"] is None
    assert rows[("preliminary", "84")]["median_days"] is None
    assert rows[("preliminary", "total")]["p90_days"] is not None
    assert release.table("preliminary_decisions").unit == t.Unit.DECISIONS


def test_config_is_validated_and_recorded_whole():
    with pytest.raises(ValueError):
        DisclosureConfig(method="none")
    with pytest.raises(ValueError):
        DisclosureConfig(rounding_base=0)
    recorded = DisclosureConfig(threshold=11, method="cell_key").as_dict()
    assert recorded["threshold"] == 11 and recorded["method"] == "cell_key"
    assert recorded["rules_version"]
    assert set(recorded) >= {"rounding_base", "min_protection_width", "max_breakdowns"}


def test_quarterly_release_counts_only_the_quarter():
    records = [{"quarter": 1}] * 30 + [{"quarter": 2}] * 20
    specs = [t.TableSpec("referred", "r", "referred", ())]
    config = DisclosureConfig(rounding_base=1)
    first = build_release(projection_from_records(records), config, year=2025, quarter=1,
                          specs=specs)  # fmt: skip
    assert first.period == "2025-Q1"
    assert first.table("referred").cell(t.TOTAL).value == 30
    whole = build_release(projection_from_records(records), config, year=2025, specs=specs)
    assert whole.table("referred").cell(t.TOTAL).value == 50
