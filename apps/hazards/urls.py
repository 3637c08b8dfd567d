"""The ledger's pages (page_urls.py) and its files — export, import, 附件6 .docx (file_urls.py) — under one
namespace."""
from django.urls import include, path

from . import file_urls, page_urls

app_name = "hazards"

urlpatterns = [
    path("", include(page_urls)),
    path("", include(file_urls)),
]
