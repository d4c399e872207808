"""Uploaded files: the type comes from the content, and files are sealed to their record."""

import io
import zipfile

import pytest

from balise.core import crypto, files


def _zip(entries: dict[str, bytes]) -> bytes:
    # A fixed date: the bytes (and the test ids built from them) must not depend on the clock,
    # or parallel workers collect different tests when the second changes between them.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"%PDF-1.7\n", files.PDF),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", files.JPEG),
        (b"\x89PNG\r\n\x1a\n\x00", files.PNG),
        (_zip({"word/document.xml": b"<w/>"}), files.DOCX),
        (_zip({"xl/workbook.xml": b"<x/>"}), files.XLSX),
        (_zip({"mimetype": files.ODS.encode(), "content.xml": b"<o/>"}), files.ODS),
        (_zip({"mimetype": b"application/x-evil"}), None),
        (_zip({"payload.exe": b"MZ"}), None),
        (b"PK\x03\x04 truncated", None),
        ("Relevé ; مرحبا\n".encode(), files.TEXT),
        (b"<svg onload=alert(1)>", None),
        (b"MZ\x90\x00", None),
        (b"", None),
    ],
)
def test_the_type_is_read_from_the_content(data, expected):
    assert files.sniff(data) == expected


def test_a_sample_may_end_in_the_middle_of_a_character_but_a_whole_file_may_not():
    cut = "مرحبا".encode()[:-1]
    assert files.sniff(cut, sample=True) == files.TEXT
    assert files.sniff(cut) is None


def test_a_sealed_file_opens_only_for_the_record_it_was_sealed_to():
    sealed = files.seal(b"%PDF-1.7 secret", aad="plans.Evidence:1")
    assert b"secret" not in sealed
    assert files.unseal(sealed, aad="plans.Evidence:1") == b"%PDF-1.7 secret"
    with pytest.raises(crypto.DecryptionError):
        files.unseal(sealed, aad="plans.Evidence:2")
    with pytest.raises(crypto.DecryptionError):
        files.unseal(b"%PDF-1.7 never sealed", aad="plans.Evidence:1")
