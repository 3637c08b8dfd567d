import re
import time

from django.core.management.base import BaseCommand

from apps.core.context import acting_from
from apps.demo.world import DEMO_PASSWORD, demo_exists, load_demo


class Command(BaseCommand):
    help = "载入演示数据：河南省许昌市（许昌方案附件1、附件2），并打印演示账号。已载入时只打印账号。"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2023)

    def handle(self, *args, seed, **options):
        started = time.monotonic()
        if demo_exists():
            self.stdout.write("演示数据已存在，跳过载入。")
            from django.contrib.auth import get_user_model

            users = get_user_model().objects.prefetch_related("memberships").order_by("id")
            rows = [
                (u.username, u.name, "、".join(str(m) for m in u.memberships.all()) or "系统管理员")
                for u in users
                if not re.match(r"group[2-9]_", u.username)
            ]
            rows.append(("group2_leader …", "第二至第九组组长、成员", "groupN_leader / groupN_member1 / groupN_member2"))
        else:
            with acting_from(source="command"):
                logins = load_demo(seed=seed)
            rows = [(login.username, login.role, login.acts_for) for login in logins]
            self.stdout.write(self.style.SUCCESS(f"演示数据载入完成，用时 {time.monotonic() - started:.1f} 秒。"))
        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, role, acts_for in rows:
            self.stdout.write(f"  {username:<16} {role:<24} {acts_for}")
