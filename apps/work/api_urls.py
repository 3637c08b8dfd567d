from rest_framework.routers import SimpleRouter

from .api import ActivityViewSet, ProblemViewSet, RiskViewSet

router = SimpleRouter()
router.register("activities", ActivityViewSet, basename="api-activity")
router.register("risks", RiskViewSet, basename="api-risk")
router.register("problems", ProblemViewSet, basename="api-problem")

urlpatterns = router.urls
