from django.urls import path

from balise.linkage import views

app_name = "linkage"

urlpatterns = [
    path("", views.queue_view, name="queue"),
    path("persons/<uuid:pk>/", views.person_view, name="person"),
    path("cases/<uuid:pk>/", views.case_view, name="case"),
    path(
        "candidates/<uuid:pk>/confirm/",
        views.decide_view,
        {"decision": "confirm"},
        name="confirm",
    ),
    path("candidates/<uuid:pk>/reject/", views.decide_view, {"decision": "reject"}, name="reject"),
    path("merges/<uuid:pk>/undo/", views.unmerge_view, name="unmerge"),
]
