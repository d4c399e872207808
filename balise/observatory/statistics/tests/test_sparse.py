"""Small or sparse data: gather sparse categories and regions, omit the rows that still cannot
be protected, and keep the audit able to prove (or refuse) the result."""

import dataclasses

import pytest

from balise.observatory.statistics import tables as t
from balise.observatory.statistics.audit import (
    OMITTED,
    PRIMARY,
    PUBLISHED,
    audit_release,
)
from balise.observatory.statistics.config import DisclosureConfig
from balise.observatory.statistics.disclosure import DisclosureError, protect
from balise.observatory.statistics.generate import projection_from_records
from balise.observatory.statistics.release import (
    build_release,
    connect_period,
    released_tables,
)

AGE = t.TableSpec("age", "age", "referred", ("age_band",))
SEX = t.TableSpec("sex", "sex", "referred", ("sex",))
MINOR_SEX = t.TableSpec("minor_sex", "minor_sex", "referred", ("minor", "sex"))
BANDS = ["0_8", "9_17", "18_20", "21_23", "24_26", "27_29", "30_38", "39_47", "48_plus"]


def large_region(region, n):
    """A region with many persons, spread evenly."""
    return [
        {
            "region": region,
            "age_band": BANDS[i % 9],
            "gender": ("feminine", "masculine")[i % 2],
            "minor_at_exploitation": ("minor", "adult")[(i // 2) % 2],
        }
        for i in range(n)
    ]


def small_region(region, n, start=0):
    """A handful of persons, each in a different cell: the <10 cells pin each other down."""
    return [
        {
            "region": region,
            "age_band": BANDS[(start + i) % 9],
            "gender": ("feminine", "masculine", "unknown")[i % 3],
            "minor_at_exploitation": ("minor", "adult")[(i // 3) % 2],
        }
        for i in range(n)
    ]


def build(records, specs, **kw):
    return build_release(projection_from_records(records), DisclosureConfig(), year=2025,
                         specs=specs, **kw)  # fmt: skip


def test_sparse_regions_and_age_bands_are_grouped_instead_of_withholding_the_table():
    records = (
        large_region("11", 90) + large_region("84", 90)
        + small_region("01", 6) + small_region("02", 5, start=3)
    )  # fmt: skip
    with pytest.raises(DisclosureError) as failed:
        build(records, [AGE, SEX], adapt=False)
    assert any(dict(pairs).get("region") == "02" for _p, pairs in failed.value.keys)

    release = build(records, [AGE, SEX])

    assert release.audit.passed, release.audit.as_dict()
    age, sex = release.table("age"), release.table("sex")
    region = age.dimensions[0]
    assert region.categories == ("11", "84", t.OTHER_REGIONS)
    assert region.members(t.OTHER_REGIONS) == ("01", "02")
    # Every table of the population shows the same regions.
    assert sex.dimensions[0].categories == region.categories
    assert age.dimensions[1].categories == ("0_17", "18_29", "30_47", "48_plus", "unknown")
    assert age.cell(t.OTHER_REGIONS, t.TOTAL).value == 10  # 11 persons, now shown
    assert sex.cell(t.TOTAL, t.TOTAL).value == 190
    grouped = {(a.table, a.dimension, a.group): a.categories for a in release.adjustments}
    assert grouped[("age", "region", t.OTHER_REGIONS)] == ("01", "02")
    assert grouped[("sex", "region", t.OTHER_REGIONS)] == ("01", "02")
    assert grouped[("age", "age_band", "18_29")] == ("18_20", "21_23", "24_26", "27_29")
    assert release.parameters()["adjustments"][0]["adjustment"] == "grouped"


def test_a_region_that_still_cannot_be_protected_is_omitted_not_the_table():
    records = large_region("11", 90) + large_region("84", 90) + small_region("01", 9)
    with pytest.raises(DisclosureError):
        build(records, [MINOR_SEX, SEX], adapt=False)

    release = build(records, [MINOR_SEX, SEX])

    assert release.audit.passed, release.audit.as_dict()
    assert release.audit.checked > 0
    omitted = [a for a in release.adjustments if a.adjustment == "omitted"]
    assert {a.table for a in omitted} == {"minor_sex", "sex"}
    assert all(a.categories == ("01",) for a in omitted)
    sex = release.table("sex")
    assert sex.dimensions[0].categories == ("11", "84", t.OMITTED)
    hidden = [c for c in sex.cells if c.coords[0] == t.OMITTED]
    assert hidden and all(c.status == OMITTED and c.value is None for c in hidden)
    assert sex.cell("11", t.TOTAL).value == 90
    assert sex.cell(t.TOTAL, t.TOTAL).value == 190  # the omitted persons stay counted
    # Omitted rows are never written out.
    assert t.OMITTED not in sex.to_arrow().column("region").to_pylist()
    assert any("omitted" in str(note) for note in sex.notes)


def test_a_large_region_is_not_omitted_its_too_fine_tables_go_national():
    records = large_region("11", 90) + large_region("84", 90)
    for region in ("11", "84"):  # a sparse corner in each large region
        records += [
            {"region": region, "gender": gender, "minor_at_exploitation": "unknown"}
            for gender in ("feminine", "masculine", "unknown")
        ]
    with pytest.raises(DisclosureError):
        build(records, [MINOR_SEX, SEX], adapt=False)
    release = build(records, [MINOR_SEX, SEX])
    assert release.audit.passed
    assert {(a.table, a.adjustment) for a in release.adjustments} == {
        ("minor_sex", "national_only"),
        ("sex", "national_only"),
    }
    assert release.table("minor_sex").dims == ("minor", "sex")
    assert release.table("sex").cell(t.TOTAL).value == 185


def _folded(records, specs, groups, config):
    """Tables counted over a region breakdown gathered as given, protected or not."""
    con = connect_period(projection_from_records(records), 2025)
    context = t.release_context(con, config)
    dims = t.dimensions(context)
    dims["region"] = t.fold_dimension(dims["region"], groups)
    return t.count_tables(con, specs, None, config, dims=dims)


def test_the_audit_fails_when_an_omitted_row_can_be_recomputed():
    config = DisclosureConfig(rounding_base=1)
    records = (
        [{"region": "11", "gender": "feminine"}] * 40
        + [{"region": "84", "gender": "feminine"}] * 40
        + [{"region": "01", "gender": "feminine"}] * 3
    )
    counted = _folded(records, [SEX], {t.OMITTED: ("01",)}, config)
    # Threshold and rounding only: the national total minus the regions shown gives the
    # omitted region exactly.
    naive = released_tables(protect(counted, config, protect_margins=False))
    report = audit_release(naive, config)
    assert not report.passed
    failure = next(f for f in report.failures if f.status == OMITTED)
    assert (failure.lower, failure.upper) == (3, 3)
    # Fully protected, the same omitted row passes.
    full = released_tables(protect(counted, config))
    assert audit_release(full, config).passed


def test_an_omitted_row_that_is_surely_zero_or_large_needs_no_protection():
    config = DisclosureConfig(rounding_base=1)
    records = [{"region": "11", "gender": "feminine"}] * 40 + [
        {"region": "01", "gender": "feminine"}
    ] * 25
    counted = _folded(records, [SEX], {t.OMITTED: ("01",)}, config)
    report = audit_release(released_tables(protect(counted, config)), config)
    assert report.passed  # the omitted row is 25: recomputable, but no one is at risk


def test_the_audit_refuses_a_region_grouped_in_one_table_and_shown_in_another():
    config = DisclosureConfig()
    records = large_region("11", 40) + small_region("01", 4) + small_region("02", 4)
    grouped = _folded(records, [SEX], {t.OTHER_REGIONS: ("01", "02")}, config)
    con = connect_period(projection_from_records(records), 2025)
    plain = t.count_tables(con, [AGE], t.release_context(con, config), config)
    tables = released_tables(protect(grouped, config)) + released_tables(protect(plain, config))
    report = audit_release(tables, config)
    assert not report.passed
    assert any("other_regions" in problem for problem in report.inconsistencies)


def test_folding_keeps_the_totals_and_composes():
    dim = t.dimensions(t.ReleaseContext(("01", "02", "11"), (), ()))["age_band"]
    wide = t.fold_dimension(dim, t.AGE_BAND_FOLDS[0])
    assert wide.categories == ("0_17", "18_29", "30_47", "48_plus", "unknown")
    assert wide.members("18_29") == ("18_20", "21_23", "24_26", "27_29")
    assert wide.members("48_plus") == ("48_plus",)
    with pytest.raises(ValueError, match="two groups"):
        t.fold_dimension(dim, {"a": ("0_8",), "b": ("0_8",)})
    records = [{"age_band": b} for b in BANDS for _ in range(3)]
    con = connect_period(projection_from_records(records), 2025)
    dims = {**t.dimensions(t.release_context(con, DisclosureConfig())), "age_band": wide}
    (table,) = t.count_tables(con, [AGE], None, DisclosureConfig(), dims=dims)
    counts = {c: n for c, (n, _k) in table.cells.items()}
    assert counts[("11", "18_29")] == 12
    assert counts[("11", t.TOTAL)] == 27


def test_a_population_too_small_for_any_figure_is_published_as_fewer_than_ten():
    records = small_region("11", 4) + small_region("84", 4, start=4)
    release = build(records, [SEX, AGE])
    assert release.audit.passed
    for table in release.tables:
        assert "region" not in table.dims  # no regional detail left to show
        total = table.cell(*([t.TOTAL] * len(table.dims)))
        assert total.status == PRIMARY and total.display == "<10"
    assert all(
        c.status != PUBLISHED or c.value == 0 for table in release.tables for c in table.cells
    )


def test_cell_key_releases_adapt_too():
    config = DisclosureConfig(method="cell_key", rounding_base=1)
    records = large_region("11", 90) + large_region("84", 90) + small_region("01", 9)
    release = build_release(projection_from_records(records), config, year=2025,
                            specs=[MINOR_SEX, SEX])  # fmt: skip
    assert release.audit.passed
    assert dataclasses.asdict(release.audit)["passed"]


def test_build_release_reports_its_progress():
    steps = []
    records = large_region("11", 30) + [{"identified": True, "region": "11"}] * 12
    build(records, [SEX, t.TableSpec("id", "id", "identified", ("sex",))],
          progress=lambda fraction, step: steps.append((fraction, step)))  # fmt: skip
    names = [s for _f, s in steps]
    assert names == ["counting", "protecting:referred", "protecting:identified", "delays",
                     "audit", "done"]  # fmt: skip
    fractions = [f for f, _s in steps]
    assert fractions == sorted(fractions) and fractions[0] == 0 and fractions[-1] == 1


OVERSEAS = {"zeat_9": ("01", "02", "03", "04", "06"), "zeat_1": ("11",), "zeat_7": ("84",)}


def test_sparse_regions_are_gathered_into_their_area_before_other_regions():
    records = (
        large_region("11", 90) + large_region("84", 90)
        + small_region("01", 6) + small_region("02", 5, start=3)
    )  # fmt: skip
    release = build(records, [AGE, SEX], areas=OVERSEAS)
    assert release.audit.passed, release.audit.as_dict()
    region = release.table("sex").dimensions[0]
    assert region.categories == ("zeat_9", "11", "84")  # an area takes its first place
    assert region.members("zeat_9") == ("01", "02")
    grouped = {(a.table, a.dimension, a.group): a.categories for a in release.adjustments}
    assert grouped[("sex", "region", "zeat_9")] == ("01", "02")
    assert release.parameters()["areas"]["zeat_9"] == ["01", "02", "03", "04", "06"]
    # Two sparse regions of different areas: still gathered as "other regions".
    release = build(records, [AGE, SEX], areas={"a": ("01", "11"), "b": ("02", "84")})
    assert t.OTHER_REGIONS not in release.table("sex").dimensions[0].categories
    release = build(records, [AGE, SEX], areas={"a": ("01",), "b": ("02",)})
    assert release.table("sex").dimensions[0].categories == ("11", "84", t.OTHER_REGIONS)


def test_the_omit_and_group_limits_are_configurable_and_recorded():
    records = large_region("11", 90) + large_region("84", 90) + small_region("01", 9)
    default = build(records, [MINOR_SEX, SEX])
    assert {a.adjustment for a in default.adjustments} == {"omitted"}
    recorded = default.parameters()["disclosure_control"]
    assert (recorded["group_below"], recorded["omit_below"]) == (10, 20)
    # Region 01 (9 persons) is no longer small enough to omit: the tables go national.
    config = DisclosureConfig(omit_below=5)
    strict = build_release(projection_from_records(records), config, year=2025,
                           specs=[MINOR_SEX, SEX])  # fmt: skip
    assert strict.audit.passed
    assert "omitted" not in {a.adjustment for a in strict.adjustments}
    assert "national_only" in {a.adjustment for a in strict.adjustments}
    assert strict.parameters()["disclosure_control"]["omit_below"] == 5
    # Gathering regions under 12 persons puts 01 (9) and 02 (11) together at once.
    records = large_region("11", 90) + large_region("84", 90)
    records += small_region("01", 9) + small_region("02", 11, start=3)
    wide = build_release(projection_from_records(records), DisclosureConfig(group_below=12),
                         year=2025, specs=[AGE, SEX])  # fmt: skip
    assert wide.audit.passed
    assert wide.table("sex").dimensions[0].members(t.OTHER_REGIONS) == ("01", "02")
    with pytest.raises(ValueError):
        DisclosureConfig(omit_below=0)
