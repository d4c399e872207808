"""Import measures from CSV/XLSX (all or nothing), export a plan with its progress."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from balise.audit.models import AuditEntry
from balise.plans.models import Axis, Measure

pytestmark = pytest.mark.django_db

HEADER = (
    "axis_number,axis_title,number,title,description,lead_body,partner_bodies,"
    "start_date,due_date,budget_planned,budget_spent,status\n"
)


def _csv(*rows: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("mesures.csv", (HEADER + "".join(rows)).encode())


def test_csv_import_creates_and_updates_measures(signed_in, situation):
    s = situation
    client = signed_in(s.coordinator)
    upload = _csv(
        "1,,1,Créer un circuit de signalement commun,Nouvelle description,Association Lead,"
        ',2024-01-01,2025-12-31,"1000,50",,not_started\n',
        "2,Protéger,3,Ouvrir 300 places,,Shelter Other,Police Partner ; Association Lead,"
        ",,2000,100,engaged\n",
        "2,,4,Former les agents,,Police Partner,,,,,,\n",
    )
    response = client.post(reverse("plans:import", args=[s.plan.pk]), {"file": upload})
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "3" in messages[0]
    assert Axis.objects.filter(plan=s.plan).count() == 2
    m1 = Measure.objects.get(plan=s.plan, number=1)
    assert m1.title == "Créer un circuit de signalement commun"
    assert str(m1.budget_planned) == "1000.50"
    m3 = Measure.objects.get(plan=s.plan, number=3)
    assert m3.status == "engaged" and m3.axis.title == "Protéger"
    assert {o.name for o in m3.partner_bodies.all()} == {"Police Partner", "Association Lead"}
    assert m3.transitions.get().to_state == "engaged"
    assert AuditEntry.objects.filter(action="plan_import").count() == 1


def test_faulty_rows_are_named_and_nothing_is_imported(signed_in, situation):
    s = situation
    upload = _csv(
        "1,,5,Bonne ligne,,Association Lead,,,,,,\n",
        "x,,6,,,Inconnue,,2024-13-01,,abc,,fini\n",
        "3,,5,Doublon,,Association Lead,,,,,,\n",
    )
    response = signed_in(s.coordinator).post(
        reverse("plans:import", args=[s.plan.pk]), {"file": upload}
    )
    assert response.status_code == 400
    errors = {(e.row, e.column) for e in response.context["result"].errors}
    assert {
        (3, "axis_number"),
        (3, "title"),
        (3, "lead_body"),
        (3, "start_date"),
        (3, "budget_planned"),
        (3, "status"),
        (4, "number"),
        (4, "axis_title"),
    } <= errors
    assert (2, "title") not in errors
    assert not Measure.objects.filter(plan=s.plan, number=5).exists()
    assert Axis.objects.filter(plan=s.plan).count() == 1
    body = response.content.decode()
    assert "lead_body" in body and "Inconnue" in body


def test_impossible_status_change_rolls_back_the_whole_import(signed_in, situation):
    s = situation
    upload = _csv(
        "1,,7,Nouvelle mesure,,Association Lead,,,,,,\n",
        "1,,1,Créer un circuit de signalement,,Association Lead,,,,,,achieved\n",
    )
    response = signed_in(s.coordinator).post(
        reverse("plans:import", args=[s.plan.pk]), {"file": upload}
    )
    assert response.status_code == 400
    assert [(e.row, e.column) for e in response.context["result"].errors] == [(3, "status")]
    assert not Measure.objects.filter(plan=s.plan, number=7).exists()


def test_xlsx_import(signed_in, situation):
    s = situation
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER.strip().split(","))
    ws.append(
        [
            3,
            "Poursuivre",
            10,
            "Enquêtes financières",
            "",
            "Police Partner",
            "",
            None,
            None,
            5000,
            0,
            "engagée",
        ]
    )
    ws.append(
        [
            3,
            None,
            11,
            "Saisies d'avoirs",
            "",
            "Police Partner",
            "",
            None,
            None,
            None,
            None,
            "not_started",
        ]
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    upload = SimpleUploadedFile("mesures.xlsx", buffer.getvalue())
    response = signed_in(s.coordinator).post(
        reverse("plans:import", args=[s.plan.pk]), {"file": upload}
    )
    assert response.status_code == 302, response.context["result"].errors
    assert Measure.objects.get(plan=s.plan, number=10).status == "engaged"
    assert Measure.objects.filter(plan=s.plan, axis__number=3).count() == 2


def test_unreadable_or_wrong_files_are_refused(signed_in, situation):
    client = signed_in(situation.coordinator)
    url = reverse("plans:import", args=[situation.plan.pk])
    bad_xlsx = SimpleUploadedFile("m.xlsx", b"not a workbook")
    response = client.post(url, {"file": bad_xlsx})
    assert response.status_code == 400
    missing = SimpleUploadedFile("m.csv", b"number,title\n1,x\n")
    response = client.post(url, {"file": missing})
    assert "axis_number" in response.content.decode()
    response = client.post(url, {"file": SimpleUploadedFile("m.txt", b"x")})
    assert response.status_code == 200 and response.context["form"].errors


def test_export_csv_and_xlsx_with_progress(signed_in, situation):
    s = situation
    s.measure.title = '=HYPERLINK("http://evil")'
    s.measure.save()
    client = signed_in(s.coordinator)
    response = client.get(reverse("plans:export", args=[s.plan.pk, "csv"]))
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["number"] for r in rows] == ["1", "2"]
    assert rows[0]["title"].startswith("'=")  # formula neutralised
    assert rows[0]["lead_body"] == "Association Lead" and rows[0]["milestones"] == "1"
    response = client.get(reverse("plans:export", args=[s.plan.pk, "xlsx"]))
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["measures", "indicators", "updates"]
    assert wb["measures"]["C2"].value == 1
    assert AuditEntry.objects.filter(action="export").count() == 2
    assert client.get(reverse("plans:export", args=[s.plan.pk, "json"])).status_code == 404


def test_export_round_trips_through_import(signed_in, situation):
    s = situation
    client = signed_in(s.coordinator)
    exported = client.get(reverse("plans:export", args=[s.plan.pk, "csv"])).content
    # Progress columns are not import columns: keep the plan columns only.
    rows = list(csv.reader(io.StringIO(exported.decode("utf-8-sig"))))
    trimmed = "\n".join(",".join(f'"{c}"' for c in r[:12]) for r in rows).encode()
    response = client.post(
        reverse("plans:import", args=[s.plan.pk]),
        {"file": SimpleUploadedFile("retour.csv", trimmed)},
    )
    assert response.status_code == 302
    assert Measure.objects.filter(plan=s.plan).count() == 2
