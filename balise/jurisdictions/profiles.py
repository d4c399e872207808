"""Jurisdiction profiles: every number that the law sets is read from here, never written in code.

A deployment picks a profile with ``BALISE_JURISDICTION`` and may override any value with
``BALISE_JURISDICTION_OVERRIDES`` (JSON)."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import holidays as holidays_lib
from django.conf import settings
from django.utils.translation import get_language

PROFILE_DIR = Path(__file__).parent / "profiles"
AVAILABLE = ("fr", "ma", "coe")


@dataclass(frozen=True)
class JurisdictionProfile:
    code: str
    name: dict[str, str]
    languages: list[str]
    default_language: str
    time_zone: str
    holidays_country: str | None
    legal_basis: str
    exploitation_forms: dict[str, str]
    referrer_organisation_kinds: list[str]
    deciding_organisation_kinds: list[str]
    preliminary_decision_working_days: int
    reflection_period_days: int
    min_days_preliminary_to_conclusive: int
    negative_decision_second_review: bool
    reconsideration_window_days: int
    age_of_majority: int
    adult_consent_required: bool
    refused_consent_anonymous_notification: bool
    orientation_by_support_worker: bool
    safe_relocation_min_km: int
    retention_closed_case_days: int
    hotline_number: str
    statistics_producers: list[str] = field(default_factory=list)
    disclosure: dict[str, Any] = field(default_factory=dict)
    #: Larger areas gathering regions for statistics: ``{"source": ..., "areas": {code:
    #: {"name": {lang: ...}, "regions": {region code: official name}}}}``.
    statistical_areas: dict[str, Any] = field(default_factory=dict)

    # -- presentation -------------------------------------------------------------------------
    @property
    def display_name(self) -> str:
        lang = (get_language() or "fr")[:2]
        return self.name.get(lang) or self.name.get("en") or self.code

    def __str__(self) -> str:
        return self.display_name

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    # -- statistics -------------------------------------------------------------------------
    def region_areas(self) -> dict[str, tuple[str, ...]]:
        """Each larger area (statistics) and the regions it gathers, by code and by name
        (organisations record either)."""
        areas = self.statistical_areas.get("areas", {})
        return {code: (*area["regions"], *area["regions"].values()) for code, area in areas.items()}

    def area_name(self, code: str) -> str | None:
        """The name of a larger area in the active language, ``None`` if not an area."""
        area = self.statistical_areas.get("areas", {}).get(code)
        if area is None:
            return None
        lang = (get_language() or "fr")[:2]
        return area["name"].get(lang) or area["name"].get("en") or code

    # -- law --------------------------------------------------------------------------------
    def canonical_form(self, legal_form: str) -> str:
        """Map a form of exploitation of this jurisdiction's law to the canonical list."""
        return self.exploitation_forms[legal_form]

    def is_holiday(self, day: datetime.date) -> bool:
        if not self.holidays_country:
            return False
        return day in _holidays(self.holidays_country, day.year)

    def is_working_day(self, day: datetime.date) -> bool:
        return day.weekday() < 5 and not self.is_holiday(day)

    def add_working_days(self, start: datetime.date, days: int) -> datetime.date:
        """The date ``days`` working days after ``start`` (``start`` itself is not counted)."""
        if days < 0:
            raise ValueError("days must be positive")
        current = start
        remaining = days
        while remaining:
            current += datetime.timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if end < start)."""
        sign = 1
        if end < start:
            start, end, sign = end, start, -1
        count = 0
        day = start
        while day < end:
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return sign * count

    def local_date(self, moment: datetime.datetime) -> datetime.date:
        """The calendar date of an aware datetime in the jurisdiction's time zone."""
        return moment.astimezone(self.tz).date()


@lru_cache(maxsize=64)
def _holidays(country: str, year: int) -> holidays_lib.HolidayBase:
    return holidays_lib.country_holidays(country, years=year)


def load_profile(code: str, overrides: dict[str, Any] | None = None) -> JurisdictionProfile:
    if code not in AVAILABLE:
        raise ValueError(f"unknown jurisdiction {code!r}; choose one of {', '.join(AVAILABLE)}")
    data = json.loads((PROFILE_DIR / f"{code}.json").read_text(encoding="utf-8"))
    known = {f.name for f in fields(JurisdictionProfile)}
    for key, value in (overrides or {}).items():
        if key not in known:
            raise ValueError(f"unknown jurisdiction setting {key!r}")
        data[key] = value
    return JurisdictionProfile(**data)


@lru_cache(maxsize=8)
def _cached(code: str, overrides_json: str) -> JurisdictionProfile:
    return load_profile(code, json.loads(overrides_json))


def get_profile() -> JurisdictionProfile:
    """The deployment's profile, as configured."""
    return _cached(
        settings.BALISE_JURISDICTION,
        json.dumps(settings.BALISE_JURISDICTION_OVERRIDES, sort_keys=True),
    )
