from django.urls import path

from balise.orientation import views

app_name = "orientation"

urlpatterns = [
    path("", views.orientation_list_view, name="list"),
    path("group/", views.group_assignment_view, name="group"),
    path("person/<uuid:person_pk>/new/", views.orientation_new_view, name="new"),
    path("person/<uuid:person_pk>/danger/", views.danger_location_add_view, name="danger"),
    path("<uuid:pk>/", views.orientation_detail_view, name="detail"),
    path("<uuid:pk>/accept/", views.orientation_accept_view, name="accept"),
    path("<uuid:pk>/decline/", views.orientation_decline_view, name="decline"),
    path("<uuid:pk>/withdraw/", views.orientation_withdraw_view, name="withdraw"),
    path("files/<uuid:pk>/", views.support_file_view, name="file"),
    path("files/<uuid:pk>/<slug:action>/", views.support_file_action_view, name="file_action"),
]
