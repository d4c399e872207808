"""Small data in the app: a release of a few dozen persons groups or omits the sparse regions
instead of withholding its tables, says so table by table, and still passes the audit when it
is published. The demo's release shows real protected figures."""

import io

import pytest
from django.urls import reverse

from balise.observatory import services
from balise.observatory.models import Release
from balise.observatory.statistics.generate import projection_from_records
from balise.observatory.statistics.tables import OMITTED, OTHER_REGIONS, TOTAL
from balise.observatory.tests import factories as obs

pytestmark = pytest.mark.django_db

BANDS = ["0_8", "9_17", "18_20", "21_23", "24_26", "27_29", "30_38", "39_47", "48_plus"]


def few_persons_in_many_regions():
    """Two regions of 40 persons and four of 2 to 5 persons, each in a different age band."""
    records = []
    for region, n in (("11", 40), ("84", 40), ("01", 3), ("02", 2), ("03", 5), ("04", 4)):
        records += [
            {
                "region": region,
                "age_band": BANDS[(i + len(records)) % 9],
                "gender": ("feminine", "masculine")[i % 2],
                "minor_at_exploitation": ("minor", "adult")[(i // 2) % 2],
            }
            for i in range(n)
        ]
    return projection_from_records(records)


@pytest.fixture
def small_refresh(db):
    return obs.refresh_from(few_persons_in_many_regions())


@pytest.mark.parametrize(
    ("jurisdiction", "group", "note"),
    [
        ("fr", "zeat_9", "Regions shown together as “Overseas” (01, 02, 03, 04)"),
        ("coe", OTHER_REGIONS, "with too few persons are grouped into “Other regions”"),
    ],
)
def test_sparse_regions_are_grouped_and_the_tables_published(
    signed_in, settings, statistician, reviewer, small_refresh, jurisdiction, group, note
):
    """France groups its overseas regions into their former ZEAT first; a profile without
    larger areas gathers them into "other regions"."""
    settings.BALISE_JURISDICTION = jurisdiction
    settings.BALISE_OBSERVATORY_TABLES = ["referred_by_sex", "referred_by_age_band"]
    release = services.create_release(actor=statistician, year=2025)
    assert release.audit_report["passed"] is True
    assert {t["name"] for t in release.tables} == {"referred_by_sex", "referred_by_age_band"}
    kinds = {a["adjustment"] for a in release.parameters["adjustments"]}
    assert "withheld" not in kinds and "national_only" not in kinds
    grouped = [
        a for a in release.parameters["adjustments"]
        if a["adjustment"] == "grouped" and a["dimension"] == "region"
    ]  # fmt: skip
    assert grouped and set(grouped[0]["categories"]) <= {"01", "02", "03", "04"}
    assert grouped[0]["group"] == group
    assert bool(release.parameters["areas"]) == (jurisdiction == "fr")
    table = release.table("referred_by_sex")
    regions = table["dimensions"][0]["categories"]
    assert group in regions
    total = next(c for c in table["cells"] if c[0] == [TOTAL, TOTAL])
    assert total[2] == 95  # 94 persons, rounded: the national figure is shown

    client = signed_in(statistician)
    page = client.get(reverse("observatory:detail", args=[release.pk])).content.decode()
    assert note in page
    assert OMITTED not in page and "zeat_9" not in page

    # The stored tables, groups and omitted rows included, pass the audit again.
    services.review_release(release, actor=reviewer)
    services.publish_release(release, actor=reviewer)
    release.refresh_from_db()
    assert release.is_public


def test_publishing_refuses_stored_tables_that_show_a_grouped_region(
    statistician, reviewer, settings, small_refresh
):
    settings.BALISE_OBSERVATORY_TABLES = ["referred_by_sex", "referred_by_age_band"]
    release = services.create_release(actor=statistician, year=2025)
    services.review_release(release, actor=reviewer)
    # Tamper: one table shows a grouped region on its own (here under the group's figures).
    table = release.table("referred_by_age_band")
    region = table["dimensions"][0]
    group, members = region["groups"][0]
    member = members[0]
    region["categories"] = [member if c == group else c for c in region["categories"]]
    region["groups"] = region["groups"][1:]
    for cell in table["cells"]:
        cell[0] = [member if c == group else c for c in cell[0]]
    Release.objects.filter(pk=release.pk).update(tables=release.tables)
    release.refresh_from_db()
    with pytest.raises(services.ValidationError):
        services.publish_release(release, actor=reviewer)


def test_the_demo_release_shows_protected_figures(signed_in, settings):
    from django.core.management import call_command

    from balise.accounts.models import User

    settings.BALISE_DEMO_ALLOWED = True
    settings.BALISE_OBSERVATORY_TABLES = None  # every standard table, as the demo does
    call_command("seed_demo", seed=2026, stdout=io.StringIO())
    release = Release.objects.get(status="published")
    assert release.audit_report["passed"] is True
    referred = release.table("referred_by_sex")
    total = next(c for c in referred["cells"] if c[0] == [TOTAL] * len(referred["dimensions"]))
    assert total[1] == "published" and total[2] >= 10
    shown = [c for t in release.tables for c in t["cells"] if c[1] == "published" and c[2]]
    assert len(shown) >= 20
    assert not [a for a in release.parameters["adjustments"] if a["adjustment"] == "withheld"]
    assert release.parameters["disclosure_control"]["optimal_suppression"] is True

    client = signed_in(User.objects.get(email="statisticienne@demo.balise.invalid"))
    dashboard = client.get(reverse("observatory:dashboard", args=[release.pk]))
    assert dashboard.status_code == 200
    report = client.get(reverse("observatory:report", args=[release.pk])).content.decode()
    assert f"<strong>{total[3]}</strong>" in report


def test_the_sparse_limits_are_set_per_deployment_and_shown_in_the_api(
    settings, statistician, small_refresh, api_client_for
):
    """Regions under 6 persons are gathered (default: under 10), the rest kept; the limits
    and the areas are written into the release and served by the API."""
    settings.BALISE_JURISDICTION = "coe"
    settings.BALISE_OBSERVATORY_TABLES = ["referred_by_sex", "referred_by_age_band"]
    settings.BALISE_DISCLOSURE_CONTROL = {"group_below": 6, "omit_below": 8}
    release = services.create_release(actor=statistician, year=2025)
    assert release.audit_report["passed"] is True
    data = api_client_for(statistician).get(f"/api/v1/observatory/releases/{release.pk}/").json()
    assert data["disclosure_config"]["group_below"] == 6
    assert data["disclosure_config"]["omit_below"] == 8
    assert data["disclosure_config"]["rules_version"] == "2"
    grouped = {
        m
        for a in release.parameters["adjustments"]
        if a["adjustment"] == "grouped" and a["dimension"] == "region"
        for m in a["categories"]
    }
    assert "03" in grouped  # 5 persons: under the limit of 6
    settings.BALISE_DISCLOSURE_CONTROL = {"group_below": 5}
    narrow = services.create_release(actor=statistician, year=2025)
    narrow_grouped = {
        m
        for a in narrow.parameters["adjustments"]
        if a["adjustment"] == "grouped" and a["dimension"] == "region"
        for m in a["categories"]
    }
    assert "03" not in narrow_grouped  # 5 persons: not under the limit of 5
    assert narrow.disclosure_config["group_below"] == 5
