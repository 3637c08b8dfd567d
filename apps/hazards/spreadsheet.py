"""The hazard ledger as .xlsx: export of a (filtered) ledger, the import template, and the import of a ledger
another unit kept in Excel (past-dated records).

Export and import share their headers: every column the import reads is in the export under the same header
(the export's 统一社会信用代码 is an accepted spelling of 企业统一社会信用代码), and the export's other columns
(序号, 企业名称, 所在区划, 状态, 销号日期, 挂牌督办文件, 逾期) are ignored by the import, so an exported file
re-imports unchanged. The plan's elements are one column each, not one cell, for the same reason.

The import follows the enterprise import (apps/enterprises/spreadsheet.py) and reuses its pieces: columns
found by header; every row checked before anything is written, against the rules `services.hazard_report`
and `services.hazard_plan` apply (their rule functions are called, not re-stated, where they exist); any
wrong row and nothing is written, and the workbook comes back annotated; lookups in bulk, never per row;
writes in one transaction by `bulk_create` in batches, with each hazard's events (“report”, and “plan” for a
planned one) and ONE audit entry per batch (`record_bulk`, NOTES.md "Audit chain")."""
from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from apps.audit.services import record_bulk
from apps.core import xlsx
from apps.core.xlsx import RowError
from apps.enterprises.models import Enterprise, EnterpriseDepartment
from apps.enterprises.spreadsheet import EXAMPLE_USCC, LOOKUP_CHUNK, _Departments, _Sectors
from apps.regions.models import Department, Region

from . import services
from .models import Hazard, HazardEvent, Level, Listing, RectificationPlan, Source, Status, today
from .signals import hazards_imported

SHEET_TITLE = "隐患台账"
GUIDE_TITLE = "填写说明"
BATCH_SIZE = 1000
PROGRESS_EVERY = 500
IMPORT_NOTE = "由台账导入"

# ------------------------------------------------------------------------------------------------- columns

# The import's columns: key, header, other accepted spellings of the header.
COLUMNS: list[tuple[str, str, tuple[str, ...]]] = [
    ("uscc", "企业统一社会信用代码", ("统一社会信用代码",)),
    ("region", "所在区划代码", ()),
    ("title", "隐患名称", ()),
    ("level", "隐患等级", ()),
    ("source", "隐患来源", ()),
    ("found_on", "发现日期", ()),
    ("found_by_department", "发现部门", ()),
    ("department", "负责部门", ()),
    ("sector", "行业领域", ()),
    ("kind", "隐患类型", ()),
    ("nature", "隐患性质", ()),
    ("location", "隐患部位", ()),
    ("description", "隐患现状及产生原因", ()),
    ("harm_analysis", "危害程度和整改难易程度分析", ("隐患危害程度和整改难易程度分析",)),
    ("deadline", "整改期限", ()),
    ("owner", "责任人", ()),
    ("measures", "治理措施", ()),
    ("funds", "资金（万元）", ()),
    ("plan_deadline", "治理时限", ()),
    ("contingency", "应急预案", ()),
    ("interim_controls", "管控措施", ()),
    ("planned_on", "方案制定日期", ()),
]
HEADER = {key: header for key, header, _ in COLUMNS}
REQUIRED = ("title", "level", "source", "found_on")
PLAN_KEYS = ("owner", "measures", "funds", "plan_deadline", "contingency", "interim_controls", "planned_on")
TEXT_KEYS = ("title", "kind", "nature", "location", "description", "harm_analysis")
DATE_KEYS = ("found_on", "deadline", "plan_deadline", "planned_on")
# Model field → import column, for the messages of the model's own field checks.
HAZARD_FIELD_COLUMN = {"title": "title", "level": "level", "kind": "kind", "nature": "nature",
                       "location": "location", "description": "description", "harm_analysis": "harm_analysis",
                       "source": "source", "found_on": "found_on", "deadline": "deadline"}
PLAN_FIELD_COLUMN = {"owner": "owner", "measures": "measures", "funds": "funds", "deadline": "plan_deadline",
                     "contingency": "contingency", "interim_controls": "interim_controls",
                     "planned_on": "planned_on"}

LEVEL_SHORT = {Level.MAJOR: "重大", Level.GENERAL: "一般"}
LEVELS = {"重大": Level.MAJOR, "一般": Level.GENERAL}
LEVELS.update({label: value for value, label in Level.choices})
LEVELS.update({value: value for value in Level.values})
SOURCES = {label: value for value, label in Source.choices}
SOURCES.update({value: value for value in Source.values})

# The export: (header, width); the import's headers where a column re-imports.
EXPORT_COLUMNS: list[tuple[str, int]] = [
    ("序号", 6), ("企业名称", 30), ("统一社会信用代码", 22), ("所在区划", 12), ("所在区划代码", 14),
    ("隐患名称", 30), ("隐患等级", 9), ("隐患类型", 12), ("隐患性质", 12), ("行业领域", 28), ("隐患来源", 10),
    ("发现日期", 12), ("发现部门", 22), ("负责部门", 22), ("隐患部位", 18), ("隐患现状及产生原因", 40),
    ("危害程度和整改难易程度分析", 30), ("整改期限", 12), ("责任人", 14), ("治理措施", 40), ("资金（万元）", 12),
    ("治理时限", 12), ("应急预案", 30), ("管控措施", 20), ("方案制定日期", 12), ("状态", 9), ("销号日期", 12),
    ("挂牌督办文件", 24), ("逾期", 6),
]
EXPORT_TEXT = ("统一社会信用代码", "所在区划代码")
EXPORT_DATES = ("发现日期", "整改期限", "治理时限", "方案制定日期", "销号日期")
DATE_FORMAT = "yyyy-mm-dd"
YES, NO = "是", "否"


def _key(header: str) -> str:
    """A header as compared: the enterprise import's cleaning, then full-width brackets folded."""
    return unicodedata.normalize("NFKC", xlsx.header_key(header))


HEADER_KEYS = {_key(h): key for key, header, aliases in COLUMNS for h in (header, *aliases)}


@dataclass
class ImportResult:
    created: int = 0
    planned: int = 0  # of the created, those imported with their plan (status 整改中)
    errors: list[RowError] = field(default_factory=list)
    annotated: bytes | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


# ---------------------------------------------------------------------------------------------------- export

def export_hazards(queryset) -> bytes:
    """The hazards of `queryset` (already scoped and filtered by the caller, in its order), one row each, in
    the layout above. Streams in chunks of BATCH_SIZE (three queries a chunk)."""
    sectors = _Sectors()
    departments = _Departments()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=SHEET_TITLE)
    headers = [h for h, _ in EXPORT_COLUMNS]
    xlsx.set_column_widths(sheet, [w for _, w in EXPORT_COLUMNS])
    for i, header in enumerate(headers, start=1):
        if header in EXPORT_TEXT:
            sheet.column_dimensions[get_column_letter(i)].number_format = "@"
    sheet.freeze_panes = "A2"
    sheet.page_setup.orientation = "landscape"
    sheet.print_title_rows = "1:1"  # the header on every printed page
    sheet.append(xlsx.header_row(sheet, headers))
    names = ["pk", "enterprise__name", "enterprise__uscc", "region__name", "region_id", "title", "level", "kind",
             "nature", "sector_id", "source", "found_on", "found_by_department_id", "found_by_department__name",
             "found_by_department__region_id", "department_id", "department__name", "department__region_id",
             "location", "description", "harm_analysis", "deadline", "status", "closed_on"]
    rows = queryset.values_list(*names)
    status_labels = dict(Status.choices)
    source_labels = dict(Source.choices)
    number = 0
    now = today()
    for chunk in xlsx.chunks(rows.iterator(chunk_size=BATCH_SIZE), BATCH_SIZE):
        ids = [r[0] for r in chunk]
        plans = {p["hazard_id"]: p for p in RectificationPlan.objects.filter(hazard_id__in=ids).values()}
        listings: dict[int, list[str]] = {}
        for hazard_id, document_no, delisted_on in (Listing.objects.filter(hazard_id__in=ids)
                                                     .order_by("listed_on", "id")
                                                     .values_list("hazard_id", "document_no", "delisted_on")):
            listings.setdefault(hazard_id, []).append(f"{document_no}（已摘牌）" if delisted_on else document_no)
        departments.load(r[13] for r in chunk if r[13])
        departments.load(r[16] for r in chunk)
        for r in chunk:
            v = dict(zip(names, r, strict=True))
            number += 1
            plan = plans.get(v["pk"], {})
            finder = (departments.label(v["found_by_department_id"], v["found_by_department__name"],
                                        v["found_by_department__region_id"], v["region_id"])
                      if v["found_by_department_id"] else "")
            overdue = v["status"] != Status.CLOSED and v["deadline"] is not None and v["deadline"] < now
            values = [
                number, v["enterprise__name"], v["enterprise__uscc"], v["region__name"], v["region_id"], v["title"],
                LEVEL_SHORT.get(v["level"], v["level"]), v["kind"], v["nature"], sectors.label(v["sector_id"]),
                source_labels.get(v["source"], v["source"]), v["found_on"], finder,
                departments.label(v["department_id"], v["department__name"], v["department__region_id"],
                                  v["region_id"]),
                v["location"], v["description"], v["harm_analysis"], v["deadline"], plan.get("owner"),
                plan.get("measures"), plan.get("funds"), plan.get("deadline"), plan.get("contingency"),
                plan.get("interim_controls"), plan.get("planned_on"), status_labels.get(v["status"], v["status"]),
                v["closed_on"], "、".join(listings.get(v["pk"], ())), YES if overdue else NO,
            ]
            sheet.append([_out(sheet, header, value) for header, value in zip(headers, values, strict=True)])
    return xlsx.workbook_bytes(workbook)


def _out(sheet, header: str, value):
    if value is None or value == "":
        return None
    if header in EXPORT_DATES:
        return xlsx.write_cell(sheet, value, number_format=DATE_FORMAT)
    if isinstance(value, Decimal):  # 万元 with at most 4 decimals: exact enough as a number cell
        return int(value) if value == value.to_integral() else float(value)
    if isinstance(value, str):
        return xlsx.write_cell(sheet, value)  # formula-looking text stays text
    return value


# -------------------------------------------------------------------------------------------------- template

def _column_help() -> list[tuple[str, str, str, str]]:
    sources = "、".join(Source.labels)
    helps = {
        "uscc": ("是*", "隐患所在企业的18位统一社会信用代码，企业须已在平台登记且在您的管辖范围内；"
                 "没有企业的隐患（道路、河岸等）不填，改填“所在区划代码”", EXAMPLE_USCC),
        "region": ("是*", "仅没有企业的隐患填写：隐患所在区划的行政区划代码；有企业的隐患按企业所在区划，本列不填",
                   "411002"),
        "title": ("是", "不超过200字", "储罐区可燃气体报警器失效"),
        "level": ("是", "填“重大”或“一般”", "重大"),
        "source": ("是", f"填 {sources} 之一；您能登记的来源与在平台上登记隐患时相同"
                   "（企业人员：企业自查；部门：部门检查、专家检查、回头看；检查组：督导检查；安委办：上级交办、举报）",
                   "企业自查"),
        "found_on": ("是", "年-月-日，不能晚于今天", "2026-05-20"),
        "found_by_department": ("否", "发现隐患的部门全称（企业自查不填；部门检查不填时为您所在部门）；"
                                "同名部门优先取隐患所在区划及其上级区划的，仍无法确定时写成“部门名称（区划代码）”",
                                "魏都区应急管理局"),
        "department": ("否", "负责（接报）部门全称；企业自查必填，且须为企业的主管部门之一；其他来源不填时为发现部门",
                       "魏都区应急管理局"),
        "sector": ("否", "行业领域代码或名称；不填时取企业由负责部门监管的第一个行业领域，否则取企业的第一个行业领域"
                   "（没有企业的隐患必填）", "危险化学品"),
        "kind": ("否", "如：设备设施、作业行为、安全管理", "设备设施"),
        "nature": ("否", "", ""),
        "location": ("否", "", "储罐区"),
        "description": ("否", "", ""),
        "harm_analysis": ("否", "", ""),
        "deadline": ("否", "年-月-日；有治理方案的以“治理时限”为准", "2026-06-30"),
        "owner": ("方案", "负责治理的机构和人员", "张三"),
        "measures": ("方案", "治理方法和措施", "更换报警器并接入DCS"),
        "funds": ("方案", "经费（万元），数字，不能为负", "3.5"),
        "plan_deadline": ("方案", "年-月-日，不能早于方案制定日期", "2026-06-30"),
        "contingency": ("方案", "安全措施和应急预案", "停用储罐，配备便携式检测仪"),
        "interim_controls": ("否", "治理期间的管控措施（限期整改、查封、停产等）", "限期整改"),
        "planned_on": ("否", "年-月-日，不早于发现日期、不晚于今天；不填按今天", "2026-05-22"),
    }
    return [(HEADER[key], *helps[key]) for key, _, _ in COLUMNS]


REQUIRED_LABELS = {"是": "必填", "否": "选填", "是*": "二选一", "方案": "填写治理方案时必填"}


def hazard_template() -> bytes:
    """The import sheet (header only, each header with a comment) and a sheet 填写说明 with every column, the
    level and source values and the sector codes."""
    helps = _column_help()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    headers = [h for _, h, _ in COLUMNS]
    comments = {h: f"{REQUIRED_LABELS[req]}：{text}" + (f"\n示例：{example}" if example else "")
                for h, req, text, example in helps}
    xlsx.style_header(sheet, headers, comments=comments, required=[HEADER[k] for k in REQUIRED])
    for i, (key, header, _) in enumerate(COLUMNS, start=1):
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = 40 if key in ("description", "measures", "harm_analysis") else max(
            12, xlsx.text_width(header) + 3)
        if key in ("uscc", "region"):
            sheet.column_dimensions[letter].number_format = "@"
        if key in DATE_KEYS:
            sheet.column_dimensions[letter].number_format = DATE_FORMAT
    position = {key: get_column_letter(i) for i, (key, _, _) in enumerate(COLUMNS, start=1)}
    for key, choices, error in (("level", "重大,一般", "请填写“重大”或“一般”"),
                                ("source", ",".join(Source.labels), "请从列表中选择隐患来源")):
        validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True, errorTitle="请选择",
                                    error=error)
        validation.add(f"{position[key]}2:{position[key]}200000")
        sheet.add_data_validation(validation)

    guide = xlsx.GuideSheet(workbook, GUIDE_TITLE, (26, 10, 80, 30))
    notes = [
        f"1. 在“{SHEET_TITLE}”工作表第2行起每行填写一条隐患，不要修改第1行表头"
        "（列的顺序可以调整，不用的选填列可以删除）。",
        "2. “企业统一社会信用代码”和“所在区划代码”至少填一个：有企业的隐患填企业代码，没有企业的隐患填区划代码。",
        "3. 治理方案（责任人、治理措施、资金、治理时限、应急预案五要素）填写完整的，导入后状态为“整改中”；"
        "方案各列都不填的，状态为“待整改”；只填一部分的不能导入。",
        "4. 导入前系统逐行检查全部数据（与在平台上逐条登记隐患、制定治理方案的规则相同），任一行有误则整批不导入，"
        "并返回标注了错误单元格（红色并附批注）和“错误说明”列的文件，改正后可直接重新上传。",
        "5. 导入总是新增隐患，不会更新已有的隐患；从平台导出的台账可以直接导入（状态、销号等列不导入）。",
        f"6. 单个文件不超过 {settings.IMPORT_MAX_BYTES / 1024 / 1024:.0f} MB。",
    ]
    guide.notes("隐患台账导入说明", notes)
    guide.table(["列名", "是否必填", "填写要求", "示例"],
                [[header, REQUIRED_LABELS[required], text, example] for header, required, text, example in helps],
                wrapped=True)
    guide.table(["隐患等级", "对应代码"], [[LEVEL_SHORT[value], value] for value in Level.values])
    guide.table(["隐患来源", "对应代码"], [[label, value] for value, label in Source.choices])
    guide.table(["行业领域代码", "名称", "上级领域"], _Sectors().guide_rows())
    return xlsx.workbook_bytes(workbook)


# ---------------------------------------------------------------------------------------------------- import

class _Row:
    """One data row: what it says (`raw` text, parsed values) and, once resolved, the ids it points at."""

    __slots__ = ("row", "text", "level", "source", "dates", "funds", "has_plan", "enterprise_id", "region_id",
                 "sector_id", "finder_id", "department_id")

    def __init__(self, row: int):
        self.row = row
        self.text: dict[str, str] = {}
        self.level = self.source = ""
        self.dates: dict[str, datetime.date | None] = {}
        self.funds: Decimal | None = None
        self.has_plan = False
        self.enterprise_id: int | None = None
        self.region_id = self.sector_id = ""
        self.finder_id: int | None = None
        self.department_id: int | None = None

    def hazard_values(self) -> dict:
        deadline = self.dates["plan_deadline"] if self.has_plan else self.dates["deadline"]
        return {"enterprise_id": self.enterprise_id, "region_id": self.region_id, "sector_id": self.sector_id,
                "found_by_department_id": self.finder_id, "department_id": self.department_id,
                "level": self.level, "source": self.source, "found_on": self.dates["found_on"],
                "deadline": deadline, "planned_on": self.planned_on if self.has_plan else None,
                "status": Status.RECTIFYING if self.has_plan else Status.REPORTED,
                **{k: self.text[k] for k in TEXT_KEYS}}

    @property
    def planned_on(self) -> datetime.date:
        return self.dates["planned_on"] or today()

    def plan_values(self) -> dict:
        return {"owner": self.text["owner"], "measures": self.text["measures"], "funds": self.funds,
                "deadline": self.dates["plan_deadline"], "contingency": self.text["contingency"],
                "interim_controls": self.text["interim_controls"], "planned_on": self.planned_on}

    def as_dict(self) -> dict:
        data = self.hazard_values()
        if self.has_plan:
            data["plan"] = self.plan_values()
        return data


def import_hazards(fileobj, *, actor, progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Import the hazards of an uploaded ledger (sheet 隐患台账, else the first; header in row 1, columns found
    by header; other columns ignored). Every row is a new hazard, status 整改中 with its plan when the plan's
    five elements are given, else 待整改.

    As the enterprise import: a file that cannot be read comes back with one RowError at row 0; wrong rows come
    back as RowErrors (Excel row, Chinese header, message) with the annotated workbook, and nothing is written;
    else all rows are written in one transaction. `progress(done, total)`: every row is one step checked and
    one step written (total = 2 × rows); when checking finds errors the last call is (total, total)."""
    try:
        data = xlsx.read_upload(fileobj, settings.IMPORT_MAX_BYTES)
        workbook = xlsx.open_xlsx(data)
    except xlsx.XlsxError as exc:
        return ImportResult(errors=[RowError(0, "", str(exc))])
    sheet_index = workbook.sheetnames.index(SHEET_TITLE) if SHEET_TITLE in workbook.sheetnames else 0
    try:
        columns, parsed, errors = _read(workbook.worksheets[sheet_index])
    except xlsx.XlsxError as exc:
        return ImportResult(errors=[RowError(0, "", str(exc))])
    finally:
        workbook.close()
    total = 2 * len(parsed)
    report = progress or (lambda done, total: None)
    report(0, total)
    _resolve(parsed, errors, actor, lambda done: report(done, total))
    if errors:
        report(total, total)
        return _failed(data, columns, errors.items, sheet_index)
    try:
        planned = _write(parsed, actor, lambda done: report(len(parsed) + done, total))
    except xlsx.ImportAborted as exc:
        return _failed(data, columns, exc.errors, sheet_index)
    report(total, total)
    return ImportResult(created=len(parsed), planned=planned)


def _failed(data: bytes, columns: dict[str, int], errors: list[RowError], sheet_index: int) -> ImportResult:
    errors, annotated = xlsx.annotate_errors(data, columns, errors, sheet_index)
    return ImportResult(errors=errors, annotated=annotated)


def _read(sheet) -> tuple[dict[str, int], list[_Row], xlsx.RowErrors]:
    """Read every row and check what it says on its own: required cells, values, dates, the plan's elements."""
    rows = xlsx.iter_rows(sheet)
    first = next(rows, None)
    positions: dict[str, int] = {}
    for i, value in enumerate(first[1] if first else ()):
        key = HEADER_KEYS.get(_key(xlsx.cell_text(value)))
        if key and key not in positions:
            positions[key] = i
    missing = [HEADER[k] for k in REQUIRED if k not in positions]
    if "uscc" not in positions and "region" not in positions:
        missing.insert(0, f"{HEADER['uscc']}（或{HEADER['region']}）")
    if missing:
        raise xlsx.XlsxError(f"缺少表头：{'、'.join(missing)}（第1行应为表头，请使用导入模板）")
    columns = {HEADER[k]: p + 1 for k, p in positions.items()}
    errors = xlsx.RowErrors(HEADER)
    parsed: list[_Row] = []
    max_rows = getattr(settings, "IMPORT_MAX_ROWS", 200_000)
    for number, values in rows:
        width = len(values)
        raw = {key: values[p] if p < width else None for key, p in positions.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw.values()):
            continue
        if len(parsed) >= max_rows:
            raise xlsx.XlsxError(f"数据超过 {max_rows} 行，请分批导入")
        row = _Row(number)
        for key, _, _ in COLUMNS:
            value = raw.get(key)
            row.text[key] = xlsx.code_text(value).upper() if key in ("uscc", "region") else xlsx.cell_text(value)
        for key in REQUIRED:
            if not row.text[key]:
                errors.add(number, key, "必填项不能为空")
        if not row.text["uscc"] and not row.text["region"]:
            errors.add(number, "uscc", f"请填写企业统一社会信用代码；没有企业的隐患请填写“{HEADER['region']}”")
        if row.text["level"]:
            row.level = LEVELS.get(row.text["level"], "")
            if not row.level:
                errors.add(number, "level", f"应填写“重大”或“一般”（当前为“{row.text['level']}”）")
        if row.text["source"]:
            row.source = SOURCES.get(row.text["source"], "")
            if not row.source:
                errors.add(number, "source", f"应填写{'、'.join(Source.labels)}之一（当前为“{row.text['source']}”）")
        for key in DATE_KEYS:
            day, problem = _date(raw.get(key))
            row.dates[key] = day
            if problem:
                errors.add(number, key, problem)
            elif day is not None and key in ("found_on", "planned_on"):
                _rule(errors, number, key, services._not_in_future, key, day)
        if row.text["funds"]:
            row.funds, problem = _funds(raw.get("funds"))
            if problem:
                errors.add(number, "funds", problem)
        row.has_plan = any(row.text[k] for k in PLAN_KEYS)
        if row.has_plan:
            _check_plan(row, errors)
        parsed.append(row)
    if not parsed and not errors:
        raise xlsx.XlsxError(f"文件中没有隐患数据（“{SHEET_TITLE}”工作表第2行起每行填写一条隐患）")
    return columns, parsed, errors


def _rule(errors: xlsx.RowErrors, number: int, key: str, check: Callable, *args) -> bool:
    """Run one of the services' rule functions; its ValidationError becomes an error on `key`."""
    try:
        check(*args)
    except ValidationError as exc:
        for message in exc.messages:
            errors.add(number, key, message)
        return False
    return True


def _check_plan(row: _Row, errors: xlsx.RowErrors) -> None:
    """The plan rules of `services.plan_problems`, each message on its own column."""
    unreadable = (row.text["funds"] and row.funds is None) or (row.text["plan_deadline"]
                                                               and row.dates["plan_deadline"] is None)
    if unreadable:
        return  # the cell is already marked as not a number / not a date
    plan = {"owner": row.text["owner"], "measures": row.text["measures"], "funds": row.funds,
            "deadline": row.dates["plan_deadline"], "contingency": row.text["contingency"],
            "planned_on": row.dates["planned_on"]}
    for key, message in services.plan_problems(plan, row.dates["found_on"]):
        if key == "deadline" and not row.dates["planned_on"]:
            message = message.rstrip("。") + f"（未填写方案制定日期，按今天 {row.planned_on.isoformat()} 计）。"
        errors.add(row.row, PLAN_FIELD_COLUMN[key], message)


DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def _date(value) -> tuple[datetime.date | None, str | None]:
    """A date from a date cell, an Excel serial number, or text such as 2026-05-20, 2026/5/20, 2026.5.20,
    2026年5月20日 or 20260520."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, datetime.datetime):
        return value.date(), None
    if isinstance(value, datetime.date):
        return value, None
    if isinstance(value, int | float) and not isinstance(value, bool) and 20000 < value < 80000:
        return from_excel(value).date(), None
    text = unicodedata.normalize("NFKC", xlsx.cell_text(value))
    match = DATE_RE.match(text) or re.match(r"^(\d{4})(\d{2})(\d{2})$", text)
    if match:
        try:
            return datetime.date(*(int(g) for g in match.groups())), None
        except ValueError:
            pass
    return None, f"日期格式不正确（当前为“{text}”，应如 2026-05-20）"


def _funds(value) -> tuple[Decimal | None, str | None]:
    text = unicodedata.normalize("NFKC", xlsx.cell_text(value)).replace(",", "")
    text = re.sub(r"\s*万元?$", "", text)
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None, f"应填写数字，单位万元（当前为“{xlsx.cell_text(value)}”）"
    if not amount.is_finite():
        return None, f"应填写数字，单位万元（当前为“{xlsx.cell_text(value)}”）"
    return amount, None


class _Memo:
    """A rule function's answer per distinct argument key: thousands of rows name a few enterprises and
    departments, so the rule runs once per combination. A raised ValidationError is remembered too."""

    def __init__(self, function: Callable):
        self.function = function
        self.answers: dict = {}

    def __call__(self, key, *args):
        if key not in self.answers:
            try:
                self.answers[key] = (self.function(*args), None)
            except ValidationError as exc:
                self.answers[key] = (None, exc)
        answer, error = self.answers[key]
        if error is not None:
            raise error
        return answer


def _resolve(parsed: list[_Row], errors: xlsx.RowErrors, actor, step: Callable[[int], None]) -> None:
    """The checks that need the database and the actor, as `services.hazard_report` makes them, with every
    lookup done in bulk before the loop over rows."""
    admin = services.is_admin(actor)
    # Enterprises by credit code: only those the actor sees.
    usccs = sorted({r.text["uscc"] for r in parsed if r.text["uscc"]})
    enterprises: dict[str, Enterprise] = {}
    for chunk in xlsx.chunks(usccs, LOOKUP_CHUNK):
        enterprises.update((e.uscc, e) for e in Enterprise.objects.visible_to(actor).filter(uscc__in=chunk))
    links: set[tuple[int, int]] = set()
    for chunk in xlsx.chunks(sorted(e.pk for e in enterprises.values()), LOOKUP_CHUNK):
        links.update(EnterpriseDepartment.objects.filter(enterprise_id__in=chunk)
                     .values_list("enterprise_id", "department_id"))
    # Regions of hazards without an enterprise.
    codes = sorted({r.text["region"] for r in parsed if r.text["region"] and not r.text["uscc"]})
    regions: dict[str, Region] = {}
    for chunk in xlsx.chunks(codes, LOOKUP_CHUNK):
        regions.update((g.code, g) for g in Region.objects.visible_to(actor).filter(code__in=chunk))
    # Departments by name, as the enterprise import resolves them (the hazard's region first, then upwards).
    departments = _Departments(actor)
    tokens = [r.text[k] for r in parsed for k in ("found_by_department", "department") if r.text[k]]
    departments.load(_Departments.parse(t)[0] for t in tokens)
    departments.load(tokens)
    department_objects: dict[int, Department] = {}
    sectors = _Sectors()
    finder_for = _Memo(services._finder_for)
    default_sector = _Memo(services.default_sector)
    reachable = _Memo(services._region_reachable)
    may_report = _Memo(services._may_report)

    def department(row: _Row, key: str, region_code: str) -> Department | None:
        token = row.text[key]
        if not token:
            return None
        pk, problem = departments.resolve(token, region_code)
        if problem:
            errors.add(row.row, key, problem.replace("主管部门", "部门"))
            return None
        if pk not in department_objects:
            department_objects.update(Department.objects.in_bulk([pk]))
        return department_objects[pk]

    for done, row in enumerate(parsed, start=1):
        if done % PROGRESS_EVERY == 0:
            step(done)
        number, source = row.row, row.source
        enterprise = None
        if row.text["uscc"]:
            enterprise = enterprises.get(row.text["uscc"])
            if enterprise is None:
                errors.add(number, "uscc", f"统一社会信用代码为“{row.text['uscc']}”的企业未在平台登记，"
                                           "或不在您的管辖范围内")
                continue
            row.enterprise_id, row.region_id = enterprise.pk, enterprise.region_id
        elif row.text["region"]:
            region = regions.get(row.text["region"])
            if region is None:
                errors.add(number, "region", f"区划代码“{row.text['region']}”不存在")
                continue
            if source == Source.SELF:
                errors.add(number, "uscc", "企业自查的隐患须指明企业。")
            if not admin and not reachable(region.code, actor, region):
                errors.add(number, "region", "该区划不在您的管辖范围内。")
            row.region_id = region.code
        else:
            continue
        if not source:
            continue
        if not admin and not may_report(source, actor, source):
            errors.add(number, "source", f"您无权登记来源为“{Source(source).label}”的隐患。")
            continue
        if source == Source.SELF and enterprise is not None and not admin and not services._enterprise_member(
                actor, Hazard(enterprise_id=enterprise.pk)):
            errors.add(number, "source", "企业自查隐患只能由本企业人员登记。")
            continue
        given = department(row, "found_by_department", row.region_id)
        responsible = department(row, "department", row.region_id)
        if (row.text["found_by_department"] and given is None) or (row.text["department"] and responsible is None):
            continue
        try:
            finder = finder_for((source, given.pk if given else None), actor, source, given)
        except ValidationError as exc:
            for message in exc.messages:
                errors.add(number, "found_by_department", message)
            continue
        responsible = responsible or finder
        if responsible is None:
            errors.add(number, "department", "请指定负责（接报）部门。")
            continue
        if source == Source.SELF and (enterprise.pk, responsible.pk) not in links:
            errors.add(number, "department", "企业自查隐患应报告给本企业的主管部门之一。")
            continue
        row.finder_id, row.department_id = (finder.pk if finder else None), responsible.pk
        if row.text["sector"]:
            code, problem = sectors.find(row.text["sector"])
            if problem:
                errors.add(number, "sector", problem)
                continue
        else:
            code = default_sector((enterprise.pk, responsible.pk), enterprise, responsible) if enterprise else None
            if code is None:
                errors.add(number, "sector", "请指定行业领域。")
                continue
        row.sector_id = code
        if number not in errors.rows:
            _check_fields(row, errors)


def _check_fields(row: _Row, errors: xlsx.RowErrors) -> None:
    """The models' own field checks (lengths, choices, digits): the same `clean_fields` a form would run."""
    hazard = Hazard(**row.hazard_values())
    try:
        hazard.clean_fields(exclude=["enterprise", "region", "sector", "department", "found_by_department",
                                     "created_by"])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            for message in messages:
                errors.add(row.row, HAZARD_FIELD_COLUMN.get(name, name), message)
    if row.has_plan:
        try:
            RectificationPlan(**row.plan_values()).clean_fields(exclude=["hazard"])
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    errors.add(row.row, PLAN_FIELD_COLUMN.get(name, name), message)


# ----------------------------------------------------------------------------------------------------- write

def _write(parsed: list[_Row], actor, step: Callable[[int], None]) -> int:
    """Everything in one transaction; returns how many hazards came with their plan."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    username = getattr(actor, "username", "")
    planned = 0
    with transaction.atomic():
        _check_enterprises(parsed)
        done = 0
        for batch in xlsx.chunks(parsed, BATCH_SIZE):
            hazards = [Hazard(created_by=user, **r.hazard_values()) for r in batch]
            Hazard.objects.bulk_create(hazards)
            if any(h.pk is None for h in hazards):  # only SQLite ≥ 3.35 and PostgreSQL are supported
                raise RuntimeError("数据库未返回新记录的编号，无法导入")
            plans, events = [], []
            for h, r in zip(hazards, batch, strict=True):
                events.append(HazardEvent(hazard=h, action="report", to_status=Status.REPORTED, on=h.found_on,
                                          user=user, username=username, note=f"{IMPORT_NOTE}（第{r.row}行）"))
                if r.has_plan:
                    plans.append(RectificationPlan(hazard=h, **r.plan_values()))
                    events.append(HazardEvent(hazard=h, action="plan", from_status=Status.REPORTED,
                                              to_status=Status.RECTIFYING, on=h.planned_on, user=user,
                                              username=username, note=IMPORT_NOTE))
            RectificationPlan.objects.bulk_create(plans)
            HazardEvent.objects.bulk_create(events)
            hazards_imported.send(sender=Hazard, ids=[h.pk for h in hazards])
            record_bulk(actor, Hazard, [h.pk for h in hazards],
                        [{"row": r.row, "id": h.pk} | r.as_dict() for h, r in zip(hazards, batch, strict=True)])
            planned += len(plans)
            done += len(batch)
            step(done)
    return planned


def _check_enterprises(parsed: Iterable[_Row]) -> None:
    """An enterprise deleted or moved to another region between the check and the write stops the import
    (the hazard's region is its enterprise's)."""
    expected: dict[int, tuple[str, int]] = {}
    for r in parsed:
        if r.enterprise_id is not None:
            expected.setdefault(r.enterprise_id, (r.region_id, r.row))
    current: dict[int, str] = {}
    for chunk in xlsx.chunks(sorted(expected), LOOKUP_CHUNK):
        current.update(Enterprise.objects.select_for_update().filter(pk__in=chunk).values_list("pk", "region_id"))
    stale = sorted(row for pk, (region, row) in expected.items() if current.get(pk) != region)
    if stale:
        raise xlsx.ImportAborted([RowError(
            row, HEADER["uscc"], "该企业在导入期间已被他人修改或删除，未导入任何数据，请重新导入")
                      for row in stale])
