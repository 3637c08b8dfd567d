from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import ComputeView, ExportView, ReportViewSet

router = SimpleRouter()
router.register("reports", ReportViewSet, basename="api-report")

# The fixed paths come first: the router's `reports/{id}/` would otherwise take "compute" for an id.
urlpatterns = [
    path("reports/compute/", ComputeView.as_view(), name="api-report-compute"),
    path("reports/export/", ExportView.as_view(), name="api-report-export"),
] + router.urls
