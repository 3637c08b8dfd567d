"""Every write of inspections, enforcement actions and accountability records (DESIGN.md "Who may do what").

Each write runs in one transaction that locks the row (updates), refuses a stale `version` (StaleWrite → 409),
checks the actor's role (NotAllowed → 403) and then the record (ValidationError → 400, naming the field), and
writes the audit entry. An administrator (a superuser acting for no membership) passes the role checks, never the
record's rules, and names the acting department or group itself. Dates a report windows on (`inspected_on`,
`decided_on`, `published_on`) default to today and may lie in the past, never in the future.

References arrive resolved (the API resolves them among what the caller may see); the rules that tie them to
each other (a hazard of the same enterprise, a department of the region) are checked here."""
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from apps.audit.services import record_change, snapshot
from apps.core.errors import NotAllowed, StaleWrite
from apps.enterprises.models import Enterprise
from apps.hazards.models import today
from apps.hazards.services import acting_memberships, is_admin, penalty_waived
from apps.regions.models import Department, GroupAssignment, InspectionGroup, Region
from apps.regions.scope import DEPARTMENT, DISCIPLINE, ENTERPRISE, GROUP, SAFETY_OFFICE, Scope, scope_for

from .models import (
    CASE_NO_REQUIRED,
    FINDINGS,
    Accountability,
    ActionKind,
    EnforcementAction,
    Inspection,
    InspectionKind,
    InspectionMode,
)

LEADER = "leader"

# Who registers which kind of inspection (DESIGN.md "Who may do what").
DEPARTMENT_KINDS = (InspectionKind.ENFORCEMENT, InspectionKind.EXPERT, InspectionKind.ASSISTANCE,
                    InspectionKind.REVIEW)
KINDS_BY_MEMBERSHIP = {
    ENTERPRISE: (InspectionKind.SELF,),
    DEPARTMENT: DEPARTMENT_KINDS,
    GROUP: (InspectionKind.SUPERVISION,),
}


# --- shared -----------------------------------------------------------------------------------------------------

def _allowed(actor, check: bool, message: str) -> None:
    if not (is_admin(actor) or check):
        raise NotAllowed(message)


def _user_or_none(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _future(day: datetime.date | None) -> bool:
    return day is not None and day > today()


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError({field: [message] for field, message in errors.items()})


def _locked(model, instance, version: int | None):
    current = model.objects.select_for_update().get(pk=instance.pk)
    if version is not None and int(version) != current.version:
        raise StaleWrite()
    return current


def _bump(instance) -> None:
    instance.version = F("version") + 1
    instance.save()
    instance.refresh_from_db()


def _own_departments(actor) -> frozenset[int]:
    """D* of every department membership the actor acts for."""
    return scope_for(actor).department_ids


def _department_for(actor, given: Department | None, what: str) -> Department:
    """The acting department: the one given, among the actor's D*; else their department when they have exactly
    one. An administrator names it."""
    if is_admin(actor):
        if given is None:
            raise ValidationError({"department": [f"请指定{what}。"]})
        return given
    if given is not None:
        if given.pk not in _own_departments(actor):
            raise ValidationError({"department": [f"{what}应为本人所在部门或其下属单位。"]})
        return given
    roots = {m.department_id: m.department for m in acting_memberships(actor) if m.kind == DEPARTMENT}
    if len(roots) != 1:
        raise ValidationError({"department": [f"请指定{what}。"]})
    return next(iter(roots.values()))


def _reaches(actor, enterprise: Enterprise, *, department: Department | None = None,
             group: InspectionGroup | None = None) -> bool:
    """Does the acting organ itself see the enterprise — the department with its units (D*), or the group's
    assignments today? The caller's other memberships (an enterprise, a safety office) lend it no reach."""
    if is_admin(actor):
        return True
    if department is not None:
        units = Department.descendants_of({department.pk})
        part = Scope(departments=tuple(r for r in scope_for(actor).departments if r.department_id in units))
    elif group is not None:
        on = today()
        part = Scope(group_region_codes=tuple(GroupAssignment.objects.filter(
            group=group, start__lte=on, end__gte=on).values_list("region_id", flat=True)))
    else:
        return False
    return Enterprise.objects.filter(pk=enterprise.pk).filter(part.enterprise_q()).exists()


def _check_reach(actor, enterprise: Enterprise, **organ) -> None:
    if not _reaches(actor, enterprise, **organ):
        raise ValidationError({"enterprise": ["该企业不在实施检查或执法的部门（检查组）的监管范围内。"]})


def _enterprise_member(actor, enterprise_id: int | None) -> bool:
    return enterprise_id is not None and any(
        m.kind == ENTERPRISE and m.enterprise_id == enterprise_id for m in acting_memberships(actor))


def _group_member(actor, group_id: int | None) -> bool:
    return group_id is not None and any(m.kind == GROUP and m.group_id == group_id for m in acting_memberships(actor))


def _ids(objects) -> list[int]:
    return sorted(o.pk for o in objects)


# --- inspections ------------------------------------------------------------------------------------------------

def inspection_kinds(actor) -> list[str]:
    """The kinds of inspection the actor may register (all for an administrator)."""
    if is_admin(actor):
        return list(InspectionKind.values)
    allowed: set[str] = set()
    for m in acting_memberships(actor):
        allowed |= set(KINDS_BY_MEMBERSHIP.get(m.kind, ()))
    return [k for k in InspectionKind.values if k in allowed]


def _group_for(actor, given: InspectionGroup | None) -> InspectionGroup:
    if is_admin(actor):
        if given is None:
            raise ValidationError({"group": ["督导检查须指定检查组。"]})
        return given
    mine = {m.group_id for m in acting_memberships(actor) if m.kind == GROUP}
    if given is not None:
        if given.pk not in mine:
            raise ValidationError({"group": ["检查组应为本人所在的检查组。"]})
        return given
    if len(mine) != 1:
        raise ValidationError({"group": ["请指定检查组。"]})
    return InspectionGroup.objects.select_related("lead_department").get(pk=next(iter(mine)))


def _inspection_editor(actor, inspection: Inspection) -> bool:
    """Who carried it out: the enterprise's members (self), the group's members (supervision), the inspecting
    department with its superiors (D*: a department acts for its subordinate units)."""
    if inspection.kind == InspectionKind.SELF:
        return _enterprise_member(actor, inspection.enterprise_id)
    if inspection.kind == InspectionKind.SUPERVISION:
        return _group_member(actor, inspection.group_id)
    return inspection.department_id in _own_departments(actor)


def may_edit_inspection(actor, inspection: Inspection) -> bool:
    return is_admin(actor) or _inspection_editor(actor, inspection)


def may_sign_inspection(actor, inspection: Inspection) -> bool:
    """谁检查、谁签名: an inspector listed on the record; with none listed, the person who registered it."""
    if is_admin(actor):
        return True
    inspector_ids = {u.pk for u in inspection.inspectors.all()}
    if inspector_ids:
        return actor.pk in inspector_ids
    return inspection.created_by_id is not None and inspection.created_by_id == actor.pk


def _inspection_problems(*, kind: str, enterprise_id: int, values: dict) -> dict:
    """What is wrong with an inspection's content, as {field: message}."""
    errors = {}
    if _future(values["inspected_on"]):
        errors["inspected_on"] = "日期不能晚于今天。"
    if kind == InspectionKind.SELF:
        if values["mode"]:
            errors["mode"] = "企业自查不填写检查方式。"
        if values["findings"]:
            errors["findings"] = "企业自查不填写抽查发现的问题（抽查发现的问题由部门、检查组填写）。"
    elif values["led_by_principal"]:
        errors["led_by_principal"] = "“主要负责人带队”仅适用于企业自查。"
    if values["mode"] and values["mode"] not in InspectionMode.values:
        errors["mode"] = f"未知的检查方式：{values['mode']}。"
    unknown = [f for f in values["findings"] if f not in FINDINGS]
    if unknown:
        errors["findings"] = f"未知的问题代码：{'、'.join(unknown)}。"
    if kind != InspectionKind.REVIEW and values["reviewed_hazards"]:
        errors["reviewed_hazards"] = "只有回头看检查填写复查隐患。"
    for field in ("hazards", "reviewed_hazards"):
        foreign = [h.pk for h in values[field] if h.enterprise_id != enterprise_id]
        if foreign:
            errors[field] = f"隐患 {'、'.join(map(str, foreign))} 不属于被检查企业。"
    return errors


def _project(value) -> str:
    value = (value or "").strip()
    if len(value) > 200:
        raise ValidationError({"project": ["检查项目不能超过200字。"]})
    return value


def inspection_snapshot(inspection: Inspection) -> dict:
    return snapshot(inspection)


def _set_links(inspection: Inspection, values: dict) -> None:
    inspection.inspectors.set(values["inspectors"])
    inspection.hazards.set(values["hazards"])
    inspection.reviewed_hazards.set(values["reviewed_hazards"])


@transaction.atomic
def inspection_create(*, actor, data: dict) -> Inspection:
    """登记检查. `data`: enterprise, kind, and optionally mode, department, group, inspected_on,
    led_by_principal, inspectors (users), findings (flag codes), hazards, reviewed_hazards, note, checklist (the
    version answered on site, apps.inspections.onsite), project (检查项目).

    `self`: by the enterprise's members, without department or group. `enforcement`, `expert`, `assistance`,
    `review`: by department members, for one of their departments (D*), without group. `supervision`: by the
    group's members; the department is the group's lead department."""
    kind = data["kind"]
    enterprise = data["enterprise"]
    _allowed(actor, kind in inspection_kinds(actor), f"您无权登记“{InspectionKind(kind).label}”。")
    given_department, given_group = data.get("department"), data.get("group")
    if kind == InspectionKind.SELF:
        _allowed(actor, _enterprise_member(actor, enterprise.pk), "企业自查只能由本企业人员登记。")
        errors = {}
        if given_department is not None:
            errors["department"] = "企业自查不填写检查部门。"
        if given_group is not None:
            errors["group"] = "企业自查不填写检查组。"
        _raise(errors)
        department = group = None
    elif kind == InspectionKind.SUPERVISION:
        group = _group_for(actor, given_group)
        department = group.lead_department
        if given_department is not None and given_department.pk != department.pk:
            raise ValidationError({"department": [f"督导检查的检查部门为检查组的牵头部门（{department}）。"]})
        _check_reach(actor, enterprise, group=group)
    else:
        if given_group is not None:
            raise ValidationError({"group": ["只有督导检查填写检查组。"]})
        department = _department_for(actor, given_department, "检查部门")
        group = None
        _check_reach(actor, enterprise, department=department)
    values = {
        "mode": data.get("mode") or "",
        "inspected_on": data.get("inspected_on") or today(),
        "led_by_principal": bool(data.get("led_by_principal", False)),
        "note": data.get("note") or "",
        "findings": list(data.get("findings") or []),
        "inspectors": list(data.get("inspectors") or []),
        "hazards": list(data.get("hazards") or []),
        "reviewed_hazards": list(data.get("reviewed_hazards") or []),
    }
    _raise(_inspection_problems(kind=kind, enterprise_id=enterprise.pk, values=values))
    inspection = Inspection(
        enterprise=enterprise, kind=kind, department=department, group=group, mode=values["mode"],
        inspected_on=values["inspected_on"], led_by_principal=values["led_by_principal"], note=values["note"],
        checklist=data.get("checklist"), project=_project(data.get("project")),
        created_by=_user_or_none(actor), **{flag: flag in values["findings"] for flag in FINDINGS},
    )
    inspection.save()
    _set_links(inspection, values)
    record_change(actor, inspection, None)
    return inspection


INSPECTION_UPDATE_FIELDS = ("mode", "inspected_on", "led_by_principal", "note", "findings", "inspectors", "hazards",
                            "reviewed_hazards", "project", "checklist")
PLAIN_FIELDS = ("mode", "inspected_on", "led_by_principal", "note", "project", "checklist")


@transaction.atomic
def inspection_update(*, actor, inspection: Inspection, data: dict, version: int | None = None) -> Inspection:
    """修改: the content of an unsigned inspection, by whoever carried it out. The enterprise, kind, department
    and group stay; a signed record is locked. `data` holds only the fields to change."""
    inspection = _locked(Inspection, inspection, version)
    _allowed(actor, _inspection_editor(actor, inspection), "只有登记该检查的企业、部门或检查组可以修改检查记录。")
    if inspection.signed_at is not None:
        raise ValidationError({"signed_at": ["已签名的检查记录不能修改。"]})
    unknown = sorted(set(data) - set(INSPECTION_UPDATE_FIELDS))
    if unknown:
        raise ValidationError({field: ["该字段不能在此修改。"] for field in unknown})
    current = {
        "mode": inspection.mode, "inspected_on": inspection.inspected_on,
        "led_by_principal": inspection.led_by_principal, "note": inspection.note,
        "findings": inspection.findings, "inspectors": list(inspection.inspectors.all()),
        "hazards": list(inspection.hazards.all()), "reviewed_hazards": list(inspection.reviewed_hazards.all()),
        "project": inspection.project, "checklist": inspection.checklist,
    }
    values = dict(current)
    for field, value in data.items():
        if field == "project":
            value = _project(value)
        elif field in ("mode", "note"):
            value = value or ""
        elif field in ("findings", "inspectors", "hazards", "reviewed_hazards"):
            value = list(value or [])
        elif field == "inspected_on" and value is None:
            raise ValidationError({"inspected_on": ["请填写检查日期。"]})
        values[field] = value
    _raise(_inspection_problems(kind=inspection.kind, enterprise_id=inspection.enterprise_id, values=values))
    if values["checklist"] != current["checklist"] and inspection.answers.exists():
        raise ValidationError({"checklist": ["已按清单填写检查结果的，不能更换检查清单。"]})
    links = ("inspectors", "hazards", "reviewed_hazards")
    unchanged = (all(values[f] == current[f] for f in PLAIN_FIELDS)
                 and sorted(values["findings"]) == sorted(current["findings"])
                 and all(_ids(values[f]) == _ids(current[f]) for f in links))
    if unchanged:
        return inspection
    before = inspection_snapshot(inspection)
    for field in PLAIN_FIELDS:
        setattr(inspection, field, values[field])
    for flag in FINDINGS:
        setattr(inspection, flag, flag in values["findings"])
    _bump(inspection)
    _set_links(inspection, values)
    record_change(actor, inspection, before)
    return inspection


@transaction.atomic
def inspection_sign(*, actor, inspection: Inspection, version: int | None = None) -> Inspection:
    """签名 (谁检查、谁签名、谁负责) as 检查人员: an inspector listed on the record, or with none listed the person
    who registered it. The first signature locks the record; the other inspectors add theirs afterwards, each once
    (apps.inspections.onsite.sign_as_inspector)."""
    from .onsite import sign_as_inspector

    sign_as_inspector(actor=actor, inspection=inspection, version=version)
    return Inspection.objects.get(pk=inspection.pk)


# --- enforcement actions ----------------------------------------------------------------------------------------

ACTION_FIELDS = ("kind", "decided_on", "amount", "against_principal", "case_no", "hazard", "inspection", "persons",
                 "dangerous_operation_crime", "published", "published_on", "waiver_reason", "note")
ACTION_DEFAULTS = {"amount": None, "against_principal": False, "case_no": "", "hazard": None, "inspection": None,
                   "persons": 0, "dangerous_operation_crime": False, "published": False, "published_on": None,
                   "waiver_reason": "", "note": ""}


def may_publish(actor, department_id: int) -> bool:
    """公布典型案例: a `leader` of the action's department or of a department above it (D*)."""
    if is_admin(actor):
        return True
    roots = {m.department_id for m in acting_memberships(actor) if m.kind == DEPARTMENT and m.role == LEADER}
    return bool(roots) and department_id in Department.descendants_of(roots)


def _action_problems(enterprise_id: int, values: dict) -> dict:
    errors = {}
    kind = values["kind"]
    if kind in CASE_NO_REQUIRED and not values["case_no"].strip():
        errors["case_no"] = f"“{ActionKind(kind).label}”须填写案件编号。"
    amount = values["amount"]
    if kind == ActionKind.PENALTY:
        if amount is None or Decimal(amount) <= 0:
            errors["amount"] = "行政处罚须填写罚款金额（万元，大于 0）。"
    elif amount is not None:
        errors["amount"] = "只有行政处罚填写罚款金额。"
    if kind == ActionKind.JUDICIAL_REFERRAL:
        if values["persons"] is None or values["persons"] < 1:
            errors["persons"] = "移送司法机关须填写移送人数（至少 1 人）。"
    elif values["persons"]:
        errors["persons"] = "只有移送司法机关填写移送人数。"
    if values["dangerous_operation_crime"] and kind not in (ActionKind.JUDICIAL_REFERRAL, ActionKind.PENALTY):
        errors["dangerous_operation_crime"] = "危险作业罪只适用于行政处罚或移送司法机关。"
    decided_on, published_on = values["decided_on"], values["published_on"]
    if _future(decided_on):
        errors["decided_on"] = "日期不能晚于今天。"
    if values["published"]:
        if published_on is None:
            errors["published_on"] = "公布为典型案例须填写公布日期。"
        elif _future(published_on):
            errors["published_on"] = "日期不能晚于今天。"
        elif published_on < decided_on:
            errors["published_on"] = f"公布日期不能早于决定日期（{decided_on.isoformat()}）。"
    elif published_on is not None:
        errors["published_on"] = "未公布为典型案例的，不填写公布日期。"
    hazard, inspection = values["hazard"], values["inspection"]
    if hazard is not None and hazard.enterprise_id != enterprise_id:
        errors["hazard"] = "关联隐患不属于该企业。"
    if inspection is not None and inspection.enterprise_id != enterprise_id:
        errors["inspection"] = "关联检查不是对该企业的检查。"
    if (kind == ActionKind.PENALTY and hazard is not None and "hazard" not in errors and penalty_waived(hazard)
            and not values["waiver_reason"].strip()):
        errors["waiver_reason"] = ("该隐患依法不予行政处罚（企业自查上报并按方案整改的重大事故隐患），"
                                   "仍予处罚须说明理由。")
    return errors


def _normalise_action(values: dict) -> dict:
    values["case_no"] = (values.get("case_no") or "").strip()
    values["waiver_reason"] = values.get("waiver_reason") or ""
    values["note"] = values.get("note") or ""
    values["persons"] = values.get("persons") or 0
    return values


@transaction.atomic
def action_create(*, actor, data: dict) -> EnforcementAction:
    """登记执法措施, by a member of the acting department (D*). `data`: enterprise, kind, and optionally
    department (default: the actor's only department), decided_on (default today), amount, against_principal,
    case_no, hazard, inspection, persons, dangerous_operation_crime, published, published_on (default today
    when published), waiver_reason, note. Publishing is for a department leader."""
    _allowed(actor, bool(_own_departments(actor)), "只有执法部门人员可以登记执法措施。")
    enterprise = data["enterprise"]
    department = _department_for(actor, data.get("department"), "执法部门")
    _check_reach(actor, enterprise, department=department)
    values = _normalise_action({**ACTION_DEFAULTS, **{k: data[k] for k in ACTION_FIELDS if k in data}})
    values["decided_on"] = values.get("decided_on") or today()
    if values["published"]:
        _allowed(actor, may_publish(actor, department.pk), "公布典型执法案例须由部门负责人办理。")
        if "published_on" not in data:
            values["published_on"] = today()
    _raise(_action_problems(enterprise.pk, values))
    action = EnforcementAction(enterprise=enterprise, department=department, created_by=_user_or_none(actor),
                               **values)
    action.save()
    record_change(actor, action, None)
    return action


@transaction.atomic
def action_update(*, actor, action: EnforcementAction, data: dict,
                  version: int | None = None) -> EnforcementAction:
    """修改执法措施, by the acting department (D*); the enterprise and the department stay. Publishing,
    unpublishing or re-dating a publication is for a department leader. `data` holds only the fields to change."""
    action = _locked(EnforcementAction, action, version)
    _allowed(actor, action.department_id in _own_departments(actor), "只有作出该执法措施的部门可以修改。")
    unknown = sorted(set(data) - set(ACTION_FIELDS))
    if unknown:
        raise ValidationError({field: ["该字段不能在此修改。"] for field in unknown})
    current = {field: getattr(action, field) for field in ACTION_FIELDS}
    values = _normalise_action({**current, **data})
    if not values["published"] and "published_on" not in data:
        values["published_on"] = None  # unpublished: the date goes with it
    if values["published"] and values["published_on"] is None and "published_on" not in data:
        values["published_on"] = today()
    if values["decided_on"] is None:
        raise ValidationError({"decided_on": ["请填写决定日期。"]})
    if values["published"] != current["published"] or (
            values["published"] and values["published_on"] != current["published_on"]):
        _allowed(actor, may_publish(actor, action.department_id), "公布典型执法案例须由部门负责人办理。")
    _raise(_action_problems(action.enterprise_id, values))
    if all(values[f] == current[f] for f in ACTION_FIELDS):
        return action
    before = snapshot(action)
    for field, value in values.items():
        setattr(action, field, value)
    _bump(action)
    record_change(actor, action, before)
    return action


# --- accountability ---------------------------------------------------------------------------------------------

ACCOUNTABILITY_FIELDS = ("region", "department", "decided_on", "persons", "hazard", "inspection", "outcome", "note")


def may_hold_accountable(actor, region_code: str) -> bool:
    """责任倒查问责: a safety office or a discipline membership whose region subtree holds `region_code`."""
    return is_admin(actor) or any(
        m.kind in (SAFETY_OFFICE, DISCIPLINE) and m.region_id and region_code.startswith(m.region_id)
        for m in acting_memberships(actor))


def _accountability_problems(values: dict) -> dict:
    errors = {}
    region: Region = values["region"]
    department: Department | None = values["department"]
    if department is not None and department.region_id != region.code:
        errors["department"] = f"决定部门应为“{region.name}”的部门。"
    if values["persons"] is None or values["persons"] < 1:
        errors["persons"] = "问责人数至少为 1 人。"
    if values["decided_on"] is None:
        errors["decided_on"] = "请填写决定日期。"
    elif _future(values["decided_on"]):
        errors["decided_on"] = "日期不能晚于今天。"
    return errors


@transaction.atomic
def accountability_create(*, actor, data: dict) -> Accountability:
    """登记责任倒查问责. `data`: region, persons, and optionally department (of `region`; null = the 党委,
    政府 or 纪委监委 of `region`), decided_on (default today), hazard, inspection, outcome, note."""
    region = data["region"]
    _allowed(actor, may_hold_accountable(actor, region.code),
             "只有该地区或上级的安委办、纪委监委可以登记责任倒查问责。")
    values = {"department": None, "hazard": None, "inspection": None, "outcome": "", "note": "",
              **{k: data[k] for k in ACCOUNTABILITY_FIELDS if k in data}}
    values["decided_on"] = values.get("decided_on") or today()
    values["outcome"], values["note"] = values["outcome"] or "", values["note"] or ""
    _raise(_accountability_problems(values))
    item = Accountability(created_by=_user_or_none(actor), **values)
    item.save()
    record_change(actor, item, None)
    return item


@transaction.atomic
def accountability_update(*, actor, item: Accountability, data: dict,
                          version: int | None = None) -> Accountability:
    """修改, by a safety office or discipline membership over both the record's region and the new one."""
    instance = _locked(Accountability, item, version)
    _allowed(actor, may_hold_accountable(actor, instance.region_id),
             "只有该地区或上级的安委办、纪委监委可以修改责任倒查问责。")
    unknown = sorted(set(data) - set(ACCOUNTABILITY_FIELDS))
    if unknown:
        raise ValidationError({field: ["该字段不能在此修改。"] for field in unknown})
    current = {field: getattr(instance, field) for field in ACCOUNTABILITY_FIELDS}
    values = {**current, **data}
    values["outcome"], values["note"] = values["outcome"] or "", values["note"] or ""
    if values["region"].pk != instance.region_id:
        _allowed(actor, may_hold_accountable(actor, values["region"].pk),
                 "只有该地区或上级的安委办、纪委监委可以登记责任倒查问责。")
    _raise(_accountability_problems(values))
    if all(values[f] == current[f] for f in ACCOUNTABILITY_FIELDS):
        return instance
    before = snapshot(instance)
    for field, value in values.items():
        setattr(instance, field, value)
    _bump(instance)
    record_change(actor, instance, before)
    return instance
