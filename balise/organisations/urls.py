from django.urls import path

from balise.organisations import views

app_name = "organisations"

urlpatterns = [
    path("", views.organisation_list_view, name="list"),
    path("new/", views.organisation_create_view, name="create"),
    path("<uuid:pk>/", views.organisation_detail_view, name="detail"),
    path("<uuid:pk>/status/", views.organisation_transition_view, name="transition"),
]
