"""Privacy-preserving record linkage with hardened record-level Bloom filters (CLK).

The exact encoding is specified in ``docs/linkage-encoding.md`` (format ``BCLK`` version 1)
together with test vectors. In short: tokens of the name fields, birth date and sex are
hashed with HMAC-SHA256 under keys derived from a secret shared by the contributing
organisations (never given to the observatory) into one 1,024-bit filter, which is then
XOR-folded to 512 bits. Only a pseudonymous record id and the 64-byte encoding leave the
organisation.

Matching uses the Dice coefficient, computed by compiled popcount kernels (``kernels``,
numba), exhaustively or after Hamming-LSH blocking on the encodings themselves, and returns
**match groups only**, never scores.

Python, numpy and numba, no Django import.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import struct
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from . import kernels
from .normalise import birth_year_of, name_key, normalise_date, normalise_name, normalise_sex

__all__ = [
    "BITS",
    "ENCODING_BYTES",
    "FORMAT_VERSION",
    "EncodedRecord",
    "EncodingSet",
    "candidate_pairs",
    "count_unique_persons",
    "dice_counts",
    "encode_file",
    "encode_person",
    "encode_records",
    "exhaustive_pairs",
    "key_fingerprint",
    "match_groups",
    "pseudonym",
    "read_encodings",
    "tokens_for",
    "write_encodings",
]

FORMAT_VERSION = 1
MAGIC = b"BCLK"
FILTER_BITS = 1024  # before folding
BITS = FILTER_BITS // 2  # after XOR-folding
ENCODING_BYTES = BITS // 8
WORDS = BITS // 64
PSEUDONYM_BYTES = 16
HEADER = struct.Struct(">4sBBH8sI")  # magic, version, id length, bits, key fingerprint, count
DOMAIN = b"balise-clk/v1/"

# Field -> number of bit positions per token (see the specification for the rationale).
HASHES_PER_TOKEN = {"name": 3, "name-key": 3, "dob": 24, "sex": 4}
# Dice thresholds: 1-to-1 linkage between contributors can afford a lower threshold because
# each record keeps only its best partner; grouping duplicates transitively needs a higher one.
LINK_THRESHOLD = 0.4
DEDUPE_THRESHOLD = 0.8
# Guard against chaining when duplicates are grouped transitively: two groups are merged only
# if every pair across them has a Dice of at least this (complete linkage), so a chain of
# pairs each just above the threshold cannot pull unrelated records into one group.
DEDUPE_GUARD = 0.7
EXHAUSTIVE_MAX_PAIRS = 2e9


# --------------------------------------------------------------------------- encoding


def _derive(secret: bytes, label: str) -> bytes:
    return hmac.new(secret, DOMAIN + label.encode("ascii"), hashlib.sha256).digest()


def _secret_bytes(secret: str | bytes) -> bytes:
    value = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
    if len(value) < 16:
        raise ValueError("the shared secret must be at least 16 bytes long")
    return value


def key_fingerprint(secret: str | bytes) -> bytes:
    """Eight bytes that let contributors check they used the same secret (reveals nothing)."""
    return _derive(_secret_bytes(secret), "fingerprint")[:8]


def pseudonym(secret: str | bytes, record_id: str) -> bytes:
    """16-byte pseudonymous id; the contributor can recompute it from its own record id."""
    key = _derive(_secret_bytes(secret), "record-id")
    return hmac.new(key, record_id.encode("utf-8"), hashlib.sha256).digest()[:PSEUDONYM_BYTES]


def _bigrams(value: str) -> list[str]:
    padded = "_" + value.replace(" ", "") + "_"
    return [padded[i : i + 2] for i in range(len(padded) - 1)]


def tokens_for(
    first_name: str | None,
    last_name: str | None,
    birth_date: object = None,
    sex: object = None,
    birth_year_estimated: object = None,
) -> dict[str, list[str]]:
    """Tokens per field after normalisation (sorted, without duplicates).

    First and last names share one token set, so swapped names encode identically.
    """
    names = [n for n in (normalise_name(first_name), normalise_name(last_name)) if n]
    keys = [k for k in (name_key(n) for n in names) if k]
    name_tokens = {t for n in names for t in _bigrams(n)}
    key_tokens = {t for k in keys for t in _bigrams(k)}
    dob = normalise_date(birth_date)
    year = birth_year_of(dob, birth_year_estimated)
    # One token per (position, digit) of YYYYMMDD, skipping the century digits that nearly
    # every record shares: a typo in one digit costs one token, and an estimated year still
    # contributes its two last digits.
    digits = dob if dob else (f"{year:04d}" if year is not None else "")
    dob_tokens = {f"{pos}:{d}" for pos, d in enumerate(digits) if pos >= 2}
    sex_n = normalise_sex(sex)
    return {
        "name": sorted(name_tokens),
        "name-key": sorted(key_tokens),
        "dob": sorted(dob_tokens),
        "sex": [f"s{sex_n}"] if sex_n else [],
    }


class Encoder:
    """Holds the derived field keys for one secret."""

    def __init__(self, secret: str | bytes) -> None:
        raw = _secret_bytes(secret)
        self.field_keys = {f: _derive(raw, f"field/{f}") for f in HASHES_PER_TOKEN}
        self._secret = raw

    def positions(self, field: str, token: str) -> list[int]:
        """k positions: 16 per HMAC block; block 0 hashes the token, block j its bytes + j."""
        k = HASHES_PER_TOKEN[field]
        key, msg = self.field_keys[field], token.encode("utf-8")
        stream = b"".join(
            hmac.new(key, msg if j == 0 else msg + bytes([j]), hashlib.sha256).digest()
            for j in range((k + 15) // 16)
        )
        return [int.from_bytes(stream[2 * i : 2 * i + 2], "big") % FILTER_BITS for i in range(k)]

    def encode_tokens(self, tokens: dict[str, list[str]]) -> bytes:
        bits = np.zeros(FILTER_BITS, dtype=np.uint8)
        for field_name, values in tokens.items():
            for token in values:
                bits[self.positions(field_name, token)] = 1
        folded = bits[:BITS] ^ bits[BITS:]
        return np.packbits(folded).tobytes()  # bit i -> byte i // 8, most significant first

    def encode(
        self,
        first_name: str | None,
        last_name: str | None,
        birth_date: object = None,
        sex: object = None,
        birth_year_estimated: object = None,
    ) -> bytes:
        return self.encode_tokens(
            tokens_for(first_name, last_name, birth_date, sex, birth_year_estimated)
        )


def encode_person(
    secret: str | bytes,
    first_name: str | None,
    last_name: str | None,
    birth_date: object = None,
    sex: object = None,
    birth_year_estimated: object = None,
) -> bytes:
    """The 64-byte encoding of one person."""
    return Encoder(secret).encode(first_name, last_name, birth_date, sex, birth_year_estimated)


@dataclass(frozen=True)
class EncodedRecord:
    pseudonym: bytes
    encoding: bytes


def encode_records(secret: str | bytes, rows: Iterable[dict[str, object]]) -> list[EncodedRecord]:
    """Encode dict rows with keys record_id, first_name, last_name, birth_date, sex,
    birth_year_estimated (missing keys mean unknown)."""
    enc = Encoder(secret)
    out: list[EncodedRecord] = []
    for row in rows:
        out.append(
            EncodedRecord(
                pseudonym(secret, str(row["record_id"])),
                enc.encode(
                    _s(row.get("first_name")),
                    _s(row.get("last_name")),
                    row.get("birth_date"),
                    row.get("sex"),
                    row.get("birth_year_estimated") or None,
                ),
            )
        )
    return out


def _s(value: object) -> str | None:
    return None if value is None else str(value)


# --------------------------------------------------------------------------- serialisation


def write_encodings(stream: BinaryIO, records: Sequence[EncodedRecord], fingerprint: bytes) -> None:
    """Header then fixed-size records: 16-byte pseudonym + 64-byte encoding each."""
    stream.write(
        HEADER.pack(MAGIC, FORMAT_VERSION, PSEUDONYM_BYTES, BITS, fingerprint, len(records))
    )
    for rec in records:
        if len(rec.pseudonym) != PSEUDONYM_BYTES or len(rec.encoding) != ENCODING_BYTES:
            raise ValueError("malformed encoded record")
        stream.write(rec.pseudonym)
        stream.write(rec.encoding)


@dataclass
class EncodingSet:
    """Encodings of one contributor as read by the observatory."""

    fingerprint: bytes
    pseudonyms: list[bytes]
    words: np.ndarray  # (n, WORDS) uint64, big-endian words of the 64-byte encodings

    def __len__(self) -> int:
        return len(self.pseudonyms)


def read_encodings(stream: BinaryIO) -> EncodingSet:
    head = stream.read(HEADER.size)
    if len(head) != HEADER.size:
        raise ValueError("truncated header")
    magic, version, id_len, bits, fingerprint, count = HEADER.unpack(head)
    if magic != MAGIC:
        raise ValueError("not a BCLK encoding file")
    if version != FORMAT_VERSION or id_len != PSEUDONYM_BYTES or bits != BITS:
        raise ValueError(f"unsupported BCLK version {version} ({bits} bits)")
    size = PSEUDONYM_BYTES + ENCODING_BYTES
    body = stream.read(size * count)
    if len(body) != size * count or stream.read(1):
        raise ValueError("record count does not match the file size")
    arr = np.frombuffer(body, dtype=np.uint8).reshape(count, size)
    pseudonyms = [bytes(r) for r in arr[:, :PSEUDONYM_BYTES]]
    words = arr[:, PSEUDONYM_BYTES:].copy().view(">u8").astype(np.uint64)
    return EncodingSet(fingerprint, pseudonyms, words.reshape(count, WORDS))


def encodings_to_words(encodings: Sequence[bytes]) -> np.ndarray:
    buf = np.frombuffer(b"".join(encodings), dtype=">u8").astype(np.uint64)
    return buf.reshape(len(encodings), WORDS)


def encode_file(input_csv: str | Path, output: str | Path | BinaryIO, secret: str | bytes) -> int:
    """Encode a contributor's CSV locally; write only pseudonyms and encodings.

    The CSV needs a ``record_id`` column and any of ``first_name``, ``last_name``,
    ``birth_date`` (ISO or YYYYMMDD), ``birth_year_estimated`` and ``sex``. Other columns
    are ignored. Returns the number of records written.
    """
    with open(input_csv, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    records = encode_records(secret, rows)
    fp = key_fingerprint(secret)
    if isinstance(output, (str, Path)):
        buffer = io.BytesIO()
        write_encodings(buffer, records, fp)
        Path(output).write_bytes(buffer.getvalue())
    else:
        write_encodings(output, records, fp)
    return len(records)


# --------------------------------------------------------------------------- matching


def popcounts(words: np.ndarray) -> np.ndarray:
    return kernels.popcounts(words)


def dice_counts(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """All-pairs |a_i AND b_j| (shape (len(a), len(b)), uint16), compiled kernel."""
    return kernels.dice_counts(a, b)


def _pair_dice(words: np.ndarray, pops: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    inter = kernels.pair_counts(words, i, j).astype(np.float32)
    denom = (pops[i] + pops[j]).astype(np.float32)
    return np.where(denom > 0, 2.0 * inter / np.maximum(denom, 1.0), 0.0).astype(np.float32)


def _band_positions(bands: int, rows: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.stack([rng.choice(BITS, size=rows, replace=False) for _ in range(bands)])


def candidate_pairs(
    words: np.ndarray,
    sources: np.ndarray,
    *,
    bands: int = 24,
    rows: int = 16,
    seed: int = 20260101,
    within_sources: bool = True,
    max_block: int = 2000,
) -> tuple[np.ndarray, np.ndarray]:
    """Hamming-LSH blocking: records agreeing on all sampled bits of one band are candidates.

    Bit positions are public parameters (the seed); the blocking uses nothing but the
    encodings. Blocks larger than ``max_block`` (degenerate encodings) are skipped.
    """
    n = words.shape[0]
    bits = np.unpackbits(words.astype(">u8").view(np.uint8).reshape(n, -1), axis=1)
    positions = _band_positions(bands, rows, seed)
    weights = (1 << np.arange(rows, dtype=np.uint64)).astype(np.uint64)
    found: list[np.ndarray] = []
    for band in positions:
        keys = (bits[:, band].astype(np.uint64) * weights).sum(axis=1, dtype=np.uint64)
        order = np.argsort(keys, kind="stable")
        sk = keys[order]
        starts = np.flatnonzero(np.r_[True, sk[1:] != sk[:-1]])
        sizes = np.diff(np.r_[starts, n])
        big = starts[sizes > max_block]
        mask = np.ones(n, dtype=bool)
        for s, size in zip(big, sizes[sizes > max_block], strict=True):
            mask[s : s + size] = False
        ends = np.repeat(starts + sizes, sizes)  # end of each sorted element's block
        partners = ends - np.arange(n) - 1
        partners[~mask] = 0
        total = int(partners.sum())
        if total == 0:
            continue
        left = np.repeat(np.arange(n), partners)
        offsets = np.arange(total) - np.repeat(np.cumsum(partners) - partners, partners)
        right = left + offsets + 1
        a, b = order[left], order[right]
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        found.append(lo.astype(np.int64) * n + hi)
    if not found:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    flat = np.unique(np.concatenate(found))
    i, j = flat // n, flat % n
    if not within_sources:
        keep = sources[i] != sources[j]
        i, j = i[keep], j[keep]
    return i, j


def exhaustive_pairs(
    words: np.ndarray,
    sources: np.ndarray,
    threshold: float,
    *,
    within_sources: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All pairs i < j with Dice >= threshold (no blocking); returns (i, j, dice).

    Compiled kernel, with rows sorted by popcount so that pairs whose lengths alone rule out
    the threshold are never compared (``kernels.threshold_pairs``).
    """
    i, j, dice, _ = kernels.threshold_pairs(
        words, sources, threshold, within_sources=within_sources
    )
    return i, j, dice


def match_groups(
    sets: dict[str, EncodingSet],
    *,
    threshold: float | None = None,
    one_per_source: bool = False,
    within_sources: bool = True,
    blocking: str = "auto",
    bands: int = 40,
    rows: int = 12,
) -> list[list[tuple[str, bytes]]]:
    """Groups of (contributor, pseudonym) believed to be the same person (size >= 2).

    Pairs at or above ``threshold`` Dice are merged best-first. With ``one_per_source`` a
    group never holds two records of the same contributor (1-to-1 linkage); otherwise
    duplicates within a contributor are merged too. ``blocking`` is ``"exhaustive"``,
    ``"lsh"`` or ``"auto"`` (exhaustive up to ``EXHAUSTIVE_MAX_PAIRS`` comparisons).
    No similarity score is returned.
    """
    fingerprints = {s.fingerprint for s in sets.values()}
    if len(fingerprints) > 1:
        raise ValueError("contributors did not use the same shared secret")
    if threshold is None:
        threshold = LINK_THRESHOLD if one_per_source else DEDUPE_THRESHOLD
    names = list(sets)
    if not names:
        return []
    words = np.concatenate([sets[k].words for k in names])
    sources = np.concatenate(
        [np.full(len(sets[k]), idx, dtype=np.int32) for idx, k in enumerate(names)]
    )
    labels = [(k, p) for k in names for p in sets[k].pseudonyms]
    within = within_sources and not one_per_source
    n = len(labels)
    if blocking == "auto":
        blocking = "exhaustive" if n * (n - 1) / 2 <= EXHAUSTIVE_MAX_PAIRS else "lsh"
    if blocking == "exhaustive":
        i, j, dice = exhaustive_pairs(words, sources, threshold, within_sources=within)
    elif blocking == "lsh":
        i, j = candidate_pairs(words, sources, bands=bands, rows=rows, within_sources=within)
        dice = _pair_dice(words, popcounts(words), i, j)
        ok = dice >= threshold
        i, j, dice = i[ok], j[ok], dice[ok]
    else:
        raise ValueError(f"unknown blocking {blocking!r}")
    order = np.argsort(-dice, kind="stable")
    groups = _merge(
        n,
        i[order],
        j[order],
        sources if one_per_source else None,
        guard=None if one_per_source else (words, DEDUPE_GUARD),
    )
    return [[labels[x] for x in g] for g in groups]


def _merge(
    n: int,
    i: np.ndarray,
    j: np.ndarray,
    sources: np.ndarray | None,
    *,
    guard: tuple[np.ndarray, float] | None = None,
) -> list[list[int]]:
    parent = list(range(n))
    members: dict[int, set[int]] = {}
    groups: dict[int, list[int]] = {}
    if guard is not None:
        guard_words, guard_min = guard
        guard_pops = popcounts(guard_words)

    def close_enough(ra: int, rb: int) -> bool:
        ga, gb = groups.get(ra, [ra]), groups.get(rb, [rb])
        if len(ga) + len(gb) <= 2:
            return True
        wa, wb = guard_words[ga], guard_words[gb]
        inter = np.bitwise_count(wa[:, None, :] & wb[None, :, :]).sum(axis=2)
        denom = guard_pops[ga][:, None] + guard_pops[gb][None, :]
        return bool((2 * inter >= guard_min * denom).all())

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in zip(i.tolist(), j.tolist(), strict=True):
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        if sources is not None:
            sa = members.setdefault(ra, {int(sources[ra])})
            sb = members.setdefault(rb, {int(sources[rb])})
            if sa & sb:
                continue
            parent[rb] = ra
            members[ra] = sa | sb
            members.pop(rb, None)
        elif guard is not None:
            if not close_enough(ra, rb):
                continue
            parent[rb] = ra
            groups[ra] = groups.pop(ra, [ra]) + groups.pop(rb, [rb])
        else:
            parent[rb] = ra
    out: dict[int, list[int]] = {}
    for x in range(n):
        out.setdefault(find(x), []).append(x)
    return [g for g in out.values() if len(g) > 1]


def count_unique_persons(sets: dict[str, EncodingSet], groups: list[list[object]]) -> int:
    total = sum(len(s) for s in sets.values())
    return total - sum(len(g) - 1 for g in groups)


def iter_records(path: str | Path) -> Iterator[EncodedRecord]:
    with open(path, "rb") as fh:
        data = read_encodings(fh)
    raw = data.words.astype(">u8").tobytes()
    for k, p in enumerate(data.pseudonyms):
        yield EncodedRecord(p, raw[k * ENCODING_BYTES : (k + 1) * ENCODING_BYTES])
