"""许昌 附件6 「重大事故隐患台账」 for one hazard, as .docx (python-docx): the form's table as the paper lays it
out — four columns, 隐患概况 and 隐患的治理方案 merged down their rows, and the four signature blocks at the
foot — filled from the record: enterprise, hazard, plan, acceptance and the sign-offs of each level.

Decisions: for an enterprise under a city department directly (市直部门直管, `city_direct`) the two county
signature rows stay on the form (it keeps its printed shape) and read 「市直部门直管，不适用」, per the 附件6
note; 填报单位 is the enterprise (for a hazard without one, its responsible department) and 填报日期 the day
the file is made; every run carries 宋体 for East Asian text (w:eastAsia) and Times New Roman for Latin."""
from __future__ import annotations

import datetime
import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from apps.campaigns.models import SignOffLevel

from .models import Hazard, Level, today

TITLE = "重大事故隐患台账"
CJK_FONT = "宋体"
LATIN_FONT = "Times New Roman"
TITLE_SIZE = Pt(18)  # 小二
BODY_SIZE = Pt(12)  # 小四
TABLE_SIZE = Pt(10.5)  # 五号
WIDTHS = (Mm(30), Mm(52), Mm(30), Mm(58))  # 170 mm: A4 less 20 mm margins each side
NOT_APPLICABLE = "市直部门直管，不适用"
BLANK_DATE = "　　年　　月　　日"
OPINION_ROWS = (
    (SignOffLevel.COUNTY_DEPARTMENT, "县市区行业主管部门意见"),
    (SignOffLevel.COUNTY_GOVERNMENT, "县市区政府意见"),
    (SignOffLevel.CITY_DEPARTMENT, "省辖市主管部门意见"),
)
COUNTY_ROWS = {SignOffLevel.COUNTY_DEPARTMENT, SignOffLevel.COUNTY_GOVERNMENT}

C = WD_ALIGN_PARAGRAPH.CENTER
L = WD_ALIGN_PARAGRAPH.LEFT
R = WD_ALIGN_PARAGRAPH.RIGHT


def chinese_date(day: datetime.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else BLANK_DATE


def _font(run, size=TABLE_SIZE, bold: bool = False) -> None:
    run.font.name = LATIN_FONT
    run.font.size = size
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), CJK_FONT)


def _fill(cell, paragraphs, *, align=L, valign=WD_CELL_VERTICAL_ALIGNMENT.CENTER, bold: bool = False) -> None:
    """Replace the cell's content with `paragraphs`: strings, or (text, alignment) pairs."""
    for extra in cell.paragraphs[1:]:
        extra._element.getparent().remove(extra._element)
    first = cell.paragraphs[0]
    first.clear()
    for i, item in enumerate(paragraphs or [""]):
        text, where = (item, align) if isinstance(item, str) else item
        paragraph = first if i == 0 else cell.add_paragraph()
        paragraph.alignment = where
        paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(2)
        _font(paragraph.add_run(text), bold=bold)
    cell.vertical_alignment = valign


def _label(cell, text: str) -> None:
    _fill(cell, [text], align=C)


def _lines(*parts: str) -> list[str]:
    """Non-empty text, each line break its own paragraph."""
    return [line for part in parts if part for line in str(part).splitlines() if line.strip()]


def _money(funds) -> str:
    if funds is None:
        return ""
    text = format(funds.normalize(), "f") if funds == funds.to_integral() else format(funds, "f").rstrip("0")
    return f"{text} 万元"


def hazard_docx(hazard: Hazard) -> bytes:
    """附件6 for `hazard` (its enterprise, sector, department, plan, acceptance and sign-offs are read here)."""
    enterprise = hazard.enterprise
    plan = getattr(hazard, "plan", None)  # a missing one-to-one raises an AttributeError subclass
    acceptance = getattr(hazard, "acceptance", None)
    sign_offs = list(acceptance.sign_offs.all()) if acceptance else []
    city_direct = bool(enterprise and enterprise.city_direct)

    document = Document()
    _page(document)
    title = document.add_paragraph()
    title.alignment = C
    title.paragraph_format.space_after = Pt(12)
    _font(title.add_run(TITLE), size=TITLE_SIZE, bold=True)

    filler = enterprise.name if enterprise else hazard.department.name
    line = document.add_paragraph()
    line.paragraph_format.tab_stops.add_tab_stop(sum(WIDTHS, Mm(0)), WD_TAB_ALIGNMENT.RIGHT)
    line.paragraph_format.space_after = Pt(6)
    _font(line.add_run(f"填报单位（盖章）：{filler}\t填报日期：{chinese_date(today())}"), size=BODY_SIZE)

    rows = 17
    table = document.add_table(rows=rows, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, WIDTHS, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, WIDTHS, strict=True):
            cell.width = width
    cell = table.cell

    pairs = [
        ("企业名称", enterprise.name if enterprise else f"（无企业）{hazard.region.name}", "联系地址",
         enterprise.address if enterprise else hazard.location),
        ("法定代表人", enterprise.legal_representative if enterprise else "", "联系电话",
         enterprise.principal_phone if enterprise else ""),
        ("所属行业", hazard.sector.name, "主管部门", hazard.department.name),
        ("隐患名称", hazard.title, "隐患等级", Level(hazard.level).label),
        ("隐患类型", hazard.kind, "隐患性质", hazard.nature),
    ]
    for r, (label1, value1, label2, value2) in enumerate(pairs):
        _label(cell(r, 0), label1)
        _fill(cell(r, 1), _lines(value1))
        _label(cell(r, 2), label2)
        _fill(cell(r, 3), _lines(value2))
        table.rows[r].height = Mm(9)

    def block(first: int, label: str, items) -> None:
        """A label merged down its rows, each row a sub-label and a value over the last two columns."""
        _label(cell(first, 0).merge(cell(first + len(items) - 1, 0)), label)
        for i, (sub, value) in enumerate(items):
            r = first + i
            _label(cell(r, 1), sub)
            _fill(cell(r, 2).merge(cell(r, 3)), _lines(value))
            table.rows[r].height = Mm(11)

    block(5, "隐患概况", [
        ("隐患现状及产生原因", hazard.description),
        ("隐患危害程度\n整改难易程度分析", hazard.harm_analysis),
    ])
    requirements = ""
    if plan:
        requirements = "\n".join(_lines(f"{chinese_date(plan.deadline)}前完成整改。", plan.requirements))
    block(7, "隐患的治理方案", [
        ("治理目标\n主要任务", plan.goal if plan else ""),
        ("治理方法\n治理措施", plan.measures if plan else ""),
        ("经费物资保障", _money(plan.funds) if plan else ""),
        ("负责治理的机构和人员", plan.owner if plan else ""),
        ("治理时限\n和要求", requirements),
        ("安全措施\n应急预案", "\n".join(_lines(plan.contingency, plan.interim_controls and
                                             f"管控措施：{plan.interim_controls}")) if plan else ""),
    ])

    # 验收组成员签字: the members of the acceptance (and any acceptance-group signer not among them), the
    # conclusion, the date.
    r = 13
    _label(cell(r, 0), "验收组成员签字")
    members = list(acceptance.members) if acceptance else []
    members += [s.name for s in sign_offs if s.level == SignOffLevel.ACCEPTANCE_GROUP and s.name not in members]
    content = []
    if members:
        content.append("、".join(members))
    if acceptance and acceptance.conclusion:
        content.append(f"验收结论：{acceptance.conclusion}")
    content.append((chinese_date(acceptance.accepted_on if acceptance else None), R))
    _fill(cell(r, 1).merge(cell(r, 3)), content, valign=WD_CELL_VERTICAL_ALIGNMENT.BOTTOM)
    table.rows[r].height = Mm(20)

    for i, (level, label) in enumerate(OPINION_ROWS, start=14):
        _label(cell(i, 0), label)
        if city_direct and level in COUNTY_ROWS:
            _fill(cell(i, 1).merge(cell(i, 3)), [NOT_APPLICABLE], align=C)
            table.rows[i].height = Mm(12)
            continue
        opinion, stamp = cell(i, 1).merge(cell(i, 2)), cell(i, 3)
        table.rows[i].height = Mm(22)
        signed = [s for s in sign_offs if s.level == level]
        names = "、".join(s.name for s in signed)
        _fill(opinion, [*_lines(*(s.opinion for s in signed)), f"主要负责人签字：{names}"],
              valign=WD_CELL_VERTICAL_ALIGNMENT.BOTTOM)
        _fill(stamp, [("（盖章）", C), (chinese_date(max((s.signed_on for s in signed), default=None)), R)],
              valign=WD_CELL_VERTICAL_ALIGNMENT.BOTTOM)
    for row in table.rows:
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a row never breaks across pages

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _page(document) -> None:
    """A4 portrait, 宋体 as the default East Asian font."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(20), Mm(18)
    normal = document.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = TABLE_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), CJK_FONT)


def docx_filename(hazard: Hazard) -> str:
    """「重大事故隐患台账-<隐患名称>.docx」, without the characters a file name may not hold."""
    name = "".join(ch for ch in hazard.title if ch not in '\\/:*?"<>|\r\n\t').strip()[:80] or str(hazard.pk)
    return f"{TITLE}-{name}.docx"
