from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from balise.codelists.lists import ClosureReason, SupportType
from balise.orientation.enums import (
    ConsentBasis,
    DangerKind,
    DeclineReason,
    NoteVisibility,
    RightKind,
    SharedField,
)

DATE = forms.DateInput(attrs={"type": "date"})


class SuggestForm(forms.Form):
    need = forms.ChoiceField(label=_("Need"), choices=SupportType.choices, initial="shelter")
    safe_relocation = forms.BooleanField(
        label=_("Safe relocation (far from the places of danger)"), required=False
    )
    min_distance_km = forms.IntegerField(
        label=_("Minimum distance (km)"), min_value=0, max_value=5000, required=False
    )
    family = forms.BooleanField(label=_("With family"), required=False)
    wheelchair = forms.BooleanField(label=_("Needs wheelchair access"), required=False)
    preferred_regions = forms.CharField(
        label=_("Regions the person wishes (comma-separated)"), required=False, max_length=300
    )
    avoid_regions = forms.CharField(
        label=_("Regions the person wants to avoid (comma-separated)"),
        required=False,
        max_length=300,
    )

    @staticmethod
    def split(value: str) -> list[str]:
        return [v.strip() for v in (value or "").split(",") if v.strip()]


class DangerLocationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of place"), choices=DangerKind.choices)
    label = forms.CharField(label=_("Label (optional)"), required=False, max_length=200)
    latitude = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180)


class OrientationForm(forms.Form):
    services = forms.MultipleChoiceField(
        label=_("Services to ask"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    need = forms.ChoiceField(label=_("Need"), choices=SupportType.choices)
    safe_relocation = forms.BooleanField(label=_("Safe relocation"), required=False)
    min_distance_km = forms.IntegerField(
        label=_("Minimum distance (km)"), min_value=0, max_value=5000, required=False
    )
    shared_fields = forms.MultipleChoiceField(
        label=_("Information shared with the services (only what they need)"),
        choices=SharedField.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[SharedField.AGE, SharedField.GENDER, SharedField.LANGUAGES],
    )
    message = forms.CharField(
        label=_("Message to the services"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )
    consent_basis = forms.ChoiceField(
        label=_("Basis for sharing"), choices=ConsentBasis.choices, initial=ConsentBasis.CONSENT
    )
    consent_recorded = forms.BooleanField(
        label=_("The person agreed to share these details with the chosen services"),
        required=False,
    )
    override_justification = forms.CharField(
        label=_("Justification of the emergency override"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args, service_choices=(), **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["services"].choices = list(service_choices)


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=DeclineReason.choices)
    details = forms.CharField(
        label=_("Details (required for « other »)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )


class SupportEventForm(forms.Form):
    support_type = forms.ChoiceField(label=_("Type of support"), choices=SupportType.choices)
    occurred_on = forms.DateField(label=_("Date"), widget=DATE)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
    )


class RightForm(forms.Form):
    kind = forms.ChoiceField(label=_("Right"), choices=RightKind.choices)
    occurred_on = forms.DateField(label=_("Date"), widget=DATE)
    amount = forms.DecimalField(
        label=_("Amount (EUR), for compensation"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
    )


class GuardianForm(forms.Form):
    name = forms.CharField(label=_("Guardian's name"), max_length=200)
    organisation = forms.CharField(
        label=_("Guardian's organisation"), max_length=200, required=False
    )
    contact = forms.CharField(label=_("Guardian's contact"), max_length=200, required=False)
    appointed_on = forms.DateField(label=_("Appointed on"), widget=DATE, required=False)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=8000
    )
    visibility = forms.ChoiceField(label=_("Visible to"), choices=NoteVisibility.choices)


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason for closing"), choices=ClosureReason.choices)
    details = forms.CharField(
        label=_("Details"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why reopen"), max_length=2000)
