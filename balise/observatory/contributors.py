"""The projection refresh, assembled from small per-source *contributors*.

A contributor is a function ``(builder: ProjectionBuilder) -> None`` registered for the app it
reads (``register(app_label, stage)``). It fills the rows of the person-level projection
(``statistics.schema``) for its stage: ``referrals`` sets the *referred* stage and the profile of
the person, ``identification`` would set *identified* and the decisions with their delays,
``orientation`` *accompanied* and the support types. Only contributors whose app is installed
run, so a new stage is one small function.

Linkage hook: every row is keyed by ``person_key(referral)``. By default that is the
``Person`` record (or the referral itself for an anonymous notification, counted as a distinct
person). A linkage app that finds two ``Person`` records to be the same human calls
``set_person_resolver(fn)`` with a function returning the same key for both; the refresh then
counts them once. Keys never leave the refresh: rows receive a fresh random pseudonym, and
the person's fixed cell key (kept across refreshes by the service, under a keyed hash of the
person key).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.utils import timezone

from balise.codelists import MISSING_VALUES, CitizenshipGroup, age_band, age_group, duration_band
from balise.codelists.mappings import EU27, citizenship_group

from .statistics.schema import new_cell_key, new_pseudonym

LABOUR_FORMS = frozenset({"forced_labour", "domestic_servitude", "forced_begging"})

Contributor = Callable[["ProjectionBuilder"], None]


@dataclass(frozen=True)
class Registered:
    app_label: str
    stage: str
    function: Contributor

    @property
    def name(self) -> str:
        return f"{self.app_label}:{self.stage}"


CONTRIBUTORS: list[Registered] = []


def register(app_label: str, stage: str) -> Callable[[Contributor], Contributor]:
    def decorator(function: Contributor) -> Contributor:
        CONTRIBUTORS[:] = [c for c in CONTRIBUTORS if (c.app_label, c.stage) != (app_label, stage)]
        CONTRIBUTORS.append(Registered(app_label, stage, function))
        return function

    return decorator


def active_contributors() -> list[Registered]:
    return [c for c in CONTRIBUTORS if apps.is_installed(f"balise.{c.app_label}")]


def _default_person_key(person_id: Any) -> str:
    return f"person:{person_id}"


_resolver: Callable[[Any], str] = _default_person_key


def set_person_resolver(resolver: Callable[[Any], str] | None) -> None:
    """Linkage hook: map a ``Person`` id to the key of the unique human it is (two records
    found to be the same person get the same key); ``None`` restores the default."""
    global _resolver
    _resolver = resolver or _default_person_key


def person_key_for(person_id: Any) -> str:
    return _resolver(person_id)


def person_key(referral: Any) -> str:
    """An anonymous notification (or a referral without person) is a person of its own."""
    if referral.person_id is None or referral.anonymous_notification:
        return f"referral:{referral.pk}"
    return person_key_for(referral.person_id)


def reporting_country() -> str:
    return getattr(settings, "BALISE_OBSERVATORY_REPORTING_COUNTRY", "FRA")


def nationality_group(nationalities: list[str]) -> str:
    country = reporting_country()
    if country in EU27:
        return citizenship_group(nationalities, country)
    known = {n.upper() for n in nationalities if n and n.upper() != "XXX"}
    if not known:
        return CitizenshipGroup.UNKNOWN.value
    if country in known:
        return CitizenshipGroup.REPORTING_COUNTRY.value
    return CitizenshipGroup.NON_EU.value


def empty_row(year: int, quarter: int) -> dict[str, Any]:
    return {
        "year": year,
        "quarter": quarter,
        "region": "unknown",
        "gender": "unknown",
        "age_band": "unknown",
        "minor_at_exploitation": "unknown",
        "citizenship": "XXX",
        "nationality_group": "unknown",
        "exploitation_forms": [],
        "sector": "unknown",
        "place_scope": "unknown",
        "country_of_exploitation": "XXX",
        "duration_band": "unknown",
        "means_of_control": [],
        "sexual_types": [],
        "recruiter_relationship": "unknown",
        "network_involved": "unknown",
        "housed_by_exploiter": "unknown",
        "referrer_org_type": "other",
        "channel": "unknown",
        "referred": False,
        "identified": False,
        "accompanied": False,
        "preliminary_decision": None,
        "days_to_preliminary": None,
        "conclusive_decision": None,
        "days_to_conclusive": None,
        "decision_overdue": False,
        "reconsideration": None,
        "support_types": [],
        "residence_status": "unknown",
        "compensation_claimed": False,
        "compensation_awarded": False,
    }


#: What describes the person and their exploitation, carried to the rows of other years.
PROFILE_COLUMNS = (
    "region", "gender", "age_band", "minor_at_exploitation", "citizenship", "nationality_group",
    "exploitation_forms", "sector", "place_scope", "country_of_exploitation", "duration_band",
    "means_of_control", "sexual_types", "recruiter_relationship", "network_involved",
    "housed_by_exploiter", "referrer_org_type", "channel",
)  # fmt: skip


class ProjectionBuilder:
    """Rows of the projection keyed by (person key, year); keys are dropped at the end."""

    def __init__(self, today: dt.date | None = None) -> None:
        self.today = today or timezone.localdate()
        self.rows: dict[tuple[str, int], dict[str, Any]] = {}
        self._pseudonyms: dict[str, tuple[str, int]] = {}

    def row(self, key: str, when: dt.date) -> dict[str, Any]:
        """The row of person ``key`` for the year of ``when`` (created on first use, with the
        person's profile from another year when there is one)."""
        quarter = (when.month - 1) // 3 + 1
        found = self.rows.get((key, when.year))
        if found is None:
            found = empty_row(when.year, quarter)
            other = next(iter(self.rows_of(key)), None)
            if other is not None:
                found.update({c: other[c] for c in PROFILE_COLUMNS})
            self.rows[(key, when.year)] = found
        return found

    def find(self, key: str, year: int) -> dict[str, Any] | None:
        return self.rows.get((key, year))

    def rows_of(self, key: str) -> list[dict[str, Any]]:
        return [row for (k, _year), row in self.rows.items() if k == key]

    def person_keys(self) -> list[str]:
        """The distinct persons of the projection (their keys never leave the refresh)."""
        return sorted({key for key, _year in self.rows})

    def records(self, cell_keys: Mapping[str, int] | None = None) -> list[dict[str, Any]]:
        """Rows with a fresh pseudonym per person and the person's cell key (from
        ``cell_keys``, else drawn now); the person keys are dropped."""
        out = []
        for (key, _year), row in sorted(self.rows.items(), key=lambda item: item[0][1]):
            if key not in self._pseudonyms:
                drawn = cell_keys[key] if cell_keys is not None else new_cell_key()
                self._pseudonyms[key] = (new_pseudonym(), drawn)
            pseudonym, cell_key = self._pseudonyms[key]
            out.append({**row, "pseudonym": pseudonym, "cell_key": cell_key})
        return out


def _merge(values: list[str], more: list[str] | None) -> list[str]:
    return sorted({*values, *(v for v in (more or []) if v and v not in MISSING_VALUES)})


def _months(start: dt.date | None, end: dt.date | None) -> int | None:
    if start is None or end is None or end < start:
        return None
    return (end.year - start.year) * 12 + end.month - start.month


@register("referrals", "referred")
def referrals_contributor(builder: ProjectionBuilder) -> None:
    """Referred stage: every submitted referral, one row per person per year."""
    from balise.organisations.enums import HTCDS_REFERRER_TYPE
    from balise.referrals.enums import ReferralStatus
    from balise.referrals.models import Referral

    referrals = (
        Referral.objects.filter(submitted_at__isnull=False)
        .exclude(status__in=[ReferralStatus.DRAFT, ReferralStatus.WITHDRAWN])
        .select_related("person", "organisation")
        .order_by("submitted_at")
    )
    for referral in referrals.iterator(chunk_size=500):
        day = timezone.localdate(referral.submitted_at)
        row = builder.row(person_key(referral), day)
        first = not row["referred"]
        row["referred"] = True
        if first:
            row["channel"] = referral.channel or "unknown"
            row["referrer_org_type"] = HTCDS_REFERRER_TYPE.get(referral.organisation.kind, "other")
            row["region"] = referral.organisation.region or "unknown"
            person = referral.person
            age = person.age_on(day) if person is not None else None
            row["age_band"] = age_band(age)
            minor = referral.presumed_minor or (
                person is not None and person.is_presumed_minor(on=day)
            )
            row["minor_at_exploitation"] = (
                "minor" if minor else age_group(age) if age is not None else "unknown"
            )
            if person is not None:
                row["gender"] = person.gender if person.gender not in MISSING_VALUES else "unknown"
                nationalities = [n.upper() for n in (person.nationalities or []) if n]
                if nationalities:
                    row["citizenship"] = nationalities[0]
                try:
                    row["nationality_group"] = nationality_group(nationalities)
                except ValueError:
                    row["nationality_group"] = "unknown"
        forms = _merge(row["exploitation_forms"], referral.exploitation_forms)
        row["exploitation_forms"] = forms
        if referral.sector:
            row["sector"] = referral.sector
        elif row["sector"] == "unknown" and forms and not LABOUR_FORMS & set(forms):
            row["sector"] = "not_applicable"
        if referral.place_scope and row["place_scope"] == "unknown":
            row["place_scope"] = referral.place_scope
        if referral.exploitation_country and row["country_of_exploitation"] == "XXX":
            row["country_of_exploitation"] = referral.exploitation_country.upper()
        months = _months(referral.exploitation_start, referral.exploitation_end or day)
        if months is not None and row["duration_band"] == "unknown":
            row["duration_band"] = duration_band(months)
        row["means_of_control"] = _merge(row["means_of_control"], referral.means_of_control)
        row["sexual_types"] = _merge(row["sexual_types"], referral.sexual_exploitation_types)
        if referral.recruiter_relationship and row["recruiter_relationship"] == "unknown":
            row["recruiter_relationship"] = referral.recruiter_relationship


RESIDENCE_FROM_RIGHT = {
    "reflection_start": "reflection_period",
    "permit_granted": "temporary_permit",
}


@register("orientation", "accompanied")
def orientation_contributor(builder: ProjectionBuilder) -> None:
    """Accompanied stage: support given (events, placements), residence and compensation."""
    from balise.orientation.models import RightEvent, SupportEvent, SupportFile

    for event in SupportEvent.objects.select_related("support_file").order_by("occurred_on"):
        row = builder.row(person_key_for(event.support_file.person_id), event.occurred_on)
        row["accompanied"] = True
        row["support_types"] = _merge(row["support_types"], [event.support_type])
    placements = SupportFile.objects.filter(kind="placement").order_by("opened_at")
    for support_file in placements:
        row = builder.row(
            person_key_for(support_file.person_id), timezone.localdate(support_file.opened_at)
        )
        row["accompanied"] = True
        row["support_types"] = _merge(row["support_types"], ["shelter"])
    rights = RightEvent.objects.select_related("support_file").order_by("occurred_on")
    for right in rights:
        row = builder.row(person_key_for(right.support_file.person_id), right.occurred_on)
        if right.kind in RESIDENCE_FROM_RIGHT:
            row["residence_status"] = RESIDENCE_FROM_RIGHT[right.kind]
        elif right.kind == "compensation_claimed":
            row["compensation_claimed"] = True
        elif right.kind == "compensation_awarded":
            row["compensation_claimed"] = row["compensation_awarded"] = True


DECISION_DEADLINES = frozenset({"preliminary", "conclusive_earliest"})


@register("identification", "identified")
def identification_contributor(builder: ProjectionBuilder) -> None:
    """Identified stage: final decisions of the period and their delays, reconsiderations,
    decisions overdue now. *Identified* means a final positive decision (preliminary or
    conclusive) in the period; the region is the competent authority's."""
    from balise.identification.models import Case, Reconsideration

    cases = Case.objects.prefetch_related("decisions").order_by("received_at")
    for case in cases:
        key = person_key_for(case.person_id)
        received = timezone.localdate(case.received_at)
        preliminary_on: dt.date | None = None
        for decision in case.decisions.all():
            if not decision.is_final:
                continue
            day = timezone.localdate(decision.decided_at)
            row = builder.row(key, day)
            if case.region:
                row["region"] = case.region
            if case.presumed_minor:
                row["minor_at_exploitation"] = "minor"
            if decision.outcome == "positive":
                row["identified"] = True
            if decision.stage == "preliminary":
                preliminary_on = day
                row["preliminary_decision"] = decision.outcome
                row["days_to_preliminary"] = (day - received).days
            else:
                row["conclusive_decision"] = decision.outcome
                if preliminary_on is not None:
                    row["days_to_conclusive"] = (day - preliminary_on).days
        if (
            case.next_deadline is not None
            and case.next_deadline < builder.today
            and case.next_deadline_kind in DECISION_DEADLINES
        ):
            builder.row(key, builder.today)["decision_overdue"] = True
    for request in Reconsideration.objects.select_related("case").order_by("requested_at"):
        row = builder.row(person_key_for(request.case.person_id), request.requested_at.date())
        row["reconsideration"] = "requested"
