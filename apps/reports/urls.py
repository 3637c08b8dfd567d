"""The report pages (views.py), included under `reports/` (config/urls.py)."""
from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_index, name="index"),
    path("new/", views.report_create, name="create"),
    path("board/", views.board, name="board"),
    path("board/remind/", views.board_remind, name="remind"),
    path("rankings/", views.rankings_page, name="rankings"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/submit/", views.report_submit, name="submit"),
    path("<int:pk>/recompute/", views.report_recompute, name="recompute"),
    path("<int:pk>/receive/", views.report_receive, name="receive"),
    path("<int:pk>/export/", views.report_export, name="export"),
    path("summary/<slug:slug>/", views.campaign_summary, name="summary"),
]
