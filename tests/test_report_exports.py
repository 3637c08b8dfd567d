"""The official forms as .xlsx (`apps.reports.xlsx.workbook_for`) and the 总结评估报告 as .docx
(`apps.reports.docx.summary_document`): every cell key lands where the printed form has it, corrections show
with their reason, the printed title, notes and signature lines are there, and the files open again."""
import datetime
import io
import shutil
import subprocess
from types import SimpleNamespace

import pytest
from docx import Document
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from apps.campaigns.models import Campaign
from apps.campaigns.presets import SUPPLIED
from apps.campaigns.services import preset_values
from apps.hazards.models import Hazard, Level, Listing, Source, Status
from apps.reports import docx as report_docx
from apps.reports import xlsx
from apps.reports.compute import compute
from apps.reports.models import Report
from apps.reports.templates import TEMPLATES

START = datetime.date(2023, 5, 15)
AS_OF = datetime.date(2023, 6, 30)
DISPATCH = ["xuchang-county", "xuchang-department", "haicheng", "honghe-dispatch", "fuzhou-dispatch"]


# ------------------------------------------------------------------------------------------------- helpers

def reload(workbook):
    """The workbook written to bytes and read back, as Excel or WPS would get it."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return load_workbook(io.BytesIO(buffer.getvalue())).active


def texts(ws) -> list[str]:
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


def merged_at(ws, coordinate: str) -> str | None:
    for merged in ws.merged_cells.ranges:
        if coordinate in merged:
            return str(merged)
    return None


def distinct_cells(template) -> dict:
    """A value per key that no other key has (是否 keys alternate 1 and 0, 万元 keys carry decimals)."""
    cells = {}
    for i, cell in enumerate(template.cells, start=1):
        if cell.unit == "是否":
            cells[cell.key] = i % 2
        elif cell.unit == "万元":
            cells[cell.key] = i + 0.25
        else:
            cells[cell.key] = i * 10
    return cells


def honghe_campaign() -> Campaign:
    values = preset_values("honghe-2023")
    fields = {f.name for f in Campaign._meta.get_fields()}
    return Campaign(slug="hh", region_id="4110", preset="honghe-2023",
                    **{k: v for k, v in values.items() if k in SUPPLIED and k in fields})


@pytest.fixture
def campaign(world):
    return Campaign.objects.create(slug="xc", name="许昌市重大事故隐患专项排查整治2023行动", region=world.city,
                                   start=START, end=datetime.date(2023, 12, 31))


def _hazard(w, enterprise, found_on, *, source=Source.SELF, closed_on=None, finder=None, title="隐患",
            deadline=None):
    return Hazard.objects.create(
        enterprise=enterprise, region=enterprise.region, title=title, level=Level.MAJOR, source=source,
        sector_id=enterprise.ordered_sector_codes()[0], found_on=found_on,
        department=finder or w.a_emergency, found_by_department=finder,
        status=Status.CLOSED if closed_on else Status.RECTIFYING, closed_on=closed_on, deadline=deadline,
        planned_on=found_on if deadline else None,
    )


# ----------------------------------------------------------------------------------------------- 调度表

@pytest.mark.parametrize("code", DISPATCH)
def test_every_cell_of_a_dispatch_form_is_where_the_form_prints_it(code):
    template = TEMPLATES[code]
    cells = distinct_cells(template)
    wb = xlsx.workbook_for(template, None, "魏都区", AS_OF, {"cells": cells})
    ws = reload(wb)
    assert set(wb.cell_map) == set(cells)
    assert len(set(wb.cell_map.values())) == len(cells), "two keys share a cell"
    labels = {}
    for section in template.sections:
        for cell in section.cells:
            labels.setdefault(cell.key.rsplit(".", 1)[0] if cell.key.count(".") == 2 else cell.key, []).append(cell)
    for key, coordinate in wb.cell_map.items():
        expected = cells[key]
        unit = next(c.unit for c in template.cells if c.key == key)
        assert ws[coordinate].value == xlsx.display(expected, unit), key
        # the item's number and label sit left of its figures, in the same row
        col, row = ws[coordinate].column, ws[coordinate].row
        label_col = 3 if col <= 5 else 7
        item = labels[key.rsplit(".", 1)[0] if key.count(".") == 2 else key]
        assert ws.cell(row=row, column=label_col).value == xlsx.item_label(item), key
        assert ws.cell(row=row, column=label_col - 1).value == int(key.split(".")[1]), key


@pytest.mark.parametrize("code", DISPATCH)
def test_a_dispatch_form_has_its_printed_title_sections_notes_and_signatures(code):
    template, form = TEMPLATES[code], xlsx.FORMS[code]
    wb = xlsx.workbook_for(template, None, "魏都区", AS_OF, {"cells": distinct_cells(template)})
    ws = reload(wb)
    assert ws["A1"].value == form.title
    assert merged_at(ws, "A1") == f"A1:{get_column_letter(ws.max_column)}1"
    line = " ".join(str(c.value) for c in ws[2] if c.value)
    assert "魏都区" in line and "统计截止日期：2023年6月30日" in line
    # the section titles merged down their rows in column A, in print order
    for index, section in enumerate(template.sections):
        first = ws[wb.cell_map[section.cells[0].key]].row
        last = ws[wb.cell_map[section.cells[-1].key]].row
        assert ws.cell(row=first, column=1).value == form.sections[index]
        if last > first:
            assert merged_at(ws, f"A{first}") == f"A{first}:A{last}"
    all_text = texts(ws)
    for note in form.notes:
        assert note in all_text
    signature = next(t for t in all_text if "填表人" in t or "填报联系人" in t)
    assert "审核人" in signature and "主要负责人" in signature


def test_units_of_two_figure_items_are_in_their_number_formats():
    template = TEMPLATES["xuchang-county"]
    wb = xlsx.workbook_for(template, None, "魏都区", AS_OF, {"cells": distinct_cells(template)})
    ws = reload(wb)
    assert ws[wb.cell_map["3.3.count"]].number_format == 'General"次"'
    assert ws[wb.cell_map["3.3.amount"]].number_format == 'General"万元"'
    assert ws[wb.cell_map["3.8.of_which"]].number_format == '"其中"General"个"'
    assert ws[wb.cell_map["4.6"]].value in ("是", "否")
    # a single figure spans both value columns
    assert merged_at(ws, wb.cell_map["1.1"]) is not None


def test_a_correction_is_shown_with_its_reason_and_the_names_sign():
    template = TEMPLATES["haicheng"]
    cells = distinct_cells(template)
    report = Report(template="haicheng", as_of=AS_OF, cells=cells,
                    overrides={"1.1": {"value": 99, "reason": "补报两家企业自查隐患"},
                               "3.3.amount": {"value": "12.5", "reason": "含一笔现场处罚"}},
                    preparer="张三", reviewer="李四", principal="王五",
                    submitted_at=datetime.datetime(2023, 6, 25, 9, 0, tzinfo=datetime.UTC))
    wb = xlsx.workbook_for(template, None, "牛庄镇", AS_OF, {"cells": cells}, report=report)
    ws = reload(wb)
    corrected = ws[wb.cell_map["1.1"]]
    assert corrected.value == 99
    assert "补报两家企业自查隐患" in corrected.comment.text and f"平台计算值：{cells['1.1']}" in corrected.comment.text
    assert ws[wb.cell_map["3.3.amount"]].value == 12.5
    assert ws[wb.cell_map["1.2"]].value == cells["1.2"] and ws[wb.cell_map["1.2"]].comment is None
    all_text = texts(ws)
    assert "填表人：张三　　　　审核人：李四　　　　主要负责人（签字）：王五" in all_text
    assert any("填表时间：2023年6月25日" in t for t in all_text)


def test_the_figures_of_compute_are_exported(world, campaign):
    _hazard(world, world.chem_a, datetime.date(2023, 6, 1))
    _hazard(world, world.chem_a, datetime.date(2023, 6, 2), closed_on=datetime.date(2023, 6, 20))
    _hazard(world, world.chem_a, datetime.date(2023, 6, 3), source=Source.DEPARTMENT, finder=world.a_emergency)
    result = compute("xuchang-county", campaign, AS_OF, region=world.county_a)
    wb = xlsx.workbook_for(TEMPLATES["xuchang-county"], campaign, world.county_a.name, AS_OF, result)
    ws = reload(wb)
    assert (ws[wb.cell_map["1.1"]].value, ws[wb.cell_map["1.2"]].value, ws[wb.cell_map["1.3"]].value) == (2, 1, 1)
    for key, value in result["cells"].items():
        unit = next(c.unit for c in TEMPLATES["xuchang-county"].cells if c.key == key)
        assert ws[wb.cell_map[key]].value == xlsx.display(value, unit), key


def test_a_form_prints_on_a4_landscape_fit_to_width_in_a_cjk_font():
    template = TEMPLATES["fuzhou-dispatch"]
    wb = xlsx.workbook_for(template, None, "鼓楼区建设局", AS_OF, {"cells": distinct_cells(template)})
    ws = reload(wb)
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 1  # a 调度表 is one page
    value = ws[wb.cell_map["2.1"]]
    assert value.font.name == "宋体" and value.border.left.style == "thin"
    assert ws["C3"].alignment.wrap_text


# ---------------------------------------------------------------------------------------- 许昌 附件5 清单

LIST_ROWS = [
    {"seq": 1, "hazard": 11, "enterprise_name": "魏都化工有限公司", "principal_name": "负责人1",
     "content": "储罐区紧急切断未投用", "assigned_on": "2023-06-01",
     "controls": "设置警戒区域，停止相关作业；限期整改（2023-08-01前）", "listing_document": "许安委办〔2023〕5号",
     "remark": ""},
    {"seq": 2, "hazard": 12, "enterprise_name": "魏都建筑工程有限公司", "principal_name": "负责人2",
     "content": "深基坑无专项方案", "assigned_on": "2023-06-05", "controls": "已整改销号", "listing_document": "",
     "remark": "已销号（2023-06-20）"},
]


def test_the_list_form_has_its_printed_columns_rows_and_signatures():
    report = SimpleNamespace(overrides={}, preparer="赵六", reviewer="", principal="钱七", submitted_at=None)
    wb = xlsx.workbook_for(TEMPLATES["xuchang-list"], None, "魏都区人民政府", AS_OF, {"cells": {}, "rows": LIST_ROWS},
                           report=report)
    ws = reload(wb)
    assert ws["A1"].value == "许昌市重大事故隐患专项排查整改清单" and merged_at(ws, "A1") == "A1:H1"
    assert [c.value for c in ws[3]] == ["序号", "企业名称", "企业主要负责人姓名", "隐患主要内容", "交办时间",
                                        "目前采取的管控措施（限期整改、查封、停产等）", "挂牌督办文件", "备注"]
    assert ws.print_title_rows == "$3:$3"
    for index, line in enumerate(LIST_ROWS):
        for field, value in line.items():
            if field == "hazard":
                continue
            got = ws[wb.cell_map[f"rows.{index}.{field}"]].value
            if field == "assigned_on":
                assert got.date() == datetime.date.fromisoformat(value)
            else:
                assert got == (value or None), field
        assert ws[wb.cell_map[f"rows.{index}.seq"]].row == 4 + index
    all_text = texts(ws)
    assert any(t.startswith("备注：各县（市、区）政府或市直部门主要负责人") for t in all_text)
    signature = next(t for t in all_text if "填表人" in t)
    assert signature.startswith("县（市、区）政府或市直部门主要负责人签字：钱七")
    assert "填表人：赵六" in signature and "审核人：＿" in signature
    # 备注 first, then the signatures, as printed
    rows = {t: c.row for r in ws.iter_rows() for c in r if (t := c.value) is not None}
    assert rows[signature] > next(rows[t] for t in rows if str(t).startswith("备注："))


def test_an_empty_list_says_so(world, campaign):
    result = compute("xuchang-list", campaign, AS_OF, region=world.county_b)
    ws = reload(xlsx.workbook_for(TEMPLATES["xuchang-list"], campaign, "建安区", AS_OF, result))
    assert ws["B4"].value == "无"


def test_the_list_form_exports_what_compute_lists(world, campaign):
    hazard = _hazard(world, world.chem_a, datetime.date(2023, 6, 1), title="液氨储罐未设紧急切断",
                     deadline=datetime.date(2023, 6, 10))
    Listing.objects.create(hazard=hazard, authority_region=world.county_a, document_no="魏安委〔2023〕3号",
                           listed_on=datetime.date(2023, 6, 2), deadline=datetime.date(2023, 7, 1))
    result = compute("xuchang-list", campaign, AS_OF, region=world.county_a)
    wb = xlsx.workbook_for(TEMPLATES["xuchang-list"], campaign, "魏都区", AS_OF, result)
    ws = reload(wb)
    assert ws[wb.cell_map["rows.0.content"]].value == "液氨储罐未设紧急切断"
    assert ws[wb.cell_map["rows.0.listing_document"]].value == "魏安委〔2023〕3号"
    assert ws[wb.cell_map["rows.0.remark"]].value == "逾期"


# ---------------------------------------------------------------------------------------- 红河 附件2 统计表

def test_the_statistics_form_is_rows_by_24_columns_under_the_printed_header(db):
    campaign = honghe_campaign()
    rows = xlsx.statistics_rows(campaign, {"cells": {}})
    assert len(rows) == 28 and rows[0] == ("cum", "累计总计") and rows[-1] == ("other", "其他")
    cells = {}
    for r, (code, _) in enumerate(rows):
        for col in range(1, 25):
            cells[f"{code}.{col}"] = None if col in (3, 8, 12) and r % 2 else (r * 100 + col + (
                0.5 if col in (3, 8, 12, 20) else 0))
    report = SimpleNamespace(overrides={"gas.7": {"value": 4, "reason": "一项验收材料补录"}}, preparer="李娜",
                             reviewer="周强", principal="", submitted_at=None)
    wb = xlsx.workbook_for("honghe-statistics", campaign, "个旧市", datetime.date(2023, 6, 24), {"cells": cells},
                           report=report)
    ws = reload(wb)
    assert len(wb.cell_map) == 28 * 24
    assert ws["A1"].value == "全州重大事故隐患专项排查整治2023行动工作情况统计表" and merged_at(ws, "A1") == "A1:Y1"
    # header: 行业领域 merged down three rows, groups over their columns, single-column groups down two rows
    assert ws["A3"].value == "行业领域" and merged_at(ws, "A3") == "A3:A5"
    assert ws["B3"].value == "排查重大风险" and merged_at(ws, "B3") == "B3:D3"
    assert ws["E3"].value == "治理重大隐患" and merged_at(ws, "E3") == "E3:I3"
    assert ws["W3"].value == "约谈警示" and merged_at(ws, "W3") == "W3:W4"
    assert ws["Y3"].value == "行刑衔接" and merged_at(ws, "Y3") == "Y3:Y4"
    assert ws["C4"].value == "已落实“4个清单”管控措施" and ws["D5"].value == "（%）" and ws["U5"].value == "（万）"
    assert ws.print_title_rows == "$3:$5"
    for key, coordinate in wb.cell_map.items():
        code, col = key.rsplit(".", 1)
        cell = ws[coordinate]
        assert cell.column == int(col) + 1
        assert ws.cell(row=cell.row, column=1).value == dict(rows)[code]
        if key == "gas.7":
            assert cell.value == 4 and "一项验收材料补录" in cell.comment.text
        else:
            assert cell.value == xlsx.display(cells[key]), key
    signature = next(t for t in texts(ws) if "审核人" in t)
    assert signature.startswith("审核人：周强") and "填报联系人：李娜" in signature and "联系电话" in signature
    assert any(t.startswith("请各县市和州级各有关部门于每月5/15/25日前") for t in texts(ws))


# ------------------------------------------------------------------------------------- 红河 附件3 推进明细表

def test_the_task_list_shows_progress_and_the_phase_deadline(db):
    campaign = honghe_campaign()
    blocks = xlsx.task_blocks(campaign)
    keys = [key for block in blocks for key in block["keys"]]
    assert len(keys) == 29 and keys[0] == "1.1" and keys[-1] == "7.1"
    cells = {}
    for n, key in enumerate(keys):
        cells[key] = None if key == "2.1" else n + 3
        cells[f"{key}.of_which"] = None if key == "2.1" else n
    report = SimpleNamespace(overrides={"4.4.of_which": {"value": 20, "reason": "风险清单线下报送"}},
                             preparer="", reviewer="", principal="", submitted_at=None)
    wb = xlsx.workbook_for("honghe-tasks", campaign, "红河州", datetime.date(2023, 7, 31), {"cells": cells},
                           report=report)
    ws = reload(wb)
    assert ws["A1"].value == "红河州重大事故隐患专项排查整治2023行动重点工作推进明细表"
    assert [c.value for c in ws[3]] == list(xlsx.TASK_HEADS)
    for key in keys:
        cell = ws[wb.cell_map[key]]
        assert wb.cell_map[f"{key}.of_which"] == wb.cell_map[key]
        if key == "2.1":
            assert cell.value == "/"
        elif key == "4.4":
            assert cell.value == f"20/{cells[key]}" and "风险清单线下报送" in cell.comment.text
        else:
            assert cell.value == f"{cells[key + '.of_which']}/{cells[key]}"
    first = ws[wb.cell_map["1.1"]].row
    assert ws.cell(row=first, column=3).value == "1.各级安委会制定印发专项行动方案。"
    assert ws.cell(row=first, column=1).value == "动员部署\n（2023年5月20日前）"
    assert merged_at(ws, f"A{first}") == f"A{first}:A{first + 5}"  # 4 党委政府 + 2 部门 tasks
    assert ws.cell(row=first, column=2).value == "党委政府层面"
    assert merged_at(ws, f"B{first}") == f"B{first}:B{first + 3}"
    assert ws.cell(row=first, column=5).value.date() == datetime.date(2023, 5, 20)
    last = ws[wb.cell_map["7.1"]].row
    assert ws.cell(row=last, column=5).value.date() == datetime.date(2023, 12, 31)
    signature = next(t for t in texts(ws) if "填表人" in t)
    assert "审核人" in signature and "主要负责人（签字）" in signature


@pytest.mark.parametrize("code", ["honghe-statistics", "honghe-tasks"])
def test_honghe_forms_export_what_compute_answers_once_registered(world, code):
    from apps.reports.xlsx import _honghe_module

    _honghe_module()
    if code not in TEMPLATES:
        pytest.skip(f"{code} is not registered yet (apps.reports.honghe)")
    campaign = honghe_campaign()
    campaign.region = world.city
    campaign.save()
    result = compute(code, campaign, datetime.date(2023, 6, 24), region=world.county_a)
    wb = xlsx.workbook_for(TEMPLATES[code], campaign, world.county_a.name, datetime.date(2023, 6, 24), result)
    ws = reload(wb)
    for key, value in result["cells"].items():
        assert key in wb.cell_map, key
        if code == "honghe-statistics":
            assert ws[wb.cell_map[key]].value == xlsx.display(value), key
        elif not key.endswith(".of_which"):
            assert ws[wb.cell_map[key]].value == xlsx.progress_text(result["cells"].get(f"{key}.of_which"), value)


# --------------------------------------------------------------------------------------------- the .docx

def test_the_summary_report_has_the_figures_the_chart_and_the_unclosed_hazards(world, campaign):
    _hazard(world, world.chem_a, datetime.date(2023, 6, 1), title="液氨储罐未设紧急切断",
            deadline=datetime.date(2023, 6, 10))
    _hazard(world, world.build_a, datetime.date(2023, 6, 2), title="深基坑无专项方案",
            closed_on=datetime.date(2023, 6, 20))
    _hazard(world, world.chem_b, datetime.date(2023, 6, 3), source=Source.DEPARTMENT, finder=world.b_emergency,
            title="可燃气体报警器失效")
    _hazard(world, world.town_shop, datetime.date(2023, 6, 4), title="粉尘除尘系统未接地")
    document = report_docx.summary_document(campaign, world.city, AS_OF)
    opened = Document(io.BytesIO(report_docx.document_bytes(document)))
    body = "\n".join(p.text for p in opened.paragraphs)
    assert body.startswith("许昌市重大事故隐患专项排查整治2023行动\n总结评估报告\n许昌市\n")
    assert "共排查发现重大事故隐患4个，其中企业自查发现3个、部门检查发现1个" in body
    assert "已完成整改1个，整改率25.0%；尚未完成整改3个，其中逾期1个" in body
    tables = opened.tables
    figures, chart, unclosed = tables[0], tables[1], tables[2]
    figure_rows = {row.cells[1].text: row.cells[2].text for row in figures.rows[1:]}
    assert figure_rows["企业自查发现的重大事故隐患（个）"] == "3"
    assert figure_rows["行政处罚（次）"] == "0" and figure_rows["行政处罚罚款（万元）"] == "0"
    assert figure_rows["是否在各级主流媒体播放安全生产专题栏目"] == "否"
    chart_text = [cell.text for row in chart.rows for cell in row.cells]
    assert "魏都区" in chart_text and "建安区" in chart_text
    assert "3个" in chart_text and "1个（33.3%）" in chart_text  # 魏都区: 3 found (township included), 1 closed
    unclosed_text = [[cell.text for cell in row.cells] for row in unclosed.rows]
    assert unclosed_text[0][:3] == ["序号", "企业名称", "隐患主要内容"]
    contents = {row[2] for row in unclosed_text[1:]}
    assert contents == {"液氨储罐未设紧急切断", "可燃气体报警器失效", "粉尘除尘系统未接地"}
    assert ["逾期"] == [row[7] for row in unclosed_text[1:] if row[7]]


def test_a_bar_is_a_shaded_run_of_cells_as_long_as_its_figure(world, campaign):
    for day in (1, 2, 3, 4):
        _hazard(world, world.chem_a, datetime.date(2023, 6, day))
    _hazard(world, world.chem_b, datetime.date(2023, 6, 5), closed_on=datetime.date(2023, 6, 9))
    document = report_docx.summary_document(campaign, world.city, AS_OF)
    chart = document.tables[1]
    shaded = []
    for row in chart.rows:
        for tc in row._tr.tc_lst:
            fills = tc.xpath("./w:tcPr/w:shd/@w:fill")
            if fills:
                span = tc.xpath("./w:tcPr/w:gridSpan/@w:val")
                shaded.append((fills[0], int(span[0]) if span else 1))
    blue, green = report_docx.FOUND_COLOUR, report_docx.CLOSED_COLOUR
    # 魏都区 4 found (the longest: 20 cells), 0 closed (no bar); 建安区 1 found and 1 closed (5 cells each)
    assert shaded == [(blue, 20), (blue, 5), (green, 5)]


def test_a_department_summary_counts_its_own_ledger(world, campaign):
    _hazard(world, world.chem_a, datetime.date(2023, 6, 1), source=Source.DEPARTMENT, finder=world.city_emergency,
            title="市局检查发现的隐患")
    _hazard(world, world.chem_b, datetime.date(2023, 6, 2), source=Source.DEPARTMENT, finder=world.b_emergency,
            title="区局检查发现的隐患")
    document = report_docx.summary_document(campaign, world.city_emergency, AS_OF)
    body = "\n".join(p.text for p in document.paragraphs)
    assert "许昌市应急管理局" in body and "部门检查发现1个" in body
    unclosed = [row.cells[2].text for row in document.tables[2].rows[1:]]
    assert unclosed == ["市局检查发现的隐患"]


def test_a_summary_without_hazards_says_so(world, campaign):
    document = report_docx.summary_document(campaign, world.county_b, AS_OF)
    body = "\n".join(p.text for p in document.paragraphs)
    assert "统计时段内未发现重大事故隐患。" in body and "无尚未完成整改的重大事故隐患" in body


# ------------------------------------------------------------------------------------ LibreOffice opens them

@pytest.mark.skipif(not shutil.which("libreoffice"), reason="LibreOffice is not installed")
def test_libreoffice_converts_each_kind_of_form_to_pdf(db, tmp_path):
    campaign = honghe_campaign()
    files = []
    for code in ("xuchang-county", "xuchang-list", "honghe-statistics", "honghe-tasks"):
        template = TEMPLATES.get(code, code)
        cells = distinct_cells(TEMPLATES[code]) if code in DISPATCH else {}
        wb = xlsx.workbook_for(template, campaign, "魏都区", AS_OF, {"cells": cells, "rows": LIST_ROWS})
        path = tmp_path / f"{code}.xlsx"
        wb.save(path)
        files.append(str(path))
    subprocess.run(["libreoffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), *files],
                   check=True, capture_output=True, timeout=180)
    for path in files:
        pdf = tmp_path / path.rsplit("/", 1)[-1].replace(".xlsx", ".pdf")
        assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
