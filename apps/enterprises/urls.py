from django.urls import path

from apps.core import imports

from . import views

app_name = "enterprises"

urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("export/", views.enterprise_export, name="export"),
    path("new/", views.enterprise_create, name="create"),
    *imports.urlpatterns(views.IMPORT),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/contractors/new/", views.contractor_edit, name="contractor-create"),
    path("<int:pk>/contractors/<int:contractor_pk>/edit/", views.contractor_edit, name="contractor-edit"),
    path("<int:pk>/contractors/<int:contractor_pk>/delete/", views.contractor_delete, name="contractor-delete"),
]
