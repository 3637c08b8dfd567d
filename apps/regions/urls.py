from django.urls import path, re_path

from . import views

app_name = "regions"

urlpatterns = [
    path("", views.region_tree, name="tree"),
    re_path(r"^(?P<code>\d{2,12})/$", views.region_detail, name="detail"),
    path("departments/", views.department_list, name="departments"),
    path("departments/new/", views.department_edit, name="department-create"),
    path("departments/<int:pk>/", views.department_detail, name="department"),
    path("departments/<int:pk>/edit/", views.department_edit, name="department-edit"),
    path("groups/", views.group_list, name="groups"),
    path("groups/new/", views.group_edit, name="group-create"),
    path("groups/<int:pk>/edit/", views.group_edit, name="group-edit"),
]
