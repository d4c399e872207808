"""Compiled Dice kernels for the PPRL matcher (numba, popcount on 64-bit words).

The encodings are rows of ``uint64`` words. The kernels count ``|a AND b|`` with the
processor's ``popcnt`` instruction (LLVM ``ctpop``), one thread, tiled so that a block of
the right-hand rows stays in the L2 cache while every left-hand row streams past it.

``threshold_pairs`` is the matcher's end-to-end kernel: with the rows sorted by popcount,
a pair can reach a Dice of ``t`` only if ``2 min(|a|, |b|) / (|a| + |b|) >= t``, i.e.
``|b| <= |a| (2 - t) / t`` for ``|a| <= |b|``, so each row is compared with a contiguous
window of the sorted rows and every other pair is skipped without being looked at (the
length bound used by anonlink).

Compiled on first use (about a second) and cached on disk next to this module when it is
writable (numba's ``cache=True``).
"""

from __future__ import annotations

import numpy as np
from numba import njit, types
from numba.extending import intrinsic

__all__ = [
    "WIDTH",
    "containment_pairs",
    "dice_counts",
    "pair_counts",
    "popcounts",
    "threshold_pairs",
]

# Words per encoding (512 bits). The kernels are written for this width, unrolled (a loop
# over a run-time width is about 40 % slower).
WIDTH = 8
# Right-hand rows per tile: 2,048 rows of 8 to 16 words = 128-256 KB, inside L2.
_TILE = 2048
# Left-hand rows per tile in threshold_pairs.
_ROWS = 128


@intrinsic
def _ctpop(typingctx, value):  # noqa: ARG001 - numba's intrinsic signature
    """``llvm.ctpop.i64``: one ``popcnt`` instruction on x86-64 with SSE4.2."""
    if not isinstance(value, types.Integer):
        return None
    sig = types.uint64(types.uint64)

    def codegen(context, builder, signature, args):  # noqa: ARG001
        return builder.ctpop(args[0])

    return sig, codegen


@njit(cache=True, nogil=True, inline="always")
def _and_count(a0, a1, a2, a3, a4, a5, a6, a7, b, j):
    """|a AND b_j| for a 512-bit row a held in eight scalars."""
    return (
        _ctpop(a0 & b[j, 0])
        + _ctpop(a1 & b[j, 1])
        + _ctpop(a2 & b[j, 2])
        + _ctpop(a3 & b[j, 3])
        + _ctpop(a4 & b[j, 4])
        + _ctpop(a5 & b[j, 5])
        + _ctpop(a6 & b[j, 6])
        + _ctpop(a7 & b[j, 7])
    )


@njit(cache=True, nogil=True)
def _row_counts(words):
    n = words.shape[0]
    out = np.empty(n, dtype=np.int32)
    for i in range(n):
        c = 0
        for w in range(WIDTH):
            c += _ctpop(words[i, w])
        out[i] = c
    return out


@njit(cache=True, nogil=True)
def _dice_counts(a, b, tile):
    m = a.shape[0]
    n = b.shape[0]
    out = np.empty((m, n), dtype=np.uint16)
    for c0 in range(0, n, tile):
        c1 = min(c0 + tile, n)
        for i in range(m):
            a0, a1, a2, a3 = a[i, 0], a[i, 1], a[i, 2], a[i, 3]
            a4, a5, a6, a7 = a[i, 4], a[i, 5], a[i, 6], a[i, 7]
            for j in range(c0, c1):
                out[i, j] = _and_count(a0, a1, a2, a3, a4, a5, a6, a7, b, j)
    return out


@njit(cache=True, nogil=True)
def _pair_counts(words, i, j):
    k = i.shape[0]
    out = np.empty(k, dtype=np.int32)
    for p in range(k):
        x, y = i[p], j[p]
        c = 0
        for w in range(WIDTH):
            c += _ctpop(words[x, w] & words[y, w])
        out[p] = c
    return out


@njit(cache=True, nogil=True)
def _scan_row(a, x, b, lo, up, nx, need, hit_y, hit_c):
    """Rows y in [lo, up) of b with |a_x AND b_y| >= nx + need[y]; returns how many.

    The hot loop: no branch (every count is written, the cursor moves on a hit only).
    """
    # The left row is held in registers: the compiler cannot prove that the outputs do not
    # alias the inputs and would otherwise reload it for every pair.
    a0, a1, a2, a3 = a[x, 0], a[x, 1], a[x, 2], a[x, 3]
    a4, a5, a6, a7 = a[x, 4], a[x, 5], a[x, 6], a[x, 7]
    k = 0
    for y in range(lo, up):
        c = _and_count(a0, a1, a2, a3, a4, a5, a6, a7, b, y)
        hit_y[k] = y
        hit_c[k] = c
        k += c >= nx + need[y]
    return k


@njit(cache=True, nogil=True)
def _grow(arr, size):
    new = np.empty(size, dtype=arr.dtype)
    new[: arr.shape[0]] = arr
    return new


@njit(cache=True, nogil=True)
def _threshold_pairs(words, pops, sources, threshold, within, rows, tile):
    """Pairs (x, y), x < y in the given (popcount-sorted) order, with Dice >= threshold."""
    n = words.shape[0]
    # Last index each row may be compared with: |b| <= |a| (2 - t) / t.
    hi = np.empty(n, dtype=np.int64)
    ratio = (2.0 - threshold) / threshold if threshold > 0 else 1e18
    e = 0
    for x in range(n):
        bound = pops[x] * ratio
        if e < x:
            e = x
        while e + 1 < n and pops[e + 1] <= bound:
            e += 1
        hi[x] = e
    cap = 1 << 16
    out_x = np.empty(cap, dtype=np.int64)
    out_y = np.empty(cap, dtype=np.int64)
    out_c = np.empty(cap, dtype=np.int32)
    # Dice >= t  <=>  |a AND b| >= t/2 |a| + t/2 |b|
    need = pops * (threshold / 2.0)
    k = 0
    compared = 0
    hit_y = np.empty(tile + 1, dtype=np.int64)
    hit_c = np.empty(tile + 1, dtype=np.int32)
    # Empty encodings (no name, no date) reach no positive threshold: start after them.
    first = 0
    while first < n and pops[first] == 0:
        first += 1
    for r0 in range(first, n, rows):
        r1 = min(r0 + rows, n)
        last = hi[r1 - 1]
        for c0 in range(r0 + 1, last + 1, tile):
            c1 = min(c0 + tile, last + 1)
            for x in range(r0, r1):
                lo = max(c0, x + 1)
                up = min(c1, hi[x] + 1)
                if lo >= up:
                    continue
                compared += up - lo
                hits = _scan_row(words, x, words, lo, up, need[x], need, hit_y, hit_c)
                sx = sources[x]
                for h in range(hits):
                    y = hit_y[h]
                    if not within and sources[y] == sx:
                        continue
                    if k == cap:
                        cap *= 2
                        out_x = _grow(out_x, cap)
                        out_y = _grow(out_y, cap)
                        out_c = _grow(out_c, cap)
                    out_x[k] = x
                    out_y[k] = y
                    out_c[k] = hit_c[h]
                    k += 1
    return out_x[:k], out_y[:k], out_c[:k], compared


def _rows(words: np.ndarray) -> np.ndarray:
    words = np.ascontiguousarray(words, dtype=np.uint64)
    if words.ndim != 2 or words.shape[1] != WIDTH:
        raise ValueError(f"encodings must be rows of {WIDTH} 64-bit words")
    return words


@njit(cache=True, nogil=True)
def _cross_pairs(a, b, need_a, need_b, tile):
    """Pairs (x in a, y in b) with |a_x AND b_y| >= need_a[x] + need_b[y]."""
    m = a.shape[0]
    n = b.shape[0]
    cap = 1 << 12
    out_x = np.empty(cap, dtype=np.int64)
    out_y = np.empty(cap, dtype=np.int64)
    out_c = np.empty(cap, dtype=np.int32)
    hit_y = np.empty(tile + 1, dtype=np.int64)
    hit_c = np.empty(tile + 1, dtype=np.int32)
    k = 0
    for c0 in range(0, n, tile):
        c1 = min(c0 + tile, n)
        for x in range(m):
            hits = _scan_row(a, x, b, c0, c1, need_a[x], need_b, hit_y, hit_c)
            for h in range(hits):
                if k == cap:
                    cap *= 2
                    out_x = _grow(out_x, cap)
                    out_y = _grow(out_y, cap)
                    out_c = _grow(out_c, cap)
                out_x[k] = x
                out_y[k] = hit_y[h]
                out_c[k] = hit_c[h]
                k += 1
    return out_x[:k], out_y[:k], out_c[:k]


def popcounts(words: np.ndarray) -> np.ndarray:
    """Number of set bits of each row (int32)."""
    return _row_counts(_rows(words))


def dice_counts(a: np.ndarray, b: np.ndarray, *, tile: int = _TILE) -> np.ndarray:
    """All-pairs ``|a_i AND b_j|``, shape ``(len(a), len(b))``, uint16 (the raw kernel)."""
    return _dice_counts(_rows(a), _rows(b), tile)


def pair_counts(words: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """``|w_i AND w_j|`` for the listed pairs (int32)."""
    return _pair_counts(
        _rows(words),
        np.ascontiguousarray(i, dtype=np.int64),
        np.ascontiguousarray(j, dtype=np.int64),
    )


def threshold_pairs(
    words: np.ndarray, sources: np.ndarray, threshold: float, *, within_sources: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """All pairs ``i < j`` with Dice >= ``threshold``: ``(i, j, dice, compared)``.

    ``compared`` is the number of pairs actually compared after the popcount length bound
    (at most ``n (n - 1) / 2``). Pairs with ``within_sources=False`` are only counted
    across different sources.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError("the Dice threshold must be in (0, 1]")
    words = _rows(words)
    pops = popcounts(words)
    order = np.argsort(pops, kind="stable")
    sorted_words = np.ascontiguousarray(words[order])
    x, y, c, compared = _threshold_pairs(
        sorted_words,
        pops[order],
        np.ascontiguousarray(sources[order], dtype=np.int32),
        float(threshold),
        bool(within_sources),
        _ROWS,
        _TILE,
    )
    a, b = order[x], order[y]
    i, j = np.minimum(a, b), np.maximum(a, b)
    denom = (pops[i] + pops[j]).astype(np.float32)
    dice = (2.0 * c.astype(np.float32) / np.maximum(denom, 1.0)).astype(np.float32)
    return i.astype(np.int64), j.astype(np.int64), dice, int(compared)


def containment_pairs(
    a: np.ndarray, b: np.ndarray, threshold: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (x, y) with ``|a_x AND b_y| >= threshold * |a_x|`` (a_x nearly inside b_y).

    Returns ``(x, y, containment)``; rows of ``a`` with no bit set are never returned.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError("the containment threshold must be in (0, 1]")
    a, b = _rows(a), _rows(b)
    pa = popcounts(a)
    need_a = np.where(pa > 0, pa * float(threshold), np.inf)
    x, y, c = _cross_pairs(a, b, need_a, np.zeros(len(b)), _TILE)
    return x, y, (c / np.maximum(pa[x], 1)).astype(np.float32)
