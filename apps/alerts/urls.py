"""The inbox pages (views.py), included under `alerts/` (config/urls.py)."""
from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read-all/", views.read_all, name="read-all"),
    path("<int:pk>/read/", views.read, name="read"),
    path("<int:pk>/open/", views.open_alert, name="open"),
]
