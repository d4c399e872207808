"""Synthetic person registers for tests and benchmarks (no personal data, no download).

Names come from small embedded lists of common French, Moroccan, Nigerian, Romanian and
Vietnamese names drawn with a Zipf distribution (rank r has weight 1 / r**s), plus a long
tail of syllable-built names so that a million-record register has realistic block
sizes. Planted duplicates are corrupted the way referrals are: typos, transliteration
variants, Arabic script, swapped first/last names, estimated ages, missing birth dates.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["CULTURES", "SyntheticRegister", "generate_register", "zipf_names"]

CULTURES: dict[str, dict[str, list[str]]] = {
    "FR": {
        "f": "Marie Nathalie Isabelle Sylvie Catherine Camille Sophie Julie Emma Léa Chloé Manon "
        "Inès Sarah Laura Céline Aurélie Pauline Claire Anne Lucie Océane Jade Louise".split(),
        "m": "Jean Pierre Michel Philippe Nicolas Thomas Julien Alexandre Lucas Hugo Louis Paul "
        "Antoine Maxime Kevin Romain Mathieu Sébastien Olivier Christophe Léo Gabriel".split(),
        "last": "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon "
        "Michel Lefèvre Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert "
        "Fontaine Rousseau Vincent Muller Faure André Mercier".split(),
    },
    "MA": {
        "f": "Fatima Khadija Aicha Meryem Salma Zineb Nadia Hanane Samira Naima Latifa Imane "
        "Hajar Souad Malika Karima Asmae Sanaa Houda Rachida Siham Loubna Ghizlane Wafae".split(),
        "m": "Mohamed Ahmed Youssef Said Mustapha Abdellah Hassan Rachid Karim Omar Driss "
        "Hamza Mehdi Anas Ayoub Ismail Khalid Abdelkader Hicham Brahim Ali Samir".split(),
        "last": "Alaoui Benali Idrissi Tazi Bennani Berrada Chraibi El Amrani Fassi Lahlou "
        "Ouazzani Naciri Bouazza Ziani Kettani Benjelloun Sebti Hajji Cherkaoui Mansouri "
        "Filali Belkadi Tahiri Rami Saidi Amrani Bakkali Rifi Boukhari Skalli".split(),
    },
    "NG": {
        "f": "Blessing Mary Grace Joy Faith Patience Esther Chioma Ngozi Aisha Fatima Amina "
        "Funmilayo Adaeze Chinwe Folake Halima Precious Favour Gift Oluwaseun Bukola".split(),
        "m": "Emmanuel John Samuel David Ibrahim Musa Chukwuemeka Oluwaseun Abubakar Daniel "
        "Joseph Peter Godwin Sunday Yusuf Uche Ifeanyi Tunde Babatunde Chinedu Segun".split(),
        "last": "Okafor Adeyemi Okonkwo Ibrahim Bello Abubakar Eze Olawale Nwosu Mohammed "
        "Adebayo Ogunleye Okeke Usman Yusuf Danjuma Nnamdi Obi Chukwu Akinola Balogun "
        "Olaniyan Ogbonna Onyeka Ajayi Salisu Emeka Ekwueme Adeleke Umar".split(),
    },
    "RO": {
        "f": "Maria Elena Ioana Andreea Ana Mihaela Gabriela Cristina Alexandra Daniela "
        "Alina Roxana Diana Nicoleta Irina Simona Georgiana Adriana Florentina Raluca".split(),
        "m": "Ion Gheorghe Constantin Alexandru Andrei Mihai Vasile Ștefan Florin Adrian "
        "Nicolae Cristian Marius Ionuț Daniel Gabriel Bogdan Sorin Cătălin Dumitru".split(),
        "last": "Popa Popescu Pop Radu Dumitru Stan Stoica Gheorghe Matei Ciobanu Ionescu "
        "Rusu Munteanu Constantin Mihai Florea Marin Dinu Tudor Lungu Diaconu Moldovan "
        "Neagu Barbu Preda Iordache Sandu Cristea Serban Toma".split(),
    },
    "VN": {
        "f": "Linh Anh Hương Trang Ngọc Thảo Hà Mai Lan Phương Thu Hằng Nhung Hoa Yến Vy "
        "Nga Hạnh Quỳnh Trâm".split(),
        "m": "Minh Huy Khang Bảo Phúc Anh Nam Dũng Hùng Tuấn Long Quang Sơn Thắng Hải Đức "
        "Trung Hoàng Việt Kiên".split(),
        "last": "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý "
        "Đinh Đào Cao Mai".split(),
    },
}
CULTURE_WEIGHTS = {"FR": 0.3, "MA": 0.25, "NG": 0.2, "RO": 0.15, "VN": 0.1}
PLACES = {
    "FR": ["Paris", "Marseille", "Lyon", "Lille", "Toulouse", "Nice", "Bordeaux"],
    "MA": ["Casablanca", "Rabat", "Fès", "Marrakech", "Tanger", "Oujda", "Agadir"],
    "NG": ["Lagos", "Benin City", "Abuja", "Kano", "Ibadan", "Port Harcourt", "Enugu"],
    "RO": ["București", "Iași", "Cluj-Napoca", "Constanța", "Craiova", "Timișoara"],
    "VN": ["Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Nghệ An", "Hà Tĩnh"],
}
# Latin spelling -> variants seen in referrals (including Arabic script).
VARIANTS = {
    "Mohamed": ["Mohammed", "Muhammad", "Mouhamed", "محمد"],
    "Ahmed": ["Ahmad", "Ahmet", "أحمد"],
    "Youssef": ["Yusuf", "Youssouf", "Yousef", "يوسف"],
    "Fatima": ["Fatma", "Fatimah", "Fatouma", "فاطمة"],
    "Khadija": ["Khadidja", "Khadijah", "Hadiza", "خديجة"],
    "Aicha": ["Aisha", "Aïcha", "Aisa", "عائشة"],
    "Abdellah": ["Abdallah", "Abdullah", "عبد الله"],
    "Said": ["Saïd", "Saeed", "سعيد"],
    "Mustapha": ["Mustafa", "Moustapha", "مصطفى"],
    "Hassan": ["Hasan", "Hassane", "حسن"],
    "Meryem": ["Maryam", "Mariam", "مريم"],
    "Alaoui": ["Alawi", "El Alaoui", "العلوي"],
    "Idrissi": ["Idrisi", "El Idrissi", "الإدريسي"],
    "Nguyễn": ["Nguyen", "Ngyuen"],
    "Ibrahim": ["Ebrahim", "Brahim", "إبراهيم"],
    "Omar": ["Umar", "Omer", "عمر"],
}
_SYLLABLES = {
    "FR": "ber mar lan dou vin ger cha ro mon tel fa bri gau let pin bou cour del ne "
    "vel mas sau ri lo quet ard ot mont",
    "MA": "ben el ha mid sa ri lah kad bou zi tah fil ou mar ra ja dir nas kar lam sou "
    "bi zou han ta mou chi",
    "NG": "o ba la de ye ku chu nwa ke mi tun ola ade ogu ji bo si emi fo nna ko wa tay yi ni du",
    "RO": "po pes cu ra du mi ne sa ta lun gu ia ro vas lea bo dan stoi ni tes mo ga ciu vi nes",
    "VN": "ngu tra ha pha vu do hoa lam tien quoc van thi dinh luu ma tan khanh bich "
    "xuan kim son thanh chau duy phu",
}
#: Size of the syllable-built vocabulary per culture (tail of the frequency distribution).
TAIL_VOCABULARY = {"first": 3000, "last": 20000}
#: Zipf exponent within the tail: flatter than the head, as real surname tails are.
TAIL_EXPONENT = 0.7
#: Cluster sizes of duplicated persons (records beyond the first one: 1 to 4).
EXTRA_RECORDS = (np.array([1, 2, 3, 4]), np.array([0.55, 0.25, 0.12, 0.08]))
#: Share of persons whose birth date is never known (no documents): estimated years only.
NO_DOCUMENT_SHARE = 0.03


def zipf_names(rng: np.random.Generator, names: list[str], size: int, s: float = 1.0) -> np.ndarray:
    weights = 1.0 / np.arange(1, len(names) + 1) ** s
    return rng.choice(np.array(names, dtype=object), size=size, p=weights / weights.sum())


_VOCABULARIES: dict[tuple[str, str], np.ndarray] = {}


def _tail_vocabulary(culture: str, kind: str) -> np.ndarray:
    """Distinct syllable-built names of one culture, in a fixed (seeded) frequency order.

    The vocabulary is the same for every register (it does not depend on the register's
    seed), like a real population's names: two registers share their frequent names.
    """
    key = (culture, kind)
    if key not in _VOCABULARIES:
        rng = np.random.default_rng([ord(c) for c in culture + kind])
        syl = np.array(_SYLLABLES[culture].split(), dtype=object)
        size = TAIL_VOCABULARY[kind]
        longest = 3 if kind == "first" else 4
        seen: dict[str, None] = {}
        while len(seen) < size:
            parts = rng.choice(syl, size=(size, longest))
            lengths = rng.integers(2, longest + 1, size=size)
            for row, n in zip(parts.tolist(), lengths.tolist(), strict=True):
                seen.setdefault("".join(row[:n]).capitalize(), None)
                if len(seen) == size:
                    break
        _VOCABULARIES[key] = np.array(list(seen), dtype=object)
    return _VOCABULARIES[key]


def _tail_names(rng: np.random.Generator, culture: str, kind: str, size: int) -> np.ndarray:
    vocabulary = _tail_vocabulary(culture, kind)
    return zipf_names(rng, list(vocabulary), size, s=TAIL_EXPONENT)


@dataclass
class SyntheticRegister:
    frame: pd.DataFrame  # PersonRecord-shaped columns + "entity"

    def truth_pairs(self) -> set[tuple[str, str]]:
        from .datasets import truth_pairs_from_clusters

        return truth_pairs_from_clusters(self.frame["record_id"], self.frame["entity"])


def _people(
    rng: np.random.Generator, n: int, tail_share: float, first_tail_share: float
) -> pd.DataFrame:
    cultures = rng.choice(
        np.array(list(CULTURE_WEIGHTS)), size=n, p=np.array(list(CULTURE_WEIGHTS.values()))
    )
    sex = rng.choice(np.array(["f", "m"]), size=n, p=[0.7, 0.3])
    first = np.empty(n, dtype=object)
    last = np.empty(n, dtype=object)
    place = np.empty(n, dtype=object)
    for c in CULTURE_WEIGHTS:
        for sx in ("f", "m"):
            idx = np.flatnonzero((cultures == c) & (sex == sx))
            first[idx] = zipf_names(rng, CULTURES[c][sx], len(idx))
            tail = idx[rng.random(len(idx)) < first_tail_share]
            first[tail] = _tail_names(rng, c, "first", len(tail))
        idx = np.flatnonzero(cultures == c)
        last[idx] = zipf_names(rng, CULTURES[c]["last"], len(idx))
        tail = idx[rng.random(len(idx)) < tail_share]
        last[tail] = _tail_names(rng, c, "last", len(tail))
        place[idx] = rng.choice(np.array(PLACES[c], dtype=object), size=len(idx))
    start = dt.date(1960, 1, 1).toordinal()
    days = rng.integers(0, (dt.date(2010, 12, 31).toordinal() - start), size=n)
    dob = np.array([dt.date.fromordinal(start + int(d)).isoformat() for d in days], dtype=object)
    estimated = np.full(n, None, dtype=object)
    undocumented = np.flatnonzero(rng.random(n) < NO_DOCUMENT_SHARE)
    shifts = rng.integers(-2, 3, size=len(undocumented))
    for i, shift in zip(undocumented.tolist(), shifts.tolist(), strict=True):
        estimated[i] = int(dob[i][:4]) + shift
        dob[i] = None
    return pd.DataFrame(
        {
            "first_name": first,
            "last_name": last,
            "birth_date": dob,
            "birth_year_estimated": estimated,
            "sex": sex,
            "nationality": cultures,
            "place": place,
        }
    )


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 3:
        return text
    i = rng.randrange(1, len(text) - 1)
    op = rng.randrange(3)
    letter = chr(rng.randrange(97, 123))
    if op == 0:
        return text[:i] + text[i + 1 :]
    if op == 1:
        return text[:i] + letter + text[i + 1 :]
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


_KINDS = ["typo_first", "typo_last", "variant", "swap", "estimated_age", "no_dob", "dob_typo"]
_KIND_WEIGHTS = [0.24, 0.24, 0.27, 0.1, 0.06, 0.03, 0.06]


def _corrupt(rng: random.Random, row: dict[str, object]) -> dict[str, object]:
    """One more referral of the same person: 0 to 2 corruptions, then context fields."""
    out = dict(row)
    if not isinstance(out["birth_date"], str):
        out["birth_date"] = None
    if out.get("birth_year_estimated") is not None and pd.isna(out["birth_year_estimated"]):
        out["birth_year_estimated"] = None
    first, last = str(out["first_name"]), str(out["last_name"])
    for kind in rng.choices(_KINDS, _KIND_WEIGHTS, k=rng.choices((0, 1, 2), (7, 9, 4))[0]):
        if kind == "typo_first":
            first = _typo(rng, first)
        elif kind == "typo_last":
            last = _typo(rng, last)
        elif kind == "variant":
            if first in VARIANTS:
                first = rng.choice(VARIANTS[first])
            elif last in VARIANTS:
                last = rng.choice(VARIANTS[last])
            else:
                first = _typo(rng, first)
        elif kind == "swap":
            first, last = last, first
        elif kind in {"estimated_age", "no_dob"} and out["birth_date"]:
            year = int(str(out["birth_date"])[:4])
            out["birth_date"] = None
            if kind == "estimated_age":
                out["birth_year_estimated"] = year + rng.randint(-2, 2)
        elif kind == "dob_typo" and out["birth_date"]:
            d = str(out["birth_date"])
            pos = rng.choice((2, 3, 5, 6, 8, 9))
            out["birth_date"] = d[:pos] + str(rng.randrange(10)) + d[pos + 1 :]
    if out["birth_date"] is None and out.get("birth_year_estimated") is not None:
        # An age estimated again by another organisation: within two years.
        out["birth_year_estimated"] = int(out["birth_year_estimated"]) + rng.randint(-1, 1)
    draw = rng.random()
    if draw < 0.05:
        out["nationality"] = None  # not recorded
    elif draw < 0.08:
        out["nationality"] = rng.choice(list(CULTURE_WEIGHTS))  # recorded wrongly
    if rng.random() < 0.1:
        out["place"] = None
    elif rng.random() < 0.2:
        out["place"] = rng.choice(PLACES[str(row["nationality"])])  # moved
    out["first_name"], out["last_name"] = first, last
    return out


def _cluster_owners(rng: np.random.Generator, people: int, extra: int) -> np.ndarray:
    """Which person each of ``extra`` duplicate records belongs to (1 to 4 per person)."""
    if extra <= 0 or people <= 0:
        return np.empty(0, dtype=np.int64)
    values, probs = EXTRA_RECORDS
    sizes = rng.choice(values, size=extra, p=probs)
    sizes = sizes[: int(np.searchsorted(np.cumsum(sizes), extra)) + 1]
    sizes[-1] -= int(sizes.sum()) - extra
    if len(sizes) > people:  # more duplicates than persons can hold: spread them round-robin
        return rng.integers(0, people, size=extra)
    owners = rng.choice(people, size=len(sizes), replace=False)
    return np.repeat(owners, sizes)


def generate_register(
    n: int,
    *,
    duplicate_share: float = 0.1,
    seed: int = 7,
    tail_share: float = 0.5,
    first_tail_share: float = 0.3,
) -> SyntheticRegister:
    """``n`` records of ``n * (1 - duplicate_share)`` persons.

    The other records are further referrals of some of these persons (clusters of 2 to 5
    records), each corrupted independently of the others.
    """
    rng = np.random.default_rng(seed)
    n_dups = int(n * duplicate_share)
    base = _people(rng, n - n_dups, tail_share, first_tail_share)
    base["entity"] = np.arange(len(base)).astype(str)
    src = _cluster_owners(rng, len(base), n_dups)
    rows = base.iloc[src].to_dict("records")
    fast = random.Random(int(rng.integers(2**63)))  # per-record draws: stdlib is faster
    dups = pd.DataFrame([_corrupt(fast, r) for r in rows], columns=base.columns)
    frame = pd.concat([base, dups], ignore_index=True)
    # Invalid dates from typos (e.g. 1987-02-31) become unknown, as a form would refuse them.
    frame["birth_date"] = pd.to_datetime(frame["birth_date"], errors="coerce").dt.strftime(
        "%Y-%m-%d"
    )
    frame["birth_date"] = frame["birth_date"].astype(object).where(frame["birth_date"].notna())
    order = rng.permutation(len(frame))
    frame = frame.iloc[order].reset_index(drop=True)
    frame.insert(0, "record_id", [f"r{i}" for i in range(len(frame))])
    return SyntheticRegister(frame)
