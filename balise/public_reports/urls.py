from django.urls import path

from balise.public_reports import views

app_name = "public_reports"

urlpatterns = [
    # Public, no account.
    path("public/report/", views.report_view, name="report"),
    path("public/report/challenge/", views.challenge_view, name="challenge"),
    path("public/report/follow-up/", views.follow_up_view, name="follow_up"),
    path("public/report/follow-up/message/", views.follow_up_message_view, name="message"),
    # Staff.
    path("public-reports/", views.staff_list_view, name="staff_list"),
    path("public-reports/<uuid:pk>/", views.staff_detail_view, name="staff_detail"),
    path("public-reports/<uuid:pk>/status/", views.staff_transition_view, name="staff_transition"),
    path("public-reports/<uuid:pk>/referral/", views.staff_referral_view, name="staff_referral"),
]
