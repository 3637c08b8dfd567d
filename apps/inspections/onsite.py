"""On site: answering the checklist, signing, and the spot-check findings checked against the enterprise's own
records (DESIGN.md "Inspection"; the 调度表 notes: 「既要通过现场检查发现问题，也要通过对企业动火等特种作业存单进行
检查核实来发现问题」).

- `answer_item`: 是 / 否 / 不涉及 with a note and a photo. A "否" registers a hazard in the ledger through
  `apps.hazards.services.hazard_report` (its rules and audit entry), with the source the inspection's kind gives,
  major when the item says so (on a 附件2-style list the inspector chooses, the item's flag as default), linked to
  the inspection and to the answer. Once a hazard exists the "否" stays: the hazard lives in the ledger now (its
  description, level and deadline are corrected there); a note and a photo may still be added until signing.
- `sign_as_inspector`: 谁检查、谁签名、谁负责 — each inspector signs for themself; the first inspector's signature
  locks the record (`signed_at`), the other inspectors add theirs afterwards, and the project's 项目经理 / 总监
  (members of the inspected enterprise) countersign the locked record. Nobody changes the content once signed.
- `cross_check_findings`: for each of the seven findings, what the enterprise's own records on the platform say
  (its principal-led self-inspections, duty lists, safety body, drills, hot-work reviews, contractors) and this
  inspection's own "否" answers — a suggestion shown to the inspector. The findings stay the inspector's decision.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.audit.models import Action
from apps.audit.services import record, record_change, snapshot
from apps.core.errors import NotAllowed, StaleWrite
from apps.hazards.models import EvidenceStage, Level, Source
from apps.hazards.services import EVIDENCE_MAX_BYTES, add_evidence, evidence_type, hazard_report, is_admin
from apps.regions.models import Sector

from .models import (
    FINDINGS,
    Answer,
    ChecklistItem,
    ChecklistLayout,
    Inspection,
    InspectionAnswer,
    InspectionKind,
    InspectionSignature,
)
from .services import _enterprise_member, may_edit_inspection, may_sign_inspection

# The ledger source of a hazard an inspection finds (apps.hazards.models.Source).
SOURCE_BY_KIND = {
    InspectionKind.SELF: Source.SELF,
    InspectionKind.ENFORCEMENT: Source.DEPARTMENT,
    InspectionKind.SUPERVISION: Source.SUPERVISION,
    InspectionKind.EXPERT: Source.EXPERT,
    InspectionKind.REVIEW: Source.REVIEW,
    InspectionKind.ASSISTANCE: Source.DEPARTMENT,
}

PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}
INSPECTOR, PROJECT_MANAGER, CHIEF_SUPERVISOR = "检查人员", "项目经理", "总监"
SIGNATURE_ROLES = (INSPECTOR, PROJECT_MANAGER, CHIEF_SUPERVISOR)
FIXED_AFTER_HAZARD = {"description": "隐患描述", "requirement": "整改要求", "deadline": "整改时限",
                      "major": "是否重大隐患"}


# --- who ----------------------------------------------------------------------------------------------------------

def may_answer(actor, inspection: Inspection) -> bool:
    """Whoever carried the inspection out, until it is signed."""
    return inspection.signed_at is None and may_edit_inspection(actor, inspection)


def signing_roles(actor, inspection: Inspection) -> list[str]:
    """The roles the actor may still sign in (none once they have signed)."""
    if inspection.signatures.filter(user_id=actor.pk).exists():
        return []
    roles = []
    if may_sign_inspection(actor, inspection):
        roles.append(INSPECTOR)
    if inspection.signed_at is not None and (is_admin(actor) or _enterprise_member(actor, inspection.enterprise_id)):
        roles += [PROJECT_MANAGER, CHIEF_SUPERVISOR]
    return roles


def chooses_major(inspection: Inspection) -> bool:
    """On a 附件2-style list (是否重大隐患 column) the inspector decides whether a "否" is major."""
    return inspection.checklist is not None and inspection.checklist.layout == ChecklistLayout.DETAILED


# --- answering ----------------------------------------------------------------------------------------------------

def check_photo(upload) -> None:
    if upload.size > EVIDENCE_MAX_BYTES:
        raise ValidationError({"photo": [f"照片“{upload.name}”超过 10 MB。"]})
    if evidence_type(upload) not in PHOTO_TYPES:
        raise ValidationError({"photo": [f"文件“{upload.name}”不是照片：只接受 JPG、PNG、WebP 图片。"]})


def _lock(inspection: Inspection) -> Inspection:
    return (Inspection.objects.select_for_update(of=("self",)).select_related("checklist", "enterprise", "department")
            .get(pk=inspection.pk))


def _reporting_department(inspection: Inspection, sector_code: str | None):
    """Where a self-inspection's hazard is reported: the enterprise's department that supervises the list's sector,
    else its first department (NOTES.md: a `self` hazard names one of the enterprise's departments)."""
    links = list(inspection.enterprise.department_links.select_related("department").order_by("id"))
    if not links:
        raise ValidationError({"department": [
            "企业自查发现的隐患须报告给本企业的主管部门：请先在企业信息中登记主管部门。"]})
    if sector_code:
        for link in links:
            supervised = Sector.with_descendants(link.department.sectors.values_list("code", flat=True))
            if sector_code in supervised:
                return link.department
    return links[0].department


def _finders(actor, inspection: Inspection) -> str:
    names = [u.display_name for u in inspection.inspectors.all()] or [getattr(actor, "display_name", "")]
    return "、".join(n for n in names if n)[:100]


def _hazard_data(actor, inspection: Inspection, item: ChecklistItem, *, description: str, requirement: str,
                 deadline: datetime.date | None, major: bool) -> dict:
    checklist = inspection.checklist
    source = SOURCE_BY_KIND[InspectionKind(inspection.kind)]
    first_line = description.strip().splitlines()[0]
    text = description.strip() + (f"\n整改要求：{requirement.strip()}" if requirement.strip() else "")
    criterion = item.basis or f"{checklist.name}（第{checklist.version}版）第{item.number}项；{checklist.source}"
    data = {
        "enterprise": inspection.enterprise, "source": source, "found_on": inspection.inspected_on,
        "title": first_line if len(first_line) <= 80 else first_line[:79] + "…",
        "level": Level.MAJOR if major else Level.GENERAL, "description": text,
        "criterion": criterion[:300], "location": inspection.project[:200], "found_by": _finders(actor, inspection),
        "deadline": deadline,
    }
    if checklist.sector_id:
        data["sector"] = checklist.sector
    if source == Source.SELF:
        data["department"] = _reporting_department(inspection, checklist.sector_id)
    elif inspection.department is not None:
        data["found_by_department"] = inspection.department
    return data


@transaction.atomic
def answer_item(*, actor, inspection: Inspection, item: ChecklistItem, answer: str, description: str | None = None,
                requirement: str | None = None, deadline: datetime.date | None = None, note: str | None = None,
                photo=None, major: bool | None = None) -> InspectionAnswer:
    """填写一项检查结果. `None` leaves a field as it is. A "否" needs a 隐患描述 and registers the hazard (major per
    the item, or per `major` on a 附件2-style list); 是 / 不涉及 keep only the note and the photo."""
    inspection = _lock(inspection)
    if not may_edit_inspection(actor, inspection):
        raise NotAllowed("只有实施该检查的企业、部门或检查组人员可以填写检查结果。")
    if inspection.signed_at is not None:
        raise ValidationError({"signed_at": ["已签名的检查记录不能修改。"]})
    if inspection.checklist_id is None:
        raise ValidationError({"checklist": ["该检查未选用检查清单。"]})
    if item.checklist_id != inspection.checklist_id:
        raise ValidationError({"item": ["该事项不属于本次检查所用的清单。"]})
    if answer not in Answer.values:
        raise ValidationError({"answer": ["请选择“是”“否”或“不涉及”。"]})
    if photo is not None:
        check_photo(photo)
    existing = InspectionAnswer.objects.select_for_update().filter(inspection=inspection, item=item).first()
    before = snapshot(existing) if existing else None
    row = existing or InspectionAnswer(inspection=inspection, item=item)
    if note is not None:
        row.note = note.strip()

    if existing is not None and existing.hazard_id is not None:
        hazard = existing.hazard
        if answer != Answer.NO:
            raise ValidationError({"answer": [
                f"该事项已登记隐患“{hazard.title}”，隐患已进入台账，不能再改为“{Answer(answer).label}”。"]})
        given = {"description": description, "requirement": requirement, "deadline": deadline,
                 "major": major}
        stored = {"description": existing.description, "requirement": existing.requirement,
                  "deadline": existing.deadline, "major": hazard.level == Level.MAJOR}
        for field, label in FIXED_AFTER_HAZARD.items():
            value = given[field].strip() if isinstance(given[field], str) else given[field]
            if value is not None and value != stored[field]:
                raise ValidationError({field: [f"隐患已登记入台账，{label}请在隐患台账中修改。"]})
        if photo is not None:
            add_evidence(actor=actor, hazard=hazard, stage=EvidenceStage.BEFORE, upload=photo, _checked=True)
            photo.seek(0)
    elif answer == Answer.NO:
        description = (description if description is not None else row.description).strip()
        requirement = (requirement if requirement is not None else row.requirement).strip()
        deadline = deadline if deadline is not None else row.deadline
        if not description:
            raise ValidationError({"description": ["回答“否”须填写隐患描述。"]})
        if deadline is not None and deadline < inspection.inspected_on:
            raise ValidationError({"deadline": ["整改时限不能早于检查日期。"]})
        if major is None or not chooses_major(inspection):
            if major is not None and major != item.major:
                raise ValidationError({"major": ["该清单的事项是否属于重大隐患由清单确定。"]})
            major = item.major
        hazard = hazard_report(actor=actor, data=_hazard_data(
            actor, inspection, item, description=description, requirement=requirement, deadline=deadline,
            major=major))
        if photo is not None:
            add_evidence(actor=actor, hazard=hazard, stage=EvidenceStage.BEFORE, upload=photo, _checked=True)
            photo.seek(0)
        inspection.hazards.add(hazard)
        row.hazard = hazard
        row.description, row.requirement, row.deadline = description, requirement, deadline
    else:
        row.description, row.requirement, row.deadline = "", "", None

    row.answer = answer
    if photo is not None:
        row.photo.save(photo.name, photo, save=False)
    row.save()
    record_change(actor, row, before)
    return row


# --- signing ------------------------------------------------------------------------------------------------------

@transaction.atomic
def sign_as_inspector(*, actor, inspection: Inspection, role: str = INSPECTOR,
                      version: int | None = None) -> InspectionSignature:
    """签名. 检查人员: an inspector listed on the record (with none listed, the person who registered it); the first
    inspector's signature locks the record. 项目经理 / 总监: a member of the inspected enterprise, on the locked
    record. Each person signs once."""
    inspection = _lock(inspection)
    if version is not None and int(version) != inspection.version:
        raise StaleWrite()
    if role not in SIGNATURE_ROLES:
        raise ValidationError({"role": [f"签名身份应为{'、'.join(SIGNATURE_ROLES)}之一。"]})
    if role == INSPECTOR:
        if not may_sign_inspection(actor, inspection):
            raise NotAllowed("只有检查人员本人可以签名（未列检查人员的，由登记人签名）。")
    else:
        if not (is_admin(actor) or _enterprise_member(actor, inspection.enterprise_id)):
            raise NotAllowed(f"{role}由被检查企业（项目）的人员签名。")
        if inspection.signed_at is None:
            raise ValidationError({"signed_at": [f"检查人员签名后，{role}再签名确认。"]})
    if InspectionSignature.objects.filter(inspection=inspection, user_id=actor.pk).exists():
        raise ValidationError({"signed_at": ["您已在该检查记录上签名。"]})
    name = (getattr(actor, "display_name", "") or getattr(actor, "username", ""))[:100]
    signature = InspectionSignature.objects.create(inspection=inspection, user=actor, name=name, role=role)
    if inspection.signed_at is None:
        before = snapshot(inspection)
        inspection.signed_at = timezone.now()
        inspection.version = F("version") + 1
        inspection.save(update_fields=["signed_at", "version"])
        inspection.refresh_from_db()
        record(actor=actor, action=Action.TRANSITION, instance=inspection, before=before,
               after=snapshot(inspection) | {"action": "sign", "signature": snapshot(signature)})
    else:
        record_change(actor, signature, None)
    return signature


# --- cross-checking the seven findings against the enterprise's records -------------------------------------------

SUGGEST, VERIFY, OK = "suggest", "verify", "ok"
STATUS_LABELS = {SUGGEST: "记录提示可能存在", VERIFY: "请现场核实", OK: "记录齐全"}
UNCERTIFIED_WORDS = ("持证", "无证", "特种作业", "操作资格证书", "取得相应资格")
OUTSOURCING_WORDS = ("承包", "承租", "分包", "外包", "外租")
NO_WINDOW_DAYS = 365


@dataclass(frozen=True)
class CrossCheck:
    flag: str
    label: str
    status: str  # SUGGEST, VERIFY or OK
    notes: tuple[str, ...]

    @property
    def suggested(self) -> bool:
        return self.status == SUGGEST

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def _campaign_for(inspection: Inspection):
    from apps.campaigns.models import Campaign

    covering = list(Campaign.objects.covering(inspection.enterprise.region_id, inspection.inspected_on))
    covering.sort(key=lambda c: (len(c.region_id), c.start), reverse=True)  # the nearest level first
    return covering[0] if covering else None


def _no_answers(inspection: Inspection, words) -> list[str]:
    found = []
    for a in inspection.answers.filter(answer=Answer.NO).select_related("item").order_by("item__number"):
        text = f"{a.item.focus}{a.item.content}"
        if any(w in text for w in words):
            what = a.description or a.item.content or a.item.focus
            found.append(f"本次检查第{a.item.number}项回答“否”：{what}"[:120])
    return found


def _latest(dates) -> str:
    return max(dates).isoformat() if dates else ""


def cross_check_findings(inspection: Inspection) -> list[CrossCheck]:
    """The seven findings in the 调度表's order, each with what the records say. Empty for a self-inspection (it
    records no spot-check findings)."""
    from apps.enterprises.models import Contractor
    from apps.work.duties import DRILL, PRINCIPAL_INSPECTION, duty_status
    from apps.work.models import Activity, ActivityKind

    if inspection.kind == InspectionKind.SELF:
        return []
    enterprise, as_of = inspection.enterprise, inspection.inspected_on
    campaign = _campaign_for(inspection)
    if campaign is not None:
        window = f"专项行动“{campaign.name}”期间（{campaign.start.isoformat()}起）"
        frame = campaign
    else:
        start = as_of - datetime.timedelta(days=NO_WINDOW_DAYS)
        window = f"近一年（{start.isoformat()}起，未找到覆盖该企业的专项行动）"
        frame = {"start": start, "duties": []}
    start = frame.start if campaign is not None else frame["start"]
    principal = list(Inspection.objects.filter(enterprise=enterprise, kind=InspectionKind.SELF,
                                               inspected_on__lte=as_of, inspected_on__gte=start)
                     .values("enterprise_id", "kind", "led_by_principal", "inspected_on"))
    activities = list(Activity.objects.filter(enterprise=enterprise, occurred_on__lte=as_of, occurred_on__gte=start,
                                              kind__in=[ActivityKind.DUTY_LIST, ActivityKind.SAFETY_BODY,
                                                        ActivityKind.DRILL, ActivityKind.HOT_WORK_REVIEW,
                                                        ActivityKind.OUTSOURCING_REVIEW,
                                                        ActivityKind.WARNING_EDUCATION])
                      .values("enterprise_id", "kind", "occurred_on", "count"))
    duties = duty_status(enterprise, frame, as_of, principal, activities)
    dates = {}
    for a in activities:
        dates.setdefault(a["kind"], []).append(a["occurred_on"])

    def duty_check(flag: str, code: str, what: str) -> CrossCheck:
        check = duties[code]
        if check.done == 0:
            return CrossCheck(flag, FINDINGS[flag], SUGGEST, (f"{window}未见{what}记录。",))
        notes = [f"{window}有{what}记录 {check.done} 次（最近 {_latest(dates.get(code, []))}）。"]
        missing = check.missing
        if missing:
            notes.append("未达到专项行动要求的频次：" + "；".join(
                f"{p.label}应{p.required}次、有{p.done}次" for p in missing[:4]) + "。")
            return CrossCheck(flag, FINDINGS[flag], SUGGEST, tuple(notes))
        return CrossCheck(flag, FINDINGS[flag], OK, tuple(notes))

    checks: list[CrossCheck] = []

    # 主要负责人未按要求亲自研究排查整治工作: the platform holds no minutes; the self-inspections and self-reported
    # hazards are what shows the principal organised it.
    self_count = len(principal)
    self_hazards = enterprise.hazards.filter(source=Source.SELF, found_on__gte=start, found_on__lte=as_of).count()
    if self_count == 0 and self_hazards == 0:
        checks.append(CrossCheck("no_principal_study", FINDINGS["no_principal_study"], SUGGEST, (
            f"{window}未见企业自查记录，也未见企业自查上报的隐患。",)))
    else:
        checks.append(CrossCheck("no_principal_study", FINDINGS["no_principal_study"], VERIFY, (
            f"{window}企业自查 {self_count} 次，自查上报隐患 {self_hazards} 项；"
            "请查阅主要负责人研究部署的会议记录。",)))

    # 主要负责人未带队检查: self-inspections led by the principal, at the campaign's frequency.
    led = [r["inspected_on"] for r in principal if r["led_by_principal"]]
    dates[PRINCIPAL_INSPECTION] = led
    checks.append(duty_check("principal_not_leading", PRINCIPAL_INSPECTION, "主要负责人带队检查"))
    checks.append(duty_check("no_duty_list", ActivityKind.DUTY_LIST, "分管负责人安全生产职责清单"))
    checks.append(duty_check("no_safety_body", ActivityKind.SAFETY_BODY, "安全管理机构设置或安全管理人员配备"))

    # 电焊等特种作业岗位人员无证上岗作业: this inspection's own "否" answers, and the hot-work records to check
    # permits and certificates against.
    flag = "uncertified_special_work"
    answers = _no_answers(inspection, UNCERTIFIED_WORDS)
    hot = dates.get(ActivityKind.HOT_WORK_REVIEW, [])
    hot_note = (f"{window}有动火等危险作业人员排查记录 {len(hot)} 次（最近 {_latest(hot)}），请抽查动火作业票与特种作业"
                "操作证是否一致。" if hot else f"{window}未见动火等危险作业人员排查记录：请调阅动火等特种作业存单，"
                "逐一核对作业人员的特种作业操作证。")
    status = SUGGEST if answers else (OK if hot else VERIFY)
    checks.append(CrossCheck(flag, FINDINGS[flag], status, (*answers, hot_note)))

    # 外包外租安全管理混乱: the contractors on record (许昌 附件3 note 2), the 外包外租 reviews and this
    # inspection's own answers.
    flag = "outsourcing_disorder"
    answered = _no_answers(inspection, OUTSOURCING_WORDS)
    notes = list(answered)
    contractors = [c for c in Contractor.objects.filter(enterprise=enterprise).order_by("id")
                   if (c.start is None or c.start <= as_of) and (c.end is None or c.end >= as_of)]
    disorderly = []
    for c in contractors:
        lacking = [text for ok, text in ((c.safety_agreement, "未签订安全生产协议"),
                                         (c.qualified, "不具备安全生产条件或相应资质"),
                                         (c.unified_management, "未纳入本企业统一管理")) if not ok]
        if lacking:
            disorderly.append(f"{c.name}（{c.get_kind_display()}：{c.scope}）{'、'.join(lacking)}")
    notes += [f"外包外租单位{d}。" for d in disorderly]
    reviews = dates.get(ActivityKind.OUTSOURCING_REVIEW, [])
    if contractors and not reviews:
        notes.append(f"登记外包外租单位 {len(contractors)} 家，{window}未见外包外租全面排查记录。")
    if not contractors:
        notes.append("企业未登记外包外租单位：请现场核实有无外包外租。")
    elif not disorderly:
        notes.append(f"登记外包外租单位 {len(contractors)} 家，均已签订安全生产协议、具备资质并纳入统一管理。")
    status = SUGGEST if disorderly or answered else (VERIFY if not contractors or not reviews else OK)
    checks.append(CrossCheck(flag, FINDINGS[flag], status, tuple(notes)))

    checks.append(duty_check("no_drill", DRILL, "事故应急救援预案演练"))
    order = list(FINDINGS)
    return sorted(checks, key=lambda c: order.index(c.flag))
