"""Benchmark of duplicate detection and privacy-preserving linkage.

Measures, in one run, against baselines measured in the same run:

* precision / recall / F1 in the clear (Splink 5 on DuckDB) on FEBRL3 (dedupe), FEBRL4
  (link, all fields and names + birth date only) and fake_1000, against a deterministic
  "k of n fields agree" rule on the same candidate pairs;
* wall time, CPU time and peak memory (ru_maxrss of a child process, which includes
  DuckDB) for a synthetic register of one million records (700,000 persons, clusters of 1
  to 5 records), with F1 against the generator's true clusters, against the "k of n fields
  agree" rule on the same candidate pairs;
* incremental scoring: 200 records taken out of that register scored one by one against
  the other 999,800 kept loaded (``clear.IncrementalScorer``), p50 and p95 per record;
* PPRL F1 (hardened Bloom-filter encodings) against in-clear F1 on the same data and
  fields;
* PPRL Dice comparisons per second per thread against a naive Python loop.

Usage: ./balise.sh bench linkage [--size 1000000] [--skip-large]
[--sections accuracy,cps,pprl,large|clear] [--json out.json]
Targets are in shared/reference/linkage.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing as mp
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from balise.linkage import clear, pprl  # noqa: E402
from balise.linkage import datasets as ds  # noqa: E402
from balise.linkage.synthetic import generate_register  # noqa: E402

SECRET = "benchmark shared secret, not a real key"
SYN_SPEC = clear.LinkageSpec(use_place=True, use_nationality=True, use_sex=True)


def _fmt(m: dict[str, float]) -> str:
    return f"P={m['precision']:.4f} R={m['recall']:.4f} F1={m['f1']:.4f}"


def _clustered(ids: list[str], pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    groups = clear.cluster_pairs(ids, pairs)
    return ds.truth_pairs_from_clusters(
        [i for g in groups for i in g], [g[0] for g in groups for _ in g]
    )


# --------------------------------------------------------------------------- baseline rule


def deterministic_pairs(
    frames: list[pd.DataFrame], fields: list[str], k: int, spec: clear.LinkageSpec
) -> set[tuple[str, str]]:
    """Pairs among the same blocked candidates where at least k of the fields are equal."""
    con = duckdb.connect()
    link = len(frames) == 2
    con.register("l_df", frames[0])
    con.register("r_df", frames[1] if link else frames[0])
    cond = "" if link else " AND l.unique_id < r.unique_id"
    joins = " UNION ".join(
        f"SELECT l.unique_id AS a, r.unique_id AS b FROM l_df l JOIN r_df r ON {rule}{cond}"
        for rule in clear.prediction_blocking_rules(spec, sum(len(f) for f in frames))
    )
    agree = " + ".join(f'CAST(coalesce(l."{f}" = r."{f}", false) AS INT)' for f in fields)
    sql = (
        f"WITH c AS ({joins}) SELECT c.a, c.b FROM c "
        f"JOIN l_df l ON l.unique_id = c.a JOIN r_df r ON r.unique_id = c.b "
        f"WHERE {agree} >= {k}"
    )
    rows = con.execute(sql).fetchall()
    con.close()
    if link:
        return {(str(a), str(b)) for a, b in rows}
    return {(str(a), str(b)) if str(a) < str(b) else (str(b), str(a)) for a, b in rows}


def _oriented(p: clear.ScoredPair) -> tuple[str, str]:
    return (p.left_id, p.right_id) if p.left_source == "source_0" else (p.right_id, p.left_id)


def _link_pairs(pairs: list[clear.ScoredPair]) -> set[tuple[str, str]]:
    return {_oriented(p) for p in pairs}


def _one_to_one(pairs: list[clear.ScoredPair]) -> set[tuple[str, str]]:
    """Best-first 1-to-1 assignment, as the PPRL matcher does for two contributors."""
    used_l: set[str] = set()
    used_r: set[str] = set()
    out = set()
    for p in sorted(pairs, key=lambda x: -x.match_probability):
        a, b = _oriented(p)
        if a in used_l or b in used_r:
            continue
        used_l.add(a)
        used_r.add(b)
        out.add((a, b))
    return out


# --------------------------------------------------------------------------- accuracy


def accuracy_clear(results: dict[str, Any]) -> None:
    print("\n== Accuracy in the clear (Splink 5 / DuckDB, threshold p >= 0.5) ==")
    febrl_fields = ["first_name", "last_name", "dob", "place", "soc_sec_id", "postcode"]
    febrl_fields += ["street_number", "address_1", "address_2", "state"]

    raw = ds.load_febrl("dataset3")
    frame = clear.prepare_frame(raw, ds.FEBRL_SPEC)
    truth = ds.truth_pairs_from_clusters(raw.record_id, raw.entity)
    t = time.perf_counter()
    model = clear.train_model([frame], ds.FEBRL_SPEC)
    pred = clear.dedupe_ids(frame, model, threshold=0.5)
    elapsed = time.perf_counter() - t
    m = ds.pair_metrics(pred, truth)
    base = ds.pair_metrics(deterministic_pairs([frame], febrl_fields, 5, ds.FEBRL_SPEC), truth)
    print(f"FEBRL3 dedupe      splink {_fmt(m)} ({elapsed:.1f}s)")
    print(f"                   rule 5/10 {_fmt(base)}  F1 ratio {m['f1'] / base['f1']:.3f}")
    results["febrl3"] = {"splink": m, "rule": base, "seconds": elapsed}

    a, b = ds.load_febrl("dataset4a"), ds.load_febrl("dataset4b")
    eb = dict(zip(b.entity, b.record_id, strict=True))
    truth4 = {(x, eb[e]) for x, e in zip(a.record_id, a.entity, strict=True) if e in eb}
    for label, spec, fields, k in (
        ("all fields", ds.FEBRL_SPEC, febrl_fields, 4),
        ("names+dob", ds.NAMES_DOB_SPEC, ["first_name", "last_name", "dob"], 2),
    ):
        fa, fb = clear.prepare_frame(a, spec), clear.prepare_frame(b, spec)
        t = time.perf_counter()
        model = clear.train_model([fa, fb], spec)
        scored = clear.link(fa, fb, model, threshold=0.5)
        elapsed = time.perf_counter() - t
        m = ds.pair_metrics(_link_pairs(scored), truth4)
        m11 = ds.pair_metrics(_one_to_one(scored), truth4)
        base = ds.pair_metrics(deterministic_pairs([fa, fb], fields, k, spec), truth4)
        n = len(fields)
        print(f"FEBRL4 {label:<11} splink {_fmt(m)} ({elapsed:.1f}s)")
        print(f"                   splink 1-to-1 {_fmt(m11)}")
        print(f"                   rule {k}/{n} {_fmt(base)}  F1 ratio {m['f1'] / base['f1']:.3f}")
        results[f"febrl4_{label}"] = {"splink": m, "splink_1to1": m11, "rule": base}

    raw = ds.load_fake_1000()
    frame = clear.prepare_frame(raw, ds.FAKE_SPEC)
    truth = ds.truth_pairs_from_clusters(raw.record_id, raw.entity)
    model = clear.train_model([frame], ds.FAKE_SPEC)
    pred = clear.dedupe_ids(frame, model, threshold=0.5)
    m = ds.pair_metrics(pred, truth)
    mc = ds.pair_metrics(_clustered(frame.unique_id.tolist(), pred), truth)
    fields = ["first_name", "last_name", "dob", "place", "email"]
    base = ds.pair_metrics(deterministic_pairs([frame], fields, 3, ds.FAKE_SPEC), truth)
    print(f"fake_1000 dedupe   splink pairs {_fmt(m)}")
    print(f"                   splink clustered {_fmt(mc)}")
    print(f"                   rule 3/5 {_fmt(base)}  F1 ratio {m['f1'] / base['f1']:.3f}")
    results["fake_1000"] = {"splink": m, "splink_clustered": mc, "rule": base}


# --------------------------------------------------------------------------- 1M register


LARGE_DUPLICATE_SHARE = 0.3  # 1M records of 700k persons, clusters of 1 to 5 records
# Fixed before this run: the training sample sizes and the scoring floor were chosen on a
# 250,000-record register of another seed (2026); this one is seed 2027. The match
# threshold is chosen in the run by the model itself (``clear.expected_f1_threshold``, no
# labels); the labels only measure the result. The former fixed threshold is reported too.
LARGE_SEED = 2027
LARGE_FLOOR = 0.05
FIXED_THRESHOLD = 0.9
INCREMENTAL_RECORDS = 200
#: New records whose index candidates are compared with a scan of the whole register.
INCREMENTAL_CHECKED = 20


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _large_child(size: int, mode: str, queue: Any) -> None:
    logging.disable(logging.WARNING)
    reg = generate_register(size, duplicate_share=LARGE_DUPLICATE_SHARE, seed=LARGE_SEED)
    truth = reg.truth_pairs()
    c0, t0 = _cpu_s(), time.perf_counter()
    frame = clear.prepare_frame(reg.frame, SYN_SPEC)
    t1, c1 = time.perf_counter(), _cpu_s()
    threshold = fixed = None
    if mode == "splink":
        model = clear.train_model([frame], SYN_SPEC, max_pairs_u=1e6, em_max_pairs=5e5)
        t2, c2 = time.perf_counter(), _cpu_s()
        scores = clear.dedupe_scores(frame, model, floor=LARGE_FLOOR)
        threshold = clear.expected_f1_threshold(scores.match_probability)
        kept = scores[scores.match_probability >= threshold]
        pred = set(zip(kept.left, kept.right, strict=True))
        high = scores[scores.match_probability >= FIXED_THRESHOLD]
        fixed = ds.pair_metrics(set(zip(high.left, high.right, strict=True)), truth)
    else:
        t2, c2 = time.perf_counter(), _cpu_s()
        fields = ["first_name", "last_name", "dob", "sex", "nationality", "place"]
        pred = deterministic_pairs([frame], fields, 4, SYN_SPEC)
    t3 = time.perf_counter()
    cpu = _cpu_s() - c0
    m = ds.pair_metrics(pred, truth)
    mc = ds.pair_metrics(_clustered(frame.unique_id.tolist(), pred), truth)
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    incremental = _incremental(frame, model, reg.frame, threshold) if mode == "splink" else None
    queue.put(
        {
            "incremental": incremental,
            "threshold": threshold,
            "fixed_threshold_metrics": fixed,
            "metrics": m,
            "clustered": mc,
            "truth_pairs": len(truth),
            "prepare_s": t1 - t0,
            "train_s": t2 - t1,
            "predict_s": t3 - t2,
            "dedupe_s": t3 - t1,
            "total_s": t3 - t0,
            "cpu_s": cpu,
            "cpu_prepare_s": c1 - c0,
            "cpu_train_s": c2 - c1,
            "cpu_predict_s": cpu - (c2 - c0),
            "peak_rss_gb": rss_kb / 1024 / 1024,
        }
    )


def _incremental(
    frame: pd.DataFrame, model: dict[str, Any], raw: pd.DataFrame, threshold: float
) -> dict[str, Any]:
    """New referrals scored one by one against the loaded register (kept in memory).

    The first ``INCREMENTAL_CHECKED`` ones also have their candidates found by the index
    compared with a scan of the whole register (timed too: the former method)."""
    rng = np.random.default_rng(LARGE_SEED)
    picked = rng.choice(len(frame), size=INCREMENTAL_RECORDS, replace=False)
    new = frame.iloc[picked]
    register = frame.drop(index=frame.index[picked])
    t = time.perf_counter()
    scorer = clear.IncrementalScorer(register, model)
    build_s = time.perf_counter() - t
    entity = dict(zip(raw.record_id, raw.entity, strict=True))
    in_register: dict[str, int] = {}
    for rid in register.unique_id:
        in_register[entity[rid]] = in_register.get(entity[rid], 0) + 1
    scorer.score(new.iloc[[0]], threshold=threshold)  # first call: Splink builds its SQL
    mismatches, scans = 0, []
    for k in range(min(INCREMENTAL_CHECKED, len(new))):
        row = new.iloc[[k]]
        t = time.perf_counter()
        scanned = scorer.candidate_ids(row, scan=True)
        scans.append(time.perf_counter() - t)
        mismatches += scorer.candidate_ids(row) != scanned
    latencies, found, expected = [], 0, 0
    for k in range(len(new)):
        row = new.iloc[[k]]
        t = time.perf_counter()
        pairs = scorer.score(row, threshold=threshold)
        latencies.append(time.perf_counter() - t)
        own = entity[row.unique_id.iloc[0]]
        found += sum(1 for p in pairs if entity[p.left_id] == own)
        expected += in_register.get(own, 0)
    scorer.close()
    ms = np.array(latencies) * 1000
    return {
        "build_s": build_s,
        "p50_ms": float(np.percentile(ms, 50)),
        "p95_ms": float(np.percentile(ms, 95)),
        "max_ms": float(ms.max()),
        "recall": found / max(expected, 1),
        "records": len(new),
        "checked": min(INCREMENTAL_CHECKED, len(new)),
        "mismatches": mismatches,
        "scan_p50_ms": float(np.percentile(np.array(scans) * 1000, 50)) if scans else None,
    }


def large_register(size: int, results: dict[str, Any]) -> None:
    share = int(LARGE_DUPLICATE_SHARE * 100)
    print(f"\n== Synthetic register of {size:,} records ({share} % further referrals) ==")
    ctx = mp.get_context("spawn")
    out: dict[str, Any] = {}
    for mode in ("splink", "rule"):
        queue = ctx.Queue()
        proc = ctx.Process(target=_large_child, args=(size, mode, queue))
        t = time.perf_counter()
        proc.start()
        res = queue.get()
        proc.join()
        res["child_wall_s"] = time.perf_counter() - t
        out[mode] = res
        print(
            f"{mode:<6} pairs {_fmt(res['metrics'])}  clustered {_fmt(res['clustered'])}\n"
            f"       normalise {res['prepare_s']:.1f}s  train {res['train_s']:.1f}s  "
            f"predict {res['predict_s']:.1f}s  dedupe (train+predict) {res['dedupe_s']:.1f}s  "
            f"total {res['total_s']:.1f}s wall / {res['cpu_s']:.1f}s CPU (normalise "
            f"{res['cpu_prepare_s']:.1f}, train {res['cpu_train_s']:.1f}, predict "
            f"{res['cpu_predict_s']:.1f})  "
            f"peak RSS {res['peak_rss_gb']:.2f} GB (child process)",
            flush=True,
        )
        if res.get("threshold") is not None:
            print(
                f"       threshold chosen by the model (expected F1, no labels) "
                f"{res['threshold']:.3f}; at the former fixed {FIXED_THRESHOLD}: "
                f"{_fmt(res['fixed_threshold_metrics'])}",
                flush=True,
            )
        inc = res.get("incremental")
        if inc:
            print(
                f"       incremental: scorer loaded in {inc['build_s']:.1f}s, then "
                f"{inc['records']} new referrals one by one: p50 {inc['p50_ms']:.0f} ms, "
                f"p95 {inc['p95_ms']:.0f} ms, max {inc['max_ms']:.0f} ms, "
                f"recall of their register duplicates {inc['recall']:.3f}\n"
                f"       index candidates = scan candidates for "
                f"{inc['checked'] - inc['mismatches']} of {inc['checked']} records "
                f"(a scan of the register alone: p50 "
                f"{inc['scan_p50_ms']:.0f} ms)",
                flush=True,
            )
    s, r = out["splink"], out["rule"]
    print(
        f"ratios splink/rule: F1 {s['metrics']['f1'] / max(r['metrics']['f1'], 1e-9):.3f}, "
        f"time {s['dedupe_s'] / max(r['dedupe_s'], 1e-9):.2f}, "
        f"memory {s['peak_rss_gb'] / max(r['peak_rss_gb'], 1e-9):.2f}"
    )
    results["large"] = out


# --------------------------------------------------------------------------- PPRL


def _encode(df: pd.DataFrame) -> tuple[pprl.EncodingSet, dict[bytes, str]]:
    recs = pprl.encode_records(SECRET, df.to_dict("records"))
    back = {r.pseudonym: str(rid) for r, rid in zip(recs, df.record_id, strict=True)}
    return pprl.encoding_set(SECRET, recs), back


def _pprl_dedupe(df: pd.DataFrame) -> set[tuple[str, str]]:
    enc, back = _encode(df)
    groups = pprl.match_groups({"x": enc})
    ids = [[back[p] for _, p in g] for g in groups]
    return ds.truth_pairs_from_clusters([i for g in ids for i in g], [g[0] for g in ids for _ in g])


def pprl_vs_clear(results: dict[str, Any], syn_size: int) -> None:
    print("\n== PPRL (hardened CLK, groups only) vs in the clear, same data and fields ==")
    out: dict[str, Any] = {}
    a, b = ds.load_febrl("dataset4a"), ds.load_febrl("dataset4b")
    eb = dict(zip(b.entity, b.record_id, strict=True))
    truth4 = {(x, eb[e]) for x, e in zip(a.record_id, a.entity, strict=True) if e in eb}
    t = time.perf_counter()
    ea, ba = _encode(a)
    eb_, bb = _encode(b)
    groups = pprl.match_groups({"a": ea, "b": eb_}, one_per_source=True)
    pred = {(ba[dict(g)["a"]], bb[dict(g)["b"]]) for g in groups}
    mp_ = ds.pair_metrics(pred, truth4)
    elapsed = time.perf_counter() - t
    fa, fb = clear.prepare_frame(a, ds.NAMES_DOB_SPEC), clear.prepare_frame(b, ds.NAMES_DOB_SPEC)
    model = clear.train_model([fa, fb], ds.NAMES_DOB_SPEC)
    scored = clear.link(fa, fb, model, threshold=0.5)
    mc = ds.pair_metrics(_one_to_one(scored), truth4)
    print(f"FEBRL4 names+dob link  PPRL {_fmt(mp_)} ({elapsed:.1f}s incl. encoding)")
    print(f"                       clear 1-to-1 {_fmt(mc)}  gap {mc['f1'] - mp_['f1']:+.4f}")
    out["febrl4"] = {"pprl": mp_, "clear": mc}

    spec_sex = clear.LinkageSpec(use_place=False, use_nationality=False, use_sex=True)
    for label, raw, spec in (
        ("FEBRL3 names+dob dedupe", ds.load_febrl("dataset3"), ds.NAMES_DOB_SPEC),
        (
            f"synthetic {syn_size:,} names+dob+sex",
            generate_register(syn_size, duplicate_share=0.1, seed=5).frame,
            spec_sex,
        ),
    ):
        truth = ds.truth_pairs_from_clusters(raw.record_id, raw.entity)
        t = time.perf_counter()
        mp_ = ds.pair_metrics(_pprl_dedupe(raw), truth)
        tp = time.perf_counter() - t
        frame = clear.prepare_frame(raw, spec)
        model = clear.train_model([frame], spec)
        pred = clear.dedupe_ids(frame, model, threshold=0.5)
        mc = ds.pair_metrics(_clustered(frame.unique_id.tolist(), pred), truth)
        print(f"{label:<22} PPRL {_fmt(mp_)} ({tp:.1f}s)")
        print(f"{'':<22} clear clustered {_fmt(mc)}  gap {mc['f1'] - mp_['f1']:+.4f}")
        out[label] = {"pprl": mp_, "clear": mc}
    results["pprl_vs_clear"] = out


def _numpy_dice_counts(a: np.ndarray, b: np.ndarray, tile: int = 8, block: int = 16384):
    """Baseline: the previous numpy kernel (AND + bitwise_count, tiled, uint8 accumulators)."""
    m, n, width = a.shape[0], b.shape[0], a.shape[1]
    bt = np.ascontiguousarray(b.T)
    out = np.empty((m, n), dtype=np.uint16)
    tmp64 = np.empty((tile, block), dtype=np.uint64)
    tmp8 = np.empty((tile, block), dtype=np.uint8)
    acc8 = np.empty((tile, block), dtype=np.uint8)
    for c in range(0, n, block):
        ce = min(c + block, n)
        btc = bt[:, c:ce]
        for s in range(0, m, tile):
            e = min(s + tile, m)
            acc = out[s:e, c:ce]
            t64, t8 = tmp64[: e - s, : ce - c], tmp8[: e - s, : ce - c]
            a8 = acc8[: e - s, : ce - c]
            for w in range(width):
                np.bitwise_and(a[s:e, w, None], btc[w][None, :], out=t64)
                if w % 3 == 0:
                    np.bitwise_count(t64, out=a8)
                else:
                    np.bitwise_count(t64, out=t8)
                    np.add(a8, t8, out=a8)
                if w % 3 == 2 or w == width - 1:
                    if w < 3:
                        np.copyto(acc, a8)
                    else:
                        np.add(acc, a8, out=acc)
    return out


def _numpy_threshold_pairs(words: np.ndarray, threshold: float, chunk: int = 512) -> int:
    """Baseline end to end: the previous all-pairs numpy matcher (no length bound)."""
    n = words.shape[0]
    pops = np.bitwise_count(words).sum(axis=1, dtype=np.int32).astype(np.float32)
    found = 0
    for s in range(0, n, chunk):
        e = min(s + chunk, n)
        counts = _numpy_dice_counts(words[s:e], words[s:])
        ok = counts >= (pops[s:e, None] + pops[None, s:]) * np.float32(threshold / 2)
        ok[:, : e - s] &= np.triu(np.ones((e - s, e - s), dtype=bool), 1)
        found += int(ok.sum())
    return found


def _best_rate(count: float, fn: Any, repeat: int) -> tuple[float, Any]:
    """Best of ``repeat`` runs (the machine is shared: the best run is the least disturbed)."""
    best, result = 0.0, None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        best = max(best, count / (time.perf_counter() - t))
    return best, result


def comparisons_per_second(results: dict[str, Any]) -> None:
    """Compiled kernel (raw, end to end on random and real encodings) against the previous
    numpy kernel and a naive Python loop, in the same run."""
    from balise.linkage import kernels

    print("\n== PPRL Dice comparisons per second (one thread) ==")
    rng = np.random.default_rng(1)
    a = rng.integers(0, 2**63, size=(1024, pprl.WORDS), dtype=np.uint64)
    b = rng.integers(0, 2**63, size=(200_000, pprl.WORDS), dtype=np.uint64)
    t = time.perf_counter()
    pprl.dice_counts(a[:2], b[:2])
    kernels.threshold_pairs(b[:300], np.zeros(300, dtype=np.int32), 0.5)
    kernels.containment_pairs(b[:30], b[:300], 0.9)
    compile_s = time.perf_counter() - t
    pairs = a.shape[0] * b.shape[0]
    kernel, _ = _best_rate(pairs, lambda: pprl.dice_counts(a, b), 3)
    numpy_kernel, _ = _best_rate(pairs, lambda: _numpy_dice_counts(a, b), 2)
    assert (pprl.dice_counts(a[:64], b[:5000]) == _numpy_dice_counts(a[:64], b[:5000])).all()

    # End to end, random encodings (every pair within the length bound: no pruning). At
    # 0.62, about one random pair in a thousand passes: both must find the same ones.
    words = np.ascontiguousarray(b[:30_000])
    n = words.shape[0]
    all_pairs = n * (n - 1) / 2
    zeros = np.zeros(n, dtype=np.int32)
    cut = 0.62
    e2e, out = _best_rate(all_pairs, lambda: kernels.threshold_pairs(words, zeros, cut), 2)
    numpy_e2e, numpy_found = _best_rate(all_pairs, lambda: _numpy_threshold_pairs(words, cut), 1)
    assert numpy_found == len(out[0]) > 0, (numpy_found, len(out[0]))

    # End to end on real encodings: a synthetic register of 50,000 records at the lowest
    # level the dedupe matcher asks for (its look-alike level).
    reg = generate_register(50_000, duplicate_share=0.1, seed=5).frame
    recs = pprl.encode_records(SECRET, reg.to_dict("records"))
    enc = pprl.encoding_set(SECRET, recs)
    m = len(enc)
    real_pairs = m * (m - 1) / 2
    level = pprl.NEIGHBOUR_LEVEL
    zeros = np.zeros(m, dtype=np.int32)
    real, rout = _best_rate(real_pairs, lambda: kernels.threshold_pairs(enc.words, zeros, level), 2)
    pruned = 1 - rout[3] / real_pairs
    t = time.perf_counter()
    groups = pprl.match_groups({"x": enc})
    groups_s = time.perf_counter() - t

    ints_a = [int.from_bytes(r.astype(">u8").tobytes(), "big") for r in a[:200]]
    ints_b = [int.from_bytes(r.astype(">u8").tobytes(), "big") for r in b[:5000]]
    pa = [x.bit_count() for x in ints_a]
    pb = [x.bit_count() for x in ints_b]
    t = time.perf_counter()
    hits = 0
    for x, px in zip(ints_a, pa, strict=True):
        for y, py in zip(ints_b, pb, strict=True):
            if 2 * (x & y).bit_count() >= 0.8 * (px + py):
                hits += 1
    naive = len(ints_a) * len(ints_b) / (time.perf_counter() - t)
    print(f"compiled kernels: first use {compile_s:.1f}s (numba, cached on disk afterwards)")
    print(
        f"raw kernel |a AND b|, all pairs      compiled {kernel:.3g}/s   numpy {numpy_kernel:.3g}/s"
    )
    print(
        f"end to end, threshold {cut}, {n:,} random  compiled {e2e:.3g}/s   numpy {numpy_e2e:.3g}/s"
        f"  ({len(out[0])} pairs found by both)"
    )
    print(
        f"end to end, {m:,} real encodings, level {level}: {real:.3g}/s effective "
        f"({pruned:.0%} of pairs skipped by the popcount length bound, "
        f"{rout[3] / (real_pairs / real):.3g}/s compared)"
    )
    print(
        f"dedupe of {m:,} encodings (match_groups, all steps) {groups_s:.1f}s, {len(groups)} groups"
    )
    print(f"naive Python loop (int.bit_count) {naive:.3g}/s")
    print(
        f"ratios: kernel compiled/numpy {kernel / numpy_kernel:.2f}, end-to-end compiled/numpy "
        f"{e2e / numpy_e2e:.2f}, kernel/naive {kernel / naive:.0f}"
    )
    results["comparisons_per_second"] = {
        "kernel": kernel,
        "kernel_numpy_baseline": numpy_kernel,
        "end_to_end_random": e2e,
        "end_to_end_random_numpy_baseline": numpy_e2e,
        "end_to_end_real_effective": real,
        "real_pairs_skipped_share": pruned,
        "match_groups_50k_s": groups_s,
        "naive": naive,
        "compile_s": compile_s,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--pprl-size", type=int, default=20_000)
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument(
        "--sections",
        default="accuracy,cps,pprl,large",
        help="comma-separated subset of accuracy, cps, pprl, large (clear = accuracy,large)",
    )
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    if not ds.data_dir().is_dir():
        print(f"linkage data not found in {ds.data_dir()} (set BALISE_LINKAGE_DATA)")
        return 2
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, data {ds.data_dir()}")
    results: dict[str, Any] = {}
    sections = set(args.sections.split(","))
    if "clear" in sections:  # everything in the clear: accuracy and the large register
        sections |= {"accuracy", "large"}
    if "accuracy" in sections:
        accuracy_clear(results)
    if "cps" in sections:
        comparisons_per_second(results)
    if "pprl" in sections:
        pprl_vs_clear(results, args.pprl_size)
    if "large" in sections and not args.skip_large:
        large_register(args.size, results)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2, default=float))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
