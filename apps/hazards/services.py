"""Every write to the ledger: report, each transition, listing, transfer. Each runs in one transaction that
locks the hazard row, refuses a stale `version` (StaleWrite → 409), checks the actor's role (NotAllowed → 403)
and then the state (ValidationError → 400), writes the event and the audit entry. The role comes first: a
person who may never take a step is told so (403), not that the hazard is in the wrong state for it. An
administrator passes the role checks, never the state checks. Business dates may lie in the past (another
platform loads its ledger), never in the future, and never before the step they follow."""
import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from apps.audit.models import Action
from apps.audit.services import record, snapshot
from apps.campaigns.models import SignOffLevel, required_sign_offs
from apps.core.errors import NotAllowed, StaleWrite
from apps.enterprises.models import Enterprise
from apps.regions.models import Department, InspectionGroup, Region, Sector
from apps.regions.scope import DEPARTMENT, ENTERPRISE, GROUP, SAFETY_OFFICE, scope_for

from . import workflow
from .models import (
    Acceptance,
    Evidence,
    Hazard,
    HazardEvent,
    Level,
    Listing,
    RectificationPlan,
    SignOff,
    Source,
    Status,
    Transfer,
    today,
)

REPORT_FIELDS = ("title", "level", "kind", "nature", "location", "description", "harm_analysis", "criterion",
                 "found_by", "deadline")


# --- who the actor is: the role half of every step (the state half is workflow.state_refusal) ------------------

def acting_memberships(actor) -> list:
    """The memberships the actor acts for: the interface's acting one, else all (an administrator: none)."""
    acting = getattr(actor, "acting_membership", None)
    if acting is not None:
        return [acting]
    if getattr(actor, "is_superuser", False):
        return []
    return list(actor.memberships.all())


def is_admin(actor) -> bool:
    return bool(getattr(actor, "is_superuser", False)) and getattr(actor, "acting_membership", None) is None


def reportable_sources(actor) -> list[str]:
    """The sources the actor may report (workflow.REPORT_SOURCES by membership kind); all for an administrator."""
    if is_admin(actor):
        return list(Source.values)
    allowed: set[str] = set()
    for m in acting_memberships(actor):
        allowed |= workflow.REPORT_SOURCES.get(m.kind, frozenset())
    return [s for s in Source.values if s in allowed]


def _enterprise_member(actor, hazard: Hazard) -> bool:
    return hazard.enterprise_id is not None and any(
        m.kind == ENTERPRISE and m.enterprise_id == hazard.enterprise_id for m in acting_memberships(actor))


def _in_departments(actor, department_id: int | None) -> bool:
    """Is `department_id` the actor's department or one of its subordinate units (D*)?"""
    return department_id is not None and department_id in scope_for(actor).department_ids


def may_list_as(actor, region_code: str, department_id: int | None) -> bool:
    """挂牌督办 (and 摘牌) in the name of a government (department_id None: a leader of that region's safety
    office) or of a department (a leader of that department)."""
    for m in acting_memberships(actor):
        if m.role != "leader":
            continue
        if department_id is None and m.kind == SAFETY_OFFICE and m.region_id == region_code:
            return True
        if department_id is not None and m.kind == DEPARTMENT and m.department_id == department_id:
            return True
    return False


def _may_list_some(actor, hazard: Hazard) -> bool:
    """Could the actor list the hazard in the name of some authority (a leader over its region)?"""
    for m in acting_memberships(actor):
        if m.role != "leader":
            continue
        if m.kind == SAFETY_OFFICE and hazard.region_id.startswith(m.region_id):
            return True
        if m.kind == DEPARTMENT and hazard.region_id.startswith(m.department.region_id):
            return True
    return False


def _office_over(actor, region_code: str) -> bool:
    return scope_for(actor).manages_region(region_code)


def _rectifier(actor, hazard: Hazard) -> bool:
    """Plans and submits: the enterprise's members; for a hazard without an enterprise, its department."""
    if hazard.enterprise_id:
        return _enterprise_member(actor, hazard)
    return _in_departments(actor, hazard.department_id)


def _fixer(actor, hazard: Hazard) -> bool:
    return _enterprise_member(actor, hazard) or _in_departments(actor, hazard.found_by_department_id)


def _acceptor(actor, hazard: Hazard) -> bool:
    return _in_departments(actor, hazard.department_id)


def _transferrer(actor, hazard: Hazard) -> bool:
    return _in_departments(actor, hazard.department_id) or _office_over(actor, hazard.department.region_id)


def _evidence_adder(actor, hazard: Hazard) -> bool:
    return (_enterprise_member(actor, hazard) or _in_departments(actor, hazard.department_id)
            or _in_departments(actor, hazard.found_by_department_id))


def _editor(actor, hazard: Hazard) -> bool:
    """Corrections: the enterprise's members while the hazard is open; the responsible or the finding
    department (with their subordinate units) at any time."""
    return ((hazard.status != Status.CLOSED and _enterprise_member(actor, hazard))
            or _in_departments(actor, hazard.department_id) or _in_departments(actor, hazard.found_by_department_id))


def _closure_reporter(actor, hazard: Hazard) -> bool:
    """The ledger's keeper reports the closure upward: the enterprise's members or the responsible department."""
    return _rectifier(actor, hazard) or _acceptor(actor, hazard)


ROLE_CHECKS = {
    "plan": _rectifier, "submit": _rectifier, "fix_on_spot": _fixer, "accept": _acceptor, "reject": _acceptor,
    "transfer": _transferrer, "evidence": _evidence_adder, "update": _editor, "list": _may_list_some,
    "closure_report": _closure_reporter,
}


def may(actor, action: str, hazard: Hazard) -> bool:
    """May the actor take `action` on `hazard` as far as their role goes? (`list`: in the name of some
    authority; the listing's own authority is checked by `may_list_as`.) Pages ask it to show their buttons."""
    check = ROLE_CHECKS.get(action)
    return is_admin(actor) or bool(check and check(actor, hazard))


def _allowed(actor, check: bool, message: str) -> None:
    if not (is_admin(actor) or check):
        raise NotAllowed(message)


# --- shared steps ---------------------------------------------------------------------------------------------

def _locked(hazard: Hazard, version: int | None) -> Hazard:
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer join to the enterprise
    current = (Hazard.objects.select_for_update(of=("self",)).select_related("enterprise", "department")
               .get(pk=hazard.pk))
    if version is not None and int(version) != current.version:
        raise StaleWrite()
    return current


def _check_state(action: str, hazard: Hazard) -> None:
    refusal = workflow.state_refusal(action, hazard.status, hazard.level)
    if refusal:
        raise ValidationError({"status": refusal.message})


def _not_in_future(field: str, day: datetime.date) -> None:
    if day > today():
        raise ValidationError({field: "日期不能晚于今天。"})


def _not_before(field: str, day: datetime.date, earliest: datetime.date | None, what: str) -> None:
    if earliest is not None and day < earliest:
        raise ValidationError({field: f"日期不能早于{what}（{earliest.isoformat()}）。"})


def _not_before_plan(field: str, day: datetime.date, hazard: Hazard) -> None:
    if hazard.planned_on is not None:
        _not_before(field, day, hazard.planned_on, "制定治理方案日期")
    else:
        _not_before(field, day, hazard.found_on, "发现日期")


def _save(actor, hazard: Hazard, before: dict, action: str, on: datetime.date, note: str = "",
          from_status: str | None = None) -> Hazard:
    hazard.version = F("version") + 1
    hazard.save()
    hazard.refresh_from_db()
    HazardEvent.objects.create(
        hazard=hazard, action=action, from_status=from_status if from_status is not None else before["status"],
        to_status=hazard.status, on=on, user=actor if getattr(actor, "is_authenticated", False) else None,
        username=getattr(actor, "username", ""), note=note,
    )
    record(actor=actor, action=Action.TRANSITION if action != "update" else Action.UPDATE, instance=hazard,
           before=before, after=hazard_snapshot(hazard) | {"action": action})
    return hazard


def hazard_snapshot(hazard: Hazard) -> dict:
    return snapshot(hazard)


def default_sector(enterprise: Enterprise, department: Department | None) -> str | None:
    """The enterprise's first sector that the responsible department supervises, else its first (NOTES.md)."""
    codes = enterprise.ordered_sector_codes()
    if department is not None:
        supervised = Sector.with_descendants(department.sectors.values_list("code", flat=True))
        for code in codes:
            if code in supervised:
                return code
    return codes[0] if codes else None


# --- report ---------------------------------------------------------------------------------------------------

def _finder_for(actor, source: str, given: Department | None) -> Department | None:
    """Who found it: null for `self`; the actor's department (or the one given among them); for `supervision`
    the lead department of the actor's inspection group; for `assigned`/`tip` the one given, if any."""
    if source == Source.SELF:
        return None
    if is_admin(actor):
        return given
    memberships = acting_memberships(actor)
    if source == Source.SUPERVISION:
        groups = InspectionGroup.objects.filter(pk__in=[m.group_id for m in memberships if m.kind == GROUP])
        leads = {g.lead_department_id: g.lead_department for g in groups.select_related("lead_department")}
        if given is not None:
            if given.pk not in leads:
                raise ValidationError({"found_by_department": "督导检查的发现部门应为本检查组的牵头部门。"})
            return given
        if len(leads) != 1:
            raise ValidationError({"found_by_department": "请指定检查组的牵头部门。"})
        return next(iter(leads.values()))
    if source in (Source.ASSIGNED, Source.TIP):
        return given
    own = scope_for(actor).department_ids
    if given is not None:
        if given.pk not in own:
            raise ValidationError({"found_by_department": "发现部门应为本人所在部门。"})
        return given
    roots = {m.department_id: m.department for m in memberships if m.kind == DEPARTMENT}
    if len(roots) != 1:  # two memberships of one department (member and leader) are still one department
        raise ValidationError({"found_by_department": "请指定发现部门。"})
    return next(iter(roots.values()))


def _may_report(actor, source: str) -> bool:
    return source in reportable_sources(actor)


@transaction.atomic
def hazard_report(*, actor, data: dict, for_tip_department: Department | None = None) -> Hazard:
    """登记隐患. `data`: enterprise (or None with region), title, level, source, found_on, and optionally sector,
    found_by_department, department and the descriptive fields of 附件6.

    `for_tip_department`: a verified tip turned into a hazard (source `tip`) by the department it was triaged to,
    which finds it and becomes responsible; apps.tips.services has checked that the actor handles the tip."""
    source = data["source"]
    if for_tip_department is None:
        _allowed(actor, _may_report(actor, source), f"您无权登记来源为“{Source(source).label}”的隐患。")
    elif source != Source.TIP:
        raise ValidationError({"source": "由举报形成的隐患来源应为“举报”。"})
    enterprise: Enterprise | None = data.get("enterprise")
    if enterprise is not None:
        region = enterprise.region
        if source == Source.SELF and not is_admin(actor) and not any(
                m.kind == ENTERPRISE and m.enterprise_id == enterprise.pk for m in acting_memberships(actor)):
            raise NotAllowed("企业自查隐患只能由本企业人员登记。")
    else:
        region = data.get("region")
        if region is None:
            raise ValidationError({"region": "没有企业的隐患须填写所在区划。"})
        if source == Source.SELF:
            raise ValidationError({"enterprise": "企业自查的隐患须指明企业。"})
        if for_tip_department is None and not is_admin(actor) and not _region_reachable(actor, region):
            raise NotAllowed("该区划不在您的管辖范围内。")
    found_on = data.get("found_on") or today()
    _not_in_future("found_on", found_on)
    finder = for_tip_department or _finder_for(actor, source, data.get("found_by_department"))
    department = data.get("department") or finder
    if department is None:
        raise ValidationError({"department": "请指定负责（接报）部门。"})
    if source == Source.SELF and not enterprise.department_links.filter(department=department).exists():
        raise ValidationError({"department": "企业自查隐患应报告给本企业的主管部门之一。"})
    sector = data.get("sector")
    sector_code = sector.pk if sector is not None else (
        default_sector(enterprise, department) if enterprise is not None else None)
    if sector_code is None:
        raise ValidationError({"sector": "请指定行业领域。"})
    hazard = Hazard(
        enterprise=enterprise, region=region, source=source, sector_id=sector_code, found_on=found_on,
        found_by_department=finder, department=department,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **{k: data[k] for k in REPORT_FIELDS if k in data and data[k] is not None},
    )
    hazard.full_clean(exclude=["created_by", "enterprise", "region", "sector", "department", "found_by_department"])
    hazard.save()
    HazardEvent.objects.create(hazard=hazard, action="report", to_status=hazard.status, on=found_on,
                               user=hazard.created_by, username=getattr(actor, "username", ""))
    record(actor=actor, action=Action.CREATE, instance=hazard, after=hazard_snapshot(hazard))
    return hazard


UPDATE_FIELDS = ("title", "description", "location", "kind", "nature", "harm_analysis", "criterion", "found_by",
                 "level", "sector")


def _department_editor(actor, hazard: Hazard) -> bool:
    return _in_departments(actor, hazard.department_id) or _in_departments(actor, hazard.found_by_department_id)


@transaction.atomic
def hazard_update(*, actor, hazard: Hazard, data: dict, version: int | None = None) -> Hazard:
    """修改: the descriptive fields of 附件6, and the corrections of `level` and `sector` (a hazard found to be
    major after all, a sector misfiled). Status, dates and the responsible department change only through their
    own steps (`transfer` for the department). Lowering the level or changing the sector is for the responsible
    or finding department; the enterprise may only raise the level. `data` holds only the fields to change;
    `sector` is a Sector."""
    hazard = _locked(hazard, version)
    _allowed(actor, _editor(actor, hazard), "只有企业人员（销号前）、负责部门或发现部门可以修改隐患。")
    unknown = sorted(set(data) - set(UPDATE_FIELDS))
    if unknown:
        raise ValidationError({field: "该字段不能在此修改。" for field in unknown})
    before = hazard_snapshot(hazard)
    changed = False
    for field, value in data.items():
        attname = "sector_id" if field == "sector" else field
        value = value.pk if field == "sector" else value
        if getattr(hazard, attname) != value:
            setattr(hazard, attname, value)
            changed = True
    if not changed:
        return hazard
    if not (is_admin(actor) or _department_editor(actor, hazard)):
        # the enterprise may raise its own hazard to major, never lower it (a general hazard may be fixed on the
        # spot and needs no acceptance) nor move it to another sector (another department's line)
        if hazard.level != before["level"] and hazard.level == Level.GENERAL:
            raise NotAllowed("降低隐患等级须由负责部门或发现部门办理。")
        if hazard.sector_id != before["sector_id"]:
            raise NotAllowed("更正行业领域须由负责部门或发现部门办理。")
    if hazard.level == Level.MAJOR and hazard.fixed_on_spot:
        raise ValidationError({"level": "该隐患已立即整改销号，不能改为重大事故隐患（重大事故隐患须制定治理方案）。"})
    hazard.full_clean(exclude=["created_by", "enterprise", "region", "sector", "department", "found_by_department"])
    return _save(actor, hazard, before, "update", today())


def _region_reachable(actor, region: Region) -> bool:
    scope = scope_for(actor)
    code = region.code
    return (scope.covers_region(code) or any(code.startswith(r) for r in scope.group_region_codes)
            or any(code.startswith(reach.region_code) for reach in scope.departments))


# --- the transitions ------------------------------------------------------------------------------------------

FIVE_ELEMENTS = {"owner": "责任人", "measures": "措施", "funds": "资金", "deadline": "时限", "contingency": "应急预案"}


def plan_problems(plan: dict, found_on: datetime.date | None) -> list[tuple[str, str]]:
    """What is wrong with a rectification plan, as (field, message) pairs; empty when it may be filed. The five
    elements must all be there; the plan date (`planned_on`, default today) lies between the finding and today;
    the deadline is not before the plan date; the funds are not negative. The form, the API and the ledger
    import all ask this one function."""
    missing = [key for key in FIVE_ELEMENTS if plan.get(key) in (None, "")]
    if missing:
        message = f"治理方案须具备五要素，缺少：{'、'.join(FIVE_ELEMENTS[key] for key in missing)}。"
        return [(key, message) for key in missing]
    problems = []
    planned_on = plan.get("planned_on") or today()
    if planned_on > today():
        problems.append(("planned_on", "日期不能晚于今天。"))
    if found_on is not None and planned_on < found_on:
        problems.append(("planned_on", f"日期不能早于发现日期（{found_on.isoformat()}）。"))
    if plan["deadline"] < planned_on:
        problems.append(("deadline", "治理时限不能早于方案制定日期。"))
    if Decimal(plan["funds"]) < 0:
        problems.append(("funds", "资金不能为负数。"))
    return problems



@transaction.atomic
def hazard_plan(*, actor, hazard: Hazard, plan: dict, version: int | None = None) -> Hazard:
    """制定治理方案 → rectifying. `plan`: owner, measures, funds, deadline, contingency, and optionally goal,
    requirements, interim_controls, planned_on (default today)."""
    hazard = _locked(hazard, version)
    _allowed(actor, _rectifier(actor, hazard), "只有企业人员可以制定治理方案。")
    _check_state("plan", hazard)
    problems = plan_problems(plan, hazard.found_on)
    if problems:
        incomplete = any(plan.get(key) in (None, "") for key in FIVE_ELEMENTS)
        raise ValidationError({"plan": problems[0][1]} if incomplete else dict(problems))
    planned_on = plan.get("planned_on") or today()
    before = hazard_snapshot(hazard)
    RectificationPlan.objects.update_or_create(hazard=hazard, defaults={
        "owner": plan["owner"], "measures": plan["measures"], "funds": plan["funds"], "deadline": plan["deadline"],
        "contingency": plan["contingency"], "goal": plan.get("goal", ""), "requirements": plan.get("requirements", ""),
        "interim_controls": plan.get("interim_controls", ""), "planned_on": planned_on,
    })
    hazard.status = workflow.next_status("plan", hazard.status)
    hazard.planned_on = planned_on
    hazard.deadline = plan["deadline"]
    return _save(actor, hazard, before, "plan", planned_on)


@transaction.atomic
def hazard_fix_on_spot(*, actor, hazard: Hazard, fixed_on: datetime.date | None = None, note: str = "",
                       version: int | None = None, files: Sequence = ()) -> Hazard:
    hazard = _locked(hazard, version)
    _allowed(actor, _fixer(actor, hazard),
             "只有企业人员或发现隐患的部门可以登记立即整改。")
    _check_state("fix_on_spot", hazard)
    fixed_on = fixed_on or today()
    _not_in_future("fixed_on", fixed_on)
    if fixed_on < hazard.found_on:
        raise ValidationError({"fixed_on": "整改日期不能早于发现日期。"})
    before = hazard_snapshot(hazard)
    hazard.status = workflow.next_status("fix_on_spot", hazard.status)
    hazard.fixed_on_spot = True
    hazard.closed_on = fixed_on
    for f in files:
        add_evidence(actor=actor, hazard=hazard, stage="after", upload=f, _checked=True)
    return _save(actor, hazard, before, "fix_on_spot", fixed_on, note)


@transaction.atomic
def hazard_submit(*, actor, hazard: Hazard, note: str = "", version: int | None = None,
                  submitted_on: datetime.date | None = None) -> Hazard:
    hazard = _locked(hazard, version)
    _allowed(actor, _rectifier(actor, hazard), "只有企业人员可以提请验收。")
    _check_state("submit", hazard)
    submitted_on = submitted_on or today()
    _not_in_future("submitted_on", submitted_on)
    _not_before_plan("submitted_on", submitted_on, hazard)
    before = hazard_snapshot(hazard)
    hazard.status = workflow.next_status("submit", hazard.status)
    return _save(actor, hazard, before, "submit", submitted_on, note)



@transaction.atomic
def hazard_accept(*, actor, hazard: Hazard, accepted_on: datetime.date | None, members: Sequence[str],
                  conclusion: str, sign_offs: Sequence[dict] = (), version: int | None = None) -> Hazard:
    """验收销号 → closed with closed_on = accepted_on; needs every sign-off the campaigns covering the hazard on
    that day require (their union; 市直部门直管 skips the county rows)."""
    hazard = _locked(hazard, version)
    _allowed(actor, _acceptor(actor, hazard), "只有该隐患的负责部门可以验收。")
    _check_state("accept", hazard)
    accepted_on = accepted_on or today()
    _not_in_future("accepted_on", accepted_on)
    _not_before_plan("accepted_on", accepted_on, hazard)
    errors = {}
    if not [m for m in members if str(m).strip()]:
        errors["members"] = "请填写验收组成员。"
    if not conclusion.strip():
        errors["conclusion"] = "请填写验收结论。"
    given = {s["level"] for s in sign_offs}
    unknown = sorted(given - set(SignOffLevel.values))
    if unknown:
        errors["sign_offs"] = f"未知的签字层级：{'、'.join(unknown)}。"
    city_direct = bool(hazard.enterprise and hazard.enterprise.city_direct)
    lacking = [level for level in required_sign_offs(hazard.region_id, accepted_on, city_direct) if level not in given]
    if lacking:
        errors["sign_offs"] = "缺少签字：" + "、".join(SignOffLevel(level).label for level in lacking) + "。"
    if errors:
        raise ValidationError(errors)
    before = hazard_snapshot(hazard)
    acceptance = Acceptance.objects.create(hazard=hazard, accepted_on=accepted_on,
                                           members=[str(m).strip() for m in members if str(m).strip()],
                                           conclusion=conclusion)
    SignOff.objects.bulk_create(SignOff(acceptance=acceptance, level=s["level"], name=s["name"],
                                        opinion=s.get("opinion", ""), signed_on=s.get("signed_on") or accepted_on)
                                for s in sign_offs)
    hazard.status = workflow.next_status("accept", hazard.status)
    hazard.closed_on = accepted_on
    return _save(actor, hazard, before, "accept", accepted_on, conclusion)


@transaction.atomic
def hazard_reject(*, actor, hazard: Hazard, reason: str, version: int | None = None,
                  rejected_on: datetime.date | None = None) -> Hazard:
    hazard = _locked(hazard, version)
    _allowed(actor, _acceptor(actor, hazard), "只有该隐患的负责部门可以验收。")
    _check_state("reject", hazard)
    if not reason.strip():
        raise ValidationError({"reason": "请填写不通过的原因。"})
    rejected_on = rejected_on or today()
    _not_in_future("rejected_on", rejected_on)
    _not_before_plan("rejected_on", rejected_on, hazard)
    before = hazard_snapshot(hazard)
    hazard.status = workflow.next_status("reject", hazard.status)
    return _save(actor, hazard, before, "reject", rejected_on, reason)


@transaction.atomic
def hazard_report_closure(*, actor, hazard: Hazard, reported_on: datetime.date | None = None,
                          version: int | None = None) -> Hazard:
    """上报销号情况: the closure reported upward, due within 3 days of 销号 (许昌 附件6 note)."""
    hazard = _locked(hazard, version)
    _allowed(actor, _closure_reporter(actor, hazard), "只有企业人员或负责部门可以上报销号情况。")
    _check_state("closure_report", hazard)
    if hazard.closure_reported_on is not None:
        raise ValidationError({"closure_reported_on": f"销号情况已于 {hazard.closure_reported_on.isoformat()} 上报。"})
    reported_on = reported_on or today()
    _not_in_future("reported_on", reported_on)
    _not_before("reported_on", reported_on, hazard.closed_on, "销号日期")
    before = hazard_snapshot(hazard)
    hazard.closure_reported_on = reported_on
    return _save(actor, hazard, before, "closure_report", reported_on)


# --- listing and transfer -------------------------------------------------------------------------------------

@transaction.atomic
def hazard_list(*, actor, hazard: Hazard, authority_region: Region, authority_department: Department | None,
                document_no: str, listed_on: datetime.date | None, deadline: datetime.date,
                version: int | None = None) -> Listing:
    """挂牌督办: a safety office's leader for its government, a department's leader for its department."""
    hazard = _locked(hazard, version)
    _allowed(actor, may_list_as(actor, authority_region.code, getattr(authority_department, "pk", None)),
             "政府挂牌督办须由本级安委办负责人办理，部门挂牌督办须由该部门负责人办理。")
    _check_state("list", hazard)
    listed_on = listed_on or today()
    _not_in_future("listed_on", listed_on)
    _not_before("listed_on", listed_on, hazard.found_on, "发现日期")
    if authority_department is not None and authority_department.region_id != authority_region.code:
        raise ValidationError({"authority_region": "挂牌地区应为挂牌部门所在的区划。"})
    if not hazard.region_id.startswith(authority_region.code):
        raise ValidationError({"authority_region": "隐患不在挂牌地区的辖区内。"})
    if deadline < listed_on:
        raise ValidationError({"deadline": "督办期限不能早于挂牌日期。"})
    if not document_no.strip():
        raise ValidationError({"document_no": "请填写督办文号。"})
    before = hazard_snapshot(hazard)
    listing = Listing.objects.create(hazard=hazard, authority_region=authority_region,
                                     authority_department=authority_department, document_no=document_no.strip(),
                                     listed_on=listed_on, deadline=deadline)
    _save(actor, hazard, before, "list", listed_on, f"{document_no}（期限 {deadline}）")
    return listing


@transaction.atomic
def hazard_delist(*, actor, hazard: Hazard, index: int, delisted_on: datetime.date | None,
                  version: int | None = None) -> Listing:
    hazard = _locked(hazard, version)
    _check_state("delist", hazard)
    listings = list(hazard.listings.order_by("listed_on", "id"))
    if not 0 <= index < len(listings):
        raise ValidationError({"listing": "没有这条挂牌督办记录。"})
    listing = listings[index]
    _allowed(actor, may_list_as(actor, listing.authority_region_id, listing.authority_department_id),
             "只有挂牌单位的负责人可以摘牌。")
    if listing.delisted_on is not None:
        raise ValidationError({"listing": "该挂牌督办已摘牌。"})
    delisted_on = delisted_on or today()
    _not_in_future("delisted_on", delisted_on)
    if delisted_on < listing.listed_on:
        raise ValidationError({"delisted_on": "摘牌日期不能早于挂牌日期。"})
    before = hazard_snapshot(hazard)
    listing.delisted_on = delisted_on
    listing.save(update_fields=["delisted_on"])
    _save(actor, hazard, before, "delist", delisted_on, listing.document_no)
    return listing


@transaction.atomic
def hazard_transfer(*, actor, hazard: Hazard, to_department: Department, reason: str,
                    transferred_on: datetime.date | None = None, version: int | None = None) -> Transfer:
    """移交: by the responsible department, or a safety office above it."""
    hazard = _locked(hazard, version)
    _allowed(actor, _transferrer(actor, hazard),
             "只有负责部门或其上级安委办可以移交隐患。")
    _check_state("transfer", hazard)
    if to_department.pk == hazard.department_id:
        raise ValidationError({"department": "接收部门不能是当前负责部门。"})
    if not reason.strip():
        raise ValidationError({"reason": "请填写移交原因。"})
    transferred_on = transferred_on or today()
    _not_in_future("transferred_on", transferred_on)
    _not_before("transferred_on", transferred_on, hazard.found_on, "发现日期")
    before = hazard_snapshot(hazard)
    transfer = Transfer.objects.create(hazard=hazard, from_department=hazard.department, to_department=to_department,
                                       reason=reason, transferred_on=transferred_on,
                                       received_by=getattr(actor, "display_name", "") or getattr(actor, "username", ""))
    hazard.department = to_department
    _save(actor, hazard, before, "transfer", transferred_on, f"{transfer.from_department} → {to_department}：{reason}")
    return transfer


# --- evidence -------------------------------------------------------------------------------------------------

EVIDENCE_TYPES = {"image/jpeg", "image/png", "image/webp", "application/pdf",
                  "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
MAGIC = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG": "image/png", b"%PDF": "application/pdf",
         b"PK\x03\x04": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def evidence_type(upload) -> str:
    """The file's real type from its first bytes (the client's content type is not trusted)."""
    head = upload.read(12)
    upload.seek(0)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    for magic, kind in MAGIC.items():
        if head.startswith(magic):
            return kind
    return ""


def add_evidence(*, actor, hazard: Hazard, stage: str, upload, _checked: bool = False) -> Evidence:
    if not _checked:
        _allowed(actor, _evidence_adder(actor, hazard), "您无权为该隐患上传材料。")
    if upload.size > EVIDENCE_MAX_BYTES:
        raise ValidationError({"files": f"文件“{upload.name}”超过 10 MB。"})
    kind = evidence_type(upload)
    if kind not in EVIDENCE_TYPES:
        raise ValidationError(
            {"files": f"文件“{upload.name}”的类型不受支持：只接受 JPG、PNG、WebP 图片和 PDF、Word 文档。"})
    evidence = Evidence(hazard=hazard, stage=stage, name=upload.name[:200], content_type=kind, size=upload.size,
                        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None)
    evidence.file.save(upload.name, upload, save=False)
    evidence.save()
    record(actor=actor, action=Action.CREATE, instance=evidence, after=snapshot(evidence))
    return evidence


def penalty_waived(hazard: Hazard) -> bool:
    """依法不予行政处罚: a major hazard that the enterprise found and reported itself and rectifies (or has
    rectified) under a plan. The one question other modules (enforcement) ask."""
    return (hazard.level == Level.MAJOR and hazard.source == Source.SELF and hazard.planned_on is not None
            and hazard.status != Status.REPORTED)
