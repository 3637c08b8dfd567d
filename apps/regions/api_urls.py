from rest_framework.routers import SimpleRouter

from .api import DepartmentViewSet, RegionViewSet, SectorViewSet

router = SimpleRouter()
router.register("regions", RegionViewSet, basename="api-region")
router.register("sectors", SectorViewSet, basename="api-sector")
router.register("departments", DepartmentViewSet, basename="api-department")

urlpatterns = router.urls
