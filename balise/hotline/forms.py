from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from balise.codelists.lists import ExploitationForm
from balise.core.text import validate_plain_text
from balise.hotline.enums import (
    AdviceGiven,
    CallerType,
    CallLanguage,
    CallStatus,
    SituationType,
    Urgency,
)
from balise.hotline.models import Call
from balise.jurisdictions.profiles import get_profile


def exploitation_form_choices() -> list[tuple[str, str]]:
    """The canonical forms that the jurisdiction's law knows, in the canonical order."""
    known = set(get_profile().exploitation_forms.values())
    return [(v, label) for v, label in ExploitationForm.choices if v in known]


class CallForm(forms.ModelForm):
    received_at = forms.DateTimeField(
        label=_("Time of the call"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    exploitation_forms = forms.MultipleChoiceField(
        label=_("Forms of exploitation suspected"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[],
    )
    advice_given = forms.MultipleChoiceField(
        label=_("Advice given"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=AdviceGiven.choices,
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Stored encrypted. Write only what the follow-up needs."),
        validators=[validate_plain_text],
    )

    class Meta:
        model = Call
        fields = [
            "received_at",
            "duration_minutes",
            "language",
            "caller_type",
            "situation_type",
            "exploitation_forms",
            "region",
            "urgency",
            "advice_given",
            "notes",
        ]

    def __init__(self, *args, hotlines=None, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        """``hotlines``: when logging a new call, the operator's hotlines; with more than one,
        the form asks under which one the call is logged (none is preselected)."""
        super().__init__(*args, **kwargs)
        self.fields["exploitation_forms"].choices = exploitation_form_choices()
        self.fields["duration_minutes"].widget.attrs.update({"min": 0, "max": 1440})
        if hotlines and len(hotlines) > 1:
            field = forms.ChoiceField(
                label=_("Hotline"),
                choices=[("", "—"), *((str(h.pk), h.name) for h in hotlines)],
                help_text=_("You answer for several hotlines: say which one took this call."),
            )
            self.fields = {"hotline": field, **self.fields}


class CallFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + CallStatus.choices
    )
    caller_type = forms.ChoiceField(
        label=_("Caller"), required=False, choices=[("", _("All"))] + CallerType.choices
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), required=False, choices=[("", _("All"))] + Urgency.choices
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("All"))] + CallLanguage.choices
    )
    situation_type = forms.ChoiceField(
        label=_("Situation"), required=False, choices=[("", _("All"))] + SituationType.choices
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class CallTransitionForm(forms.Form):
    event = forms.ChoiceField(
        choices=[
            ("close_with_advice", _("Close: advice given")),
            ("require_follow_up", _("Keep for a follow-up")),
            ("close", _("Close the follow-up")),
        ]
    )
    follow_up_due = forms.DateField(
        label=_("Follow-up date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
