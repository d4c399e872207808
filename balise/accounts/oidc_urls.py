"""Single sign-on routes under /oidc/ (answering 404 unless OIDC_RP_CLIENT_ID is configured).
The names are those mozilla-django-oidc expects."""

from django.urls import path

from balise.accounts import oidc

urlpatterns = [
    path("callback/", oidc.BaliseOIDCCallbackView.as_view(), name="oidc_authentication_callback"),
    path("authenticate/", oidc.BaliseOIDCRequestView.as_view(), name="oidc_authentication_init"),
    path("logout/", oidc.BaliseOIDCLogoutView.as_view(), name="oidc_logout"),
]
