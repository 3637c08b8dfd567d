"""Checklists (DESIGN.md "Checklist"): the three 福州 lists ship as the seed prints them (004, lines 136–200) and the
national criteria the team could state, each item with its source; migration 0003 loaded them and agrees with
apps/inspections/checklists.py; a list is versioned (a revision is version 2, the inspections answered on version 1
keep it); a department writes and revises its own list; the blank list exports in the 福州 layout."""
import dataclasses
import io

import pytest
from openpyxl import load_workbook

from apps.audit.models import AuditEntry
from apps.core.errors import NotAllowed
from apps.inspections import checklists
from apps.inspections.checklist_xlsx import blank_workbook
from apps.inspections.models import Checklist, Inspection
from apps.inspections.services import inspection_create
from tests.world import _user

SEED_COUNTS = {  # items as printed in seed 004
    "fuzhou-2023-gas": (3, [1, 2, 3]),
    "fuzhou-2023-construction": (13, list(range(32, 45))),
    "fuzhou-2023-confined-space": (7, list(range(1, 8))),
}


def current(code) -> Checklist:
    return Checklist.objects.get(code=code, active=True)


# --- the shipped lists -------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_three_fuzhou_lists_ship_with_their_items_as_printed():
    for code, (count, numbers) in SEED_COUNTS.items():
        checklist = current(code)
        assert checklist.version == 1 and checklist.department is None
        assert list(checklist.items.values_list("number", flat=True)) == numbers, code
        assert checklist.items.count() == count
        assert "榕建质安〔2023〕73号" in checklist.source
    gas, construction, confined = (current(c) for c in SEED_COUNTS)
    assert (gas.name, gas.sector_id, gas.layout) == ("燃气重点检查事项清单", "gas", "focus")
    assert "附件1" in gas.source
    assert (construction.name, construction.layout) == ("建筑施工重点检查事项清单", "detailed")
    assert (confined.name, confined.sector_id) == ("有限空间作业重点检查事项清单", "confined_space")
    # 附件1 and 附件3 print 重大隐患描述: a "否" is major; 附件2's inspector fills 是否重大隐患: the items quoting the
    # national standard default to major, the 消防安全 items to general
    assert all(gas.items.values_list("major", flat=True)) and all(confined.items.values_list("major", flat=True))
    majors = dict(construction.items.values_list("number", "major"))
    assert [n for n, m in majors.items() if m] == [32, 33, 34, 35, 36, 37]
    item = construction.items.get(number=32)
    assert (item.category, item.focus) == ("建筑施工", "有限空间作业")
    assert item.content.startswith("有限空间作业未履行“作业审批制度”") and "第十一条" in item.basis
    assert construction.items.get(number=41).content == (
        "未落实动火审批管理；电焊工未持证作业；电工未持证作业（建筑电工）")
    assert confined.items.get(number=7).focus.endswith("检测完成与作业开始的间隔时间是否不大于30分钟。")


@pytest.mark.django_db
def test_the_national_criteria_ship_all_major_each_item_with_its_source():
    gongmao = current("national-gongmao-2023-general")
    assert "应急管理部令第10号" in gongmao.source and gongmao.sector_id == "industry_trade"
    assert list(gongmao.items.values_list("focus", flat=True)) == [
        "未对承包单位、承租单位的安全生产工作统一协调、管理，或者未定期进行安全检查的。",
        "特种作业人员未按照规定经专门的安全作业培训并取得相应资格，上岗作业的。",
        "金属冶炼企业主要负责人、安全生产管理人员未按照规定经考核合格的。",
    ]
    housing = current("national-housing-2022")
    assert "建质规〔2022〕2号" in housing.source and housing.sector_id == "construction.housing"
    assert housing.items.count() == 32
    categories = list(dict.fromkeys(housing.items.values_list("category", flat=True)))
    assert categories == ["施工安全管理", "基坑工程", "模板工程", "脚手架工程", "起重机械及吊装工程", "高处作业",
                          "施工临时用电", "有限空间作业", "拆除工程", "暗挖工程"]
    for checklist in (gongmao, housing):
        for item in checklist.items.all():
            assert item.major and item.basis.startswith("《") and "第" in item.basis, item
    # the 福州 附件2 items that quote the standard say exactly what the standard says
    construction = current("fuzhou-2023-construction")
    quoted = {i.content for i in construction.items.filter(major=True)}
    national = {i.focus.rstrip("。") for i in housing.items.all()}
    assert quoted <= national


@pytest.mark.django_db
def test_migration_0003_loaded_exactly_what_the_module_ships():
    """If this fails, SHIPPED changed without a data migration carrying its new copy."""
    assert checklists.load_checklists() == []
    assert set(Checklist.objects.values_list("code", flat=True)) >= set(checklists.SHIPPED_CODES)


@pytest.mark.django_db
def test_a_changed_shipped_list_gets_a_new_version_and_old_inspections_keep_theirs(world):
    old = current("national-gongmao-2023-general")
    used = inspection_create(actor=world.a_emergency_user, data={
        "enterprise": world.chem_a, "kind": "enforcement", "checklist": old})
    shipped = list(checklists.SHIPPED)
    i = next(n for n, s in enumerate(shipped) if s.code == old.code)
    items = list(shipped[i].items)
    items[0] = dataclasses.replace(items[0], focus=items[0].focus + "（修订）")
    shipped[i] = dataclasses.replace(shipped[i], items=tuple(items))
    created = checklists.load_checklists(tuple(shipped))
    assert [(c.code, c.version) for c in created] == [(old.code, 2)]
    old.refresh_from_db()
    assert not old.active and current(old.code).version == 2
    assert Inspection.objects.get(pk=used.pk).checklist_id == old.pk
    assert checklists.load_checklists(tuple(shipped)) == []


# --- a department's own list --------------------------------------------------------------------------------------

def items(*texts, major=False):
    return [{"category": "重点", "focus": t, "major": major} for t in texts]


@pytest.mark.django_db
def test_a_department_writes_its_list_and_a_revision_is_version_2(world):
    before = AuditEntry.objects.count()
    own = checklists.checklist_create(actor=world.a_emergency_user, data={
        "department": world.a_emergency, "name": "魏都区危化企业重点检查事项", "source": "魏应急〔2023〕5号",
        "sector": None, "items": items("动火作业审批", "", "承包商管理", major=True)})
    assert (own.version, own.active, own.department, own.code) == (1, True, world.a_emergency,
                                                                   f"dept-{world.a_emergency.pk}-1")
    assert list(own.items.values_list("number", "focus")) == [(1, "动火作业审批"), (2, "承包商管理")]
    assert AuditEntry.objects.count() == before + 1
    used = inspection_create(actor=world.a_emergency_user, data={
        "enterprise": world.chem_a, "kind": "enforcement", "checklist": own})

    second = {"name": "魏都区危化企业重点检查事项", "source": "魏应急〔2023〕6号",
              "items": items("动火作业审批", "有限空间")}
    revised = checklists.checklist_revise(actor=world.a_emergency_user, checklist=own, data=second)
    own.refresh_from_db()
    assert (revised.code, revised.version, revised.active, own.active) == (own.code, 2, True, False)
    assert list(revised.items.values_list("focus", flat=True)) == ["动火作业审批", "有限空间"]
    assert list(own.items.values_list("focus", flat=True)) == ["动火作业审批", "承包商管理"]
    assert Inspection.objects.get(pk=used.pk).checklist_id == own.pk
    # revising the old version is refused; the same content makes no version 3
    with pytest.raises(Exception, match="第2版"):
        checklists.checklist_revise(actor=world.a_emergency_user, checklist=own, data={
            "name": "x", "source": "y", "items": items("z")})
    same = checklists.checklist_revise(actor=world.a_emergency_user, checklist=revised, data=second)
    assert same.pk == revised.pk and Checklist.objects.filter(code=own.code).count() == 2


@pytest.mark.django_db
def test_who_writes_and_revises_a_list(world):
    b_user = _user("b_emergency", ("department", world.b_emergency, "member"))
    data = {"department": world.a_emergency, "name": "清单", "source": "文号", "items": items("事项")}
    for outsider in (world.ent_user, world.office_a_user, world.group_user):
        with pytest.raises(NotAllowed):
            checklists.checklist_create(actor=outsider, data=data)
    with pytest.raises(Exception, match="本人所在部门"):
        checklists.checklist_create(actor=b_user, data=data)
    with pytest.raises(Exception, match="至少要有一项"):
        checklists.checklist_create(actor=world.a_emergency_user, data={**data, "items": items("", " ")})
    own = checklists.checklist_create(actor=world.a_emergency_user, data=data)
    for outsider in (b_user, world.ent_user, world.city_housing_user):
        with pytest.raises(NotAllowed):
            checklists.checklist_revise(actor=outsider, checklist=own, data=data)
    # a unit's list is revised by the department above it (D*); a shipped list by nobody but an administrator
    station_list = checklists.checklist_create(actor=world.station_user, data={
        **data, "department": world.city_housing_station})
    assert checklists.checklist_revise(actor=world.city_housing_user, checklist=station_list, data={
        **data, "items": items("事项", "新事项")}).version == 2
    with pytest.raises(NotAllowed):
        checklists.checklist_revise(actor=world.a_emergency_user, checklist=current("fuzhou-2023-gas"), data=data)


# --- the blank list as .xlsx ---------------------------------------------------------------------------------------

def sheet_of(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return load_workbook(io.BytesIO(buffer.getvalue())).active


def texts(ws) -> list[str]:
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


@pytest.mark.django_db
def test_the_blank_construction_list_exports_in_the_fuzhou_layout():
    checklist = current("fuzhou-2023-construction")
    wb = blank_workbook(checklist)
    layout = wb.layout
    ws = sheet_of(wb)
    assert ws["A1"].value == "附件2" and ws["A2"].value == "建筑施工重点检查事项清单"
    head = layout["header_row"]
    heads = [ws.cell(row=head, column=c).value for c in range(1, ws.max_column + 1)]
    subs = [ws.cell(row=head + 1, column=c).value for c in range(1, ws.max_column + 1)]
    assert heads == ["序号", "检查类别", "重点检查事项", "检查内容", "检查结果", None, None, "隐患描述",
                     "是否重大隐患", None, "整改要求", "整改时限"]
    assert subs[4:7] == ["是", "否", "不涉及"] and subs[8:10] == ["是", "否"]
    first = layout["first_item_row"]
    numbers = [ws.cell(row=first + i, column=1).value for i in range(13)]
    assert numbers == list(range(32, 45))
    assert ws.cell(row=first, column=4).value.startswith("有限空间作业未履行")
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert f"B{first}:B{first + 12}" in merged  # 建筑施工, as printed
    assert f"C{first}:C{first + 1}" in merged  # 有限空间作业 over items 32–33
    lines = [t for t in texts(ws) if "：" in t]
    assert [line.split("：")[0] for line in lines[-5:]] == ["检查项目", "项目经理", "总监", "检查人员", "检查时间"]
    assert ws.print_title_rows == f"${head}:${head + 1}" and ws.page_setup.orientation == "landscape"


@pytest.mark.django_db
def test_the_blank_gas_list_prints_a_column_for_the_major_hazard():
    ws = sheet_of(blank_workbook(current("fuzhou-2023-gas")))
    values = texts(ws)
    assert ws["A1"].value == "附件1" and "重大隐患描述" in values and "检查内容" not in values
    assert "是否重大隐患" not in values and "检查人员：＿＿＿＿＿＿＿＿" in values
