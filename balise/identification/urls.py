from django.urls import path

from balise.identification import views

app_name = "identification"

urlpatterns = [
    path("", views.queue_view, name="queue"),
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path("cases/<uuid:pk>/", views.case_view, name="case"),
    path("cases/<uuid:pk>/event/", views.case_event_view, name="event"),
    path("cases/<uuid:pk>/assign/", views.case_assign_view, name="assign"),
    path("cases/<uuid:pk>/note/", views.case_note_view, name="note"),
    path("cases/<uuid:pk>/information/", views.case_information_view, name="information"),
    path("cases/<uuid:pk>/link/", views.case_link_view, name="link"),
    path("cases/<uuid:pk>/guardian/", views.case_guardian_view, name="guardian"),
]
