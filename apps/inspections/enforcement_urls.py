"""The enforcement pages (enforcement_views.py), included under `enforcement/` (config/urls.py):
`path("enforcement/", include("apps.inspections.enforcement_urls"))`."""
from django.urls import path

from . import enforcement_views as views

app_name = "enforcement"

urlpatterns = [
    path("", views.action_list, name="list"),
    path("new/", views.action_create, name="create"),
    path("<int:pk>/", views.action_detail, name="detail"),
    path("<int:pk>/edit/", views.action_edit, name="edit"),
    path("cases/<int:department_id>/", views.case_detail, name="case"),  # ?no=<案件编号>
    path("repeat-offenders/", views.repeat_offenders, name="repeat"),
    path("accountability/", views.accountability_list, name="accountability"),
    path("accountability/new/", views.accountability_create, name="accountability-create"),
    path("accountability/<int:pk>/edit/", views.accountability_edit, name="accountability-edit"),
]
