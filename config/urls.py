from django.urls import include, path

from balise.core.views import healthz_view

urlpatterns = [
    path("healthz", healthz_view, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("balise.accounts.urls")),
    path("oidc/", include("balise.accounts.oidc_urls")),
    path("organisations/", include("balise.organisations.urls")),
    path("referrals/", include("balise.referrals.urls")),
    path("directory/", include("balise.directory.urls")),
    path("orientation/", include("balise.orientation.urls")),
    path("identification/", include("balise.identification.urls")),
    path("linkage/", include("balise.linkage.urls")),
    path("api/", include("balise.api.urls")),
    path("", include("balise.observatory.urls")),
    path("", include("balise.plans.site_urls")),
    path("hotline/", include("balise.hotline.urls")),
    path("", include("balise.public_reports.urls")),
    path("", include("balise.core.urls")),
]
