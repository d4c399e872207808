"""Account administration: administrators invite users, give and end memberships, deactivate and
reactivate accounts and reset second factors. Everyone else gets 403."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from balise.accounts import mfa, selectors, services
from balise.accounts.enums import DeactivationReason, Role
from balise.accounts.forms import DeactivateForm, MembershipForm, ReactivateForm, UserCreateForm
from balise.accounts.models import User
from balise.accounts.permissions import can_manage_users
from balise.core.access import get_for_user_or_404
from balise.organisations.models import Organisation

PAGE_SIZE = 50


def _require_admin(request: HttpRequest) -> None:
    if not can_manage_users(request.user):
        raise PermissionDenied


def _posted(request: HttpRequest):  # noqa: ANN202
    """The submitted data, even when empty (an empty form must show its errors)."""
    return request.POST if request.method == "POST" else None


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _target(request: HttpRequest, pk) -> User:  # noqa: ANN001
    return get_for_user_or_404(selectors.user_queryset_for_user(request.user), pk=pk)


def user_list_view(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    filters = {
        "q": request.GET.get("q", "").strip()[:100],
        "status": request.GET.get("status", ""),
        "organisation": request.GET.get("organisation", ""),
        "role": request.GET.get("role", ""),
    }
    if filters["status"] not in {"", "active", "inactive"}:
        filters["status"] = ""
    if filters["role"] not in Role.values:
        filters["role"] = ""
    organisations = Organisation.objects.order_by("name")
    known = {str(pk) for pk in organisations.values_list("pk", flat=True)}
    if filters["organisation"] not in known:
        filters["organisation"] = ""
    users = selectors.user_list(user=request.user, **filters)
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/users/list.html",
        {
            "page": page,
            "filters": filters,
            "organisations": organisations,
            "roles": Role.choices,
            "query": query.urlencode(),
        },
    )


@require_http_methods(["GET", "POST"])
def user_create_view(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = UserCreateForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_invite(
                acting_user=request.user,
                email=data["email"],
                full_name=data["full_name"],
                preferred_language=data["preferred_language"],
                organisation=data["organisation"],
                role=data["role"],
                site_url=_site_url(request),
            )
        except services.AccountError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Account created. The invitation has been emailed."))
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/users/create.html", {"form": form})


def user_detail_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    _require_admin(request)
    target = _target(request, pk)
    return _render_detail(request, target, MembershipForm())


def _label(choices, value: str) -> str:  # noqa: ANN001
    return str(choices(value).label) if value in choices.values else value


def _render_detail(request: HttpRequest, target: User, membership_form: MembershipForm):  # noqa: ANN202
    memberships = target.memberships.select_related("organisation").order_by(
        "-is_active", "organisation__name", "role"
    )
    return render(
        request,
        "accounts/users/detail.html",
        {
            "target": target,
            "memberships": memberships,
            "membership_form": membership_form,
            "has_second_factor": mfa.has_confirmed_device(target),
            "has_password": target.has_usable_password(),
            "pending_invitation": target.password_tokens.filter(used_at__isnull=True).first(),
            "is_self": target.pk == request.user.pk,
            "deactivation_reason_label": _label(DeactivationReason, target.deactivated_reason),
            "language_label": dict(settings.LANGUAGES).get(target.preferred_language, ""),
        },
        status=400 if membership_form.errors else 200,
    )


@require_POST
def membership_add_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    _require_admin(request)
    target = _target(request, pk)
    form = MembershipForm(request.POST)
    if form.is_valid():
        try:
            services.membership_add(
                acting_user=request.user,
                user=target,
                organisation=form.cleaned_data["organisation"],
                role=form.cleaned_data["role"],
            )
        except services.AccountError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Membership added."))
            return redirect("accounts:user_detail", pk=target.pk)
    return _render_detail(request, target, form)


@require_POST
def membership_end_view(request: HttpRequest, pk, membership_pk) -> HttpResponse:  # noqa: ANN001
    _require_admin(request)
    target = _target(request, pk)
    membership = get_for_user_or_404(
        selectors.membership_queryset_for_user(request.user).filter(user=target, is_active=True),
        pk=membership_pk,
    )
    try:
        services.membership_end(acting_user=request.user, membership=membership)
    except services.AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Membership ended."))
    return redirect("accounts:user_detail", pk=target.pk)


@require_http_methods(["GET", "POST"])
def user_deactivate_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    _require_admin(request)
    target = _target(request, pk)
    if not target.is_active:
        return redirect("accounts:user_detail", pk=target.pk)
    form = DeactivateForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.user_deactivate(
                acting_user=request.user, user=target, reason=form.cleaned_data["reason"]
            )
        except services.AccountError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Account deactivated. Its access stopped at once."))
            return redirect("accounts:user_detail", pk=target.pk)
    return render(
        request,
        "accounts/users/confirm.html",
        {
            "target": target,
            "form": form,
            "heading": _("Deactivate this account?"),
            "explanation": _(
                "The person is signed out at their next request, their API tokens stop working "
                "and they can no longer sign in until an administrator reactivates the account."
            ),
            "button": _("Deactivate"),
            "danger": True,
        },
    )


@require_http_methods(["GET", "POST"])
def user_reactivate_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    _require_admin(request)
    target = _target(request, pk)
    if target.is_active:
        return redirect("accounts:user_detail", pk=target.pk)
    form = ReactivateForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        services.user_reactivate(
            acting_user=request.user, user=target, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Account reactivated."))
        return redirect("accounts:user_detail", pk=target.pk)
    return render(
        request,
        "accounts/users/confirm.html",
        {
            "target": target,
            "form": form,
            "heading": _("Reactivate this account?"),
            "explanation": _(
                "The person can sign in again with their password and second factor, within "
                "the organisations where they still hold an active membership."
            ),
            "button": _("Reactivate"),
            "danger": False,
        },
    )


@require_http_methods(["GET", "POST"])
def user_mfa_reset_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    _require_admin(request)
    target = _target(request, pk)
    if request.method == "POST":
        services.mfa_reset(acting_user=request.user, user=target)
        messages.success(
            request, _("Second factor removed. The person will set up a new one at next sign-in.")
        )
        return redirect("accounts:user_detail", pk=target.pk)
    return render(
        request,
        "accounts/users/confirm.html",
        {
            "target": target,
            "form": None,
            "heading": _("Reset the second factor?"),
            "explanation": _(
                "The authenticator app and the backup codes of this account stop working. At the "
                "next sign-in, after the password, the person sets up a new authenticator app. "
                "Do this only after checking the person's identity, for example by phone."
            ),
            "button": _("Reset the second factor"),
            "danger": True,
        },
    )


@require_POST
def user_invite_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    _require_admin(request)
    target = _target(request, pk)
    if not target.is_active:
        messages.error(request, _("Reactivate the account before sending an invitation."))
    else:
        services.invitation_send(acting_user=request.user, user=target, site_url=_site_url(request))
        messages.success(
            request,
            _("A new link to choose a password has been emailed. Earlier links no longer work."),
        )
    return redirect("accounts:user_detail", pk=target.pk)
