"""The official forms as .xlsx (API.md `reports/export/`): each template laid out as its seed prints it.

`workbook_for(template, campaign, filer_name, as_of, result, report=None)` answers an openpyxl `Workbook` with
one sheet, the form; `result` is what `compute()` answers. Where a submitted report corrects a figure
(`report.overrides`), the correction is shown instead of the computed value, shaded, with the reason and the
computed value in a comment. `wb.cell_map` records where each cell key was written ({key: "D7"}; list rows as
`rows.<index>.<field>`), so tests and callers can find a figure without knowing the layout.

The four layouts:
- 调度表 (许昌 附件3/4, 海城, 红河 附件1, 福州 附件4): the printed grid — the section title merged down its rows,
  then two items a row, each 序号 | 项目（单位） | 数值. The value area is two columns: one figure spans both; an
  item with two figures (行政处罚（次，万元）, …（个），其中…（个）) puts one in each, the unit in the number format
  (「3次」「12.5万元」「其中1个」), so both stay numbers.
- 许昌 附件5 清单: one line per hazard under the printed column heads.
- 红河 附件2 统计表: 行业领域 × 24 columns under the printed three header rows (group, column, unit); rows and
  columns are `apps.reports.honghe.ROWS` / `COLUMNS` (fallbacks: the campaign's `sector_rows`, the printed header).
- 红河 附件3 推进明细表: `honghe.TASKS` (full printed text) under their phase and level, a 完成情况 column
  「已完成/应完成」 (「/」 where the task binds no one) and 完成时限, the end of the campaign's matching phase
  (fallback without honghe: the `tasks` blocks of `campaign.phases`).

Every form carries its title merged across the table, the 填报单位 / 统计截止日期 line, its notes as printed and
a signature line: the roles the form prints in its own words (红河: 填报联系人 for the 填表人), and 填表人 / 审核人
/ 主要负责人（签字） added where the form prints none, with the names a report gives. 许昌 附件3/4, 福州 附件4 and
红河 附件3 print no signature line; they get 填表人 / 审核人 / 主要负责人（签字）. Print setup: A4 landscape, fit to
width, header rows repeated on every page, thin black borders, 宋体.
"""
from __future__ import annotations

import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from apps.core.xlsx import make_comment, safe_value, text_width

from .templates import TEMPLATES, Template

CJK_FONT = "宋体"
BODY = 10.5  # 五号
TITLE_SIZE = 16  # 三号
NOT_APPLICABLE = "/"  # a rate over zero, a task that binds no one: printed forms use 「/」
BLANK_DATE = "　　年　　月　　日"
BLANK_NAME = "＿＿＿＿＿＿"
BLACK = Side(style="thin", color="FF000000")
BORDER = Border(left=BLACK, right=BLACK, top=BLACK, bottom=BLACK)
HEAD_FILL = PatternFill("solid", fgColor="FFF2F2F2")
OVERRIDE_FILL = PatternFill("solid", fgColor="FFFFF2CC")  # a filer's correction

PREPARER, REVIEWER, PRINCIPAL, PHONE = "preparer", "reviewer", "principal", "phone"
GENERIC_SIGNATURE = ((PREPARER, "填表人"), (REVIEWER, "审核人"), (PRINCIPAL, "主要负责人（签字）"))


# ------------------------------------------------------------------------------------------- the printed forms

@dataclass(frozen=True)
class Form:
    """What a seed prints around its table: title, the filer and date line, section titles, notes, signatures."""

    sheet: str
    title: str
    filer_label: str = "填报单位"
    date_label: str = "时间"  # the form's own date field: the day the report was submitted, else blank
    sections: tuple[str, ...] = ()  # printed section titles of a 调度表, in order
    notes: tuple[str, ...] = ()
    signature: tuple[tuple[str, str], ...] = GENERIC_SIGNATURE
    signature_first: bool = True  # the signature line above the notes (海城, 红河), else below (许昌 附件5)


_CHECK_ADVICE = ("调度表内容应围绕专项排查整治工作并对照方案具体要求如实填报，"
                 "特别是对企业自查情况进行抽查检查时，要深挖细查，查出真问题。如：电焊等人员无证上岗作业，既要通过现场检查发现问题，也要通过对{target}动火等特种作业存单进行"
                 "{verb}来发现问题；外包外租管理混乱，是指符合以下情形之一的：承包承租方不具备安全生产条件、未取得相应资质，"
                 "双方未签订安全生产协议，安全生产管理职责不清，未纳入本企业统一管理。")
_ENTERPRISES_NOTE = "表中企业包含各类生产经营场所、学校、医疗机构等。"
_HONGHE_CONTACT = "州安委会办公室邮箱：hhzawb@126.com。联系人及电话：杨健春，3732829，13769439963。"
_HONGHE_SIGNATURE = ((REVIEWER, "审核人"), (PREPARER, "填报联系人"), (PHONE, "联系电话"))

FORMS: dict[str, Form] = {
    "xuchang-county": Form(  # 000:297-321
        sheet="调度表（县市区）", title="许昌市重大事故隐患专项排查整治2023行动进展情况调度表",
        filer_label="填报单位（县市区、管委会）",
        sections=("总体情况", "对企业自查自改进行抽查检查情况", "部门执法情况", "党委政府组织领导情况"),
        notes=("注：1. 市安委会办公室对各县市区工作进展情况进行月度调度。此表仅限各县市区填报，自5月份开始上报，"
               "每月月底前上报本月的累计情况。",
               "2. " + _CHECK_ADVICE.format(target="企业", verb="检查核实"),
               "3. " + _ENTERPRISES_NOTE),
    ),
    "xuchang-department": Form(  # 000:324-341
        sheet="调度表（部门）", title="许昌市重大事故隐患专项排查整治2023行动进展情况调度表",
        filer_label="填报单位（部门）",
        sections=("总体情况", "对企业自查自改进行抽查检查情况", "部门精准严格执法情况", "其它情况"),
        notes=("注：1. 此表仅限市安委会有关成员单位填报。",
               "2. 填报数据仅限本单位抽查检查情况，不能包含地方相关部门检查数据。",
               "3. 自5月份开始上报省安委办，每月月底前上报本月的累计情况。",
               "4. " + _CHECK_ADVICE.format(target="企业", verb="检查核实"),
               "5. " + _ENTERPRISES_NOTE),
    ),
    "xuchang-list": Form(  # 000:343-357
        sheet="排查整改清单", title="许昌市重大事故隐患专项排查整改清单",
        filer_label="报送单位（公章）", date_label="填表时间",
        notes=("备注：各县（市、区）政府或市直部门主要负责人对本地本行业领域重大事故隐患专项排查整治工作负领导责任，"
               "凡短期内被上级发现重大事故隐患的将全市通报，并提请市委市政府严肃追究领导责任。此表格需与附件3、附件4一同上报。",),
        signature=((PRINCIPAL, "县（市、区）政府或市直部门主要负责人签字"), (PREPARER, "填表人")),
        signature_first=False,
    ),
    "haicheng": Form(  # 001:207-234
        sheet="调度表", title="全市重大隐患专项排查整治2023行动进展情况调度表",
        filer_label="填报单位（镇（街）、开发区、市安委会成员单位，加盖公章）", date_label="填表时间",
        sections=("总体情况", "对企业自查自改进行抽查检查情况", "部门精准严格执法情况", "党委政府组织领导情况"),
        notes=("注：1. 市安委会办公室对各地区、各有关部门工作进展情况月度调度。"
               "调度表自6月份开始上报，每月25日报截至本月24日前的累计情况。",
               "2. " + _CHECK_ADVICE.format(target="企业的", verb="核查")),
        signature=((PREPARER, "填表人"), (REVIEWER, "审核人")),
    ),
    "honghe-dispatch": Form(  # 002:92-255
        sheet="调度表", title="全州重大事故隐患专项排查整治2023行动进展情况调度表",
        sections=("总体情况", "对企业自查自改进行抽查检查情况", "部门精准严格执法情况", "党委政府组织领导情况"),
        notes=("注：1.州安委会办公室对各县市、州级有关部门工作进展情况进行月度调度，州级部门只需报送本级工作情况。"
               "调度表自5月份开始报送，每月25日前报5月以来累计情况至" + _HONGHE_CONTACT,
               "2.调度表内容应围绕专项排查整治工作并对照方案具体要求如实填报。"),
        signature=_HONGHE_SIGNATURE,
    ),
    "honghe-statistics": Form(  # 002:256-1071
        sheet="工作情况统计表", title="全州重大事故隐患专项排查整治2023行动工作情况统计表", date_label="填报日期",
        notes=("请各县市和州级各有关部门于每月5/15/25日前将今年以来累计数报至" + _HONGHE_CONTACT
               + "行业领域划分范围参照《红河州重大安全风险大排查方案》。报送数据必须实事求是，严禁弄虚作假。",),
        signature=_HONGHE_SIGNATURE,
    ),
    "honghe-tasks": Form(  # 002:1075-1218; the form prints no filer line, notes or signatures
        sheet="重点工作推进明细表", title="红河州重大事故隐患专项排查整治2023行动重点工作推进明细表",
        notes=("说明：完成情况为「已完成/应完成」，即截至统计截止日期已完成该项工作的地区、部门、企业或对象数与应完成数；"
               "「/」表示该项工作不适用于本填报单位。完成时限为所在工作阶段的截止日期。",),
    ),
    "fuzhou-dispatch": Form(  # 004:201-229
        sheet="调度表", title="福州市重大事故隐患专项排查整治2023行动进展情况调度表",
        sections=("总体情况", "辖区部门对企业的自查自改进行抽查检查情况", "辖区部门精准严格执法情况",
                  "其他相关工作跟踪落实情况"),
        notes=("注：1.本表自6月份开始上报，每月1日前上报截至上月末的累计情况。",
               "2. " + _CHECK_ADVICE.format(target="", verb="检查核实")),
    ),
}


def form_for(template: Template | str) -> Form:
    code = template if isinstance(template, str) else template.code
    if code in FORMS:
        return FORMS[code]
    template = TEMPLATES[code]
    return Form(sheet=template.name[:31], title=template.title, notes=template.notes)


# ----------------------------------------------------------------------------------------------- values shown

def chinese_date(day: datetime.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else BLANK_DATE


def _number(value):
    """A correction typed as text ("12", "3.5") as a number; anything else as it is."""
    if isinstance(value, str):
        text = value.strip()
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if number.is_integer() and "." not in text else number
    return value


def display(value, unit: str = ""):
    """A figure as the form prints it: 是否 as 是/否, a missing figure (a rate over zero) as 「/」."""
    if isinstance(value, bool):
        value = int(value)
    if value is None or value == "":
        return NOT_APPLICABLE
    if unit == "是否":
        if value in (1, "1", "是"):
            return "是"
        if value in (0, "0", "否"):
            return "否"
    return value


def _text(value) -> str:
    return NOT_APPLICABLE if value is None else str(value)


def shown(key: str, computed, report=None) -> tuple[object, str | None]:
    """(value, comment): a filer's correction (report.overrides) with its reason, else the computed value."""
    overrides = getattr(report, "overrides", None) or {}
    if key in overrides:
        override = overrides[key] if isinstance(overrides[key], dict) else {"value": overrides[key]}
        reason = str(override.get("reason") or "").strip() or "（未说明理由）"
        return _number(override.get("value")), f"填报单位更正，理由：{reason}\n平台计算值：{_text(computed)}"
    return computed, None


# ----------------------------------------------------------------------------------------------- sheet writer

class Sheet:
    """An ordinary openpyxl sheet with the form's styles: every write can merge, border and wrap, and row
    heights are estimated from the text (Excel does not grow rows that hold merged or wrapped cells)."""

    def __init__(self, workbook: Workbook, form: Form, widths: Iterable[float]):
        self.ws = workbook.active
        self.ws.title = form.sheet
        self.widths = list(widths)
        self.ncols = len(self.widths)
        self.heights: dict[int, float] = {}
        self.cell_map: dict[str, str] = {}
        for i, width in enumerate(self.widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = width

    def put(self, row: int, col: int, value, *, to_row: int | None = None, to_col: int | None = None,
            size: float = BODY, bold: bool = False, horizontal: str = "center", vertical: str = "center",
            border: bool = True, fill=None, number_format: str | None = None, comment: str | None = None,
            key: str | None = None, grow: bool = True):
        to_row, to_col = to_row or row, to_col or col
        cell = self.ws.cell(row=row, column=col, value=safe_value(value))
        if isinstance(value, str) and cell.data_type == "f":  # never a formula in a file we hand out
            cell.data_type = "s"
        font = Font(name=CJK_FONT, size=size, bold=bold)
        alignment = Alignment(horizontal=horizontal, vertical=vertical, wrap_text=True)
        for r in range(row, to_row + 1):
            for c in range(col, to_col + 1):
                target = self.ws.cell(row=r, column=c)
                target.font = font
                target.alignment = alignment
                if border:
                    target.border = BORDER
                if fill is not None:
                    target.fill = fill
        if number_format:
            cell.number_format = number_format
        if comment:
            cell.comment = make_comment(comment)
        if (to_row, to_col) != (row, col):
            self.ws.merge_cells(start_row=row, start_column=col, end_row=to_row, end_column=to_col)
        if key is not None:
            self.cell_map[key] = cell.coordinate
        if grow and value not in (None, ""):
            width = sum(self.widths[col - 1:to_col])
            self.need(row, self.height(value, width, size) / (to_row - row + 1))
        return cell

    def value(self, row: int, col: int, key: str, computed, report, *, unit: str = "", to_col: int | None = None,
              number_format: str | None = None, size: float = BODY, horizontal: str = "center"):
        """A figure: the correction if the report has one (shaded, with a comment), else the computed value."""
        value, comment = shown(key, computed, report)
        value = display(value, unit)
        if isinstance(value, str):
            number_format = None
        return self.put(row, col, value, to_col=to_col, key=key, comment=comment, size=size,
                        fill=OVERRIDE_FILL if comment else None, number_format=number_format,
                        horizontal=horizontal)

    @staticmethod
    def height(value, width: float, size: float = BODY) -> float:
        """Points needed for `value` wrapped in `width` character units (a CJK character counts two)."""
        usable = max(width - 1.5, 1.0) * 11 / size
        lines = sum(max(1, math.ceil(text_width(part) / usable)) for part in str(value).split("\n"))
        return lines * size * 1.45 + 6

    def need(self, row: int, points: float) -> None:
        self.heights[row] = max(self.heights.get(row, 0), points)

    def line(self, row: int, text: str, *, size: float = BODY, horizontal: str = "left", bold: bool = False,
             first: int = 1, last: int | None = None) -> None:
        """Text across columns `first`–`last` without borders (title, filer line, notes, signatures)."""
        self.put(row, first, text, to_col=last or self.ncols, size=size, bold=bold, horizontal=horizontal,
                 border=False)

    def finish(self, *, header_rows: tuple[int, int] | None = None, freeze: str | None = None,
               one_page: bool = False) -> None:
        for row, points in self.heights.items():
            self.ws.row_dimensions[row].height = round(max(points, 20), 1)
        ws = self.ws
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 1 if one_page else 0  # else as many pages as the rows need
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        ws.oddFooter.center.text = "第 &P 页，共 &N 页"
        if header_rows:
            ws.print_title_rows = f"{header_rows[0]}:{header_rows[1]}"
        if freeze:
            ws.freeze_panes = freeze
        ws.print_area = f"A1:{get_column_letter(self.ncols)}{ws.max_row}"


# ---------------------------------------------------------------------------------------- shared form parts

def _head(sheet: Sheet, form: Form, filer_name: str, as_of: datetime.date, report, split: int) -> int:
    """Title (row 1) and the 填报单位 / 统计截止日期 line (row 2); answers the next row."""
    sheet.put(1, 1, form.title, to_col=sheet.ncols, size=TITLE_SIZE, bold=True, border=False)
    sheet.need(1, 34)
    submitted = getattr(report, "submitted_at", None)
    filled = chinese_date(submitted.date()) if submitted else BLANK_DATE
    sheet.line(2, f"{form.filer_label}：{filer_name}", last=split)
    sheet.line(2, f"统计截止日期：{chinese_date(as_of)}　　{form.date_label}：{filled}", first=split + 1,
               horizontal="right")
    return 3


def signature_text(form: Form, report=None) -> str:
    """The roles the form prints, in its words, then any of 填表人 / 审核人 / 主要负责人（签字） it lacks."""
    roles = list(form.signature)
    printed = {role for role, _ in roles}
    roles += [(role, label) for role, label in GENERIC_SIGNATURE if role not in printed]
    parts = []
    for role, label in roles:
        name = str(getattr(report, role, "") or "").strip() if report is not None else ""
        parts.append(f"{label}：{name or BLANK_NAME}")
    return "　　　　".join(parts)


def _foot(sheet: Sheet, form: Form, report, row: int) -> int:
    """Signature line and notes, in the order the form prints them; answers the row after."""
    row += 1  # one empty row under the table
    blocks = [("sign", signature_text(form, report))] + [("note", note) for note in form.notes]
    if not form.signature_first:
        blocks = blocks[1:] + blocks[:1]
    for kind, text in blocks:
        if kind == "sign":
            sheet.need(row, 30)
            sheet.line(row, text)
        else:
            sheet.line(row, text, size=BODY - 1)
        row += 1
    return row


# ------------------------------------------------------------------------------------------------- 调度表

DISPATCH_WIDTHS = (9, 4.5, 46, 12, 12, 4.5, 46, 12, 12)
PAIR = {"count": "amount", "whole": "of_which"}


def _items(template: Template):
    """[(section number, [(item number, [cells…]), …]), …] in print order; an item's cells share its number."""
    out = []
    for section in template.sections:
        items: dict[int, list] = {}
        for cell in section.cells:
            items.setdefault(int(cell.key.split(".")[1]), []).append(cell)
        out.append((section, sorted(items.items())))
    return out


def _unit_text(unit: str) -> str:
    return "" if unit == "是否" else f"（{unit}）"


def item_label(cells) -> str:
    """「行政处罚（次，万元）」, 「公布典型执法案例（个），其中危险作业罪案例（个）」, 「部门…隐患（个）」."""
    first = cells[0]
    if len(cells) == 1:
        return first.label + _unit_text(first.unit)
    second = cells[1]
    if second.key.endswith(".of_which"):
        return f"{first.label}{_unit_text(first.unit)}，{second.label}{_unit_text(second.unit)}"
    return f"{first.label}（{first.unit}，{second.unit}）"


def _formats(cells) -> list[str]:
    """Number formats carrying the units of a two-figure item: 「3次」「12.5万元」, 「2个」「其中1个」."""
    first, second = cells[0], cells[1]
    prefix = '"其中"' if second.key.endswith(".of_which") else ""
    return [f'General"{first.unit}"', f'{prefix}General"{second.unit}"']


def _dispatch(sheet: Sheet, template: Template, form: Form, result: dict, report, row: int) -> int:
    cells = result.get("cells", {})
    titles = form.sections or tuple(s.title for s in template.sections)
    for index, (section, items) in enumerate(_items(template)):
        rows = math.ceil(max(number for number, _ in items) / 2)
        title = titles[index] if index < len(titles) else section.title
        sheet.put(row, 1, title, to_row=row + rows - 1, bold=True, grow=False)
        for number, item in items:
            r = row + (number - 1) // 2
            col = 1 if number % 2 else 5  # 序号 at B or F
            sheet.put(r, col + 1, number)
            sheet.put(r, col + 2, item_label(item), horizontal="left")
            sheet.need(r, 24)
            if len(item) == 1:
                cell = item[0]
                sheet.value(r, col + 3, cell.key, cells.get(cell.key), report, unit=cell.unit, to_col=col + 4)
            else:
                for offset, (cell, fmt) in enumerate(zip(item[:2], _formats(item), strict=True)):
                    sheet.value(r, col + 3 + offset, cell.key, cells.get(cell.key), report, unit=cell.unit,
                                number_format=fmt)
        for r in range(row, row + rows):  # an odd last item leaves the right half of its row empty
            for c in range(2, sheet.ncols + 1):
                sheet.ws.cell(row=r, column=c).border = BORDER
        sheet.need(row, sheet.height(title, sheet.widths[0]) / rows)
        row += rows
    return row


# ------------------------------------------------------------------------------------------- 许昌 附件5 清单

LIST_COLUMNS = (  # (row key, printed head, width)
    ("seq", "序号", 6),
    ("enterprise_name", "企业名称", 22),
    ("principal_name", "企业主要负责人姓名", 12),
    ("content", "隐患主要内容", 34),
    ("assigned_on", "交办时间", 12),
    ("controls", "目前采取的管控措施（限期整改、查封、停产等）", 34),
    ("listing_document", "挂牌督办文件", 18),
    ("remark", "备注", 18),
)


def _list(sheet: Sheet, result: dict, row: int) -> tuple[int, int]:
    """The head row and one line per hazard; answers (next row, head row)."""
    for col, (_, head, _) in enumerate(LIST_COLUMNS, start=1):
        sheet.put(row, col, head, bold=True, fill=HEAD_FILL)
    header = row
    row += 1
    rows = result.get("rows") or []
    if not rows:
        sheet.put(row, 1, "")
        sheet.put(row, 2, "无", to_col=sheet.ncols)
        return row + 1, header
    for index, line in enumerate(rows):
        for col, (field, _, _) in enumerate(LIST_COLUMNS, start=1):
            value = line.get(field)
            if field == "assigned_on" and isinstance(value, str) and value:
                value = datetime.date.fromisoformat(value)
            horizontal = "center" if field in ("seq", "principal_name", "assigned_on") else "left"
            sheet.put(row, col, value, horizontal=horizontal, key=f"rows.{index}.{field}",
                      number_format="yyyy-mm-dd" if isinstance(value, datetime.date) else None)
        sheet.need(row, 22)
        row += 1
    return row, header


# ---------------------------------------------------------------------------------------- 红河 附件2 统计表

# The printed header (002:261-339), used when apps.reports.honghe is absent: (number, group, column, unit).
# Groups of one column (约谈警示, 联合惩戒, 行刑衔接) print their name once, merged down two header rows.
STATISTICS_COLUMNS = (
    (1, "排查重大风险", "排查重大风险", "项"), (2, "排查重大风险", "已落实“4个清单”管控措施", "项"),
    (3, "排查重大风险", "管控率", "%"),
    (4, "治理重大隐患", "发现重大隐患", "项"), (5, "治理重大隐患", "落实治理措施", "项"),
    (6, "治理重大隐患", "其中：挂牌督办治理", "项"), (7, "治理重大隐患", "已完成治理", "项"),
    (8, "治理重大隐患", "治理率", "%"),
    (9, "解决突出问题", "梳理突出问题", "项"), (10, "解决突出问题", "其中：落实治本措施", "项"),
    (11, "解决突出问题", "已整改", "项"), (12, "解决突出问题", "整改率", "%"),
    (13, "开展督导检查", "派出督导组", "个"), (14, "开展督导检查", "组织专家技术服务", "人"),
    (15, "开展督导检查", "检查服务企业单位", "家"),
    (16, "执法处罚", "行政处罚", "次"), (17, "执法处罚", "责令停产整顿企业", "家"),
    (18, "执法处罚", "暂扣吊销证照企业", "家"), (19, "执法处罚", "关闭取缔企业", "家"), (20, "执法处罚", "罚款", "万"),
    (21, "执法处罚", "移送司法机关", "人"),
    (22, "约谈警示", "约谈警示", "家"), (23, "联合惩戒", "联合惩戒", "家"), (24, "行刑衔接", "行刑衔接", "件"),
)
RATE_UNIT = "%"
STATISTICS_WIDTHS = (18,) + (6.6,) * 24


def _honghe_module():
    """apps.reports.honghe (ROWS, COLUMNS, TASKS), once it exists; the exporter reads the campaign first."""
    try:
        from . import honghe
    except ImportError:
        return None
    return honghe


def _field(item, *names, default=None):
    """A field of a dict, an object or a tuple (by position, when `names` are ints)."""
    for name in names:
        if isinstance(name, int):
            if isinstance(item, list | tuple) and len(item) > name:
                return item[name]
        elif isinstance(item, dict):
            if name in item:
                return item[name]
        elif hasattr(item, name):
            return getattr(item, name)
    return default


def statistics_rows(campaign, result: dict) -> list[tuple[str, str]]:
    """(row code, 行业领域 label) in print order: the form's rows (honghe.ROWS), else the campaign's sector rows,
    else the mapping shipped with the platform; rows the result holds that none names are added at the end."""
    module = _honghe_module()
    rows = [(_field(item, "code", 0), _field(item, "label", 1)) for item in getattr(module, "ROWS", ())]
    if not rows:
        sector_rows = sorted(getattr(campaign, "sector_rows", None) or [],
                             key=lambda r: _field(r, "order", default=0))
        rows = [(_field(item, "code", 0), _field(item, "label", 1)) for item in sector_rows]
    if not rows:
        from apps.regions.sector_maps import HONGHE_ROWS

        rows = [("cum", "累计总计"), ("month", "本月总计")] + [(code, label) for code, label, *_ in HONGHE_ROWS]
    known = {code for code, _ in rows}
    for key in result.get("cells", {}):
        code = key.rsplit(".", 1)[0]
        if code not in known:
            rows.append((code, code))
            known.add(code)
    return rows


def statistics_columns() -> list[tuple[int, str, str, str]]:
    """(number, group, column, unit) of the 24 columns: honghe.COLUMNS, else the printed header above."""
    module = _honghe_module()
    columns = [tuple(item[:4]) for item in getattr(module, "COLUMNS", ())]
    return columns or list(STATISTICS_COLUMNS)


def _statistics(sheet: Sheet, campaign, result: dict, report, row: int) -> int:
    top = row
    columns = statistics_columns()
    sheet.put(top, 1, "行业领域", to_row=top + 2, bold=True, fill=HEAD_FILL)
    groups: list[list[tuple]] = []
    for column in columns:  # consecutive columns of one group share its header cell
        if groups and groups[-1][0][1] == column[1]:
            groups[-1].append(column)
        else:
            groups.append([column])
    for group in groups:
        first, last = group[0][0] + 1, group[-1][0] + 1
        if len(group) == 1:
            sheet.put(top, first, group[0][1], to_row=top + 1, bold=True, fill=HEAD_FILL)
        else:
            sheet.put(top, first, group[0][1], to_col=last, bold=True, fill=HEAD_FILL)
            for number, _, label, _ in group:
                sheet.put(top + 1, number + 1, label, bold=True, fill=HEAD_FILL, size=BODY - 1)
    for number, _, _, unit in columns:
        sheet.put(top + 2, number + 1, f"（{unit}）", fill=HEAD_FILL, size=BODY - 1)
    sheet.need(top, 22)
    cells = result.get("cells", {})
    row = top + 3
    for code, label in statistics_rows(campaign, result):
        total = code in ("cum", "month")
        sheet.put(row, 1, label, bold=total, horizontal="center" if total else "left")
        for number, _, _, unit in columns:
            key = f"{code}.{number}"
            sheet.value(row, number + 1, key, cells.get(key), report,
                        number_format="0.0" if unit == RATE_UNIT else "General", size=BODY - 1)
        sheet.need(row, 20)
        row += 1
    return row


# ------------------------------------------------------------------------------------- 红河 附件3 推进明细表

TASK_WIDTHS = (16, 14, 64, 12, 14)
TASK_HEADS = ("工作阶段及完成时限", "层面区分", "重点工作", "完成情况（已完成/应完成）", "完成时限")


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _phase_of(campaign, number: int, code: str | None, name: str) -> dict | None:
    """The campaign's phase for a printed phase: by code, else by name, else the number-th."""
    phases = list(getattr(campaign, "phases", None) or [])
    for phase in phases:
        if code and _field(phase, "code") == code:
            return phase
    for phase in phases:
        if name and name in str(_field(phase, "name", default="")):
            return phase
    return phases[number - 1] if 0 < number <= len(phases) else None


def task_blocks(campaign) -> list[dict]:
    """[{"phase", "deadline", "level", "section", "items": [text, …]}] in print order. The tasks are the form's
    (honghe.TASKS, the keys `compute()` answers, with their full printed text); each phase's deadline is the end
    of the campaign's matching phase (its label then reads 「<name>（<end>前）」; without one, the printed label).
    Without apps.reports.honghe, the `tasks` blocks of `campaign.phases` (as the presets carry them)."""
    module = _honghe_module()
    blocks: list[dict] = []
    if module is not None and getattr(module, "TASKS", None):
        codes = getattr(module, "PHASE_CODES", {})
        names = {item[0]: item[2] for item in getattr(module, "PHASES", ())}
        for key, section, number, printed, level, text, *_ in module.TASKS:
            if not blocks or blocks[-1]["section"] != section:
                phase = _phase_of(campaign, number, codes.get(number), names.get(number, ""))
                deadline = _date(_field(phase, "end")) if phase else None
                label = f"{names.get(number) or _field(phase, 'name')}\n（{chinese_date(deadline)}前）" \
                    if deadline else printed
                blocks.append({"phase": label, "deadline": deadline, "level": level, "section": section,
                               "items": [], "keys": []})
            blocks[-1]["items"].append(text)
            blocks[-1]["keys"].append(key)
        return blocks
    for phase in getattr(campaign, "phases", None) or []:
        deadline = _date(_field(phase, "end"))
        label = f"{_field(phase, 'name', default='')}\n（{chinese_date(deadline)}前）" if deadline \
            else _field(phase, "name", default="")
        for block in _field(phase, "tasks", default=None) or []:
            section = int(_field(block, "section"))
            items = list(_field(block, "items", default=[]))
            blocks.append({"phase": label, "deadline": deadline, "level": _field(block, "level", default=""),
                           "section": section, "items": items,
                           "keys": [f"{section}.{i}" for i in range(1, len(items) + 1)]})
    return blocks


def progress_text(of_which, whole) -> str:
    """「<已完成>/<应完成>」, or 「/」 for a task that binds no one in this scope."""
    if whole is None:
        return NOT_APPLICABLE
    return f"{0 if of_which is None else of_which}/{whole}"


def _tasks(sheet: Sheet, campaign, result: dict, report, row: int) -> int:
    for col, head in enumerate(TASK_HEADS, start=1):
        sheet.put(row, col, head, bold=True, fill=HEAD_FILL)
    row += 1
    cells = result.get("cells", {})
    blocks = task_blocks(campaign)
    phase_start = row
    for index, block in enumerate(blocks):
        level_start = row
        for key, text in zip(block["keys"], block["items"], strict=True):
            whole, whole_note = shown(key, cells.get(key), report)
            part, part_note = shown(f"{key}.of_which", cells.get(f"{key}.of_which"), report)
            note = "\n".join(n for n in (whole_note and f"应完成数{whole_note}", part_note and
                                         f"已完成数{part_note}") if n) or None
            sheet.put(row, 3, text, horizontal="left")
            sheet.put(row, 4, progress_text(part, whole), key=key, comment=note,
                      fill=OVERRIDE_FILL if note else None)
            sheet.cell_map[f"{key}.of_which"] = sheet.cell_map[key]
            deadline = block["deadline"]
            sheet.put(row, 5, deadline, number_format="yyyy-mm-dd" if deadline else None)
            sheet.need(row, 22)
            row += 1
        sheet.put(level_start, 2, block["level"], to_row=row - 1, grow=False)
        sheet.need(level_start, sheet.height(block["level"], sheet.widths[1]) / (row - level_start))
        last_of_phase = index + 1 == len(blocks) or blocks[index + 1]["phase"] != block["phase"]
        if last_of_phase:
            label = block["phase"]
            sheet.put(phase_start, 1, label, to_row=row - 1, grow=False)
            sheet.need(phase_start, sheet.height(label, sheet.widths[0]) / (row - phase_start))
            phase_start = row
    return row


# ------------------------------------------------------------------------------------------------ the entry

def workbook_for(template: Template | str, campaign, filer_name: str, as_of: datetime.date, result: dict,
                 report=None) -> Workbook:
    """The official form of `template` for one filer, filled with `result` (what `compute()` answers) and,
    when a report is given, its corrections and the names of 填表人 / 审核人 / 主要负责人. The workbook's
    `cell_map` attribute says where each cell key was written."""
    code = template if isinstance(template, str) else template.code
    template = TEMPLATES.get(code, template if not isinstance(template, str) else None)
    form = form_for(template if template is not None else code)
    workbook = Workbook()
    header_rows = freeze = None
    one_page = False
    if code == "xuchang-list":
        sheet = Sheet(workbook, form, [width for *_, width in LIST_COLUMNS])
        row = _head(sheet, form, filer_name, as_of, report, split=4)
        row, header = _list(sheet, result, row)
        header_rows, freeze = (header, header), f"A{header + 1}"
    elif code == "honghe-statistics":
        sheet = Sheet(workbook, form, STATISTICS_WIDTHS)
        row = _head(sheet, form, filer_name, as_of, report, split=13)
        header_rows, freeze = (row, row + 2), f"B{row + 3}"
        row = _statistics(sheet, campaign, result, report, row)
    elif code == "honghe-tasks":
        sheet = Sheet(workbook, form, TASK_WIDTHS)
        row = _head(sheet, form, filer_name, as_of, report, split=2)
        header_rows, freeze = (row, row), f"A{row + 1}"
        row = _tasks(sheet, campaign, result, report, row)
    else:
        if template is None or not template.sections:
            raise KeyError(f"没有报表“{code}”的版式")
        sheet = Sheet(workbook, form, DISPATCH_WIDTHS)
        row = _head(sheet, form, filer_name, as_of, report, split=4)
        row = _dispatch(sheet, template, form, result, report, row)
        one_page = True  # a 调度表 is one printed page
    _foot(sheet, form, report, row)
    sheet.finish(header_rows=header_rows, freeze=freeze, one_page=one_page)
    workbook.properties.title = form.title
    workbook.properties.creator = "隐患排查治理平台"
    workbook.cell_map = sheet.cell_map
    return workbook
