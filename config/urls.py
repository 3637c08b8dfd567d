from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

api_v1 = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("apps.accounts.api_urls")),
    path("", include("apps.regions.api_urls")),
    path("", include("apps.enterprises.api_urls")),
    path("", include("apps.hazards.api_urls")),
    path("", include("apps.campaigns.api_urls")),
    path("", include("apps.inspections.api_urls")),
    path("", include("apps.work.api_urls")),
    path("", include("apps.tips.api_urls")),
    path("", include("apps.reports.api_urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("", include("apps.accounts.urls")),
    path("", include("apps.core.urls")),
    path("regions/", include("apps.regions.urls")),
    path("enterprises/", include("apps.enterprises.urls")),
    path("hazards/", include("apps.hazards.urls")),
    path("campaigns/", include("apps.campaigns.urls")),
    path("work/", include("apps.work.urls")),
    path("reports/", include("apps.reports.urls")),
    path("tips/", include("apps.tips.urls")),
    path("enforcement/", include("apps.inspections.enforcement_urls")),
    path("inspections/", include("apps.inspections.urls")),
    path("alerts/", include("apps.alerts.urls")),
    path("", include("apps.dashboard.urls")),
    path("tip/", include("apps.tips.public_urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
