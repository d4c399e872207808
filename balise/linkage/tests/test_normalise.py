from __future__ import annotations

import datetime as dt

import pytest

from balise.linkage.normalise import (
    birth_year_of,
    name_key,
    normalise_date,
    normalise_name,
    normalise_sex,
    transliterate_arabic,
)


@pytest.mark.parametrize(
    ("variants", "key"),
    [
        (["Mohamed", "Mohammed", "Muhammad", "Mouhamed", "محمد"], "mhmd"),
        (["Youssef", "Yusuf", "Yousef", "يوسف"], "ysf"),
        (["Fatima", "Fatma", "فاطمة"], "ftm"),
        (["Abdallah", "Abdullah", "عبد الله"], "abdl"),
        (["Khadija", "Khadidja", "خديجة"], "kdj"),
        (["Oussama", "Osama", "أسامة"], "asm"),
    ],
)
def test_transliteration_variants_share_a_key(variants: list[str], key: str) -> None:
    assert {name_key(v) for v in variants} == {key}


def test_different_names_keep_different_keys() -> None:
    keys = {name_key(n) for n in ["Mohamed", "Ahmed", "Hamid", "Hamza", "Fatima", "Nadia"]}
    assert len(keys) == 6


def test_arabic_is_transliterated_and_diacritics_dropped() -> None:
    assert transliterate_arabic("مُحَمَّد") == "mhmd"
    assert normalise_name("  Ștefan-Ionuț ") == "stefan ionut"
    assert normalise_name("Nguyễn Thị") == "nguyen thi"
    assert normalise_name("O'Brien") == "obrien"
    assert normalise_name("  ") is None


def test_dates_and_estimated_years() -> None:
    assert normalise_date("1990-03-15") == "19900315"
    assert normalise_date(dt.date(1990, 3, 15)) == "19900315"
    assert normalise_date("١٩٩٠-٠٣-١٥") == "19900315"
    assert normalise_date("1990-02-30") is None
    assert normalise_date("about 1990") is None
    assert birth_year_of(None, 1988) == 1988
    assert birth_year_of("19900315", 1988) == 1990
    assert birth_year_of(None, "unknown") is None


def test_sex_normalisation() -> None:
    assert [normalise_sex(v) for v in ["F", "femme", "Male", "homme", "X", None, "unknown"]] == [
        "f",
        "f",
        "m",
        "m",
        "x",
        None,
        None,
    ]
