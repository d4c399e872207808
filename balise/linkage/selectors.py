"""Reads, scoped to what the user needs to know.

Possible matches are for the competent authority's case officers and team leads only, and
only when they may see both persons: a person is visible through a referral the user may read
(``referral_queryset_for_user``), or through an active merge into a visible person."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from balise.accounts.enums import Role
from balise.linkage.models import CandidateStatus, MatchCandidate, PersonMerge
from balise.organisations.enums import OrganisationKind
from balise.persons.models import Person
from balise.referrals.selectors import referral_queryset_for_user

#: Who reviews possible matches.
LINKAGE_ROLES = (Role.CASE_OFFICER, Role.TEAM_LEAD)


def can_review_matches(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.has_role(*LINKAGE_ROLES, organisation_kinds=[OrganisationKind.COMPETENT_AUTHORITY])
    )


def person_queryset_for_user(user: Any) -> QuerySet[Person]:
    if not can_review_matches(user):
        return Person.objects.none()
    through_referrals = referral_queryset_for_user(user).values("person_id")
    merged_into_visible = PersonMerge.objects.filter(
        undone_at__isnull=True, kept_id__in=through_referrals
    ).values("merged_id")
    return Person.objects.filter(Q(pk__in=through_referrals) | Q(pk__in=merged_into_visible))


def candidate_queryset_for_user(user: Any) -> QuerySet[MatchCandidate]:
    persons = person_queryset_for_user(user).values("pk")
    return MatchCandidate.objects.filter(
        person_id__in=persons, candidate_person_id__in=persons
    ).select_related("decided_by")


def merge_queryset_for_user(user: Any) -> QuerySet[PersonMerge]:
    persons = person_queryset_for_user(user).values("pk")
    return PersonMerge.objects.filter(kept_id__in=persons, merged_id__in=persons)


def pending_queue(user: Any) -> QuerySet[MatchCandidate]:
    return candidate_queryset_for_user(user).filter(status=CandidateStatus.PENDING)


def candidates_of_person(user: Any, person: Person) -> QuerySet[MatchCandidate]:
    return candidate_queryset_for_user(user).filter(Q(person=person) | Q(candidate_person=person))


#: Compared field -> (label, attributes of Person shown side by side).
FIELD_DISPLAY: dict[str, tuple[Any, tuple[str, ...]]] = {
    "first_name": (_("Given names"), ("given_names",)),
    "last_name": (_("Family name"), ("family_name",)),
    "full_name": (_("Full name"), ("given_names", "family_name")),
    "birth": (_("Date of birth"), ("birth_date", "estimated_birth_year")),
    "sex": (_("Sex / gender"), ("gender",)),
    "nationality": (_("Nationality"), ("nationalities",)),
}
STATUS_LABELS = {
    "agree": _("agree"),
    "partial": _("partly agree"),
    "disagree": _("disagree"),
    "missing": _("missing on one side"),
}


@dataclass(frozen=True)
class ComparedField:
    key: str
    label: Any
    status: str
    status_label: Any
    left: str
    right: str


def _value(person: Person, attrs: tuple[str, ...]) -> str:
    parts: list[str] = []
    for attr in attrs:
        value = getattr(person, attr)
        if value in (None, "", []):
            continue
        if attr == "gender":
            value = person.get_gender_display()
        elif attr == "estimated_birth_year":
            if person.birth_date:
                continue
            value = _("about %(year)s") % {"year": value}
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        parts.append(str(value))
    return " ".join(parts) or "—"


def side_by_side(candidate: MatchCandidate) -> list[ComparedField]:
    """Decrypted values of both persons for each compared field (the caller audits the read)."""
    rows: list[ComparedField] = []
    for key, status in candidate.field_comparison.items():
        label, attrs = FIELD_DISPLAY.get(key, (key, ()))
        rows.append(
            ComparedField(
                key,
                label,
                status,
                STATUS_LABELS.get(status, status),
                _value(candidate.person, attrs) if attrs else "—",
                _value(candidate.candidate_person, attrs) if attrs else "—",
            )
        )
    aliases = ComparedField(
        "aliases",
        _("Aliases"),
        "",
        "",
        _value(candidate.person, ("aliases",)),
        _value(candidate.candidate_person, ("aliases",)),
    )
    return [*rows, aliases]
