"""Writes on referrals: drafts, submission, withdrawal, information requests.

Every function is atomic, checks who is acting, and writes to the audit log in the same
transaction. Side effects (notifications) are enqueued with the change and run after commit."""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balise.audit.enums import AuditAction
from balise.audit.services import audit_batch, audit_record
from balise.codelists.lists import Channel, ConsentStatus
from balise.core.tasks import enqueue_with_change
from balise.jurisdictions.profiles import get_profile
from balise.persons.models import Person, is_presumed_minor
from balise.referrals import lifecycle, screening
from balise.referrals.enums import ReferralAction, ReferralStatus
from balise.referrals.forms import (
    FIELD_NAMES,
    FORM_BY_STEP,
    MULTI_FIELDS,
    STEP_FORMS,
    STEP_OF_FIELD,
    STEPS,
    StepForm,
)
from balise.referrals.models import (
    InformationRequest,
    Referral,
    ReferralAlert,
    ReferralTransition,
)
from balise.referrals.permissions import (
    can_answer_information_requests,
    can_ask_information,
    can_edit_draft,
    why_cannot_refer,
)

MAX_IDEMPOTENCY_KEY = 100


class ReferralNotAllowed(PermissionDenied):
    """The user may not do this; ``str(exc)`` says why in the user's language."""


class ReferralInvalid(Exception):
    """The referral cannot be submitted as it is: ``errors`` maps each field to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("referral is not valid")
        self.errors = errors

    @property
    def first_step(self) -> str:
        steps = [STEP_OF_FIELD.get(f, "review") for f in self.errors]
        return min(steps, key=STEPS.index) if steps else "review"


class IdempotencyConflict(Exception):
    """The same idempotency key was used earlier with a different request."""


class InformationRequestClosed(ReferralNotAllowed):
    """The request for information was already answered: it takes no second answer."""


# -- draft data ---------------------------------------------------------------------------------


def to_raw(value: Any) -> Any:
    """A Python value as a form would receive it (strings, lists of strings)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return [str(to_raw(v)) for v in value]
    return str(value)


def raw_draft_values(data: dict[str, Any], *, fields: frozenset[str] = FIELD_NAMES) -> dict:
    """Keep the known form fields only, in the raw shape the forms take."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key not in fields:
            continue
        raw = to_raw(value)
        if key in MULTI_FIELDS and not isinstance(raw, list):
            raw = [raw] if raw else []
        if key not in MULTI_FIELDS and isinstance(raw, list):
            raw = raw[-1] if raw else ""
        out[key] = raw
    return out


def raw_from_querydict(querydict: Any, step: str) -> dict[str, Any]:
    """The values of one step's fields from a POST (absent checkboxes count as unticked)."""
    form_class = FORM_BY_STEP[step]
    out: dict[str, Any] = {}
    for name in form_class.base_fields:
        if name in MULTI_FIELDS:
            out[name] = [v for v in querydict.getlist(name) if v]
        else:
            out[name] = querydict.get(name, "")
    return out


def _fingerprint(channel: str, data: dict[str, Any]) -> str:
    payload = json.dumps([channel, data], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def step_form(
    referral: Referral,
    step: str,
    data: dict[str, Any] | None = None,
    *,
    validation_only: bool = False,
) -> StepForm:
    """The step's form bound to ``data`` or to what the draft holds."""
    form_class = FORM_BY_STEP[step]
    source = (referral.draft_data or {}) if data is None else data
    return form_class(
        data={k: v for k, v in source.items() if k in form_class.base_fields},
        validation_only=validation_only,
    )


def referral_draft_create(
    *,
    acting_user,  # noqa: ANN001
    organisation,  # noqa: ANN001
    channel: str,
    prefill: dict,
    idempotency_key: str = "",
) -> Referral:
    """A draft referral pre-filled with ``prefill`` (keys are the form field names; unknown keys
    are ignored). With an ``idempotency_key``, a repeated call by the same user returns the
    referral created the first time."""
    reason = why_cannot_refer(acting_user, organisation, channel)
    if reason:
        raise ReferralNotAllowed(reason)
    idempotency_key = (idempotency_key or "")[:MAX_IDEMPOTENCY_KEY]
    data = raw_draft_values(prefill or {})
    fingerprint = _fingerprint(channel, data) if idempotency_key else ""
    if idempotency_key:
        existing = Referral.objects.filter(
            referrer=acting_user, idempotency_key=idempotency_key
        ).first()
        if existing is not None:
            if existing.idempotency_fingerprint != fingerprint:
                raise IdempotencyConflict(idempotency_key)
            return existing
    try:
        with transaction.atomic():
            referral = Referral.objects.create(
                channel=channel,
                referrer=acting_user,
                organisation=organisation,
                draft_data=data,
                idempotency_key=idempotency_key,
                idempotency_fingerprint=fingerprint,
            )
            audit_record(
                actor=acting_user,
                action=AuditAction.CREATE,
                obj=referral,
                organisation=organisation,
                details={"channel": channel, "fields": sorted(data)},
            )
    except IntegrityError:
        # A concurrent request with the same key won the race: answer with its referral.
        existing = Referral.objects.filter(
            referrer=acting_user, idempotency_key=idempotency_key
        ).first()
        if existing is None:
            raise
        if existing.idempotency_fingerprint != fingerprint:
            raise IdempotencyConflict(idempotency_key) from None
        return existing
    return referral


@transaction.atomic
def referral_draft_save(
    *,
    acting_user,  # noqa: ANN001
    referral: Referral,
    data: dict[str, Any],
    step: str = "",
) -> Referral:
    """Merge what was typed into the draft, valid or not, so nothing is ever lost."""
    if not can_edit_draft(acting_user, referral):
        raise ReferralNotAllowed(_("Only the author of a draft can change it."))
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.status != ReferralStatus.DRAFT:
        raise ReferralNotAllowed(_("This referral has already been submitted."))
    merged = dict(locked.draft_data or {})
    changes = raw_draft_values(data)
    merged.update(changes)
    referral.draft_data = merged
    fields = ["draft_data", "updated_at"]
    if step in STEPS:
        referral.draft_step = step
        fields.append("draft_step")
    referral.save(update_fields=fields)
    audit_record(
        actor=acting_user,
        action=ReferralAction.DRAFT_SAVED,
        obj=referral,
        details={"step": step, "fields": sorted(changes)},
    )
    return referral


def draft_presumed_minor(cleaned: dict[str, Any]) -> bool:
    return is_presumed_minor(
        birth_date=cleaned.get("birth_date"),
        estimated_birth_year=_estimated_birth_year(cleaned),
        age_disputed=bool(cleaned.get("age_disputed")),
        reasons_to_believe_minor=bool(cleaned.get("reasons_to_believe_minor")),
        age_of_majority=get_profile().age_of_majority,
    )


def _estimated_birth_year(cleaned: dict[str, Any]) -> int | None:
    if cleaned.get("birth_date"):
        return cleaned["birth_date"].year
    if cleaned.get("estimated_age") is not None:
        return timezone.localdate().year - cleaned["estimated_age"]
    return None


def _canonical_forms(legal_forms: list[str]) -> list[str]:
    profile = get_profile()
    return sorted({profile.canonical_form(f) for f in legal_forms})


def validate_draft(referral: Referral) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Validate every step and the rules across steps. Returns (cleaned data, errors by field)."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for form_class in STEP_FORMS:
        form = step_form(referral, form_class.step, validation_only=True)
        if form.is_valid():
            cleaned.update(form.cleaned_data)
        else:
            cleaned.update(getattr(form, "cleaned_data", {}))
            for name, messages in form.errors.items():
                key = name if name != "__all__" else f"{form_class.step}"
                errors.setdefault(key, []).extend(str(m) for m in messages)
    if any(STEP_OF_FIELD.get(f) == "person" or f == "person" for f in errors):
        # Whether consent is needed depends on the age: settle the person step first.
        return cleaned, errors
    minor = draft_presumed_minor(cleaned)
    cleaned["presumed_minor"] = minor
    if not cleaned.get("exploitation_forms") and "exploitation_forms" not in errors:
        errors["exploitation_forms"] = [
            _("Choose at least one form of exploitation (or “Other exploitation”).")
        ]
    consent = cleaned.get("consent_status") or ""
    if minor:
        # A child is referred without consent; the child pathway applies at once.
        cleaned["consent_status"] = ConsentStatus.NOT_REQUIRED_MINOR
    elif "consent_status" in errors:
        pass
    elif consent == ConsentStatus.NOT_REQUIRED_MINOR:
        errors["consent_status"] = [
            _("Consent can only be left out for a child or a person presumed to be a child.")
        ]
    elif consent == ConsentStatus.GIVEN:
        if not cleaned.get("consent_explained") and "consent_explained" not in errors:
            errors["consent_explained"] = [_("Say what was explained to the person.")]
        if not cleaned.get("consent_given_at") and "consent_given_at" not in errors:
            errors["consent_given_at"] = [_("Say when consent was given.")]
        if not cleaned.get("consent_language") and "consent_language" not in errors:
            errors["consent_language"] = [_("Say in which language consent was explained.")]
    elif consent != ConsentStatus.REFUSED and get_profile().adult_consent_required:
        errors["consent_status"] = [
            _("Record whether the adult consents to be referred, or refuses.")
        ]
    return cleaned, errors


def draft_screening(referral: Referral) -> dict[str, Any]:
    """Screen what the draft holds now (valid parts only), for live advice while typing."""
    cleaned: dict[str, Any] = {}
    for step in ("person", "situation", "indicators"):
        form = step_form(referral, step)
        form.is_valid()
        cleaned.update(getattr(form, "cleaned_data", {}))
    return _screen(cleaned)


def _screen(cleaned: dict[str, Any]) -> dict[str, Any]:
    list_name = screening.choose_list(
        presumed_minor=draft_presumed_minor(cleaned),
        exploitation_forms=_canonical_forms(cleaned.get("exploitation_forms") or []),
    )
    return screening.screen(list_name, cleaned.get("indicators") or [])


def referral_submit(*, acting_user, referral: Referral) -> Referral:  # noqa: ANN001
    """Submit a draft. Idempotent: submitting a referral already submitted returns it as is.

    Raises ``ReferralInvalid`` with the errors of each field when the draft is not complete.
    """
    # The entries of the submission and of the case it opens are chained together at the end.
    with transaction.atomic(), audit_batch():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.status != ReferralStatus.DRAFT:
            if locked.referrer_id == acting_user.pk or locked.organisation in (
                acting_user.organisations_with_role("referrer", "hotline_operator")
            ):
                return locked
            raise ReferralNotAllowed(_("This referral has already been submitted."))
        if locked.referrer_id != acting_user.pk:
            raise ReferralNotAllowed(_("Only the author of a draft can submit it."))
        reason = why_cannot_refer(acting_user, locked.organisation, locked.channel)
        if reason:
            raise ReferralNotAllowed(reason)
        cleaned, errors = validate_draft(locked)
        if errors:
            raise ReferralInvalid(errors)
        _materialise(locked, cleaned)
        lifecycle.REFERRAL.apply(
            locked,
            "submit",
            actor=acting_user,
            extra_update_fields=[
                f.name
                for f in Referral._meta.concrete_fields
                if f.name not in {"id", "status", "reference", "created_at"}
            ],
        )
        _after_submission(acting_user, locked)
    return locked


def _after_submission(
    acting_user,  # noqa: ANN001
    referral: Referral,
    *,
    created_fields: list[str] | None = None,
) -> None:
    """Audit entries (chained at the end of the submission's ``audit_batch``) and the child
    pathway's alert after commit. ``created_fields`` (field names, never values) marks a referral
    created and submitted in one step: one entry records both."""
    details: dict[str, Any] = {
        "channel": referral.channel,
        "screening": referral.screening_catalogue_version,
        "positive": referral.screening_positive,
        "child_pathway": referral.presumed_minor,
    }
    if created_fields is not None:
        details["created"] = True
        details["fields"] = created_fields
    audit_record(
        actor=acting_user,
        action=ReferralAction.SUBMITTED,
        obj=referral,
        organisation=referral.organisation,
        details=details,
    )
    if referral.presumed_minor:
        audit_record(actor=acting_user, action=ReferralAction.CHILD_PATHWAY, obj=referral)
        from balise.referrals.tasks import notify_child_protection

        enqueue_with_change(notify_child_protection, str(referral.pk))


def referral_create_and_submit(
    *,
    acting_user,  # noqa: ANN001
    organisation,  # noqa: ANN001
    channel: str,
    prefill: dict,
    idempotency_key: str = "",
) -> Referral:
    """Create and submit a referral in one step (partner systems). Same rules as a draft then
    ``referral_submit``; nothing is stored when the referral is not valid. With an
    ``idempotency_key``, a retry returns the referral created the first time."""
    referral, _created = referral_create_and_submit_once(
        acting_user=acting_user,
        organisation=organisation,
        channel=channel,
        prefill=prefill,
        idempotency_key=idempotency_key,
    )
    return referral


def referral_create_and_submit_once(
    *,
    acting_user,  # noqa: ANN001
    organisation,  # noqa: ANN001
    channel: str,
    prefill: dict,
    idempotency_key: str = "",
) -> tuple[Referral, bool]:
    """``referral_create_and_submit`` that also says whether this call created the referral
    (``False``: a retry with an idempotency key already used, which returns the first one).

    The key is checked by the database's unique constraint rather than by a look-up first: a new
    key (nearly every call) costs no extra query; a retry rolls its insert back and returns the
    referral stored under the key, or ``IdempotencyConflict`` when the body differs."""
    reason = why_cannot_refer(acting_user, organisation, channel)
    if reason:
        raise ReferralNotAllowed(reason)
    idempotency_key = (idempotency_key or "")[:MAX_IDEMPOTENCY_KEY]
    data = raw_draft_values(prefill or {})
    fingerprint = _fingerprint(channel + "submit", data) if idempotency_key else ""

    def existing_for_key() -> Referral | None:
        if not idempotency_key:
            return None
        found = Referral.objects.filter(
            referrer=acting_user, idempotency_key=idempotency_key
        ).first()
        if found is not None and found.idempotency_fingerprint != fingerprint:
            raise IdempotencyConflict(idempotency_key)
        return found

    referral = Referral(
        channel=channel,
        referrer=acting_user,
        organisation=organisation,
        draft_data=data,
        idempotency_key=idempotency_key,
        idempotency_fingerprint=fingerprint,
    )
    cleaned, errors = validate_draft(referral)
    if errors:
        found = existing_for_key()  # a key already used with another body: a conflict
        if found is not None:
            return found, False
        raise ReferralInvalid(errors)
    try:
        with transaction.atomic(), audit_batch():
            _materialise(referral, cleaned)
            # A new row nobody else can see yet: the lifecycle's rule decides the state, the
            # transition is logged as ``StateMachine.apply`` would, without re-reading the row.
            source = referral.status
            referral.status = lifecycle.REFERRAL.target(source, "submit")
            referral.save(force_insert=True)
            ReferralTransition.objects.create(
                referral=referral,
                event="submit",
                from_state=source,
                to_state=referral.status,
                actor=acting_user,
            )
            _after_submission(acting_user, referral, created_fields=sorted(data))
    except IntegrityError:
        found = existing_for_key()
        if found is None:
            raise
        if found.is_draft:
            return referral_submit(acting_user=acting_user, referral=found), False
        return found, False
    return referral, True


def _materialise(referral: Referral, c: dict[str, Any]) -> None:
    """Write validated values to the typed columns; an adult's refusal keeps nothing that
    identifies the person (anonymous notification)."""
    now = timezone.now()
    anonymous = c.get("consent_status") == ConsentStatus.REFUSED
    person = referral.person or Person()
    person.gender = c.get("gender") or "not_asked"
    person.estimated_birth_year = _estimated_birth_year(c)
    person.nationalities = c.get("nationalities") or []
    person.languages = c.get("languages") or []
    person.interpreter_needed = c.get("interpreter_needed")
    person.age_disputed = bool(c.get("age_disputed"))
    person.reasons_to_believe_minor = bool(c.get("reasons_to_believe_minor"))
    if anonymous:
        person.given_names = person.family_name = person.contact = None
        person.aliases = None
        person.birth_date = None
    else:
        person.given_names = c.get("given_names") or None
        person.family_name = c.get("family_name") or None
        aliases = [a.strip() for a in (c.get("aliases") or "").splitlines() if a.strip()]
        person.aliases = aliases or None
        person.birth_date = c.get("birth_date")
        person.contact = c.get("contact") or None
    person.save()
    referral.person = person

    referral.immediate_danger = bool(c.get("immediate_danger"))
    referral.exploitation_forms_legal = c.get("exploitation_forms") or []
    referral.exploitation_forms = _canonical_forms(referral.exploitation_forms_legal)
    referral.sector = c.get("sector") or ""
    referral.sexual_exploitation_types = c.get("sexual_exploitation_types") or []
    referral.recruitment_country = c.get("recruitment_country") or ""
    referral.exploitation_country = c.get("exploitation_country") or ""
    referral.place_scope = c.get("place_scope") or ""
    referral.exploitation_start = c.get("exploitation_start")
    referral.exploitation_end = c.get("exploitation_end")
    referral.online_recruitment = c.get("online_recruitment")
    referral.online_platform = c.get("online_platform") or ""
    referral.means_of_control = c.get("means_of_control") or []
    referral.recruiter_relationship = c.get("recruiter_relationship") or ""
    referral.others_affected = c.get("others_affected")
    referral.indicators = c.get("indicators") or []
    result = _screen(c)
    referral.screening_list = result["list"]
    referral.screening_catalogue_version = result["catalogue"]
    referral.screening_result = result
    referral.screening_positive = result["points_to_trafficking"]
    referral.presumed_minor = bool(c.get("presumed_minor"))
    referral.consent_status = c.get("consent_status") or ""
    referral.consent_language = c.get("consent_language") or ""
    referral.consent_interpreter_used = c.get("consent_interpreter_used")
    referral.consent_given_at = (
        c.get("consent_given_at") if referral.consent_status == ConsentStatus.GIVEN else None
    )
    free_text = {
        "safety_notes": c.get("safety_notes"),
        "recruitment_method": c.get("recruitment_method"),
        "others_affected_details": c.get("others_affected_details"),
        "narrative": c.get("narrative"),
        "consent_explained": c.get("consent_explained"),
        "recruitment_region": c.get("recruitment_region"),
        "exploitation_region": c.get("exploitation_region"),
    }
    if anonymous:
        # Free text and places may identify the person: an anonymous notification keeps none.
        referral.channel = Channel.DUTY_TO_NOTIFY
        referral.anonymous_notification = True
        referral.recruitment_region = referral.exploitation_region = ""
        for name in (
            "safety_notes",
            "recruitment_method",
            "others_affected_details",
            "narrative",
            "consent_explained",
        ):
            setattr(referral, name, None)
        attachments = [] if referral._state.adding else referral.attachments.all()
        for attachment in attachments:
            from balise.referrals.attachments import attachment_delete_file

            attachment_delete_file(attachment)
            attachment.delete()
    else:
        for name, value in free_text.items():
            if name.endswith("_region"):
                setattr(referral, name, value or "")
            else:
                setattr(referral, name, value or None)
    if referral.presumed_minor:
        referral.child_pathway_flagged_at = now
    referral.submitted_at = now
    referral.draft_data = None


@transaction.atomic
def referral_withdraw(*, acting_user, referral: Referral, reason: str = "") -> Referral:  # noqa: ANN001
    if referral.organisation not in acting_user.organisations_with_role(
        "referrer", "hotline_operator"
    ) or (referral.is_draft and referral.referrer_id != acting_user.pk):
        raise ReferralNotAllowed(_("You cannot withdraw this referral."))
    lifecycle.REFERRAL.apply(referral, "withdraw", actor=acting_user, reason=reason[:500])
    audit_record(
        actor=acting_user,
        action=AuditAction.TRANSITION,
        obj=referral,
        details={"event": "withdraw"},
    )
    return referral


# -- information requests -------------------------------------------------------------------


@transaction.atomic
def information_request_create(
    *,
    acting_user,  # noqa: ANN001
    referral: Referral,
    question: str,
) -> InformationRequest:
    """The competent authority asks the referrer's organisation for information."""
    if not can_ask_information(acting_user):
        raise ReferralNotAllowed(_("Only the competent authority can request information."))
    if referral.status == ReferralStatus.DRAFT:
        raise ReferralNotAllowed(_("A draft cannot receive requests for information."))
    question = (question or "").strip()
    if not question:
        raise ReferralInvalid({"question": [_("This field is required.")]})
    request = InformationRequest.objects.create(
        referral=referral, question=question, asked_by=acting_user
    )
    audit_record(actor=acting_user, action=AuditAction.CREATE, obj=request)
    recipients = {referral.referrer_id}
    for user_id in recipients:
        ReferralAlert.objects.get_or_create(
            user_id=user_id, referral=referral, kind=ReferralAlert.Kind.INFORMATION_REQUESTED
        )
    return request


@transaction.atomic
def information_request_answer(
    *,
    acting_user,  # noqa: ANN001
    information_request: InformationRequest,
    answer: str,
) -> InformationRequest:
    """A member of the referring organisation answers an open request, once: the row is
    locked, so two answers at the same time give one answer and one
    ``InformationRequestClosed``."""
    locked = InformationRequest.objects.select_for_update().get(pk=information_request.pk)
    if not can_answer_information_requests(acting_user, locked.referral):
        raise ReferralNotAllowed(_("Only the referring organisation can answer."))
    if locked.answered_at is not None:
        raise InformationRequestClosed(_("This request has already been answered."))
    locked.answer = answer
    locked.answered_by = acting_user
    locked.answered_at = timezone.now()
    locked.save(update_fields=["answer", "answered_by", "answered_at"])
    audit_record(
        actor=acting_user, action=AuditAction.UPDATE, obj=locked, details={"fields": ["answer"]}
    )
    return locked
