"""manage.py load_campaign_preset <preset> --region CODE [--slug S] [--start D --end D] [--department ID]

Creates the campaign of one of the five plans (apps.campaigns.presets), idempotent by slug: a campaign already
there is left as it is (or, with --update, given the preset's values again; slug and preset never change)."""
import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.campaigns import services
from apps.campaigns.models import Campaign
from apps.campaigns.presets import PRESETS
from apps.core.context import acting_from
from apps.regions.models import Department, Region


def _date(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日期“{value}”应为 YYYY-MM-DD 格式") from exc


class Command(BaseCommand):
    help = ("从预设方案创建专项行动（许昌、海城、红河、桂村、福州）；按标识幂等：已存在则不修改"
            "（--update 重新套用预设）。")

    def add_arguments(self, parser):
        parser.add_argument("preset", choices=list(PRESETS), help="预设方案")
        parser.add_argument("--region", required=True, help="开展地区的区划代码")
        parser.add_argument("--slug", help="标识（默认为预设方案代码）")
        parser.add_argument("--name", help="名称（默认取方案标题）")
        parser.add_argument("--start", help="开始日期 YYYY-MM-DD（默认取方案日期；给出时方案各日期随之平移）")
        parser.add_argument("--end", help="结束日期 YYYY-MM-DD（默认取方案日期）")
        parser.add_argument("--department", type=int, help="印发部门 id（部门自行开展的专项行动，如福州市城乡建设局）")
        parser.add_argument("--update", action="store_true", help="已存在时重新套用预设方案的内容")

    def handle(self, *args, preset, region, slug=None, name=None, start=None, end=None, department=None,
               update=False, **options):
        slug = slug or preset
        region_obj = Region.objects.filter(code=region).first()
        if region_obj is None:
            raise CommandError(f"区划“{region}”不存在")
        department_obj = None
        if department is not None:
            department_obj = Department.objects.filter(pk=department).first()
            if department_obj is None:
                raise CommandError(f"部门 {department} 不存在")
        start_date, end_date = _date(start), _date(end)
        data = {"slug": slug, "preset": preset, "region": region_obj, "department": department_obj}
        if name:
            data["name"] = name
        if start_date:
            data["start"] = start_date
        if end_date:
            data["end"] = end_date
        existing = Campaign.objects.filter(slug=slug).first()
        try:
            with acting_from(source="command"):
                if existing is None:
                    campaign = services.campaign_create(actor=None, data=data, system=True)
                    self.stdout.write(self.style.SUCCESS(
                        f"已创建专项行动“{campaign.name}”（{campaign.slug}，{campaign.start} 至 {campaign.end}）"))
                    return
                if existing.preset != preset:
                    raise CommandError(f"标识“{slug}”已被专项行动“{existing.name}”使用"
                                       f"（预设方案：{existing.preset or '无'}）")
                if not update:
                    self.stdout.write(f"专项行动“{existing.name}”（{slug}）已存在，未作修改。")
                    return
                values = services.preset_values(preset, start_date, end_date)
                values |= {key: value for key, value in data.items() if key in ("name", "region")}
                if department_obj is not None:
                    values["department"] = department_obj
                campaign = services.campaign_update(actor=None, campaign=existing, data=values, system=True)
                self.stdout.write(self.style.SUCCESS(f"已按预设方案更新专项行动“{campaign.name}”（{slug}）"))
        except ValidationError as exc:
            lines = [f"{field}: {'；'.join(messages)}" for field, messages in exc.message_dict.items()]
            raise CommandError("\n".join(["数据有误："] + lines)) from exc
