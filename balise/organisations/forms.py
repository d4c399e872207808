from django import forms
from django.utils.translation import gettext_lazy as _

from balise.organisations.models import Organisation


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "region", "contact_email", "contact_phone", "address"]


class TransitionForm(forms.Form):
    event = forms.ChoiceField(
        choices=[
            ("accredit", _("Accredit as first responder")),
            ("suspend_accreditation", _("Suspend accreditation")),
            ("suspend", _("Suspend the organisation's access")),
            ("reactivate", _("Restore the organisation's access")),
        ]
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
