"""The ledger's files under /hazards/ (namespace "hazards", included by urls.py)."""
from django.urls import path

from apps.core import imports

from . import file_views

urlpatterns = [
    path("export/", file_views.hazard_export, name="export"),
    *imports.urlpatterns(file_views.IMPORT),
    path("<int:pk>/docx/", file_views.hazard_docx, name="docx"),
]
