"""Receipt codes: 20 characters of Crockford base32 drawn from the OS's secure generator
(100 bits), written in four groups of five. The first group is the non-secret lookup prefix kept
in clear to find the row in O(1); the whole code is hashed with Argon2id. Whoever reads the
database still has 75 unknown bits to guess, each guess costing one Argon2id computation."""

from __future__ import annotations

import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from balise.public_reports import conf

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
GROUPS = 4
GROUP_LENGTH = 5
CODE_LENGTH = GROUPS * GROUP_LENGTH
PREFIX_LENGTH = GROUP_LENGTH
ENTROPY_BITS = CODE_LENGTH * 5
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def generate_code() -> str:
    """A fresh code, shown once to the reporter, e.g. ``7K2QD-M9XRT-4HBWN-P3C8Z``."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return format_code(raw)


def format_code(raw: str) -> str:
    return "-".join(raw[i : i + GROUP_LENGTH] for i in range(0, CODE_LENGTH, GROUP_LENGTH))


def normalise_code(text: str) -> str | None:
    """The 20 significant characters of what the reporter typed, or None if it cannot be a
    code. Spaces, dashes and case do not matter; O/I/L/U read as 0/1/1/V."""
    cleaned = "".join(ch for ch in (text or "")[:64].upper() if ch not in " -\t\r\n")
    cleaned = cleaned.translate(_CONFUSABLE)
    if len(cleaned) != CODE_LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def prefix_of(normalised: str) -> str:
    return normalised[:PREFIX_LENGTH]


@lru_cache(maxsize=4)
def _hasher(params: tuple[tuple[str, int], ...]) -> PasswordHasher:
    return PasswordHasher(**dict(params))


def hasher() -> PasswordHasher:
    return _hasher(tuple(sorted(conf.argon2_parameters().items())))


def hash_code(normalised: str) -> str:
    return hasher().hash(normalised)


@lru_cache(maxsize=4)
def _dummy_hash(params: tuple[tuple[str, int], ...]) -> str:
    return _hasher(params).hash(secrets.token_hex(16))


def verify_code(code_hash: str | None, normalised: str | None) -> bool:
    """Exactly one Argon2id verification whatever the input, so that an unknown prefix, an
    expired code and a wrong code take the same time."""
    params = tuple(sorted(conf.argon2_parameters().items()))
    target = code_hash or _dummy_hash(params)
    candidate = normalised or "0" * CODE_LENGTH
    try:
        ok = _hasher(params).verify(target, candidate)
    except (VerificationError, InvalidHashError):
        ok = False
    return bool(ok and code_hash and normalised)
