"""Checks on free text typed by people: no hidden direction-override characters, no markup, no
control characters, no undecodable bytes. Each raises a translated ``ValidationError`` naming
the problem, so the form shows it on the field and keeps what was typed."""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balise.core.text import has_control_character, has_direction_control

_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|javascript\s*:|\bon[a-z]+\s*=", re.IGNORECASE)


def check_text(value: str) -> None:
    if not value:
        return
    if has_direction_control(value):
        raise ValidationError(
            _(
                "This text contains invisible characters that reverse the direction of writing "
                "(such as U+202E). Please remove them and type the text again."
            ),
            code="bidi_control",
        )
    if "\ufffd" in value:
        raise ValidationError(
            _("This text contains characters that could not be read (invalid encoding)."),
            code="invalid_encoding",
        )
    if has_control_character(value):
        raise ValidationError(_("This text contains control characters."), code="control")
    if _MARKUP.search(value):
        raise ValidationError(
            _("Markup or scripts (such as <script>) are not allowed in this field."),
            code="markup",
        )


def check_not_future(value: datetime.date | datetime.datetime | None) -> None:
    if value is None:
        return
    if isinstance(value, datetime.datetime):
        if value > timezone.now() + datetime.timedelta(minutes=5):
            raise ValidationError(_("This date is in the future."), code="future")
        return
    if value > timezone.localdate():
        raise ValidationError(_("This date is in the future."), code="future")


def check_plausible_birth_date(value: datetime.date | None) -> None:
    if value is None:
        return
    check_not_future(value)
    if value.year < timezone.localdate().year - 120:
        raise ValidationError(_("This date of birth is not plausible."), code="implausible")
