"""The app's two entrances: signed-in pages under /plans/, the published view under /public/."""

from django.urls import include, path

urlpatterns = [
    path("plans/", include("balise.plans.urls")),
    path("public/plans/", include("balise.plans.public_urls")),
]
