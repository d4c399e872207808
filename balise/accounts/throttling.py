"""Login throttling, per account and per address. Identifiers are kept only as keyed hashes."""

from __future__ import annotations

import datetime
import hashlib
import hmac

from django.conf import settings
from django.utils import timezone

from balise.accounts.models import LoginFailure


def _key(scope: str, value: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{scope}\x00{value.casefold()}".encode(), hashlib.sha256).hexdigest()


def _window_start() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=settings.BALISE_LOGIN_LOCKOUT_MINUTES)


def is_throttled(*, identifier: str, address: str) -> bool:
    since = _window_start()
    account = LoginFailure.objects.filter(
        scope=LoginFailure.Scope.ACCOUNT, key_hash=_key("account", identifier), at__gte=since
    ).count()
    if account >= settings.BALISE_LOGIN_MAX_FAILURES_PER_ACCOUNT:
        return True
    by_address = LoginFailure.objects.filter(
        scope=LoginFailure.Scope.ADDRESS, key_hash=_key("address", address), at__gte=since
    ).count()
    return by_address >= settings.BALISE_LOGIN_MAX_FAILURES_PER_ADDRESS


def record_failure(*, identifier: str, address: str) -> None:
    LoginFailure.objects.bulk_create(
        [
            LoginFailure(scope=LoginFailure.Scope.ACCOUNT, key_hash=_key("account", identifier)),
            LoginFailure(scope=LoginFailure.Scope.ADDRESS, key_hash=_key("address", address)),
        ]
    )
    # Old rows are useless: keep the table small.
    LoginFailure.objects.filter(at__lt=_window_start() - datetime.timedelta(days=1)).delete()


def clear_account_failures(*, identifier: str) -> None:
    LoginFailure.objects.filter(
        scope=LoginFailure.Scope.ACCOUNT, key_hash=_key("account", identifier)
    ).delete()
