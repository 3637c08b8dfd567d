"""The staff's tip pages under /tips/ (namespace "tips"): the list, the tip page, 分办 / 核查 / 奖励, the photos and
查看举报人身份. The public pages are in public_urls.py."""
from django.urls import path

from . import views

app_name = "tips"

urlpatterns = [
    path("", views.tip_list, name="list"),
    path("<int:pk>/", views.tip_detail, name="detail"),
    path("<int:pk>/triage/", views.tip_triage, name="triage"),
    path("<int:pk>/verify/", views.tip_verify, name="verify"),
    path("<int:pk>/reward/", views.tip_reward, name="reward"),
    path("<int:pk>/identity/", views.tip_identity, name="identity"),
    path("<int:pk>/photos/<int:photo_pk>/", views.tip_photo, name="photo"),
]
