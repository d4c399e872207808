"""Checks on free text typed by people, shared by every form and API that takes it.

Direction overrides and isolates (U+202A–U+202E, U+2066–U+2069) can disguise text
(Trojan-Source style spoofing of a name, a file name or a link); left-to-right and right-to-left
*marks* (U+200E, U+200F, U+061C) are legitimate in Arabic text and allowed. Control characters
other than tab, line feed and carriage return have no place in typed text. Regular expressions
rather than a loop over the characters: they run on every text of every submission."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_BIDI = re.compile("[" + "".join(sorted(BIDI_CONTROLS)) + "]")
#: C0 controls except tab, line feed and carriage return; DEL; C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_direction_control(value: str) -> bool:
    return _BIDI.search(value) is not None


def has_control_character(value: str) -> bool:
    return _CONTROL.search(value) is not None


def validate_plain_text(value: str) -> None:
    """No direction overrides and no control characters."""
    if has_direction_control(value):
        raise ValidationError(
            _("Remove the invisible direction-control characters from this text."), code="bidi"
        )
    if has_control_character(value):
        raise ValidationError(_("Remove the control characters from this text."), code="cc")
