"""Field-level encryption and blind indexes.

Keys come from ``settings.BALISE_FIELD_KEYS``: a comma-separated list of ``key_id:base64key``
(32-byte AES keys). The first key encrypts; every listed key decrypts, so keys rotate by putting a
new key first, running ``manage.py rotate_field_keys``, then removing the old key.

A ciphertext is ``<key_id>$<base64url(nonce | AES-256-GCM(plaintext, aad))>``. The associated data
binds a value to its column (``app_label.Model.field``) so a ciphertext cannot be moved to another
column unnoticed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings


class DecryptionError(Exception):
    """A value could not be decrypted with any configured key."""


@dataclass(frozen=True)
class Keyring:
    primary_id: str
    keys: dict[str, bytes]


def parse_keyring(spec: str) -> Keyring:
    keys: dict[str, bytes] = {}
    order: list[str] = []
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        key_id, _, encoded = part.partition(":")
        if not key_id or "$" in key_id or not encoded:
            raise ValueError("each field key must be written key_id:base64key")
        key = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        if len(key) != 32:
            raise ValueError(f"field key {key_id!r} must be 32 bytes")
        keys[key_id] = key
        order.append(key_id)
    if not order:
        raise ValueError("BALISE_FIELD_KEYS holds no key")
    return Keyring(primary_id=order[0], keys=keys)


@lru_cache(maxsize=4)
def _keyring_for(spec: str) -> Keyring:
    return parse_keyring(spec)


def keyring() -> Keyring:
    return _keyring_for(settings.BALISE_FIELD_KEYS)


def encrypt(plaintext: str, *, aad: str) -> str:
    ring = keyring()
    nonce = os.urandom(12)
    sealed = AESGCM(ring.keys[ring.primary_id]).encrypt(nonce, plaintext.encode(), aad.encode())
    return f"{ring.primary_id}${base64.urlsafe_b64encode(nonce + sealed).decode()}"


def key_id_of(ciphertext: str) -> str:
    return ciphertext.split("$", 1)[0]


def decrypt(ciphertext: str, *, aad: str) -> str:
    key_id, sep, body = ciphertext.partition("$")
    key = keyring().keys.get(key_id)
    if not sep or key is None:
        raise DecryptionError("unknown key id")
    raw = base64.urlsafe_b64decode(body)
    try:
        return AESGCM(key).decrypt(raw[:12], raw[12:], aad.encode()).decode()
    except Exception as exc:  # cryptography raises InvalidTag; never show the value
        raise DecryptionError("ciphertext does not authenticate") from exc


def normalise_for_index(value: str) -> str:
    """Case-, accent- and space-insensitive form used before keyed hashing."""
    value = unicodedata.normalize("NFKD", value)
    value = "".join(c for c in value if not unicodedata.combining(c))
    return " ".join(value.casefold().split())


def blind_index(value: str | None, *, purpose: str) -> str:
    """Keyed hash for exact look-ups on an encrypted value; empty string for no value."""
    if value is None or not str(value).strip():
        return ""
    key = settings.BALISE_BLIND_INDEX_KEY.encode()
    message = f"{purpose}\x00{normalise_for_index(str(value))}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:40]
