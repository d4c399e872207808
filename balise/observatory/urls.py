from django.urls import path

from . import views

app_name = "observatory"

urlpatterns = [
    path("observatory/", views.release_list_view, name="list"),
    path("observatory/refresh/", views.refresh_view, name="refresh"),
    path("observatory/releases/new/", views.release_new_view, name="new"),
    path("observatory/assemblies/<uuid:pk>/", views.assembly_view, name="assembly"),
    path(
        "observatory/assemblies/<uuid:pk>/status/",
        views.assembly_status_view,
        name="assembly_status",
    ),
    path("observatory/releases/<uuid:pk>/", views.release_detail_view, name="detail"),
    path(
        "observatory/releases/<uuid:pk>/do/<slug:event>/",
        views.release_transition_view,
        name="transition",
    ),
    path("observatory/releases/<uuid:pk>/correct/", views.release_correct_view, name="correct"),
    path("observatory/releases/<uuid:pk>/dashboard/", views.dashboard_view, name="dashboard"),
    path("observatory/releases/<uuid:pk>/report/", views.report_view, name="report"),
    path("observatory/releases/<uuid:pk>/report.pdf", views.report_pdf_view, name="report_pdf"),
    path("observatory/releases/<uuid:pk>/export/<slug:fmt>/", views.export_view, name="export"),
    path("observatory/releases/<uuid:pk>/privacy/", views.privacy_view, name="privacy"),
    path("observatory/external/", views.external_list_view, name="external"),
    path("observatory/external/import/", views.import_view, name="import"),
    path("public/statistics/", views.public_list_view, name="public_list"),
    path("public/statistics/<uuid:pk>/", views.public_detail_view, name="public_detail"),
    path(
        "public/statistics/<uuid:pk>/dashboard/",
        views.public_dashboard_view,
        name="public_dashboard",
    ),
    path("public/statistics/<uuid:pk>/report/", views.public_report_view, name="public_report"),
    path(
        "public/statistics/<uuid:pk>/report.pdf",
        views.public_report_pdf_view,
        name="public_report_pdf",
    ),
    path(
        "public/statistics/<uuid:pk>/export/<slug:fmt>/",
        views.public_export_view,
        name="public_export",
    ),
]
