"""Progress updates: submission, evidence files, validation and return."""

import io
import pathlib
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from balise.audit.models import AuditEntry
from balise.plans.models import Evidence, IndicatorValue, MeasureTransition, ProgressUpdate

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def _post(client, s, **extra):
    data = {"date": "2025-03-01", "text": "Premier comité régional tenu.", "new_status": ""}
    data.update(extra)
    return client.post(reverse("plans:measure", args=[s.measure.pk]), data)


def test_update_with_status_values_and_evidence_counts_once_validated(signed_in, situation):
    s = situation
    response = _post(
        signed_in(s.lead_member),
        s,
        new_status="engaged",
        **{
            f"indicator_{s.indicator.pk}": "42",
            "evidence": [SimpleUploadedFile("compte-rendu.pdf", PDF, "application/pdf")],
        },
    )
    assert response.status_code == 302
    update = ProgressUpdate.objects.get()
    assert update.new_status == "engaged"
    assert update.evidence.count() == 1
    # Nothing counts yet.
    s.measure.refresh_from_db()
    assert s.measure.status == "not_started"
    assert not IndicatorValue.objects.exists()

    signed_in(s.coordinator).post(
        reverse("plans:update_review", args=[update.pk]),
        {"decision": "validate", "comment": "Merci"},
    )
    update.refresh_from_db()
    s.measure.refresh_from_db()
    assert update.status == "validated"
    assert update.reviewed_by == s.coordinator
    assert s.measure.status == "engaged"
    value = IndicatorValue.objects.get()
    assert value.value == Decimal("42") and value.update == update and value.source == "manual"
    log = MeasureTransition.objects.get(measure=s.measure)
    assert (log.from_state, log.to_state, log.actor) == ("not_started", "engaged", s.coordinator)
    assert update.transitions.get().to_state == "validated"


def test_returned_update_applies_nothing_and_cannot_be_validated_later(signed_in, situation):
    s = situation
    _post(signed_in(s.lead_member), s, new_status="engaged", **{f"indicator_{s.indicator.pk}": "5"})
    update = ProgressUpdate.objects.get()
    client = signed_in(s.coordinator)
    url = reverse("plans:update_review", args=[update.pk])
    client.post(url, {"decision": "return"})  # a return needs a comment
    update.refresh_from_db()
    assert update.status == "submitted"
    client.post(url, {"decision": "return", "comment": "Chiffre à vérifier"})
    update.refresh_from_db()
    assert update.status == "returned"
    client.post(url, {"decision": "validate"})
    update.refresh_from_db()
    s.measure.refresh_from_db()
    assert update.status == "returned"
    assert s.measure.status == "not_started"
    assert not IndicatorValue.objects.exists()


def test_impossible_status_change_is_refused(signed_in, situation):
    s = situation
    response = _post(signed_in(s.lead_member), s, new_status="achieved")
    assert response.status_code == 200
    assert "new_status" in response.context["update_form"].errors
    assert not ProgressUpdate.objects.exists()


def test_abandon_needs_a_reason(signed_in, situation):
    s = situation
    response = _post(signed_in(s.lead_member), s, new_status="abandoned")
    assert "status_reason" in response.context["update_form"].errors
    _post(signed_in(s.lead_member), s, new_status="abandoned", status_reason="Remplacée")
    assert ProgressUpdate.objects.get().status_reason == "Remplacée"


def test_update_cannot_be_dated_in_the_future(signed_in, situation):
    s = situation
    response = _post(signed_in(s.lead_member), s, date="2999-01-01")
    assert "date" in response.context["update_form"].errors
    assert not ProgressUpdate.objects.exists()


def _docx() -> bytes:
    buffer = io.BytesIO()
    stamp = (2025, 1, 1, 0, 0, 0)  # fixed, so that the bytes are the same in every process
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(zipfile.ZipInfo("[Content_Types].xml", stamp), "<Types/>")
        z.writestr(zipfile.ZipInfo("word/document.xml", stamp), "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("rapport.pdf", b"MZ\x90\x00 this is a windows executable"),  # content is not a PDF
        ("photo.png", PDF),  # a PDF named as an image
        ("script.exe", b"MZ\x90\x00"),  # type not accepted
        ("notes.txt", b"\x00\x01binary"),
        ("empty.pdf", b""),
        ("tableur.xlsx", _docx()),  # a Word document named as a spreadsheet
    ],
    ids=["exe-as-pdf", "pdf-as-png", "exe", "binary-as-text", "empty", "docx-as-xlsx"],
)
def test_evidence_is_sniffed_and_refused(signed_in, situation, name, content):
    s = situation
    response = _post(signed_in(s.lead_member), s, evidence=[SimpleUploadedFile(name, content)])
    assert response.status_code == 200
    assert "evidence" in response.context["update_form"].errors
    assert not ProgressUpdate.objects.exists()


def test_evidence_too_large_is_refused(signed_in, situation, settings):
    settings.BALISE_PLAN_EVIDENCE_MAX_BYTES = 1024
    s = situation
    big = PDF + b"0" * 2048
    response = _post(signed_in(s.lead_member), s, evidence=[SimpleUploadedFile("big.pdf", big)])
    assert "evidence" in response.context["update_form"].errors
    assert not Evidence.objects.exists()


def test_evidence_is_stored_privately_and_downloads_are_audited(signed_in, situation, settings):
    s = situation
    _post(
        signed_in(s.lead_member),
        s,
        evidence=[
            SimpleUploadedFile("compte-rendu.docx", _docx()),
            SimpleUploadedFile("notes.txt", "Relevé de décisions".encode()),
        ],
    )
    evidence = Evidence.objects.get(original_name="compte-rendu.docx")
    # Stored under a random name, out of any served URL, sealed: the disk holds no plaintext.
    assert "compte-rendu" not in evidence.file.name
    assert str(settings.MEDIA_ROOT) in evidence.file.path
    on_disk = pathlib.Path(evidence.file.path).read_bytes()
    assert b"word/" not in on_disk and not on_disk.startswith(b"PK")
    notes = Evidence.objects.get(original_name="notes.txt")
    assert "Relevé".encode() not in pathlib.Path(notes.file.path).read_bytes()
    url = reverse("plans:evidence", args=[evidence.pk])
    before = AuditEntry.objects.filter(action="download").count()
    response = signed_in(s.coordinator).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == _docx()
    assert "attachment" in response["Content-Disposition"]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert signed_in(s.partner_member).get(url).status_code == 200
    assert AuditEntry.objects.filter(action="download").count() == before + 2
    # Bodies without a part in the measure, and outsiders, get 404 and leave no download.
    from balise.plans.tests import factories as pf

    assert signed_in(s.other_member).get(url).status_code == 404
    assert signed_in(pf.outsider()).get(url).status_code == 404
    assert AuditEntry.objects.filter(action="download").count() == before + 2


def test_evidence_stored_before_sealing_is_sealed_by_the_migration(signed_in, situation):
    import importlib

    from django.apps import apps
    from django.core.files.base import ContentFile

    s = situation
    _post(signed_in(s.lead_member), s, evidence=[SimpleUploadedFile("old.pdf", PDF)])
    evidence = Evidence.objects.get()
    # As an earlier version stored it: the plain file.
    storage, name = evidence.file.storage, evidence.file.name
    storage.delete(name)
    storage.save(name, ContentFile(PDF))
    migration = importlib.import_module("balise.plans.migrations.0002_seal_evidence_files")
    migration.seal_existing(apps, None)
    migration.seal_existing(apps, None)  # run twice: a sealed file is left as it is
    assert pathlib.Path(evidence.file.path).read_bytes() != PDF
    response = signed_in(s.coordinator).get(reverse("plans:evidence", args=[evidence.pk]))
    assert b"".join(response.streaming_content) == PDF
