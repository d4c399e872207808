import json

import pytest

from balise.referrals import screening
from balise.referrals.enums import ScreeningList


@pytest.mark.parametrize(
    ("weights", "met"),
    [
        (["S", "S"], True),
        (["S", "M"], True),
        (["S", "W"], True),
        (["M", "M", "M"], True),
        (["M", "M", "W"], True),
        (["S"], False),
        (["M", "M"], False),
        (["M", "W", "W"], False),
        (["W", "W", "W", "W"], False),
        ([], False),
    ],
)
def test_dimension_rule(weights, met):
    assert screening.dimension_met(weights) is met


def test_every_list_loads_with_six_dimensions_and_a_version():
    for name in ScreeningList.values:
        catalogue = screening.get_catalogue(name)
        assert catalogue.list == name
        assert catalogue.version
        assert sorted(catalogue.dimensions) == [1, 2, 3, 4, 5, 6]
        assert len(catalogue.indicators) > 50


def test_child_labour_list_has_no_weak_rating():
    catalogue = screening.get_catalogue("children-labour")
    assert {i.weight for i in catalogue.indicators.values()} == {"S", "M"}


def test_forced_tasks_or_clients_is_strong_in_sexual_lists_only_for_adults():
    assert screening.get_catalogue("adults-labour").indicators["d5_forced_tasks"].weight == "M"
    assert screening.get_catalogue("adults-sexual").indicators["d5_forced_tasks"].weight == "S"


def test_adult_needs_means_at_destination():
    answers = ["d1_nature_job", "d1_wages", "d4_excessive_hours", "d4_low_salary"]
    result = screening.screen("adults-labour", answers)
    assert result["dimensions_met"] == [1, 4]
    assert result["points_to_trafficking"] is False
    result = screening.screen(
        "adults-labour", [*answers, "d6_dependency", "d6_economic", "d6_family_situation"]
    )
    assert result["dimensions_met"] == [1, 4, 6]
    assert result["points_to_trafficking"] is True


def test_child_needs_no_means():
    answers = ["d2_violence", "d2_threats", "d4_excessive_hours", "d4_low_salary"]
    assert screening.screen("children-labour", answers)["points_to_trafficking"] is True
    # Same answers for an adult: threats are only medium and there are no means.
    adult = screening.screen("adults-labour", answers)
    assert adult["points_to_trafficking"] is False


def test_result_shows_the_indicators_behind_each_dimension():
    result = screening.screen("adults-labour", ["d5_documents", "d5_violence", "nonsense"])
    dim5 = result["dimensions"][4]
    assert dim5["met"] is True
    assert [i["code"] for i in dim5["indicators"]] == ["d5_documents", "d5_violence"]
    assert result["unknown_indicators"] == ["nonsense"]
    assert result["catalogue"] == "adults-labour@2009.1"


def test_list_choice():
    assert screening.choose_list(presumed_minor=True, exploitation_forms=["sexual"]) == (
        "children-sexual"
    )
    assert screening.choose_list(presumed_minor=False, exploitation_forms=["forced_labour"]) == (
        "adults-labour"
    )


def test_deployment_can_replace_the_catalogue(settings, tmp_path):
    source = screening.DEFAULT_DIR / "adults-labour.json"
    data = json.loads(source.read_text())
    data["version"] = "local.7"
    for ind in data["indicators"]:
        if ind["code"] == "d1_wages":
            ind["weight"] = "S"
    for name in ScreeningList.values:
        (tmp_path / f"{name}.json").write_text((screening.DEFAULT_DIR / f"{name}.json").read_text())
    (tmp_path / "adults-labour.json").write_text(json.dumps(data))
    settings.BALISE_INDICATORS_DIR = str(tmp_path)
    result = screening.screen("adults-labour", ["d1_wages", "d1_nature_job"])
    assert result["catalogue"] == "adults-labour@local.7"
    assert result["dimensions"][0]["indicators"][0]["weight"] == "S"


def test_malformed_catalogue_is_refused():
    with pytest.raises(screening.CatalogueError):
        screening.parse_catalogue(
            {
                "list": "x",
                "version": "1",
                "population": "adults",
                "exploitation": "labour",
                "dimensions": [{"number": 1, "label": {}}],
                "indicators": [],
            }
        )
    good = json.loads((screening.DEFAULT_DIR / "adults-labour.json").read_text())
    good["indicators"][0]["weight"] = "X"
    with pytest.raises(screening.CatalogueError):
        screening.parse_catalogue(good)
