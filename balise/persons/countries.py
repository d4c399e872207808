"""ISO 3166-1 alpha-3 countries and ISO 639 languages with names in the user's language.

The names come from the ISO code tables and their translations shipped by ``pycountry``, so no
list is typed by hand. Balise adds the user-assigned codes XXA (stateless) and XXX (unknown)."""

from __future__ import annotations

import gettext as gettext_module
from functools import lru_cache

import pycountry
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from balise.codelists.lists import STATELESS, UNKNOWN_CITIZENSHIP

#: Languages people referred to Balise commonly speak (ISO 639-1 where it exists, else 639-3).
COMMON_LANGUAGES: tuple[str, ...] = (
    "fr", "ar", "en", "es", "pt", "ro", "bg", "ru", "uk", "zh", "vi", "tl", "hi", "ur", "bn",
    "ta", "pa", "fa", "ps", "tr", "ku", "sq", "sr", "hu", "pl", "it", "de", "nl", "am", "ti",
    "so", "sw", "ha", "yo", "ig", "wo", "ln", "bm", "ff", "zgh", "kab", "ber", "ary",
)  # fmt: skip


@lru_cache(maxsize=16)
def _translator(domain: str, lang: str) -> gettext_module.NullTranslations:
    return gettext_module.translation(
        domain, pycountry.LOCALES_DIR, languages=[lang], fallback=True
    )


def _lang() -> str:
    return (get_language() or "fr").split("-")[0]


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.countries) | {STATELESS, UNKNOWN_CITIZENSHIP}


def country_name(code: str) -> str:
    if code == STATELESS:
        return str(_("Stateless"))
    if code == UNKNOWN_CITIZENSHIP:
        return str(_("Unknown nationality"))
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return code
    return _translator("iso3166-1", _lang()).gettext(country.name)


def country_choices() -> list[tuple[str, str]]:
    return _country_choices(_lang())


@lru_cache(maxsize=8)
def _country_choices(lang: str) -> list[tuple[str, str]]:
    return sorted(((c, country_name(c)) for c in country_codes()), key=lambda x: x[1])


@lru_cache(maxsize=1)
def language_codes() -> frozenset[str]:
    codes = set()
    for code in COMMON_LANGUAGES:
        if _lookup_language(code) is not None:
            codes.add(code)
    return frozenset(codes)


def _lookup_language(code: str):  # noqa: ANN202
    if len(code) == 2:
        return pycountry.languages.get(alpha_2=code)
    return pycountry.languages.get(alpha_3=code) or pycountry.language_families.get(alpha_3=code)


def language_name(code: str) -> str:
    lang = _lookup_language(code)
    if lang is None:
        return code
    domain = "iso639-3" if hasattr(lang, "scope") else "iso639-5"
    return _translator(domain, _lang()).gettext(lang.name)


def language_choices() -> list[tuple[str, str]]:
    return _language_choices(_lang())


@lru_cache(maxsize=8)
def _language_choices(lang: str) -> list[tuple[str, str]]:
    return sorted(((c, language_name(c)) for c in language_codes()), key=lambda x: x[1])
