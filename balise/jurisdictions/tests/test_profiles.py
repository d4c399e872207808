import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from balise.jurisdictions.profiles import AVAILABLE, get_profile, load_profile


@pytest.mark.parametrize("code", AVAILABLE)
def test_every_profile_loads_with_the_convention_minimums(code):
    profile = load_profile(code)
    assert profile.reflection_period_days >= 30
    assert profile.reconsideration_window_days >= 30
    assert profile.age_of_majority == 18
    assert "sexual" in profile.exploitation_forms.values()
    assert profile.negative_decision_second_review


def test_the_deployment_picks_a_profile_and_may_override_values(settings):
    settings.BALISE_JURISDICTION = "ma"
    settings.BALISE_JURISDICTION_OVERRIDES = {"reflection_period_days": 45}
    profile = get_profile()
    assert profile.code == "ma"
    assert profile.reflection_period_days == 45
    assert profile.hotline_number == "0800 00 47 47"


def test_unknown_profiles_and_settings_are_refused():
    with pytest.raises(ValueError):
        load_profile("xx")
    with pytest.raises(ValueError):
        load_profile("fr", {"no_such_rule": 1})


def test_morocco_maps_its_legal_forms_to_the_canonical_list():
    ma = load_profile("ma")
    assert ma.canonical_form("armed_conflict") == "child_soldiering"
    assert ma.canonical_form("medical_experimentation") == "medical_experimentation"
    assert load_profile("fr").canonical_form("proxenetisme") == "sexual"


def test_working_days_skip_weekends():
    coe = load_profile("coe")
    friday = dt.date(2026, 11, 20)
    assert coe.add_working_days(friday, 1) == dt.date(2026, 11, 23)  # Monday
    assert coe.add_working_days(friday, 5) == dt.date(2026, 11, 27)
    assert coe.working_days_between(friday, dt.date(2026, 11, 27)) == 5
    assert coe.working_days_between(dt.date(2026, 11, 27), friday) == -5


def test_working_days_skip_french_public_holidays():
    fr = load_profile("fr")
    # 14 July 2026 is a Tuesday; 1 May and 8 May 2026 are Fridays.
    assert fr.add_working_days(dt.date(2026, 7, 13), 1) == dt.date(2026, 7, 15)
    assert fr.add_working_days(dt.date(2026, 4, 30), 1) == dt.date(2026, 5, 4)
    assert fr.add_working_days(dt.date(2026, 5, 7), 1) == dt.date(2026, 5, 11)
    # A referral on the Friday before Christmas 2026: target five working days later.
    assert fr.add_working_days(dt.date(2026, 12, 18), 5) == dt.date(2026, 12, 28)


def test_working_days_skip_moroccan_public_holidays():
    ma = load_profile("ma")
    # Throne Day, 30 July 2026, is a Thursday.
    assert not ma.is_working_day(dt.date(2026, 7, 30))
    assert ma.add_working_days(dt.date(2026, 7, 29), 1) == dt.date(2026, 7, 31)
    # Independence Day, 18 November 2026, is a Wednesday.
    assert ma.add_working_days(dt.date(2026, 11, 17), 2) == dt.date(2026, 11, 20)
    # The same dates are working days in France.
    assert load_profile("fr").is_working_day(dt.date(2026, 7, 30))


def test_local_dates_follow_the_jurisdiction_time_zone_across_daylight_saving():
    fr = load_profile("fr")
    # 29 March 2026: clocks go forward in France. 23:30 UTC on the 28th is already the 29th.
    assert fr.local_date(dt.datetime(2026, 3, 28, 23, 30, tzinfo=dt.UTC)) == dt.date(2026, 3, 29)
    # In winter, 23:30 UTC is 00:30 the next day; in summer 22:30 UTC is 00:30 too.
    assert fr.local_date(dt.datetime(2026, 10, 24, 22, 30, tzinfo=dt.UTC)) == dt.date(2026, 10, 25)
    assert fr.local_date(dt.datetime(2026, 10, 25, 22, 30, tzinfo=dt.UTC)) == dt.date(2026, 10, 25)
    ma = load_profile("ma")
    moment = dt.datetime(2026, 6, 1, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert ma.local_date(moment) in {dt.date(2026, 6, 1), dt.date(2026, 6, 2)}
    assert ma.local_date(moment) == moment.astimezone(ZoneInfo("Africa/Casablanca")).date()


@pytest.mark.parametrize(
    ("code", "regions"),
    [
        ("fr", {"11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94",
                "01", "02", "03", "04", "06"}),  # the 18 regions of 2016 (INSEE codes)
        ("ma", {f"{n:02d}" for n in range(1, 13)}),  # the 12 regions of decree 2-15-40
    ],
)  # fmt: skip
def test_statistical_areas_cover_every_region_once(code, regions):
    profile = load_profile(code)
    areas = profile.statistical_areas["areas"]
    codes = [r for area in areas.values() for r in area["regions"]]
    assert sorted(codes) == sorted(regions)  # each region in exactly one area
    names = [n for area in areas.values() for n in area["regions"].values()]
    assert len(set(names)) == len(regions)
    assert profile.statistical_areas["source"]
    grouped = profile.region_areas()
    assert all(set(area["regions"]) <= set(grouped[c]) for c, area in areas.items())
    first = next(iter(areas))
    with translation.override("ar"):
        assert profile.area_name(first) == areas[first]["name"]["ar"]
    assert profile.area_name("no_such_area") is None


def test_france_groups_overseas_and_names_regions_as_organisations_record_them():
    areas = load_profile("fr").region_areas()
    assert {"01", "Guadeloupe", "06", "Mayotte"} <= set(areas["zeat_9"])
    assert "Corse" in areas["zeat_8"] and "93" in areas["zeat_8"]
    assert load_profile("coe").region_areas() == {}
