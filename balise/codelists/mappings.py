"""Deterministic, total mappings from the canonical code lists to international categories.

Every function accepts any value of its list *and* any missing value (``Missing``), and an
unexpected value raises ``KeyError`` rather than being silently miscounted. Tests prove each
mapping is total over its list.

* CTDC 2024 (Counter Trafficking Data Collaborative): 27-column export. Flags are ``1`` or
  empty (``None``); a group of flags is empty altogether when the record did not answer that
  group of questions, so it drops out of the percentage denominator (CTDC rule). CTDC writes
  age bands and months with a double hyphen (``9--17``, ``0--12 (0-1 yr)``).
* Eurostat crim_thb family: sex F / M / unknown (SDMX code ``UNK``), child / adult, citizenship
  group (reporting country / other EU-27 / non-EU), form of exploitation sexual / labour /
  other. Eurostat counts forced begging and forced criminal activities among "other forms".
* French national statistics (SSMSI / MIPROF letter): sexuelle / travail (incl. domestique) /
  mendicité / activités délictuelles / autre.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import models
from django.utils.translation import gettext_lazy as _

from .lists import (
    MISSING_VALUES,
    STATELESS,
    UNKNOWN_CITIZENSHIP,
    AgeBand,
    AgeGroup,
    CitizenshipGroup,
    DurationBand,
    ExploitationForm,
    Gender,
    LabourSector,
    MeansOfControl,
    RecruiterRelationship,
    SexualExploitationType,
)

Flag = int | None  # CTDC flag: 1 or empty

# --- CTDC 2024 ----------------------------------------------------------------------------

CTDC_WOMAN = "Woman"
CTDC_MAN = "Man"
CTDC_TRANS = "Trans-Transgender-NonConforming"

CTDC_GENDER: Mapping[str, str | None] = {
    Gender.FEMININE: CTDC_WOMAN,
    Gender.MASCULINE: CTDC_MAN,
    Gender.TRANS_FEMININE: CTDC_TRANS,
    Gender.TRANS_MASCULINE: CTDC_TRANS,
    Gender.NON_CONFORMING: CTDC_TRANS,
    Gender.UNKNOWN: None,
}

CTDC_AGE_BROAD: Mapping[str, str] = {
    AgeBand.A0_8: "0--8",
    AgeBand.A9_17: "9--17",
    AgeBand.A18_20: "18--20",
    AgeBand.A21_23: "21--23",
    AgeBand.A24_26: "24--26",
    AgeBand.A27_29: "27--29",
    AgeBand.A30_38: "30--38",
    AgeBand.A39_47: "39--47",
    AgeBand.A48_PLUS: "48+",
}

CTDC_TRAFFICK_MONTHS: Mapping[str, str] = {
    DurationBand.M0_12: "0--12 (0-1 yr)",
    DurationBand.M13_24: "13--24 (1-2 yrs)",
    DurationBand.M25_PLUS: "25+ (2+ yrs)",
}

CTDC_EXPLOITATION_FLAG: Mapping[str, str] = {
    ExploitationForm.SEXUAL: "isSexualExploit",
    ExploitationForm.FORCED_LABOUR: "isForcedLabour",
    ExploitationForm.DOMESTIC_SERVITUDE: "isForcedLabour",
    ExploitationForm.FORCED_BEGGING: "isForcedLabour",
    ExploitationForm.FORCED_CRIMINALITY: "isForcedLabour",
    ExploitationForm.SLAVERY_PRACTICES: "isOtherExploit",
    ExploitationForm.ORGAN_REMOVAL: "isOtherExploit",
    ExploitationForm.FORCED_MARRIAGE: "isOtherExploit",
    ExploitationForm.ILLEGAL_ADOPTION: "isOtherExploit",
    ExploitationForm.SURROGACY: "isOtherExploit",
    ExploitationForm.CHILD_SOLDIERING: "isOtherExploit",
    ExploitationForm.MEDICAL_EXPERIMENTATION: "isOtherExploit",
    ExploitationForm.OTHER: "isOtherExploit",
}
CTDC_EXPLOITATION_COLUMNS = ("isForcedLabour", "isSexualExploit", "isOtherExploit")

CTDC_MEANS_FLAG: Mapping[str, str | None] = {
    MeansOfControl.DEBT_BONDAGE: "meansDebtBondageEarnings",
    MeansOfControl.TAKES_EARNINGS: "meansDebtBondageEarnings",
    MeansOfControl.THREATS: "meansThreats",
    MeansOfControl.THREATS_TO_FAMILY: "meansThreats",
    MeansOfControl.THREAT_OF_LAW_ENFORCEMENT: "meansThreats",
    MeansOfControl.PSYCHOLOGICAL_ABUSE: "meansAbusePsyPhySex",
    MeansOfControl.PHYSICAL_ABUSE: "meansAbusePsyPhySex",
    MeansOfControl.SEXUAL_ABUSE: "meansAbusePsyPhySex",
    MeansOfControl.FALSE_PROMISES: "meansFalsePromises",
    MeansOfControl.PSYCHOACTIVE_SUBSTANCES: "meansDrugsAlcohol",
    MeansOfControl.RESTRICTS_FINANCIAL_ACCESS: "meansDenyBasicNeeds",
    MeansOfControl.RESTRICTS_MOVEMENT: "meansDenyBasicNeeds",
    MeansOfControl.RESTRICTS_MEDICAL_CARE: "meansDenyBasicNeeds",
    MeansOfControl.WITHHOLDS_NECESSITIES: "meansDenyBasicNeeds",
    MeansOfControl.EXCESSIVE_WORKING_HOURS: "meansExcessiveWorkHours",
    MeansOfControl.WITHHOLDS_DOCUMENTS: "meansWithholdDocs",
    # No CTDC 2024 column: answered, but no flag set.
    MeansOfControl.ABDUCTION: None,
    MeansOfControl.OTHER: None,
}
CTDC_MEANS_COLUMNS = (
    "meansDebtBondageEarnings",
    "meansThreats",
    "meansAbusePsyPhySex",
    "meansFalsePromises",
    "meansDrugsAlcohol",
    "meansDenyBasicNeeds",
    "meansExcessiveWorkHours",
    "meansWithholdDocs",
)

CTDC_LABOUR_FLAG: Mapping[str, str | None] = {
    LabourSector.AGRICULTURE: "typeOfLabourAgriculture",
    LabourSector.CONSTRUCTION: "typeOfLabourConstruction",
    LabourSector.DOMESTIC_WORK: "typeOfLabourDomesticWork",
    LabourSector.HOSPITALITY: "typeOfLabourHospitality",
    LabourSector.FISHING: None,
    LabourSector.MINING: None,
    LabourSector.MANUFACTURING: None,
    LabourSector.TRADE: None,
    LabourSector.TRANSPORT: None,
    LabourSector.SUPPORT_SERVICES: None,
    LabourSector.ENTERTAINMENT: None,
    LabourSector.PERSONAL_SERVICES: None,
    LabourSector.OTHER: None,
}
CTDC_LABOUR_COLUMNS = (
    "typeOfLabourAgriculture",
    "typeOfLabourConstruction",
    "typeOfLabourDomesticWork",
    "typeOfLabourHospitality",
)

CTDC_SEX_FLAG: Mapping[str, str | None] = {
    SexualExploitationType.PROSTITUTION: "typeOfSexProstitution",
    SexualExploitationType.PORNOGRAPHY: "typeOfSexPornography",
    SexualExploitationType.REMOTE_INTERACTIVE: None,
    SexualExploitationType.PRIVATE_SEXUAL_SERVICES: None,
}
CTDC_SEX_COLUMNS = ("typeOfSexProstitution", "typeOfSexPornography")

CTDC_RECRUITER_FLAG: Mapping[str, str | None] = {
    RecruiterRelationship.INTIMATE_PARTNER: "recruiterRelationIntimatePartner",
    RecruiterRelationship.FRIEND_ACQUAINTANCE: "recruiterRelationFriend",
    RecruiterRelationship.FAMILY: "recruiterRelationFamily",
    RecruiterRelationship.EMPLOYER_BROKER_AGENT: "recruiterRelationOther",
    RecruiterRelationship.STRANGER: "recruiterRelationOther",
    RecruiterRelationship.OTHER: "recruiterRelationOther",
    RecruiterRelationship.UNKNOWN: None,
}
CTDC_RECRUITER_COLUMNS = (
    "recruiterRelationIntimatePartner",
    "recruiterRelationFriend",
    "recruiterRelationFamily",
    "recruiterRelationOther",
)

#: The 27 CTDC 2024 columns, in order.
CTDC_COLUMNS: tuple[str, ...] = (
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "citizenship",
    "CountryOfExploitation",
    "traffickMonths",
    *CTDC_MEANS_COLUMNS,
    *CTDC_EXPLOITATION_COLUMNS,
    *CTDC_LABOUR_COLUMNS,
    *CTDC_SEX_COLUMNS,
    *CTDC_RECRUITER_COLUMNS,
)


def _single(mapping: Mapping[str, str | None], value: str | None) -> str | None:
    if value is None or value in MISSING_VALUES:
        return None
    return mapping[value]


def ctdc_gender(gender: str | None) -> str | None:
    """CTDC ``gender``: Woman / Man / Trans-Transgender-NonConforming, or empty."""
    if gender == Gender.UNKNOWN:
        return None
    return _single(CTDC_GENDER, gender)


def ctdc_age_broad(band: str | None) -> str | None:
    """CTDC ``ageBroad`` label of an ``AgeBand`` value, or empty."""
    return _single(CTDC_AGE_BROAD, band)


def ctdc_traffick_months(band: str | None) -> str | None:
    """CTDC ``traffickMonths`` label of a ``DurationBand`` value, or empty."""
    return _single(CTDC_TRAFFICK_MONTHS, band)


def _flags(
    mapping: Mapping[str, str | None], columns: tuple[str, ...], values: Iterable[str] | None
) -> dict[str, Flag]:
    """Set the flag of each answered value; all empty when the question was not answered."""
    answered = [v for v in (values or ()) if v not in MISSING_VALUES]
    if not answered:
        return dict.fromkeys(columns)
    flags: dict[str, Flag] = dict.fromkeys(columns)
    for value in answered:
        column = mapping[value]
        if column is not None:
            flags[column] = 1
    return flags


def ctdc_exploitation_flags(forms: Iterable[str] | None) -> dict[str, Flag]:
    return _flags(CTDC_EXPLOITATION_FLAG, CTDC_EXPLOITATION_COLUMNS, forms)


def ctdc_means_flags(means: Iterable[str] | None) -> dict[str, Flag]:
    return _flags(CTDC_MEANS_FLAG, CTDC_MEANS_COLUMNS, means)


def ctdc_labour_flags(sectors: Iterable[str] | None) -> dict[str, Flag]:
    return _flags(CTDC_LABOUR_FLAG, CTDC_LABOUR_COLUMNS, sectors)


def ctdc_sex_flags(types: Iterable[str] | None) -> dict[str, Flag]:
    return _flags(CTDC_SEX_FLAG, CTDC_SEX_COLUMNS, types)


def ctdc_recruiter_flags(relations: Iterable[str] | None) -> dict[str, Flag]:
    return _flags(CTDC_RECRUITER_FLAG, CTDC_RECRUITER_COLUMNS, relations)


# --- Eurostat -----------------------------------------------------------------------------


class EurostatSex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    UNKNOWN = "UNK", _("Unknown")


class EurostatAge(models.TextChoices):
    CHILD = "Y_LT18", _("Child (less than 18 years)")
    ADULT = "Y_GE18", _("Adult (18 years or over)")
    UNKNOWN = "UNK", _("Unknown")


class EurostatExploitation(models.TextChoices):
    SEXUAL = "EXPL_SEX", _("Sexual exploitation")
    LABOUR = "EXPL_LAB", _("Labour exploitation")
    OTHER = "EXPL_OTH", _("Other forms of exploitation")


#: Sex as Eurostat records it: gender identity for trans women and men, unknown otherwise.
EUROSTAT_SEX: Mapping[str, str] = {
    Gender.FEMININE: EurostatSex.FEMALE,
    Gender.MASCULINE: EurostatSex.MALE,
    Gender.TRANS_FEMININE: EurostatSex.FEMALE,
    Gender.TRANS_MASCULINE: EurostatSex.MALE,
    Gender.NON_CONFORMING: EurostatSex.UNKNOWN,
    Gender.UNKNOWN: EurostatSex.UNKNOWN,
}

EUROSTAT_AGE: Mapping[str, str] = {
    AgeGroup.MINOR: EurostatAge.CHILD,
    AgeGroup.ADULT: EurostatAge.ADULT,
    AgeGroup.UNKNOWN: EurostatAge.UNKNOWN,
}

EUROSTAT_EXPLOITATION: Mapping[str, str] = {
    ExploitationForm.SEXUAL: EurostatExploitation.SEXUAL,
    ExploitationForm.FORCED_LABOUR: EurostatExploitation.LABOUR,
    ExploitationForm.DOMESTIC_SERVITUDE: EurostatExploitation.LABOUR,
    ExploitationForm.FORCED_BEGGING: EurostatExploitation.OTHER,
    ExploitationForm.FORCED_CRIMINALITY: EurostatExploitation.OTHER,
    ExploitationForm.SLAVERY_PRACTICES: EurostatExploitation.OTHER,
    ExploitationForm.ORGAN_REMOVAL: EurostatExploitation.OTHER,
    ExploitationForm.FORCED_MARRIAGE: EurostatExploitation.OTHER,
    ExploitationForm.ILLEGAL_ADOPTION: EurostatExploitation.OTHER,
    ExploitationForm.SURROGACY: EurostatExploitation.OTHER,
    ExploitationForm.CHILD_SOLDIERING: EurostatExploitation.OTHER,
    ExploitationForm.MEDICAL_EXPERIMENTATION: EurostatExploitation.OTHER,
    ExploitationForm.OTHER: EurostatExploitation.OTHER,
}

#: The 27 member states of the European Union since 1 February 2020 (ISO 3166-1 alpha-3).
EU27: frozenset[str] = frozenset(
    {
        "AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC",
        "HUN", "IRL", "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK",
        "SVN", "ESP", "SWE",
    }
)  # fmt: skip

#: Eurostat citizenship codes of each group.
EUROSTAT_CITIZEN: Mapping[str, str] = {
    CitizenshipGroup.REPORTING_COUNTRY: "NAT",
    CitizenshipGroup.OTHER_EU: "EU27_2020_FOR",
    CitizenshipGroup.NON_EU: "NEU27_2020_FOR",
    CitizenshipGroup.UNKNOWN: "UNK",
}


def eurostat_sex(gender: str | None) -> str:
    if gender is None or gender in MISSING_VALUES:
        return EurostatSex.UNKNOWN.value
    return str(EUROSTAT_SEX[gender])


def eurostat_age(group: str | None) -> str:
    if group is None or group in MISSING_VALUES:
        return EurostatAge.UNKNOWN.value
    return str(EUROSTAT_AGE[group])


def eurostat_exploitation(form: str) -> str:
    return str(EUROSTAT_EXPLOITATION[form])


def eurostat_exploitation_groups(forms: Iterable[str] | None) -> frozenset[str]:
    """The Eurostat forms of a person (a person may count under several)."""
    return frozenset(
        str(EUROSTAT_EXPLOITATION[f]) for f in (forms or ()) if f not in MISSING_VALUES
    )


def citizenship_group(citizenships: Iterable[str] | None, reporting_country: str) -> str:
    """Eurostat group of a person holding ``citizenships`` (alpha-3, several allowed).

    A citizen of the reporting country is counted there whatever else they hold; then another
    EU country; any other known citizenship, and statelessness (XXA), is non-EU.
    """
    if reporting_country not in EU27:
        raise ValueError("reporting_country must be an EU-27 alpha-3 code")
    known = {
        c.upper()
        for c in (citizenships or ())
        if c and c.upper() != UNKNOWN_CITIZENSHIP and c not in MISSING_VALUES
    }
    if not known:
        return CitizenshipGroup.UNKNOWN.value
    if reporting_country in known:
        return CitizenshipGroup.REPORTING_COUNTRY.value
    if known & EU27:
        return CitizenshipGroup.OTHER_EU.value
    for code in known:
        if code != STATELESS and (len(code) != 3 or not code.isalpha()):
            raise ValueError(f"not an ISO 3166-1 alpha-3 code: {code!r}")
    return CitizenshipGroup.NON_EU.value


# --- French national statistics -----------------------------------------------------------


class FrenchExploitationCategory(models.TextChoices):
    SEXUELLE = "sexuelle", _("Sexual exploitation")
    TRAVAIL = "travail", _("Labour exploitation (including domestic)")
    MENDICITE = "mendicite", _("Forced begging")
    ACTIVITES_DELICTUELLES = "activites_delictuelles", _("Forced criminal activities")
    AUTRE = "autre", _("Other forms of exploitation")


FRENCH_EXPLOITATION: Mapping[str, str] = {
    ExploitationForm.SEXUAL: FrenchExploitationCategory.SEXUELLE,
    ExploitationForm.FORCED_LABOUR: FrenchExploitationCategory.TRAVAIL,
    ExploitationForm.DOMESTIC_SERVITUDE: FrenchExploitationCategory.TRAVAIL,
    ExploitationForm.FORCED_BEGGING: FrenchExploitationCategory.MENDICITE,
    ExploitationForm.FORCED_CRIMINALITY: FrenchExploitationCategory.ACTIVITES_DELICTUELLES,
    ExploitationForm.SLAVERY_PRACTICES: FrenchExploitationCategory.AUTRE,
    ExploitationForm.ORGAN_REMOVAL: FrenchExploitationCategory.AUTRE,
    ExploitationForm.FORCED_MARRIAGE: FrenchExploitationCategory.AUTRE,
    ExploitationForm.ILLEGAL_ADOPTION: FrenchExploitationCategory.AUTRE,
    ExploitationForm.SURROGACY: FrenchExploitationCategory.AUTRE,
    ExploitationForm.CHILD_SOLDIERING: FrenchExploitationCategory.AUTRE,
    ExploitationForm.MEDICAL_EXPERIMENTATION: FrenchExploitationCategory.AUTRE,
    ExploitationForm.OTHER: FrenchExploitationCategory.AUTRE,
}


def french_exploitation(form: str) -> str:
    return str(FRENCH_EXPLOITATION[form])


def french_exploitation_groups(forms: Iterable[str] | None) -> frozenset[str]:
    return frozenset(str(FRENCH_EXPLOITATION[f]) for f in (forms or ()) if f not in MISSING_VALUES)


# --- Person-level CTDC row ----------------------------------------------------------------


def ctdc_row(
    *,
    year_of_registration: int,
    gender: str | None,
    age_band: str | None,
    citizenship: str | None,
    country_of_exploitation: str | None,
    duration_band: str | None,
    means: Iterable[str] | None,
    exploitation_forms: Iterable[str] | None,
    labour_sectors: Iterable[str] | None,
    sexual_types: Iterable[str] | None,
    recruiter_relations: Iterable[str] | None,
) -> dict[str, object]:
    """One CTDC 2024 record (27 columns, in ``CTDC_COLUMNS`` order)."""

    def country(code: str | None) -> str | None:
        if code is None or code in MISSING_VALUES or code.upper() == UNKNOWN_CITIZENSHIP:
            return None
        return code.upper()

    row: dict[str, object] = {
        "yearOfRegistration": year_of_registration,
        "gender": ctdc_gender(gender),
        "ageBroad": ctdc_age_broad(age_band),
        "citizenship": country(citizenship),
        "CountryOfExploitation": country(country_of_exploitation),
        "traffickMonths": ctdc_traffick_months(duration_band),
    }
    row.update(ctdc_means_flags(means))
    row.update(ctdc_exploitation_flags(exploitation_forms))
    row.update(ctdc_labour_flags(labour_sectors))
    row.update(ctdc_sex_flags(sexual_types))
    row.update(ctdc_recruiter_flags(recruiter_relations))
    return {column: row[column] for column in CTDC_COLUMNS}
