"""The daily alerts as a background task (django-tasks): `send_daily_alerts.enqueue()` from anywhere, or
`manage.py send_alerts --enqueue`. Running it twice on one day does nothing the second time (services.run_daily)."""
import datetime

from django_tasks import task

from .services import run_daily


@task()
def send_daily_alerts(day: str | None = None) -> dict:
    """Run the day's alerts (`day` ISO, default today in Asia/Shanghai); the counts, or {} when already done."""
    run = run_daily(datetime.date.fromisoformat(day) if day else None)
    return dict(run.counts) if run is not None else {}
