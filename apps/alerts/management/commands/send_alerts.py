import datetime

from django.core.management.base import BaseCommand, CommandError

from apps.alerts.models import AlertRun, Kind
from apps.alerts.services import run_daily, today


class Command(BaseCommand):
    help = ("生成并发送每日提醒（站内提醒 + 邮件）。同一天只执行一次：再次运行时不重复生成、不重复发送。"
            "由 yinhuan-alerts.timer 每天 07:30 运行，也可手动运行。")

    def add_arguments(self, parser):
        parser.add_argument("--day", help="按哪一天生成提醒（YYYY-MM-DD），默认今天（北京时间）")
        parser.add_argument("--enqueue", action="store_true", help="交给后台任务执行（db_worker），不在本进程执行")

    def handle(self, *args, day=None, enqueue=False, **options):
        try:
            on = datetime.date.fromisoformat(day) if day else today()
        except ValueError as exc:
            raise CommandError(f"--day 须为 YYYY-MM-DD 格式的日期：{day}") from exc
        if enqueue:
            from apps.alerts.tasks import send_daily_alerts

            result = send_daily_alerts.enqueue(on.isoformat())
            self.stdout.write(f"已提交后台任务 {result.id}（{on.isoformat()} 的提醒）。")
            return
        run = run_daily(on)
        if run is None:
            existing = AlertRun.objects.filter(day=on).first()
            if existing is not None and existing.finished_at is None:
                self.stdout.write(f"{on.isoformat()} 的提醒正在由另一进程生成（开始于 "
                                  f"{existing.started_at:%Y-%m-%d %H:%M}），本次不重复执行。")
            else:
                self.stdout.write(f"{on.isoformat()} 的提醒已生成并发送过，本次不重复执行。")
                if existing is not None:
                    self._counts(existing.counts)
            return
        self.stdout.write(self.style.SUCCESS(f"{on.isoformat()} 的提醒已生成并发送。"))
        self._counts(run.counts)

    def _counts(self, counts: dict) -> None:
        for kind, label in Kind.choices:
            self.stdout.write(f"  {label}：{counts.get(kind, 0)} 条")
        self.stdout.write(f"  新提醒合计：{counts.get('alerts', 0)} 条，涉及 {counts.get('users', 0)} 人")
        self.stdout.write(f"  发送邮件：{counts.get('emails', 0)} 封，失败 {counts.get('email_failures', 0)} 封")
