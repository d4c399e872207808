"""Canonical code lists of Balise (reference/codelists.md).

Balise stores the fine-grained value, close to the Human Trafficking Case Data Standard (HTCDS
v2.0); coarser international categories are derived by the fixed mappings of
``balise.codelists.mappings``. Missing values are explicit and shared by every list: see
:class:`Missing` and :func:`with_missing`.

Importing this module needs Django but not configured settings: labels are lazy.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Missing(models.TextChoices):
    """Why a value is absent; usable in every list (``with_missing``)."""

    NOT_ASKED = "not_asked", _("Not asked")
    UNKNOWN = "unknown", _("Unknown")
    DECLINED = "declined", _("Declined to answer")


MISSING_VALUES: frozenset[str] = frozenset(m.value for m in Missing)


def with_missing(choices: type[models.TextChoices]) -> list[tuple[str, object]]:
    """Choices of ``choices`` followed by the missing values it does not already hold."""
    own = list(choices.choices)
    present = {value for value, _label in own}
    return own + [(m.value, m.label) for m in Missing if m.value not in present]


def values_with_missing(choices: type[models.TextChoices]) -> frozenset[str]:
    """Every storable value of ``choices``: its own values and the missing values."""
    return frozenset(choices.values) | MISSING_VALUES


# --- Person -------------------------------------------------------------------------------


class Gender(models.TextChoices):
    FEMININE = "feminine", _("Woman")
    MASCULINE = "masculine", _("Man")
    TRANS_FEMININE = "trans_feminine", _("Trans woman")
    TRANS_MASCULINE = "trans_masculine", _("Trans man")
    NON_CONFORMING = "non_conforming", _("Gender non-conforming")
    UNKNOWN = "unknown", _("Unknown")


#: Genders never shown separately in public tables (folded into a combined category at
#: national total level only).
TRANS_AND_NON_CONFORMING: frozenset[str] = frozenset(
    {Gender.TRANS_FEMININE, Gender.TRANS_MASCULINE, Gender.NON_CONFORMING}
)


class AgeBand(models.TextChoices):
    """Published age bands (CTDC)."""

    A0_8 = "0_8", _("0–8")
    A9_17 = "9_17", _("9–17")
    A18_20 = "18_20", _("18–20")
    A21_23 = "21_23", _("21–23")
    A24_26 = "24_26", _("24–26")
    A27_29 = "27_29", _("27–29")
    A30_38 = "30_38", _("30–38")
    A39_47 = "39_47", _("39–47")
    A48_PLUS = "48_plus", _("48+")


#: Lower bound (inclusive) of each band, in order.
AGE_BAND_LOWER_BOUNDS: tuple[tuple[int, AgeBand], ...] = (
    (0, AgeBand.A0_8),
    (9, AgeBand.A9_17),
    (18, AgeBand.A18_20),
    (21, AgeBand.A21_23),
    (24, AgeBand.A24_26),
    (27, AgeBand.A27_29),
    (30, AgeBand.A30_38),
    (39, AgeBand.A39_47),
    (48, AgeBand.A48_PLUS),
)

MINOR_AGE_BANDS: frozenset[str] = frozenset({AgeBand.A0_8, AgeBand.A9_17})


class AgeGroup(models.TextChoices):
    MINOR = "minor", _("Minor")
    ADULT = "adult", _("Adult")
    UNKNOWN = "unknown", _("Unknown")


def age_band(age: int | None) -> str:
    """CTDC band of an age in whole years; ``Missing.UNKNOWN`` when absent or impossible."""
    if age is None or age < 0 or age > 130:
        return Missing.UNKNOWN.value
    band = AgeBand.A0_8
    for lower, candidate in AGE_BAND_LOWER_BOUNDS:
        if age >= lower:
            band = candidate
    return band.value


def age_group(age: int | None, *, age_disputed: bool = False) -> str:
    """Minor / adult / unknown. A disputed age is a minor (presumption of minority)."""
    if age_disputed:
        return AgeGroup.MINOR.value
    if age is None or age < 0 or age > 130:
        return AgeGroup.UNKNOWN.value
    return AgeGroup.MINOR.value if age < 18 else AgeGroup.ADULT.value


#: ISO 3166-1 alpha-3 user-assigned codes used by Balise.
STATELESS = "XXA"
UNKNOWN_CITIZENSHIP = "XXX"


class CitizenshipGroup(models.TextChoices):
    """Eurostat citizenship grouping relative to the reporting country."""

    REPORTING_COUNTRY = "reporting_country", _("Citizens of the reporting country")
    OTHER_EU = "other_eu", _("Citizens of another EU country")
    NON_EU = "non_eu", _("Non-EU citizens")
    UNKNOWN = "unknown", _("Unknown")


# --- Situation ----------------------------------------------------------------------------


class ExploitationForm(models.TextChoices):
    SEXUAL = "sexual", _("Sexual exploitation")
    FORCED_LABOUR = "forced_labour", _("Forced labour")
    DOMESTIC_SERVITUDE = "domestic_servitude", _("Domestic servitude")
    FORCED_BEGGING = "forced_begging", _("Forced begging")
    FORCED_CRIMINALITY = "forced_criminality", _("Forced criminality")
    SLAVERY_PRACTICES = "slavery_practices", _("Slavery and similar practices")
    ORGAN_REMOVAL = "organ_removal", _("Organ removal")
    FORCED_MARRIAGE = "forced_marriage", _("Forced marriage")
    ILLEGAL_ADOPTION = "illegal_adoption", _("Illegal adoption")
    SURROGACY = "surrogacy", _("Forced surrogacy")
    CHILD_SOLDIERING = "child_soldiering", _("Child soldiering")
    MEDICAL_EXPERIMENTATION = "medical_experimentation", _("Medical experimentation")
    OTHER = "other", _("Other exploitation")


class LabourSector(models.TextChoices):
    """ISIC Rev.4 sections (and divisions where CTDC needs them) seen in labour exploitation."""

    AGRICULTURE = "A01", _("Agriculture")
    FISHING = "A03", _("Fishing and aquaculture")
    MINING = "B", _("Mining and quarrying")
    MANUFACTURING = "C", _("Manufacturing")
    CONSTRUCTION = "F", _("Construction")
    TRADE = "G", _("Trade and peddling")
    TRANSPORT = "H", _("Transport and storage")
    HOSPITALITY = "I", _("Accommodation and food services")
    SUPPORT_SERVICES = "N", _("Cleaning and other support services")
    ENTERTAINMENT = "R", _("Arts and entertainment")
    PERSONAL_SERVICES = "S", _("Personal services (beauty, car wash)")
    DOMESTIC_WORK = "T", _("Domestic work")
    OTHER = "other", _("Other sector")


class SexualExploitationType(models.TextChoices):
    PROSTITUTION = "prostitution", _("Prostitution")
    PORNOGRAPHY = "pornography", _("Pornography")
    REMOTE_INTERACTIVE = "remote_interactive", _("Remote interactive sexual services")
    PRIVATE_SEXUAL_SERVICES = "private_sexual_services", _("Private sexual services")


class MeansOfControl(models.TextChoices):
    DEBT_BONDAGE = "debt_bondage", _("Debt bondage")
    TAKES_EARNINGS = "takes_earnings", _("Takes earnings")
    RESTRICTS_FINANCIAL_ACCESS = "restricts_financial_access", _("Restricts financial access")
    THREATS = "threats", _("Threats")
    THREATS_TO_FAMILY = "threats_to_family", _("Threats to family")
    THREAT_OF_LAW_ENFORCEMENT = "threat_of_law_enforcement", _("Threat of law enforcement")
    PSYCHOLOGICAL_ABUSE = "psychological_abuse", _("Psychological abuse")
    PHYSICAL_ABUSE = "physical_abuse", _("Physical abuse")
    SEXUAL_ABUSE = "sexual_abuse", _("Sexual abuse")
    FALSE_PROMISES = "false_promises", _("False promises")
    PSYCHOACTIVE_SUBSTANCES = "psychoactive_substances", _("Psychoactive substances")
    RESTRICTS_MOVEMENT = "restricts_movement", _("Restricts movement")
    RESTRICTS_MEDICAL_CARE = "restricts_medical_care", _("Restricts medical care")
    WITHHOLDS_NECESSITIES = "withholds_necessities", _("Withholds necessities")
    EXCESSIVE_WORKING_HOURS = "excessive_working_hours", _("Excessive working hours")
    WITHHOLDS_DOCUMENTS = "withholds_documents", _("Withholds documents")
    ABDUCTION = "abduction", _("Abduction")
    OTHER = "other", _("Other means")


class RecruiterRelationship(models.TextChoices):
    INTIMATE_PARTNER = "intimate_partner", _("Intimate partner")
    FAMILY = "family", _("Family member")
    FRIEND_ACQUAINTANCE = "friend_acquaintance", _("Friend or acquaintance")
    EMPLOYER_BROKER_AGENT = "employer_broker_agent", _("Employer, broker or agent")
    STRANGER = "stranger", _("Stranger")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class PlaceScope(models.TextChoices):
    IN_COUNTRY = "in_country", _("In the country")
    ABROAD_ONLY = "abroad_only", _("Abroad only")
    BOTH = "both", _("In the country and abroad")


class DurationBand(models.TextChoices):
    M0_12 = "0_12", _("0–12 months")
    M13_24 = "13_24", _("13–24 months")
    M25_PLUS = "25_plus", _("25 months or more")


def duration_band(months: int | None) -> str:
    """Duration band of an exploitation lasting ``months`` months."""
    if months is None or months < 0:
        return Missing.UNKNOWN.value
    if months <= 12:
        return DurationBand.M0_12.value
    if months <= 24:
        return DurationBand.M13_24.value
    return DurationBand.M25_PLUS.value


# --- Referral and case --------------------------------------------------------------------


class Channel(models.TextChoices):
    PROFESSIONAL_FORM = "professional_form", _("Professional referral form")
    HOTLINE = "hotline", _("Hotline")
    ANONYMOUS_PUBLIC = "anonymous_public", _("Anonymous public report")
    API = "api", _("Partner system (API)")
    DUTY_TO_NOTIFY = "duty_to_notify", _("Anonymous notification (duty to notify)")


class ReferrerOrgType(models.TextChoices):
    NGO = "ngo", _("Non-governmental organisation")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    LABOUR_INSPECTION = "labour_inspection", _("Labour inspection")
    HEALTH = "health", _("Health services")
    SOCIAL_SERVICES = "social_services", _("Social services")
    CHILD_PROTECTION = "child_protection", _("Child protection")
    CENTRAL_GOVERNMENT = "central_government", _("Central government")
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    IMMIGRATION_ASYLUM = "immigration_asylum", _("Immigration and asylum")
    LEGAL = "legal", _("Legal professions")
    BUSINESS = "business", _("Business")
    SCHOOL = "school", _("School")
    OTHER = "other", _("Other")


class ConsentStatus(models.TextChoices):
    GIVEN = "given", _("Consent given")
    REFUSED = "refused", _("Consent refused")
    NOT_REQUIRED_MINOR = "not_required_minor", _("Not required (minor)")


class TraffickingStatus(models.TextChoices):
    POSSIBLE = "possible", _("Possible victim")
    ACTUAL = "actual", _("Victim")
    NOT_VICTIM = "not_victim", _("Not a victim")


class DecisionStage(models.TextChoices):
    PRELIMINARY_POSITIVE = "preliminary_positive", _("Preliminary decision: positive")
    PRELIMINARY_NEGATIVE = "preliminary_negative", _("Preliminary decision: negative")
    CONCLUSIVE_POSITIVE = "conclusive_positive", _("Conclusive decision: positive")
    CONCLUSIVE_NEGATIVE = "conclusive_negative", _("Conclusive decision: negative")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ReconsiderationStatus(models.TextChoices):
    REQUESTED = "requested", _("Reconsideration requested")
    ACCEPTED = "accepted", _("Reconsideration accepted")
    REFUSED = "refused", _("Reconsideration refused")


class SupportType(models.TextChoices):
    SHELTER = "shelter", _("Shelter")
    HEALTH = "health", _("Health care")
    PSYCHOLOGICAL = "psychological", _("Psychological support")
    LEGAL = "legal", _("Legal assistance")
    FINANCIAL = "financial", _("Financial support")
    EDUCATION = "education", _("Education")
    LIVELIHOOD = "livelihood", _("Livelihood and employment")
    LANGUAGE = "language", _("Language and interpretation")
    SOCIAL_CARE = "social_care", _("Social care")
    REPATRIATION = "repatriation", _("Assisted return")
    FAMILY_TRACING = "family_tracing", _("Family tracing")
    GUARDIAN = "guardian", _("Guardianship")


class ResidenceStatus(models.TextChoices):
    NONE = "none", _("No residence right")
    REFLECTION_PERIOD = "reflection_period", _("Reflection period")
    TEMPORARY_PERMIT = "temporary_permit", _("Temporary residence permit")
    INTERNATIONAL_PROTECTION = "international_protection", _("International protection")
    NATIONAL = "national", _("National (not applicable)")


class CaseStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")


class ClosureReason(models.TextChoices):
    SUPPORT_COMPLETED = "support_completed", _("Support completed")
    MOVED_AWAY = "moved_away", _("Moved away")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    RETURNED_HOME = "returned_home", _("Returned home")
    DECLINED_SUPPORT = "declined_support", _("Declined support")
    DECEASED = "deceased", _("Deceased")
    TRANSFERRED = "transferred", _("Transferred")
    NOT_A_VICTIM = "not_a_victim", _("Not a victim")
