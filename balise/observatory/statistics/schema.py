"""The pseudonymised person-level projection that every statistic is computed from.

One row per **unique person per period** (after duplicate detection and linkage). It holds no
identifying data: no name, no date of birth, no free text, no record identifier. The pseudonym
is drawn at random when the projection is refreshed (``new_pseudonym``); it cannot be derived
from, nor linked back to, any case record. Categorical values are codes of
``balise.codelists`` (or ``Missing`` values).

=========================  ==================  =================================================
column                     type                meaning
=========================  ==================  =================================================
pseudonym                  string              random 128-bit hex, fresh at every refresh
year                       int16               year of the period
quarter                    int8                quarter of first referral in the period (1–4)
region                     string              region code of the competent authority
gender                     string              ``Gender`` value
age_band                   string              ``AgeBand`` value at referral, or missing
minor_at_exploitation      string              ``AgeGroup``: minor / adult / unknown
citizenship                string              ISO 3166-1 alpha-3 (first citizenship; XXA, XXX)
nationality_group          string              ``CitizenshipGroup`` (Eurostat grouping)
exploitation_forms         list<string>        ``ExploitationForm`` values (several allowed)
sector                     string              ``LabourSector``, or ``not_applicable``/missing
place_scope                string              ``PlaceScope`` value, or missing
country_of_exploitation    string              alpha-3 (main country), or XXX
duration_band              string              ``DurationBand`` value, or missing
means_of_control           list<string>        ``MeansOfControl`` values
sexual_types               list<string>        ``SexualExploitationType`` values
recruiter_relationship     string              ``RecruiterRelationship`` value
network_involved           string              yes / no / unknown
housed_by_exploiter        string              yes / no / unknown
referrer_org_type          string              ``ReferrerOrgType`` of the first referral
channel                    string              ``Channel`` of the first referral
referred                   bool                referred in the period (stage 1)
identified                 bool                positive decision in the period (stage 2)
accompanied                bool                support given in the period (stage 3)
preliminary_decision       string (nullable)   positive / negative, when taken in the period
days_to_preliminary        int32 (nullable)    days from referral to preliminary decision
conclusive_decision        string (nullable)   positive / negative / withdrawn
days_to_conclusive         int32 (nullable)    days from preliminary to conclusive decision
decision_overdue           bool                a decision is pending beyond its deadline now
reconsideration            string (nullable)   ``ReconsiderationStatus`` value
support_types              list<string>        ``SupportType`` values given in the period
residence_status           string              ``ResidenceStatus`` value, or missing
compensation_claimed       bool                compensation claimed
compensation_awarded       bool                compensation awarded
cell_key                   uint8               random 0–255, fixed per person: drawn once and
                                               kept across refreshes (cell-key method)
=========================  ==================  =================================================
"""

from __future__ import annotations

import secrets

import pyarrow as pa
import pyarrow.compute as pc

_STR = pa.string()
_LIST = pa.list_(pa.string())

PROJECTION_SCHEMA: pa.Schema = pa.schema(
    [
        pa.field("pseudonym", _STR, nullable=False),
        pa.field("year", pa.int16(), nullable=False),
        pa.field("quarter", pa.int8(), nullable=False),
        pa.field("region", _STR, nullable=False),
        pa.field("gender", _STR, nullable=False),
        pa.field("age_band", _STR, nullable=False),
        pa.field("minor_at_exploitation", _STR, nullable=False),
        pa.field("citizenship", _STR, nullable=False),
        pa.field("nationality_group", _STR, nullable=False),
        pa.field("exploitation_forms", _LIST, nullable=False),
        pa.field("sector", _STR, nullable=False),
        pa.field("place_scope", _STR, nullable=False),
        pa.field("country_of_exploitation", _STR, nullable=False),
        pa.field("duration_band", _STR, nullable=False),
        pa.field("means_of_control", _LIST, nullable=False),
        pa.field("sexual_types", _LIST, nullable=False),
        pa.field("recruiter_relationship", _STR, nullable=False),
        pa.field("network_involved", _STR, nullable=False),
        pa.field("housed_by_exploiter", _STR, nullable=False),
        pa.field("referrer_org_type", _STR, nullable=False),
        pa.field("channel", _STR, nullable=False),
        pa.field("referred", pa.bool_(), nullable=False),
        pa.field("identified", pa.bool_(), nullable=False),
        pa.field("accompanied", pa.bool_(), nullable=False),
        pa.field("preliminary_decision", _STR),
        pa.field("days_to_preliminary", pa.int32()),
        pa.field("conclusive_decision", _STR),
        pa.field("days_to_conclusive", pa.int32()),
        pa.field("decision_overdue", pa.bool_(), nullable=False),
        pa.field("reconsideration", _STR),
        pa.field("support_types", _LIST, nullable=False),
        pa.field("residence_status", _STR, nullable=False),
        pa.field("compensation_claimed", pa.bool_(), nullable=False),
        pa.field("compensation_awarded", pa.bool_(), nullable=False),
        pa.field("cell_key", pa.uint8(), nullable=False),
    ]
)

#: Columns that would identify a person and must never appear in a projection.
FORBIDDEN_COLUMNS: frozenset[str] = frozenset(
    {
        "id", "case_id", "person_id", "referral_id", "name", "first_name", "last_name",
        "birth_date", "date_of_birth", "address", "phone", "email", "notes", "narrative",
    }
)  # fmt: skip


def new_pseudonym() -> str:
    """A fresh random pseudonym; never derived from any record identifier."""
    return secrets.token_hex(16)


def new_cell_key() -> int:
    """A person's fixed random cell key, 0–255 (cell-key perturbation)."""
    return secrets.randbelow(256)


class ProjectionError(ValueError):
    pass


def validate_projection(table: pa.Table) -> pa.Table:
    """Check ``table`` has exactly the projection schema and one row per pseudonym and year.

    Returns the table cast to ``PROJECTION_SCHEMA`` column order.
    """
    names = set(table.column_names)
    forbidden = names & FORBIDDEN_COLUMNS
    if forbidden:
        raise ProjectionError(f"identifying columns in projection: {sorted(forbidden)}")
    expected = set(PROJECTION_SCHEMA.names)
    if names != expected:
        raise ProjectionError(
            f"projection columns differ: missing {sorted(expected - names)}, "
            f"unexpected {sorted(names - expected)}"
        )
    table = table.select(PROJECTION_SCHEMA.names).cast(PROJECTION_SCHEMA)
    pairs = pc.binary_join_element_wise(
        table["pseudonym"], pc.cast(table["year"], pa.string()), "|"
    )
    if pc.count_distinct(pairs).as_py() != table.num_rows:
        raise ProjectionError("a person appears twice in the same period")
    return table
