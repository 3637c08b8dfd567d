from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "apps.work"
    label = "work"
    verbose_name = "工作开展情况"
