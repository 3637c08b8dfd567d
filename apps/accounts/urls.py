from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("switch/", views.switch_membership, name="switch-membership"),
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_edit, name="user-create"),
    path("users/<int:pk>/edit/", views.user_edit, name="user-edit"),
]
