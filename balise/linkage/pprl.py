"""Privacy-preserving record linkage with hardened record-level Bloom filters (CLK).

The exact encoding is specified in ``docs/linkage-encoding.md`` (format ``BCLK`` version 2)
together with test vectors. In short: tokens of the name fields, birth-date components and
sex are hashed with HMAC-SHA256 under keys derived from a secret shared by the contributing
organisations (never given to the observatory) into one 1,024-bit filter, which is then
XOR-folded to 512 bits. Only a pseudonymous record id, a byte saying which fields were
present and the 64-byte encoding leave the organisation.

Matching scores pairs by the Dice coefficient (containment between a record without a
birth date and one with), computed by compiled popcount kernels (``kernels``, numba),
exhaustively or after Hamming-LSH blocking on the encodings themselves; duplicates need a
score that rises with the number of look-alikes. It returns **match groups only**, never
scores.

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
    "RECORD_BYTES",
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
    "specification_vectors",
    "tokens_for",
    "write_encodings",
]

FORMAT_VERSION = 2
MAGIC = b"BCLK"
FILTER_BITS = 1024  # before folding
BITS = FILTER_BITS // 2  # after XOR-folding
ENCODING_BYTES = BITS // 8
WORDS = BITS // 64
PSEUDONYM_BYTES = 16
FLAGS_BYTES = 1
RECORD_BYTES = PSEUDONYM_BYTES + FLAGS_BYTES + ENCODING_BYTES
HEADER = struct.Struct(">4sBBH8sI")  # magic, version, id length, bits, key fingerprint, count
DOMAIN = b"balise-clk/v2/"

# Field -> number of bit positions per token (see the specification for the rationale).
HASHES_PER_TOKEN = {
    "name": 4,
    "name-key": 2,
    "year": 8,
    "year-range": 6,
    "month": 12,
    "day": 12,
    "date-digit": 12,
    "sex": 4,
}
# Per-record flags (one byte, the only thing besides the encoding that is written): which
# fields were present. They tell the matcher how to compare a record whose birth date is
# unknown with one whose date is known; the popcount of the encoding already says as much.
FLAG_NAME = 1
FLAG_BIRTH_DATE = 2  # full date
FLAG_BIRTH_YEAR = 4  # year only (estimated age or partial date)
FLAG_SEX = 8

# Matching. The score of a pair is the Dice coefficient, except between a record with a
# full birth date and one without: there it is the containment |a AND b| / |b| of the
# encoding b without a date in the other one, minus CONTAINMENT_OFFSET (a missing date is
# not a disagreement: a referral without documents is compared on what it has, as
# in-the-clear Fellegi-Sunter linkage does; the offset puts containment on the Dice scale).
CONTAINMENT_OFFSET = 0.15
# 1-to-1 linkage between contributors can afford a lower, fixed threshold because each
# record keeps only its best partner.
LINK_THRESHOLD = 0.4
# Grouping duplicates transitively uses a threshold that rises with the number of
# look-alikes: a pair is kept when its score reaches
#   min(DEDUPE_THRESHOLD + DEDUPE_CROWD_STEP * log2(1 + c), DEDUPE_MAX_THRESHOLD)
# where c is the smaller of the two records' counts of look-alikes (partners scoring in
# [NEIGHBOUR_LEVEL, DEDUPE_THRESHOLD)). A record with a frequent name and a common birth
# year has many look-alikes and needs more agreement, as a term-frequency adjustment
# demands more of a frequent name in the clear. Only encodings are used.
DEDUPE_THRESHOLD = 0.7
DEDUPE_CROWD_STEP = 0.03
DEDUPE_MAX_THRESHOLD = 0.9
NEIGHBOUR_LEVEL = 0.58
# Guard against chaining when duplicates are grouped transitively: two groups are merged only
# if every pair across them scores at least this (complete linkage), so a chain of pairs each
# just above the threshold cannot pull unrelated records into one group.
DEDUPE_GUARD = 0.55
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

    First and last names share one token set, so swapped names encode identically. The
    birth date gives one token per component (year, month, day) and one per digit after
    the century (``"<position>:<digit>"``), so a typo costs one component and one digit,
    plus three year-range tokens (year - 1, year, year + 1) that an estimated year a year
    or two away still partly shares.
    """
    names = [n for n in (normalise_name(first_name), normalise_name(last_name)) if n]
    keys = [k for k in (name_key(n) for n in names) if k]
    dob = normalise_date(birth_date)
    year = birth_year_of(dob, birth_year_estimated)
    sex_n = normalise_sex(sex)
    return {
        "name": sorted({t for n in names for t in _bigrams(n)}),
        "name-key": sorted({t for k in keys for t in _bigrams(k)}),
        "year": [f"{year:04d}"] if year is not None else [],
        "year-range": sorted(f"{year + d:04d}" for d in (-1, 0, 1)) if year is not None else [],
        "month": [dob[4:6]] if dob else [],
        "day": [dob[6:8]] if dob else [],
        "date-digit": sorted(f"{p}:{d}" for p, d in enumerate(dob) if p >= 2) if dob else [],
        "sex": [sex_n] if sex_n else [],
    }


def flags_for(tokens: dict[str, list[str]]) -> int:
    """The record's flags byte (which fields were present) from its tokens."""
    flags = FLAG_NAME if tokens["name"] else 0
    if tokens["day"]:
        flags |= FLAG_BIRTH_DATE
    elif tokens["year"]:
        flags |= FLAG_BIRTH_YEAR
    return flags | (FLAG_SEX if tokens["sex"] else 0)


class Encoder:
    """Holds the derived field keys for one secret."""

    def __init__(self, secret: str | bytes) -> None:
        raw = _secret_bytes(secret)
        self.field_keys = {f: _derive(raw, f"field/{f}") for f in HASHES_PER_TOKEN}
        self._secret = raw
        self._cache: dict[tuple[str, str], list[int]] = {}

    def positions(self, field: str, token: str) -> list[int]:
        """k positions: 16 per HMAC block; block 0 hashes the token, block j its bytes + j."""
        cached = self._cache.get((field, token))
        if cached is not None:
            return cached
        k = HASHES_PER_TOKEN[field]
        key, msg = self.field_keys[field], token.encode("utf-8")
        stream = b"".join(
            hmac.new(key, msg if j == 0 else msg + bytes([j]), hashlib.sha256).digest()
            for j in range((k + 15) // 16)
        )
        out = [int.from_bytes(stream[2 * i : 2 * i + 2], "big") % FILTER_BITS for i in range(k)]
        if len(self._cache) < 1 << 18:  # name bigrams and date parts repeat a lot
            self._cache[(field, token)] = out
        return out

    def encode_tokens(self, tokens: dict[str, list[str]]) -> bytes:
        bits = np.zeros(FILTER_BITS, dtype=np.uint8)
        for field_name, values in tokens.items():
            for token in values:
                bits[self.positions(field_name, token)] = 1
        folded = bits[:BITS] ^ bits[BITS:]
        return np.packbits(folded).tobytes()  # bit i -> byte i // 8, most significant first

    def encode_with_flags(
        self,
        first_name: str | None,
        last_name: str | None,
        birth_date: object = None,
        sex: object = None,
        birth_year_estimated: object = None,
    ) -> tuple[int, bytes]:
        tokens = tokens_for(first_name, last_name, birth_date, sex, birth_year_estimated)
        return flags_for(tokens), self.encode_tokens(tokens)

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


# Inputs of the specification's test vectors (docs/linkage-encoding.md, section 9).
VECTOR_SECRET = "balise test vector secret 0002"  # noqa: S105 - public, for the vectors
VECTOR_CASES: tuple[tuple[str | None, str | None, str | None, str | None, int | None], ...] = (
    ("Mohamed", "Alaoui", "1990-03-15", "M", None),
    ("محمد", "Alaoui", "1990-03-15", "M", None),
    ("Blessing", "Okafor", None, "F", 1998),
    ("Okafor", "Blessing", None, "F", 1998),
    ("Ștefan", "Popescu", "19851231", None, None),
    ("Thị Hương", "Nguyễn", "2001-07-04", "f", None),
    (None, None, None, "F", 2003),
)
VECTOR_POSITIONS = (("name", "_m"), ("date-digit", "2:9"), ("year", "1990"))


def specification_vectors(
    secret: str = VECTOR_SECRET,
    cases: Sequence[tuple[object, ...]] = VECTOR_CASES,
    positions: Sequence[tuple[str, str]] = VECTOR_POSITIONS,
) -> dict[str, object]:
    """The test vectors of the specification, computed by this implementation."""
    enc = Encoder(secret)
    encodings = []
    for first, last, dob, sex, year in cases:
        tokens = tokens_for(first, last, dob, sex, year)
        encodings.append(
            {
                "first_name": first,
                "last_name": last,
                "birth_date": dob,
                "sex": sex,
                "birth_year_estimated": year,
                "tokens": tokens,
                "flags": flags_for(tokens),
                "encoding_hex": enc.encode_tokens(tokens).hex(),
            }
        )
    return {
        "secret_utf8": secret,
        "key_fingerprint_hex": key_fingerprint(secret).hex(),
        "pseudonyms": [
            {"record_id": rid, "pseudonym_hex": pseudonym(secret, rid).hex()}
            for rid in ("A-0001", "42")
        ],
        "field_keys_hex": {k: v.hex() for k, v in enc.field_keys.items()},
        "positions": [
            {"field": f, "token": t, "positions": enc.positions(f, t)} for f, t in positions
        ],
        "encodings": encodings,
    }


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
    flags: int = 0


def encode_records(secret: str | bytes, rows: Iterable[dict[str, object]]) -> list[EncodedRecord]:
    """Encode dict rows with keys record_id, first_name, last_name, birth_date, sex,
    birth_year_estimated (missing keys mean unknown)."""
    enc = Encoder(secret)
    out: list[EncodedRecord] = []
    for row in rows:
        flags, encoding = enc.encode_with_flags(
            _s(row.get("first_name")),
            _s(row.get("last_name")),
            row.get("birth_date"),
            row.get("sex"),
            _year(row.get("birth_year_estimated")),
        )
        out.append(EncodedRecord(pseudonym(secret, str(row["record_id"])), encoding, flags))
    return out


def _s(value: object) -> str | None:
    if value is None or (isinstance(value, float) and value != value):  # NaN from pandas
        return None
    return str(value)


def _year(value: object) -> object:
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return None
    return value


# --------------------------------------------------------------------------- serialisation


def write_encodings(stream: BinaryIO, records: Sequence[EncodedRecord], fingerprint: bytes) -> None:
    """Header then fixed-size records: 16-byte pseudonym, flags byte, 64-byte encoding."""
    stream.write(
        HEADER.pack(MAGIC, FORMAT_VERSION, PSEUDONYM_BYTES, BITS, fingerprint, len(records))
    )
    for rec in records:
        if len(rec.pseudonym) != PSEUDONYM_BYTES or len(rec.encoding) != ENCODING_BYTES:
            raise ValueError("malformed encoded record")
        if not 0 <= rec.flags < 16:
            raise ValueError("malformed record flags")
        stream.write(rec.pseudonym)
        stream.write(bytes([rec.flags]))
        stream.write(rec.encoding)


@dataclass
class EncodingSet:
    """Encodings of one contributor as read by the observatory."""

    fingerprint: bytes
    pseudonyms: list[bytes]
    words: np.ndarray  # (n, WORDS) uint64, big-endian words of the 64-byte encodings
    flags: np.ndarray | None = None  # (n,) uint8; None means "every birth date known"

    def __len__(self) -> int:
        return len(self.pseudonyms)

    def flag_array(self) -> np.ndarray:
        if self.flags is None:
            return np.full(len(self), FLAG_NAME | FLAG_BIRTH_DATE, dtype=np.uint8)
        return self.flags


def read_encodings(stream: BinaryIO) -> EncodingSet:
    head = stream.read(HEADER.size)
    if len(head) != HEADER.size:
        raise ValueError("truncated header")
    magic, version, id_len, bits, fingerprint, count = HEADER.unpack(head)
    if magic != MAGIC:
        raise ValueError("not a BCLK encoding file")
    if version == 1:
        raise ValueError(
            "BCLK version 1 file: this version is no longer read (its matching was less "
            "accurate); re-encode the records with the current linkage_encode"
        )
    if version != FORMAT_VERSION or id_len != PSEUDONYM_BYTES or bits != BITS:
        raise ValueError(f"unsupported BCLK version {version} ({bits} bits)")
    body = stream.read(RECORD_BYTES * count)
    if len(body) != RECORD_BYTES * count or stream.read(1):
        raise ValueError("record count does not match the file size")
    arr = np.frombuffer(body, dtype=np.uint8).reshape(count, RECORD_BYTES)
    pseudonyms = [bytes(r) for r in arr[:, :PSEUDONYM_BYTES]]
    flags = arr[:, PSEUDONYM_BYTES].copy()
    if (flags >= 16).any():
        raise ValueError("malformed record flags")
    words = arr[:, PSEUDONYM_BYTES + FLAGS_BYTES :].copy().view(">u8").astype(np.uint64)
    return EncodingSet(fingerprint, pseudonyms, words.reshape(count, WORDS), flags)


def encodings_to_words(encodings: Sequence[bytes]) -> np.ndarray:
    buf = np.frombuffer(b"".join(encodings), dtype=">u8").astype(np.uint64)
    return buf.reshape(len(encodings), WORDS)


def encoding_set(secret: str | bytes, records: Sequence[EncodedRecord]) -> EncodingSet:
    """An EncodingSet straight from encoded records (what reading their file gives)."""
    return EncodingSet(
        key_fingerprint(secret),
        [r.pseudonym for r in records],
        encodings_to_words([r.encoding for r in records]),
        np.array([r.flags for r in records], dtype=np.uint8),
    )


def encode_file(input_csv: str | Path, output: str | Path | BinaryIO, secret: str | bytes) -> int:
    """Encode a contributor's CSV locally; write only pseudonyms, flags and encodings.

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


# Kinds of records for scoring: a full birth date; no full date but a name (compared by
# containment with dated records); neither (never grouped: a year and a sex say too little).
KIND_DATED, KIND_UNDATED, KIND_NONE = 0, 1, 2


def record_kinds(flags: np.ndarray) -> np.ndarray:
    flags = np.asarray(flags, dtype=np.uint8)
    kinds = np.full(len(flags), KIND_NONE, dtype=np.int8)
    kinds[(flags & FLAG_NAME) != 0] = KIND_UNDATED
    kinds[(flags & FLAG_BIRTH_DATE) != 0] = KIND_DATED
    return kinds


def pair_scores(
    inter: np.ndarray, pa: np.ndarray, pb: np.ndarray, ka: np.ndarray, kb: np.ndarray
) -> np.ndarray:
    """Scores of pairs from |a AND b|, popcounts and kinds (see CONTAINMENT_OFFSET)."""
    inter = inter.astype(np.float64)
    pa, pb = pa.astype(np.float64), pb.astype(np.float64)
    dice = np.where(pa + pb > 0, 2.0 * inter / np.maximum(pa + pb, 1.0), 0.0)
    undated = np.where(ka == KIND_UNDATED, pa, pb)  # popcount of the record without a date
    contained = inter / np.maximum(undated, 1.0) - CONTAINMENT_OFFSET
    mixed = ((ka == KIND_DATED) & (kb == KIND_UNDATED)) | (
        (ka == KIND_UNDATED) & (kb == KIND_DATED)
    )
    score = np.where(mixed, contained, dice)
    score[(ka == KIND_NONE) | (kb == KIND_NONE)] = 0.0
    return score.astype(np.float32)


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


def scored_pairs(
    words: np.ndarray,
    flags: np.ndarray,
    sources: np.ndarray,
    level: float,
    *,
    within_sources: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All pairs i < j scoring at least ``level`` (see ``pair_scores``), no blocking.

    Dated records are compared with each other and undated ones with each other by Dice
    (popcount-sorted kernel); undated records with dated ones by containment.
    """
    kinds = record_kinds(flags)
    dated, undated = np.flatnonzero(kinds == KIND_DATED), np.flatnonzero(kinds == KIND_UNDATED)
    out_i, out_j, out_s = [], [], []
    for subset in (dated, undated):
        if len(subset) < 2:
            continue
        i, j, dice, _ = kernels.threshold_pairs(
            words[subset], sources[subset], level, within_sources=within_sources
        )
        out_i.append(subset[i])
        out_j.append(subset[j])
        out_s.append(dice)
    if len(undated) and len(dated) and level + CONTAINMENT_OFFSET <= 1.0:
        x, y, cont = kernels.containment_pairs(
            words[undated], words[dated], level + CONTAINMENT_OFFSET
        )
        x, y = undated[x], dated[y]
        keep = np.ones(len(x), dtype=bool) if within_sources else sources[x] != sources[y]
        out_i.append(np.minimum(x, y)[keep])
        out_j.append(np.maximum(x, y)[keep])
        out_s.append((cont[keep] - CONTAINMENT_OFFSET).astype(np.float32))
    if not out_i:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0, dtype=np.float32)
    return np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_s)


def crowd_thresholds(n: int, i: np.ndarray, j: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Per-pair dedupe threshold from the records' numbers of look-alikes (see above)."""
    band = (score >= NEIGHBOUR_LEVEL) & (score < DEDUPE_THRESHOLD)
    crowd = np.bincount(i[band], minlength=n) + np.bincount(j[band], minlength=n)
    need = DEDUPE_THRESHOLD + DEDUPE_CROWD_STEP * np.log2(1.0 + np.minimum(crowd[i], crowd[j]))
    return np.minimum(need, DEDUPE_MAX_THRESHOLD)


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

    Pairs scoring at least the threshold are merged best-first. With ``one_per_source`` a
    group never holds two records of the same contributor (1-to-1 linkage, threshold
    ``LINK_THRESHOLD``); otherwise duplicates within a contributor are merged too, with the
    look-alike-dependent threshold described above unless ``threshold`` fixes one.
    ``blocking`` is ``"exhaustive"``, ``"lsh"`` or ``"auto"`` (exhaustive up to
    ``EXHAUSTIVE_MAX_PAIRS`` comparisons). No similarity score is returned.
    """
    fingerprints = {s.fingerprint for s in sets.values()}
    if len(fingerprints) > 1:
        raise ValueError("contributors did not use the same shared secret")
    crowd = threshold is None and not one_per_source
    if threshold is None:
        threshold = LINK_THRESHOLD if one_per_source else DEDUPE_THRESHOLD
    level = min(threshold, NEIGHBOUR_LEVEL) if crowd else threshold
    names = list(sets)
    if not names:
        return []
    words = np.concatenate([sets[k].words for k in names])
    flags = np.concatenate([sets[k].flag_array() for k in names])
    sources = np.concatenate(
        [np.full(len(sets[k]), idx, dtype=np.int32) for idx, k in enumerate(names)]
    )
    labels = [(k, p) for k in names for p in sets[k].pseudonyms]
    within = within_sources and not one_per_source
    n = len(labels)
    if blocking == "auto":
        blocking = "exhaustive" if n * (n - 1) / 2 <= EXHAUSTIVE_MAX_PAIRS else "lsh"
    if blocking == "exhaustive":
        i, j, score = scored_pairs(words, flags, sources, level, within_sources=within)
    elif blocking == "lsh":
        i, j = candidate_pairs(words, sources, bands=bands, rows=rows, within_sources=within)
        pops, kinds = popcounts(words), record_kinds(flags)
        inter = kernels.pair_counts(words, i, j)
        score = pair_scores(inter, pops[i], pops[j], kinds[i], kinds[j])
        ok = score >= level
        i, j, score = i[ok], j[ok], score[ok]
    else:
        raise ValueError(f"unknown blocking {blocking!r}")
    if crowd:
        ok = score >= crowd_thresholds(n, i, j, score)
        i, j, score = i[ok], j[ok], score[ok]
    order = np.argsort(-score, kind="stable")
    groups = _merge(
        n,
        i[order],
        j[order],
        sources if one_per_source else None,
        guard=None if one_per_source else (words, flags, DEDUPE_GUARD),
    )
    return [[labels[x] for x in g] for g in groups]


def _merge(
    n: int,
    i: np.ndarray,
    j: np.ndarray,
    sources: np.ndarray | None,
    *,
    guard: tuple[np.ndarray, np.ndarray, float] | None = None,
) -> list[list[int]]:
    parent = list(range(n))
    members: dict[int, set[int]] = {}
    groups: dict[int, list[int]] = {}
    if guard is not None:
        guard_words, guard_flags, guard_min = guard
        guard_pops = popcounts(guard_words)
        guard_kinds = record_kinds(guard_flags)

    def close_enough(ra: int, rb: int) -> bool:
        ga, gb = groups.get(ra, [ra]), groups.get(rb, [rb])
        if len(ga) + len(gb) <= 2:
            return True
        wa, wb = guard_words[ga], guard_words[gb]
        inter = np.bitwise_count(wa[:, None, :] & wb[None, :, :]).sum(axis=2)
        pa, pb = guard_pops[ga][:, None], guard_pops[gb][None, :]
        ka, kb = guard_kinds[ga][:, None], guard_kinds[gb][None, :]
        pa, pb, ka, kb = np.broadcast_arrays(pa, pb, ka, kb)
        return bool((pair_scores(inter, pa, pb, ka, kb) >= guard_min).all())

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
    flags = data.flag_array()
    for k, p in enumerate(data.pseudonyms):
        yield EncodedRecord(p, raw[k * ENCODING_BYTES : (k + 1) * ENCODING_BYTES], int(flags[k]))
