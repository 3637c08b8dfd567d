from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "apps.inspections"
    label = "inspections"
    verbose_name = "排查与执法"
