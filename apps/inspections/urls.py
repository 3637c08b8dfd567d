"""The inspection and checklist pages (views.py), included under `inspections/` (config/urls.py)."""
from django.urls import path

from . import views

app_name = "inspections"

urlpatterns = [
    path("", views.inspection_list, name="list"),
    path("new/", views.inspection_create, name="create"),
    path("<int:pk>/", views.inspection_detail, name="detail"),
    path("<int:pk>/edit/", views.inspection_edit, name="edit"),
    path("<int:pk>/items/<int:item_pk>/", views.answer, name="answer"),
    path("<int:pk>/findings/", views.findings, name="findings"),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("<int:pk>/export/", views.inspection_export, name="export"),
    path("<int:pk>/answers/<int:answer_pk>/photo/", views.answer_photo, name="photo"),
    path("checklists/", views.checklist_list, name="checklists"),
    path("checklists/new/", views.checklist_create, name="checklist-create"),
    path("checklists/<int:pk>/", views.checklist_detail, name="checklist"),
    path("checklists/<int:pk>/revise/", views.checklist_revise, name="checklist-revise"),
    path("checklists/<int:pk>/export/", views.checklist_export, name="checklist-export"),
]
