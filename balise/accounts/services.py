"""Account writes: sign-in steps, users and memberships. Every change is audited."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import authenticate, login
from django.contrib.auth.password_validation import validate_password
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from balise.accounts import mfa, throttling
from balise.accounts.enums import AccountAction, DeactivationReason, ReactivationReason, Role
from balise.accounts.models import (
    BackupCode,
    Membership,
    PasswordSetToken,
    TOTPDevice,
    User,
    WebAuthnCredential,
)
from balise.audit.enums import AuditAction
from balise.audit.services import audit_record

PENDING_KEY = "mfa_pending"
VERIFIED_KEY = "mfa_verified"
PENDING_SECONDS = 300


class LoginResult:
    OK = "ok"
    INVALID = "invalid"
    THROTTLED = "throttled"
    NO_ACCESS = "no_access"


def client_address(request: HttpRequest) -> str:
    # Behind the proxy, the proxy sets REMOTE_ADDR through the WSGI server's configuration.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def password_step(request: HttpRequest, *, email: str, password: str) -> tuple[str, User | None]:
    """First step of signing in. On success the user is pending until the second factor."""
    identifier = email.strip().lower()
    address = client_address(request)
    if throttling.is_throttled(identifier=identifier, address=address):
        audit_record(action=AuditAction.LOGIN_THROTTLED, subject=identifier)
        return LoginResult.THROTTLED, None
    user = authenticate(request, username=identifier, password=password)
    if user is None:
        throttling.record_failure(identifier=identifier, address=address)
        audit_record(action=AuditAction.LOGIN_FAILED, subject=identifier)
        return LoginResult.INVALID, None
    if not user.has_access:
        audit_record(
            actor=user,
            action=AuditAction.ACCESS_DENIED,
            obj=user,
            details={"reason": "no_active_membership"},
        )
        return LoginResult.NO_ACCESS, None
    throttling.clear_account_failures(identifier=identifier)
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user_id": str(user.pk),
        "backend": user.backend,
        "at": timezone.now().timestamp(),
    }
    return LoginResult.OK, user


def pending_user(request: HttpRequest) -> User | None:
    """The user between the two steps (or signed in through SSO without a second factor)."""
    if request.user.is_authenticated and not request.session.get(VERIFIED_KEY):
        return request.user
    data = request.session.get(PENDING_KEY)
    if not data or timezone.now().timestamp() - data["at"] > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=data["user_id"], is_active=True).first()
    if user is not None:
        user.backend = data["backend"]
    return user


def complete_login(request: HttpRequest, user: User) -> None:
    """Second factor accepted: open the session."""
    request.session.pop(PENDING_KEY, None)
    if not request.user.is_authenticated:
        login(request, user, backend=getattr(user, "backend", None))
    request.session[VERIFIED_KEY] = True
    if user.preferred_language:
        request.session["_language"] = user.preferred_language


def second_factor_step(request: HttpRequest, user: User, *, code: str) -> str:
    identifier = user.email
    address = client_address(request)
    if throttling.is_throttled(identifier=identifier, address=address):
        audit_record(actor=user, action=AuditAction.LOGIN_THROTTLED, obj=user)
        return LoginResult.THROTTLED
    device = getattr(user, "totp_device", None)
    ok = device is not None and device.confirmed_at is not None and mfa.verify_totp(device, code)
    if not ok:
        ok = mfa.use_backup_code(user, code)
    if not ok:
        throttling.record_failure(identifier=identifier, address=address)
        audit_record(actor=user, action=AuditAction.MFA_FAILED, obj=user)
        return LoginResult.INVALID
    throttling.clear_account_failures(identifier=identifier)
    complete_login(request, user)
    return LoginResult.OK


# -- users and memberships (administrators) ---------------------------------------------------


class AccountError(Exception):
    """A change refused by a rule (the message is translated and safe to show)."""


def _default_invitation_days() -> int:
    return int(getattr(settings, "BALISE_INVITATION_DAYS", 7))


def hash_password_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def user_create(
    *,
    acting_user: User | None,
    email: str,
    full_name: str,
    password: str | None = None,
    preferred_language: str = "",
) -> User:
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise AccountError(_("A user with this email address already exists."))
    user = User(email=email, full_name=full_name.strip(), preferred_language=preferred_language)
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit_record(actor=acting_user, action=AuditAction.CREATE, obj=user)
    return user


def invitation_send(
    *, acting_user: User | None, user: User, site_url: str, days: int | None = None
) -> PasswordSetToken:
    """Email a single-use link to choose a password. Earlier unused links stop working."""
    days = days or _default_invitation_days()
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        PasswordSetToken.objects.filter(user=user, used_at__isnull=True).delete()
        token = PasswordSetToken.objects.create(
            user=user,
            token_hash=hash_password_token(raw),
            created_at=now,
            expires_at=now + datetime.timedelta(days=days),
        )
        audit_record(
            actor=acting_user,
            action=AccountAction.INVITATION_SENT,
            obj=user,
            details={"valid_days": days},
        )
    link = site_url.rstrip("/") + reverse("accounts:set_password_link", args=[raw])
    with override(user.preferred_language or settings.LANGUAGE_CODE):
        send_mail(
            _("Choose your Balise password"),
            _(
                "Hello %(full_name)s,\n\n"
                "An account has been opened for you on Balise, the national referral mechanism "
                "against human trafficking. Choose your password with this link, which works "
                "once and for %(days)s days:\n\n%(link)s\n\n"
                "At your first sign-in you will set up a second factor with an authenticator app "
                "on your phone.\n\nIf you did not expect this message, ignore it."
            )
            % {"full_name": user.full_name, "days": days, "link": link},
            None,
            [user.email],
        )
    return token


def password_token_lookup(raw: str) -> PasswordSetToken | None:
    """The usable token matching ``raw`` (unused, unexpired, active user), else None."""
    if not raw or len(raw) > 100:
        return None
    token = (
        PasswordSetToken.objects.select_related("user")
        .filter(token_hash=hash_password_token(raw))
        .first()
    )
    if token is None or not token.is_usable:
        return None
    return token


def password_set_with_token(*, raw: str, password: str) -> User:
    """Consume the token and set the password (validators apply). Raises ``AccountError`` if
    the link is no longer usable and ``ValidationError`` if the password is refused."""
    with transaction.atomic():
        token = password_token_lookup(raw)
        if token is None:
            raise AccountError(_("This link has expired or was already used."))
        token = PasswordSetToken.objects.select_for_update().get(pk=token.pk)
        if token.used_at is not None:
            raise AccountError(_("This link has expired or was already used."))
        user = token.user
        validate_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
        token.used_at = timezone.now()
        token.save(update_fields=["used_at"])
        audit_record(actor=user, action=AccountAction.PASSWORD_SET, obj=user)
    return user


@transaction.atomic
def user_deactivate(
    *, acting_user: User | None, user: User, reason: DeactivationReason | str = "other"
) -> User:
    """Disable the account. Its sessions and API tokens stop working at the next request."""
    if acting_user is not None and acting_user.pk == user.pk:
        raise AccountError(_("You cannot deactivate your own account."))
    user.is_active = False
    user.deactivated_reason = str(reason)
    user.save(update_fields=["is_active", "deactivated_reason"])
    PasswordSetToken.objects.filter(user=user, used_at__isnull=True).delete()
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=user,
        details={"change": "deactivated", "reason": str(reason)},
    )
    return user


@transaction.atomic
def user_reactivate(
    *, acting_user: User | None, user: User, reason: ReactivationReason | str = "other"
) -> User:
    user.is_active = True
    user.deactivated_reason = ""
    user.inactivity_warned_at = None
    user.last_login = timezone.now()  # restart the inactivity clock
    user.save(
        update_fields=["is_active", "deactivated_reason", "inactivity_warned_at", "last_login"]
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=user,
        details={"change": "reactivated", "reason": str(reason)},
    )
    return user


@transaction.atomic
def mfa_reset(*, acting_user: User | None, user: User) -> None:
    """Remove the second factor (app, passkeys, backup codes): the user enrols again at next
    sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    BackupCode.objects.filter(user=user).delete()
    WebAuthnCredential.objects.filter(user=user).delete()
    audit_record(actor=acting_user, action=AccountAction.MFA_RESET, obj=user)


@transaction.atomic
def membership_add(
    *,
    acting_user: User | None,
    user: User,
    organisation,  # noqa: ANN001
    role: Role | str,
) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role, is_active=True
    )
    if not created:
        raise AccountError(_("This user already has this role in this organisation."))
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=membership,
        details={"role": str(role), "organisation": str(organisation.pk)},
    )
    return membership


@transaction.atomic
def membership_end(*, acting_user: User | None, membership: Membership) -> Membership:
    if (
        acting_user is not None
        and membership.user_id == acting_user.pk
        and membership.role == Role.ADMINISTRATOR
    ):
        raise AccountError(_("You cannot end your own administrator role."))
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    audit_record(
        actor=acting_user, action=AuditAction.UPDATE, obj=membership, details={"change": "ended"}
    )
    return membership


@transaction.atomic
def user_invite(
    *,
    acting_user: User | None,
    email: str,
    full_name: str,
    preferred_language: str,
    site_url: str,
    organisation=None,  # noqa: ANN001
    role: Role | str = "",
) -> User:
    """Create an account without a password, optionally with a first membership, and email
    the invitation to choose a password."""
    user = user_create(
        acting_user=acting_user,
        email=email,
        full_name=full_name,
        preferred_language=preferred_language,
    )
    if organisation is not None and role:
        membership_add(acting_user=acting_user, user=user, organisation=organisation, role=role)
    invitation_send(acting_user=acting_user, user=user, site_url=site_url)
    return user


# -- inactive accounts ------------------------------------------------------------------------


@dataclass
class InactivityPlan:
    to_warn: list[User] = field(default_factory=list)
    to_disable: list[User] = field(default_factory=list)
    to_clear: list[User] = field(default_factory=list)


def _unused_since(before: datetime.datetime) -> Q:
    """Not signed in after ``before`` (never-used accounts count from their creation)."""
    return Q(last_login__lte=before) | Q(last_login__isnull=True, date_joined__lte=before)


def inactive_accounts_plan(*, now: datetime.datetime | None = None) -> InactivityPlan:
    """Who the sweep would warn, disable, or release from a warning, without changing anything.

    A user is warned after ``BALISE_INACTIVE_WARN_DAYS`` without signing in and disabled after
    ``BALISE_INACTIVE_DISABLE_DAYS``, but never before the warning has given them the announced
    grace period (so a sweep that did not run for a while cannot warn and disable at once)."""
    now = now or timezone.now()
    warn_days = settings.BALISE_INACTIVE_WARN_DAYS
    disable_days = settings.BALISE_INACTIVE_DISABLE_DAYS
    warn_before = now - datetime.timedelta(days=warn_days)
    disable_before = now - datetime.timedelta(days=disable_days)
    grace_before = now - datetime.timedelta(days=max(disable_days - warn_days, 0))
    active: QuerySet[User] = User.objects.filter(is_active=True).order_by("pk")
    plan = InactivityPlan()
    unwarned = active.filter(inactivity_warned_at__isnull=True)
    plan.to_warn = list(unwarned.filter(_unused_since(warn_before)))
    warned = active.filter(inactivity_warned_at__isnull=False)
    for user in warned:
        signed_in_since_warning = user.last_login is not None and (
            user.last_login >= user.inactivity_warned_at
        )
        if signed_in_since_warning:
            plan.to_clear.append(user)
            continue
        unused = (user.last_login or user.date_joined) <= disable_before
        if unused and user.inactivity_warned_at <= grace_before:
            plan.to_disable.append(user)
    return plan


def inactive_accounts_sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Warn, then disable, accounts unused for the configured number of days."""
    now = now or timezone.now()
    plan = inactive_accounts_plan(now=now)
    left = settings.BALISE_INACTIVE_DISABLE_DAYS - settings.BALISE_INACTIVE_WARN_DAYS
    for user in plan.to_warn:
        with override(user.preferred_language or settings.LANGUAGE_CODE):
            send_mail(
                _("Your Balise account will be disabled"),
                _(
                    "You have not signed in to Balise for %(days)s days. Sign in within "
                    "%(left)s days to keep your account; after that an administrator will have "
                    "to reactivate it."
                )
                % {"days": settings.BALISE_INACTIVE_WARN_DAYS, "left": left},
                None,
                [user.email],
            )
        with transaction.atomic():
            user.inactivity_warned_at = now
            user.save(update_fields=["inactivity_warned_at"])
            audit_record(actor=None, action=AccountAction.INACTIVITY_WARNED, obj=user)
    for user in plan.to_disable:
        user_deactivate(acting_user=None, user=user, reason=DeactivationReason.INACTIVITY)
    User.objects.filter(pk__in=[u.pk for u in plan.to_clear]).update(inactivity_warned_at=None)
    return {
        "warned": len(plan.to_warn),
        "disabled": len(plan.to_disable),
        "cleared": len(plan.to_clear),
    }
