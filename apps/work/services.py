"""Every write to the work records: activities (工作开展情况, REPORTS.md §9.1), risks (重大安全风险 and their four
lists) and problems (突出问题 and 治本措施). Each write runs in one transaction that locks the row, refuses a stale
`version` (StaleWrite → 409), checks who acts (NotAllowed → 403) and then the record (ValidationError → 400, each
message naming its field), and writes the audit entry.

Who may write (DESIGN.md "Who may do what": activities "any member, for its own organisation"):
- an activity is the acting organ's: its `department` when set (members of that department or of a department
  above it by `parent`, i.e. department ∈ the member's D*), else its `enterprise` (the enterprise's members, and only
  the enterprise kinds and `summary_report`), else the 党委/政府/安委会 of its `region`. A safety office writes for
  the regions of its subtree and for the departments of its subtree;
- risks and problems: members of the responsible `department` (D*) and the safety offices over the `region`;
- an administrator writes everything, through the same checks of the record.
A change must be the actor's to write both as the record was and as it becomes; deleting likewise."""
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from apps.audit.services import record_change, record_delete, snapshot
from apps.core.errors import NotAllowed, StaleWrite
from apps.hazards.services import acting_memberships, is_admin
from apps.regions.scope import DEPARTMENT, ENTERPRISE, SAFETY_OFFICE, scope_for, today

from .models import (
    ENTERPRISE_KINDS,
    PEOPLE_KINDS,
    Activity,
    ActivityKind,
    Problem,
    ProblemSource,
    Risk,
)

# What an enterprise's members may record: the enterprise kinds and the enterprise's own 工作总结.
ENTERPRISE_RECORDABLE = frozenset(ENTERPRISE_KINDS | {ActivityKind.SUMMARY_REPORT})
# What a department or a safety office records: everything but the enterprise kinds.
ORGAN_RECORDABLE = frozenset(set(ActivityKind) - ENTERPRISE_KINDS)

ACTIVITY_FIELDS = ("kind", "region", "department", "enterprise", "sector", "media_level", "occurred_on", "count",
                   "people", "note")
RISK_FIELDS = ("region", "enterprise", "department", "sector", "name", "identified_on", "basic", "control",
               "responsibility", "emergency", "lists_completed_on")
PROBLEM_FIELDS = ("region", "enterprise", "department", "sector", "title", "source", "identified_on", "root_measure",
                  "root_measure_on", "resolved_on")
FOUR_LISTS = {"basic": "基础清单", "control": "防控清单", "responsibility": "责任清单", "emergency": "应急清单"}


def _save_changes(actor, instance, values: dict, before: dict):
    """Write the checked values, bump the optimistic-lock version and audit the change."""
    for key, value in values.items():
        setattr(instance, key, value)
    instance.version = F("version") + 1
    instance.save()
    instance.refresh_from_db()
    record_change(actor, instance, before)
    return instance


def _allowed(actor, check: bool, message: str) -> None:
    if not (is_admin(actor) or check):
        raise NotAllowed(message)


def _locked(model, record, version: int | None):
    current = model.objects.select_for_update(of=("self",)).get(pk=record.pk)
    if version is not None and int(version) != current.version:
        raise StaleWrite()
    return current


def _creator(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _pk(value):
    return getattr(value, "pk", value)


def _region_code(value) -> str | None:
    return None if value is None else str(_pk(value))


def _department_region(department) -> str | None:
    return None if department is None else department.region_id


# --- who may record what ----------------------------------------------------------------------------------------

def recordable_kinds(actor) -> list[str]:
    """The activity kinds the actor may record (the interface offers only these): an enterprise member the enterprise
    kinds and 工作总结; a department or safety office member the others; an administrator all."""
    if is_admin(actor):
        return list(ActivityKind.values)
    allowed: set[str] = set()
    for m in acting_memberships(actor):
        if m.kind == ENTERPRISE:
            allowed |= ENTERPRISE_RECORDABLE
        elif m.kind in (DEPARTMENT, SAFETY_OFFICE):
            allowed |= ORGAN_RECORDABLE
    return [k for k in ActivityKind.values if k in allowed]


def may_record_activity(actor, *, kind: str, region, department, enterprise) -> bool:
    """May the actor record an activity of `kind` for this organ (department, else enterprise, else the region's
    党委/政府/安委会)?"""
    if is_admin(actor):
        return True
    scope = scope_for(actor)
    if department is not None:
        return _pk(department) in scope.department_ids or scope.manages_region(_department_region(department))
    if enterprise is not None:
        return kind in ENTERPRISE_RECORDABLE and any(
            m.kind == ENTERPRISE and m.enterprise_id == _pk(enterprise) for m in acting_memberships(actor))
    code = _region_code(region)
    return code is not None and scope.manages_region(code)


def may_write_activity(actor, activity: Activity) -> bool:
    return may_record_activity(actor, kind=activity.kind, region=activity.region_id, department=activity.department,
                               enterprise=activity.enterprise_id)


def may_write_register(actor, *, region, department) -> bool:
    """Risks and problems: the responsible department's members (D*) and the safety offices over the region."""
    if is_admin(actor):
        return True
    scope = scope_for(actor)
    code = _region_code(region)
    return (department is not None and _pk(department) in scope.department_ids) or (
        code is not None and scope.manages_region(code))


def may_keep_registers(actor) -> bool:
    """Could the actor write any risk or problem at all (a department or a safety office)?"""
    if is_admin(actor):
        return True
    return any(m.kind in (DEPARTMENT, SAFETY_OFFICE) for m in acting_memberships(actor))


def may_write_risk(actor, risk: Risk) -> bool:
    return may_write_register(actor, region=risk.region_id, department=risk.department_id)


def may_write_problem(actor, problem: Problem) -> bool:
    return may_write_register(actor, region=problem.region_id, department=problem.department_id)


# --- checks shared by the three records --------------------------------------------------------------------------

def _not_in_future(errors: dict, field: str, day: datetime.date | None) -> None:
    if day is not None and day > today():
        errors.setdefault(field, []).append("日期不能晚于今天。")


def _not_before(errors: dict, field: str, day: datetime.date | None, earliest: datetime.date | None,
                what: str) -> None:
    if day is not None and earliest is not None and day < earliest:
        errors.setdefault(field, []).append(f"日期不能早于{what}（{earliest.isoformat()}）。")


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _placed(values: dict, errors: dict, name_field: str, name_label: str) -> None:
    """Risks and problems: `region` is the enterprise's when there is one (taken from it when not given), and must
    be given when there is none; the department, the sector and the name are required."""
    if not (values.get(name_field) or "").strip():
        errors.setdefault(name_field, []).append(f"请填写{name_label}。")
    if values.get("department") is None:
        errors.setdefault("department", []).append("请填写负责部门。")
    if values.get("sector") is None:
        errors.setdefault("sector", []).append("请填写行业领域。")
    enterprise, region = values.get("enterprise"), values.get("region")
    if enterprise is not None:
        if region is None:
            values["region"] = enterprise.region
        elif _pk(region) != enterprise.region_id:
            errors.setdefault("region", []).append(
                f"有企业时所在区划为企业所在区划（{enterprise.region_id}）。")
    elif region is None:
        errors.setdefault("region", []).append("没有企业时须填写所在区划。")


# --- activities ---------------------------------------------------------------------------------------------------

def _activity_region(values: dict) -> None:
    """The acting organ's region, when not given: the department's, else the enterprise's."""
    if values.get("region") is None:
        organ = values.get("department") or values.get("enterprise")
        if organ is not None:
            values["region"] = organ.region


def _check_activity(values: dict, people_given: bool) -> None:
    errors: dict[str, list[str]] = {}
    kind = values["kind"]
    label = ActivityKind(kind).label
    region, department, enterprise = values.get("region"), values.get("department"), values.get("enterprise")
    if region is None:
        errors["region"] = ["请填写所在区划：部门、企业均为空时即本级党委、政府（安委会）所在区划。"]
    else:
        if department is not None and _pk(region) != department.region_id:
            errors.setdefault("region", []).append(f"所在区划须为部门所在区划（{department.region_id}）。")
        if enterprise is not None and _pk(region) != enterprise.region_id:
            errors.setdefault("region", []).append(f"所在区划须为企业所在区划（{enterprise.region_id}）。")
    if enterprise is not None and department is not None:
        errors["enterprise"] = ["企业和部门不能同时填写：部门开展的工作不填企业，企业开展的工作不填部门。"]
    elif kind in ENTERPRISE_KINDS and enterprise is None:
        errors["enterprise"] = [f"“{label}”由企业开展，须填写企业。"]
    elif enterprise is not None and kind not in ENTERPRISE_RECORDABLE:
        errors["enterprise"] = [f"“{label}”不是企业开展的工作，企业应为空。"]
    media_level = values.get("media_level")
    if kind == ActivityKind.MEDIA_COLUMN and media_level is None:
        errors["media_level"] = ["主流媒体安全生产专题栏目须填写媒体级别（1 省级、2 市级、3 县级）。"]
    elif kind != ActivityKind.MEDIA_COLUMN and media_level is not None:
        errors["media_level"] = ["只有“主流媒体安全生产专题栏目”填写媒体级别。"]
    if kind in PEOPLE_KINDS and not people_given:
        errors["people"] = [f"“{label}”须填写人数（人/人次）。"]
    if values.get("count") is not None and values["count"] < 1:
        errors["count"] = ["次数至少为 1。"]
    if values.get("people") is not None and values["people"] < 0:
        errors["people"] = ["人数不能为负数。"]
    _not_in_future(errors, "occurred_on", values.get("occurred_on"))
    _raise(errors)


ACTIVITY_REFUSAL = ("您无权登记该工作：只能为本单位登记（企业人员只登记本企业的履职事项和工作总结，部门人员登记本部门"
                    "及下属单位的工作，安委办登记辖区内党委政府和部门的工作）。")


def _activity_allowed(actor, values: dict) -> None:
    _allowed(actor, may_record_activity(actor, kind=values["kind"], region=values.get("region"),
                                        department=values.get("department"), enterprise=values.get("enterprise")),
             ACTIVITY_REFUSAL)


def _attach_evidence(activity: Activity, upload) -> None:
    """佐证材料: a photo, scan or PDF (checked by its first bytes, ≤ 10 MB), stored under a neutral name."""
    from django.core.files.uploadedfile import UploadedFile

    from apps.hazards.services import EVIDENCE_MAX_BYTES, evidence_type

    if not isinstance(upload, UploadedFile):  # nothing new uploaded (a form hands back the current file)
        return
    if upload.size > EVIDENCE_MAX_BYTES:
        raise ValidationError({"evidence": "佐证材料不能超过 10 MB。"})
    kind = evidence_type(upload)
    if not kind:
        raise ValidationError({"evidence": "佐证材料只能是 JPG、PNG、WebP 图片或 PDF 文件。"})
    extension = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "application/pdf": "pdf"}.get(
        kind, "bin")
    activity.evidence.save(f"activity-{activity.pk}.{extension}", upload, save=True)


@transaction.atomic
def activity_create(*, actor, data: dict) -> Activity:
    """登记工作开展情况. `data`: kind, and optionally region, department, enterprise (model instances), sector,
    media_level, occurred_on (default today), count (default 1), people (required for PEOPLE_KINDS), note."""
    values = {k: data.get(k) for k in ACTIVITY_FIELDS}
    values["occurred_on"] = values["occurred_on"] or today()
    values["count"] = 1 if values["count"] is None else values["count"]
    people_given = data.get("people") is not None
    values["people"] = values["people"] if people_given else 0
    values["note"] = values["note"] or ""
    _activity_region(values)
    if values.get("region") is None:
        _check_activity(values, people_given)  # names `region`
    _activity_allowed(actor, values)
    _check_activity(values, people_given)
    activity = Activity.objects.create(created_by=_creator(actor), **values)
    _attach_evidence(activity, data.get("evidence"))
    record_change(actor, activity, None)
    return activity


@transaction.atomic
def activity_update(*, actor, activity: Activity, data: dict, version: int | None = None) -> Activity:
    """修改: `data` holds the fields to change. When the department or the enterprise changes and `region` is not
    given, the region follows the new organ."""
    activity = _locked(Activity, activity, version)
    _allowed(actor, may_write_activity(actor, activity), ACTIVITY_REFUSAL)
    before = snapshot(activity)
    values = {k: getattr(activity, k) for k in ACTIVITY_FIELDS}
    values.update({k: v for k, v in data.items() if k in ACTIVITY_FIELDS})
    if values["occurred_on"] is None:
        values["occurred_on"] = activity.occurred_on
    if values["count"] is None:
        values["count"] = activity.count
    if values["note"] is None:
        values["note"] = ""
    people_given = data.get("people") is not None or activity.kind in PEOPLE_KINDS
    if values["people"] is None:
        values["people"] = activity.people
    if "region" not in data and ("department" in data or "enterprise" in data):
        values["region"] = None
        _activity_region(values)
        if values["region"] is None:
            values["region"] = activity.region
    _activity_allowed(actor, values)
    _check_activity(values, people_given)
    _save_changes(actor, activity, values, before)
    _attach_evidence(activity, data.get("evidence"))
    return activity


@transaction.atomic
def activity_delete(*, actor, activity: Activity, version: int | None = None) -> None:
    activity = _locked(Activity, activity, version)
    _allowed(actor, may_write_activity(actor, activity), "您无权删除该工作记录：只能删除本单位登记的工作。")
    record_delete(actor, activity)
    activity.delete()


# --- risks --------------------------------------------------------------------------------------------------------

REGISTER_REFUSAL = "只有负责部门（含下属单位）或所在区划的安委办可以登记、修改{what}。"


def _check_risk(values: dict) -> None:
    errors: dict[str, list[str]] = {}
    _placed(values, errors, "name", "风险名称")
    _not_in_future(errors, "identified_on", values["identified_on"])
    done = values.get("lists_completed_on")
    if done is not None:
        missing = [label for field, label in FOUR_LISTS.items() if not (values.get(field) or "").strip()]
        if missing:
            errors.setdefault("lists_completed_on", []).append(
                f"“4个清单”均填写后才能登记落实日期：尚缺{'、'.join(missing)}。")
        _not_before(errors, "lists_completed_on", done, values["identified_on"], "排查日期")
        _not_in_future(errors, "lists_completed_on", done)
    _raise(errors)


def _risk_allowed(actor, values: dict) -> None:
    _allowed(actor, may_write_register(actor, region=values.get("region"), department=values.get("department")),
             REGISTER_REFUSAL.format(what="重大安全风险"))


def _register_values(fields, data: dict, defaults: dict) -> dict:
    values = {k: data.get(k) for k in fields}
    for key, default in defaults.items():
        if values.get(key) in (None, ""):
            values[key] = default
    return values


@transaction.atomic
def risk_create(*, actor, data: dict) -> Risk:
    """登记重大安全风险. `data`: department, sector, name, and optionally enterprise, region (the enterprise's when
    there is one), identified_on (default today), the four lists and lists_completed_on."""
    values = _register_values(RISK_FIELDS, data, {"identified_on": today(), "basic": "", "control": "",
                                                  "responsibility": "", "emergency": "", "name": ""})
    if values.get("region") is None and values.get("enterprise") is not None:
        values["region"] = values["enterprise"].region
    if values.get("region") is not None:  # else _check_risk names the missing region (400)
        _risk_allowed(actor, values)
    _check_risk(values)
    risk = Risk.objects.create(created_by=_creator(actor), **values)
    record_change(actor, risk, None)
    return risk


@transaction.atomic
def risk_update(*, actor, risk: Risk, data: dict, version: int | None = None) -> Risk:
    risk = _locked(Risk, risk, version)
    _allowed(actor, may_write_risk(actor, risk), REGISTER_REFUSAL.format(what="重大安全风险"))
    before = snapshot(risk)
    values = {k: getattr(risk, k) for k in RISK_FIELDS}
    values.update({k: v for k, v in data.items() if k in RISK_FIELDS})
    for field in ("identified_on",):
        if values[field] is None:
            values[field] = getattr(risk, field)
    for field in FOUR_LISTS:
        values[field] = values[field] or ""
    if "region" not in data and "enterprise" in data:
        values["region"] = values["enterprise"].region if values["enterprise"] is not None else risk.region
    _risk_allowed(actor, values)
    _check_risk(values)
    return _save_changes(actor, risk, values, before)


@transaction.atomic
def risk_delete(*, actor, risk: Risk, version: int | None = None) -> None:
    risk = _locked(Risk, risk, version)
    _allowed(actor, may_write_risk(actor, risk), "只有负责部门（含下属单位）或所在区划的安委办可以删除重大安全风险。")
    record_delete(actor, risk)
    risk.delete()


# --- problems -----------------------------------------------------------------------------------------------------

def _check_problem(values: dict) -> None:
    errors: dict[str, list[str]] = {}
    _placed(values, errors, "title", "问题")
    identified_on = values["identified_on"]
    _not_in_future(errors, "identified_on", identified_on)
    if values.get("root_measure_on") is not None and not (values.get("root_measure") or "").strip():
        errors.setdefault("root_measure_on", []).append("请先填写治本措施，再登记治本措施落实日期。")
    for field in ("root_measure_on", "resolved_on"):
        _not_before(errors, field, values.get(field), identified_on, "梳理日期")
        _not_in_future(errors, field, values.get(field))
    if values.get("source") not in ProblemSource.values:
        errors.setdefault("source", []).append("问题来源应为 self（自行梳理）或 assigned（上级督查检查反馈）。")
    _raise(errors)


def _problem_allowed(actor, values: dict) -> None:
    _allowed(actor, may_write_register(actor, region=values.get("region"), department=values.get("department")),
             REGISTER_REFUSAL.format(what="突出问题"))


@transaction.atomic
def problem_create(*, actor, data: dict) -> Problem:
    """登记突出问题. `data`: department, sector, title, and optionally enterprise, region, source (default self),
    identified_on (default today), root_measure, root_measure_on, resolved_on."""
    values = _register_values(PROBLEM_FIELDS, data, {"identified_on": today(), "source": ProblemSource.SELF,
                                                     "root_measure": "", "title": ""})
    if values.get("region") is None and values.get("enterprise") is not None:
        values["region"] = values["enterprise"].region
    if values.get("region") is not None:  # else _check_problem names the missing region (400)
        _problem_allowed(actor, values)
    _check_problem(values)
    problem = Problem.objects.create(created_by=_creator(actor), **values)
    record_change(actor, problem, None)
    return problem


@transaction.atomic
def problem_update(*, actor, problem: Problem, data: dict, version: int | None = None) -> Problem:
    problem = _locked(Problem, problem, version)
    _allowed(actor, may_write_problem(actor, problem), REGISTER_REFUSAL.format(what="突出问题"))
    before = snapshot(problem)
    values = {k: getattr(problem, k) for k in PROBLEM_FIELDS}
    values.update({k: v for k, v in data.items() if k in PROBLEM_FIELDS})
    for field in ("identified_on", "source"):
        if values[field] in (None, ""):
            values[field] = getattr(problem, field)
    values["root_measure"] = values["root_measure"] or ""
    if "region" not in data and "enterprise" in data:
        values["region"] = values["enterprise"].region if values["enterprise"] is not None else problem.region
    _problem_allowed(actor, values)
    _check_problem(values)
    return _save_changes(actor, problem, values, before)


@transaction.atomic
def problem_delete(*, actor, problem: Problem, version: int | None = None) -> None:
    problem = _locked(Problem, problem, version)
    _allowed(actor, may_write_problem(actor, problem), "只有负责部门（含下属单位）或所在区划的安委办可以删除突出问题。")
    record_delete(actor, problem)
    problem.delete()
