from django.apps import AppConfig


class HazardsConfig(AppConfig):
    name = "apps.hazards"
    label = "hazards"
    verbose_name = "隐患台账"
