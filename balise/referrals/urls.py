from django.urls import path

from balise.referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list_view, name="list"),
    path("new/", views.referral_new_view, name="new"),
    path("<uuid:pk>/", views.referral_detail_view, name="detail"),
    path("<uuid:pk>/step/<slug:step>/", views.referral_step_view, name="step"),
    path("<uuid:pk>/autosave/<slug:step>/", views.referral_autosave_view, name="autosave"),
    path("<uuid:pk>/receipt.pdf", views.referral_receipt_view, name="receipt"),
    path("<uuid:pk>/withdraw/", views.referral_withdraw_view, name="withdraw"),
    path("<uuid:pk>/attachments/", views.attachment_upload_view, name="attachment_upload"),
    path(
        "<uuid:pk>/requests/<uuid:request_pk>/answer/",
        views.information_answer_view,
        name="answer",
    ),
    path("files/<uuid:pk>/", views.attachment_download_view, name="attachment"),
    path("files/<uuid:pk>/remove/", views.attachment_remove_view, name="attachment_remove"),
]
