from rest_framework.routers import SimpleRouter

from .api import HazardViewSet

router = SimpleRouter()
router.register("hazards", HazardViewSet, basename="api-hazard")

urlpatterns = router.urls
