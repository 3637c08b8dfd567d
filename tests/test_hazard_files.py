"""The ledger's files through their modules: the .xlsx export (scope and filters, the cells), the .xlsx import
(checked row by row against the reporting rules, all or nothing, annotated, one audit entry per batch) and
附件6 as .docx, read back with python-docx."""
import datetime
import io
from decimal import Decimal

import pytest
from docx import Document
from openpyxl import Workbook, load_workbook

from apps.audit.models import Action, AuditEntry
from apps.audit.services import verify_chain
from apps.hazards import services, spreadsheet
from apps.hazards.docx import NOT_APPLICABLE, docx_filename, hazard_docx
from apps.hazards.filters import HazardFilterSet
from apps.hazards.models import Acceptance, Hazard, HazardEvent, RectificationPlan, SignOff, Status
from apps.hazards.spreadsheet import export_hazards, import_hazards

TODAY = datetime.date.today()


def ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def plan_data(**extra):
    return {"owner": "张三", "measures": "更换储罐区可燃气体报警器并接入DCS", "funds": Decimal("3.5"),
            "deadline": ago(-30), "contingency": "储罐停用，配备便携式检测仪", "interim_controls": "限期整改",
            "goal": "恢复可燃气体泄漏报警功能", "planned_on": ago(8), **extra}


@pytest.fixture
def ledger(world):
    return make_ledger(world)


def make_ledger(world) -> dict[str, Hazard]:
    """Four hazards: a planned major one of 魏都化工 (self-reported), a general one of 魏都建筑 (found by the city
    housing bureau), a road in 魏都区 without an enterprise (assigned by the county office), and a major one of
    建安化工 in the sibling county (found by the city emergency bureau)."""
    chem_a = services.hazard_report(actor=world.ent_user, data={
        "enterprise": world.chem_a, "title": "储罐区可燃气体报警器失效", "level": "major", "source": "self",
        "department": world.a_emergency, "found_on": ago(10), "kind": "设备设施", "nature": "设备缺陷",
        "location": "储罐区", "description": "报警器探头老化失效", "harm_analysis": "泄漏无法及时发现；整改容易"})
    chem_a = services.hazard_plan(actor=world.ent_user, hazard=chem_a, plan=plan_data())
    build_a = services.hazard_report(actor=world.city_housing_user, data={
        "enterprise": world.build_a, "title": "脚手架连墙件缺失", "level": "general", "source": "department",
        "found_on": ago(20)})
    road = services.hazard_report(actor=world.office_a_user, data={
        "region": world.county_a, "title": "河堤护栏缺失", "level": "general", "source": "assigned",
        "department": world.a_emergency, "found_on": ago(5), "sector": world.chem_a.sector_links.first().sector})
    chem_b = services.hazard_report(actor=world.city_emergency_user, data={
        "enterprise": world.chem_b, "title": "=HYPERLINK(\"x\")装卸区静电接地失效", "level": "major",
        "source": "department", "found_on": ago(3)})
    return {"chem_a": chem_a, "build_a": build_a, "road": road, "chem_b": chem_b}


def sheet_rows(content: bytes) -> list[dict]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def exported(user, params=None) -> bytes:
    filterset = HazardFilterSet(params or {}, queryset=Hazard.objects.visible_to(user))
    assert filterset.is_valid()
    return export_hazards(filterset.qs)


# ----------------------------------------------------------------------------------------------------- export

def test_export_holds_exactly_the_visible_filtered_hazards(world, ledger):
    assert {r["隐患名称"] for r in sheet_rows(exported(world.office_a_user))} == {
        "储罐区可燃气体报警器失效", "脚手架连墙件缺失", "河堤护栏缺失"}
    assert {r["隐患名称"] for r in sheet_rows(exported(world.office_a_user, {"level": "major"}))} == {
        "储罐区可燃气体报警器失效"}
    assert {r["隐患名称"] for r in sheet_rows(exported(world.ent_user))} == {"储罐区可燃气体报警器失效"}
    assert len(sheet_rows(exported(world.office_city_user))) == 4
    assert sheet_rows(exported(world.nobody)) == []


def test_export_cells(world, ledger):
    content = exported(world.office_city_user)
    rows = {r["隐患名称"]: r for r in sheet_rows(content)}
    chem = rows["储罐区可燃气体报警器失效"]
    assert (chem["企业名称"], chem["统一社会信用代码"], chem["所在区划"], chem["所在区划代码"]) == (
        "魏都化工有限公司", world.chem_a.uscc, "魏都区", "411002")
    assert (chem["隐患等级"], chem["隐患来源"], chem["行业领域"], chem["发现部门"], chem["负责部门"]) == (
        "重大", "企业自查", "危险化学品（化工和危化品）", None, "魏都区应急管理局")
    assert chem["发现日期"].date() == ago(10) and chem["整改期限"].date() == ago(-30)
    assert (chem["责任人"], chem["资金（万元）"], chem["治理时限"].date(), chem["方案制定日期"].date()) == (
        "张三", 3.5, ago(-30), ago(8))
    assert (chem["状态"], chem["销号日期"], chem["挂牌督办文件"], chem["逾期"]) == ("整改中", None, None, "否")
    road = rows["河堤护栏缺失"]
    assert (road["企业名称"], road["所在区划代码"], road["隐患来源"], road["状态"]) == (None, "411002", "上级交办",
                                                                                   "待整改")
    assert rows["脚手架连墙件缺失"]["发现部门"] == "许昌市住房和城乡建设局"
    assert [r["序号"] for r in sheet_rows(content)] == [1, 2, 3, 4]
    # the header is bold and frozen; formula-looking text stays text
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b
    formula = next(c for c in sheet["F"] if str(c.value).startswith("=HYPERLINK"))
    assert formula.data_type == "s"


def test_an_overdue_hazard_and_a_listing_are_marked(world, ledger):
    Hazard.objects.filter(pk=ledger["build_a"].pk).update(deadline=ago(1))
    services.hazard_list(actor=world.office_city_user, hazard=ledger["build_a"], authority_region=world.city,
                         authority_department=None, document_no="许安委办〔2026〕3号", listed_on=ago(2),
                         deadline=ago(-10))
    row = next(r for r in sheet_rows(exported(world.office_city_user)) if r["隐患名称"] == "脚手架连墙件缺失")
    assert (row["逾期"], row["挂牌督办文件"]) == ("是", "许安委办〔2026〕3号")


# ----------------------------------------------------------------------------------------------------- import

HEADERS = ["企业统一社会信用代码", "所在区划代码", "隐患名称", "隐患等级", "隐患来源", "发现日期", "发现部门",
           "负责部门", "行业领域", "隐患类型", "隐患性质", "隐患部位", "隐患现状及产生原因",
           "危害程度和整改难易程度分析", "责任人", "治理措施", "资金（万元）", "治理时限", "应急预案", "管控措施",
           "方案制定日期"]


def workbook(rows: list[dict], headers=HEADERS) -> bytes:
    wb = Workbook()
    sheet = wb.active
    sheet.title = "隐患台账"
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def department_row(world, **extra):
    """A 部门检查 row of 魏都化工 found by 魏都区应急管理局 (its own department when a_emergency imports)."""
    return {"企业统一社会信用代码": world.chem_a.uscc, "隐患名称": "反应釜安全阀未检验", "隐患等级": "重大",
            "隐患来源": "部门检查", "发现日期": datetime.date(2026, 1, 2), "隐患类型": "设备设施",
            "隐患部位": "反应车间", "隐患现状及产生原因": "安全阀超期未检", **extra}


PLAN = {"责任人": "李四", "治理措施": "送检安全阀，更换备用阀", "资金（万元）": 1.25, "治理时限": "2026/12/31",
        "应急预案": "停用反应釜", "管控措施": "限期整改", "方案制定日期": "2026年1月5日"}


def test_a_good_ledger_is_written_with_plans_events_and_one_audit_entry_per_batch(world, monkeypatch):
    monkeypatch.setattr(spreadsheet, "BATCH_SIZE", 2)
    rows = [
        department_row(world, **PLAN, **{"发现日期": datetime.date(2026, 1, 2)}),
        department_row(world, **{"企业统一社会信用代码": world.town_shop.uscc, "隐患名称": "冲床防护罩缺失",
                                 "隐患等级": "一般", "发现日期": "2025-12-01", "负责部门": "西大街道应急办"}),
        department_row(world, **{"隐患名称": "回头看：储罐区防火堤破损", "隐患来源": "回头看", "行业领域": "危险化学品",
                                 "发现日期": "20251115"}),
    ]
    progress = []
    result = import_hazards(io.BytesIO(workbook(rows)), actor=world.a_emergency_user,
                            progress=lambda done, total: progress.append((done, total)))
    assert result.ok, result.errors
    assert (result.created, result.planned) == (3, 1)
    assert progress[0] == (0, 6) and progress[-1] == (6, 6)

    planned = Hazard.objects.get(title="反应釜安全阀未检验")
    assert (planned.enterprise, planned.region_id, planned.sector_id, planned.source) == (
        world.chem_a, "411002", "chemicals", "department")
    assert (planned.found_by_department, planned.department, planned.found_on) == (
        world.a_emergency, world.a_emergency, datetime.date(2026, 1, 2))
    assert (planned.status, planned.planned_on, planned.deadline) == (
        Status.RECTIFYING, datetime.date(2026, 1, 5), datetime.date(2026, 12, 31))
    assert (planned.kind, planned.location, planned.description, planned.created_by) == (
        "设备设施", "反应车间", "安全阀超期未检", world.a_emergency_user)
    plan = RectificationPlan.objects.get(hazard=planned)
    assert (plan.owner, plan.measures, plan.funds, plan.contingency, plan.interim_controls) == (
        "李四", "送检安全阀，更换备用阀", Decimal("1.25"), "停用反应釜", "限期整改")
    assert [(e.action, e.from_status, e.to_status, e.on) for e in planned.events.all()] == [
        ("report", "", "reported", datetime.date(2026, 1, 2)),
        ("plan", "reported", "rectifying", datetime.date(2026, 1, 5))]

    shop = Hazard.objects.get(title="冲床防护罩缺失")
    assert (shop.status, shop.level, shop.department, shop.region_id, shop.found_on) == (
        Status.REPORTED, "general", world.township_office, "411002001", datetime.date(2025, 12, 1))
    assert not RectificationPlan.objects.filter(hazard=shop).exists()
    assert [e.action for e in shop.events.all()] == ["report"]
    assert Hazard.objects.get(title__startswith="回头看").source == "review"

    entries = list(AuditEntry.objects.filter(action=Action.BULK_CREATE, model="hazards.hazard").order_by("seq"))
    assert [len(e.after["ids"]) for e in entries] == [2, 1]
    assert sorted(i for e in entries for i in e.after["ids"]) == sorted(Hazard.objects.values_list("pk", flat=True))
    assert not verify_chain()


def test_one_bad_row_writes_nothing_and_the_annotated_workbook_marks_that_cell(world):
    rows = [department_row(world, **PLAN), department_row(world, **{"隐患名称": "第二条"}),
            department_row(world, **{"隐患名称": "第三条", "隐患等级": "特别重大"})]
    before = (Hazard.objects.count(), HazardEvent.objects.count(), AuditEntry.objects.count())
    result = import_hazards(workbook(rows), actor=world.a_emergency_user)
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(4, "隐患等级")]
    assert (Hazard.objects.count(), HazardEvent.objects.count(), AuditEntry.objects.count()) == before

    sheet = load_workbook(io.BytesIO(result.annotated)).worksheets[0]
    level_col = HEADERS.index("隐患等级") + 1
    marked = [(c.row, c.column) for row in sheet.iter_rows(min_row=2) for c in row
              if c.fill is not None and c.fill.fgColor.rgb == "FFFF9999"]
    assert marked == [(4, level_col)]
    assert "重大" in sheet.cell(4, level_col).comment.text
    note_col = [c.value for c in sheet[1]].index("错误说明") + 1
    assert "隐患等级" in sheet.cell(4, note_col).value and sheet.cell(2, note_col).value is None


def test_a_county_office_cannot_import_into_the_sibling_county(world):
    assigned = {"隐患来源": "上级交办", "负责部门": "魏都区应急管理局"}
    sibling = {"企业统一社会信用代码": world.chem_b.uscc, "负责部门": "建安区应急管理局"}
    rows = [
        department_row(world, **assigned),
        department_row(world, **{**assigned, **sibling}),
        {"所在区划代码": "411003", "隐患名称": "建安区河堤", "隐患等级": "一般", "隐患来源": "上级交办",
         "发现日期": ago(3), "负责部门": "建安区应急管理局", "行业领域": "chemicals"},
        {"所在区划代码": "411002", "隐患名称": "魏都区河堤", "隐患等级": "一般", "隐患来源": "上级交办",
         "发现日期": ago(3), "负责部门": "魏都区应急管理局", "行业领域": "chemicals"},
    ]
    result = import_hazards(workbook(rows), actor=world.office_a_user)
    assert [(e.row, e.column) for e in result.errors] == [(3, "企业统一社会信用代码"), (4, "所在区划代码")]
    assert "不在您的管辖范围内" in result.errors[0].message and "不在您的管辖范围内" in result.errors[1].message
    assert not Hazard.objects.exists()
    # without the two rows of 建安区 the same file goes in
    result = import_hazards(workbook([rows[0], rows[3]]), actor=world.office_a_user)
    assert result.ok and Hazard.objects.filter(region_id="411002").count() == 2


@pytest.mark.parametrize(("actor", "change", "column", "message"), [
    # who may report which source
    ("ent_user", {}, "隐患来源", "无权登记来源为“部门检查”"),
    ("office_a_user", {"隐患来源": "企业自查", "负责部门": "魏都区应急管理局"}, "隐患来源", "无权登记来源为“企业自查”"),
    ("multi_user", {"隐患来源": "企业自查", "企业统一社会信用代码": "build_a", "负责部门": "魏都区住房和城乡建设局"},
     "隐患来源", "只能由本企业人员登记"),
    # 企业自查 names one of the enterprise's departments
    ("ent_user", {"隐患来源": "企业自查", "负责部门": "魏都区住房和城乡建设局"}, "负责部门", "本企业的主管部门之一"),
    ("ent_user", {"隐患来源": "企业自查"}, "负责部门", "请指定负责（接报）部门"),
    # a department finds in its own name
    ("a_emergency_user", {"发现部门": "许昌市应急管理局"}, "发现部门", "发现部门应为本人所在部门"),
    ("a_emergency_user", {"发现部门": "不存在的局"}, "发现部门", "“不存在的局”不存在"),
    # dates and values
    ("a_emergency_user", {"发现日期": ago(-1)}, "发现日期", "不能晚于今天"),
    ("a_emergency_user", {"发现日期": "昨天"}, "发现日期", "日期格式不正确"),
    ("a_emergency_user", {"隐患来源": "路人"}, "隐患来源", "应填写企业自查"),
    ("a_emergency_user", {"隐患名称": None}, "隐患名称", "必填项不能为空"),
    ("a_emergency_user", {"隐患名称": "长" * 201}, "隐患名称", "200"),
    ("a_emergency_user", {"企业统一社会信用代码": None}, "企业统一社会信用代码", "所在区划代码"),
    ("a_emergency_user", {"行业领域": "不存在的行业"}, "行业领域", "不存在"),
    # the plan: five elements, deadline after the plan date, plan date after the finding
    ("a_emergency_user", {**PLAN, "应急预案": None}, "应急预案", "缺少：应急预案"),
    ("a_emergency_user", {**PLAN, "治理时限": "2025-12-31"}, "治理时限", "不能早于方案制定日期"),
    ("a_emergency_user", {**PLAN, "发现日期": "2026-02-01"}, "方案制定日期", "不能早于发现日期"),
    ("a_emergency_user", {**PLAN, "资金（万元）": -1}, "资金（万元）", "不能为负数"),
    ("a_emergency_user", {**PLAN, "资金（万元）": "三万"}, "资金（万元）", "应填写数字"),
])
def test_each_rule_refuses_its_row(world, actor, change, column, message):
    if change.get("企业统一社会信用代码") == "build_a":
        change = {**change, "企业统一社会信用代码": world.build_a.uscc}
    rows = [department_row(world, **{"隐患名称": "好的一行"}), department_row(world, **change)]
    result = import_hazards(workbook(rows), actor=getattr(world, actor))
    assert not result.ok and not Hazard.objects.exists()
    assert {(e.row, e.column) for e in result.errors} >= {(3, column)}, result.errors
    assert any(message in e.message for e in result.errors if e.column == column), result.errors
    if actor == "a_emergency_user":  # row 2 is good for this actor: only the changed row is wrong
        assert {e.row for e in result.errors} == {3}


def test_an_enterprise_imports_its_own_self_inspection(world):
    rows = [department_row(world, **{"隐患来源": "企业自查", "负责部门": "魏都区应急管理局"}, **PLAN)]
    result = import_hazards(workbook(rows), actor=world.ent_user)
    assert result.ok, result.errors
    hazard = Hazard.objects.get()
    assert (hazard.source, hazard.found_by_department, hazard.department, hazard.status) == (
        "self", None, world.a_emergency, Status.RECTIFYING)


def test_an_exported_ledger_reimports_unchanged(world, ledger):
    content = exported(world.ent_user)
    result = import_hazards(content, actor=world.ent_user)
    assert result.ok, result.errors
    assert (result.created, result.planned) == (1, 1)
    copy = Hazard.objects.exclude(pk=ledger["chem_a"].pk).get(title="储罐区可燃气体报警器失效")
    original = ledger["chem_a"]
    fields = ("enterprise_id", "region_id", "level", "kind", "nature", "location", "description", "harm_analysis",
              "source", "sector_id", "found_on", "found_by_department_id", "department_id", "status", "deadline",
              "planned_on")
    assert [getattr(copy, f) for f in fields] == [getattr(original, f) for f in fields]
    assert (copy.plan.owner, copy.plan.measures, copy.plan.funds, copy.plan.contingency) == (
        original.plan.owner, original.plan.measures, original.plan.funds, original.plan.contingency)


def test_a_file_that_is_not_a_ledger_is_refused_as_a_whole(world):
    result = import_hazards(b"not a zip", actor=world.a_emergency_user)
    assert [(e.row, e.column) for e in result.errors] == [(0, "")] and result.annotated is None
    result = import_hazards(workbook([{"隐患名称": "x"}], headers=["隐患名称"]), actor=world.a_emergency_user)
    assert "缺少表头" in result.errors[0].message


# -------------------------------------------------------------------------------------------------------- docx

@pytest.fixture
def closed(world, ledger):
    hazard = ledger["chem_a"]
    Hazard.objects.filter(pk=hazard.pk).update(status=Status.CLOSED, closed_on=ago(1))
    acceptance = Acceptance.objects.create(hazard=hazard, accepted_on=ago(1), members=["王验收", "赵专家"],
                                           conclusion="整改到位，同意销号")
    SignOff.objects.create(acceptance=acceptance, level="acceptance_group", name="王验收", signed_on=ago(1))
    SignOff.objects.create(acceptance=acceptance, level="county_department", name="魏局长", opinion="同意销号",
                           signed_on=ago(1))
    SignOff.objects.create(acceptance=acceptance, level="city_department", name="许处长", signed_on=TODAY)
    return Hazard.objects.get(pk=hazard.pk)


def read_docx(content: bytes):
    document = Document(io.BytesIO(content))
    return document, document.tables[0]


def test_the_docx_is_the_form_filled_from_the_record(world, closed):
    document, table = read_docx(hazard_docx(closed))
    assert document.paragraphs[0].text == "重大事故隐患台账"
    assert document.paragraphs[1].text.startswith("填报单位（盖章）：魏都化工有限公司\t填报日期：")
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    cell = table.cell
    assert [cell(0, c).text for c in range(4)] == ["企业名称", "魏都化工有限公司", "联系地址", ""]
    assert [cell(3, c).text for c in range(4)] == ["隐患名称", "储罐区可燃气体报警器失效", "隐患等级", "重大事故隐患"]
    assert [cell(4, c).text for c in range(4)] == ["隐患类型", "设备设施", "隐患性质", "设备缺陷"]
    assert cell(5, 0).text == cell(6, 0).text == "隐患概况"  # merged down
    assert cell(5, 2).text == cell(5, 3).text == "报警器探头老化失效"  # merged across
    assert cell(7, 0).text == cell(12, 0).text == "隐患的治理方案"
    assert cell(8, 1).text == "治理方法\n治理措施" and cell(8, 2).text == "更换储罐区可燃气体报警器并接入DCS"
    assert cell(9, 2).text == "3.5 万元" and cell(10, 2).text == "张三"
    assert "储罐停用" in cell(12, 2).text and "管控措施：限期整改" in cell(12, 2).text
    assert cell(13, 0).text == "验收组成员签字"
    assert cell(13, 1).text.startswith("王验收、赵专家\n验收结论：整改到位，同意销号")
    assert cell(13, 3).text.endswith(f"{ago(1).year}年{ago(1).month}月{ago(1).day}日")
    assert [cell(r, 0).text for r in (14, 15, 16)] == ["县市区行业主管部门意见", "县市区政府意见", "省辖市主管部门意见"]
    assert cell(14, 1).text == "同意销号\n主要负责人签字：魏局长"
    assert cell(15, 1).text == "主要负责人签字："  # no county government sign-off recorded
    assert cell(15, 3).text == "（盖章）\n　　年　　月　　日"
    assert cell(16, 1).text == "主要负责人签字：许处长"
    assert cell(16, 3).text == f"（盖章）\n{TODAY.year}年{TODAY.month}月{TODAY.day}日"
    # 宋体 for East Asian text on the runs
    run = cell(3, 1).paragraphs[0].runs[0]
    assert run._element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") \
        == "宋体"
    assert docx_filename(closed) == "重大事故隐患台账-储罐区可燃气体报警器失效.docx"


def test_city_direct_enterprises_print_the_county_rows_as_not_applicable(world):
    hazard = services.hazard_report(actor=world.city_emergency_user, data={
        "enterprise": world.city_plant, "title": "冲压/设备:防护缺失", "level": "major", "source": "department",
        "found_on": ago(3)})
    _, table = read_docx(hazard_docx(hazard))
    assert table.cell(14, 1).text == table.cell(14, 3).text == table.cell(15, 1).text == NOT_APPLICABLE
    assert table.cell(16, 1).text == "主要负责人签字："
    assert table.cell(7, 2).text == ""  # no plan yet: the plan rows are blank
    assert docx_filename(hazard) == "重大事故隐患台账-冲压设备防护缺失.docx"
