"""Related populations are audited and protected jointly, and complementary suppression
minimises the persons it hides."""

import dataclasses

from balise.observatory.statistics import tables as t
from balise.observatory.statistics.audit import PRIMARY, PUBLISHED, SECONDARY, audit_release
from balise.observatory.statistics.config import DisclosureConfig
from balise.observatory.statistics.disclosure import protect
from balise.observatory.statistics.generate import generate_projection, projection_from_records
from balise.observatory.statistics.release import build_release, connect_period, released_tables
from balise.observatory.statistics.structure import (
    Structure,
    add_relations,
    add_table,
    category_members,
)

BY_REGION = t.TableSpec("referred_by_region", "r", "referred", ())
LABOUR = t.TableSpec("labour_by_sector", "l", "referred:labour", ("sector",))
SEX = t.TableSpec("sex", "sex", "referred", ("sex",))


def labour(region, n, sector="A01"):
    return [{"region": region, "exploitation_forms": ["forced_labour"], "sector": sector}] * n


def other(region, n):
    return [{"region": region, "exploitation_forms": ["sexual"], "sector": "not_applicable"}] * n


def parent_pins_a_child_figure():
    """Region 84: every person referred is in labour exploitation. The labour table hides
    region 84's figures as complements of region 11's 7 persons (``<10``), and the parent
    table publishes region 84's total: 20. Labour in 84 is then at most 20, so labour in
    11 is at least 27 - 20 = 7: recomputed to within [7, 9]."""
    return labour("11", 7) + other("11", 40) + labour("84", 20) + labour("93", 30) + other("93", 30)


def counted(records, specs, config):
    con = connect_period(projection_from_records(records), 2025)
    return t.count_tables(con, specs, t.release_context(con, config), config)


def test_the_relations_declared_hold_in_a_generated_projection():
    """Each declared relation holds cell by cell on counted tables: a labour figure is at
    most the referred figure of the same cell."""
    config = DisclosureConfig()
    con = connect_period(generate_projection(5000, seed=3), 2025)
    context = t.release_context(con, config)
    specs = [
        t.TableSpec("a", "a", population, ("sex",))
        for population in ("referred", "referred:labour", "identified", "identified:labour")
    ]
    tables = {tab.spec.population: tab for tab in t.count_tables(con, specs, context, config)}
    for relation in t.RELATIONS:
        child, parent = tables[relation.child].cells, tables[relation.parent].cells
        assert any(child[c][0] < parent[c][0] for c in child)
        assert all(child[c][0] <= parent[c][0] for c in child)


def test_a_parent_population_recomputes_a_sub_population_cell_the_old_audit_missed():
    config = DisclosureConfig(rounding_base=1)
    records = parent_pins_a_child_figure()
    # Each population protected on its own, as before the relations were declared.
    parent = released_tables(protect(counted(records, [BY_REGION], config), config))
    child = released_tables(protect(counted(records, [LABOUR], config), config))
    assert child[0].cell("11", "A01").status == PRIMARY
    assert child[0].cell("84", t.TOTAL).status == SECONDARY
    assert parent[0].cell("84").value == 20
    release = parent + child

    independent = audit_release(release, config, relations=())
    assert independent.passed, independent.as_dict()

    joint = audit_release(release, config)
    assert not joint.passed
    failure = next(f for f in joint.failures if dict(f.key[1]) == {"region": "11", "sector": "A01"})
    assert failure.key[0] == "referred:labour"
    assert (failure.lower, failure.upper) == (7, 9)


def test_joint_protection_fixes_it_and_the_release_passes():
    config = DisclosureConfig(rounding_base=1)
    release = build_release(
        projection_from_records(parent_pins_a_child_figure()),
        config,
        year=2025,
        specs=[BY_REGION, LABOUR],
    )
    assert release.audit.passed, release.audit.as_dict()
    assert release.audit.as_dict()["related_populations"] == [["referred", "referred:labour"]]
    labour_table = release.table("labour_by_sector")
    assert labour_table.cell("11", "A01").status == PRIMARY
    # Something more is hidden than when the populations were protected apart.
    records = parent_pins_a_child_figure()
    apart = [
        table
        for spec in (BY_REGION, LABOUR)
        for table in released_tables(protect(counted(records, [spec], config), config))
    ]

    def hidden(tables):
        return {(tab.name, c.coords) for tab in tables for c in tab.cells if c.status == SECONDARY}

    assert hidden(release.tables) > hidden(apart)


def test_a_sub_population_equals_its_parent_in_a_category_it_is_restricted_to():
    """``referred:labour`` is ``referred`` restricted to the labour sectors: by sector, the
    two tables share their figures (an equality), and ``unknown`` (which also holds
    ``not_applicable`` in the parent) is only bounded."""
    dims = t.dimensions(t.ReleaseContext(("11",), (), ()))
    structure = Structure()
    add_table(structure, "referred", [dims["region"], dims["sector"]])
    add_table(structure, "referred:labour", [dims["region"], dims["sector"]])
    members = category_members(
        [("referred", [dims["region"], dims["sector"]]),
         ("referred:labour", [dims["region"], dims["sector"]])]
    )  # fmt: skip
    add_relations(structure, members, t.RELATIONS)
    kinds = {}
    for line in structure.lines:
        key = structure.keys[line.total]
        if key[0] == "referred:labour" and len(line.parts) == 1:
            parent = structure.keys[line.parts[0]]
            if parent[0] == "referred":
                kinds[dict(key[1]).get("sector")] = line.kind
    assert kinds["A01"] == "eq"
    assert kinds["unknown"] == "sub"
    assert kinds[None] == "sub"  # totals: at most
    assert structure.components() == {"referred": "referred", "referred:labour": "referred"}


def test_a_published_partition_adds_up_in_the_audit():
    """A partition (declared for a deployment's own populations) ties the parts to the whole:
    a part hidden with a complement of its own table is recomputed by subtraction."""
    config = DisclosureConfig(rounding_base=1)
    rest = [{**r, "identified": True} for r in other("11", 4) + other("84", 30)]
    records = labour("11", 30) + labour("84", 30) + rest
    specs = [
        t.TableSpec("all", "all", "referred", ()),
        t.TableSpec("labour", "labour", "referred:labour", ()),
        t.TableSpec("rest", "rest", "identified", ()),
    ]
    tables = []
    for spec in specs:
        tables += released_tables(protect(counted(records, [spec], config), config))
    assert tables[2].cell("11").status == PRIMARY
    # "identified" stands in for the persons referred outside labour exploitation here.
    partition = (t.Partition("referred", ("referred:labour", "identified")),)
    assert audit_release(tables, config, relations=()).passed
    report = audit_release(tables, config, relations=partition)
    assert not report.passed
    (failure,) = report.failures
    assert failure.key == ("identified", (("region", "11"),))
    assert (failure.lower, failure.upper) == (4, 4)  # 34 referred - 30 in labour


# Cost-minimising complementary suppression --------------------------------------------------


def sex_by_region(spec):
    return [
        record
        for region, (women, men) in spec.items()
        for record in [{"region": region, "gender": "feminine"}] * women
        + [{"region": region, "gender": "masculine"}] * men
    ]


#: The greedy method takes the smallest figure of each line in turn and ends up hiding 6
#: figures (165 persons) where 2 (35 persons) suffice.
OVER_SUPPRESSED = {"11": (50, 15), "84": (20, 2), "93": (3, 15), "24": (20, 45)}


def _both(records, specs, config):
    tables = counted(records, specs, config)
    greedy = protect(tables, dataclasses.replace(config, optimal_suppression=False))
    optimal = protect(tables, config)
    return greedy, optimal


def test_optimal_suppression_hides_fewer_persons_where_greedy_over_suppresses():
    config = DisclosureConfig(rounding_base=1)
    greedy, optimal = _both(sex_by_region(OVER_SUPPRESSED), [SEX], config)
    assert greedy.suppressed_persons() == 165
    assert optimal.suppressed_persons() == 35
    assert optimal.status.count(SECONDARY) < greedy.status.count(SECONDARY)
    (table,) = released_tables(optimal)
    assert table.cell(t.TOTAL, "female").status == PUBLISHED  # women referred stay shown
    assert audit_release([table], config).passed


def test_optimal_suppression_never_hides_more_than_greedy():
    config = DisclosureConfig()
    projection = generate_projection(30000, seed=3)
    con = connect_period(projection, 2025)
    specs = [s for s in t.standard_tables() if s.population == "referred"]
    tables = t.count_tables(con, specs, t.release_context(con, config), config)
    greedy = protect(tables, dataclasses.replace(config, optimal_suppression=False))
    optimal = protect(tables, config)
    assert optimal.suppressed_persons() < greedy.suppressed_persons()
    assert audit_release(released_tables(optimal), config).passed
    for spec in ({"11": (50, 2), "84": (3, 45), "93": (30, 25)}, OVER_SUPPRESSED):
        greedy, optimal = _both(sex_by_region(spec), [SEX], DisclosureConfig())
        assert optimal.suppressed_persons() <= greedy.suppressed_persons()


def test_a_model_too_large_falls_back_to_the_greedy_method():
    config = DisclosureConfig(rounding_base=1, optimal_max_cells=2)
    tables = counted(sex_by_region(OVER_SUPPRESSED), [SEX], config)
    model = protect(tables, dataclasses.replace(config, optimal_suppression=False))
    fallback = protect(tables, config)
    assert fallback.status == model.status
    assert fallback.suppressed_persons() == 165
