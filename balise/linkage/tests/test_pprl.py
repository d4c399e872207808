"""PPRL encodings: specification vectors, what leaves the organisation, matching, attacks."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import re
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from balise.linkage import datasets as ds
from balise.linkage import kernels, pprl, reident
from balise.linkage.normalise import name_key, normalise_date, normalise_name, normalise_sex
from balise.linkage.synthetic import generate_register

DOC = Path(__file__).resolve().parents[3] / "docs" / "linkage-encoding.md"
SECRET = "a shared secret for the test suite"


def _vectors() -> dict:
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## 9. Test vectors") :]
    block = re.search(r"```json\n(.*?)\n```", section, re.S)
    assert block, "no JSON test vectors in the specification"
    return json.loads(block.group(1))


# -- an independent implementation of sections 1-4 of the specification, written from the
# -- document (it shares only normalisation with the library).

K = {
    "name": 4,
    "name-key": 2,
    "year": 8,
    "year-range": 6,
    "month": 12,
    "day": 12,
    "date-digit": 12,
    "sex": 4,
}


def _spec_tokens(first, last, dob, sex, year) -> dict[str, set[str]]:
    tokens: dict[str, set[str]] = {f: set() for f in K}
    for n in (normalise_name(first), normalise_name(last)):
        if not n:
            continue
        v = "_" + n.replace(" ", "") + "_"
        tokens["name"] |= {v[i : i + 2] for i in range(len(v) - 1)}
        key = "_" + (name_key(n) or "") + "_"
        tokens["name-key"] |= {key[i : i + 2] for i in range(len(key) - 1)}
    d = normalise_date(dob)
    y = int(d[:4]) if d else (int(year) if year and 1880 <= int(year) <= 2100 else None)
    if y is not None:
        tokens["year"] = {f"{y:04d}"}
        tokens["year-range"] = {f"{y - 1:04d}", f"{y:04d}", f"{y + 1:04d}"}
    if d:
        tokens["month"], tokens["day"] = {d[4:6]}, {d[6:8]}
        tokens["date-digit"] = {f"{p}:{d[p]}" for p in range(2, 8)}
    x = normalise_sex(sex)
    if x:
        tokens["sex"] = {x}
    return tokens


def _spec_encode(secret: str, first, last, dob, sex, year) -> tuple[int, bytes]:
    s = secret.encode()

    def derive(label: str) -> bytes:
        return hmac.new(s, b"balise-clk/v2/" + label.encode(), hashlib.sha256).digest()

    tokens = _spec_tokens(first, last, dob, sex, year)
    bloom = [0] * 1024
    for field, values in tokens.items():
        key = derive("field/" + field)
        for t in values:
            m = t.encode()
            h = hmac.new(key, m, hashlib.sha256).digest()
            for j in range(1, (K[field] + 15) // 16):
                h += hmac.new(key, m + bytes([j]), hashlib.sha256).digest()
            for i in range(K[field]):
                bloom[int.from_bytes(h[2 * i : 2 * i + 2], "big") % 1024] = 1
    folded = [bloom[i] ^ bloom[i + 512] for i in range(512)]
    flags = (1 if tokens["name"] else 0) | (8 if tokens["sex"] else 0)
    flags |= 2 if tokens["day"] else (4 if tokens["year"] else 0)
    encoding = bytes(
        sum(bit << (7 - j) for j, bit in enumerate(folded[b * 8 : b * 8 + 8])) for b in range(64)
    )
    return flags, encoding


def test_specification_vectors_match_the_library_and_an_independent_implementation() -> None:
    vec = _vectors()
    # The vectors in the document are exactly what the library computes today...
    assert vec == json.loads(json.dumps(pprl.specification_vectors(), ensure_ascii=False))
    secret = vec["secret_utf8"]
    assert pprl.key_fingerprint(secret).hex() == vec["key_fingerprint_hex"]
    for p in vec["pseudonyms"]:
        assert pprl.pseudonym(secret, p["record_id"]).hex() == p["pseudonym_hex"]
    enc = pprl.Encoder(secret)
    assert {k: v.hex() for k, v in enc.field_keys.items()} == vec["field_keys_hex"]
    for pos in vec["positions"]:
        assert enc.positions(pos["field"], pos["token"]) == pos["positions"]
    assert len(vec["encodings"]) >= 7
    # ... and what an implementation written from the document computes.
    for case in vec["encodings"]:
        args = (
            case["first_name"],
            case["last_name"],
            case["birth_date"],
            case["sex"],
            case["birth_year_estimated"],
        )
        assert pprl.tokens_for(*args) == case["tokens"]
        assert {f: sorted(t) for f, t in _spec_tokens(*args).items()} == case["tokens"]
        assert pprl.encode_person(secret, *args).hex() == case["encoding_hex"]
        assert _spec_encode(secret, *args) == (case["flags"], bytes.fromhex(case["encoding_hex"]))
        [rec] = pprl.encode_records(
            secret,
            [{"record_id": "x", **{k: v for k, v in zip(_FIELDS, args, strict=True) if v}}],
        )
        assert (rec.flags, rec.encoding.hex()) == (case["flags"], case["encoding_hex"])


_FIELDS = ("first_name", "last_name", "birth_date", "sex", "birth_year_estimated")


def test_swapped_names_encode_identically_and_secret_matters() -> None:
    a = pprl.encode_person(SECRET, "Blessing", "Okafor", "1998-02-01", "F")
    b = pprl.encode_person(SECRET, "Okafor", "Blessing", "1998-02-01", "F")
    c = pprl.encode_person(SECRET + "!", "Blessing", "Okafor", "1998-02-01", "F")
    assert a == b
    assert a != c
    with pytest.raises(ValueError):
        pprl.encode_person("short", "A", "B")


def _write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _identifying_strings(rows: list[dict[str, str]]) -> set[str]:
    out: set[str] = set()
    for row in rows:
        for key in ("record_id", "first_name", "last_name", "birth_date", "nationality"):
            value = row.get(key) or ""
            if len(value) < 3:
                continue
            norm = normalise_name(value) or ""
            ascii_ = unicodedata.normalize("NFKD", value)
            ascii_ = "".join(c for c in ascii_ if not unicodedata.combining(c))
            out |= {value, value.lower(), value.upper(), norm, ascii_, ascii_.lower()}
            if key == "birth_date":
                out |= {value.replace("-", ""), value[:4] + value[5:7], value[8:] + value[5:7]}
    return {s for s in out if len(s) >= 3}


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(int(value)) if isinstance(value, float) else str(value)


def test_encoded_file_contains_nothing_identifying(tmp_path: Path) -> None:
    reg = generate_register(400, seed=3).frame
    rows = [
        {
            "record_id": f"ASSOC-{i:05d}",
            "first_name": _text(r["first_name"]),
            "last_name": _text(r["last_name"]),
            "birth_date": _text(r["birth_date"]),
            "birth_year_estimated": _text(r["birth_year_estimated"]),
            "sex": _text(r["sex"]),
            "nationality": _text(r["nationality"]),
        }
        for i, r in enumerate(reg.to_dict("records"))
    ]
    rows[0].update(first_name="محمد", last_name="العلوي", birth_date="1990-03-15")
    src = tmp_path / "people.csv"
    _write_csv(src, rows)
    out = tmp_path / "people.bclk"
    assert pprl.encode_file(src, out, SECRET) == len(rows)
    data = out.read_bytes()
    assert len(data) == pprl.HEADER.size + len(rows) * (16 + 1 + 64)
    needles = _identifying_strings(rows)
    assert len(needles) > 1000
    for text in sorted(needles):
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            assert text.encode(encoding) not in data, text
    assert b"ASSOC" not in data and b"MA" not in data[:20]
    # The file is exactly header + pseudonyms + encodings: re-reading it gives them back.
    parsed = pprl.read_encodings(io.BytesIO(data))
    expected = pprl.encode_records(SECRET, rows)
    assert parsed.pseudonyms == [r.pseudonym for r in expected]
    assert parsed.words.astype(">u8").tobytes() == b"".join(r.encoding for r in expected)
    # The flags byte says only which fields were present (4 bits).
    assert parsed.flags.tolist() == [r.flags for r in expected]
    assert set(parsed.flags.tolist()) <= set(range(16))


def test_reader_rejects_malformed_files() -> None:
    recs = pprl.encode_records(SECRET, [{"record_id": "1", "first_name": "Ana"}])
    buf = io.BytesIO()
    pprl.write_encodings(buf, recs, pprl.key_fingerprint(SECRET))
    good = buf.getvalue()
    pprl.read_encodings(io.BytesIO(good))
    flagged = good[: pprl.HEADER.size + 16] + b"\x10" + good[pprl.HEADER.size + 17 :]
    for bad in (
        b"XCLK" + good[4:],
        good[:4] + b"\x03" + good[5:],
        good[:-1],
        good + b"\x00",
        flagged,
    ):
        with pytest.raises(ValueError):
            pprl.read_encodings(io.BytesIO(bad))
    # A version 1 file (16-byte pseudonym + 64-byte encoding per record) is refused with a
    # message that says to re-encode.
    v1 = pprl.HEADER.pack(b"BCLK", 1, 16, 512, pprl.key_fingerprint(SECRET), 1) + bytes(80)
    with pytest.raises(ValueError, match="version 1.*re-encode"):
        pprl.read_encodings(io.BytesIO(v1))


def _encode_set(df, secret: str = SECRET) -> tuple[pprl.EncodingSet, dict[bytes, str]]:
    recs = pprl.encode_records(secret, df.to_dict("records"))
    buf = io.BytesIO()
    pprl.write_encodings(buf, recs, pprl.key_fingerprint(secret))
    buf.seek(0)
    back = {r.pseudonym: str(i) for r, i in zip(recs, df.record_id, strict=True)}
    return pprl.read_encodings(buf), back


def test_febrl4_pprl_link_returns_groups_only_and_is_accurate(linkage_data: Path) -> None:
    a, b = ds.load_febrl("dataset4a"), ds.load_febrl("dataset4b")
    sa, ba = _encode_set(a)
    sb, bb = _encode_set(b)
    groups = pprl.match_groups({"a": sa, "b": sb}, one_per_source=True)
    for g in groups:
        assert len(g) == 2 and {s for s, _ in g} == {"a", "b"}
        for item in g:
            assert isinstance(item[0], str) and isinstance(item[1], bytes)
    pred = {(ba[dict(g)["a"]], bb[dict(g)["b"]]) for g in groups}
    eb = dict(zip(b.entity, b.record_id, strict=True))
    truth = {(x, eb[e]) for x, e in zip(a.record_id, a.entity, strict=True) if e in eb}
    m = ds.pair_metrics(pred, truth)
    # In the clear, names + birth date only: F1 0.955 (test_clear); PPRL must not be worse
    # by more than 0.01.
    assert m["f1"] >= 0.945, m
    assert pprl.count_unique_persons({"a": sa, "b": sb}, groups) == len(a) + len(b) - len(groups)


def test_lsh_blocking_finds_the_same_groups_on_a_small_set() -> None:
    reg = generate_register(1500, seed=8).frame
    s, back = _encode_set(reg)
    exhaustive = pprl.match_groups({"x": s}, blocking="exhaustive")
    lsh = pprl.match_groups({"x": s}, blocking="lsh")
    ex_pairs = {frozenset(p for _, p in g) for g in exhaustive}
    lsh_pairs = {frozenset(p for _, p in g) for g in lsh}
    assert len(ex_pairs) > 20
    assert len(ex_pairs & lsh_pairs) >= 0.9 * len(ex_pairs)


def test_different_secrets_cannot_be_mixed() -> None:
    reg = generate_register(50, seed=2).frame
    s1, _ = _encode_set(reg, SECRET)
    s2, _ = _encode_set(reg, SECRET + " other")
    with pytest.raises(ValueError):
        pprl.match_groups({"a": s1, "b": s2})


def test_dice_kernel_matches_a_direct_computation() -> None:
    rng = np.random.default_rng(0)
    a = rng.integers(0, 2**63, size=(13, pprl.WORDS), dtype=np.uint64)
    b = rng.integers(0, 2**63, size=(29, pprl.WORDS), dtype=np.uint64)
    counts = pprl.dice_counts(a, b)
    for i in range(13):
        for j in range(29):
            direct = sum(int(x & y).bit_count() for x, y in zip(a[i], b[j], strict=True))
            assert counts[i, j] == direct


def test_reidentification_attacks_stay_under_one_percent() -> None:
    """Frequency attacks on a Zipf-distributed register of common names (see the spec §7)."""
    population = generate_register(5000, duplicate_share=0.0, seed=11).frame
    public = generate_register(50000, duplicate_share=0.0, seed=99).frame
    encodings = [r.encoding for r in pprl.encode_records(SECRET, population.to_dict("records"))]
    full = (population.first_name + " " + population.last_name).tolist()
    public_full = (public.first_name + " " + public.last_name).tolist()
    for truth, known in (
        (full, public_full),
        (population.first_name.tolist(), public.first_name.tolist()),
        (population.last_name.tolist(), public.last_name.tolist()),
    ):
        rates = reident.reidentification_rate(encodings, truth, known)
        assert rates["max"] <= 0.01, rates
    # Control: the same attacks on unhardened first-name filters (what a naive field-level
    # scheme publishes) do re-identify many records, so the attacks are not toothless.
    enc = pprl.Encoder(SECRET)
    naive = [
        enc.encode_tokens({"name": pprl.tokens_for(f, None)["name"]}) for f in population.first_name
    ]
    control = reident.reidentification_rate(
        naive, population.first_name.tolist(), public.first_name.tolist()
    )
    assert control["max"] >= 0.1, control
    assert control["containment"] >= 0.02, control


def test_threshold_kernel_finds_exactly_the_pairs_of_a_brute_force_scan() -> None:
    rng = np.random.default_rng(4)
    # Rows of very different densities, so that the popcount length bound prunes pairs,
    # near-copies so that some pairs pass the threshold, and empty rows.
    dense = rng.random((300, pprl.WORDS * 64)) < rng.uniform(0.05, 0.6, size=(300, 1))
    dense[150:200] = dense[100:150] ^ (rng.random((50, pprl.WORDS * 64)) < 0.03)
    dense[:5] = False
    words = np.packbits(dense, axis=1).view(">u8").astype(np.uint64)
    sources = rng.integers(0, 3, size=300).astype(np.int32)
    pops = [int(sum(int(x).bit_count() for x in row)) for row in words]
    for threshold, within in ((0.8, True), (0.5, False), (0.95, True)):
        i, j, dice, compared = kernels.threshold_pairs(
            words, sources, threshold, within_sources=within
        )
        expected = {}
        for x in range(300):
            for y in range(x + 1, 300):
                if not within and sources[x] == sources[y]:
                    continue
                inter = sum(int(a & b).bit_count() for a, b in zip(words[x], words[y], strict=True))
                if pops[x] + pops[y] and 2 * inter >= threshold * (pops[x] + pops[y]):
                    expected[(x, y)] = 2 * inter / (pops[x] + pops[y])
        got = dict(zip(zip(i.tolist(), j.tolist(), strict=True), dice.tolist(), strict=True))
        assert set(got) == set(expected) and len(expected) > 10
        assert all(abs(got[p] - expected[p]) < 1e-6 for p in expected)
        assert compared < 300 * 299 // 2  # the length bound skipped pairs
