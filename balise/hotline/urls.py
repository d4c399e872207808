from django.urls import path

from balise.hotline import views

app_name = "hotline"

urlpatterns = [
    path("", views.call_list_view, name="call_list"),
    path("calls/new/", views.call_create_view, name="call_create"),
    path("calls/<uuid:pk>/", views.call_detail_view, name="call_detail"),
    path("calls/<uuid:pk>/status/", views.call_transition_view, name="call_transition"),
    path("calls/<uuid:pk>/referral/", views.call_referral_view, name="call_referral"),
    path("follow-ups/", views.follow_up_list_view, name="follow_ups"),
]
