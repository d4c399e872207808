"""Related populations in the app: the persons referred for labour exploitation are persons
referred, so a release is audited and protected as a whole, its report says so, and a stored
release whose populations were protected apart cannot be published."""

import pytest
from django.urls import reverse

from balise.observatory import services
from balise.observatory.models import Release, ReleaseStatus
from balise.observatory.statistics import tables as t
from balise.observatory.statistics.config import DisclosureConfig
from balise.observatory.statistics.disclosure import protect
from balise.observatory.statistics.generate import projection_from_records
from balise.observatory.statistics.release import connect_period, released_tables
from balise.observatory.tests import factories as obs

pytestmark = pytest.mark.django_db

TABLES = ["referred_by_sex", "referred_labour_by_sector"]


def records():
    """Region 84: every person referred is in labour exploitation (see the library test)."""

    def labour(region, n):
        return [
            {"region": region, "exploitation_forms": ["forced_labour"], "sector": "A01",
             "gender": "feminine"}
        ] * n  # fmt: skip

    def other(region, n):
        return [{"region": region, "exploitation_forms": ["sexual"], "gender": "feminine"}] * n

    return labour("11", 7) + other("11", 40) + labour("84", 20) + labour("93", 30) + other("93", 30)


@pytest.fixture
def related_refresh(db, settings):
    settings.BALISE_OBSERVATORY_TABLES = TABLES
    settings.BALISE_DISCLOSURE_CONTROL = {"rounding_base": 1}
    return obs.refresh_from(projection_from_records(records()))


def apart(config):
    """The same tables, each population protected on its own (the former method)."""
    con = connect_period(projection_from_records(records()), 2025)
    context = t.release_context(con, config)
    specs = {s.name: s for s in t.standard_tables()}
    out = []
    for name in TABLES:
        counted = t.count_tables(con, [specs[name]], context, config)
        out += released_tables(protect(counted, config))
    return out


def test_a_release_of_related_populations_is_audited_as_a_whole(
    signed_in, statistician, reviewer, related_refresh
):
    release = services.create_release(actor=statistician, year=2025)
    assert release.audit_report["passed"] is True
    assert release.audit_report["related_populations"] == [["referred", "referred:labour"]]
    labour = release.table("referred_labour_by_sector")
    cell = next(c for c in labour["cells"] if c[0] == ["11", "A01"])
    assert cell[1] == "primary"

    client = signed_in(reviewer)
    client.post(reverse("observatory:transition", args=[release.pk, "review"]))
    response = client.post(
        reverse("observatory:transition", args=[release.pk, "publish"]), follow=True
    )
    assert response.status_code == 200
    assert Release.objects.get(pk=release.pk).status == ReleaseStatus.PUBLISHED
    report = client.get(reverse("observatory:report", args=[release.pk])).content.decode()
    assert "The audit takes the release as a whole" in report


def test_tables_protected_population_by_population_cannot_be_published(
    signed_in, statistician, reviewer, related_refresh
):
    release = services.create_release(actor=statistician, year=2025)
    services.review_release(release, actor=reviewer)
    # Tamper: store the tables as each population alone would protect them.
    tables = apart(DisclosureConfig(rounding_base=1))
    Release.objects.filter(pk=release.pk).update(
        tables=[services._serialise_table(table) for table in tables]
    )
    response = signed_in(reviewer).post(
        reverse("observatory:transition", args=[release.pk, "publish"]), follow=True
    )
    assert "the disclosure audit does not pass" in response.content.decode()
    assert Release.objects.get(pk=release.pk).status == ReleaseStatus.REVIEWED
