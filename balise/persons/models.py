"""A person is the human being, kept apart from the referrals about them: one person may be
referred many times, by many organisations. Identifying data is encrypted field by field; blind
indexes allow exact look-ups (duplicate checks) without decrypting."""

from __future__ import annotations

import datetime
import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balise.codelists.lists import Gender, with_missing
from balise.core.crypto import blind_index
from balise.core.fields import EncryptedCharField, EncryptedDateField, EncryptedJSONField

#: Fields that identify a person; an anonymous notification keeps none of them.
IDENTIFYING_FIELDS: tuple[str, ...] = (
    "given_names",
    "family_name",
    "aliases",
    "birth_date",
    "contact",
)


class Person(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    given_names = EncryptedCharField(_("given names"), max_length=200, blank=True, null=True)
    family_name = EncryptedCharField(_("family name"), max_length=200, blank=True, null=True)
    aliases = EncryptedJSONField(_("aliases"), blank=True, null=True)
    birth_date = EncryptedDateField(_("date of birth"), blank=True, null=True)
    contact = EncryptedCharField(_("contact"), max_length=500, blank=True, null=True)
    # Blind indexes (keyed hashes) for exact matches, empty when there is no value.
    name_index = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    birth_date_index = models.CharField(max_length=40, blank=True, db_index=True, editable=False)

    estimated_birth_year = models.PositiveSmallIntegerField(
        _("estimated year of birth"), null=True, blank=True
    )
    gender = models.CharField(
        _("sex / gender"), max_length=32, choices=with_missing(Gender), default="not_asked"
    )
    nationalities = models.JSONField(_("nationalities"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    interpreter_needed = models.BooleanField(_("needs an interpreter"), null=True, blank=True)
    age_disputed = models.BooleanField(_("age disputed or uncertain"), default=False)
    reasons_to_believe_minor = models.BooleanField(
        _("reasons to believe the person is a child"), default=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        return str(_("Person %(short)s") % {"short": str(self.pk)[:8]})

    def save(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        self.refresh_indexes()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_index", "birth_date_index"}
        super().save(*args, **kwargs)

    def refresh_indexes(self) -> None:
        full_name = " ".join(p for p in (self.given_names, self.family_name) if p)
        self.name_index = blind_index(full_name, purpose="person.name")
        self.birth_date_index = blind_index(
            self.birth_date.isoformat() if self.birth_date else None, purpose="person.birth_date"
        )

    # -- age ------------------------------------------------------------------------------
    def age_on(self, day: datetime.date) -> int | None:
        return age_on(
            day, birth_date=self.birth_date, estimated_birth_year=self.estimated_birth_year
        )

    def is_presumed_minor(
        self, *, on: datetime.date | None = None, age_of_majority: int | None = None
    ) -> bool:
        return is_presumed_minor(
            birth_date=self.birth_date,
            estimated_birth_year=self.estimated_birth_year,
            age_disputed=self.age_disputed,
            reasons_to_believe_minor=self.reasons_to_believe_minor,
            on=on,
            age_of_majority=age_of_majority,
        )

    @property
    def has_identifying_data(self) -> bool:
        return any(getattr(self, f) not in (None, "", []) for f in IDENTIFYING_FIELDS)


def age_on(
    day: datetime.date,
    *,
    birth_date: datetime.date | None,
    estimated_birth_year: int | None,
) -> int | None:
    """Age in whole years on ``day``; from the estimated year when the date is unknown."""
    if birth_date is not None:
        years = day.year - birth_date.year
        if (day.month, day.day) < (birth_date.month, birth_date.day):
            years -= 1
        return years
    if estimated_birth_year is not None:
        return day.year - estimated_birth_year
    return None


def is_presumed_minor(
    *,
    birth_date: datetime.date | None,
    estimated_birth_year: int | None,
    age_disputed: bool,
    reasons_to_believe_minor: bool,
    on: datetime.date | None = None,
    age_of_majority: int | None = None,
) -> bool:
    """A child, or presumed one (CETS 197 art. 10(3)).

    A person is a minor when their age is below the jurisdiction's age of majority. When the age
    is unknown or disputed and there are reasons to believe the person is a child, they are
    presumed a minor until their age is established. A disputed age on its own is not enough
    unless the known age is itself a minor's.
    """
    if age_of_majority is None:
        from balise.jurisdictions.profiles import get_profile

        age_of_majority = get_profile().age_of_majority
    day = on or timezone.localdate()
    age = age_on(day, birth_date=birth_date, estimated_birth_year=estimated_birth_year)
    if age is not None and age < age_of_majority:
        return True
    if (age is None or age_disputed) and reasons_to_believe_minor:
        return True
    return False
