"""Release pages, dashboards and the annual report, as readers see them."""

import csv
import io
import json
import zipfile

import pyarrow.parquet as pq
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from balise.audit.models import AuditEntry
from balise.observatory.models import ReleaseAssembly
from balise.observatory.tests import factories as obs
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(statistician, reviewer, synthetic_refresh):
    return obs.published_release(statistician, reviewer)


def test_release_tables_show_published_figures_markers_and_notes(published, signed_in):
    client = signed_in(factories.case_officer())
    page = client.get(reverse("observatory:detail", args=[published.pk])).content.decode()
    assert "Persons referred by sex" in page
    assert "&lt;10" in page or ">c<" in page
    assert "rounded to base 5" in page
    cell = next(c for c in published.table("referred_by_sex")["cells"] if c[0] == ["_T", "_T"])
    assert f">{cell[3]}" in page
    # No action for a non-statistician.
    assert "Draft a correction" not in page


def test_pages_in_french_and_arabic(published, signed_in):
    client = signed_in(factories.case_officer())
    client.cookies["django_language"] = "ar"
    page = client.get(
        reverse("observatory:dashboard", args=[published.pk]), HTTP_ACCEPT_LANGUAGE="ar"
    )
    assert page.status_code == 200
    assert 'dir="rtl"' in page.content.decode()
    client.cookies["django_language"] = "fr"
    page = client.get(reverse("observatory:detail", args=[published.pk]), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Personnes signalées" in page.content.decode()


def test_dashboard_has_charts_with_text_alternatives_and_data_tables(published, signed_in):
    client = signed_in(factories.case_officer())
    page = client.get(reverse("observatory:dashboard", args=[published.pk])).content.decode()
    assert page.count("<svg") >= 4
    assert page.count('role="img"') == page.count("<svg")
    assert page.count("<desc") == page.count("<svg")
    assert "Data table" in page
    assert "style=" not in page.split("<main", 1)[1]  # strict CSP: no inline styles
    assert "obs-tile" in page  # the regional tile map


def test_annual_report_page_and_pdf(published, signed_in):
    client = signed_in(factories.case_officer())
    page = client.get(reverse("observatory:report", args=[published.pk])).content.decode()
    assert "Method and protection of the persons" in page
    assert "Women and girls referred" in page
    response = client.get(reverse("observatory:report_pdf", args=[published.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="download", object_id=str(published.pk)).exists()
    client.cookies["django_language"] = "ar"
    arabic = client.get(reverse("observatory:report_pdf", args=[published.pk]))
    assert arabic.content.startswith(b"%PDF") and len(arabic.content) > 1000


def test_the_report_needs_a_published_release(statistician, synthetic_refresh, signed_in):
    draft = obs.draft_release(statistician)
    client = signed_in(statistician)
    assert client.get(reverse("observatory:report", args=[draft.pk])).status_code == 404
    assert client.get(reverse("observatory:dashboard", args=[draft.pk])).status_code == 200


def test_statistician_workflow_through_the_pages(
    statistician, reviewer, synthetic_refresh, signed_in, django_capture_on_commit_callbacks
):
    client = signed_in(statistician)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("observatory:new"), {"year": 2025, "quarter": "", "area": "national"}
        )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "The draft release is ready." in page
    pk = str(ReleaseAssembly.objects.get().release_id)
    page = client.get(reverse("observatory:detail", args=[pk])).content.decode()
    assert "The disclosure audit passed." in page
    # The author cannot review; a colleague can, then publish.
    client.post(reverse("observatory:transition", args=[pk, "review"]))
    other = signed_in(reviewer)
    other.post(reverse("observatory:transition", args=[pk, "review"]))
    other.post(reverse("observatory:transition", args=[pk, "publish"]))
    page = other.get(reverse("observatory:detail", args=[pk])).content.decode()
    assert "Published" in page and "Draft a correction" in page


def test_exports_of_a_published_release(published, signed_in):
    client = signed_in(factories.case_officer())

    def get(fmt):
        response = client.get(reverse("observatory:export", args=[published.pk, fmt]))
        assert response.status_code == 200, fmt
        assert "attachment" in response["Content-Disposition"]
        return response.content

    with zipfile.ZipFile(io.BytesIO(get("csv"))) as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read("referred_by_sex.csv").decode())))
        params = json.loads(archive.read("release.json"))
    assert params["disclosure_control"]["threshold"] == 10
    assert all(r["display"] in ("<10", "c") or int(r["value"]) % 5 == 0 for r in rows)
    with zipfile.ZipFile(io.BytesIO(get("parquet"))) as archive:
        table = pq.read_table(io.BytesIO(archive.read("referred_by_sex.parquet")))
    assert b"balise_release" in table.schema.metadata
    workbook = load_workbook(io.BytesIO(get("xlsx")))
    assert "method" in workbook.sheetnames and "referred_by_sex" in workbook.sheetnames
    htcds = list(csv.DictReader(io.StringIO(get("htcds").decode())))
    assert {"prs_Gender", "bal_Region", "vic_TypeOfExploitation"} <= set(htcds[0])
    eurostat = list(csv.DictReader(io.StringIO(get("eurostat").decode())))
    sexes = {r["category"] for r in eurostat if r["dimension"] == "sex"}
    assert sexes == {"F", "M", "UNK"}
    assert {r["category"] for r in eurostat if r["dimension"] == "exploitation"} <= {
        "EXPL_SEX", "EXPL_LAB", "EXPL_OTH", "UNK"}  # fmt: skip
    assert all(r["obs_flag"] == "c" or r["obs_value"] for r in eurostat)
    # The person-level CTDC file is for statisticians only.
    denied = client.get(reverse("observatory:export", args=[published.pk, "ctdc"]))
    assert denied.status_code == 403
    exports = AuditEntry.objects.filter(action="export", object_id=str(published.pk))
    assert exports.count() == 5


def test_ctdc_export_for_statisticians(published, statistician, signed_in):
    response = signed_in(statistician).get(
        reverse("observatory:export", args=[published.pk, "ctdc"])
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows[0]) == 27 and rows[0][0] == "yearOfRegistration"
    projection = published.refresh.projection()
    assert len(rows) - 1 == sum(projection["referred"].to_pylist())


def test_every_breakdown_has_an_htcds_field_official_or_marked_as_ours():
    from balise.observatory.exports import HTCDS_EXTENSIONS, HTCDS_FIELDS, HTCDS_OFFICIAL
    from balise.observatory.statistics import tables as t

    dims = t.dimensions(t.ReleaseContext(("11",), (), ()))
    assert set(HTCDS_FIELDS) == set(dims)
    assert not set(HTCDS_OFFICIAL) & set(HTCDS_EXTENSIONS)
    # Official names carry the prefix of their HTCDS table; ours never do.
    assert all(
        name.split("_")[0] in ("prs", "vic", "cas", "org") for name in HTCDS_OFFICIAL.values()
    )
    assert all(name.startswith("bal_") for name in HTCDS_EXTENSIONS.values())
