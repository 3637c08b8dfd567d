"""On site (apps/inspections/onsite.py): a "否" registers exactly one hazard in the ledger — the source the
inspection's kind gives, major where the item says so (on a 附件2-style list as the inspector chooses), in the
ledger scope of the inspecting department and of the enterprise — linked to the inspection and to the answer;
是 and 不涉及 register none; a "否" whose hazard exists stays; who may answer and sign; the first signature locks
the record and the other inspectors sign after it; the seven findings are checked against the enterprise's own
records; the filled checklist exports with its signature lines; the API shows answers and signatures."""
import datetime
import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from apps.audit.models import AuditEntry
from apps.audit.services import verify_chain
from apps.campaigns.models import Campaign
from apps.core.errors import NotAllowed, StaleWrite
from apps.enterprises.models import Contractor
from apps.hazards.models import Evidence, Hazard
from apps.inspections import onsite, services
from apps.inspections.checklist_xlsx import filled_workbook
from apps.inspections.models import Checklist, InspectionAnswer, InspectionSignature
from apps.work.models import Activity
from tests.world import _user

TODAY = timezone.localdate


def days(n: int) -> datetime.date:
    return TODAY() + datetime.timedelta(days=n)


def png() -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"\x00\xff\x00\x00"
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def checklist(code) -> Checklist:
    return Checklist.objects.get(code=code, active=True)


def item(code, number):
    return checklist(code).items.get(number=number)


GONGMAO = "national-gongmao-2023-general"
CONSTRUCTION = "fuzhou-2023-construction"


@pytest.fixture
def w(world):
    world.colleague = _user("a_colleague", ("department", world.a_emergency, "member"))
    world.b_user = _user("b_emergency", ("department", world.b_emergency, "member"))
    world.housing_user = _user("a_housing_member", ("department", world.a_housing, "member"))
    world.build_user = _user("ent_build_a", ("enterprise", world.build_a, "member"))
    return world


def enforcement(w, code=GONGMAO, **data):
    return services.inspection_create(actor=w.a_emergency_user, data={
        "enterprise": w.chem_a, "kind": "enforcement", "mode": "unannounced", "checklist": checklist(code),
        "inspectors": [w.a_emergency_user, w.colleague], "inspected_on": days(-1), **data})


def say_no(w, inspection, number, actor=None, code=GONGMAO, **kwargs):
    return onsite.answer_item(actor=actor or w.a_emergency_user, inspection=inspection, item=item(code, number),
                              answer="no", **{"description": "承包商未纳入统一管理", **kwargs})


# --- a "否" and the ledger ------------------------------------------------------------------------------------------

def test_a_no_registers_one_major_hazard_linked_to_the_inspection_in_the_departments_ledger(w):
    inspection = enforcement(w, project="储罐区")
    answer = say_no(w, inspection, 1, requirement="签订安全生产管理协议", deadline=days(20), note="现场询问")
    hazard = answer.hazard
    assert Hazard.objects.count() == 1
    assert (hazard.level, hazard.source, hazard.enterprise, hazard.found_by_department, hazard.department) == (
        "major", "department", w.chem_a, w.a_emergency, w.a_emergency)
    assert (hazard.found_on, hazard.deadline, hazard.location, hazard.sector_id) == (
        days(-1), days(20), "储罐区", "industry_trade")
    assert hazard.title == "承包商未纳入统一管理" and "整改要求：签订安全生产管理协议" in hazard.description
    assert "应急管理部令第10号" in hazard.criterion and "第三条第（一）项" in hazard.criterion
    assert hazard.found_by == "a_colleague、a_emergency"  # the inspectors, by username
    assert list(inspection.hazards.all()) == [hazard]
    assert (answer.answer, answer.description, answer.requirement, answer.note) == (
        "no", "承包商未纳入统一管理", "签订安全生产管理协议", "现场询问")
    # the ledger: the inspecting department, the enterprise, the county office see it; another county does not
    for user in (w.a_emergency_user, w.ent_user, w.office_a_user, w.colleague):
        assert Hazard.objects.visible_to(user).filter(pk=hazard.pk).exists(), user
    assert not Hazard.objects.visible_to(w.b_user).filter(pk=hazard.pk).exists()
    assert hazard.events.get().action == "report"
    assert not verify_chain()


def test_yes_and_not_applicable_register_nothing(w):
    inspection = enforcement(w)
    onsite.answer_item(actor=w.a_emergency_user, inspection=inspection, item=item(GONGMAO, 1), answer="yes",
                       description="不该留下", note="协议齐全")
    onsite.answer_item(actor=w.colleague, inspection=inspection, item=item(GONGMAO, 3), answer="na")
    assert Hazard.objects.count() == 0 and inspection.hazards.count() == 0
    answers = {a.item.number: a for a in inspection.answers.select_related("item")}
    assert (answers[1].answer, answers[1].description, answers[1].note) == ("yes", "", "协议齐全")
    assert answers[3].answer == "na"
    # answered again, an answer is changed, not duplicated
    onsite.answer_item(actor=w.a_emergency_user, inspection=inspection, item=item(GONGMAO, 1), answer="na")
    assert InspectionAnswer.objects.filter(inspection=inspection).count() == 2


def test_on_a_fuzhou_construction_list_the_inspector_decides_whether_a_no_is_major(w):
    inspection = services.inspection_create(actor=w.housing_user, data={
        "enterprise": w.build_a, "kind": "enforcement", "checklist": checklist(CONSTRUCTION), "project": "1#楼"})
    by_default = say_no(w, inspection, 32, actor=w.housing_user, code=CONSTRUCTION).hazard  # 第十一条: major
    general = say_no(w, inspection, 38, actor=w.housing_user, code=CONSTRUCTION).hazard  # 消防: general
    chosen = say_no(w, inspection, 41, actor=w.housing_user, code=CONSTRUCTION, major=True).hazard
    lowered = say_no(w, inspection, 33, actor=w.housing_user, code=CONSTRUCTION, major=False).hazard
    assert [h.level for h in (by_default, general, chosen, lowered)] == ["major", "general", "major", "general"]
    assert {h.sector_id for h in (by_default, general)} == {"construction.housing"}
    assert by_default.department == w.a_housing and by_default.location == "1#楼"
    # on a list that prints 重大隐患描述 the list decides
    other = enforcement(w)
    with pytest.raises(ValidationError) as error:
        say_no(w, other, 1, major=False)
    assert "major" in error.value.message_dict


@pytest.mark.parametrize("kind,source", [("expert", "expert"), ("review", "review"), ("assistance", "department")])
def test_the_ledger_source_follows_the_kind_of_inspection(w, kind, source):
    inspection = services.inspection_create(actor=w.a_emergency_user, data={
        "enterprise": w.chem_a, "kind": kind, "checklist": checklist(GONGMAO)})
    hazard = say_no(w, inspection, 2).hazard
    assert (hazard.source, hazard.found_by_department) == (source, w.a_emergency)


def test_a_self_inspection_reports_to_the_enterprises_department_and_a_group_as_its_lead_department(w):
    own = services.inspection_create(actor=w.ent_user, data={
        "enterprise": w.chem_a, "kind": "self", "led_by_principal": True, "checklist": checklist(GONGMAO)})
    hazard = say_no(w, own, 2, actor=w.ent_user).hazard
    assert (hazard.source, hazard.found_by_department, hazard.department) == ("self", None, w.a_emergency)
    group = services.inspection_create(actor=w.group_user, data={
        "enterprise": w.chem_b, "kind": "supervision", "checklist": checklist(GONGMAO)})
    hazard = say_no(w, group, 3, actor=w.group_user).hazard
    assert (hazard.source, hazard.found_by_department, hazard.enterprise) == ("supervision", w.city_emergency,
                                                                              w.chem_b)
    assert Hazard.objects.visible_to(w.group_user).filter(pk=hazard.pk).exists()


def test_a_no_needs_a_description_and_stays_once_its_hazard_is_in_the_ledger(w):
    inspection = enforcement(w)
    with pytest.raises(ValidationError) as error:
        say_no(w, inspection, 1, description="  ")
    assert "description" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        say_no(w, inspection, 1, deadline=days(-5))
    assert "deadline" in error.value.message_dict
    with pytest.raises(ValidationError) as error:  # an item of another list
        onsite.answer_item(actor=w.a_emergency_user, inspection=inspection, item=item(CONSTRUCTION, 32),
                           answer="yes")
    assert "item" in error.value.message_dict
    assert Hazard.objects.count() == 0 and not inspection.answers.exists()

    answer = say_no(w, inspection, 1)
    for other in ("yes", "na"):
        with pytest.raises(ValidationError) as error:
            onsite.answer_item(actor=w.a_emergency_user, inspection=inspection, item=item(GONGMAO, 1), answer=other)
        assert "已进入台账" in error.value.message_dict["answer"][0]
    with pytest.raises(ValidationError) as error:
        say_no(w, inspection, 1, description="改写描述")
    assert "隐患台账" in error.value.message_dict["description"][0]
    # a note and a photo may still be added: the photo also goes to the hazard's 整改前 evidence
    again = onsite.answer_item(actor=w.colleague, inspection=inspection, item=item(GONGMAO, 1), answer="no",
                               note="补充说明", photo=SimpleUploadedFile("现场.png", png(), "image/png"))
    assert (again.pk, again.hazard_id, again.note, bool(again.photo)) == (answer.pk, answer.hazard_id, "补充说明", True)
    assert Evidence.objects.filter(hazard=answer.hazard, stage="before").count() == 1
    assert Hazard.objects.count() == 1 and inspection.hazards.count() == 1


def test_photos_are_checked_by_their_bytes(w):
    inspection = enforcement(w)
    fake = SimpleUploadedFile("照片.jpg", b"<html>not a photo</html>", "image/jpeg")
    with pytest.raises(ValidationError) as error:
        say_no(w, inspection, 1, photo=fake)
    assert "photo" in error.value.message_dict and Hazard.objects.count() == 0
    pdf = SimpleUploadedFile("材料.pdf", b"%PDF-1.4 ...", "application/pdf")
    with pytest.raises(ValidationError):
        onsite.answer_item(actor=w.a_emergency_user, inspection=inspection, item=item(GONGMAO, 2), answer="yes",
                           photo=pdf)
    answer = say_no(w, inspection, 1, photo=SimpleUploadedFile("a.png", png(), "image/png"))
    assert answer.photo.read().startswith(b"\x89PNG")
    assert Evidence.objects.get(hazard=answer.hazard).content_type == "image/png"


def test_who_may_answer(w):
    inspection = enforcement(w)
    for outsider in (w.ent_user, w.b_user, w.office_a_user, w.group_user, w.city_housing_user):
        with pytest.raises(NotAllowed):
            onsite.answer_item(actor=outsider, inspection=inspection, item=item(GONGMAO, 1), answer="yes")
    onsite.answer_item(actor=w.colleague, inspection=inspection, item=item(GONGMAO, 1), answer="yes")
    own = services.inspection_create(actor=w.ent_user, data={
        "enterprise": w.chem_a, "kind": "self", "checklist": checklist(GONGMAO)})
    with pytest.raises(NotAllowed):
        onsite.answer_item(actor=w.a_emergency_user, inspection=own, item=item(GONGMAO, 1), answer="yes")
    onsite.answer_item(actor=w.ent_user, inspection=own, item=item(GONGMAO, 1), answer="yes")
    assert onsite.may_answer(w.ent_user, own) and not onsite.may_answer(w.ent_user, inspection)


# --- signing ------------------------------------------------------------------------------------------------------

def test_each_inspector_signs_the_first_signature_locks_and_nobody_changes_the_content(w):
    inspection = enforcement(w)
    say_no(w, inspection, 1)
    with pytest.raises(NotAllowed):  # 谁检查、谁签名: the county office did not inspect
        onsite.sign_as_inspector(actor=w.office_a_user, inspection=inspection)
    with pytest.raises(ValidationError):  # the enterprise countersigns only a locked record
        onsite.sign_as_inspector(actor=w.ent_user, inspection=inspection, role="项目经理")
    with pytest.raises(StaleWrite):
        onsite.sign_as_inspector(actor=w.a_emergency_user, inspection=inspection, version=99)
    before = AuditEntry.objects.count()
    first = onsite.sign_as_inspector(actor=w.a_emergency_user, inspection=inspection, version=1)
    inspection.refresh_from_db()
    assert inspection.signed_at is not None and inspection.version == 2
    assert (first.role, first.name, first.user) == ("检查人员", "a_emergency", w.a_emergency_user)
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.after["action"], entry.after["signature"]["role"]) == ("transition", "sign", "检查人员")

    # locked: no answer, no update, not by anyone
    for actor in (w.a_emergency_user, w.colleague, w.admin):
        with pytest.raises(ValidationError) as error:
            onsite.answer_item(actor=actor, inspection=inspection, item=item(GONGMAO, 2), answer="yes")
        assert "signed_at" in error.value.message_dict
        with pytest.raises(ValidationError):
            services.inspection_update(actor=actor, inspection=inspection, data={"note": "改稿"})
    # the other inspector adds theirs; nobody signs twice; the enterprise's project manager countersigns
    onsite.sign_as_inspector(actor=w.colleague, inspection=inspection)
    with pytest.raises(ValidationError) as error:
        onsite.sign_as_inspector(actor=w.colleague, inspection=inspection)
    assert "已在该检查记录上签名" in error.value.message_dict["signed_at"][0]
    onsite.sign_as_inspector(actor=w.ent_user, inspection=inspection, role="项目经理")
    with pytest.raises(NotAllowed):
        onsite.sign_as_inspector(actor=w.b_user, inspection=inspection, role="总监")
    assert list(inspection.signatures.values_list("role", "user__username")) == [
        ("检查人员", "a_emergency"), ("检查人员", "a_colleague"), ("项目经理", "ent_chem_a")]
    inspection.refresh_from_db()
    assert inspection.version == 2 and inspection.answers.count() == 1
    assert not verify_chain()


def test_the_api_sign_action_is_the_same_signature(w):
    inspection = enforcement(w)
    client = APIClient()
    client.force_authenticate(w.colleague)
    body = client.post(f"/api/v1/inspections/{inspection.pk}/sign/", {}, format="json").json()
    assert body["signed_at"] and [s["role"] for s in body["signatures"]] == ["检查人员"]
    client.force_authenticate(w.a_emergency_user)
    body = client.post(f"/api/v1/inspections/{inspection.pk}/sign/", {}, format="json").json()
    assert [s["name"] for s in body["signatures"]] == ["a_colleague", "a_emergency"]
    assert InspectionSignature.objects.filter(inspection=inspection).count() == 2


def test_the_api_shows_the_checklist_answers_and_the_checklists(w):
    inspection = enforcement(w, project="罐区")
    answer = say_no(w, inspection, 2, deadline=days(10))
    client = APIClient()
    client.force_authenticate(w.ent_user)
    body = client.get(f"/api/v1/inspections/{inspection.pk}/").json()
    assert (body["checklist"], body["project"]) == (checklist(GONGMAO).pk, "罐区")
    assert body["answers"] == [{"item": answer.item_id, "number": 2, "answer": "no",
                                "description": "承包商未纳入统一管理", "requirement": "",
                                "deadline": days(10).isoformat(), "note": "", "photo": False,
                                "hazard": answer.hazard_id}]
    created = client.post("/api/v1/inspections/", {"enterprise": w.chem_a.pk, "kind": "self",
                                                   "checklist": checklist(CONSTRUCTION).pk, "project": "自查"},
                          format="json")
    assert created.status_code == 201 and created.json()["checklist"] == checklist(CONSTRUCTION).pk
    lists = client.get("/api/v1/checklists/?active=true").json()
    codes = {c["code"]: c for c in lists["results"]}
    assert len(codes["fuzhou-2023-construction"]["items"]) == 13 and codes["fuzhou-2023-gas"]["layout"] == "focus"
    assert APIClient().get("/api/v1/checklists/").status_code in (401, 403)


# --- the seven findings against the enterprise's records ------------------------------------------------------------

@pytest.fixture
def campaign(w):
    return Campaign.objects.create(slug="xuchang", name="许昌市专项行动", region=w.city, start=days(-60),
                                   end=days(200), duties=[{"kind": "drill", "every": "campaign", "times": 2}])


def by_flag(inspection):
    return {c.flag: c for c in onsite.cross_check_findings(inspection)}


def test_without_records_the_cross_check_suggests_the_findings(w, campaign):
    inspection = enforcement(w)
    checks = by_flag(inspection)
    assert list(checks) == ["no_principal_study", "principal_not_leading", "no_duty_list", "no_safety_body",
                            "uncertified_special_work", "outsourcing_disorder", "no_drill"]
    for flag in ("no_principal_study", "principal_not_leading", "no_duty_list", "no_safety_body", "no_drill"):
        assert checks[flag].status == "suggest", flag
        assert "许昌市专项行动" in checks[flag].notes[0]
    # no hot-work records: the permits must be checked on site; no contractors on record: ask
    assert checks["uncertified_special_work"].status == "verify"
    assert "动火等特种作业存单" in checks["uncertified_special_work"].notes[-1]
    assert checks["outsourcing_disorder"].status == "verify"
    # the findings stay the inspector's: nothing was set
    inspection.refresh_from_db()
    assert inspection.findings == []
    assert onsite.cross_check_findings(services.inspection_create(actor=w.ent_user, data={
        "enterprise": w.chem_a, "kind": "self"})) == []


def test_the_enterprises_records_and_this_inspections_answers_inform_the_cross_check(w, campaign):
    services.inspection_create(actor=w.ent_user, data={"enterprise": w.chem_a, "kind": "self",
                                                       "led_by_principal": True, "inspected_on": days(-20)})
    for kind, on in (("duty_list", -30), ("safety_body", -30), ("drill", -25), ("hot_work_review", -10),
                     ("outsourcing_review", -9)):
        Activity.objects.create(kind=kind, region=w.county_a, enterprise=w.chem_a, occurred_on=days(on))
    Contractor.objects.create(enterprise=w.chem_a, name="某检修公司", scope="储罐检修", safety_agreement=False,
                              qualified=True, unified_management=True)
    inspection = enforcement(w)
    checks = by_flag(inspection)
    assert [checks[f].status for f in ("principal_not_leading", "no_duty_list", "no_safety_body")] == ["ok"] * 3
    assert checks["no_principal_study"].status == "verify"
    # the campaign asks two drills: one is on record
    assert checks["no_drill"].status == "suggest" and "应2次、有1次" in checks["no_drill"].notes[-1]
    assert checks["uncertified_special_work"].status == "ok"
    outsourcing = checks["outsourcing_disorder"]
    assert outsourcing.status == "suggest" and any("某检修公司" in n and "未签订安全生产协议" in n
                                                   for n in outsourcing.notes)
    # a "否" on the special-work item of this very list points at 无证上岗
    say_no(w, inspection, 2, description="焊工无特种作业操作证")
    uncertified = by_flag(inspection)["uncertified_special_work"]
    assert uncertified.status == "suggest" and "焊工无特种作业操作证" in uncertified.notes[0]


def test_without_a_campaign_the_cross_check_reads_the_last_year(w):
    Activity.objects.create(kind="duty_list", region=w.county_a, enterprise=w.chem_a, occurred_on=days(-200))
    Activity.objects.create(kind="safety_body", region=w.county_a, enterprise=w.chem_a, occurred_on=days(-400))
    checks = by_flag(enforcement(w))
    assert checks["no_duty_list"].status == "ok" and "近一年" in checks["no_duty_list"].notes[0]
    assert checks["no_safety_body"].status == "suggest"


# --- the filled checklist ----------------------------------------------------------------------------------------

def test_the_filled_construction_list_exports_with_answers_and_signature_lines(w):
    inspection = services.inspection_create(actor=w.housing_user, data={
        "enterprise": w.build_a, "kind": "enforcement", "checklist": checklist(CONSTRUCTION), "project": "魏都花园1#楼",
        "inspectors": [w.housing_user], "inspected_on": days(-2)})
    onsite.answer_item(actor=w.housing_user, inspection=inspection, item=item(CONSTRUCTION, 32), answer="yes")
    onsite.answer_item(actor=w.housing_user, inspection=inspection, item=item(CONSTRUCTION, 35), answer="na")
    say_no(w, inspection, 41, actor=w.housing_user, code=CONSTRUCTION, description="电焊工未持证作业",
           requirement="立即停止作业，持证上岗", deadline=days(3), major=True)
    say_no(w, inspection, 44, actor=w.housing_user, code=CONSTRUCTION, description="灭火器过期")
    onsite.sign_as_inspector(actor=w.housing_user, inspection=inspection)
    onsite.sign_as_inspector(actor=w.build_user, inspection=inspection, role="项目经理")
    wb = filled_workbook(inspection)
    layout = wb.layout
    buffer = io.BytesIO()
    wb.save(buffer)
    ws = load_workbook(io.BytesIO(buffer.getvalue())).active
    cols = {key: i + 1 for i, key in enumerate(layout["columns"])}
    rows = {ws.cell(row=r, column=1).value: r for r in range(layout["first_item_row"], layout["first_item_row"] + 13)}

    def cell(number, key):
        return ws.cell(row=rows[number], column=cols[key]).value

    assert (cell(32, "yes"), cell(32, "no"), cell(35, "na")) == ("√", None, "√")
    assert (cell(41, "no"), cell(41, "description"), cell(41, "major_yes"), cell(41, "major_no")) == (
        "√", "电焊工未持证作业", "√", None)
    assert (cell(41, "requirement"), cell(41, "deadline")) == ("立即停止作业，持证上岗", days(3).isoformat())
    assert (cell(44, "major_yes"), cell(44, "major_no")) == (None, "√")
    assert cell(33, "yes") is None and cell(33, "no") is None
    values = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert any(v.startswith("被检查单位：魏都建筑工程有限公司") and "执法检查" in v for v in values)
    lines = {v.split("：", 1)[0]: v.split("：", 1)[1] for v in values[-5:]}
    assert lines["检查项目"] == "魏都花园1#楼" and lines["总监"] == "＿＿＿＿＿＿＿＿"
    assert lines["检查人员"].startswith("a_housing_member（") and "签名" in lines["检查人员"]
    assert lines["项目经理"].startswith("ent_build_a（")
    assert lines["检查时间"] == f"{days(-2):%Y年%m月%d日}"
