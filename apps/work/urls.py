"""The work pages (views.py), included under `work/` (config/urls.py)."""
from django.urls import path

from . import views

app_name = "work"

urlpatterns = [
    path("activities/", views.activity_list, name="activities"),
    path("activities/new/", views.activity_create, name="activities-create"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activities-edit"),
    path("activities/<int:pk>/delete/", views.activity_delete, name="activities-delete"),
    path("activities/<int:pk>/evidence/", views.activity_evidence, name="activities-evidence"),
    path("risks/", views.risk_list, name="risks"),
    path("risks/new/", views.risk_create, name="risks-create"),
    path("risks/<int:pk>/edit/", views.risk_edit, name="risks-edit"),
    path("risks/<int:pk>/delete/", views.risk_delete, name="risks-delete"),
    path("problems/", views.problem_list, name="problems"),
    path("problems/new/", views.problem_create, name="problems-create"),
    path("problems/<int:pk>/edit/", views.problem_edit, name="problems-edit"),
    path("problems/<int:pk>/delete/", views.problem_delete, name="problems-delete"),
    path("compliance/", views.compliance, name="compliance"),
]
