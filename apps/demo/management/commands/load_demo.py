import time

from django.core.management.base import BaseCommand

from apps.core.context import acting_from
from apps.demo.world import DEMO_PASSWORD, demo_exists, demo_logins, load_demo


class Command(BaseCommand):
    help = ("载入演示数据：河南省许昌市（许昌方案附件1、附件2）、隐患台账、检查执法、工作开展情况、举报、报表和提醒，"
            "并打印演示账号。已载入时只打印账号。")

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2023)

    def handle(self, *args, seed, **options):
        started = time.monotonic()
        if demo_exists():
            self.stdout.write("演示数据已存在，跳过载入。")
        else:
            with acting_from(source="command"):
                load_demo(seed=seed)
            self.stdout.write(self.style.SUCCESS(f"演示数据载入完成，用时 {time.monotonic() - started:.1f} 秒。"))
        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for login in demo_logins():
            self.stdout.write(f"  {login.username:<16} {login.role}（{login.acts_for}）")
