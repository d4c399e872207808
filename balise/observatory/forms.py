from __future__ import annotations

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import ExternalProducer


class RequestIdField(forms.UUIDField):
    """One id per form shown: resubmitting the same form (a double click) finds the assembly it
    already started instead of starting another one."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs) -> None:  # noqa: ANN003
        super().__init__(required=False, initial=uuid.uuid4, **kwargs)


class ReleaseForm(forms.Form):
    request_id = RequestIdField()
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Whole year")), (1, "T1"), (2, "T2"), (3, "T3"), (4, "T4")],
    )
    area = forms.ChoiceField(label=_("Area"))

    def __init__(self, *args, regions: list[str] = (), **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year - 1
        self.fields["area"].choices = [("national", _("National"))] + [(r, r) for r in regions]


class CorrectionForm(forms.Form):
    request_id = RequestIdField()
    note = forms.CharField(
        label=_("What the correction changes"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ImportForm(forms.Form):
    name = forms.CharField(label=_("Name of the series"), max_length=200)
    producer = forms.ChoiceField(label=_("Producer"), choices=ExternalProducer.choices)
    unit = forms.CharField(
        label=_("What is counted"),
        max_length=100,
        help_text=_("For example: victims accompanied by the associations, persons prosecuted."),
    )
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_(
            "Columns: year, region, indicator, category, value (aggregates); or one row per "
            "record with year, region and indicator (record-level, counted on import)."
        ),
    )


class PrivacyForm(forms.Form):
    breakdown = forms.ChoiceField(label=_("Breakdown"))
    epsilon = forms.FloatField(
        label=_("Privacy loss (ε)"),
        min_value=0.01,
        max_value=10,
        initial=0.1,
        help_text=_("Charged to the dataset's budget; smaller means more noise."),
    )

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        from .presentation import DIMENSION_LABELS
        from .privacy import BREAKDOWNS

        super().__init__(*args, **kwargs)
        self.fields["breakdown"].choices = [
            (name, DIMENSION_LABELS.get(name, DIMENSION_LABELS.get("nationality", name)))
            for name in BREAKDOWNS
        ]
