from django.urls import path

from balise.plans import views

app_name = "public_plans"

urlpatterns = [
    path("<uuid:pk>/", views.public_plan_view, name="detail"),
]
