import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from apps.core.context import acting_from
from apps.demo.synthetic import CITIES, COUNTIES, FULL, PASSWORD, TOWNSHIPS, USERS, generate


class Command(BaseCommand):
    help = (f"生成合成省（DESIGN.md 性能目标：{CITIES} 个市、{COUNTIES} 个县、{TOWNSHIPS} 个乡镇，满规模 "
            f"{FULL['enterprises']:,} 家企业、{FULL['hazards']:,} 条隐患、{FULL['inspections']:,} 次检查及一年的执法、"
            "工作开展和举报），按 --fraction 缩放，同一 --seed 生成相同数据；进度输出到标准错误。")

    def add_arguments(self, parser):
        parser.add_argument("--fraction", type=float, default=0.01, help="规模比例 (0, 1]，默认 0.01")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--start", default="2024-01-01", help="专项行动开始日期（为期一年）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出计数、用时和摘要")
        parser.add_argument("--quiet", action="store_true", help="不显示进度")

    def handle(self, *args, fraction, seed, start, json: bool = False, quiet: bool = False, **options):
        try:
            start_day = datetime.date.fromisoformat(start)
            with acting_from(source="command"):
                summary = generate(fraction, seed, start=start_day, stream=self.stderr._out, quiet=quiet)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if json:
            self.stdout.write(_json({"seed": summary.seed, "fraction": summary.fraction, "counts": summary.counts,
                                     "seconds": summary.seconds, "digest": summary.digest}))
            return
        for name, count in summary.counts.items():
            self.stdout.write(f"  {name:<32} {count:>12,}")
        self.stdout.write(self.style.SUCCESS(
            f"合成省生成完成：比例 {fraction}，种子 {seed}，用时 {summary.seconds['total']:.1f} 秒，"
            f"摘要 {summary.digest}"))
        self.stdout.write(f"账号（密码均为 {PASSWORD}）：" + "、".join(f"{k}（{v}）" for k, v in USERS.items()))


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False)
