from rest_framework.routers import SimpleRouter

from .api import PublicTipViewSet, TipViewSet

router = SimpleRouter()
router.register("tips", TipViewSet, basename="api-tip")
router.register("public/tips", PublicTipViewSet, basename="api-public-tip")

urlpatterns = router.urls
