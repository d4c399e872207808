"""Frequency-based re-identification attacks on Bloom-filter encodings.

Used by the test suite and the benchmark to check that the encodings that leave an
organisation do not let the observatory (which holds encodings but no key) put names on
records. The attacker is given the true name-frequency distribution of the population (a
strong assumption in the attacker's favour) and tries two attacks:

1. **Encoding-frequency alignment** (Kroll & Steinmetzer style): identical encodings are
   grouped, groups are ranked by size and the i-th largest group is labelled with the i-th
   most frequent name.
2. **Similarity-cluster alignment** (graph/pattern attacks in the spirit of Vidanage et
   al.): encodings are clustered (connected components of Dice >= tau); clusters are ranked
   by size and labelled with names by frequency rank. The attacker tries several tau and
   the best one *with hindsight* is reported, again in the attacker's favour.

3. **Containment-group attack**: the encoding of a record without a birth date holds
   little more than its name, and is contained in the encoding of every record that
   shares that name. For each such record, the attacker gathers the records whose
   encodings contain it (``|a AND b| >= tau |b|``) into a group, keeps the groups that
   do not overlap (largest first), ranks them by size and labels them by name frequency.

A cluster is only labelled if its size is plausible for a name (at most twice the count of
the most frequent name), since a larger cluster visibly groups more than one name.
A cluster is *re-identified* when the label the attacker gives it is the true value of the
majority of its records (the attacker has found that value's group, as in the evaluation of
Vidanage et al.); its records carrying that value count as re-identified. Chance hits in
mixed clusters (guessing a frequent name for everybody) do not count. The attacked value
can be a full name, a first name or a surname.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from .kernels import containment_pairs, popcounts
from .normalise import normalise_token
from .pprl import encodings_to_words, exhaustive_pairs

__all__ = [
    "containment_group_attack",
    "encoding_frequency_attack",
    "reidentification_rate",
    "similarity_cluster_attack",
]


def _align(
    clusters: list[list[int]], true_names: Sequence[str], ranking: Sequence[tuple[str, int]]
) -> int:
    if not ranking:
        return 0
    max_plausible = 2 * ranking[0][1] * len(true_names) / max(1, sum(c for _, c in ranking))
    clusters = sorted((c for c in clusters if len(c) <= max_plausible), key=len, reverse=True)
    hits = 0
    for cluster, (name, _) in zip(clusters, ranking, strict=False):
        correct = sum(1 for idx in cluster if true_names[idx] == name)
        if 2 * correct > len(cluster):
            hits += correct
    return hits


def _name_ranking(public_names: Sequence[str]) -> list[tuple[str, int]]:
    return Counter(normalise_token(n) for n in public_names).most_common()


def encoding_frequency_attack(
    encodings: Sequence[bytes], true_names: Sequence[str], public_names: Sequence[str]
) -> float:
    groups: dict[bytes, list[int]] = {}
    for idx, enc in enumerate(encodings):
        groups.setdefault(enc, []).append(idx)
    truth = [normalise_token(n) for n in true_names]
    hits = _align(list(groups.values()), truth, _name_ranking(public_names))
    return hits / len(encodings)


def _components(n: int, i: np.ndarray, j: np.ndarray) -> list[list[int]]:
    parent = np.arange(n)

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return int(root)

    for a, b in zip(i.tolist(), j.tolist(), strict=True):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    out: dict[int, list[int]] = {}
    for x in range(n):
        out.setdefault(find(x), []).append(x)
    return list(out.values())


def similarity_cluster_attack(
    encodings: Sequence[bytes],
    true_names: Sequence[str],
    public_names: Sequence[str],
    taus: Sequence[float] = (0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95),
) -> tuple[float, float]:
    """Best re-identification rate over ``taus`` and the tau that achieved it."""
    words = encodings_to_words(list(encodings))
    n = len(encodings)
    i, j, dice = exhaustive_pairs(words, np.zeros(n, dtype=np.int32), min(taus))
    truth = [normalise_token(t) for t in true_names]
    ranking = _name_ranking(public_names)
    best = (0.0, float(taus[0]))
    for tau in taus:
        keep = dice >= tau
        clusters = _components(n, i[keep], j[keep])
        rate = _align(clusters, truth, ranking) / n
        if rate > best[0]:
            best = (rate, float(tau))
    return best


def containment_group_attack(
    encodings: Sequence[bytes],
    true_names: Sequence[str],
    public_names: Sequence[str],
    taus: Sequence[float] = (0.8, 0.85, 0.9, 0.95, 1.0),
) -> tuple[float, float]:
    """Best rate over ``taus`` of labelling containment groups of sparse encodings.

    The attacker does not read the flags byte: a sparse encoding (popcount in the lowest
    fifth) is taken as one without a birth date, which is what the flags would say.
    """
    words = encodings_to_words(list(encodings))
    n = len(encodings)
    pops = popcounts(words)
    sparse = np.flatnonzero((pops > 0) & (pops <= np.percentile(pops[pops > 0], 20)))
    truth = [normalise_token(t) for t in true_names]
    ranking = _name_ranking(public_names)
    best = (0.0, float(taus[0]))
    if not len(sparse):
        return best
    x, y, cont = containment_pairs(words[sparse], words, min(taus))
    for tau in taus:
        keep = cont >= tau
        groups: dict[int, set[int]] = {}
        for a, b in zip(sparse[x[keep]].tolist(), y[keep].tolist(), strict=True):
            groups.setdefault(a, {a}).add(b)
        taken: set[int] = set()
        clusters: list[list[int]] = []
        for members in sorted(groups.values(), key=len, reverse=True):
            if members & taken:
                continue
            taken |= members
            clusters.append(sorted(members))
        rate = _align(clusters, truth, ranking) / n
        if rate > best[0]:
            best = (rate, float(tau))
    return best


def reidentification_rate(
    encodings: Sequence[bytes], true_names: Sequence[str], public_names: Sequence[str]
) -> dict[str, float]:
    freq = encoding_frequency_attack(encodings, true_names, public_names)
    sim, tau = similarity_cluster_attack(encodings, true_names, public_names)
    cont, cont_tau = containment_group_attack(encodings, true_names, public_names)
    return {
        "frequency": freq,
        "similarity": sim,
        "similarity_tau": tau,
        "containment": cont,
        "containment_tau": cont_tau,
        "max": max(freq, sim, cont),
    }
