"""The guided form, one Django form per step. Field names are the keys of a draft's data (and of
``prefill`` in ``services.referral_draft_create``)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balise.codelists.lists import (
    ConsentStatus,
    ExploitationForm,
    Gender,
    LabourSector,
    MeansOfControl,
    PlaceScope,
    RecruiterRelationship,
    SexualExploitationType,
    with_missing,
)
from balise.jurisdictions.profiles import get_profile
from balise.persons.countries import (
    country_choices,
    country_codes,
    language_choices,
    language_codes,
)
from balise.referrals import screening
from balise.referrals.validation import (
    check_not_future,
    check_plausible_birth_date,
    check_text,
)

#: Labels of legal forms that are not canonical codes (jurisdiction profiles' own terms).
LEGAL_FORM_LABELS = {
    "proxenetisme": _("Pimping (proxénétisme)"),
    "agression_sexuelle": _("Sexual assault or rape for exploitation"),
    "armed_conflict": _("Exploitation in armed conflict"),
}

YES_NO_UNKNOWN = [("unknown", _("Unknown")), ("true", _("Yes")), ("false", _("No"))]


def legal_form_choices() -> list[tuple[str, Any]]:
    """The jurisdiction's legal forms of exploitation, labelled (labels stay lazy)."""
    return _legal_form_choices(get_profile().code, tuple(get_profile().exploitation_forms.items()))


@lru_cache(maxsize=8)
def _legal_form_choices(
    jurisdiction: str, forms: tuple[tuple[str, str], ...]
) -> list[tuple[str, Any]]:
    labels = dict(ExploitationForm.choices)
    return [
        (code, LEGAL_FORM_LABELS.get(code) or labels.get(canonical, code))
        for code, canonical in forms
    ]


class TextField(forms.CharField):
    """A char field that refuses direction overrides, markup and undecodable bytes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.validators.append(check_text)


class LongTextField(TextField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
        super().__init__(*args, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class YesNoUnknownField(forms.NullBooleanField):
    widget = forms.NullBooleanSelect


class CodeChoiceField(forms.ChoiceField):
    """A choice among many codes (countries, languages): validity is a set look-up instead of a
    walk through every labelled choice."""

    def __init__(self, *args: Any, codes: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.codes = codes

    def valid_value(self, value: Any) -> bool:
        if self.codes is None:
            return super().valid_value(value)
        return str(value) in self.codes()


class CodeMultipleChoiceField(forms.MultipleChoiceField):
    def __init__(self, *args: Any, codes: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.codes = codes

    def valid_value(self, value: Any) -> bool:
        if self.codes is None:
            return super().valid_value(value)
        return str(value) in self.codes()


def _multi(
    choices: Any, label: Any, *, checkboxes: bool = True, codes: Any = None
) -> forms.MultipleChoiceField:
    widget = forms.CheckboxSelectMultiple if checkboxes else forms.SelectMultiple
    return CodeMultipleChoiceField(
        choices=choices, label=label, required=False, widget=widget, codes=codes
    )


def legal_form_codes() -> frozenset[str]:
    return frozenset(get_profile().exploitation_forms)


def _with_blank(choices: Any) -> Any:
    return lambda: [("", "—"), *choices()]


def _fixed(choices: list[tuple[str, Any]]) -> Any:
    """A fixed list of choices given as a callable: a form copies its fields for every
    instance, and copying a callable is cheap where copying a list of labelled choices (and its
    widget's copy) is not — this runs on every API submission. Labels stay lazy."""
    frozen = list(choices)
    return lambda: frozen


class _SharedFields(dict):
    """A form's class fields that its instance uses as they are: ``deepcopy`` gives a plain
    dict of the same field objects."""

    def __deepcopy__(self, memo: dict) -> dict:
        return dict(self)


class StepForm(forms.Form):
    step: str = ""
    title: Any = ""

    def __init__(self, *args: Any, validation_only: bool = False, **kwargs: Any) -> None:
        """``validation_only``: the form is only cleaned, never rendered nor changed (a
        submission's validation, on every API call), so it shares its class's field objects
        instead of deep-copying them — cleaning does not change a field."""
        kwargs.setdefault("label_suffix", "")
        if validation_only:
            self.base_fields = _SharedFields(type(self).base_fields)
        super().__init__(*args, **kwargs)


class PersonForm(StepForm):
    step = "person"
    title = _("The person")

    given_names = TextField(label=_("Given names"), max_length=200)
    family_name = TextField(label=_("Family name"), max_length=200)
    aliases = LongTextField(
        label=_("Other names or nicknames"), max_length=2000, help_text=_("One per line.")
    )
    gender = forms.ChoiceField(
        label=_("Sex / gender"),
        choices=_fixed(with_missing(Gender)),
        initial="not_asked",
        required=False,
    )
    birth_date = forms.DateField(
        label=_("Date of birth"), required=False, widget=DateInput(),
        validators=[check_plausible_birth_date],
    )  # fmt: skip
    estimated_age = forms.IntegerField(
        label=_("Estimated age (years)"), required=False, min_value=0, max_value=120,
        help_text=_("If the date of birth is not known."),
    )  # fmt: skip
    age_disputed = forms.BooleanField(label=_("The age is uncertain or disputed"), required=False)
    reasons_to_believe_minor = forms.BooleanField(
        label=_("There are reasons to believe the person is a child"), required=False
    )
    nationalities = _multi(
        country_choices, _("Nationalities"), checkboxes=False, codes=country_codes
    )
    languages = _multi(
        language_choices, _("Languages spoken"), checkboxes=False, codes=language_codes
    )
    interpreter_needed = YesNoUnknownField(label=_("Needs an interpreter"), required=False)
    contact = TextField(label=_("How to reach the person safely"), max_length=500)
    immediate_danger = forms.BooleanField(
        label=_("The person is in immediate danger"), required=False
    )
    safety_notes = LongTextField(label=_("Current safety and urgency"), max_length=2000)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("birth_date") and data.get("estimated_age") is not None:
            age = timezone.localdate().year - data["birth_date"].year
            if abs(age - data["estimated_age"]) > 2:
                self.add_error(
                    "estimated_age",
                    _("The estimated age does not match the date of birth."),
                )
        return data


class SituationForm(StepForm):
    step = "situation"
    title = _("The situation")

    exploitation_forms = _multi(
        legal_form_choices, _("Forms of exploitation"), codes=legal_form_codes
    )
    sector = forms.ChoiceField(
        label=_("Sector of work"), required=False,
        choices=_fixed([("", "—"), *LabourSector.choices]),
    )  # fmt: skip
    sexual_exploitation_types = _multi(
        _fixed(SexualExploitationType.choices), _("Types of sexual exploitation")
    )
    recruitment_country = CodeChoiceField(
        label=_("Country of recruitment"), required=False,
        choices=_with_blank(country_choices), codes=country_codes,
    )  # fmt: skip
    recruitment_region = TextField(label=_("Region or town of recruitment"), max_length=100)
    exploitation_country = CodeChoiceField(
        label=_("Country of exploitation"), required=False,
        choices=_with_blank(country_choices), codes=country_codes,
    )  # fmt: skip
    exploitation_region = TextField(label=_("Region or town of exploitation"), max_length=100)
    place_scope = forms.ChoiceField(
        label=_("Where the exploitation took place"), required=False,
        choices=_fixed([("", "—"), *PlaceScope.choices]),
    )  # fmt: skip
    exploitation_start = forms.DateField(
        label=_("Exploitation began on"), required=False, widget=DateInput(),
        validators=[check_not_future],
    )  # fmt: skip
    exploitation_end = forms.DateField(
        label=_("Exploitation ended on"), required=False, widget=DateInput(),
        validators=[check_not_future], help_text=_("Leave empty if it is still going on."),
    )  # fmt: skip
    recruitment_method = LongTextField(label=_("How the person was recruited"), max_length=2000)
    online_recruitment = YesNoUnknownField(
        label=_("Recruited or exploited online (platform, app)"), required=False
    )
    online_platform = TextField(label=_("Platform or app"), max_length=100)
    means_of_control = _multi(_fixed(MeansOfControl.choices), _("Means of control"))
    recruiter_relationship = forms.ChoiceField(
        label=_("Relationship to the recruiter"), required=False,
        choices=_fixed([("", "—"), *with_missing(RecruiterRelationship)]),
    )  # fmt: skip
    others_affected = YesNoUnknownField(label=_("Other people possibly affected"), required=False)
    others_affected_details = LongTextField(label=_("About the others affected"), max_length=2000)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("exploitation_start"), data.get("exploitation_end")
        if start and end and end < start:
            self.add_error("exploitation_end", _("The end is before the beginning."))
        return data


class IndicatorsForm(StepForm):
    step = "indicators"
    title = _("Indicators")

    indicators = _multi(
        screening.indicator_choices, _("Indicators observed"), codes=screening.all_indicator_codes
    )


class NarrativeForm(StepForm):
    step = "narrative"
    title = _("Account and attachments")

    narrative = LongTextField(
        label=_("What happened, in your words"), max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Only what is needed. It is encrypted and never printed on the receipt."),
    )  # fmt: skip


class ConsentForm(StepForm):
    step = "consent"
    title = _("Consent")

    consent_status = forms.ChoiceField(
        label=_("The person's consent to be referred"), required=False,
        choices=_fixed([("", "—"), *ConsentStatus.choices]), widget=forms.RadioSelect,
    )  # fmt: skip
    consent_explained = LongTextField(label=_("What was explained to the person"), max_length=4000)
    consent_given_at = forms.DateTimeField(
        label=_("When consent was given"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        validators=[check_not_future],
    )  # fmt: skip
    consent_language = CodeChoiceField(
        label=_("Language used"), required=False,
        choices=_with_blank(language_choices), codes=language_codes,
    )  # fmt: skip
    consent_interpreter_used = YesNoUnknownField(label=_("An interpreter was used"), required=False)


STEP_FORMS: tuple[type[StepForm], ...] = (
    PersonForm,
    SituationForm,
    IndicatorsForm,
    NarrativeForm,
    ConsentForm,
)
STEPS: tuple[str, ...] = (*(f.step for f in STEP_FORMS), "review")
FORM_BY_STEP: dict[str, type[StepForm]] = {f.step: f for f in STEP_FORMS}
STEP_OF_FIELD: dict[str, str] = {name: f.step for f in STEP_FORMS for name in f.base_fields}
FIELD_NAMES: frozenset[str] = frozenset(STEP_OF_FIELD)
MULTI_FIELDS: frozenset[str] = frozenset(
    name
    for f in STEP_FORMS
    for name, field in f.base_fields.items()
    if isinstance(field, forms.MultipleChoiceField)
)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Add a file (PDF, JPEG, PNG or plain text)"))


class InformationAnswerForm(forms.Form):
    answer = LongTextField(label=_("Your answer"), max_length=8000, required=True)
