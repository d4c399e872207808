"""Second factor: TOTP (RFC 6238) with replay protection, and single-use backup codes."""

from __future__ import annotations

import secrets

import pyotp
import segno
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone

from balise.accounts.models import BackupCode, TOTPDevice, User
from balise.audit.enums import AuditAction
from balise.audit.services import audit_record

ISSUER = "Balise"
BACKUP_CODE_COUNT = 10


def totp_for(device: TOTPDevice) -> pyotp.TOTP:
    return pyotp.TOTP(device.secret)


def start_enrolment(user: User) -> TOTPDevice:
    """A fresh, unconfirmed secret (replacing an unconfirmed one)."""
    device, created = TOTPDevice.objects.get_or_create(
        user=user, defaults={"secret": pyotp.random_base32()}
    )
    if not created and device.confirmed_at is None:
        device.secret = pyotp.random_base32()
        device.save(update_fields=["secret"])
    return device


def provisioning_uri(device: TOTPDevice) -> str:
    return totp_for(device).provisioning_uri(name=device.user.email, issuer_name=ISSUER)


def provisioning_qr_svg(device: TOTPDevice) -> str:
    return segno.make(provisioning_uri(device), error="m").svg_inline(scale=4, border=2)


def _normalise(code: str) -> str:
    return "".join(ch for ch in code if ch.isalnum()).lower()


def verify_totp(device: TOTPDevice, code: str) -> bool:
    code = _normalise(code)
    if not (code.isdigit() and len(code) == 6):
        return False
    totp = totp_for(device)
    now = timezone.now().timestamp()
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        for drift in (0, -1, 1):
            at = now + drift * totp.interval
            step = int(at // totp.interval)
            if step <= locked.last_used_step:
                continue  # a code is used only once
            if secrets.compare_digest(totp.at(at), code):
                locked.last_used_step = step
                locked.save(update_fields=["last_used_step"])
                device.last_used_step = step
                return True
    return False


def confirm_enrolment(device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm with a first code; returns the backup codes to show once, or None."""
    if not verify_totp(device, code):
        return None
    device.confirmed_at = timezone.now()
    device.save(update_fields=["confirmed_at"])
    audit_record(actor=device.user, action=AuditAction.MFA_ENROLLED, obj=device.user)
    return regenerate_backup_codes(device.user)


def regenerate_backup_codes(user: User) -> list[str]:
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(BACKUP_CODE_COUNT)]
    with transaction.atomic():
        BackupCode.objects.filter(user=user).delete()
        BackupCode.objects.bulk_create(
            [BackupCode(user=user, code_hash=make_password(_normalise(c))) for c in codes]
        )
    return codes


def use_backup_code(user: User, code: str) -> bool:
    code = _normalise(code)
    if len(code) != 12:
        return False
    with transaction.atomic():
        for backup in BackupCode.objects.select_for_update().filter(user=user, used_at=None):
            if check_password(code, backup.code_hash):
                backup.used_at = timezone.now()
                backup.save(update_fields=["used_at"])
                audit_record(actor=user, action=AuditAction.BACKUP_CODE_USED, obj=user)
                return True
    return False


def has_confirmed_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def remaining_backup_codes(user: User) -> int:
    return BackupCode.objects.filter(user=user, used_at=None).count()
