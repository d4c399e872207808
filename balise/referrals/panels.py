"""Panels that later stages add to a referral's page (what became of it), so that referrals
never import the apps that build on them. A provider returns ``(template, context)`` or None;
it only receives referrals the viewer may already see."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from balise.referrals.models import Referral

Provider = Callable[[HttpRequest, Referral], tuple[str, dict[str, Any]] | None]

PROVIDERS: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)
    return provider


def render_panels(request: HttpRequest, referral: Referral) -> list[str]:
    panels = []
    for provider in PROVIDERS:
        found = provider(request, referral)
        if found is not None:
            template, context = found
            panels.append(render_to_string(template, {**context, "referral": referral}, request))
    return panels
