from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balise.accounts.enums import Role
from balise.core.fields import EncryptedTextField
from balise.organisations.enums import OrganisationStatus


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user


class User(AbstractBaseUser):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    preferred_language = models.CharField(_("language"), max_length=8, blank=True)
    inactivity_warned_at = models.DateTimeField(null=True, blank=True)
    deactivated_reason = models.CharField(max_length=64, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    # -- memberships ----------------------------------------------------------------------
    def active_memberships(self) -> list[Membership]:
        """The user's active memberships in active organisations, read once per request (the
        role checks of the same request reuse them)."""
        cached = getattr(self, "_active_memberships", None)
        if cached is None:
            cached = self._active_memberships = list(
                active_memberships_queryset().filter(user=self)
            )
        return cached

    def keep_active_memberships(self, memberships: list[Membership]) -> None:
        """Memberships read together with the user (token authentication): no second query."""
        self._active_memberships = memberships

    def has_role(self, *roles: Role | str, organisation_kinds: Iterable[str] | None = None) -> bool:
        for m in self.active_memberships():
            if m.role in roles and (
                organisation_kinds is None or m.organisation.kind in organisation_kinds
            ):
                return True
        return False

    def organisations_with_role(self, *roles: Role | str) -> list:
        return [m.organisation for m in self.active_memberships() if m.role in roles]

    def primary_organisation(self):  # noqa: ANN201
        first = next(iter(self.active_memberships()), None)
        return first.organisation if first else None

    @property
    def is_administrator(self) -> bool:
        return self.has_role(Role.ADMINISTRATOR)

    @property
    def has_access(self) -> bool:
        return self.is_active and len(self.active_memberships()) > 0


def active_memberships_queryset() -> models.QuerySet[Membership]:
    """Active memberships in active organisations, with their organisation, in the order a
    user's organisations are listed (the first is their primary organisation)."""
    return (
        Membership.objects.filter(is_active=True, organisation__status=OrganisationStatus.ACTIVE)
        .select_related("organisation")
        .order_by("organisation__name", "role")
    )


class Membership(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=Q(is_active=True),
                name="unique_active_membership",
            )
        ]
        verbose_name = _("membership")

    def __str__(self) -> str:
        return f"{self.organisation} – {self.get_role_display()}"


class TOTPDevice(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret = EncryptedTextField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_used_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)


class BackupCode(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="backup_codes")
    code_hash = models.CharField(max_length=200)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)


class LoginFailure(models.Model):
    """A failed attempt, keyed by a keyed hash of the account identifier or of the address."""

    class Scope(models.TextChoices):
        ACCOUNT = "account"
        ADDRESS = "address"

    scope = models.CharField(max_length=8, choices=Scope.choices)
    key_hash = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["scope", "key_hash", "at"])]


class PasswordSetToken(models.Model):
    """A single-use, expiring link to choose a password (an invitation or an administrator's
    reset). Only the SHA-256 of the token is stored; the token travels in the email only."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now() and self.user.is_active


class WebAuthnCredential(models.Model):
    """A passkey or security key (WebAuthn), usable as the second factor instead of a TOTP
    code. Only the public key is stored."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="passkeys")
    name = models.CharField(_("name"), max_length=100)
    credential_id = models.CharField(max_length=1400, unique=True)  # base64url
    public_key = models.BinaryField()
    sign_count = models.BigIntegerField(default=0)
    transports = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("passkey")
