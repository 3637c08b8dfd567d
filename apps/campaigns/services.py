"""Writes to campaigns: who may, what a preset supplies, and the validation of every JSON structure (API.md
`campaigns/`). Each write checks rights, validates the whole campaign, saves and audits in one transaction.

Who may write (API.md): a system administrator; a safety office for a campaign whose region lies in its
subtree; a department `leader` for a campaign whose issuing `department` is in its D* (福州's 市建设局 plan).
Errors name the field and, inside a list, the item (1-based): `{"phases": ["第2项：结束日期早于开始日期"]}`.
"""
from __future__ import annotations

import calendar
import copy
import datetime
import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from apps.audit.services import record_change, snapshot
from apps.core.errors import NotAllowed, StaleWrite
from apps.enterprises.models import FLAGS
from apps.regions.models import Department, Sector
from apps.regions.scope import DEPARTMENT, scope_for

from .models import Campaign, SignOffLevel
from .presets import DEADLINE_LEVELS, PRESETS, SUPPLIED
from .schedule import LAST, TEMPLATES

DUTY_KINDS = {"principal_inspection": "主要负责人带队检查", "drill": "事故应急救援预案演练"}
DUTY_PERIODS = {"campaign": "专项行动期间", "half_year": "每半年", "quarter": "每季度", "month": "每月"}
JSON_FIELDS = ["phases", "duties", "sign_offs", "schedule", "sector_rows", "focus", "deadlines"]
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
WRITE_REFUSED = "只有系统管理员、开展地区（或其上级）的安委办，或印发部门的负责人可以维护该专项行动。"


# --- who may write --------------------------------------------------------------------------------------------

def _memberships(user) -> list:
    acting = getattr(user, "acting_membership", None)
    if acting is not None:
        return [acting]
    return list(user.memberships.all()) if getattr(user, "is_authenticated", False) else []


def leader_department_ids(user) -> set[int]:
    """D* of every department the user leads (the interface: only the membership they act for)."""
    roots = {m.department_id for m in _memberships(user)
             if m.kind == DEPARTMENT and m.role == "leader" and m.department_id}
    return Department.descendants_of(roots) if roots else set()


def may_write_some_campaign(user) -> bool:
    scope = scope_for(user)
    return scope.everything or bool(scope.office_region_codes) or bool(leader_department_ids(user))


def can_write_campaign(user, region_code: str, department_id: int | None) -> bool:
    if scope_for(user).manages_region(region_code):
        return True
    return department_id is not None and department_id in leader_department_ids(user)


# --- presets --------------------------------------------------------------------------------------------------

def _shift(day: str, delta: datetime.timedelta, months: int) -> str:
    """Move a date by whole months (a month's last day stays its month's last day, 31 clamps to 30) or by days."""
    d = datetime.date.fromisoformat(day)
    if not months:
        return (d + delta).isoformat()
    year, month = divmod(d.year * 12 + d.month - 1 + months, 12)
    length = calendar.monthrange(year, month + 1)[1]
    month_end = d.day == calendar.monthrange(d.year, d.month)[1]
    return datetime.date(year, month + 1, length if month_end else min(d.day, length)).isoformat()


def preset_values(code: str, start: datetime.date | None = None, end: datetime.date | None = None) -> dict:
    """What preset `code` supplies, dated as its plan dates it. With `start`, every date of the plan moves with
    it: by whole months when `start` falls on the plan's own day of month (so 「8月底前」 stays a month end, and
    another year keeps every date), otherwise by days. With `end`, the phases are cut to it."""
    preset = PRESETS[code]
    values = {key: copy.deepcopy(preset[key]) for key in SUPPLIED}
    plan_start = datetime.date.fromisoformat(preset["start"])
    months = 0
    delta = datetime.timedelta(0)
    if start is not None and start != plan_start:
        if start.day == plan_start.day:
            months = (start.year - plan_start.year) * 12 + start.month - plan_start.month
        else:
            delta = start - plan_start
        values["start"] = start.isoformat()
        values["end"] = _shift(values["end"], delta, months)
        for phase in values["phases"]:
            phase["start"] = _shift(phase["start"], delta, months)
            phase["end"] = _shift(phase["end"], delta, months)
        for deadline in values["deadlines"]:
            deadline["due"] = _shift(deadline["due"], delta, months)
        for item in values["schedule"]:
            if item.get("reports_from"):
                item["reports_from"] = _shift(item["reports_from"], delta, months)
    if end is not None:
        values["end"] = end.isoformat()
    first, last = values["start"], values["end"]
    phases = []
    for phase in values["phases"]:
        phase["start"], phase["end"] = max(phase["start"], first), min(phase["end"], last)
        if phase["start"] <= phase["end"]:
            phases.append(phase)
    values["phases"] = phases
    values["start"] = datetime.date.fromisoformat(values["start"])
    values["end"] = datetime.date.fromisoformat(values["end"])
    return values


# --- validation -----------------------------------------------------------------------------------------------

class _Errors:
    """Messages of one field, each naming its item."""

    def __init__(self):
        self.messages: list[str] = []

    def add(self, index: int | None, message: str) -> None:
        self.messages.append(f"第{index + 1}项：{message}" if index is not None else message)


def _date(value, errors: _Errors, index: int, what: str) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    errors.add(index, f"{what}应为 YYYY-MM-DD 格式的日期")
    return None


def _text(item: dict, key: str, errors: _Errors, index: int, what: str, required: bool = True) -> str:
    value = item.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.add(index, f"{what}应为文字")
        return ""
    value = value.strip()
    if required and not value:
        errors.add(index, f"请填写{what}")
    return value


def _keys(item, allowed: set[str], errors: _Errors, index: int) -> bool:
    if not isinstance(item, dict):
        errors.add(index, "应为对象（{…}）")
        return False
    unknown = sorted(set(item) - allowed)
    if unknown:
        errors.add(index, f"不认识的键：{'、'.join(unknown)}（可用：{'、'.join(sorted(allowed))}）")
    return True


def _code(item: dict, errors: _Errors, index: int, seen: set[str], what: str = "代码") -> str:
    code = _text(item, "code", errors, index, what)
    if code and not CODE_RE.match(code):
        errors.add(index, f"{what}“{code}”只能由小写字母、数字、“_”“.”“-”组成")
    elif code in seen:
        errors.add(index, f"{what}“{code}”重复")
    seen.add(code)
    return code


def _list(value, errors: _Errors) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        errors.add(None, "应为列表（[…]）")
        return []
    return value


def _strings(value, errors: _Errors, index: int, what: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.add(index, f"{what}应为文字列表")
        return []
    return [v.strip() for v in value if v.strip()]


def clean_phases(value, start: datetime.date | None, end: datetime.date | None) -> tuple[list, list[str]]:
    errors, seen, result = _Errors(), set(), []
    for i, item in enumerate(_list(value, errors)):
        if not _keys(item, {"code", "name", "start", "end", "summary", "tasks"}, errors, i):
            continue
        phase = {"code": _code(item, errors, i, seen, "阶段代码"), "name": _text(item, "name", errors, i, "阶段名称")}
        first = _date(item.get("start"), errors, i, "开始日期")
        last = _date(item.get("end"), errors, i, "结束日期")
        if first and last:
            if last < first:
                errors.add(i, "结束日期早于开始日期")
            elif start and end and (first < start or last > end):
                errors.add(i, f"阶段日期须在专项行动期间（{start.isoformat()} 至 {end.isoformat()}）内")
        phase["start"] = first.isoformat() if first else None
        phase["end"] = last.isoformat() if last else None
        summary = _text(item, "summary", errors, i, "阶段说明", required=False)
        if summary:
            phase["summary"] = summary
        if item.get("tasks") is not None:
            phase["tasks"] = _clean_tasks(item["tasks"], errors, i)
        result.append(phase)
    return result, errors.messages


def _clean_tasks(value, errors: _Errors, index: int) -> list:
    if not isinstance(value, list):
        errors.add(index, "重点工作（tasks）应为列表")
        return []
    blocks = []
    for n, block in enumerate(value, start=1):
        if not isinstance(block, dict) or not isinstance(block.get("level"), str) or not block["level"].strip():
            errors.add(index, f"重点工作第{n}块须含层面（level）")
            continue
        unknown = set(block) - {"section", "level", "items"}
        if unknown:
            errors.add(index, f"重点工作第{n}块有不认识的键：{'、'.join(sorted(unknown))}")
        section = block.get("section")
        if section is not None and (not isinstance(section, int) or isinstance(section, bool) or section < 1):
            errors.add(index, f"重点工作第{n}块的序号（section）应为正整数")
        items = _strings(block.get("items"), errors, index, f"重点工作第{n}块的事项（items）")
        blocks.append({"section": section, "level": block["level"].strip(), "items": items})
    return blocks


def clean_duties(value) -> tuple[list, list[str]]:
    errors, seen, result = _Errors(), set(), []
    for i, item in enumerate(_list(value, errors)):
        if not _keys(item, {"kind", "every", "times", "flags"}, errors, i):
            continue
        kind, every, times = item.get("kind"), item.get("every"), item.get("times", 1)
        if kind not in DUTY_KINDS:
            errors.add(i, f"类别（kind）应为 {' / '.join(DUTY_KINDS)}")
        if every not in DUTY_PERIODS:
            errors.add(i, f"频次周期（every）应为 {' / '.join(DUTY_PERIODS)}")
        if not isinstance(times, int) or isinstance(times, bool) or times < 1:
            errors.add(i, "次数（times）应为不小于 1 的整数")
        flags = item.get("flags") or []
        if not isinstance(flags, list) or not all(isinstance(f, str) for f in flags):
            errors.add(i, "企业类别（flags）应为列表")
            flags = []
        for flag in flags:
            if flag not in FLAGS:
                errors.add(i, f"企业类别“{flag}”不存在（可用：{'、'.join(FLAGS)}）")
        if len(set(flags)) != len(flags):
            errors.add(i, "企业类别（flags）重复")
        key = (kind, every, tuple(sorted(flags)))
        if key in seen:
            errors.add(i, "与前面的规则重复")
        seen.add(key)
        result.append({"kind": kind, "every": every, "times": times, "flags": flags})
    return result, errors.messages


def clean_sign_offs(value) -> tuple[list, list[str]]:
    errors, result = _Errors(), []
    for i, level in enumerate(_list(value, errors)):
        if level not in SignOffLevel.values:
            errors.add(i, f"签字层级“{level}”不存在（可用：{'、'.join(SignOffLevel.values)}）")
        elif level in result:
            errors.add(i, f"签字层级“{level}”重复")
        else:
            result.append(level)
    return result, errors.messages


def _day(value, allow_last: bool = True):
    if value in (LAST, 0) and allow_last:
        return LAST
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 31:
        return value
    return None


def clean_schedule(value) -> tuple[list, list[str]]:
    errors, seen, result = _Errors(), set(), []
    for i, item in enumerate(_list(value, errors)):
        if not _keys(item, {"template", "cutoff_days", "due_day", "reports_from"}, errors, i):
            continue
        template = item.get("template")
        if template not in TEMPLATES:
            errors.add(i, f"报表“{template}”不存在（可用：{'、'.join(TEMPLATES)}）")
        elif template in seen:
            errors.add(i, f"报表“{template}”重复")
        seen.add(template)
        cutoffs_in = item.get("cutoff_days") or []
        if not isinstance(cutoffs_in, list):
            errors.add(i, "截止日（cutoff_days）应为列表")
            cutoffs_in = []
        cutoffs = [_day(d) for d in cutoffs_in]
        if None in cutoffs:
            errors.add(i, "截止日（cutoff_days）应为 1–31 的整数或 \"last\"（月末）")
        elif len(set(cutoffs)) != len(cutoffs):
            errors.add(i, "截止日（cutoff_days）重复")
        due_in = item.get("due_day")
        due = None
        if cutoffs:
            dues = due_in if isinstance(due_in, list) else [due_in]
            days = [_day(d) for d in dues]
            if not dues or None in days:
                errors.add(i, "报送日（due_day）应为 1–31 的整数或 \"last\"（月末），或它们的列表")
            else:
                due = days if isinstance(due_in, list) else days[0]
        elif due_in not in (None, [], ""):
            errors.add(i, "没有截止日时不应填写报送日（due_day）")
        row = {"template": template, "cutoff_days": [d for d in cutoffs if d is not None], "due_day": due}
        if item.get("reports_from") not in (None, ""):
            first = _date(item["reports_from"], errors, i, "起报日期（reports_from）")
            if first:
                row["reports_from"] = first.isoformat()
        result.append(row)
    return result, errors.messages


def clean_sector_rows(value) -> tuple[list, list[str]]:
    """红河 附件2 rows: codes unique, parents among the rows, sectors in the tree; a sub-row's sectors lie inside
    its parent row's, and no sector falls in two top-level rows (each record must land in exactly one)."""
    errors, seen, result = _Errors(), set(), []
    items = _list(value, errors)
    known = set(Sector.objects.values_list("code", flat=True))
    for i, item in enumerate(items):
        if not _keys(item, {"code", "label", "parent", "order", "sectors"}, errors, i):
            continue
        row = {"code": _code(item, errors, i, seen, "行代码"), "label": _text(item, "label", errors, i, "行名称")}
        parent = item.get("parent") or None
        row["parent"] = parent
        order = item.get("order", i + 1)
        if not isinstance(order, int) or isinstance(order, bool):
            errors.add(i, "排序（order）应为整数")
            order = i + 1
        row["order"] = order
        sectors = item.get("sectors") or []
        if not isinstance(sectors, list) or not all(isinstance(s, str) for s in sectors):
            errors.add(i, "行业领域（sectors）应为行业领域代码的列表")
            sectors = []
        for code in sectors:
            if code not in known:
                errors.add(i, f"行业领域“{code}”不存在")
        if len(set(sectors)) != len(sectors):
            errors.add(i, "行业领域（sectors）重复")
        row["sectors"] = list(dict.fromkeys(sectors))
        result.append(row)
    codes = [r["code"] for r in result]
    index_of = {r["code"]: n for n, r in enumerate(result)}
    for i, row in enumerate(result):
        parent = row["parent"]
        if parent is None:
            continue
        if parent == row["code"]:
            errors.add(i, "上级行不能是本行")
        elif parent not in codes:
            errors.add(i, f"上级行“{parent}”不存在")
        elif result[index_of[parent]]["parent"] is not None:
            errors.add(i, f"上级行“{parent}”本身是下级行：只支持一级“其中”行")
    if errors.messages:
        return result, errors.messages
    covered = {r["code"]: Sector.with_descendants(r["sectors"]) for r in result}
    owner: dict[str, int] = {}
    for i, row in enumerate(result):
        if row["parent"] is None:
            for sector in sorted(covered[row["code"]]):
                if sector in owner:
                    errors.add(i, f"行业领域“{sector}”已归入第{owner[sector] + 1}项，不能同时归入两个行")
                    break
                owner[sector] = i
        elif not covered[row["code"]] <= covered[row["parent"]]:
            outside = sorted(covered[row["code"]] - covered[row["parent"]])
            errors.add(i, f"行业领域“{outside[0]}”不在上级行“{row['parent']}”的范围内")
    return result, errors.messages


def clean_focus(value) -> tuple[list, list[str]]:
    errors, result = _Errors(), []
    known = set(Sector.objects.values_list("code", flat=True))
    for i, item in enumerate(_list(value, errors)):
        if not _keys(item, {"label", "sectors", "items"}, errors, i):
            continue
        sectors = item.get("sectors") or []
        if not isinstance(sectors, list) or not all(isinstance(s, str) for s in sectors):
            errors.add(i, "行业领域（sectors）应为行业领域代码的列表")
            sectors = []
        for code in sectors:
            if code not in known:
                errors.add(i, f"行业领域“{code}”不存在")
        result.append({"label": _text(item, "label", errors, i, "重点领域名称"), "sectors": sectors,
                       "items": _strings(item.get("items"), errors, i, "重点事项（items）")})
    return result, errors.messages


def clean_deadlines(value) -> tuple[list, list[str]]:
    errors, seen, result = _Errors(), set(), []
    for i, item in enumerate(_list(value, errors)):
        if not _keys(item, {"code", "name", "due", "level", "note"}, errors, i):
            continue
        row = {"code": _code(item, errors, i, seen, "任务代码"), "name": _text(item, "name", errors, i, "任务名称")}
        due = _date(item.get("due"), errors, i, "完成时限（due）")
        row["due"] = due.isoformat() if due else None
        level = item.get("level")
        if level not in DEADLINE_LEVELS:
            errors.add(i, f"责任层面（level）应为 {' / '.join(DEADLINE_LEVELS)}")
        row["level"] = level
        note = _text(item, "note", errors, i, "说明", required=False)
        if note:
            row["note"] = note
        result.append(row)
    return result, errors.messages


def clean_campaign(values: dict) -> dict:
    """Validate and normalise the whole campaign (its plain fields and every JSON structure); raise one
    ValidationError naming every field that is wrong."""
    problems: dict[str, list[str]] = {}
    start, end = values.get("start"), values.get("end")
    if not values.get("name"):
        problems["name"] = ["请填写名称"]
    if start is None:
        problems["start"] = ["请填写开始日期"]
    if end is None:
        problems["end"] = ["请填写结束日期"]
    if start and end and end < start:
        problems["end"] = ["结束日期早于开始日期"]
    region, department = values.get("region"), values.get("department")
    if department is not None and region is not None and not region.code.startswith(department.region_id):
        problems["department"] = [f"印发部门“{department.name}”不属于开展地区“{region.name}”或其上级区划"]
    period_ok = start and end and end >= start
    cleaners = {
        "phases": lambda v: clean_phases(v, start if period_ok else None, end if period_ok else None),
        "duties": clean_duties,
        "sign_offs": clean_sign_offs,
        "schedule": clean_schedule,
        "sector_rows": clean_sector_rows,
        "focus": clean_focus,
        "deadlines": clean_deadlines,
    }
    for field, cleaner in cleaners.items():
        cleaned, messages = cleaner(values.get(field))
        if messages:
            problems[field] = messages
        values[field] = cleaned
    if problems:
        raise ValidationError(problems)
    return values


# --- writes ---------------------------------------------------------------------------------------------------

def _check_rights(actor, region, department) -> None:
    """The region and department the campaign will have must be the actor's to write: otherwise 400 on the
    field (the actor may write campaigns, just not there)."""
    if can_write_campaign(actor, region.code, department.pk if department else None):
        return
    scope = scope_for(actor)
    if not scope.office_region_codes and leader_department_ids(actor):  # a department leader only
        if department is None:
            raise ValidationError({"department": ["请填写印发部门：您负责的部门或其下属单位"]})
        raise ValidationError({"department": [f"“{department.name}”不是您负责的部门或其下属单位"]})
    raise ValidationError({"region": [f"“{region.name}”不在您的管理范围内"]})


def _assign(campaign: Campaign, values: dict) -> None:
    for key in ("name", "issuer", "document_no", "start", "end", "region", "department", *JSON_FIELDS):
        if key in values:
            setattr(campaign, key, values[key])


@transaction.atomic
def campaign_create(*, actor, data: dict, system: bool = False) -> Campaign:
    """`data`: slug, region (Region), and any of the other fields; a `preset` supplies what is not given.
    `system`: a management command acting for the installation (no user to check; audited as "system")."""
    if not system and not may_write_some_campaign(actor):
        raise NotAllowed(WRITE_REFUSED)
    slug = (data.get("slug") or "").strip()
    if not slug:
        raise ValidationError({"slug": ["请填写标识"]})
    if Campaign.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": [f"标识“{slug}”已被使用"]})
    if data.get("region") is None:
        raise ValidationError({"region": ["请填写开展地区"]})
    preset = data.get("preset") or ""
    if preset and preset not in PRESETS:
        raise ValidationError({"preset": [f"预设方案“{preset}”不存在（可用：{'、'.join(PRESETS)}）"]})
    values = {"region": data["region"], "department": data.get("department")}
    if preset:
        values |= preset_values(preset, data.get("start"), data.get("end"))
    for key in SUPPLIED:
        if key in data:
            values[key] = data[key]
    for key in JSON_FIELDS:
        values.setdefault(key, [])
    values.setdefault("issuer", "")
    values.setdefault("document_no", "")
    if not system:
        _check_rights(actor, values["region"], values["department"])
    values = clean_campaign(values)
    campaign = Campaign(slug=slug, preset=preset)
    _assign(campaign, values)
    campaign.save()
    record_change(actor, campaign, None)
    return campaign


def _locked(campaign: Campaign, version: int | None) -> Campaign:
    current = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if version is not None and int(version) != current.version:
        raise StaleWrite()
    return current


@transaction.atomic
def campaign_update(*, actor, campaign: Campaign, data: dict, version: int | None = None,
                    system: bool = False) -> Campaign:
    """Change any field but `slug` and `preset` (both written once); the whole campaign is validated again."""
    campaign = _locked(campaign, version)
    if not system and not can_write_campaign(actor, campaign.region_id, campaign.department_id):
        raise NotAllowed(WRITE_REFUSED)
    if "slug" in data and data["slug"] != campaign.slug:
        raise ValidationError({"slug": ["标识创建后不能修改"]})
    if "preset" in data and (data["preset"] or "") != campaign.preset:
        raise ValidationError({"preset": ["预设方案只能在创建时指定，创建后不能修改"]})
    before = snapshot(campaign)
    values = {key: getattr(campaign, key) for key in ("name", "issuer", "document_no", "start", "end", "region",
                                                      "department", *JSON_FIELDS)}
    values |= {key: value for key, value in data.items() if key in values}
    if not system and (values["region"].code != campaign.region_id or values["department"] != campaign.department):
        _check_rights(actor, values["region"], values["department"])
    values = clean_campaign(values)
    _assign(campaign, values)
    campaign.version = F("version") + 1
    campaign.save()
    campaign.refresh_from_db()
    record_change(actor, campaign, before)
    return campaign


@transaction.atomic
def campaign_set_sector_rows(*, actor, campaign: Campaign, rows, version: int | None = None) -> Campaign:
    """Replace the 红河 附件2 rows (PUT `campaigns/{slug}/sector-rows/`)."""
    return campaign_update(actor=actor, campaign=campaign, data={"sector_rows": rows}, version=version)


def sector_names(codes: Iterable[str]) -> dict[str, str]:
    return dict(Sector.objects.filter(code__in=list(codes)).values_list("code", "name"))
