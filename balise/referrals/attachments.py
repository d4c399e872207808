"""Attachments: checked by content (magic bytes, not the name), size-limited, encrypted at rest
under MEDIA_ROOT with random names, and readable only through an access-checked view that
audits every download."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _

from balise.audit.enums import AuditAction
from balise.audit.services import audit_record
from balise.core import files
from balise.referrals.models import Attachment, Referral
from balise.referrals.permissions import can_edit_draft
from balise.referrals.validation import check_text

MAX_BYTES = getattr(settings, "BALISE_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
MAX_PER_REFERRAL = 10
ALLOWED_TYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "text/plain": "text",
}


def sniff(head: bytes) -> str | None:
    """The content type that the first bytes show, among the allowed ones; None otherwise."""
    found = files.sniff(head, sample=True)
    return found if found in ALLOWED_TYPES else None


def _path(attachment: Attachment) -> Path:
    return (
        Path(settings.MEDIA_ROOT)
        / "attachments"
        / attachment.stored_name[:2]
        / (attachment.stored_name)
    )


def _aad(attachment: Attachment) -> str:
    return f"referrals.Attachment:{attachment.pk}"


def validate_upload(upload: UploadedFile) -> tuple[bytes, str]:
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError(
            _("The file is too large (at most %(mb)s MB).") % {"mb": MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    data = b"".join(upload.chunks())
    if len(data) > MAX_BYTES:
        raise ValidationError(_("The file is too large."), code="too_large")
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    content_type = sniff(data[:8192])
    if content_type is None:
        raise ValidationError(
            _(
                "This kind of file is not accepted, whatever its name says. "
                "Send a PDF, a JPEG or PNG image, or plain text."
            ),
            code="type",
        )
    if content_type == "text/plain" and not files.is_plain_text(data):
        raise ValidationError(_("This text file contains unexpected content."), code="type")
    return data, content_type


def _clean_name(name: str) -> str:
    name = os.path.basename(name or "")[:200] or "file"
    try:
        check_text(name)
    except ValidationError:
        name = "file"
    return name


def attachment_add(*, acting_user, referral: Referral, upload: UploadedFile) -> Attachment:  # noqa: ANN001
    """Check, encrypt and store a file given with a draft."""
    if not can_edit_draft(acting_user, referral):
        raise ValidationError(_("Files can only be added to your own draft."), code="denied")
    if referral.attachments.count() >= MAX_PER_REFERRAL:
        raise ValidationError(
            _("At most %(n)s files per referral.") % {"n": MAX_PER_REFERRAL}, code="too_many"
        )
    data, content_type = validate_upload(upload)
    with transaction.atomic():
        attachment = Attachment(
            referral=referral,
            original_name=_clean_name(upload.name),
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by=acting_user,
        )
        path = _path(attachment)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(files.seal(data, aad=_aad(attachment)))
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
        try:
            attachment.save()
            audit_record(
                actor=acting_user,
                action=AuditAction.CREATE,
                obj=attachment,
                details={"referral": str(referral.pk), "type": content_type, "size": len(data)},
            )
        except Exception:
            path.unlink(missing_ok=True)
            raise
    return attachment


def attachment_read(*, acting_user, attachment: Attachment) -> bytes:  # noqa: ANN001
    """Decrypt a file for a user whose access the caller has checked; audited."""
    data = files.unseal(_path(attachment).read_bytes(), aad=_aad(attachment))
    audit_record(
        actor=acting_user,
        action=AuditAction.DOWNLOAD,
        obj=attachment,
        details={"referral": str(attachment.referral_id)},
    )
    return data


def streaming_response(attachment: Attachment, data: bytes) -> StreamingHttpResponse:
    """The decrypted file, streamed in chunks, never rendered by the browser (no sniffing, a
    sandbox, a name that says nothing of the content)."""
    response = StreamingHttpResponse(
        (data[i : i + 65536] for i in range(0, len(data), 65536)),
        content_type=attachment.content_type,
    )
    response["Content-Length"] = str(len(data))
    response["Content-Disposition"] = f'attachment; filename="balise-{str(attachment.pk)[:8]}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def attachment_delete_file(attachment: Attachment) -> None:
    _path(attachment).unlink(missing_ok=True)


@transaction.atomic
def attachment_remove(*, acting_user, attachment: Attachment) -> None:  # noqa: ANN001
    if not can_edit_draft(acting_user, attachment.referral):
        raise ValidationError(_("Files can only be removed from your own draft."), code="denied")
    audit_record(actor=acting_user, action=AuditAction.DELETE, obj=attachment)
    attachment_delete_file(attachment)
    attachment.delete()
