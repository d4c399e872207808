"""Deny by default: every page needs a signed-in user who passed the second factor and still has
an active membership in an active organisation. Public paths are listed in settings."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from balise.accounts.services import VERIFIED_KEY


def is_public(path: str) -> bool:
    return any(path.startswith(prefix) for prefix in settings.BALISE_PUBLIC_PATH_PREFIXES)


class AccessMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        user = request.user
        if user.is_authenticated:
            if not user.has_access:
                logout(request)
                messages.error(
                    request,
                    _("Your access has been suspended. Contact your organisation's administrator."),
                )
                return HttpResponseRedirect(reverse("accounts:login"))
            if not request.session.get(VERIFIED_KEY) and not path.startswith(
                ("/accounts/mfa/", "/accounts/logout/", "/static/", "/i18n/")
            ):
                return HttpResponseRedirect(reverse("accounts:mfa_verify"))
        elif not is_public(path):
            login_url = reverse("accounts:login")
            return HttpResponseRedirect(f"{login_url}?next={quote(path)}")
        return self.get_response(request)
