from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "apps.reports"
    label = "reports"
    verbose_name = "调度统计"

    def ready(self):
        from . import (
            honghe,  # noqa: F401  (registers honghe-statistics and honghe-tasks into TEMPLATES)
            tallies,
        )

        tallies.connect()
