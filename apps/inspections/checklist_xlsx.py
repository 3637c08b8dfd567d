"""A checklist as the .xlsx people print and sign, in the 福州 layout (seed 004, 附件1–3): blank
(`blank_workbook`) or filled from one inspection (`filled_workbook`).

The table as printed: 序号 | 检查类别 | 重点检查事项 | (检查内容) | 检查结果 是 / 否 / 不涉及
| 隐患描述 | (是否重大隐患 是 / 否) | 整改要求 | 整改时限. A 附件2-style list (`detailed`) has the
检查内容 and 是否重大隐患 columns; a 附件1/3-style list (`focus`) prints 重大隐患描述 (隐患描述 when
some of its items are not major). Cells of one 检查类别 (and, on a detailed list, one 重点检查事项)
that follow each other are merged, as printed. Under the table the lines of 附件2 — 检查项目, 项目经理,
总监, 检查人员, 检查时间 — on every list: blank to be filled by hand, or with the inspection's project,
the names of those who signed on the platform (and the inspectors who have not yet, marked so) and
the date.

A filled list marks the answer with 「√」, writes the 隐患描述, 整改要求 and 整改时限 of each "否", and in the
是否重大隐患 column the level of the hazard it registered. Print setup: A4 landscape, fit to width, the two header
rows repeated on every page, thin black borders, 宋体.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from django.utils.timezone import localtime
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from apps.core.xlsx import safe_value, text_width
from apps.hazards.models import Level

from .models import Answer, Checklist, ChecklistLayout, Inspection
from .onsite import CHIEF_SUPERVISOR, INSPECTOR, PROJECT_MANAGER

FONT = "宋体"
BODY = 10.5
TITLE_SIZE = 16
LINE_HEIGHT = 14.5  # points a line of 五号 text
TICK = "√"
BLANK = "＿＿＿＿＿＿＿＿"
BLACK = Side(style="thin", color="FF000000")
BORDER = Border(left=BLACK, right=BLACK, top=BLACK, bottom=BLACK)
HEAD_FILL = PatternFill("solid", fgColor="FFF2F2F2")
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
SIGNATURE_LINES = ("检查项目", PROJECT_MANAGER, CHIEF_SUPERVISOR, INSPECTOR, "检查时间")


@dataclass(frozen=True)
class Column:
    key: str
    head: str
    sub: str = ""  # the second header row (是 / 否 / 不涉及)
    width: float = 10


def columns(checklist: Checklist) -> list[Column]:
    detailed = checklist.layout == ChecklistLayout.DETAILED
    all_major = all(i.major for i in checklist.items.all())
    cols = [Column("number", "序号", width=6), Column("category", "检查类别", width=11),
            Column("focus", "重点检查事项", width=14 if detailed else 48)]
    if detailed:
        cols.append(Column("content", "检查内容", width=40))
    cols += [Column("yes", "检查结果", "是", 5), Column("no", "检查结果", "否", 5),
             Column("na", "检查结果", "不涉及", 7)]
    cols.append(Column("description", "重大隐患描述" if all_major and not detailed else "隐患描述", width=24))
    if detailed:
        cols += [Column("major_yes", "是否重大隐患", "是", 5), Column("major_no", "是否重大隐患", "否", 5)]
    cols += [Column("requirement", "整改要求", width=22), Column("deadline", "整改时限", width=12)]
    return cols


def attachment_label(checklist: Checklist) -> str:
    match = re.search(r"附件\s*(\d+)", checklist.source or "")
    return f"附件{match.group(1)}" if match else ""


def _cell(ws, row: int, col: int, value, *, font=None, alignment=WRAP, border=BORDER, fill=None):
    cell = ws.cell(row=row, column=col, value=safe_value(value))
    cell.font = font or Font(name=FONT, size=BODY)
    if alignment is not None:
        cell.alignment = alignment
    if border is not None:
        cell.border = border
    if fill is not None:
        cell.fill = fill
    return cell


def _header(ws, row: int, cols: list[Column]) -> None:
    bold = Font(name=FONT, size=BODY, bold=True)
    i = 0
    while i < len(cols):
        col = cols[i]
        span = 1
        while i + span < len(cols) and cols[i + span].head == col.head and col.sub:
            span += 1
        first, last = i + 1, i + span
        _cell(ws, row, first, col.head, font=bold, alignment=CENTER, fill=HEAD_FILL)
        for c in range(first, last + 1):
            _cell(ws, row, c, ws.cell(row=row, column=c).value, font=bold, alignment=CENTER, fill=HEAD_FILL)
            sub = cols[c - 1].sub
            _cell(ws, row + 1, c, sub or None, font=bold, alignment=CENTER, fill=HEAD_FILL)
        if span > 1:
            ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
        else:
            ws.merge_cells(start_row=row, start_column=first, end_row=row + 1, end_column=first)
        i += span


def _merge_runs(ws, col: int, first_row: int, values: list[str]) -> None:
    """Merge the cells of a column where the same value follows itself (the printed form's merged 检查类别)."""
    start = 0
    for i in range(1, len(values) + 1):
        if i == len(values) or values[i] != values[start] or not values[start]:
            if i - start > 1 and values[start]:
                ws.merge_cells(start_row=first_row + start, start_column=col, end_row=first_row + i - 1,
                               end_column=col)
            start = i


def _height(values: dict, cols: list[Column]) -> float:
    """Row height (points) for the wrapped text: spreadsheets do not grow a row for it on their own. A column
    holds about `width - 1` units a line, a Chinese character takes two."""
    lines = 1
    for col in cols:
        text = str(values.get(col.key) or "")
        lines = max(lines, math.ceil(text_width(text) / max((col.width - 2) * 0.9, 1)))
    return max(LINE_HEIGHT * lines + 4, 20)


def _answer_values(answer, hazard) -> dict:
    values = {"yes": TICK if answer.answer == Answer.YES else "",
              "no": TICK if answer.answer == Answer.NO else "",
              "na": TICK if answer.answer == Answer.NOT_APPLICABLE else ""}
    if answer.answer == Answer.NO:
        values["description"] = answer.description
        values["requirement"] = answer.requirement
        values["deadline"] = answer.deadline.isoformat() if answer.deadline else ""
        if hazard is not None:
            major = hazard.level == Level.MAJOR
            values["major_yes"], values["major_no"] = (TICK, "") if major else ("", TICK)
    return values


def _signature_values(inspection: Inspection | None) -> dict[str, str]:
    if inspection is None:
        return dict.fromkeys(SIGNATURE_LINES, BLANK)
    signatures = list(inspection.signatures.select_related("user").order_by("signed_at", "id"))

    def names(role: str) -> list[str]:
        return [f"{s.name}（{localtime(s.signed_at):%Y-%m-%d %H:%M}签名）" for s in signatures if s.role == role]

    inspectors = names(INSPECTOR)
    signed_ids = {s.user_id for s in signatures}
    inspectors += [f"{u.display_name}（未签名）" for u in inspection.inspectors.all() if u.pk not in signed_ids]
    project = inspection.project or inspection.enterprise.name
    return {
        "检查项目": project,
        PROJECT_MANAGER: "、".join(names(PROJECT_MANAGER)) or BLANK,
        CHIEF_SUPERVISOR: "、".join(names(CHIEF_SUPERVISOR)) or BLANK,
        INSPECTOR: "、".join(inspectors) or BLANK,
        "检查时间": f"{inspection.inspected_on:%Y年%m月%d日}",
    }


def _build(checklist: Checklist, inspection: Inspection | None) -> Workbook:
    items = list(checklist.items.order_by("number"))
    cols = columns(checklist)
    width = len(cols)
    wb = Workbook()
    ws = wb.active
    ws.title = checklist.name[:31]
    row = 1
    label = attachment_label(checklist)
    if label:
        _cell(ws, row, 1, label, font=Font(name=FONT, size=12, bold=True), border=None,
              alignment=Alignment(vertical="center"))
        row += 1
    _cell(ws, row, 1, checklist.name, font=Font(name=FONT, size=TITLE_SIZE, bold=True), border=None,
          alignment=Alignment(horizontal="center", vertical="center"))
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    ws.row_dimensions[row].height = 30
    row += 1
    if not label:  # a national standard or a department's list: say where it comes from (a 福州 附件 says it itself)
        _cell(ws, row, 1, f"依据：{checklist.source}（第{checklist.version}版）", border=None,
              alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        row += 1
    if inspection is not None:
        organ = inspection.department.name if inspection.department else "企业自查"
        if inspection.group is not None:
            organ = f"{inspection.group.name}（{organ}）"
        mode = f"（{inspection.get_mode_display()}）" if inspection.mode else ""
        info = (f"被检查单位：{inspection.enterprise.name}　　检查类别：{inspection.get_kind_display()}{mode}"
                f"　　检查单位：{organ}　　清单：第{checklist.version}版")
        _cell(ws, row, 1, info, border=None, alignment=Alignment(vertical="center", wrap_text=True))
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        ws.row_dimensions[row].height = 22
        row += 1
    header_row = row
    _header(ws, header_row, cols)
    row += 2
    first_item_row = row
    answers = {}
    if inspection is not None:
        answers = {a.item_id: a for a in inspection.answers.select_related("hazard")}
    for item in items:
        values = {"number": item.number, "category": item.category, "focus": item.focus, "content": item.content}
        answer = answers.get(item.pk)
        if answer is not None:
            values |= _answer_values(answer, answer.hazard)
        for c, col in enumerate(cols, start=1):
            centred = col.key in ("number", "yes", "no", "na", "major_yes", "major_no", "deadline", "category")
            _cell(ws, row, c, values.get(col.key, ""), alignment=CENTER if centred else WRAP)
        ws.row_dimensions[row].height = _height(values, cols)
        row += 1
    keys = [c.key for c in cols]
    _merge_runs(ws, keys.index("category") + 1, first_item_row, [i.category for i in items])
    if checklist.layout == ChecklistLayout.DETAILED:
        _merge_runs(ws, keys.index("focus") + 1, first_item_row,
                    [f"{i.category}\x00{i.focus}" for i in items])
    row += 1
    signature = _signature_values(inspection)
    for line in SIGNATURE_LINES:
        _cell(ws, row, 1, f"{line}：{signature[line]}", border=None,
              alignment=Alignment(vertical="center", wrap_text=True))
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        ws.row_dimensions[row].height = 22
        row += 1

    for c, col in enumerate(cols, start=1):
        ws.column_dimensions[get_column_letter(c)].width = col.width
    ws.print_title_rows = f"{header_row}:{header_row + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.freeze_panes = ws.cell(row=header_row + 2, column=1)
    wb.layout = {"header_row": header_row, "first_item_row": first_item_row, "columns": keys,
                 "signature_row": row - len(SIGNATURE_LINES)}
    return wb


def blank_workbook(checklist: Checklist) -> Workbook:
    return _build(checklist, None)


def filled_workbook(inspection: Inspection) -> Workbook:
    return _build(inspection.checklist, inspection)


def filename(checklist: Checklist, inspection: Inspection | None = None) -> str:
    if inspection is None:
        return f"{checklist.name}（第{checklist.version}版，空白）.xlsx"
    return f"{checklist.name}_{inspection.enterprise.name}_{inspection.inspected_on.isoformat()}.xlsx"
