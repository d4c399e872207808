"""Uploaded files, the same way everywhere: the type is read from the content (never the name or
the browser's claim), and the file is sealed with AES-GCM under the field key ring before it
touches the disk, bound to the record it belongs to.

A sealed file is ``<key id>$<12-byte nonce><ciphertext and tag>``: the key id lets old files be
read after a new primary key is added (keep retired keys in ``BALISE_FIELD_KEYS`` while files
sealed with them exist)."""

from __future__ import annotations

import io
import os
import zipfile

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from balise.core import crypto

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
TEXT = "text/plain"
CSV = "text/csv"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"

_MARKUP = ("<script", "<html", "<svg", "<!doctype", "<iframe", "<object")


def is_plain_text(data: bytes, *, sample: bool = False) -> bool:
    """UTF-8 text without NUL bytes, control characters or markup a browser would run.
    ``sample``: ``data`` is the first bytes of a longer file, so a multi-byte character cut at
    its end is fine."""
    if not data or b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if not sample or exc.start < len(data) - 4:
            return False
        text = data[: exc.start].decode("utf-8")
    lowered = text[:4096].lower()
    if any(marker in lowered for marker in _MARKUP):
        return False
    return all(c.isprintable() or c in "\n\r\t\f" for c in text)


def _office_type(data: bytes) -> str | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        if "mimetype" in names:
            declared = archive.read("mimetype").decode("ascii", "replace").strip()
            return declared if declared in (ODT, ODS) else None
    except (zipfile.BadZipFile, KeyError, RuntimeError, ValueError):
        return None
    if any(n.startswith("word/") for n in names):
        return DOCX
    if any(n.startswith("xl/") for n in names):
        return XLSX
    return None


def sniff(data: bytes, *, sample: bool = False) -> str | None:
    """The content type that ``data`` shows (PDF, JPEG, PNG, office documents, plain text), or
    ``None``. Office documents are recognised only from the whole file (``sample=False``)."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"PK\x03\x04"):
        return None if sample else _office_type(data)
    if is_plain_text(data, sample=sample):
        return TEXT
    return None


def seal(data: bytes, *, aad: str) -> bytes:
    """Encrypt a file's bytes with the primary key, bound to ``aad`` (what the file belongs to)."""
    ring = crypto.keyring()
    nonce = os.urandom(12)
    sealed = AESGCM(ring.keys[ring.primary_id]).encrypt(nonce, data, aad.encode())
    return ring.primary_id.encode() + b"$" + nonce + sealed


def unseal(raw: bytes, *, aad: str) -> bytes:
    """The bytes sealed by ``seal`` for the same ``aad``; ``crypto.DecryptionError`` otherwise."""
    key_id, sep, rest = raw.partition(b"$")
    key = crypto.keyring().keys.get(key_id.decode("ascii", "replace"))
    if not sep or key is None or len(rest) < 28:
        raise crypto.DecryptionError("unknown key id")
    try:
        return AESGCM(key).decrypt(rest[:12], rest[12:], aad.encode())
    except InvalidTag as exc:
        raise crypto.DecryptionError("file does not authenticate") from exc
