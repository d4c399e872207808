from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from balise.jurisdictions.profiles import AVAILABLE
from balise.organisations.enums import OrganisationStatus
from balise.organisations.models import Organisation
from balise.plans import lifecycle
from balise.plans.enums import MeasureStatus
from balise.plans.evidence import MAX_FILES, check_upload
from balise.plans.models import Axis, Indicator, Measure, Milestone, Plan


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:  # noqa: ANN003
        super().__init__(format="%Y-%m-%d", **kwargs)


def _active_orgs():  # noqa: ANN202
    return Organisation.objects.filter(status=OrganisationStatus.ACTIVE).order_by("name")


class PlanForm(forms.ModelForm):
    jurisdiction = forms.ChoiceField(
        label=_("Jurisdiction"), choices=[(c, c.upper()) for c in AVAILABLE]
    )

    class Meta:
        model = Plan
        fields = [
            "title",
            "period_start",
            "period_end",
            "jurisdiction",
            "currency",
            "public_shows_budget",
        ]
        widgets = {"period_start": DateInput(), "period_end": DateInput()}

    def __init__(self, *args, coordinating_choices=None, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        if coordinating_choices is not None and len(coordinating_choices) > 1:
            self.fields["coordinating_organisation"] = forms.ModelChoiceField(
                label=_("Coordinating body"),
                queryset=Organisation.objects.filter(pk__in=[o.pk for o in coordinating_choices]),
            )

    def clean(self):  # noqa: ANN201
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period ends before it starts."))
        return data


class AxisForm(forms.Form):
    number = forms.IntegerField(label=_("Number"), min_value=1, max_value=999)
    title = forms.CharField(label=_("Title"), max_length=250)


class MeasureForm(forms.ModelForm):
    partner_bodies = forms.ModelMultipleChoiceField(
        label=_("Partner bodies"), queryset=Organisation.objects.none(), required=False
    )

    class Meta:
        model = Measure
        fields = [
            "axis",
            "number",
            "title",
            "description",
            "internal_notes",
            "lead_body",
            "partner_bodies",
            "start_date",
            "due_date",
            "budget_planned",
            "budget_spent",
        ]
        widgets = {
            "start_date": DateInput(),
            "due_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "internal_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, plan: Plan, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["axis"].queryset = Axis.objects.filter(plan=plan)
        self.fields["lead_body"].queryset = _active_orgs()
        self.fields["partner_bodies"].queryset = _active_orgs()
        self.fields["budget_planned"].label = _("Budget planned (%(c)s)") % {"c": plan.currency}
        self.fields["budget_spent"].label = _("Budget spent (%(c)s)") % {"c": plan.currency}

    def clean_number(self):  # noqa: ANN201
        number = self.cleaned_data["number"]
        others = Measure.objects.filter(plan=self.plan, number=number)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("Another measure of this plan has this number."))
        return number

    def validate_unique(self) -> None:
        # plan is not a form field; uniqueness of the number is checked in clean_number.
        pass


class MeasureTransitionForm(forms.Form):
    event = forms.ChoiceField(
        label=_("Change"),
        choices=[
            ("engage", _("Engage the measure")),
            ("achieve", _("Mark the measure achieved")),
            ("abandon", _("Abandon the measure")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to abandon a measure."),
    )

    def __init__(self, *args, measure: Measure | None = None, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        if measure is not None:
            allowed = set(lifecycle.MEASURE.allowed_events(measure.status))
            self.fields["event"].choices = [
                c for c in self.fields["event"].choices if c[0] in allowed
            ]

    def clean(self):  # noqa: ANN201
        data = super().clean()
        if data.get("event") == "abandon" and not data.get("reason", "").strip():
            self.add_error("reason", _("Give the reason why the measure is abandoned."))
        return data


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_date", "owner"]
        widgets = {"due_date": DateInput()}

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _active_orgs()


class MilestoneDoneForm(forms.Form):
    done_at = forms.DateField(label=_("Done on"), widget=DateInput())


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["name", "unit", "target_value", "data_source", "observatory_table"]
        widgets = {"data_source": forms.Textarea(attrs={"rows": 2})}


class IndicatorValueForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    value = forms.DecimalField(label=_("Value"), max_digits=16, decimal_places=2)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):  # noqa: ANN001, ANN201
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("At most %(n)s files.") % {"n": MAX_FILES})
        checked, errors = [], []
        for f in files:
            try:
                checked.append(check_upload(f))
            except forms.ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise forms.ValidationError(errors)
        return checked


class UpdateForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    text = forms.CharField(
        label=_("Progress"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )
    new_status = forms.ChoiceField(label=_("New status of the measure"), required=False)
    status_reason = forms.CharField(
        label=_("Reason for the status change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to abandon a measure."),
    )
    evidence = MultipleFileField(
        label=_("Evidence files"),
        required=False,
        help_text=_("PDF, images, office documents or text; at most 5 files of 10 MB."),
    )

    def __init__(self, *args, measure: Measure, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.measure = measure
        self.fields["new_status"].choices = [("", _("No change"))] + [
            (s.value, s.label) for s in MeasureStatus if s != MeasureStatus.NOT_STARTED
        ]
        self.indicators = list(measure.indicators.all())
        for ind in self.indicators:
            self.fields[f"indicator_{ind.pk}"] = forms.DecimalField(
                label=_("%(name)s (value, %(unit)s)") % {"name": ind.name, "unit": ind.unit or "—"},
                required=False,
                max_digits=16,
                decimal_places=2,
            )

    def indicator_values(self) -> list[tuple[Indicator, object]]:
        return [
            (ind, self.cleaned_data[f"indicator_{ind.pk}"])
            for ind in self.indicators
            if self.cleaned_data.get(f"indicator_{ind.pk}") is not None
        ]

    def clean(self):  # noqa: ANN201
        data = super().clean()
        if (
            data.get("new_status") == MeasureStatus.ABANDONED
            and not data.get("status_reason", "").strip()
        ):
            self.add_error("status_reason", _("Give the reason why the measure is abandoned."))
        return data


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("validate", _("Validate")), ("return", _("Return to the body"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to return an update."),
    )

    def clean(self):  # noqa: ANN201
        data = super().clean()
        if data.get("decision") == "return" and not data.get("comment", "").strip():
            self.add_error("comment", _("Say why the update is returned."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("One row per measure; see the expected columns below."),
    )

    def clean_file(self):  # noqa: ANN201
        f = self.cleaned_data["file"]
        if f.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is too large (at most 5 MB)."))
        if not f.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return f


class CommitteeForm(forms.Form):
    date = forms.DateField(label=_("Committee date"), widget=DateInput())
