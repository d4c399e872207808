"""Arrows that point the way the page reads: in Arabic (right to left) "back" points right and
"from … to …" points left. Loaded in every template (``TEMPLATES`` builtins)."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language_bidi

register = template.Library()


@register.simple_tag
def arrow_back() -> str:
    """The arrow of a link back to the previous page."""
    return "→" if get_language_bidi() else "←"


@register.simple_tag
def arrow_forward() -> str:
    """The arrow between a state and the next one."""
    return "←" if get_language_bidi() else "→"
