"""Rebuild the maintained tallies of the report forms from raw rows, or check them cell by cell (tallies.py)."""
import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.campaigns.models import Campaign
from apps.regions.models import Region
from apps.reports import tallies


class Command(BaseCommand):
    help = "重建（或用 --check 核对）报表统计累计：专项行动的累计数须与原始记录逐格一致"

    def add_arguments(self, parser):
        parser.add_argument("--campaign", type=int, help="只处理这一专项行动（编号）")
        parser.add_argument("--stale", action="store_true", help="只重建尚未建立或已过期的专项行动")
        parser.add_argument("--check", action="store_true", help="不重建，逐格核对累计数与原始记录")
        parser.add_argument("--as-of", type=datetime.date.fromisoformat, help="核对的统计截止日期（默认今天）")

    def handle(self, *args, campaign=None, stale=False, check=False, as_of=None, **options):
        campaigns = Campaign.objects.select_related("region").order_by("pk")
        if campaign is not None:
            campaigns = campaigns.filter(pk=campaign)
            if not campaigns:
                raise CommandError(f"没有编号为 {campaign} 的专项行动")
        if check:
            self._check(campaigns, as_of or timezone.localdate())
            return
        for c in campaigns:
            if stale and tallies.is_ready(c):
                continue
            began = time.monotonic()
            count = tallies.rebuild(c, progress=self._progress(c))
            seconds = time.monotonic() - began
            self.stdout.write(f"专项行动 {c.pk}（{c.name}）：{count} 条统计事实，用时 {seconds:.1f} 秒")

    def _progress(self, campaign):
        def report(record, count):
            self.stderr.write(f"\r专项行动 {campaign.pk}：{count} 条", ending="")
        return report if self.stderr.isatty() else None

    def _check(self, campaigns, as_of):
        wrong = 0
        for c in campaigns:
            if not tallies.is_ready(c):
                self.stdout.write(f"专项行动 {c.pk}（{c.name}）：尚未建立累计，报表按原始记录计算")
                continue
            by_length: dict[int, list[Region]] = {}
            for region in Region.objects.filter(code__under=c.region_id):
                by_length.setdefault(len(region.code), []).append(region)
            mismatches = [m for regions in by_length.values() for m in tallies.check(c, as_of, regions)]
            cells = sum(len(regions) for regions in by_length.values()) * len(tallies.METRICS)
            if mismatches:
                wrong += len(mismatches)
                self.stdout.write(f"专项行动 {c.pk}（{c.name}）截至 {as_of}：{len(mismatches)} 格不一致")
                for region, metric, kept, counted in mismatches[:50]:
                    self.stdout.write(f"  {region} {metric}：累计 {kept}，原始记录 {counted}")
            else:
                self.stdout.write(f"专项行动 {c.pk}（{c.name}）截至 {as_of}：{cells} 格全部一致")
        if wrong:
            raise SystemExit(1)
