"""The REST API, versioned under /api/v1/. Apps add their routes to ``router`` or
``v1_patterns`` in their own ``api.py`` modules, listed in ``API_MODULES``."""

from importlib import import_module

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from balise.api import views

router = DefaultRouter()
router.register("organisations", views.OrganisationViewSet, basename="organisation")

v1_patterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
]

# Each app with endpoints has an ``api.py`` exposing ``register(router, patterns)``.
API_MODULES: list[str] = [
    "balise.referrals.api",
    "balise.accounts.api",
    "balise.plans.api",
    "balise.hotline.api",
    "balise.public_reports.api",
    "balise.orientation.api",
    "balise.identification.api",
    "balise.observatory.api",
    "balise.linkage.api",
]

for module_name in API_MODULES:
    import_module(module_name).register(router, v1_patterns)

urlpatterns = [
    path("v1/", include((v1_patterns + router.urls, "api"), namespace="v1")),
]
