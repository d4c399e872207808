from django.db import models
from django.utils.translation import gettext_lazy as _


class SharedField(models.TextChoices):
    """What an orientation may share with the receiving service, field by field."""

    GIVEN_NAMES = "given_names", _("Given names")
    FAMILY_NAME = "family_name", _("Family name")
    BIRTH_DATE = "birth_date", _("Date of birth")
    AGE = "age", _("Age")
    GENDER = "gender", _("Sex / gender")
    NATIONALITIES = "nationalities", _("Nationalities")
    LANGUAGES = "languages", _("Languages")
    INTERPRETER_NEEDED = "interpreter_needed", _("Needs an interpreter")
    CONTACT = "contact", _("Contact")
    PRESUMED_MINOR = "presumed_minor", _("Child or presumed child")
    EXPLOITATION_FORMS = "exploitation_forms", _("Forms of exploitation")
    IMMEDIATE_DANGER = "immediate_danger", _("In immediate danger")
    NARRATIVE = "narrative", _("Narrative of the referral")


#: A shelter houses the person: it never receives the narrative of the referral.
NEVER_SHARED_WITH_SHELTERS: frozenset[str] = frozenset({SharedField.NARRATIVE})

#: Fields that identify the person (need the person's consent for an adult).
IDENTIFYING_SHARED_FIELDS: frozenset[str] = frozenset(
    {
        SharedField.GIVEN_NAMES,
        SharedField.FAMILY_NAME,
        SharedField.BIRTH_DATE,
        SharedField.CONTACT,
        SharedField.NARRATIVE,
    }
)


class ConsentBasis(models.TextChoices):
    CONSENT = "consent", _("The person agreed to this sharing")
    MINOR = "minor", _("Child: no consent needed, child protection applies")
    EMERGENCY_OVERRIDE = "emergency_override", _("Emergency override (team lead)")


class OrientationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired without answer")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class DeclineReason(models.TextChoices):
    NO_PLACE = "no_place", _("No place")
    OUT_OF_REMIT = "out_of_remit", _("Out of remit")
    OUT_OF_AREA = "out_of_area", _("Out of area")
    PROFILE_NOT_ACCEPTED = "profile_not_accepted", _("Profile not accepted")
    DUPLICATE = "duplicate", _("Duplicate request")
    OTHER = "other", _("Other")


class DangerKind(models.TextChoices):
    EXPLOITATION_PLACE = "exploitation_place", _("Place of exploitation")
    EXPLOITER_LOCATION = "exploiter_location", _("Known location of the exploiters")


class FileKind(models.TextChoices):
    PLACEMENT = "placement", _("Placement (accommodation)")
    SUPPORT = "support", _("Support relationship")


class FileStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class RightKind(models.TextChoices):
    REFLECTION_START = "reflection_start", _("Reflection period started")
    REFLECTION_END = "reflection_end", _("Reflection period ended")
    PERMIT_APPLIED = "permit_applied", _("Residence permit applied for")
    PERMIT_GRANTED = "permit_granted", _("Residence permit granted")
    PERMIT_REFUSED = "permit_refused", _("Residence permit refused")
    COMPENSATION_CLAIMED = "compensation_claimed", _("Compensation claimed")
    COMPENSATION_AWARDED = "compensation_awarded", _("Compensation awarded")


AMOUNT_RIGHTS: frozenset[str] = frozenset(
    {RightKind.COMPENSATION_CLAIMED, RightKind.COMPENSATION_AWARDED}
)


class NoteVisibility(models.TextChoices):
    SERVICE = "service", _("Service only")
    SHARED = "shared", _("Shared with the competent authority")
