"""Filing a report (DESIGN.md "Report", "Who may do what": reports): draft → submitted → received.

- A draft holds the computed cells (recomputed on every save while it is a draft) and the filer's corrections,
  each with its reason, beside them.
- Submitting recomputes once more, freezes `cells` and `rows`, and names 填表人 / 审核人 / 主要负责人; only a
  `leader` of the filing office or department (or an administrator) submits. From then on no figure changes;
  `difference()` shows how today's records would differ.
- Receiving is the safety office one level up: the parent region's office for a region's report, the office of
  the department's own region for a department's report.
"""
from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.audit.models import Action
from apps.audit.services import record, snapshot
from apps.campaigns.models import Campaign
from apps.core.errors import NotAllowed, StaleWrite
from apps.hazards.services import acting_memberships, is_admin
from apps.regions.models import Department, Region

from .compute import compute, template_or_error
from .models import Reminder, Report, ReportStatus

LEADER = "leader"


def _offices(actor, leader: bool = False) -> list[str]:
    return [m.region_id for m in acting_memberships(actor)
            if m.kind == "safety_office" and (not leader or m.role == LEADER)]


def _departments(actor, leader: bool = False) -> set[int]:
    ids: set[int] = set()
    for m in acting_memberships(actor):
        if m.kind == "department" and (not leader or m.role == LEADER):
            ids |= Department.descendants_of({m.department_id})
    return ids


def may_file(actor, *, region: Region | None = None, department: Department | None = None,
             leader: bool = False) -> bool:
    """The filing office (of exactly that region) or the department itself (or a unit above it)."""
    if is_admin(actor):
        return True
    if region is not None:
        return region.code in _offices(actor, leader)
    return department is not None and department.pk in _departments(actor, leader)


def receiving_region(report: Report) -> str | None:
    if report.region_id:
        return report.region.parent_id
    return report.department.region_id


def may_receive(actor, report: Report) -> bool:
    if is_admin(actor):
        return True
    target = receiving_region(report)
    return target is not None and target in _offices(actor)


def may_view_scope(actor, *, region: Region | None = None, department: Department | None = None) -> bool:
    """Computing a form is reading the records of its scope: the scope's own filers and the offices above."""
    from apps.regions.scope import scope_for

    scope = scope_for(actor)
    if scope.everything:
        return True
    if region is not None:
        return scope.covers_region(region.code)
    return department.pk in scope.department_ids or scope.covers_region(department.region_id)


def _filled(report: Report) -> None:
    result = compute(report.template, report.campaign, report.as_of, region=report.region,
                     department=report.department)
    report.cells = result["cells"]
    report.rows = result.get("rows", [])
    report.computed_at = timezone.now()


def _locked(report: Report, version: int | None) -> Report:
    current = Report.objects.select_for_update(of=("self",)).get(pk=report.pk)
    if version is not None and int(version) != current.version:
        raise StaleWrite()
    return current


def _save(actor, report: Report, before: dict | None, action: str) -> Report:
    report.version = F("version") + 1
    report.save()
    report.refresh_from_db()
    record(actor=actor, action=action, instance=report, before=before,
           after=snapshot(report, exclude=("cells", "rows")) | {"cells": report.cells})
    return report


@transaction.atomic
def report_draft(*, actor, template: str, campaign: Campaign, as_of: datetime.date,
                 region: Region | None = None, department: Department | None = None) -> Report:
    template_or_error(template)
    if not may_file(actor, region=region, department=department):
        raise NotAllowed("只有填报地区的安委办或填报部门本身可以填报该报表。")
    if Report.objects.filter(template=template, campaign=campaign, region=region, department=department,
                             as_of=as_of).exists():
        raise ValidationError({"as_of": "该期报表已存在，请打开已有的报表。"})
    report = Report(template=template, campaign=campaign, region=region, department=department, as_of=as_of,
                    created_by=actor if getattr(actor, "is_authenticated", False) else None)
    _filled(report)
    report.save()
    record(actor=actor, action=Action.CREATE, instance=report,
           after=snapshot(report, exclude=("cells", "rows")) | {"cells": report.cells})
    return report


def _template_keys(report: Report) -> set[str]:
    template = template_or_error(report.template)
    return {cell.key for cell in template.cells} | set(report.cells)


@transaction.atomic
def report_update(*, actor, report: Report, data: dict, version: int | None = None) -> Report:
    """A draft's corrections (`overrides`: {key: {"value", "reason"}}, `null` removes one) and names."""
    report = _locked(report, version)
    if not may_file(actor, region=report.region, department=report.department):
        raise NotAllowed("只有填报单位可以修改报表。")
    if report.status != ReportStatus.DRAFT:
        raise ValidationError({"status": "报表已报送，数字已冻结，不能再修改。"})
    before = snapshot(report, exclude=("cells", "rows"))
    if "overrides" in data:
        keys = _template_keys(report)
        overrides = dict(report.overrides)
        errors = []
        for key, override in (data["overrides"] or {}).items():
            if key not in keys:
                errors.append(f"{key}：报表中没有这一项")
                continue
            if override is None:
                overrides.pop(key, None)
                continue
            value, reason = override.get("value"), str(override.get("reason") or "").strip()
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
                errors.append(f"{key}：更正值须为不小于 0 的数字")
            elif not reason:
                errors.append(f"{key}：更正须说明理由")
            else:
                overrides[key] = {"value": value, "reason": reason}
        if errors:
            raise ValidationError({"overrides": errors})
        report.overrides = overrides
    for name in ("preparer", "reviewer", "principal"):
        if name in data:
            setattr(report, name, str(data[name] or "").strip()[:50])
    _filled(report)
    return _save(actor, report, before, Action.UPDATE)


@transaction.atomic
def report_recompute(*, actor, report: Report) -> Report:
    report = _locked(report, None)
    if not may_file(actor, region=report.region, department=report.department):
        raise NotAllowed("只有填报单位可以重新计算报表。")
    if report.status != ReportStatus.DRAFT:
        raise ValidationError({"status": "报表已报送，数字已冻结。"})
    _filled(report)
    report.save(update_fields=["cells", "rows", "computed_at"])
    return report


def _moment(actor, at):
    """When a step happened: now, or — for an administrator loading a past campaign's history — the time given."""
    if at is None:
        return timezone.now()
    if not is_admin(actor):
        raise NotAllowed("只有系统管理员导入历史记录时可以指定报送或接收时间。")
    if at > timezone.now():
        raise ValidationError({"submitted_at": "时间不能晚于现在。"})
    return at


@transaction.atomic
def report_submit(*, actor, report: Report, preparer: str = "", reviewer: str = "", principal: str = "",
                  version: int | None = None, at: datetime.datetime | None = None) -> Report:
    report = _locked(report, version)
    if not may_file(actor, region=report.region, department=report.department, leader=True):
        raise NotAllowed("报表须由填报单位的主要负责人（负责人角色）报送。")
    if report.status != ReportStatus.DRAFT:
        raise ValidationError({"status": "报表已报送。"})
    before = snapshot(report, exclude=("cells", "rows"))
    report.preparer = (preparer or report.preparer).strip()[:50]
    report.reviewer = (reviewer or report.reviewer).strip()[:50]
    report.principal = (principal or report.principal).strip()[:50]
    missing = {name: "报送前须填写" + label for name, label in
               (("preparer", "填表人"), ("reviewer", "审核人"), ("principal", "主要负责人"))
               if not getattr(report, name)}
    if missing:
        raise ValidationError(missing)
    _filled(report)
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = _moment(actor, at)
    report.submitted_by = actor if getattr(actor, "is_authenticated", False) else None
    return _save(actor, report, before, Action.TRANSITION)


@transaction.atomic
def report_receive(*, actor, report: Report, version: int | None = None,
                   at: datetime.datetime | None = None) -> Report:
    report = _locked(report, version)
    if not may_receive(actor, report):
        raise NotAllowed("只有上一级安委办可以接收该报表。")
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError({"status": "只有已报送的报表可以接收。"})
    before = snapshot(report, exclude=("cells", "rows"))
    report.status = ReportStatus.RECEIVED
    report.received_at = max(_moment(actor, at), report.submitted_at)
    report.received_by = actor if getattr(actor, "is_authenticated", False) else None
    return _save(actor, report, before, Action.TRANSITION)


def difference(report: Report) -> dict:
    """For a frozen report: {key: {"submitted", "now"}} for every cell today's records would change."""
    if report.status == ReportStatus.DRAFT:
        return {}
    now = compute(report.template, report.campaign, report.as_of, region=report.region,
                  department=report.department)["cells"]
    return {key: {"submitted": report.cells.get(key), "now": value}
            for key, value in now.items() if report.cells.get(key) != value}


@transaction.atomic
def remind(*, actor, template: str, campaign: Campaign, as_of: datetime.date, region: Region | None = None,
           department: Department | None = None, note: str = "") -> Reminder:
    """催报 by the receiving office."""
    probe = Report(template=template, campaign=campaign, region=region, department=department, as_of=as_of)
    if not may_receive(actor, probe):
        raise NotAllowed("只有上一级安委办可以催报。")
    if Reminder.objects.filter(report_template=template, campaign=campaign, region=region, department=department,
                               as_of=as_of, sent_at__date=timezone.localdate()).exists():
        raise ValidationError({"as_of": "今天已就该期报表催报过，请勿重复催报。"})
    reminder = Reminder.objects.create(report_template=template, campaign=campaign, region=region,
                                       department=department, as_of=as_of, note=note,
                                       sent_by=actor if getattr(actor, "is_authenticated", False) else None)
    record(actor=actor, action=Action.CREATE, instance=reminder, after=snapshot(reminder))
    return reminder


def expected_filers(template: str, region: Region, campaign: Campaign | None = None) -> list:
    """Who files `template` to the office of `region`: the child regions the form names (许昌 附件3 「仅限各县
    市区填报」: counties, not townships — `Template.filer_max_level`), and the region's own top-level departments
    (a subordinate unit's work is its parent's) that file it in the campaign (福州's line form: only those of the
    issuing department's kind)."""
    from .rankings import files_template
    from .templates import DEPARTMENT, REGION

    t = template_or_error(template)
    filers: list = []
    if REGION in t.scopes and not t.line:
        children = Region.objects.filter(parent=region).order_by("code")
        if t.filer_max_level:
            children = children.filter(level__lte=t.filer_max_level)
        filers += [r for r in children if campaign is None or files_template(campaign, template, region=r)]
    if DEPARTMENT in t.scopes:
        departments = Department.objects.filter(region=region, parent__isnull=True).select_related("region")
        filers += [d for d in departments.order_by("kind", "name")
                   if campaign is None or files_template(campaign, template, department=d)]
    return filers


def submission_board(template: str, campaign: Campaign, region: Region, as_of: datetime.date,
                     due: datetime.date | None = None, today: datetime.date | None = None) -> list[dict]:
    """Per expected filer of one period: its report (if any), status, and whether it is late or missing."""
    today = today or timezone.localdate()
    filers = expected_filers(template, region, campaign)
    reports = Report.objects.filter(template=template, campaign=campaign, as_of=as_of)
    by_filer = {(r.region_id, r.department_id): r for r in reports}
    reminders = {}
    for rem in Reminder.objects.filter(report_template=template, campaign=campaign, as_of=as_of):
        reminders.setdefault((rem.region_id, rem.department_id), rem)
    board = []
    for filer in filers:
        key = (filer.pk, None) if isinstance(filer, Region) else (None, filer.pk)
        report = by_filer.get(key)
        submitted = report is not None and report.status != ReportStatus.DRAFT
        submitted_on = timezone.localdate(report.submitted_at) if submitted and report.submitted_at else None
        late = bool(due) and ((submitted_on and submitted_on > due) or (not submitted and today > due))
        board.append({"filer": filer, "report": report,
                      "status": report.status if report else "missing",
                      "late": bool(late), "missing": not submitted, "reminder": reminders.get(key)})
    return board
