from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from balise.accounts import mfa, passkeys, selectors, services, throttling
from balise.accounts.enums import AccountAction
from balise.accounts.forms import ApiTokenForm, CodeForm, EnrolForm, LoginForm
from balise.accounts.services import (
    LoginResult,
    password_step,
    pending_user,
    second_factor_step,
)
from balise.api.services import api_token_create, api_token_revoke
from balise.audit.enums import AuditAction
from balise.audit.services import audit_record
from balise.core.access import get_for_user_or_404


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("core:home")


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.session.get("mfa_verified"):
        return redirect("core:home")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result, user = password_step(
            request, email=form.cleaned_data["email"], password=form.cleaned_data["password"]
        )
        if result == LoginResult.OK:
            request.session["login_next"] = _next_url(request)
            if mfa.has_confirmed_device(user):
                return redirect("accounts:mfa_verify")
            return redirect("accounts:mfa_setup")
        if result == LoginResult.THROTTLED:
            form.add_error(None, _("Too many failed attempts. Wait a few minutes and try again."))
        elif result == LoginResult.NO_ACCESS:
            form.add_error(
                None,
                _("Your account has no active access. Contact your organisation's administrator."),
            )
        else:
            form.add_error(None, _("Email address or password is incorrect."))
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "next": request.GET.get("next", ""),
            "oidc_enabled": getattr(settings, "OIDC_ENABLED", False),
        },
    )


@require_http_methods(["GET", "POST"])
def mfa_verify_view(request: HttpRequest) -> HttpResponse:
    user = pending_user(request)
    if user is None:
        messages.info(request, _("Your sign-in expired. Please sign in again."))
        return redirect("accounts:login")
    if not mfa.has_confirmed_device(user):
        return redirect("accounts:mfa_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = second_factor_step(request, user, code=form.cleaned_data["code"])
        if result == LoginResult.OK:
            left = mfa.remaining_backup_codes(user)
            if left <= 3:
                messages.warning(
                    request,
                    _("Only %(n)s backup codes left. Generate new ones in your security settings.")
                    % {"n": left},
                )
            return HttpResponseRedirect(request.session.pop("login_next", reverse("core:home")))
        if result == LoginResult.THROTTLED:
            form.add_error(None, _("Too many failed attempts. Wait a few minutes and try again."))
        else:
            form.add_error("code", _("This code is not valid. Check your app's clock and retry."))
    return render(
        request,
        "accounts/mfa_verify_page.html",
        {"form": form, "has_passkeys": user.passkeys.exists()},
    )


@require_http_methods(["GET", "POST"])
def mfa_setup_view(request: HttpRequest) -> HttpResponse:
    user = pending_user(request)
    if user is None:
        messages.info(request, _("Your sign-in expired. Please sign in again."))
        return redirect("accounts:login")
    if mfa.has_confirmed_device(user):
        return redirect("accounts:mfa_verify")
    if request.method == "POST":
        device = user.totp_device
        form = EnrolForm(request.POST)
        if form.is_valid():
            codes = mfa.confirm_enrolment(device, form.cleaned_data["code"])
            if codes is not None:
                from balise.accounts.services import complete_login

                complete_login(request, user)
                return render(
                    request,
                    "accounts/backup_codes.html",
                    {
                        "codes": codes,
                        "next": request.session.pop("login_next", reverse("core:home")),
                    },
                )
            form.add_error("code", _("This code is not valid. Check your app's clock and retry."))
    else:
        device = mfa.start_enrolment(user)
        form = EnrolForm()
    return render(
        request,
        "accounts/mfa_setup.html",
        {"form": form, "qr_svg": mfa.provisioning_qr_svg(device), "secret": device.secret},
    )


@require_POST
def backup_codes_regenerate_view(request: HttpRequest) -> HttpResponse:
    codes = mfa.regenerate_backup_codes(request.user)
    return render(
        request,
        "accounts/backup_codes.html",
        {"codes": codes, "next": reverse("accounts:security")},
    )


def _render_security(
    request: HttpRequest, *, token_form: ApiTokenForm, new_token: str = "", status: int = 200
) -> HttpResponse:
    return render(
        request,
        "accounts/security_page.html",
        {
            "backup_codes_left": mfa.remaining_backup_codes(request.user),
            "token_form": token_form,
            "tokens": selectors.api_tokens_of(request.user),
            "new_token": new_token,
            "passkeys": request.user.passkeys.all(),
        },
        status=status,
    )


def security_view(request: HttpRequest) -> HttpResponse:
    return _render_security(request, token_form=ApiTokenForm())


@require_http_methods(["GET", "POST"])
def api_token_create_view(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":  # e.g. the language switch coming back to this address
        return redirect("accounts:security")
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _render_security(request, token_form=form, status=400)
    _, raw = api_token_create(
        acting_user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
    )
    # Shown in this response only: the database keeps a hash. Never cached by the browser.
    response = _render_security(request, token_form=ApiTokenForm(), new_token=raw)
    patch_cache_control(response, no_store=True)
    return response


@require_POST
def api_token_revoke_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    token = get_for_user_or_404(selectors.api_tokens_of(request.user), pk=pk)
    if token.revoked_at is None:
        api_token_revoke(acting_user=request.user, token=token)
        messages.success(request, _("Token revoked."))
    return redirect("accounts:security")


# -- choosing a password through a single-use link ----------------------------------------------

_TOKEN_SESSION_KEY = "password_set_token"  # noqa: S105 (a session key name)


def set_password_link_view(request: HttpRequest, token: str) -> HttpResponse:
    """Keep the token out of the address bar (and of any Referer) before showing the form."""
    request.session[_TOKEN_SESSION_KEY] = token[:100]
    return redirect("accounts:set_password")


@require_http_methods(["GET", "POST"])
def set_password_view(request: HttpRequest) -> HttpResponse:
    raw = request.session.get(_TOKEN_SESSION_KEY, "")
    token = services.password_token_lookup(raw)
    if token is None:
        request.session.pop(_TOKEN_SESSION_KEY, None)
        return render(request, "accounts/set_password_invalid.html", status=400)
    form = SetPasswordForm(token.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_set_with_token(raw=raw, password=form.cleaned_data["new_password1"])
        except services.AccountError:
            return render(request, "accounts/set_password_invalid.html", status=400)
        request.session.pop(_TOKEN_SESSION_KEY, None)
        messages.success(
            request,
            _("Your password is set. Sign in now; you will then set up your second factor."),
        )
        return redirect("accounts:login")
    return render(request, "accounts/set_password.html", {"form": form, "email": token.user.email})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, _("You are signed out."))
    return redirect("accounts:login")


# -- passkeys (WebAuthn) ------------------------------------------------------------------------


def _json_error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@require_POST
def passkey_register_options_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(
        passkeys.registration_options(request, request.user), content_type="application/json"
    )


@require_POST
def passkey_register_view(request: HttpRequest) -> HttpResponse:
    try:
        data = passkeys.parse_body(request)
        name = str(data.get("name", "")).strip()
        if not name:
            return _json_error(_("Give the passkey a name, for example the device it is on."))
        credential = data.get("credential")
        if not isinstance(credential, dict):
            raise passkeys.PasskeyError("no credential")
        passkeys.register(request, request.user, credential=credential, name=name)
    except passkeys.PasskeyError:
        return _json_error(_("The passkey could not be verified. Try again."))
    messages.success(request, _("Passkey added."))
    return JsonResponse({"redirect": reverse("accounts:security")}, status=201)


@require_POST
def passkey_delete_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    passkey = get_for_user_or_404(request.user.passkeys.all(), pk=pk)
    passkeys.remove(acting_user=request.user, passkey=passkey)
    messages.success(request, _("Passkey removed."))
    return redirect("accounts:security")


@require_POST
def passkey_login_options_view(request: HttpRequest) -> HttpResponse:
    user = pending_user(request)
    if user is None or not user.passkeys.exists():
        return _json_error(_("Your sign-in expired. Please sign in again."), status=403)
    return HttpResponse(
        passkeys.authentication_options(request, user), content_type="application/json"
    )


@require_POST
def passkey_login_view(request: HttpRequest) -> HttpResponse:
    user = pending_user(request)
    if user is None:
        return _json_error(_("Your sign-in expired. Please sign in again."), status=403)
    address = services.client_address(request)
    if throttling.is_throttled(identifier=user.email, address=address):
        audit_record(actor=user, action=AuditAction.LOGIN_THROTTLED, obj=user)
        return _json_error(_("Too many failed attempts. Wait a few minutes and try again."), 429)
    try:
        credential = passkeys.parse_body(request).get("credential")
    except passkeys.PasskeyError:
        credential = None
    ok = isinstance(credential, dict) and passkeys.authenticate(
        request, user, credential=credential
    )
    if not ok:
        throttling.record_failure(identifier=user.email, address=address)
        audit_record(actor=user, action=AuditAction.MFA_FAILED, obj=user)
        return _json_error(_("This passkey was not accepted. Try again or use a code."))
    throttling.clear_account_failures(identifier=user.email)
    audit_record(actor=user, action=AccountAction.PASSKEY_USED, obj=user)
    services.complete_login(request, user)
    return JsonResponse({"redirect": request.session.pop("login_next", reverse("core:home"))})
