from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from balise.identification.enums import (
    CaseEvent,
    DecisionGround,
    EvidenceKind,
    ReconsiderationGround,
)


class EventForm(forms.Form):
    event = forms.ChoiceField(label=_("Step"), choices=())
    reasons = forms.CharField(
        label=_("Reasons"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required for decisions, sending back, reconsiderations and withdrawals."),
    )
    grounds = forms.MultipleChoiceField(
        label=_("Grounds (decisions)"),
        choices=DecisionGround.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    evidence = forms.MultipleChoiceField(
        label=_("Evidence considered (decisions)"),
        choices=EvidenceKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    evidence_notes = forms.CharField(
        label=_("Notes on the evidence"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reconsideration_ground = forms.ChoiceField(
        label=_("Ground for reconsideration"),
        choices=[("", "—"), *ReconsiderationGround.choices],
        required=False,
    )

    def __init__(self, *args, events: list[str] | None = None, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        allowed = set(events or [])
        self.fields["event"].choices = [
            (v, label) for v, label in CaseEvent.choices if v in allowed
        ]


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=None, required=False)

    def __init__(self, *args, users=None, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = users
        self.fields["assignee"].empty_label = _("Nobody")


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Private note"), widget=forms.Textarea(attrs={"rows": 3}))


class InformationRequestForm(forms.Form):
    referral = forms.ChoiceField(label=_("Referral"), choices=())
    question = forms.CharField(
        label=_("Question to the referrer"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, referrals=(), **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["referral"].choices = [(str(r.pk), r.reference) for r in referrals]


class LinkForm(forms.Form):
    into = forms.CharField(
        label=_("Reference of the existing case"),
        max_length=16,
        help_text=_("The referrals of this case join that case (same person)."),
    )
    reason = forms.CharField(label=_("Why"), required=False, max_length=500)


class GuardianForm(forms.Form):
    name = forms.CharField(label=_("Guardian's name"), max_length=200)
    contact = forms.CharField(label=_("Guardian's contact"), max_length=500, required=False)
