"""The report pages (DESIGN.md "Report", "Who may do what": reports), for the acting membership:

- `/reports/` 报表填报: the forms the office or department files in the campaigns covering it, period by period,
  with their status, a 填报 button that makes the draft, or 打开;
- `/reports/<id>/` the form laid out like the official table: each cell's computed value, and for a draft a
  corrected value with its reason beside it; the signers; 重新计算, 报送 (a leader), 接收 (the level above),
  导出 Excel; for a frozen report the difference from today's records;
- `/reports/board/` 报送情况: who of the filers below has submitted, is late or missing, with 接收 and 催报;
- `/reports/rankings/` 排名通报: the week and month rankings (`rankings.py`).

The services decide every write: a ValidationError goes back on the form, a NotAllowed shows the 403 page with
its message, a StaleWrite answers 409 with the input kept. A report outside `Report.objects.visible_to` is 404.
Submission periods come from `rankings.filing_periods` (the campaign's schedule, else month ends)."""
from __future__ import annotations

import datetime
import importlib.util

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from apps.campaigns import schedule
from apps.campaigns.models import Campaign
from apps.core.errors import NotAllowed, StaleWrite
from apps.core.forms import add_service_errors
from apps.core.replica import reading_from_replica
from apps.hazards.models import today
from apps.regions.models import Department, Region

from . import rankings as ranking
from . import services
from .forms import BoardForm, DraftForm, RankingForm, RemindForm, ReportForm, SignersForm
from .models import Reminder, Report, ReportStatus
from .templates import TEMPLATES

RECENT_PERIODS = 4

STATUS_LABELS = {"missing": "未填报", **dict(ReportStatus.choices)}
BOARD_LABELS = {"missing": "未报送", **dict(ReportStatus.choices)}


def template_label(code: str) -> str:
    t = TEMPLATES[code]
    return f"{t.name} {t.title}"


def _acting(request):
    return getattr(request.user, "acting_membership", None)


def _filer_of(request) -> dict | None:
    """The filer the acting membership files for: {"region": R} for a safety office, {"department": D} for a
    department; None for any other kind."""
    m = _acting(request)
    if m is None:
        return None
    if m.kind == "safety_office":
        return {"region": m.region}
    if m.kind == "department":
        return {"department": m.department}
    return None


def _office_region(request) -> Region:
    m = _acting(request)
    if m is None or m.kind != "safety_office":
        raise NotAllowed("报送情况和排名通报由安委办查看：请切换为安委办身份。")
    return m.region


def _is_office(request) -> bool:
    m = _acting(request)
    return m is not None and m.kind == "safety_office"


def _export_available() -> bool:
    return importlib.util.find_spec("apps.reports.xlsx") is not None


def _next_url(request, fallback: str) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return fallback


# --- 报表填报 -------------------------------------------------------------------------------------------------------

def _filer_campaigns(filer: dict, on: datetime.date) -> list[Campaign]:
    """The campaigns covering the filer today in which it reports upward: a department in any campaign covering
    its region; an office in the campaigns of the regions above it (the campaign's own region receives)."""
    if "department" in filer:
        return list(Campaign.objects.covering(filer["department"].region_id, on).select_related("department"))
    region = filer["region"]
    return [c for c in Campaign.objects.covering(region.code, on).select_related("department")
            if c.region_id != region.code]


def _period_rows(campaign, code: str, reports: dict, on: datetime.date) -> list[dict]:
    periods = ranking.filing_periods(campaign, code)
    current = ranking.current_period(campaign, code, on)
    if current is not None:
        periods = [p for p in periods if p[0] <= current[0]]
    shown = dict(periods[-RECENT_PERIODS:])
    for (template, as_of), _report in reports.items():  # reports of older or off-schedule dates stay listed
        if template == code and as_of not in shown:
            shown[as_of] = dict(periods).get(as_of)
    rows = []
    for as_of in sorted(shown, reverse=True):
        due = shown[as_of]
        report = reports.get((code, as_of))
        status = report.status if report else "missing"
        submitted_on = today_of(report.submitted_at) if report and report.submitted_at else None
        rows.append({
            "as_of": as_of, "due": due, "report": report, "status": status, "status_label": STATUS_LABELS[status],
            "late": bool(due and ((submitted_on and submitted_on > due)
                                  or (status in ("missing", ReportStatus.DRAFT) and on > due))),
            "current": current is not None and as_of == current[0],
        })
    return rows


def today_of(moment) -> datetime.date:
    return timezone.localdate(moment)


@login_required
def report_index(request):
    filer = _filer_of(request)
    on = today()
    blocks = []
    own_campaigns = []
    unit_of = None
    if filer is not None and "department" in filer and filer["department"].parent_id:
        unit_of = filer["department"].parent
    elif filer is not None:
        campaigns = _filer_campaigns(filer, on)
        reports = {}
        for report in Report.objects.filter(campaign__in=campaigns, region=filer.get("region"),
                                            department=filer.get("department")):
            reports.setdefault(report.campaign_id, {})[(report.template, report.as_of)] = report
        for campaign in campaigns:
            templates = []
            for code in ranking.filed_templates(campaign, **filer):
                item = schedule.schedule_item(campaign, code) if campaign.schedule else None
                templates.append({
                    "code": code, "template": TEMPLATES[code],
                    "schedule": schedule_text(item),
                    "rows": _period_rows(campaign, code, reports.get(campaign.pk, {}), on),
                })
            blocks.append({"campaign": campaign, "templates": templates})
        if "region" in filer:
            own_campaigns = list(Campaign.objects.filter(region=filer["region"], start__lte=on, end__gte=on))
    return render(request, "reports/index.html", {
        "filer": filer, "blocks": blocks, "own_campaigns": own_campaigns, "unit_of": unit_of,
        "is_office": _is_office(request), "section_tab": "index", "today": on,
    })


def schedule_text(item) -> str:
    if item is None:
        return "每月月末截止，当日前报送（专项行动未规定报送安排）"
    return schedule.describe(item)


@require_POST
@login_required
def report_create(request):
    """填报: the draft of one period, computed now; an existing one is opened instead."""
    filer = _filer_of(request)
    form = DraftForm(request.POST)
    if filer is None:
        raise NotAllowed("只有安委办或部门可以填报报表。")
    if not form.is_valid():
        messages.error(request, "请选择统计截止日期。")
        return redirect("reports:index")
    data = form.cleaned_data
    campaign = next((c for c in _filer_campaigns(filer, today()) if c.slug == data["campaign"]), None)
    if campaign is None or not ranking.files_template(campaign, data["template"], **filer):
        raise Http404("没有这项报表。")
    if not campaign.start <= data["as_of"] <= campaign.end:
        messages.error(request, f"统计截止日期须在专项行动期间（{campaign.start}～{campaign.end}）内。")
        return redirect("reports:index")
    existing = Report.objects.filter(template=data["template"], campaign=campaign, as_of=data["as_of"],
                                     region=filer.get("region"), department=filer.get("department")).first()
    if existing is not None:
        return redirect("reports:detail", pk=existing.pk)
    try:
        report = services.report_draft(actor=request.user, template=data["template"], campaign=campaign,
                                       as_of=data["as_of"], **filer)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("reports:index")
    messages.success(request, f"已按当前记录生成 {data['as_of']} 的报表草稿，请核对。")
    return redirect("reports:detail", pk=report.pk)


# --- the report page ------------------------------------------------------------------------------------------------

def _report_or_404(request, pk: int) -> Report:
    return get_object_or_404(
        Report.objects.visible_to(request.user).select_related("campaign", "region", "department__region",
                                                              "submitted_by", "received_by"),
        pk=pk)


def _form_for(report, data=None):
    template = TEMPLATES[report.template]
    form_class = SignersForm if template.list_form else ReportForm
    return form_class(data, report=report, template=template)


DIGITS = "零一二三四五六七八九"


def numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 28 → 二十八 (section numbers as the forms print them)."""
    if n < 10:
        return DIGITS[n]
    tens, ones = divmod(n, 10)
    return f"{DIGITS[tens] if tens > 1 else ''}十{DIGITS[ones] if ones else ''}"


def figure_text(cell, value) -> str:
    if value is None:
        return "—"
    if cell.unit == "是否":
        return "是" if value else "否"
    return str(value)


def _sections(report, form, editing: bool) -> list[dict]:
    template = TEMPLATES[report.template]
    sections = []
    for section in template.sections:
        rows, seen = [], set()
        for cell in section.cells:
            parts = cell.key.split(".")
            number = parts[1] if len(parts) > 1 else parts[0]
            display = "" if (number in seen or cell.key.endswith("of_which")) else number
            seen.add(number)
            override = report.overrides.get(cell.key)
            row = {"cell": cell, "number": display, "computed": report.cells.get(cell.key),
                   "override": override, "value": report.value(cell.key),
                   "computed_text": figure_text(cell, report.cells.get(cell.key)),
                   "value_text": figure_text(cell, report.value(cell.key))}
            if editing:
                row["value_field"], row["reason_field"] = form.cell_fields(cell.key)
            rows.append(row)
        sections.append({"number": section.number, "numeral": numeral(section.number), "title": section.title,
                         "rows": rows})
    return sections


def _difference_rows(report) -> list[dict]:
    template = TEMPLATES[report.template]
    diff = services.difference(report)
    rows = []
    for cell in template.cells:
        if cell.key in diff:
            change = diff[cell.key]
            delta = None
            if isinstance(change["now"], (int, float)) and isinstance(change["submitted"], (int, float)):
                delta = round(change["now"] - change["submitted"], 4)
            rows.append({"cell": cell, "submitted": change["submitted"], "now": change["now"], "delta": delta,
                         "override": report.overrides.get(cell.key)})
    return rows


def _render_report(request, report, form=None, status=200):
    template = TEMPLATES[report.template]
    draft = report.status == ReportStatus.DRAFT
    may_edit = draft and services.may_file(request.user, region=report.region, department=report.department)
    may_submit = draft and services.may_file(request.user, region=report.region, department=report.department,
                                             leader=True)
    may_receive = report.status == ReportStatus.SUBMITTED and services.may_receive(request.user, report)
    if may_edit and form is None:
        form = _form_for(report)
    due = ranking.due_of(report.campaign, report.template, report.as_of)
    submitted_on = today_of(report.submitted_at) if report.submitted_at else None
    late = bool(due and ((submitted_on and submitted_on > due) or (draft and today() > due)))
    reminders = list(Reminder.objects.filter(report_template=report.template, campaign=report.campaign,
                                             as_of=report.as_of, region=report.region,
                                             department=report.department)[:5])
    context = {
        "report": report, "template": template, "form": form if may_edit else None,
        "sections": _sections(report, form, may_edit) if not template.list_form else [],
        "may_edit": may_edit, "may_submit": may_submit, "may_receive": may_receive,
        "status_label": STATUS_LABELS[report.status], "due": due, "late": late,
        "difference": _difference_rows(report) if not draft and not template.list_form else [],
        "difference_rows": _rows_changed(report) if not draft and template.list_form else None,
        "corrections": len(report.overrides), "reminders": reminders,
        "export_available": _export_available(),
        "receiving": _receiving_name(report),
    }
    return render(request, "reports/detail.html", context, status=status)


def _rows_changed(report) -> bool:
    from .compute import compute

    now = compute(report.template, report.campaign, report.as_of, region=report.region,
                  department=report.department)
    return now.get("rows", []) != report.rows


def _receiving_name(report) -> str:
    code = services.receiving_region(report)
    region = Region.objects.filter(code=code).first() if code else None
    return f"{region.name}安委办" if region else "上一级安委办"


@login_required
def report_detail(request, pk: int):
    report = _report_or_404(request, pk)
    if request.method != "POST":
        return _render_report(request, report)
    return _save_or_submit(request, report, submit=False)


@require_POST
@login_required
def report_submit(request, pk: int):
    report = _report_or_404(request, pk)
    return _save_or_submit(request, report, submit=True)


def _save_or_submit(request, report, *, submit: bool):
    """保存 (the corrections and signers) or 报送 (the same, then frozen) in one transaction."""
    if report.status != ReportStatus.DRAFT:
        messages.error(request, "报表已报送，数字已冻结，不能再修改。")
        return redirect("reports:detail", pk=report.pk)
    if not services.may_file(request.user, region=report.region, department=report.department, leader=submit):
        raise NotAllowed("报表须由填报单位的主要负责人（负责人角色）报送。" if submit else "只有填报单位可以修改报表。")
    form = _form_for(report, request.POST)
    if not form.is_valid():
        return _render_report(request, report, form, status=400)
    try:
        with transaction.atomic():
            saved = services.report_update(actor=request.user, report=report, data=form.changes(),
                                           version=form.cleaned_data["version"])
            if submit:
                saved = services.report_submit(actor=request.user, report=saved, version=saved.version)
    except StaleWrite as exc:
        form.add_error(None, exc.message)
        return _render_report(request, report, form, status=409)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _render_report(request, report, form, status=400)
    messages.success(request, "已报送，报表数字已冻结。" if submit else "已保存。")
    return redirect("reports:detail", pk=report.pk)


@require_POST
@login_required
def report_recompute(request, pk: int):
    report = _report_or_404(request, pk)
    if not services.may_file(request.user, region=report.region, department=report.department):
        raise NotAllowed("只有填报单位可以重新计算报表。")
    try:
        services.report_recompute(actor=request.user, report=report)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已按当前记录重新计算。")
    return redirect("reports:detail", pk=report.pk)


@require_POST
@login_required
def report_receive(request, pk: int):
    report = _report_or_404(request, pk)
    back = _next_url(request, reverse("reports:detail", args=[report.pk]))
    try:
        services.report_receive(actor=request.user, report=report)
    except StaleWrite as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已接收 {report.filer} {report.as_of} 的{TEMPLATES[report.template].name}。")
    return redirect(back)


@login_required
def campaign_summary(request, slug: str):
    """总结评估报告 (.docx) of a campaign for the acting filer (its region's whole caliber, or a department's own
    work), counted up to `?as_of=` (default today, at most the campaign's end)."""
    from apps.core.http import docx_response

    from .docx import document_bytes, summary_document, summary_filename

    filer = _filer_of(request)
    if filer is None:
        raise PermissionDenied("总结评估报告由安委办或部门按本级导出。")
    campaign = get_object_or_404(Campaign.objects.visible_to(request.user), slug=slug)
    scope = filer.get("region") or filer.get("department")
    code = scope.code if "region" in filer else scope.region_id
    if not code.startswith(campaign.region_id):
        raise Http404("该专项行动不覆盖本单位。")
    try:
        as_of = datetime.date.fromisoformat(request.GET.get("as_of") or "")
    except ValueError:
        as_of = today()
    as_of = min(max(as_of, campaign.start), campaign.end)
    with reading_from_replica():
        document = summary_document(campaign, scope, as_of)
    return docx_response(document_bytes(document), summary_filename(campaign, scope), "summary.docx")


@login_required
def report_export(request, pk: int):
    """The official .xlsx of this report as filed: its frozen or draft figures, corrections included."""
    from .exports import export_response

    report = _report_or_404(request, pk)
    if not _export_available():
        raise Http404("导出功能暂不可用。")
    result = {"cells": report.cells, "rows": report.rows}
    return export_response(report.template, report.campaign, report.filer, report.as_of, result, report=report)


# --- 报送情况 --------------------------------------------------------------------------------------------------------

def _office_campaigns(region: Region, on: datetime.date, limit: int = 10) -> list[Campaign]:
    """The campaigns of this region and the regions above it: those running today first, then the latest."""
    prefixes = [region.code[:n] for n in (2, 4, 6, 9, 12) if n <= len(region.code)]
    campaigns = list(Campaign.objects.filter(region_id__in=prefixes).select_related("department")
                     .order_by("-start")[:limit])
    return sorted(campaigns, key=lambda c: not (c.start <= on <= c.end))


def _board_templates(campaign) -> list[str]:
    """The forms filed in the campaign: its schedule's, else every form."""
    return ranking.scheduled_templates(campaign) if campaign.schedule else list(TEMPLATES)


def _pick(value, options, default):
    return value if value in options else default


@login_required
def board(request):
    region = _office_region(request)
    on = today()
    campaigns = _office_campaigns(region, on)
    if not campaigns:
        return render(request, "reports/board.html", {"region": region, "form": None, "section_tab": "board"})
    campaign = next((c for c in campaigns if c.slug == request.GET.get("campaign")), campaigns[0])
    codes = _board_templates(campaign)
    code = _pick(request.GET.get("template"), codes, codes[0] if codes else None)
    periods = [p for p in ranking.filing_periods(campaign, code) if p[0] <= on + datetime.timedelta(days=40)] \
        if code else []
    current = ranking.current_period(campaign, code, on) if code else None
    by_iso = {as_of.isoformat(): (as_of, due) for as_of, due in periods}
    chosen = by_iso.get(request.GET.get("as_of") or "") or current
    form = BoardForm(
        {"campaign": campaign.slug, "template": code or "", "as_of": chosen[0].isoformat() if chosen else ""},
        campaigns=[(c.slug, c.name) for c in campaigns],
        templates=[(c, template_label(c)) for c in codes],
        periods=[(a.isoformat(), f"{a.isoformat()}（{d:%m-%d} 前报）") for a, d in reversed(periods)],
    )
    rows, counts = [], {}
    if code and chosen:
        as_of, due = chosen
        board_rows = services.submission_board(code, campaign, region, as_of, due=due, today=on)
        for row in board_rows:
            filer = row["filer"]
            scope = {"region": filer} if isinstance(filer, Region) else {"department": filer}
            if not ranking.files_template(campaign, code, **scope):
                continue
            report = row["report"]
            row["status_label"] = BOARD_LABELS[row["status"]]
            row["kind"] = "region" if isinstance(filer, Region) else "department"
            row["may_receive"] = report is not None and report.status == ReportStatus.SUBMITTED and \
                services.may_receive(request.user, report)
            row["may_remind"] = row["missing"]
            rows.append(row)
        counts = {
            "expected": len(rows),
            "submitted": sum(1 for r in rows if not r["missing"]),
            "received": sum(1 for r in rows if r["status"] == ReportStatus.RECEIVED),
            "draft": sum(1 for r in rows if r["status"] == ReportStatus.DRAFT),
            "missing": sum(1 for r in rows if r["missing"]),
            "late": sum(1 for r in rows if r["late"]),
        }
    return render(request, "reports/board.html", {
        "region": region, "form": form, "campaign": campaign, "code": code,
        "template": TEMPLATES[code] if code else None, "period": chosen, "rows": rows, "counts": counts,
        "today": on, "section_tab": "board", "is_office": True,
    })


@require_POST
@login_required
def board_remind(request):
    """催报: the receiving office reminds one filer of one period."""
    region = _office_region(request)
    form = RemindForm(request.POST)
    if not form.is_valid():
        messages.error(request, "催报信息不完整。")
        return redirect("reports:board")
    data = form.cleaned_data
    campaign = next((c for c in _office_campaigns(region, today()) if c.slug == data["campaign"]), None)
    if campaign is None or data["template"] not in TEMPLATES:
        raise Http404("没有这项报表。")
    target = {}
    if data.get("region"):
        target["region"] = get_object_or_404(Region, code=data["region"])
    elif data.get("department"):
        target["department"] = get_object_or_404(Department, pk=data["department"])
    else:
        raise Http404("没有催报对象。")
    reminder = services.remind(actor=request.user, template=data["template"], campaign=campaign,
                               as_of=data["as_of"], note=data.get("note") or "", **target)
    name = (reminder.region or reminder.department).name
    messages.success(request, f"已向{name}催报。")
    back = reverse("reports:board") + f"?campaign={campaign.slug}&template={data['template']}" \
                                       f"&as_of={data['as_of'].isoformat()}"
    return redirect(back)


# --- 排名通报 --------------------------------------------------------------------------------------------------------

@login_required
def rankings_page(request):
    region = _office_region(request)
    on = today()
    campaigns = _office_campaigns(region, on)
    if not campaigns:
        return render(request, "reports/rankings.html", {"region": region, "form": None,
                                                         "section_tab": "rankings", "is_office": True})
    data = {"campaign": campaigns[0].slug, "period": ranking.WEEK, "measure": ranking.RATE,
            "on": on.isoformat()}
    data.update({k: v for k, v in request.GET.items() if k in data and v})
    form = RankingForm(data, campaigns=[(c.slug, c.name) for c in campaigns], today=on)
    result = None
    if form.is_valid():
        campaign = next(c for c in campaigns if c.slug == form.cleaned_data["campaign"])
        with reading_from_replica():
            result = ranking.rankings(campaign, region, form.cleaned_data["on"],
                                      period=form.cleaned_data["period"] or ranking.WEEK,
                                      measure=form.cleaned_data["measure"] or ranking.RATE)
    return render(request, "reports/rankings.html", {
        "region": region, "form": form, "result": result, "section_tab": "rankings", "is_office": True,
        "region_chart": ranking.chart_data(result.regions, result.measure) if result else None,
        "department_chart": ranking.chart_data(result.departments, result.measure) if result else None,
        "measures": ranking.MEASURES,
    })
