from django.urls import path

from balise.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.service_list_view, name="list"),
    path("new/", views.service_edit_view, name="new"),
    path("<uuid:pk>/", views.service_detail_view, name="detail"),
    path("<uuid:pk>/edit/", views.service_edit_view, name="edit"),
    path("<uuid:pk>/places/", views.places_edit_view, name="places"),
]
