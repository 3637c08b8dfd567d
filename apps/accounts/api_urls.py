from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import GroupViewSet, TokenView, UserViewSet

router = SimpleRouter()
router.register("users", UserViewSet, basename="api-user")
router.register("groups", GroupViewSet, basename="api-group")

urlpatterns = [path("auth/token/", TokenView.as_view(), name="api-token"), *router.urls]
