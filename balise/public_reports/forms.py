from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from balise.codelists.lists import ExploitationForm
from balise.core.text import validate_plain_text
from balise.jurisdictions.profiles import get_profile
from balise.public_reports.enums import MinorsInvolved, ReportClosureReason


def _text(label, *, max_length: int, required: bool = False, rows: int = 0, help_text=""):  # noqa: ANN001, ANN202
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=widget,
        help_text=help_text,
        validators=[validate_plain_text],
    )


def exploitation_choices() -> list[tuple[str, str]]:
    known = set(get_profile().exploitation_forms.values())
    return [(v, label) for v, label in ExploitationForm.choices if v in known]


class PublicReportForm(forms.Form):
    what = _text(
        _("What is happening?"),
        max_length=10000,
        required=True,
        rows=6,
        help_text=_("Describe what you saw or heard, in your own words."),
    )
    where = _text(
        _("Where?"),
        max_length=2000,
        rows=2,
        help_text=_("A town, a neighbourhood, a type of place (farm, hotel, private home…)."),
    )
    region = _text(_("Region"), max_length=100)
    when = _text(
        _("When?"), max_length=500, help_text=_("A date, a period, or “it is still going on”.")
    )
    who_affected = _text(
        _("Who may be affected?"),
        max_length=4000,
        rows=3,
        help_text=_("How many people, their approximate age, anything that may help."),
    )
    minors_involved = forms.ChoiceField(
        label=_("Could children be involved?"),
        choices=MinorsInvolved.choices,
        initial=MinorsInvolved.UNKNOWN,
        widget=forms.RadioSelect,
    )
    exploitation_forms = forms.MultipleChoiceField(
        label=_("What kind of exploitation do you suspect? (optional)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[],
    )
    contact = _text(
        _("How could the team contact you? (optional)"),
        max_length=500,
        help_text=_(
            "Only if it is safe for you. You can also stay anonymous and come back with your "
            "receipt code."
        ),
    )
    # Honeypot: hidden from people (CSS and aria-hidden), filled by naive robots.
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    pow_challenge = forms.CharField(required=False, widget=forms.HiddenInput)
    pow_solution = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["exploitation_forms"].choices = exploitation_choices()
        self.fields["website"].widget.attrs.update(
            {"tabindex": "-1", "autocomplete": "off", "class": "hp-input"}
        )

    @property
    def visible_fields_for_page(self) -> list:
        hidden = {"website", "pow_challenge", "pow_solution"}
        return [f for f in self if f.name not in hidden]


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Your receipt code"),
        max_length=64,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        help_text=_("Four groups of five letters and digits, for example 7K2QD-M9XRT-4HBWN-P3C8Z."),
    )


class ReporterAdditionForm(forms.Form):
    """What a reporter adds to their conversation (the page and the API validate alike)."""

    body = _text(_("Add information"), max_length=5000, required=True, rows=4)


class ReporterMessageForm(ReporterAdditionForm):
    """The page's form: the addition and the short-lived token of the page that showed the
    conversation."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=500)
    field_order = ["token", "body"]


class StaffMessageForm(forms.Form):
    body = _text(_("Answer the reporter"), max_length=5000, required=True, rows=4)


class StaffTransitionForm(forms.Form):
    event = forms.ChoiceField(
        label=_("Action"),
        choices=[
            ("take_up", _("Take up")),
            ("close", _("Close")),
            ("reopen", _("Reopen")),
        ],
    )
    closure_reason = forms.ChoiceField(
        label=_("Reason for closing"),
        required=False,
        choices=[("", "—")] + ReportClosureReason.choices,
    )
    reason = _text(_("Comment"), max_length=2000, rows=2)
