"""The campaign's 总结评估报告 for one region or department, as .docx (python-docx): a draft the filer completes.

`summary_document(campaign, region_or_department, as_of)` answers a `docx.Document`:
- 一、总体情况: the key figures in sentences, then every figure of the 调度表 in a table. The figures are those of
  `compute()`: a region's from `xuchang-county` (whole caliber), a department's from `haicheng` (its own work,
  the 调度表 that takes a department and carries 企业自查 and 政府挂牌督办); the same rules as every form.
- 二、各地区重大事故隐患发现和整改情况: a bar chart of major hazards found and closed per subordinate region
  (the filer's own level as 「本级」). The chart is a native Word table: each bar is a run of merged, shaded
  cells on a 20-cell grid, with the figure beside it. No image, no plotting library: it prints the same in Word,
  WPS and LibreOffice, stays sharp, and its labels are real CJK text. The hazards counted are those of
  `lists.rectification_rows` (许昌 附件5: for a region every major hazard found in the period, = 1.1 + 1.3; for
  a department its ledger, found by or handed to it).
- 三、尚未完成整改的重大事故隐患: the same list, unclosed lines only, with each hazard's deadline and 逾期.
- 四、存在的问题和下一步工作打算: headings for the filer to write.
Fonts as `apps.hazards.docx`: 宋体 for East Asian text, Times New Roman for Latin; 黑体 for the headings.
"""
from __future__ import annotations

import datetime
import io
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from apps.hazards.models import Hazard
from apps.regions.models import Department, Region

from .compute import compute
from .lists import rectification_rows
from .templates import TEMPLATES

CJK_FONT = "宋体"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
TITLE_SIZE = Pt(18)  # 小二
BODY_SIZE = Pt(12)  # 小四
TABLE_SIZE = Pt(10.5)  # 五号
SMALL_SIZE = Pt(9)  # 小五
TEXT_WIDTH = Mm(170)  # A4 less 20 mm margins each side
FOUND_COLOUR = "4472C4"
CLOSED_COLOUR = "70AD47"
BAR_CELLS = 20
SUMMARY_TEMPLATES = {"region": "xuchang-county", "department": "haicheng"}
PLACEHOLDER = "（由填报单位根据实际情况填写。）"
NO_SPACE = Pt(0)

C = WD_ALIGN_PARAGRAPH.CENTER
L = WD_ALIGN_PARAGRAPH.LEFT
R = WD_ALIGN_PARAGRAPH.RIGHT


def chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def rate(part: int, whole: int) -> str:
    """「66.7%」: 100 × part / whole, one decimal, half up (REPORTS.md §0.3); 「—」 over zero."""
    if not whole:
        return "—"
    value = (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value}%"


def _n(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


# ------------------------------------------------------------------------------------------------ formatting

def _font(run, size=BODY_SIZE, bold: bool = False, east_asia: str = CJK_FONT, colour: str | None = None) -> None:
    run.font.name = LATIN_FONT
    run.font.size = size
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asia)
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour)


def _paragraph(document, text: str = "", *, size=BODY_SIZE, bold: bool = False, align=L, indent: bool = False,
               east_asia: str = CJK_FONT, after=NO_SPACE):
    paragraph = document.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = after
    paragraph.paragraph_format.line_spacing = 1.5
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size.pt * 2)
    if text:
        _font(paragraph.add_run(text), size=size, bold=bold, east_asia=east_asia)
    return paragraph


def _heading(document, text: str) -> None:
    _paragraph(document, text, east_asia=HEADING_FONT, indent=True, after=Pt(3))


def _cell(cell, text, *, align=L, size=TABLE_SIZE, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.clear()
    paragraph.alignment = align
    paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(1)
    for i, line in enumerate(str(text if text is not None else "").split("\n")):
        if i:
            paragraph = cell.add_paragraph()
            paragraph.alignment = align
        _font(paragraph.add_run(line), size=size, bold=bold)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _shade(cell, colour: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)


def _table(document, rows: int, widths, *, grid: bool = True):
    table = document.add_table(rows=rows, cols=len(widths))
    if grid:
        table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    return table


def _repeat_header(row) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _page(document) -> None:
    """A4 portrait, 宋体 as the default East Asian font."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(25), Mm(20)
    normal = document.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), CJK_FONT)


# -------------------------------------------------------------------------------------------------- the data

def _scope(region_or_department) -> tuple[str, dict, Region, str]:
    if isinstance(region_or_department, Region):
        return "region", {"region": region_or_department}, region_or_department, region_or_department.name
    if isinstance(region_or_department, Department):
        department = region_or_department
        return "department", {"department": department}, department.region, department.name
    raise TypeError("需要地区（Region）或部门（Department）")


def region_bars(rows: list[dict], region: Region, as_of: datetime.date) -> list[tuple[str, int, int]]:
    """[(地区, found, closed)] for each region directly below `region` (all of them, in code order), then
    「本级」 for hazards homed at `region` itself (only when there are any)."""
    homes = dict(Hazard.objects.filter(pk__in=[r["hazard"] for r in rows]).values_list("pk", "region_id"))
    children = list(Region.objects.filter(parent=region).order_by("code"))
    counts = {child.code: [0, 0] for child in children}
    own = [0, 0]
    for row in rows:
        code = homes.get(row["hazard"], "")
        bucket = next((counts[c.code] for c in children if code.startswith(c.code)), own)
        bucket[0] += 1
        bucket[1] += int(_closed(row))
    bars = [(child.name, *counts[child.code]) for child in children]
    if own[0] or not children:
        bars.append((f"{region.name}本级", *own))
    return bars


def _closed(row: dict) -> bool:
    return row.get("controls") == "已整改销号"


# ---------------------------------------------------------------------------------------------- the document

def summary_document(campaign, region_or_department, as_of: datetime.date) -> Document:
    """The 总结评估报告 of `campaign` for a Region or a Department, counted up to `as_of`."""
    kind, scope, region, filer = _scope(region_or_department)
    template = TEMPLATES[SUMMARY_TEMPLATES[kind]]
    cells = compute(template.code, campaign, as_of, **scope)["cells"]
    rows = rectification_rows(campaign, as_of, **scope)

    document = Document()
    _page(document)
    document.core_properties.title = f"{campaign.name}总结评估报告"
    document.core_properties.author = filer
    _paragraph(document, campaign.name, size=TITLE_SIZE, bold=True, align=C)
    _paragraph(document, "总结评估报告", size=TITLE_SIZE, bold=True, align=C, after=Pt(6))
    _paragraph(document, filer, align=C)
    _paragraph(document, f"（统计时段：{chinese_date(campaign.start)}至{chinese_date(as_of)}）", align=C,
               after=Pt(12))

    _heading(document, "一、总体情况")
    for text in _figure_sentences(campaign, filer, as_of, cells, rows):
        _paragraph(document, text, indent=True)
    _paragraph(document, "主要数据如下表（口径同调度表）：", indent=True, after=Pt(3))
    _figures_table(document, template, cells)

    _heading(document, "二、各地区重大事故隐患发现和整改情况")
    bars = region_bars(rows, region, as_of)
    if kind == "department":
        _paragraph(document, f"按隐患所在地区统计{filer}排查发现或接报的重大事故隐患：", indent=True)
    _bar_chart(document, bars)

    _heading(document, "三、尚未完成整改的重大事故隐患")
    _open_hazards(document, rows, as_of)
    _paragraph(document, "", after=Pt(6))

    _heading(document, "四、存在的问题和下一步工作打算")
    _paragraph(document, PLACEHOLDER, indent=True)

    _paragraph(document, "", after=Pt(12))
    _paragraph(document, filer, align=R)
    _paragraph(document, chinese_date(timezone.localdate()), align=R)
    return document


def key_figures(cells: dict, rows: list[dict], as_of: datetime.date) -> dict:
    """The figures the sentences quote (also what the tests read)."""
    found = (cells.get("1.1") or 0) + (cells.get("1.3") or 0)
    closed = (cells.get("1.2") or 0) + (cells.get("1.4") or 0)
    unclosed = [r for r in rows if not _closed(r)]
    return {
        "found": found, "closed": closed, "rate": rate(closed, found), "open": found - closed,
        "overdue": sum(1 for r in unclosed if r.get("remark") == "逾期"),
        "listed": cells.get("1.5") or 0, "listed_closed": cells.get("1.6") or 0,
    }


def _figure_sentences(campaign, filer: str, as_of: datetime.date, cells: dict, rows: list[dict]) -> list[str]:
    f = key_figures(cells, rows, as_of)
    g = {key: _n(value) for key, value in cells.items()}
    return [
        f"{campaign.name}自{chinese_date(campaign.start)}开展以来，截至{chinese_date(as_of)}，{filer}共排查发现"
        f"重大事故隐患{f['found']}个，其中企业自查发现{g.get('1.1', '0')}个、部门检查发现{g.get('1.3', '0')}个；"
        f"已完成整改{f['closed']}个，整改率{f['rate']}；尚未完成整改{f['open']}个，其中逾期{f['overdue']}个。"
        f"政府挂牌督办重大事故隐患{f['listed']}个，已完成整改{f['listed_closed']}个。",
        f"部门抽查检查企业{g.get('2.1', '0')}家，发现企业主要负责人未按要求亲自研究排查整治工作{g.get('2.2', '0')}家、"
        f"未带队检查{g.get('2.3', '0')}家，未依法建立安全管理机构和配足安全管理人员{g.get('2.5', '0')}家，"
        f"特种作业岗位人员无证上岗作业{g.get('2.6', '0')}家。",
        f"帮扶指导重点企业{g.get('3.2', '0')}家次；实施行政处罚{g.get('3.3.count', '0')}次、"
        f"罚款{g.get('3.3.amount', '0')}万元，“一案双罚”{g.get('3.4', '0')}次，移送司法机关{g.get('3.5', '0')}人，"
        f"责令停产整顿{g.get('3.6', '0')}家，曝光、约谈、联合惩戒企业{g.get('3.7', '0')}家，"
        f"责任倒查追责问责{g.get('3.9', '0')}人。",
    ]


def _figures_table(document, template, cells: dict) -> None:
    items = [(section, cell) for section in template.sections for cell in section.cells]
    table = _table(document, len(items) + 1, (Mm(34), Mm(106), Mm(30)))
    for i, head in enumerate(("类别", "项目", "数值")):
        _cell(table.cell(0, i), head, align=C, bold=True)
    _repeat_header(table.rows[0])
    r = 1
    for section in template.sections:
        first = r
        for cell in section.cells:
            unit = "" if cell.unit == "是否" else f"（{cell.unit}）"
            label = f"{cell.label}罚款" if cell.key.endswith(".amount") else cell.label
            value = cells.get(cell.key)
            if cell.unit == "是否":
                value = "是" if value else "否"
            _cell(table.cell(r, 1), f"{label}{unit}", size=SMALL_SIZE)
            _cell(table.cell(r, 2), _n(value), align=C, size=SMALL_SIZE)
            r += 1
        merged = table.cell(first, 0).merge(table.cell(r - 1, 0))
        _cell(merged, section.title, align=C, size=SMALL_SIZE)
    document.add_paragraph()


def _bar_chart(document, bars: list[tuple[str, int, int]]) -> None:
    """Two bars per region (found, closed) as shaded merged cells on a 20-cell grid, the figures beside them."""
    top = max((found for _, found, _ in bars), default=0)
    if not top:
        _paragraph(document, "统计时段内未发现重大事故隐患。", indent=True)
        return
    legend = _paragraph(document, align=C)
    for colour, text in ((FOUND_COLOUR, "发现重大事故隐患"), (CLOSED_COLOUR, "已完成整改")):
        _font(legend.add_run("■ "), size=TABLE_SIZE, colour=colour)
        _font(legend.add_run(f"{text}　　"), size=TABLE_SIZE)
    name_w, kind_w, value_w = Mm(30), Mm(14), Mm(36)
    bar_w = Mm(90 / BAR_CELLS)
    widths = (name_w, kind_w) + (bar_w,) * BAR_CELLS + (value_w,)
    table = _table(document, 2 * len(bars), widths, grid=False)
    for index, (name, found, closed) in enumerate(bars):
        r = 2 * index
        _cell(table.cell(r, 0).merge(table.cell(r + 1, 0)), name, align=R, size=SMALL_SIZE)
        for offset, (label, value, colour, note) in enumerate((
                ("发现", found, FOUND_COLOUR, f"{found}个"),
                ("整改", closed, CLOSED_COLOUR, f"{closed}个（{rate(closed, found)}）"))):
            row = table.rows[r + offset]
            row.height = Mm(5.5)
            row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY
            _cell(table.cell(r + offset, 1), label, align=C, size=SMALL_SIZE)
            length = round(BAR_CELLS * value / top)
            if value and not length:
                length = 1
            for c in range(2, 2 + BAR_CELLS):
                _cell(table.cell(r + offset, c), "", size=Pt(4))
            if length:
                bar = table.cell(r + offset, 2).merge(table.cell(r + offset, 1 + length))
                _shade(bar, colour)
            _cell(table.cell(r + offset, 2 + BAR_CELLS), note, size=SMALL_SIZE)
    scale = _paragraph(document, f"（横条长度按最大值 {top} 个等比例绘制）", size=SMALL_SIZE, align=C, after=Pt(6))
    scale.paragraph_format.space_before = Pt(3)


OPEN_COLUMNS = (("序号", Mm(9)), ("企业名称", Mm(26)), ("隐患主要内容", Mm(33)), ("交办时间", Mm(20)),
                ("整改期限", Mm(20)), ("目前采取的管控措施", Mm(28)), ("挂牌督办文件", Mm(20)), ("备注", Mm(14)))


def _open_hazards(document, rows: list[dict], as_of: datetime.date) -> None:
    unclosed = [r for r in rows if not _closed(r)]
    if not unclosed:
        _paragraph(document, f"截至{chinese_date(as_of)}，无尚未完成整改的重大事故隐患。", indent=True)
        return
    overdue = sum(1 for r in unclosed if r.get("remark") == "逾期")
    _paragraph(document, f"截至{chinese_date(as_of)}，尚有{len(unclosed)}个重大事故隐患未完成整改"
                         f"（其中逾期{overdue}个），清单如下：", indent=True, after=Pt(3))
    deadlines = dict(Hazard.objects.filter(pk__in=[r["hazard"] for r in unclosed]).values_list("pk", "deadline"))
    table = _table(document, len(unclosed) + 1, [w for _, w in OPEN_COLUMNS])
    for i, (head, _) in enumerate(OPEN_COLUMNS):
        _cell(table.cell(0, i), head, align=C, bold=True, size=SMALL_SIZE)
    _repeat_header(table.rows[0])
    for n, row in enumerate(unclosed, start=1):
        deadline = deadlines.get(row["hazard"])
        values = (n, row["enterprise_name"] or "（无企业）", row["content"], row["assigned_on"],
                  deadline.isoformat() if deadline else "", row["controls"], row["listing_document"],
                  row["remark"])
        for i, value in enumerate(values):
            _cell(table.cell(n, i), value, align=C if i in (0, 3, 4, 7) else L, size=SMALL_SIZE)
        table.rows[n]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def document_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def summary_filename(campaign, region_or_department) -> str:
    name = "".join(ch for ch in f"{region_or_department.name}{campaign.name}总结评估报告"
                   if ch not in '\\/:*?"<>|\r\n\t')
    return f"{name}.docx"
