from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from balise.codelists.lists import ExploitationForm
from balise.directory.models import Service


class ServiceForm(forms.ModelForm):
    exploitation_forms = forms.MultipleChoiceField(
        label=_("Forms of exploitation (none ticked: every form)"),
        choices=ExploitationForm.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages_text = forms.CharField(
        label=_("Languages spoken (codes separated by commas, e.g. fr, en, ro)"),
        required=False,
        max_length=200,
    )

    class Meta:
        model = Service
        fields = [
            "organisation",
            "name",
            "kind",
            "description",
            "is_active",
            "safe_relocation_partner",
            "accepts_adults",
            "accepts_minors",
            "accepts_women",
            "accepts_men",
            "accepts_families",
            "exploitation_forms",
            "wheelchair_accessible",
            "accessibility_notes",
            "region",
            "city",
            "latitude",
            "longitude",
            "contact_name",
            "contact_email",
            "contact_phone",
        ]

    def __init__(self, *args, organisations=None, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations
        self.fields["languages_text"].initial = ", ".join(self.instance.languages or [])

    def clean_languages_text(self) -> list[str]:
        raw = self.cleaned_data.get("languages_text") or ""
        return [c.strip().lower() for c in raw.split(",") if c.strip()]

    def save(self, commit: bool = True) -> Service:
        self.instance.languages = self.cleaned_data["languages_text"]
        return super().save(commit=commit)


class PlacesForm(forms.Form):
    total = forms.IntegerField(label=_("Places in total"), min_value=0)
    occupied = forms.IntegerField(label=_("Places occupied"), min_value=0)
    reserved_quota = forms.IntegerField(
        label=_("Places reserved for trafficking victims"), min_value=0
    )
    out_of_service = forms.IntegerField(label=_("Places out of service"), min_value=0)

    def __init__(self, *args, booked: int = 0, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.booked = booked

    def clean(self) -> dict:
        data = super().clean()
        if all(k in data for k in ("total", "occupied", "out_of_service", "reserved_quota")):
            if data["occupied"] + data["out_of_service"] + self.booked > data["total"]:
                self.add_error(
                    "total",
                    _(
                        "The total must cover occupied and out-of-service places and the "
                        "%(booked)d place(s) booked through Balise."
                    )
                    % {"booked": self.booked},
                )
            elif data["reserved_quota"] > data["total"]:
                self.add_error("reserved_quota", _("The quota cannot exceed the total."))
        return data
