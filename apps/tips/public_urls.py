"""The public tip pages under /tip/ (namespace "public_tips"), no sign-in: the form, its receipt page and the
receipt lookup. (The JSON API for the same is /api/v1/public/tips/, in api_urls.py.)"""
from django.urls import path

from . import views

app_name = "public_tips"

urlpatterns = [
    path("", views.public_form, name="form"),
    path("done/", views.public_done, name="done"),
    path("receipt/", views.public_receipt, name="receipt"),
]
