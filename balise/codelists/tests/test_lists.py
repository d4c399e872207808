"""The code lists hold exactly the values of reference/codelists.md (transcribed here)."""

import pytest
from django.utils.functional import Promise

from balise import codelists as cl

# Transcribed from reference/codelists.md.
EXPECTED = {
    cl.Gender: "feminine masculine trans_feminine trans_masculine non_conforming unknown",
    cl.ExploitationForm: (
        "sexual forced_labour domestic_servitude forced_begging forced_criminality "
        "slavery_practices organ_removal forced_marriage illegal_adoption surrogacy "
        "child_soldiering medical_experimentation other"
    ),
    cl.SexualExploitationType: (
        "prostitution pornography remote_interactive private_sexual_services"
    ),
    cl.MeansOfControl: (
        "debt_bondage takes_earnings restricts_financial_access threats threats_to_family "
        "threat_of_law_enforcement psychological_abuse physical_abuse sexual_abuse "
        "false_promises psychoactive_substances restricts_movement restricts_medical_care "
        "withholds_necessities excessive_working_hours withholds_documents abduction other"
    ),
    cl.RecruiterRelationship: (
        "intimate_partner family friend_acquaintance employer_broker_agent stranger other unknown"
    ),
    cl.PlaceScope: "in_country abroad_only both",
    cl.Channel: "professional_form hotline anonymous_public api duty_to_notify",
    cl.ReferrerOrgType: (
        "ngo law_enforcement labour_inspection health social_services child_protection "
        "central_government local_government immigration_asylum legal business school other"
    ),
    cl.ConsentStatus: "given refused not_required_minor",
    cl.TraffickingStatus: "possible actual not_victim",
    cl.DecisionStage: (
        "preliminary_positive preliminary_negative conclusive_positive conclusive_negative "
        "withdrawn"
    ),
    cl.ReconsiderationStatus: "requested accepted refused",
    cl.SupportType: (
        "shelter health psychological legal financial education livelihood language "
        "social_care repatriation family_tracing guardian"
    ),
    cl.ResidenceStatus: (
        "none reflection_period temporary_permit international_protection national"
    ),
    cl.CaseStatus: "active follow_up closed",
    cl.ClosureReason: (
        "support_completed moved_away lost_contact returned_home declined_support deceased "
        "transferred not_a_victim"
    ),
    cl.Missing: "not_asked unknown declined",
    cl.AgeBand: "0_8 9_17 18_20 21_23 24_26 27_29 30_38 39_47 48_plus",
    cl.AgeGroup: "minor adult unknown",
    cl.DurationBand: "0_12 13_24 25_plus",
}


@pytest.mark.parametrize("choices", list(EXPECTED), ids=lambda c: c.__name__)
def test_values_match_reference(choices):
    assert list(choices.values) == EXPECTED[choices].split()


@pytest.mark.parametrize("choices", list(EXPECTED), ids=lambda c: c.__name__)
def test_labels_are_lazy_translations(choices):
    for member in choices:
        assert isinstance(member.label, Promise)


def test_labour_sectors_are_isic_codes_including_ctdc_ones():
    values = set(cl.LabourSector.values)
    assert {"A01", "A03", "B", "C", "F", "G", "H", "I", "T"} <= values
    for value in values - {"other"}:
        assert value[0].isupper() and value[0].isalpha()


def test_with_missing_adds_missing_values_once():
    values = [v for v, _label in cl.with_missing(cl.Gender)]
    assert values.count("unknown") == 1
    assert values[-2:] == ["not_asked", "declined"]
    assert cl.values_with_missing(cl.Channel) >= {"hotline", "not_asked", "unknown", "declined"}


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (0, "0_8"), (8, "0_8"), (9, "9_17"), (17, "9_17"), (18, "18_20"), (20, "18_20"),
        (21, "21_23"), (23, "21_23"), (24, "24_26"), (26, "24_26"), (27, "27_29"),
        (29, "27_29"), (30, "30_38"), (38, "30_38"), (39, "39_47"), (47, "39_47"),
        (48, "48_plus"), (99, "48_plus"), (None, "unknown"), (-1, "unknown"), (200, "unknown"),
    ],
)  # fmt: skip
def test_age_band_boundaries(age, band):
    assert cl.age_band(age) == band


def test_age_band_covers_every_age_and_minor_bands_are_under_18():
    for age in range(0, 120):
        band = cl.age_band(age)
        assert band in cl.AgeBand.values
        assert (band in cl.MINOR_AGE_BANDS) == (age < 18)
        assert cl.age_group(age) == ("minor" if age < 18 else "adult")


def test_age_group_presumes_minority_when_disputed():
    assert cl.age_group(None) == "unknown"
    assert cl.age_group(None, age_disputed=True) == "minor"
    assert cl.age_group(25, age_disputed=True) == "minor"
    assert cl.age_group(18) == "adult"


@pytest.mark.parametrize(
    ("months", "band"),
    [(0, "0_12"), (12, "0_12"), (13, "13_24"), (24, "13_24"), (25, "25_plus"), (None, "unknown")],
)
def test_duration_band(months, band):
    assert cl.duration_band(months) == band


def test_trans_and_non_conforming_set():
    assert cl.TRANS_AND_NON_CONFORMING == {"trans_feminine", "trans_masculine", "non_conforming"}
