from django.core.management.base import BaseCommand, CommandError

from apps.audit.services import verify_chain


class Command(BaseCommand):
    help = "校验审计日志哈希链，指出第一条被改动或删除的记录。"

    def handle(self, *args, **options):
        problems = verify_chain()
        if not problems:
            self.stdout.write(self.style.SUCCESS("审计链完整。"))
            return
        first = problems[0]
        for problem in problems:
            self.stderr.write(problem.message)
        raise CommandError(f"审计链已损坏：第一处问题在第 {first.seq} 条记录。")
