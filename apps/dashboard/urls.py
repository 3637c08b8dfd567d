"""一张图 (`/dashboard/`, signed in) and the public disclosure page (`/public/cases/`, open to everyone), included at
the site's root: `path("", include("apps.dashboard.urls"))` in config/urls.py."""
from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("dashboard/", views.dashboard, name="index"),
    path("public/cases/", views.public_cases, name="public-cases"),
]
