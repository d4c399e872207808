"""Evidence files: size and type limits, with the type read from the content, not the name."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# extension -> (content type, kind of check)
ALLOWED = {
    ".pdf": ("application/pdf", "pdf"),
    ".png": ("image/png", "png"),
    ".jpg": ("image/jpeg", "jpeg"),
    ".jpeg": ("image/jpeg", "jpeg"),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "zip:word/",
    ),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "zip:xl/"),
    ".odt": ("application/vnd.oasis.opendocument.text", "zip:mimetype"),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", "zip:mimetype"),
    ".csv": ("text/csv", "text"),
    ".txt": ("text/plain", "text"),
}
MAX_FILES = 5


def max_bytes() -> int:
    return int(getattr(settings, "BALISE_PLAN_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    size: int
    sha256: str
    data: bytes


def _matches(check: str, data: bytes) -> bool:
    if check == "pdf":
        return data.startswith(b"%PDF-")
    if check == "png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if check == "jpeg":
        return data.startswith(b"\xff\xd8\xff")
    if check.startswith("zip:"):
        if not data.startswith(b"PK\x03\x04"):
            return False
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return False
        marker = check[4:]
        return any(n == marker or n.startswith(marker) for n in names)
    if check == "text":
        if b"\x00" in data:
            return False
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True
    return False


def check_upload(upload) -> CheckedFile:  # noqa: ANN001
    """Read an uploaded file and refuse it unless its size and real content are acceptable."""
    name = (upload.name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
    ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if ext not in ALLOWED:
        raise ValidationError(
            _("%(name)s: this type of file is not accepted (PDF, images, office documents, text)."),
            params={"name": name},
        )
    if upload.size > max_bytes():
        raise ValidationError(
            _("%(name)s is too large (at most %(mb)s MB)."),
            params={"name": name, "mb": max_bytes() // (1024 * 1024)},
        )
    data = upload.read(max_bytes() + 1)
    if len(data) > max_bytes():
        raise ValidationError(
            _("%(name)s is too large (at most %(mb)s MB)."),
            params={"name": name, "mb": max_bytes() // (1024 * 1024)},
        )
    content_type, check = ALLOWED[ext]
    if not data or not _matches(check, data):
        raise ValidationError(
            _("%(name)s: the content does not match its type."), params={"name": name}
        )
    return CheckedFile(
        name=name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
    )
