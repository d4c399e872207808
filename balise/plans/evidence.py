"""Evidence files: size and type limits, with the type read from the content, not the name
(``core.files``); they are sealed before they are stored (``services.update_submit``)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from balise.core import files

# extension -> the content type its content must show (``core.files.sniff``)
ALLOWED = {
    ".pdf": files.PDF,
    ".png": files.PNG,
    ".jpg": files.JPEG,
    ".jpeg": files.JPEG,
    ".docx": files.DOCX,
    ".xlsx": files.XLSX,
    ".odt": files.ODT,
    ".ods": files.ODS,
    ".csv": files.CSV,
    ".txt": files.TEXT,
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
    content_type = ALLOWED[ext]
    shown = files.sniff(data)
    if shown != (files.TEXT if content_type == files.CSV else content_type):
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
