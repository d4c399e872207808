"""Self-hosted proof-of-work against automated reports.

The server hands out a signed challenge ``{nonce, issued, difficulty}``. The browser (static
``pow.js``) searches a counter such that SHA-256(``challenge:counter``) starts with
``difficulty`` zero bits. The server checks, in this order: the signature, freshness, the work,
and that the challenge was never used before (the nonce is recorded in the same transaction as
the report). No third party is involved and the challenge carries nothing about the visitor."""

from __future__ import annotations

import datetime
import hashlib
import secrets
import time
from dataclasses import dataclass

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from balise.public_reports import conf
from balise.public_reports.models import SpentChallenge

SALT = "balise.public_reports.pow"
MAX_SOLUTION_LENGTH = 16


class ProofOfWorkError(Exception):
    """Why a proof-of-work is refused: ``invalid``, ``stale``, ``replayed`` or ``insufficient``."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


@dataclass(frozen=True)
class Challenge:
    token: str
    difficulty: int


def issue_challenge() -> Challenge:
    difficulty = conf.pow_difficulty()
    payload = {"n": secrets.token_hex(16), "t": int(time.time()), "d": difficulty}
    return Challenge(token=signing.dumps(payload, salt=SALT), difficulty=difficulty)


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + (8 - byte.bit_length())
    return bits


def work_digest(token: str, solution: str) -> bytes:
    return hashlib.sha256(f"{token}:{solution}".encode()).digest()


def solve(token: str, difficulty: int) -> str:
    """What the browser does (used by tests and the demo)."""
    counter = 0
    while leading_zero_bits(work_digest(token, str(counter))) < difficulty:
        counter += 1
    return str(counter)


def check(token: str, solution: str) -> dict:
    """Signature, freshness and work; returns the payload. Does not spend the challenge."""
    try:
        payload = signing.loads(token or "", salt=SALT, max_age=conf.pow_max_age_seconds())
    except signing.SignatureExpired:
        raise ProofOfWorkError("stale") from None
    except signing.BadSignature:
        raise ProofOfWorkError("invalid") from None
    if not isinstance(payload, dict) or not {"n", "t", "d"} <= set(payload):
        raise ProofOfWorkError("invalid")
    if payload["t"] > time.time() + 60:
        raise ProofOfWorkError("invalid")
    if (
        not solution
        or len(solution) > MAX_SOLUTION_LENGTH
        or not solution.isascii()
        or not solution.isdigit()
    ):
        raise ProofOfWorkError("insufficient")
    # Never accept less work than the deployment currently asks for.
    difficulty = max(int(payload["d"]), conf.pow_difficulty())
    if leading_zero_bits(work_digest(token, solution)) < difficulty:
        raise ProofOfWorkError("insufficient")
    return payload


def spend(payload: dict) -> None:
    """Record the challenge as used; a second use raises ``replayed``. Call inside the
    transaction that creates what the challenge protects."""
    expires = datetime.datetime.fromtimestamp(
        payload["t"] + conf.pow_max_age_seconds() + 60, tz=datetime.UTC
    )
    try:
        with transaction.atomic():
            SpentChallenge.objects.create(nonce=payload["n"], expires_at=expires)
    except IntegrityError:
        raise ProofOfWorkError("replayed") from None


def purge_spent(now=None) -> int:  # noqa: ANN001
    deleted, _ = SpentChallenge.objects.filter(expires_at__lt=now or timezone.now()).delete()
    return deleted
