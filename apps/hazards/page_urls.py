"""The ledger's pages (views.py); the files — export, import, 附件6 .docx — are in file_urls.py."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.hazard_list, name="list"),
    path("new/", views.hazard_create, name="create"),
    path("<int:pk>/", views.hazard_detail, name="detail"),
    path("<int:pk>/print/", views.hazard_print, name="print"),
    path("<int:pk>/plan/", views.hazard_plan, name="plan"),
    path("<int:pk>/fix-on-spot/", views.hazard_fix_on_spot, name="fix-on-spot"),
    path("<int:pk>/submit/", views.hazard_submit, name="submit"),
    path("<int:pk>/accept/", views.hazard_accept, name="accept"),
    path("<int:pk>/reject/", views.hazard_reject, name="reject"),
    path("<int:pk>/list/", views.hazard_supervise, name="supervise"),
    path("<int:pk>/delist/<int:index>/", views.hazard_delist, name="delist"),
    path("<int:pk>/transfer/", views.hazard_transfer, name="transfer"),
    path("<int:pk>/closure-report/", views.hazard_closure_report, name="closure-report"),
    path("<int:pk>/edit/", views.hazard_edit, name="edit"),
    path("<int:pk>/evidence/", views.evidence_upload, name="evidence-upload"),
    path("<int:pk>/evidence/<int:evidence_pk>/", views.evidence_file, name="evidence"),
]
