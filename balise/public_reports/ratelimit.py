"""Per-address rate limits, kept only in the cache (never in the database, never with a report).
The address itself is not even a cache key: a keyed hash of it is, for the window's length."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def _key(scope: str, request: HttpRequest) -> str:
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{scope}\x00{address}".encode(), hashlib.sha256
    ).hexdigest()[:32]
    return f"balise:pr-rate:{scope}:{digest}"


def hit(scope: str, request: HttpRequest, *, limit: int, window: int) -> bool:
    """Count one attempt; False when the address has used up its ``limit`` in ``window``
    seconds (the window starts at the first attempt)."""
    key = _key(scope, request)
    if cache.add(key, 1, timeout=window):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return True
    return count <= limit
