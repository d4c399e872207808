"""Scoring persons against the register, storing possible matches, and reversible merges.

The Splink model is trained on the register by ``manage.py linkage_train`` and saved as JSON
in a file (``settings.BALISE_LINKAGE_MODEL_PATH``, else ``VAR_DIR/linkage/model.json``). Until
one exists, scoring falls back to exact matches on the blind indexes (same full name, and the
same date of birth when both are known) and the pages say so.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from balise.audit.services import audit_record
from balise.identification.models import Case
from balise.linkage.models import CandidateStatus, MatchCandidate, PersonMerge, ScoringMethod
from balise.persons.models import Person
from balise.referrals.models import Referral

logger = logging.getLogger(__name__)

#: Pairs below this match probability are not shown to case officers. A person confirms every
#: match, so the review keeps weak evidence too: both names swapped with only an estimated age
#: scores between 0.1 and 0.5 on a calibrated model, and missing such a history (a person
#: trafficked again) costs more than a look at an unlikely candidate, whose score is shown.
THRESHOLD = 0.1
#: Register persons scored together by the batch command (one progress step each chunk).
CHUNK = 50


class MergeError(Exception):
    """The merge or its undoing is not possible in the current state."""


# --------------------------------------------------------------------------- register


def model_path() -> Path:
    configured = getattr(settings, "BALISE_LINKAGE_MODEL_PATH", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "linkage" / "model.json"


def load_saved_model() -> dict[str, Any] | None:
    from balise.linkage.clear import load_model

    path = model_path()
    return load_model(path) if path.exists() else None


def merged_person_ids() -> QuerySet:
    return PersonMerge.objects.filter(undone_at__isnull=True).values("merged_id")


def register_persons() -> QuerySet[Person]:
    """Persons that can be matched: not merged into another one, with a name or a birth date."""
    return (
        Person.objects.exclude(pk__in=merged_person_ids())
        .filter(~Q(name_index="") | ~Q(birth_date_index=""))
        .order_by("created_at", "pk")
    )


_SEX = {"feminine": "f", "masculine": "m"}


def person_record(person: Person) -> Any:
    """The linkage library's view of a person (decrypted in memory, never stored)."""
    from balise.linkage.clear import PersonRecord

    aliases = person.aliases or []
    if isinstance(aliases, str):
        aliases = [a.strip() for a in aliases.replace("|", ",").split(",") if a.strip()]
    return PersonRecord(
        record_id=str(person.pk),
        first_name=person.given_names or None,
        last_name=person.family_name or None,
        aliases=tuple(str(a) for a in aliases),
        birth_date=person.birth_date,
        birth_year_estimated=person.estimated_birth_year,
        sex=_SEX.get(person.gender),
        nationality=(person.nationalities or [None])[0],
    )


def register_frame(persons: Iterable[Person]) -> Any:
    from balise.linkage.clear import LinkageSpec, prepare_frame

    return prepare_frame([person_record(p) for p in persons], LinkageSpec(use_place=False))


def train_and_save(*, seed: int = 42) -> tuple[Path, int]:
    """Train the model on the whole register and save it; returns (path, register size)."""
    from balise.linkage.clear import LinkageSpec, save_model, train_model

    persons = list(register_persons())
    if len(persons) < 2:
        raise ValueError("the register needs at least two persons to train a model")
    model = train_model([register_frame(persons)], LinkageSpec(use_place=False), seed=seed)
    path = model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    save_model(model, path)
    return path, len(persons)


# --------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class Match:
    person_id: str
    candidate_id: str
    score: float
    method: str
    fields: dict[str, str]


def _pairs_to_matches(pairs: Iterable[Any]) -> list[Match]:
    return [
        Match(
            p.right_id,
            p.left_id,
            p.match_probability,
            ScoringMethod.MODEL,
            {name: f.status for name, f in p.fields.items()},
        )
        for p in pairs
        if p.left_id != p.right_id
    ]


class RegisterScorer:
    """The scorer kept in memory by a worker process between two referrals.

    Loading the register and its term frequencies is the slow part of scoring (tens of
    seconds for a million persons); scoring one new person against the loaded register
    takes milliseconds. The scorer is rebuilt when the saved model changes or when a merge
    is made or undone, and otherwise refreshed in place: persons created or edited since
    the last call are loaded again (``updated_at``), and a register whose size no longer
    matches is reloaded whole.
    """

    def __init__(self) -> None:
        self._scorer: Any = None
        self._model_stamp: tuple[str, int, int] | None = None
        self._merge_stamp: tuple[Any, ...] | None = None
        self._seen_at: datetime.datetime | None = None

    @staticmethod
    def _stamp_of_model() -> tuple[str, int, int] | None:
        path = model_path()
        if not path.exists():
            return None
        stat = path.stat()
        return (str(path), stat.st_mtime_ns, stat.st_size)

    @staticmethod
    def _stamp_of_merges() -> tuple[Any, ...]:
        from django.db.models import Count, Max

        agg = PersonMerge.objects.aggregate(
            n=Count("pk"), merged=Max("merged_at"), undone=Max("undone_at")
        )
        return (agg["n"], agg["merged"], agg["undone"])

    def reset(self) -> None:
        if self._scorer is not None:
            self._scorer.close()
        self._scorer = None
        self._model_stamp = self._merge_stamp = self._seen_at = None

    def _rebuild(self, model: dict[str, Any]) -> None:
        from balise.linkage.clear import IncrementalScorer

        self.reset()
        persons = list(register_persons())
        self._scorer = IncrementalScorer(register_frame(persons), model)
        self._seen_at = max((p.updated_at for p in persons), default=None)

    def _refresh(self) -> bool:
        """Load persons changed since the last call; False when a full reload is needed."""
        register = register_persons()
        changed = list(
            register.filter(updated_at__gte=self._seen_at) if self._seen_at else register
        )
        if changed:
            self._scorer.upsert(register_frame(changed))
            self._seen_at = max([self._seen_at, *(p.updated_at for p in changed)])
        return register.count() == len(self._scorer)

    def get(self) -> Any:
        """The up-to-date scorer, or None when no model has been trained."""
        model_stamp = self._stamp_of_model()
        if model_stamp is None:
            self.reset()
            return None
        merge_stamp = self._stamp_of_merges()
        if (
            self._scorer is None
            or model_stamp != self._model_stamp
            or merge_stamp != self._merge_stamp
            or not self._refresh()
        ):
            model = load_saved_model()
            if model is None:
                return None
            self._rebuild(model)
            self._model_stamp, self._merge_stamp = model_stamp, merge_stamp
        return self._scorer


#: One per process (each worker keeps its own; DuckDB connections are not shared).
register_scorer = RegisterScorer()


def _exact_matches(person: Person, register: QuerySet[Person]) -> list[Match]:
    if not person.name_index:
        return []
    out: list[Match] = []
    for other in register.filter(name_index=person.name_index).exclude(pk=person.pk):
        if person.birth_date_index and other.birth_date_index:
            if person.birth_date_index != other.birth_date_index:
                continue
            birth, score = "agree", 1.0
        else:
            birth, score = "missing", 0.5
        fields = {"full_name": "agree", "birth": birth}
        out.append(Match(str(person.pk), str(other.pk), score, ScoringMethod.EXACT, fields))
    return out


def _decided_pairs(person_ids: Iterable[str]) -> set[frozenset[str]]:
    ids = list(person_ids)
    rows = MatchCandidate.objects.exclude(status=CandidateStatus.PENDING).filter(
        Q(person_id__in=ids) | Q(candidate_person_id__in=ids)
    )
    return {
        frozenset((str(a), str(b))) for a, b in rows.values_list("person_id", "candidate_person_id")
    }


def _store(matches: list[Match]) -> list[MatchCandidate]:
    """Replace the pending candidates of the scored persons; decisions are never touched."""
    decided = _decided_pairs({m.person_id for m in matches} | {m.candidate_id for m in matches})
    best: dict[frozenset[str], Match] = {}
    for m in matches:
        key = frozenset((m.person_id, m.candidate_id))
        if key in decided:
            continue
        if key not in best or m.score > best[key].score:
            best[key] = m
    rows = [
        MatchCandidate(
            person_id=m.person_id,
            candidate_person_id=m.candidate_id,
            score=m.score,
            method=m.method,
            field_comparison=m.fields,
        )
        for m in best.values()
    ]
    return MatchCandidate.objects.bulk_create(rows)


def score_person(person: Person) -> list[MatchCandidate]:
    """Score one person against the register and store their pending candidates."""
    register = register_persons()
    if not register.filter(pk=person.pk).exists():
        # Anonymous (no name nor birth date) or merged into another person: nothing to score.
        return []
    scorer = register_scorer.get()
    if scorer is not None:
        pairs = scorer.score(register_frame([person]), threshold=THRESHOLD)
        matches = _pairs_to_matches(pairs)  # the person's pair with itself is dropped
    else:
        matches = _exact_matches(person, register)
    with transaction.atomic():
        MatchCandidate.objects.filter(
            Q(person=person) | Q(candidate_person=person), status=CandidateStatus.PENDING
        ).delete()
        return _store(matches)


def rescore_all(
    progress: Callable[[int, int], None] | None = None, *, chunk: int = CHUNK
) -> tuple[int, str]:
    """Re-score the whole register (e.g. after an import).

    Replaces every pending candidate, keeps confirmed and rejected ones. Returns the number
    of pending candidates and the method used."""
    persons = list(register_persons())
    total = len(persons)
    model = load_saved_model()
    matches: list[Match] = []
    if progress:
        progress(0, total)
    scorer = None
    if model is not None and total > 1:
        from balise.linkage.clear import IncrementalScorer

        scorer = IncrementalScorer(register_frame(persons), model)
    try:
        for start in range(0, total, chunk):
            batch = persons[start : start + chunk]
            if scorer is not None:
                pairs = scorer.score(register_frame(batch), threshold=THRESHOLD)
                matches.extend(_pairs_to_matches(pairs))
            elif model is None:
                qs = register_persons()
                for p in batch:
                    matches.extend(_exact_matches(p, qs))
            if progress:
                progress(min(start + chunk, total), total)
    finally:
        if scorer is not None:
            scorer.close()
    # The newer record of each pair is the one to review against the older.
    created = {str(p.pk): (p.created_at, str(p.pk)) for p in persons}
    oriented = []
    for m in matches:
        if created[m.person_id] < created[m.candidate_id]:
            m = Match(m.candidate_id, m.person_id, m.score, m.method, m.fields)
        oriented.append(m)
    with transaction.atomic():
        MatchCandidate.objects.filter(status=CandidateStatus.PENDING).delete()
        stored = _store(oriented)
    return len(stored), ScoringMethod.MODEL if model is not None else ScoringMethod.EXACT


# --------------------------------------------------------------------------- decisions


def _active_merge_of(person_id: Any) -> PersonMerge | None:
    return PersonMerge.objects.filter(merged_id=person_id, undone_at__isnull=True).first()


@transaction.atomic
def candidate_reject(*, acting_user: Any, candidate: MatchCandidate) -> MatchCandidate:
    candidate = MatchCandidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.status != CandidateStatus.PENDING:
        raise MergeError("already decided")
    candidate.status = CandidateStatus.REJECTED
    candidate.decided_by = acting_user
    candidate.decided_at = timezone.now()
    candidate.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        actor=acting_user,
        action="linkage.reject",
        obj=candidate,
        details={
            "person": str(candidate.person_id),
            "candidate": str(candidate.candidate_person_id),
        },
    )
    return candidate


@transaction.atomic
def candidate_confirm(*, acting_user: Any, candidate: MatchCandidate) -> PersonMerge:
    """The two persons are one: move the newer person's referrals and cases to the person
    already in the register, mark the newer one as merged, and log what moved."""
    candidate = MatchCandidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.status != CandidateStatus.PENDING:
        raise MergeError("already decided")
    kept, merged = candidate.candidate_person, candidate.person
    if _active_merge_of(kept.pk) or _active_merge_of(merged.pk):
        raise MergeError("one of the persons is already merged into another")
    referral_ids = [
        str(pk) for pk in Referral.objects.filter(person=merged).values_list("pk", flat=True)
    ]
    case_ids = [str(pk) for pk in Case.objects.filter(person=merged).values_list("pk", flat=True)]
    Referral.objects.filter(pk__in=referral_ids).update(person=kept)
    Case.objects.filter(pk__in=case_ids).update(person=kept)
    now = timezone.now()
    candidate.status = CandidateStatus.CONFIRMED
    candidate.decided_by = acting_user
    candidate.decided_at = now
    candidate.save(update_fields=["status", "decided_by", "decided_at"])
    merge = PersonMerge.objects.create(
        kept=kept,
        merged=merged,
        candidate=candidate,
        referral_ids=referral_ids,
        case_ids=case_ids,
        merged_by=acting_user,
        merged_at=now,
    )
    audit_record(
        actor=acting_user,
        action="linkage.merge",
        obj=merge,
        details={
            "kept": str(kept.pk),
            "merged": str(merged.pk),
            "referrals": len(referral_ids),
            "cases": len(case_ids),
        },
    )
    return merge


@transaction.atomic
def merge_undo(*, acting_user: Any, merge: PersonMerge) -> PersonMerge:
    """Restore exactly the links recorded by the merge; the candidate goes back to review."""
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise MergeError("already undone")
    Referral.objects.filter(pk__in=merge.referral_ids, person=merge.kept_id).update(
        person=merge.merged_id
    )
    Case.objects.filter(pk__in=merge.case_ids, person=merge.kept_id).update(person=merge.merged_id)
    merge.undone_at = timezone.now()
    merge.undone_by = acting_user
    merge.save(update_fields=["undone_at", "undone_by"])
    if merge.candidate_id:
        MatchCandidate.objects.filter(pk=merge.candidate_id).update(
            status=CandidateStatus.PENDING, decided_by=None, decided_at=None
        )
    audit_record(
        actor=acting_user,
        action="linkage.unmerge",
        obj=merge,
        details={"kept": str(merge.kept_id), "merged": str(merge.merged_id)},
    )
    return merge


# --------------------------------------------------------------------------- progress


def text_progress(
    stream: Any, *, clock: Callable[[], float] | None = None
) -> Callable[[int, int], None]:
    """A progress callback writing ``processed/total percent ETA`` lines to ``stream``."""
    import time

    now = clock or time.monotonic
    started = now()

    def report(done: int, total: int) -> None:
        pct = 100.0 if total == 0 else 100.0 * done / total
        elapsed = now() - started
        if done and total > done:
            eta = datetime.timedelta(seconds=round(elapsed * (total - done) / done))
            eta_text = f"ETA {eta}"
        elif done >= total:
            eta_text = "done"
        else:
            eta_text = "ETA --"
        width = 30
        filled = int(width * pct / 100)
        bar = "#" * filled + "-" * (width - filled)
        stream.write(f"\r[{bar}] {done}/{total} {pct:5.1f}% {eta_text}")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return report


def iter_export_rows(persons: Iterable[Person]) -> Iterator[dict[str, object]]:
    """Rows for local PPRL encoding (kept in memory only, never written in clear)."""
    for p in persons:
        yield {
            "record_id": str(p.pk),
            "first_name": p.given_names,
            "last_name": p.family_name,
            "birth_date": p.birth_date.isoformat() if p.birth_date else None,
            "birth_year_estimated": p.estimated_birth_year,
            "sex": _SEX.get(p.gender),
        }
