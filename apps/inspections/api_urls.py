from rest_framework.routers import SimpleRouter

from .api import AccountabilityViewSet, ChecklistViewSet, EnforcementActionViewSet, InspectionViewSet

router = SimpleRouter()
router.register("inspections", InspectionViewSet, basename="api-inspection")
router.register("enforcement-actions", EnforcementActionViewSet, basename="api-enforcement-action")
router.register("accountability", AccountabilityViewSet, basename="api-accountability")
router.register("checklists", ChecklistViewSet, basename="api-checklist")

urlpatterns = router.urls
