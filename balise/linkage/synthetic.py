"""Synthetic person registers for tests and benchmarks (no personal data, no download).

Names come from small embedded lists of common French, Moroccan, Nigerian, Romanian and
Vietnamese names drawn with a Zipf distribution (rank r has weight 1 / r**s), plus a long
tail of syllable-built names so that a million-record register has realistic block
sizes. Planted duplicates are corrupted the way referrals are: typos, transliteration
variants, Arabic script, swapped first/last names, estimated ages, missing birth dates.
"""

from __future__ import annotations

import datetime as dt
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
    "FR": "ber mar lan dou vin ger cha ro mon tel fa bri gau let pin",
    "MA": "ben el ha mid sa ri lah kad bou zi tah fil ou mar ra",
    "NG": "o ba la de ye ku chu nwa ke mi tun ola ade ogu ji",
    "RO": "po pes cu ra du mi ne sa ta lun gu ia ro vas lea",
    "VN": "ngu tra ha pha vu do hoa lam tien quoc van thi dinh luu ma",
}


def zipf_names(rng: np.random.Generator, names: list[str], size: int, s: float = 1.0) -> np.ndarray:
    weights = 1.0 / np.arange(1, len(names) + 1) ** s
    return rng.choice(np.array(names, dtype=object), size=size, p=weights / weights.sum())


def _tail_names(rng: np.random.Generator, culture: str, size: int) -> np.ndarray:
    syl = np.array(_SYLLABLES[culture].split(), dtype=object)
    parts = rng.choice(syl, size=(size, 3))
    lengths = rng.integers(2, 4, size=size)
    return np.array(
        ["".join(p[:n]).capitalize() for p, n in zip(parts, lengths, strict=True)], dtype=object
    )


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
            first[tail] = _tail_names(rng, c, len(tail))
        idx = np.flatnonzero(cultures == c)
        last[idx] = zipf_names(rng, CULTURES[c]["last"], len(idx))
        tail = idx[rng.random(len(idx)) < tail_share]
        last[tail] = _tail_names(rng, c, len(tail))
        place[idx] = rng.choice(np.array(PLACES[c], dtype=object), size=len(idx))
    start = dt.date(1960, 1, 1).toordinal()
    days = rng.integers(0, (dt.date(2010, 12, 31).toordinal() - start), size=n)
    dob = [dt.date.fromordinal(start + int(d)).isoformat() for d in days]
    return pd.DataFrame(
        {
            "first_name": first,
            "last_name": last,
            "birth_date": dob,
            "sex": sex,
            "nationality": cultures,
            "place": place,
        }
    )


def _typo(rng: np.random.Generator, text: str) -> str:
    if len(text) < 3:
        return text
    i = int(rng.integers(1, len(text) - 1))
    op = int(rng.integers(0, 3))
    letter = chr(int(rng.integers(97, 123)))
    if op == 0:
        return text[:i] + text[i + 1 :]
    if op == 1:
        return text[:i] + letter + text[i + 1 :]
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def _corrupt(rng: np.random.Generator, row: dict[str, object]) -> dict[str, object]:
    out = dict(row)
    first, last = str(out["first_name"]), str(out["last_name"])
    for _ in range(int(rng.integers(1, 3))):
        kind = rng.choice(
            ["typo_first", "typo_last", "variant", "swap", "estimated_age", "no_dob", "dob_typo"],
            p=[0.2, 0.2, 0.2, 0.1, 0.15, 0.05, 0.1],
        )
        if kind == "typo_first":
            first = _typo(rng, first)
        elif kind == "typo_last":
            last = _typo(rng, last)
        elif kind == "variant":
            if first in VARIANTS:
                first = str(rng.choice(VARIANTS[first]))
            elif last in VARIANTS:
                last = str(rng.choice(VARIANTS[last]))
            else:
                first = _typo(rng, first)
        elif kind == "swap":
            first, last = last, first
        elif kind in {"estimated_age", "no_dob"} and out["birth_date"]:
            year = int(str(out["birth_date"])[:4])
            out["birth_date"] = None
            if kind == "estimated_age":
                out["birth_year_estimated"] = year + int(rng.integers(-2, 3))
        elif kind == "dob_typo" and out["birth_date"]:
            d = str(out["birth_date"])
            pos = int(rng.choice([2, 3, 5, 6, 8, 9]))
            out["birth_date"] = d[:pos] + str(int(rng.integers(0, 10))) + d[pos + 1 :]
    draw = rng.random()
    if draw < 0.05:
        out["nationality"] = None  # not recorded
    elif draw < 0.08:
        out["nationality"] = str(rng.choice(list(CULTURE_WEIGHTS)))  # recorded wrongly
    if rng.random() < 0.1:
        out["place"] = None
    out["first_name"], out["last_name"] = first, last
    return out


def generate_register(
    n: int,
    *,
    duplicate_share: float = 0.1,
    seed: int = 7,
    tail_share: float = 0.5,
    first_tail_share: float = 0.3,
) -> SyntheticRegister:
    """``n`` records: ``n * (1 - duplicate_share)`` people plus corrupted duplicates."""
    rng = np.random.default_rng(seed)
    n_dups = int(n * duplicate_share)
    base = _people(rng, n - n_dups, tail_share, first_tail_share)
    base["birth_year_estimated"] = None
    base["entity"] = np.arange(len(base)).astype(str)
    src = rng.integers(0, len(base), size=n_dups)
    rows = base.iloc[src].to_dict("records")
    dups = pd.DataFrame([_corrupt(rng, r) for r in rows], columns=base.columns)
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
