from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseState(models.TextChoices):
    RECEIVED = "received", _("Received")
    UNDER_ASSESSMENT = "under_assessment", _("Under assessment")
    PRELIMINARY_REVIEW = "preliminary_review", _("Negative preliminary decision: second review")
    REFLECTION_PERIOD = "reflection_period", _("Recovery and reflection period")
    CONCLUSIVE_REVIEW = "conclusive_review", _("Negative conclusive decision: second review")
    PRELIMINARY_NEGATIVE = "preliminary_negative", _("Preliminary decision negative (final)")
    IDENTIFIED = "identified", _("Identified as a victim (conclusive positive)")
    CONCLUSIVE_NEGATIVE = "conclusive_negative", _("Conclusive decision negative (final)")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    MERGED = "merged", _("Linked to another case")


#: States in which identification is still going on (the queue's default view).
OPEN_STATES = (
    CaseState.RECEIVED,
    CaseState.UNDER_ASSESSMENT,
    CaseState.PRELIMINARY_REVIEW,
    CaseState.REFLECTION_PERIOD,
    CaseState.CONCLUSIVE_REVIEW,
)
#: States in which a person may not be removed from the territory (CETS art. 10 and 13).
PROTECTED_STATES = (*OPEN_STATES, CaseState.IDENTIFIED)


class CaseEvent(models.TextChoices):
    START_ASSESSMENT = "start_assessment", _("Start the assessment")
    PRELIMINARY_POSITIVE = "preliminary_positive", _("Preliminary decision: positive")
    PRELIMINARY_NEGATIVE = "preliminary_negative", _("Preliminary decision: negative")
    CONFIRM_PRELIMINARY_NEGATIVE = (
        "confirm_preliminary_negative",
        _("Second review: confirm the negative preliminary decision"),
    )
    SEND_BACK_PRELIMINARY = (
        "send_back_preliminary",
        _("Second review: send the preliminary decision back"),
    )
    CONCLUSIVE_POSITIVE = "conclusive_positive", _("Conclusive decision: positive")
    CONCLUSIVE_NEGATIVE = "conclusive_negative", _("Conclusive decision: negative")
    CONFIRM_CONCLUSIVE_NEGATIVE = (
        "confirm_conclusive_negative",
        _("Second review: confirm the negative conclusive decision"),
    )
    SEND_BACK_CONCLUSIVE = (
        "send_back_conclusive",
        _("Second review: send the conclusive decision back"),
    )
    RECONSIDER_PRELIMINARY = (
        "reconsider_preliminary",
        _("Reconsideration of the preliminary decision"),
    )
    RECONSIDER_CONCLUSIVE = "reconsider_conclusive", _("Reconsideration of the conclusive decision")
    CLOSE = "close", _("Close the case")
    WITHDRAW = "withdraw", _("Withdraw")
    MERGE = "merge", _("Link to another case")


DECISION_EVENTS = {
    CaseEvent.PRELIMINARY_POSITIVE: ("preliminary", "positive"),
    CaseEvent.PRELIMINARY_NEGATIVE: ("preliminary", "negative"),
    CaseEvent.CONCLUSIVE_POSITIVE: ("conclusive", "positive"),
    CaseEvent.CONCLUSIVE_NEGATIVE: ("conclusive", "negative"),
}
REVIEW_EVENTS = {
    CaseEvent.CONFIRM_PRELIMINARY_NEGATIVE: ("preliminary", "confirmed"),
    CaseEvent.SEND_BACK_PRELIMINARY: ("preliminary", "sent_back"),
    CaseEvent.CONFIRM_CONCLUSIVE_NEGATIVE: ("conclusive", "confirmed"),
    CaseEvent.SEND_BACK_CONCLUSIVE: ("conclusive", "sent_back"),
}
RECONSIDER_EVENTS = {
    CaseEvent.RECONSIDER_PRELIMINARY: "preliminary",
    CaseEvent.RECONSIDER_CONCLUSIVE: "conclusive",
}


class Stage(models.TextChoices):
    PRELIMINARY = "preliminary", _("Preliminary decision (reasonable grounds)")
    CONCLUSIVE = "conclusive", _("Conclusive decision (balance of probabilities)")


class Outcome(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEGATIVE = "negative", _("Negative")


class ReviewOutcome(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed by the second reviewer")
    SENT_BACK = "sent_back", _("Sent back by the second reviewer")


class DecisionGround(models.TextChoices):
    """Structured grounds of a decision (several may apply)."""

    ACT_ESTABLISHED = "act_established", _("Act established (recruitment, transport, harbouring…)")
    MEANS_ESTABLISHED = "means_established", _("Means established (threat, force, deception…)")
    PURPOSE_ESTABLISHED = "purpose_established", _("Purpose of exploitation established")
    CHILD_NO_MEANS = "child_no_means", _("Child: no means required")
    INDICATORS_MET = "indicators_met", _("Strong indicators met")
    CREDIBLE_ACCOUNT = "credible_account", _("Account credible and consistent")
    ACT_NOT_ESTABLISHED = "act_not_established", _("Act not established")
    MEANS_NOT_ESTABLISHED = "means_not_established", _("Means not established")
    PURPOSE_NOT_ESTABLISHED = "purpose_not_established", _("Purpose not established")
    INSUFFICIENT_INFORMATION = "insufficient_information", _("Insufficient information")


class EvidenceKind(models.TextChoices):
    REFERRAL_FORM = "referral_form", _("Referral form and indicators")
    INTERVIEW = "interview", _("Interview with the person")
    INFORMATION_REQUEST = "information_request", _("Answer to a request for information")
    POLICE_REPORT = "police_report", _("Police or labour-inspection report")
    MEDICAL_REPORT = "medical_report", _("Medical or psychological report")
    DOCUMENTS = "documents", _("Documents")
    THIRD_PARTY = "third_party", _("Statement of a third party or support worker")
    AGE_ASSESSMENT = "age_assessment", _("Age assessment")


class ReconsiderationGround(models.TextChoices):
    NEW_EVIDENCE = "new_evidence", _("New evidence")
    GUIDANCE_BREACH = "guidance_breach", _("Decision not in line with guidance")


class DeadlineKind(models.TextChoices):
    PRELIMINARY = "preliminary", _("Preliminary decision target")
    REFLECTION_END = "reflection_end", _("End of the recovery and reflection period")
    CONCLUSIVE_EARLIEST = "conclusive_earliest", _("Earliest conclusive decision")
    RECONSIDERATION = "reconsideration", _("Reconsideration window closes")


class AlertLevel(models.TextChoices):
    REMINDER = "reminder", _("Deadline approaching")
    ESCALATION = "escalation", _("Deadline passed")


class IdentificationAction(models.TextChoices):
    """Audit action codes of this app."""

    CASE_OPENED = "case_opened", _("Identification case opened")
    CASE_DECISION = "case_decision", _("Identification decision recorded")
    CASE_REVIEW = "case_review", _("Negative decision reviewed")
    CASE_ASSIGNED = "case_assigned", _("Case assigned")
    CASE_NOTE = "case_note", _("Private note added")
    CASE_LINKED = "case_linked", _("Referral linked to a case")
    CASE_GUARDIAN = "case_guardian", _("Guardian recorded")
