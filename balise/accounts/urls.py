from django.urls import path

from balise.accounts import admin_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    # Under "login/" because these steps are open without an account.
    path("login/set-password/", views.set_password_view, name="set_password"),
    path("login/set-password/<str:token>/", views.set_password_link_view, name="set_password_link"),
    path("logout/", views.logout_view, name="logout"),
    path("mfa/verify/", views.mfa_verify_view, name="mfa_verify"),
    path("mfa/setup/", views.mfa_setup_view, name="mfa_setup"),
    path("mfa/passkey/options/", views.passkey_login_options_view, name="passkey_login_options"),
    path("mfa/passkey/", views.passkey_login_view, name="passkey_login"),
    path("security/", views.security_view, name="security"),
    path("security/backup-codes/", views.backup_codes_regenerate_view, name="backup_codes"),
    path("security/tokens/", views.api_token_create_view, name="token_create"),
    path("security/tokens/<uuid:pk>/revoke/", views.api_token_revoke_view, name="token_revoke"),
    path(
        "security/passkeys/options/",
        views.passkey_register_options_view,
        name="passkey_register_options",
    ),
    path("security/passkeys/", views.passkey_register_view, name="passkey_register"),
    path("security/passkeys/<uuid:pk>/delete/", views.passkey_delete_view, name="passkey_delete"),
    path("users/", admin_views.user_list_view, name="users"),
    path("users/new/", admin_views.user_create_view, name="user_create"),
    path("users/<uuid:pk>/", admin_views.user_detail_view, name="user_detail"),
    path("users/<uuid:pk>/memberships/", admin_views.membership_add_view, name="membership_add"),
    path(
        "users/<uuid:pk>/memberships/<uuid:membership_pk>/end/",
        admin_views.membership_end_view,
        name="membership_end",
    ),
    path("users/<uuid:pk>/deactivate/", admin_views.user_deactivate_view, name="user_deactivate"),
    path("users/<uuid:pk>/reactivate/", admin_views.user_reactivate_view, name="user_reactivate"),
    path("users/<uuid:pk>/second-factor/", admin_views.user_mfa_reset_view, name="user_mfa_reset"),
    path("users/<uuid:pk>/invitation/", admin_views.user_invite_view, name="user_invite"),
]
