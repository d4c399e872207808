"""Imports of other producers' figures: all or nothing, each fault named by row and column."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from balise.audit.models import AuditEntry
from balise.observatory.models import ExternalSeries, ExternalValue

pytestmark = pytest.mark.django_db


def _post(client, content: bytes, name: str = "survey.csv"):
    return client.post(
        reverse("observatory:import"),
        {
            "name": "Enquête associations 2024",
            "producer": "association_survey",
            "unit": "victims accompanied",
            "file": SimpleUploadedFile(name, content),
        },
    )


def test_an_aggregate_file_is_imported_as_a_separate_series(statistician, signed_in):
    client = signed_in(statistician)
    content = (
        b"year,region,indicator,category,value\n"
        b"2024,,accompanied,total,1200\n2024,,accompanied,women,800\n"
    )
    response = _post(client, content)
    assert response.status_code == 302
    series = ExternalSeries.objects.get()
    assert series.values.count() == 2
    assert AuditEntry.objects.filter(action="observatory.import").count() == 1
    page = client.get(reverse("observatory:external")).content.decode()
    assert "1200" in page and "never added" in page


def test_a_faulty_file_imports_nothing_and_names_each_fault(statistician, signed_in):
    client = signed_in(statistician)
    content = b"year;indicator;value\n2024;accompanied;12\nlast year;accompanied;-3\n2024;;5\n"
    response = _post(client, content)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Row 3, column “year”" in page
    assert "Row 3, column “value”" in page
    assert "Row 4, column “indicator”" in page
    assert not ExternalSeries.objects.exists() and not ExternalValue.objects.exists()


def test_record_level_xlsx_is_counted_on_import(statistician, signed_in):
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["year", "region", "indicator"])
    for _ in range(3):
        sheet.append([2024, "Bretagne", "prosecuted"])
    sheet.append([2024, "Normandie", "prosecuted"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = _post(signed_in(statistician), buffer.getvalue(), "police.xlsx")
    assert response.status_code == 302
    values = {(v.region, v.value) for v in ExternalValue.objects.all()}
    assert values == {("Bretagne", 3), ("Normandie", 1)}


def test_only_statisticians_import(signed_in):
    from tests import factories

    response = _post(signed_in(factories.case_officer()), b"year,indicator,value\n2024,x,1\n")
    assert response.status_code == 403
    assert not ExternalSeries.objects.exists()
