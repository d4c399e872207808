"""What each role finds on the home page. Apps register their sections here as they land, with
the roles that may see them; the links only show what the views themselves also enforce."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from balise.accounts.enums import Role


@dataclass(frozen=True)
class Section:
    title: str | Promise
    description: str | Promise
    url_name: str
    roles: frozenset[str]


SECTIONS: list[Section] = [
    Section(
        _("Organisations and users"),
        _("Manage organisations, accreditation, users and their roles."),
        "organisations:list",
        frozenset({Role.ADMINISTRATOR}),
    ),
    Section(
        _("Security"),
        _("Your second factor, backup codes and API tokens."),
        "accounts:security",
        frozenset(Role.values),
    ),
]


def register(section: Section) -> None:
    SECTIONS.append(section)


def home_sections(user) -> list[dict[str, object]]:  # noqa: ANN001
    roles = {m.role for m in user.active_memberships()}
    out = []
    for section in SECTIONS:
        if not roles & section.roles:
            continue
        try:
            url = reverse(section.url_name)
        except NoReverseMatch:
            continue
        out.append({"title": section.title, "description": section.description, "url": url})
    return out
