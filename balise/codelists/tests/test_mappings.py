"""Each mapping is total over its list (and the missing values) and matches codelists.md."""

import pytest

from balise import codelists as cl
from balise.codelists import mappings as m

MISSING = sorted(cl.MISSING_VALUES)


def inverse(mapping):
    out: dict[object, set[str]] = {}
    for key, target in mapping.items():
        out.setdefault(None if target is None else str(target), set()).add(str(key))
    return out


@pytest.mark.parametrize(
    ("mapping", "choices"),
    [
        (m.CTDC_GENDER, cl.Gender),
        (m.CTDC_AGE_BROAD, cl.AgeBand),
        (m.CTDC_TRAFFICK_MONTHS, cl.DurationBand),
        (m.CTDC_EXPLOITATION_FLAG, cl.ExploitationForm),
        (m.CTDC_MEANS_FLAG, cl.MeansOfControl),
        (m.CTDC_LABOUR_FLAG, cl.LabourSector),
        (m.CTDC_SEX_FLAG, cl.SexualExploitationType),
        (m.CTDC_RECRUITER_FLAG, cl.RecruiterRelationship),
        (m.EUROSTAT_SEX, cl.Gender),
        (m.EUROSTAT_AGE, cl.AgeGroup),
        (m.EUROSTAT_EXPLOITATION, cl.ExploitationForm),
        (m.EUROSTAT_CITIZEN, cl.CitizenshipGroup),
        (m.FRENCH_EXPLOITATION, cl.ExploitationForm),
    ],
)
def test_mapping_is_total_over_its_list(mapping, choices):
    assert {str(k) for k in mapping} == set(choices.values)


def test_ctdc_gender():
    assert inverse(m.CTDC_GENDER) == {
        "Woman": {"feminine"},
        "Man": {"masculine"},
        "Trans-Transgender-NonConforming": {"trans_feminine", "trans_masculine", "non_conforming"},
        None: {"unknown"},
    }
    for value in [*cl.Gender.values, *MISSING, None]:
        assert m.ctdc_gender(value) in {"Woman", "Man", "Trans-Transgender-NonConforming", None}
    assert m.ctdc_gender("declined") is None


def test_ctdc_age_broad_labels_follow_ctdc_bands():
    labels = [m.ctdc_age_broad(b) for b in cl.AgeBand.values]
    assert labels == [
        "0--8", "9--17", "18--20", "21--23", "24--26", "27--29", "30--38", "39--47", "48+",
    ]  # fmt: skip
    for value in MISSING:
        assert m.ctdc_age_broad(value) is None


def test_ctdc_exploitation_flags_match_reference():
    assert inverse(m.CTDC_EXPLOITATION_FLAG) == {
        "isSexualExploit": {"sexual"},
        "isForcedLabour": {
            "forced_labour", "domestic_servitude", "forced_begging", "forced_criminality",
        },
        "isOtherExploit": set(cl.ExploitationForm.values)
        - {"sexual", "forced_labour", "domestic_servitude", "forced_begging",
           "forced_criminality"},
    }  # fmt: skip


def test_ctdc_means_composites_match_reference():
    inv = inverse(m.CTDC_MEANS_FLAG)
    assert inv["meansDebtBondageEarnings"] == {"debt_bondage", "takes_earnings"}
    assert inv["meansThreats"] == {"threats", "threats_to_family", "threat_of_law_enforcement"}
    assert inv["meansAbusePsyPhySex"] == {"psychological_abuse", "physical_abuse", "sexual_abuse"}
    assert inv["meansFalsePromises"] == {"false_promises"}
    assert inv["meansDrugsAlcohol"] == {"psychoactive_substances"}
    assert inv["meansDenyBasicNeeds"] == {
        "restricts_financial_access", "restricts_movement", "restricts_medical_care",
        "withholds_necessities",
    }  # fmt: skip
    assert inv["meansExcessiveWorkHours"] == {"excessive_working_hours"}
    assert inv["meansWithholdDocs"] == {"withholds_documents"}
    assert inv[None] == {"abduction", "other"}


def test_ctdc_labour_sex_and_recruiter_flags_match_reference():
    labour = inverse(m.CTDC_LABOUR_FLAG)
    assert labour["typeOfLabourAgriculture"] == {"A01"}
    assert labour["typeOfLabourConstruction"] == {"F"}
    assert labour["typeOfLabourDomesticWork"] == {"T"}
    assert labour["typeOfLabourHospitality"] == {"I"}
    sex = inverse(m.CTDC_SEX_FLAG)
    assert sex["typeOfSexProstitution"] == {"prostitution"}
    assert sex["typeOfSexPornography"] == {"pornography"}
    recruiter = inverse(m.CTDC_RECRUITER_FLAG)
    assert recruiter["recruiterRelationIntimatePartner"] == {"intimate_partner"}
    assert recruiter["recruiterRelationFriend"] == {"friend_acquaintance"}
    assert recruiter["recruiterRelationFamily"] == {"family"}
    assert recruiter["recruiterRelationOther"] == {"employer_broker_agent", "stranger", "other"}
    assert recruiter[None] == {"unknown"}


@pytest.mark.parametrize(
    ("function", "choices", "columns"),
    [
        (m.ctdc_exploitation_flags, cl.ExploitationForm, m.CTDC_EXPLOITATION_COLUMNS),
        (m.ctdc_means_flags, cl.MeansOfControl, m.CTDC_MEANS_COLUMNS),
        (m.ctdc_labour_flags, cl.LabourSector, m.CTDC_LABOUR_COLUMNS),
        (m.ctdc_sex_flags, cl.SexualExploitationType, m.CTDC_SEX_COLUMNS),
        (m.ctdc_recruiter_flags, cl.RecruiterRelationship, m.CTDC_RECRUITER_COLUMNS),
    ],
)
def test_flag_functions_are_total_and_empty_when_unanswered(function, choices, columns):
    for value in choices.values:
        flags = function([value])
        assert tuple(flags) == columns
        assert set(flags.values()) <= {1, None}
    every = function(choices.values)
    assert sum(1 for v in every.values() if v == 1) == len(columns)
    for unanswered in ([], None, ["not_asked"], ["declined", "unknown"]):
        assert set(function(unanswered).values()) == {None}
    with pytest.raises(KeyError):
        function(["no_such_value"])


def test_ctdc_columns_are_the_27_of_the_reference_in_order():
    assert m.CTDC_COLUMNS == (
        "yearOfRegistration", "gender", "ageBroad", "citizenship", "CountryOfExploitation",
        "traffickMonths", "meansDebtBondageEarnings", "meansThreats", "meansAbusePsyPhySex",
        "meansFalsePromises", "meansDrugsAlcohol", "meansDenyBasicNeeds",
        "meansExcessiveWorkHours", "meansWithholdDocs", "isForcedLabour", "isSexualExploit",
        "isOtherExploit", "typeOfLabourAgriculture", "typeOfLabourConstruction",
        "typeOfLabourDomesticWork", "typeOfLabourHospitality", "typeOfSexProstitution",
        "typeOfSexPornography", "recruiterRelationIntimatePartner", "recruiterRelationFriend",
        "recruiterRelationFamily", "recruiterRelationOther",
    )  # fmt: skip
    assert len(m.CTDC_COLUMNS) == 27


def test_ctdc_row():
    row = m.ctdc_row(
        year_of_registration=2025,
        gender="trans_masculine",
        age_band="9_17",
        citizenship="nga",
        country_of_exploitation="XXX",
        duration_band="13_24",
        means=["threats", "debt_bondage"],
        exploitation_forms=["forced_begging"],
        labour_sectors=["G"],
        sexual_types=None,
        recruiter_relations=["stranger"],
    )
    assert list(row) == list(m.CTDC_COLUMNS)
    assert row["gender"] == "Trans-Transgender-NonConforming"
    assert row["ageBroad"] == "9--17"
    assert row["citizenship"] == "NGA"
    assert row["CountryOfExploitation"] is None
    assert row["traffickMonths"] == "13--24 (1-2 yrs)"
    assert row["meansThreats"] == 1 and row["meansDebtBondageEarnings"] == 1
    assert row["meansWithholdDocs"] is None
    assert (row["isForcedLabour"], row["isSexualExploit"]) == (1, None)
    assert row["typeOfLabourAgriculture"] is None
    assert row["typeOfSexProstitution"] is None
    assert row["recruiterRelationOther"] == 1


def test_eurostat_sex_and_age():
    assert {m.eurostat_sex(g) for g in cl.Gender.values} == {"F", "M", "UNK"}
    assert m.eurostat_sex("feminine") == "F"
    assert m.eurostat_sex("masculine") == "M"
    assert m.eurostat_sex("non_conforming") == "UNK"
    for value in [*MISSING, None]:
        assert m.eurostat_sex(value) == "UNK"
        assert m.eurostat_age(value) == "UNK"
    assert m.eurostat_age("minor") == "Y_LT18"
    assert m.eurostat_age("adult") == "Y_GE18"


def test_eurostat_and_french_exploitation():
    assert inverse(m.EUROSTAT_EXPLOITATION)["EXPL_SEX"] == {"sexual"}
    assert inverse(m.EUROSTAT_EXPLOITATION)["EXPL_LAB"] == {"forced_labour", "domestic_servitude"}
    french = inverse(m.FRENCH_EXPLOITATION)
    assert french["sexuelle"] == {"sexual"}
    assert french["travail"] == {"forced_labour", "domestic_servitude"}
    assert french["mendicite"] == {"forced_begging"}
    assert french["activites_delictuelles"] == {"forced_criminality"}
    assert "other" in french["autre"] and "sexual" not in french["autre"]
    forms = ["sexual", "forced_begging", "unknown"]
    assert m.eurostat_exploitation_groups(forms) == {"EXPL_SEX", "EXPL_OTH"}
    assert m.french_exploitation_groups(forms) == {"sexuelle", "mendicite"}
    assert m.eurostat_exploitation_groups(None) == frozenset()


def test_eu27_list():
    assert len(m.EU27) == 27
    assert {"FRA", "DEU", "HRV", "IRL"} <= m.EU27
    assert not {"GBR", "NOR", "CHE", "ISL"} & m.EU27


@pytest.mark.parametrize(
    ("citizenships", "group"),
    [
        (["FRA"], "reporting_country"),
        (["NGA", "FRA"], "reporting_country"),
        (["DEU"], "other_eu"),
        (["NGA", "ROU"], "other_eu"),
        (["GBR"], "non_eu"),
        (["XXA"], "non_eu"),
        (["XXX"], "unknown"),
        ([], "unknown"),
        (None, "unknown"),
        (["declined"], "unknown"),
        (["fra"], "reporting_country"),
    ],
)
def test_citizenship_group(citizenships, group):
    assert m.citizenship_group(citizenships, "FRA") == group
    assert m.EUROSTAT_CITIZEN[group]


def test_citizenship_group_rejects_bad_codes():
    with pytest.raises(ValueError):
        m.citizenship_group(["FR"], "FRA")
    with pytest.raises(ValueError):
        m.citizenship_group(["FRA"], "GBR")
