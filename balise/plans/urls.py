from django.urls import path

from balise.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list_view, name="list"),
    path("new/", views.plan_create_view, name="create"),
    path("notifications/", views.notifications_view, name="notifications"),
    path("<uuid:pk>/", views.plan_detail_view, name="detail"),
    path("<uuid:pk>/edit/", views.plan_edit_view, name="edit"),
    path("<uuid:pk>/publish/", views.plan_publish_view, name="publish"),
    path("<uuid:pk>/axes/", views.axis_create_view, name="axis_create"),
    path("<uuid:pk>/measures/new/", views.measure_create_view, name="measure_create"),
    path("<uuid:pk>/dashboard/", views.dashboard_view, name="dashboard"),
    path("<uuid:pk>/report/", views.report_view, name="report"),
    path("<uuid:pk>/report.pdf", views.report_pdf_view, name="report_pdf"),
    path("<uuid:pk>/committees/", views.committee_create_view, name="committee_create"),
    path("<uuid:pk>/import/", views.import_view, name="import"),
    path("<uuid:pk>/export.<str:fmt>", views.export_view, name="export"),
    path("measures/<uuid:pk>/", views.measure_detail_view, name="measure"),
    path("measures/<uuid:pk>/edit/", views.measure_edit_view, name="measure_edit"),
    path("measures/<uuid:pk>/status/", views.measure_transition_view, name="measure_transition"),
    path("measures/<uuid:pk>/milestones/", views.milestone_create_view, name="milestone_create"),
    path(
        "measures/<uuid:pk>/milestones/<uuid:milestone_pk>/done/",
        views.milestone_done_view,
        name="milestone_done",
    ),
    path("measures/<uuid:pk>/indicators/", views.indicator_create_view, name="indicator_create"),
    path(
        "measures/<uuid:pk>/indicators/<uuid:indicator_pk>/values/",
        views.indicator_value_view,
        name="indicator_value",
    ),
    path("updates/<uuid:pk>/", views.update_detail_view, name="update"),
    path("updates/<uuid:pk>/review/", views.update_review_view, name="update_review"),
    path("evidence/<uuid:pk>/", views.evidence_download_view, name="evidence"),
]
