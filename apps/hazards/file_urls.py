"""The ledger's files under /hazards/ (namespace "hazards", included by urls.py)."""
from django.urls import path

from . import file_views

urlpatterns = [
    path("export/", file_views.hazard_export, name="export"),
    path("import/", file_views.hazard_import, name="import"),
    path("import/template/", file_views.import_template, name="import-template"),
    path("import/jobs/<int:pk>/", file_views.import_job, name="import-job"),
    path("import/jobs/<int:pk>/annotated/", file_views.import_annotated, name="import-annotated"),
    path("<int:pk>/docx/", file_views.hazard_docx, name="docx"),
]
