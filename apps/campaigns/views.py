"""Campaign pages: the list, one campaign (phases as a timeline, duties, the report schedule with its next
periods, deadlines, sign-offs, 红河 附件2 rows, focus lists), and 「从预设创建专项行动」. Every signed-in user
reads campaigns; creating goes through apps.campaigns.services."""
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from apps.core.forms import add_service_errors
from apps.enterprises.models import FLAGS
from apps.regions.scope import scope_for, today

from . import schedule, services
from .forms import PresetCampaignForm
from .models import Campaign, SignOffLevel
from .presets import DEADLINE_LEVELS, PRESETS

SOON = datetime.timedelta(days=14)


def may_create_from_preset(user) -> bool:
    scope = scope_for(user)
    return scope.everything or bool(scope.office_region_codes)


def _state(start: datetime.date, end: datetime.date, on: datetime.date) -> str:
    if on < start:
        return "upcoming"
    return "done" if on > end else "current"


STATE_LABELS = {"upcoming": "未开始", "current": "进行中", "done": "已结束"}


def describe_duty(duty: dict) -> dict:
    kind = services.DUTY_KINDS.get(duty["kind"], duty["kind"])
    period = services.DUTY_PERIODS.get(duty["every"], duty["every"])
    flags = duty.get("flags") or []
    names = "、".join(FLAGS.get(f, f) for f in flags)
    who = "全部企业" if not flags else ("同时为" if len(flags) > 1 else "") + names + "的企业"
    return {"kind": kind, "rule": f"{period}至少{duty['times']}次", "who": who, "raw": duty}


def _phases(campaign: Campaign, on: datetime.date) -> list[dict]:
    span = max((campaign.end - campaign.start).days + 1, 1)
    rows = []
    for phase in campaign.phases:
        start = datetime.date.fromisoformat(phase["start"])
        end = datetime.date.fromisoformat(phase["end"])
        offset = (start - campaign.start).days / span * 100
        width = max(((end - start).days + 1) / span * 100, 1.5)
        state = _state(start, end, on)
        rows.append({**phase, "start_date": start, "end_date": end, "state": state, "state_label": STATE_LABELS[state],
                     "offset": f"{offset:.2f}", "width": f"{min(width, 100 - offset):.2f}"})
    return rows


def _deadlines(campaign: Campaign, on: datetime.date) -> list[dict]:
    rows = []
    for item in sorted(campaign.deadlines, key=lambda d: d["due"]):
        due = datetime.date.fromisoformat(item["due"])
        state = "past" if due < on else ("soon" if due - on <= SOON else "later")
        rows.append({**item, "due_date": due, "state": state, "level_label": DEADLINE_LEVELS.get(item["level"], "")})
    return rows


def _sector_rows(campaign: Campaign) -> list[dict]:
    names = services.sector_names(code for row in campaign.sector_rows for code in row.get("sectors", []))
    rows = sorted(campaign.sector_rows, key=lambda r: r.get("order", 0))
    return [{**row, "sector_list": [(code, names.get(code, code)) for code in row.get("sectors", [])]}
            for row in rows]


def _focus(campaign: Campaign) -> list[dict]:
    names = services.sector_names(code for item in campaign.focus for code in item.get("sectors", []))
    return [{**item, "sector_list": [(code, names.get(code, code)) for code in item.get("sectors", [])]}
            for item in campaign.focus]


@login_required
def campaign_list(request):
    on = today()
    campaigns = list(Campaign.objects.visible_to(request.user).select_related("region", "department"))
    for campaign in campaigns:
        campaign.state = _state(campaign.start, campaign.end, on)
        campaign.state_label = STATE_LABELS[campaign.state]
        campaign.current_phases = [p["name"] for p in campaign.phases
                                   if p["start"] <= on.isoformat() <= p["end"]]
        campaign.preset_label = PRESETS[campaign.preset]["label"] if campaign.preset in PRESETS else ""
    return render(request, "campaigns/list.html", {
        "campaigns": campaigns, "today": on, "may_create": may_create_from_preset(request.user)})


@login_required
def campaign_detail(request, slug: str):
    campaign = get_object_or_404(Campaign.objects.visible_to(request.user).select_related("region", "department"),
                                 slug=slug)
    on = today()
    span = max((campaign.end - campaign.start).days + 1, 1)
    today_offset = None
    if campaign.start <= on <= campaign.end:
        today_offset = f"{(on - campaign.start).days / span * 100:.2f}"
    sign_off_labels = dict(SignOffLevel.choices)
    return render(request, "campaigns/detail.html", {
        "campaign": campaign,
        "today": on,
        "state_label": STATE_LABELS[_state(campaign.start, campaign.end, on)],
        "today_offset": today_offset,
        "phases": _phases(campaign, on),
        "duties": [describe_duty(d) for d in campaign.duties],
        "schedule_rows": [{**row, "describe": schedule.describe(row["item"])}
                          for row in schedule.upcoming(campaign, on)],
        "deadlines": _deadlines(campaign, on),
        "sign_offs": [(level, sign_off_labels.get(level, level)) for level in campaign.sign_offs],
        "sector_rows": _sector_rows(campaign),
        "focus": _focus(campaign),
        "preset": PRESETS.get(campaign.preset),
        "may_write": services.can_write_campaign(request.user, campaign.region_id, campaign.department_id),
    })


@login_required
def campaign_create(request):
    if not may_create_from_preset(request.user):
        raise PermissionDenied("只有安委办或系统管理员可以从预设创建专项行动。")
    initial = {"preset": request.GET.get("preset")} if request.GET.get("preset") in PRESETS else None
    form = PresetCampaignForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=request.user, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已创建专项行动：{campaign.name}")
            return redirect("campaigns:detail", slug=campaign.slug)
    return render(request, "campaigns/form.html", {"form": form, "presets": PRESETS})
