"""Name and date normalisation shared by in-clear linkage and PPRL encodings.

Pure Python, no Django import: usable from benches, commands and plain pytest.

The Arabic-to-Latin table is deliberately small and deterministic. It does not aim at a
scholarly transliteration (which would need vowels that Arabic script does not write) but at
producing the same *consonant skeleton* as the Latin spellings people actually use, so that
``محمد``, ``Mohamed``, ``Mohammed`` and ``Muhammad`` all reduce to the key ``mhmd``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata

__all__ = [
    "ARABIC_TO_LATIN",
    "birth_year_of",
    "name_key",
    "normalise_date",
    "normalise_name",
    "normalise_sex",
    "normalise_text",
    "normalise_token",
    "transliterate_arabic",
]

# One entry per Arabic letter. Emphatic and plain consonants collapse to the same Latin
# letter because Latin spellings of names do not distinguish them.
ARABIC_TO_LATIN: dict[str, str] = {
    "\u0621": "",  # hamza
    "\u0622": "a",  # alef with madda
    "\u0623": "a",  # alef with hamza above
    "\u0624": "u",  # waw with hamza
    "\u0625": "i",  # alef with hamza below
    "\u0626": "i",  # yeh with hamza
    "\u0627": "a",  # alef
    "\u0628": "b",
    "\u0629": "a",  # teh marbuta
    "\u062a": "t",
    "\u062b": "th",
    "\u062c": "j",
    "\u062d": "h",
    "\u062e": "kh",
    "\u062f": "d",
    "\u0630": "dh",
    "\u0631": "r",
    "\u0632": "z",
    "\u0633": "s",
    "\u0634": "sh",
    "\u0635": "s",
    "\u0636": "d",
    "\u0637": "t",
    "\u0638": "z",
    "\u0639": "a",  # ain: written as a vowel in most Latin spellings (Abdallah)
    "\u063a": "gh",
    "\u0641": "f",
    "\u0642": "q",
    "\u0643": "k",
    "\u0644": "l",
    "\u0645": "m",
    "\u0646": "n",
    "\u0647": "h",
    "\u0648": "ou",  # waw: Youssef, Mouna
    "\u0649": "a",  # alef maksura
    "\u064a": "y",
    "\u067e": "p",
    "\u0686": "ch",
    "\u06a4": "v",
    "\u06af": "g",
    "\u06a9": "k",  # keheh (Persian kaf)
    "\u06cc": "y",  # Farsi yeh
}
_ARABIC_DIGITS = {chr(0x0660 + i): str(i) for i in range(10)} | {
    chr(0x06F0 + i): str(i) for i in range(10)
}
# Harakat, tanwin, shadda, sukun, superscript alef and tatweel carry no consonant.
_ARABIC_DROP = {chr(c) for c in range(0x064B, 0x0653)} | {"\u0670", "\u0640"}

# Latin letters that NFKD does not decompose.
_LATIN_SPECIAL = {
    "ß": "ss",
    "æ": "ae",
    "œ": "oe",
    "ø": "o",
    "đ": "d",
    "ð": "d",
    "ł": "l",
    "ı": "i",
    "þ": "th",
}
_NON_LETTER = re.compile(r"[^a-z ]+")
_NON_ALNUM = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r" +")
# Order matters: digraphs first. Applied to a normalised name without spaces.
_KEY_DIGRAPHS = (
    ("ph", "f"),
    ("kh", "k"),
    ("gh", "g"),
    ("dh", "d"),
    ("th", "t"),
    ("ch", "sh"),
    ("dj", "j"),
    ("ck", "k"),
)
_KEY_LETTERS = str.maketrans({"q": "k", "c": "k", "x": "k", "z": "s", "v": "f"})
_VOWELS = frozenset("aeiouyw")


def transliterate_arabic(text: str) -> str:
    """Replace Arabic-script letters by Latin ones; other characters pass through."""
    out: list[str] = []
    for ch in text:
        if ch in ARABIC_TO_LATIN:
            out.append(ARABIC_TO_LATIN[ch])
        elif ch in _ARABIC_DIGITS:
            out.append(_ARABIC_DIGITS[ch])
        elif ch in _ARABIC_DROP:
            continue
        else:
            out.append(ch)
    return "".join(out)


@functools.lru_cache(maxsize=1 << 17)
def normalise_token(text: str | None) -> str:
    """Lower-case ASCII letters and single spaces; accents removed, Arabic transliterated."""
    if not text:
        return ""
    if text.isascii():  # fast path: nothing to transliterate or decompose
        text = text.lower().replace("-", " ").replace("'", "")
        return _SPACES.sub(" ", _NON_LETTER.sub(" ", text)).strip()
    text = transliterate_arabic(text)
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = "".join(_LATIN_SPECIAL.get(ch, ch) for ch in text)
    text = text.replace("-", " ").replace("'", "").replace("\u2019", "")
    text = _NON_LETTER.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def normalise_text(text: str | None, *, keep_spaces: bool = True) -> str | None:
    """Like ``normalise_token`` but keeps digits (addresses, identifiers)."""
    if not text:
        return None
    value = transliterate_arabic(text)
    value = unicodedata.normalize("NFKD", value.lower())
    value = "".join(ch for ch in value if not unicodedata.combining(ch))
    value = "".join(_LATIN_SPECIAL.get(ch, ch) for ch in value)
    value = _NON_ALNUM.sub(" ", value)
    value = _SPACES.sub(" ", value).strip()
    if not keep_spaces:
        value = value.replace(" ", "")
    return value or None


def normalise_name(text: str | None) -> str | None:
    """Normalised name, or ``None`` when nothing usable is left."""
    value = normalise_token(text)
    return value or None


@functools.lru_cache(maxsize=1 << 17)
def name_key(text: str | None) -> str | None:
    """Consonant skeleton robust to transliteration variants.

    Steps: normalise, drop spaces, fold digraphs (kh→k, ph→f, ...), fold close letters
    (q/c/x→k, z→s, v→f), keep the first letter (any initial vowel becomes ``a``), drop the
    other vowels (including w and y), drop a final ``h`` and collapse repeated letters.
    Distinct names can share a key (Mohamed and Mahmoud both give ``mhmd``), which is why
    the model weighs a key match well below an exact match.
    """
    value = normalise_token(text).replace(" ", "")
    if not value:
        return None
    for src, dst in _KEY_DIGRAPHS:
        value = value.replace(src, dst)
    value = value.translate(_KEY_LETTERS)
    first = "a" if value[0] in _VOWELS and value[0] not in "wy" else value[0]
    rest = [ch for ch in value[1:] if ch not in _VOWELS]
    if len(rest) > 1 and rest[-1] == "h":
        rest.pop()
    out: list[str] = [first]
    for ch in rest:
        if ch != out[-1]:
            out.append(ch)
    return "".join(out)


def normalise_date(value: object) -> str | None:
    """Return ``YYYYMMDD`` for a date, datetime or parseable string; ``None`` otherwise."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.strftime("%Y%m%d")
    if isinstance(value, dt.date):
        return value.strftime("%Y%m%d")
    return _normalise_date_text(str(value))


@functools.lru_cache(maxsize=1 << 16)
def _normalise_date_text(value: str) -> str | None:
    text = value.strip()
    if not text or text.lower() in {"nan", "nat", "none"}:
        return None
    digits = re.sub(r"[^0-9]", "", transliterate_arabic(text))
    if len(digits) != 8:
        return None
    try:
        dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None
    return digits


def birth_year_of(dob: str | None, estimated_year: object = None) -> int | None:
    """Birth year from a normalised date, falling back to an estimated year."""
    if dob:
        return int(dob[:4])
    if estimated_year is None:
        return None
    try:
        year = int(float(str(estimated_year)))
    except ValueError:
        return None
    return year if 1880 <= year <= 2100 else None


def normalise_sex(value: object) -> str | None:
    """``f``, ``m`` or ``x`` (other), ``None`` when unknown."""
    text = normalise_token(str(value)) if value is not None else ""
    if not text or text in {"nan", "none", "unknown", "u"}:
        return None
    if text[0] in {"f", "w"}:  # female, femme, woman
        return "f"
    if text[0] in {"m", "h"}:  # male, masculin, homme
        return "m"
    return "x"
