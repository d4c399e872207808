from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from balise.accounts.enums import DeactivationReason, ReactivationReason, Role


class LoginForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The 6-digit code from your authenticator app, or one of your backup codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


class EnrolForm(forms.Form):
    code = forms.CharField(
        label=_("Code shown by your app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


# -- account administration -------------------------------------------------------------------


def _organisation_field(**kw) -> forms.ModelChoiceField:  # noqa: ANN003
    from balise.organisations.models import Organisation

    return forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("name"),
        **kw,
    )


class UserCreateForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("Professional address. The invitation to choose a password is sent there."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    preferred_language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    organisation = forms.Field(required=False)  # replaced in __init__
    role = forms.ChoiceField(label=_("Role"), choices=[("", "—"), *Role.choices], required=False)

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = _organisation_field(
            required=False,
            help_text=_("Optional: a first membership. More can be added afterwards."),
        )

    def clean_email(self) -> str:
        from balise.accounts.models import User

        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("A user with this email address already exists."))
        return email

    def clean(self) -> dict:
        data = super().clean()
        if bool(data.get("organisation")) != bool(data.get("role")):
            field = "role" if data.get("organisation") else "organisation"
            self.add_error(field, _("Give both the organisation and the role, or neither."))
        return data


class MembershipForm(forms.Form):
    organisation = forms.Field()  # replaced in __init__
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = _organisation_field()


class DeactivateForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[(v, lbl) for v, lbl in DeactivationReason.choices if v != "inactivity"],
    )


class ReactivateForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=ReactivationReason.choices)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, for example the name of the script that uses it."),
    )
    days = forms.TypedChoiceField(
        label=_("Expires after"),
        coerce=int,
        initial=90,
        choices=[
            (30, _("30 days")),
            (90, _("90 days")),
            (180, _("180 days")),
            (365, _("one year")),
        ],
    )
