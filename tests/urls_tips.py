"""The site's URLconf with the tip pages (apps/tips/public_urls.py under /tip/, urls.py under /tips/), for the
tests until config/urls.py includes them; once it does, this is the site's own."""
from django.urls import include, path

from config.urls import urlpatterns as site_urlpatterns

wired = {getattr(p, "namespace", None) for p in site_urlpatterns}
urlpatterns = [
    *([] if "public_tips" in wired else [path("tip/", include("apps.tips.public_urls"))]),
    *([] if "tips" in wired else [path("tips/", include("apps.tips.urls"))]),
    *site_urlpatterns,
]
