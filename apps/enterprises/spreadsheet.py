"""The enterprise registry as .xlsx: export of a (filtered) list, the import template, and the import.

One layout serves all three (`COLUMNS`, header in row 1, no title row), so an exported file re-imports unchanged.

The import checks every row before writing anything (DESIGN.md "Bad input and faults"): any wrong row and
nothing is written, and the uploaded workbook comes back annotated. It reads the sheet once in read-only mode
and looks regions, sectors, departments and existing credit codes up in a few bulk queries, never per row, so
100,000 rows fit the 60-second target (DESIGN.md "Performance targets"). Writes happen in one transaction: new
enterprises by `bulk_create` in batches of `BATCH_SIZE` with one `record_bulk` audit entry per batch (NOTES.md
"Audit chain"); updates by batches of plain UPDATEs (executemany; Django's `bulk_update` is far too slow at this
size) with one audit entry per batch (action “update”) that names the batch's ids and holds, for every row that
changed, the old and new value of each changed field. Sector and department links go in by executemany too.
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from apps.audit.models import Action
from apps.audit.services import record, record_bulk
from apps.core import xlsx
from apps.core.uscc import check_character, uscc_error
from apps.core.xlsx import RowError
from apps.regions.models import CODE_LENGTHS, Department, Region, Sector
from apps.regions.permissions import can_write_enterprise

from .models import FLAGS, Enterprise, EnterpriseDepartment, EnterpriseSector, EnterpriseState
from .signals import enterprise_moved

COLUMNS: list[tuple[str, str]] = [
    ("name", "企业名称"),
    ("uscc", "统一社会信用代码"),
    ("region", "所在区划代码"),
    ("address", "联系地址"),
    ("sectors", "行业领域"),
    ("departments", "主管部门"),
    ("legal_representative", "法定代表人"),
    ("principal_name", "主要负责人"),
    ("principal_phone", "主要负责人电话"),
    *FLAGS.items(),
    ("state", "经营状态"),
]
HEADER = dict(COLUMNS)
REQUIRED = ("name", "uscc", "region", "sectors")
TEXT_FIELDS = ("name", "address", "legal_representative", "principal_name", "principal_phone")
# The model fields an import writes, in this order in a parsed row's `values`.
FIELDS = ("name", "uscc", "region_id", "address", "legal_representative", "principal_name", "principal_phone",
          *FLAGS, "state")
BATCH_SIZE = 2000
PROGRESS_EVERY = 1000
LOOKUP_CHUNK = 900  # stays under SQLite's 999 parameters
SEPARATORS = frozenset("、,，;；\n")
YES, NO = "是", "否"
STATE_BY_LABEL = {label: value for value, label in EnterpriseState.choices}
STATE_BY_LABEL.update({value: value for value, _ in EnterpriseState.choices})
PHONE_RE = re.compile(r"^\+?[\d\-() ]{7,24}(?:\s*(?:转|分机|ext\.?|#)\s*\d{1,6})?$", re.IGNORECASE)
QUALIFIED_RE = re.compile(r"^(?P<name>.+?)\s*[（(]\s*(?P<code>\d{2,12})\s*[）)]$")
NOTE_HEADER = xlsx.NOTE_HEADER
EXAMPLE_USCC = "91411002MA45T1234" + check_character("91411002MA45T1234")
SHEET_TITLE = "企业名录"
GUIDE_TITLE = "填写说明"

MSG_TAKEN = "该统一社会信用代码已被其他单位登记"
MSG_NOT_YOURS = "您无权修改该企业：已登记的该企业不在您的管辖范围内"
MSG_NO_RIGHT = "您无权在此登记该企业：企业须在您的管辖区域内，且由您的部门监管（所在区划、行业领域或主管部门不符）"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    annotated: bytes | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


# --------------------------------------------------------------------------------------------------- lookups

def _split(text: str) -> list[str]:
    """Items separated by 、 , ， ; ； or a line break, but not inside brackets: the sector name
    “燃气（城镇燃气、燃气设施）” is one item."""
    items, current, depth = [], [], 0
    for ch in text:
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
        if ch in SEPARATORS and depth == 0:
            items.append("".join(current))
            current = []
        else:
            current.append(ch)
    items.append("".join(current))
    seen: list[str] = []
    for item in (i.strip() for i in items):
        if item and item not in seen:
            seen.append(item)
    return seen


def _chunks(items: Iterable, size: int = LOOKUP_CHUNK) -> Iterator[list]:
    return xlsx.chunks(items, size)


def _ancestor_codes(code: str) -> list[str]:
    """The region itself and the division codes above it, nearest first (codes are prefixes)."""
    return [code] + [code[:n] for n in sorted(CODE_LENGTHS.values(), reverse=True) if n < len(code)]


class _Sectors:
    """Every sector (the tree is small), found by code, by exact name, or by name without its bracketed
    explanation (“燃气” for “燃气（城镇燃气、燃气设施）”) when that is unique."""

    AMBIGUOUS = object()

    def __init__(self):
        self.rows = list(Sector.objects.order_by("order", "code").values_list("code", "name", "parent_id"))
        self.name_of = {code: name for code, name, _ in self.rows}
        self.by_code = {code.lower(): code for code in self.name_of}
        self.by_name: dict[str, object] = {}
        short: dict[str, object] = {}
        for code, name in self.name_of.items():
            self.by_name[name] = self.AMBIGUOUS if name in self.by_name else code
            bare = re.sub(r"[（(].*?[）)]", "", name).strip()
            if bare and bare != name:
                short[bare] = self.AMBIGUOUS if bare in short else code
        for bare, code in short.items():
            self.by_name.setdefault(bare, code)

    def guide_rows(self) -> list[list[str]]:
        """The 行业领域代码 table of an import template's 填写说明 sheet: code, name, parent's name."""
        return [[code, name, self.name_of.get(parent, "") if parent else ""] for code, name, parent in self.rows]

    def find(self, token: str) -> tuple[str | None, str | None]:
        code = self.by_code.get(token.lower())
        if code:
            return code, None
        found = self.by_name.get(token)
        if found is self.AMBIGUOUS:
            return None, f"行业领域“{token}”有多个同名项，请填写行业领域代码"
        if found is None:
            return None, f"行业领域“{token}”不存在（可填写代码或名称，见“{GUIDE_TITLE}”）"
        return found, None

    def label(self, code: str) -> str:
        """What the export writes: the name when the name finds this sector again, else the code."""
        name = self.name_of.get(code, code)
        return name if self.by_name.get(name) == code else code


class _Departments:
    """Departments by name, loaded for the names asked for only; resolved from an enterprise's region: the
    region's own department of that name first, then the nearest ancestor's, then the only one anywhere."""

    def __init__(self, actor=None):
        self.actor = actor
        self.by_name: dict[str, list[tuple[int, str]]] = {}
        self.loaded: set[str] = set()

    def load(self, names: Iterable[str]) -> None:
        wanted = sorted(set(names) - self.loaded)
        queryset = Department.objects.all() if self.actor is None else Department.objects.visible_to(self.actor)
        for chunk in _chunks(wanted):
            for pk, name, region in queryset.filter(name__in=chunk).values_list("id", "name", "region_id"):
                self.by_name.setdefault(name, []).append((pk, region))
        self.loaded.update(wanted)

    @staticmethod
    def parse(token: str) -> tuple[str, str | None]:
        """“名称（区划代码）” names the region; a plain name does not."""
        match = QUALIFIED_RE.match(token)
        if match:
            return match["name"].strip(), match["code"]
        return token, None

    def resolve(self, token: str, region_code: str) -> tuple[int | None, str | None]:
        name, qualifier = self.parse(token)
        if qualifier is not None:
            matches = [pk for pk, region in self.by_name.get(name, []) if region == qualifier]
            if matches:
                return matches[0], None
            if self.by_name.get(token):  # the brackets were part of the name after all
                return self.resolve_plain(token, self.by_name[token], region_code)
            return None, f"区划“{qualifier}”下没有名为“{name}”的部门"
        return self.resolve_plain(token, self.by_name.get(token, []), region_code)

    @staticmethod
    def resolve_plain(name, candidates, region_code) -> tuple[int | None, str | None]:
        if not candidates:
            return None, f"主管部门“{name}”不存在"
        if region_code:
            for code in _ancestor_codes(region_code):
                matches = [pk for pk, region in candidates if region == code]
                if matches:
                    return matches[0], None
        if len(candidates) == 1:
            return candidates[0][0], None
        return None, f"主管部门“{name}”有{len(candidates)}个同名部门，无法确定，请写成“{name}（区划代码）”"

    def label(self, pk: int, name: str, region: str, enterprise_region: str) -> str:
        """What the export writes: the plain name when it resolves back to this department, else qualified."""
        found, _ = self.resolve_plain(name, self.by_name.get(name, []), enterprise_region)
        return name if found == pk else f"{name}（{region}）"


# ---------------------------------------------------------------------------------------------------- export

def _widths() -> list[float]:
    wide = {"name": 36, "uscc": 22, "region": 14, "address": 36, "sectors": 30, "departments": 30,
            "principal_phone": 16}
    return [wide.get(key, max(10, xlsx.text_width(header) + 3)) for key, header in COLUMNS]


TEXT_COLUMNS = ("uscc", "region", "principal_phone")


def _new_sheet(workbook, title: str):
    sheet = workbook.create_sheet(title=title)
    xlsx.set_column_widths(sheet, _widths())
    for i, (key, _) in enumerate(COLUMNS, start=1):
        if key in TEXT_COLUMNS:  # typed codes and phone numbers stay text (no 4.11E+05, no lost leading 0)
            sheet.column_dimensions[get_column_letter(i)].number_format = "@"
    sheet.freeze_panes = "A2"
    return sheet


def export_enterprises(queryset) -> bytes:
    """The enterprises of `queryset` (already filtered and scoped by the caller, in its order) as .xlsx, in the
    import layout. Streams, reading plain values in chunks of BATCH_SIZE (three queries a chunk): memory stays
    flat however many rows."""
    sectors = _Sectors()
    departments = _Departments()
    workbook = Workbook(write_only=True)
    sheet = _new_sheet(workbook, SHEET_TITLE)
    sheet.append(xlsx.header_row(sheet, [h for _, h in COLUMNS], required=[HEADER[k] for k in REQUIRED]))
    names = ["pk", "name", "uscc", "region_id", "address", "legal_representative", "principal_name",
             "principal_phone", *FLAGS, "state"]
    state_labels = dict(EnterpriseState.choices)
    rows = queryset.values_list(*names).iterator(chunk_size=BATCH_SIZE)
    for chunk in _chunks(rows, BATCH_SIZE):
        ids = [r[0] for r in chunk]
        sector_codes: dict[int, list[str]] = {}
        for eid, code in (EnterpriseSector.objects.filter(enterprise_id__in=ids).order_by("enterprise_id", "order")
                          .values_list("enterprise_id", "sector_id")):
            sector_codes.setdefault(eid, []).append(code)
        linked: dict[int, list[tuple[int, str, str]]] = {}
        for eid, pk, name, region in (EnterpriseDepartment.objects.filter(enterprise_id__in=ids)
                                      .order_by("enterprise_id", "department_id")
                                      .values_list("enterprise_id", "department_id", "department__name",
                                                   "department__region_id")):
            linked.setdefault(eid, []).append((pk, name, region))
        departments.load(name for links in linked.values() for _, name, _ in links)
        for r in chunk:
            values = dict(zip(names, r, strict=True))
            region = values["region_id"]
            values["region"] = region
            values["sectors"] = "、".join(sectors.label(code) for code in sector_codes.get(r[0], ()))
            values["departments"] = "、".join(departments.label(pk, name, dept_region, region)
                                              for pk, name, dept_region in linked.get(r[0], ()))
            values["state"] = state_labels.get(values["state"], values["state"])
            for flag in FLAGS:
                values[flag] = YES if values[flag] else NO
            sheet.append([_out(sheet, values[key]) for key, _ in COLUMNS])
    return xlsx.workbook_bytes(workbook)


def _out(sheet, value):
    """A plain value for the write-only sheet; text that would read as a formula goes in a text cell."""
    if not value:
        return None
    if value[0] == "=" or xlsx.ILLEGAL_CHARACTERS_RE.search(value):
        return xlsx.write_cell(sheet, value)
    return value


# -------------------------------------------------------------------------------------------------- template

def _column_help() -> list[tuple[str, str, str, str]]:
    """(header, 必填, how to fill it, example) for every column."""
    flag = "填“是”或“否”，不填视为“否”"
    helps = {
        "name": ("是", "企业（单位、场所）全称，不超过200字", "许昌市某某化工有限公司"),
        "uscc": ("是", "18位统一社会信用代码，系统按 GB 32100 校验最后一位校验码；已登记的代码将更新该企业",
                 EXAMPLE_USCC),
        "region": ("是", "企业所在区划的行政区划代码（2、4、6、9或12位）；也可填写区划全称（须唯一）", "411002"),
        "address": ("否", "生产经营地址，不超过200字", "魏都区某某路1号"),
        "sectors": ("是", "行业领域代码或名称，多个用“、”“，”或“；”分隔，第一个为主行业领域；可选值见下表",
                    "危险化学品（化工和危化品）、消防"),
        "departments": ("否", "负有监管职责的部门全称，多个用“、”分隔；同名部门优先取企业所在区划及其上级区划的部门，"
                        "仍无法确定时写成“部门名称（区划代码）”", "魏都区应急管理局"),
        "legal_representative": ("否", "不超过50字", "张三"),
        "principal_name": ("否", "主要负责人姓名，不超过50字", "李四"),
        "principal_phone": ("否", "手机或座机号码，如 13800000000、0374-1234567", "13800000000"),
        "state": ("否", "填“在业”“停产整顿”或“关闭”，不填视为“在业”", "在业"),
    }
    rows = []
    for key, header in COLUMNS:
        if key in FLAGS:
            rows.append((header, "否", flag, NO))
        else:
            required, text, example = helps[key]
            rows.append((header, required, text, example))
    return rows


def enterprise_template() -> bytes:
    """An empty import sheet (header only, each header with a comment that explains it and gives an example)
    and a second sheet “填写说明” explaining every column and listing the sector codes and names and the
    state values."""
    helps = _column_help()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    headers = [h for _, h in COLUMNS]
    comments = {h: f"{'必填' if req == '是' else '选填'}：{text}\n示例：{example}" for h, req, text, example in helps}
    xlsx.style_header(sheet, headers, comments=comments, required=[HEADER[k] for k in REQUIRED])
    for i, ((key, _), width) in enumerate(zip(COLUMNS, _widths(), strict=True), start=1):
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = width
        if key in TEXT_COLUMNS:
            sheet.column_dimensions[letter].number_format = "@"
    flag_columns = [i for i, (key, _) in enumerate(COLUMNS, start=1) if key in FLAGS]
    yes_no = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True,
                            errorTitle="请选择", error="请填写“是”或“否”")
    yes_no.add(f"{get_column_letter(flag_columns[0])}2:{get_column_letter(flag_columns[-1])}200000")
    states = DataValidation(type="list", formula1='"' + ",".join(label for _, label in EnterpriseState.choices) + '"',
                            allow_blank=True, errorTitle="请选择", error="请填写“在业”“停产整顿”或“关闭”")
    state_letter = get_column_letter(len(COLUMNS))
    states.add(f"{state_letter}2:{state_letter}200000")
    sheet.add_data_validation(yes_no)
    sheet.add_data_validation(states)

    guide = xlsx.GuideSheet(workbook, GUIDE_TITLE, (22, 12, 80, 36))
    notes = [
        "1. 在“企业名录”工作表第2行起每行填写一家企业，不要修改、删除或调换第1行表头，不要插入标题行。",
        "2. 导入前系统逐行检查全部数据，任一行有误则整批不导入，并返回标注了错误单元格（红色并附批注）和"
        "“错误说明”列的文件，改正后可直接重新上传。",
        "3. 统一社会信用代码已在平台登记且属于您管辖的，按本表内容更新该企业（不填的选填项将被清空）；"
        "其余的新增登记。",
        f"4. 单个文件不超过 {settings.IMPORT_MAX_BYTES / 1024 / 1024:.0f} MB；数据较多时可分批导入。",
    ]
    guide.notes("企业名录导入说明", notes)
    guide.table(["列名", "是否必填", "填写要求", "示例"], helps, wrapped=True)
    guide.table(["经营状态可选值", "对应代码"], [[label, value] for value, label in EnterpriseState.choices])
    guide.table(["行业领域代码", "名称", "上级领域"], _Sectors().guide_rows())
    return xlsx.workbook_bytes(workbook)


# ---------------------------------------------------------------------------------------------------- import

class _Row:
    """One data row, checked: `values` in FIELDS order, sector codes in order, department ids."""

    __slots__ = ("row", "values", "region_text", "sectors", "department_tokens", "departments", "existing")

    def __init__(self, row: int):
        self.row = row
        self.values: list = []
        self.region_text = ""
        self.sectors: list[str] = []
        self.department_tokens: list[str] = []
        self.departments: list[int] = []
        self.existing: int | None = None  # the id of the enterprise this row updates

    def as_dict(self) -> dict:
        data = dict(zip(FIELDS, self.values, strict=True))
        data["sectors"] = self.sectors
        data["departments"] = sorted(self.departments)
        return data


def _file_error(message: str) -> ImportResult:
    return ImportResult(errors=[RowError(0, "", message)])


def import_enterprises(fileobj, *, actor, progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Import the enterprises of an uploaded .xlsx (the layout of `enterprise_template`: the sheet “企业名录”, else
    the first sheet; header in row 1, columns found by their header so their order does not matter; other
    columns, such as an earlier “错误说明”, are ignored).

    A file that cannot be imported at all (not .xlsx, over settings.IMPORT_MAX_BYTES, no data, missing header
    columns) does not raise: it comes back as an ImportResult with one RowError at row 0, column "", and
    `annotated` None. Wrong rows come back as RowErrors (Excel row, Chinese header, Chinese message) with the
    annotated workbook, and nothing is written. Otherwise every row is written in one transaction: a credit
    code the actor can see and write updates that enterprise (version + 1; blank optional cells clear the
    field; every matched row counts as updated), any other new code creates one. Audit: one `record_bulk` entry
    per batch of created enterprises, one “update” entry per batch of updated ones (see the module docstring).

    `progress(done, total)` is called about every 1000 rows: every row is one step when checked and one when
    written, so `total` is twice the number of data rows and `done` only grows; when checking finds errors the
    last call is (total, total).
    """
    try:
        data = xlsx.read_upload(fileobj, settings.IMPORT_MAX_BYTES)
        workbook = xlsx.open_xlsx(data)
    except xlsx.XlsxError as exc:
        return _file_error(str(exc))
    sheet_index = workbook.sheetnames.index(SHEET_TITLE) if SHEET_TITLE in workbook.sheetnames else 0
    try:
        columns, parsed, errors = _read(workbook.worksheets[sheet_index])
    except xlsx.XlsxError as exc:
        return _file_error(str(exc))
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
        created, updated = _write(parsed, actor, lambda done: report(len(parsed) + done, total))
    except xlsx.ImportAborted as exc:
        return _failed(data, columns, exc.errors, sheet_index)
    report(total, total)
    return ImportResult(created=created, updated=updated)


def _failed(data: bytes, columns: dict[str, int], errors: list[RowError], sheet_index: int) -> ImportResult:
    errors, annotated = xlsx.annotate_errors(data, columns, errors, sheet_index)
    return ImportResult(errors=errors, annotated=annotated)


def _read(sheet) -> tuple[dict[str, int], list[_Row], xlsx.RowErrors]:
    """Read and check what each row says on its own; sectors are resolved here too (the tree is small)."""
    rows = xlsx.iter_rows(sheet)
    first = next(rows, None)
    header_texts = [xlsx.header_key(xlsx.cell_text(v)) for v in (first[1] if first else ())]
    by_header = {h: i for i, h in reversed(list(enumerate(header_texts))) if h}
    missing = [h for _, h in COLUMNS if h not in by_header]
    if not first or not by_header:
        raise xlsx.XlsxError(f"工作表第1行应为表头，缺少表头：{'、'.join(h for _, h in COLUMNS)}；"
                             "请使用导入模板")
    if missing:
        raise xlsx.XlsxError(f"缺少表头：{'、'.join(missing)}（第1行应为表头，请使用导入模板）")
    positions = [by_header[h] for _, h in COLUMNS]
    columns = {h: by_header[h] + 1 for _, h in COLUMNS}
    sectors = _Sectors()
    errors = xlsx.RowErrors(HEADER)
    parsed: list[_Row] = []
    seen_uscc: dict[str, int] = {}
    limits = {f.name: f.max_length for f in Enterprise._meta.concrete_fields if f.name in TEXT_FIELDS}
    max_rows = getattr(settings, "IMPORT_MAX_ROWS", 200_000)
    for number, values in rows:
        width = len(values)
        cells = [values[p] if p < width else None for p in positions]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells):
            continue
        if len(parsed) >= max_rows:
            raise xlsx.XlsxError(f"数据超过 {max_rows} 行，请分批导入")
        raw = dict(zip((k for k, _ in COLUMNS), cells, strict=True))
        row = _Row(number)
        text = {k: xlsx.cell_text(raw[k]) for k in ("name", "address", "legal_representative", "principal_name")}
        for key in REQUIRED:
            if raw[key] is None or not xlsx.cell_text(raw[key]):
                errors.add(number, key, "必填项不能为空")
        for key, value in text.items():
            if len(value) > limits[key]:
                errors.add(number, key, f"不能超过{limits[key]}个字（当前{len(value)}个）")

        uscc = xlsx.code_text(raw["uscc"]).upper()
        if uscc:
            problem = uscc_error(uscc)
            if problem:
                errors.add(number, "uscc", problem)
            elif uscc in seen_uscc:
                errors.add(number, "uscc", f"与第{seen_uscc[uscc]}行的统一社会信用代码重复")
            else:
                seen_uscc[uscc] = number

        row.region_text = xlsx.code_text(raw["region"]) if _looks_like_code(raw["region"]) \
            else xlsx.cell_text(raw["region"])

        for token in _split(xlsx.cell_text(raw["sectors"])):
            code, problem = sectors.find(token)
            if problem:
                errors.add(number, "sectors", problem)
            elif code not in row.sectors:
                row.sectors.append(code)
        row.department_tokens = _split(xlsx.cell_text(raw["departments"]))

        phone = xlsx.cell_text(raw["principal_phone"])
        if phone and not _plausible_phone(phone):
            errors.add(number, "principal_phone", "电话号码格式不正确（如 13800000000 或 0374-1234567）")
        elif len(phone) > limits["principal_phone"]:
            errors.add(number, "principal_phone", f"不能超过{limits['principal_phone']}个字")

        flags = []
        for flag in FLAGS:
            value = xlsx.cell_text(raw[flag])
            if value in ("", NO):
                flags.append(False)
            elif value == YES:
                flags.append(True)
            else:
                errors.add(number, flag, f"应填写“是”或“否”（当前为“{value}”）")
                flags.append(False)
        state_text = xlsx.cell_text(raw["state"])
        state = STATE_BY_LABEL.get(state_text) if state_text else EnterpriseState.OPERATING.value
        if state is None:
            errors.add(number, "state", f"应填写“在业”“停产整顿”或“关闭”（当前为“{state_text}”）")

        if number not in errors.rows:
            row.values = [text["name"], uscc, None, text["address"], text["legal_representative"],
                          text["principal_name"], phone, *flags, state]
        parsed.append(row)
    if not parsed and not errors:
        raise xlsx.XlsxError("文件中没有企业数据（第2行起每行填写一家企业）")
    return columns, parsed, errors


def _looks_like_code(value) -> bool:
    return bool(re.fullmatch(r"\d{2,12}", xlsx.code_text(value)))


def _plausible_phone(phone: str) -> bool:
    """A mobile or landline number, maybe with area code, country code and extension; 7 to 18 digits."""
    phone = unicodedata.normalize("NFKC", phone).strip()
    return bool(PHONE_RE.match(phone)) and 7 <= len(re.sub(r"\D", "", phone)) <= 18


def _resolve(parsed: list[_Row], errors: xlsx.RowErrors, actor, step: Callable[[int], None]) -> None:
    """The checks that need the database, with every lookup done in bulk before the loop over rows."""
    # Regions, by code or by exact name.
    visible_regions = Region.objects.visible_to(actor)
    codes = {r.region_text for r in parsed if r.region_text.isdigit()}
    names = {r.region_text for r in parsed if r.region_text and not r.region_text.isdigit()}
    known_codes: set[str] = set()
    for chunk in _chunks(sorted(codes)):
        known_codes.update(visible_regions.filter(code__in=chunk).values_list("code", flat=True))
    codes_by_name: dict[str, list[str]] = {}
    for chunk in _chunks(sorted(names)):
        for code, name in visible_regions.filter(name__in=chunk).values_list("code", "name"):
            codes_by_name.setdefault(name, []).append(code)

    departments = _Departments(actor)
    departments.load(_Departments.parse(t)[0] for r in parsed for t in r.department_tokens)
    departments.load(t for r in parsed for t in r.department_tokens)

    # Existing enterprises with these codes: all of them, which of them the actor sees, and their placement.
    usccs = [r.values[1] for r in parsed if r.values]
    existing: dict[str, dict] = {}
    for chunk in _chunks(usccs):
        for row in Enterprise.objects.filter(uscc__in=chunk).values("id", *(f for f in FIELDS), "version"):
            existing[row["uscc"]] = row
    ids = [row["id"] for row in existing.values()]
    visible: set[int] = set()
    for chunk in _chunks(ids):
        visible.update(Enterprise.objects.visible_to(actor).filter(pk__in=chunk).values_list("pk", flat=True))
    old_sectors: dict[int, list[str]] = {}
    old_departments: dict[int, list[int]] = {}
    for chunk in _chunks(sorted(visible)):
        for eid, sector in (EnterpriseSector.objects.filter(enterprise_id__in=chunk).order_by("enterprise_id", "order")
                            .values_list("enterprise_id", "sector_id")):
            old_sectors.setdefault(eid, []).append(sector)
        for eid, dept in EnterpriseDepartment.objects.filter(enterprise_id__in=chunk).values_list("enterprise_id",
                                                                                                  "department_id"):
            old_departments.setdefault(eid, []).append(dept)

    for done, row in enumerate(parsed, start=1):
        if done % PROGRESS_EVERY == 0:
            step(done)
        number = row.row
        region = None
        if row.region_text.isdigit():
            if row.region_text in known_codes:
                region = row.region_text
            else:
                errors.add(number, "region", f"区划代码“{row.region_text}”不存在")
        elif row.region_text:
            found = codes_by_name.get(row.region_text, [])
            if len(found) == 1:
                region = found[0]
            elif found:
                errors.add(number, "region", f"名为“{row.region_text}”的区划有{len(found)}个，请填写区划代码")
            else:
                errors.add(number, "region", f"区划“{row.region_text}”不存在（请填写区划代码）")
        for token in row.department_tokens:
            pk, problem = departments.resolve(token, region or "")
            if problem:
                errors.add(number, "departments", problem)
            elif pk not in row.departments:
                row.departments.append(pk)
        if number in errors.rows or not row.values:
            continue
        row.values[2] = region
        old = existing.get(row.values[1])
        if old is not None:
            if old["id"] not in visible:
                errors.add(number, "uscc", MSG_TAKEN)
                continue
            if not can_write_enterprise(actor, old["region_id"], old_departments.get(old["id"], []),
                                        old_sectors.get(old["id"], [])):
                errors.add(number, "uscc", MSG_NOT_YOURS)
                continue
            row.existing = old["id"]
        if not can_write_enterprise(actor, region, row.departments, row.sectors):
            errors.add(number, "region", MSG_NO_RIGHT)
    # Hand what the writer needs over on the rows themselves.
    for row in parsed:
        if row.existing is not None:
            old = existing[row.values[1]]
            row.existing = (old["id"], old["version"], {f: old[f] for f in FIELDS},
                            old_sectors.get(old["id"], []), sorted(old_departments.get(old["id"], [])))


def _digest(rows: list[dict]) -> str:
    canonical = json.dumps(rows, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _write(parsed: list[_Row], actor, step: Callable[[int], None]) -> tuple[int, int]:
    new = [r for r in parsed if r.existing is None]
    old = [r for r in parsed if r.existing is not None]
    done = 0
    try:
        with transaction.atomic():
            _check_versions(old)
            for batch in _chunks(new, BATCH_SIZE):
                _create_batch(batch, actor)
                done += len(batch)
                step(done)
            for batch in _chunks(old, BATCH_SIZE):
                _update_batch(batch, actor)
                done += len(batch)
                step(done)
    except IntegrityError as exc:
        raise xlsx.ImportAborted(
            [RowError(0, "", "导入期间有统一社会信用代码被他人同时登记，未导入任何数据，请重新导入")]) from exc
    return len(new), len(old)


def _check_versions(rows: list[_Row]) -> None:
    """Optimistic locking: an enterprise edited between the check and the write stops the whole import."""
    expected = {r.existing[0]: (r.existing[1], r.row) for r in rows}
    stale, seen = [], set()
    for chunk in _chunks(sorted(expected)):
        for pk, version in Enterprise.objects.select_for_update().filter(pk__in=chunk).values_list("pk", "version"):
            seen.add(pk)
            if version != expected[pk][0]:
                stale.append(expected[pk][1])
    stale += [row for pk, (_, row) in expected.items() if pk not in seen]
    if stale:
        message = "该企业在导入期间已被他人修改或删除，未导入任何数据，请重新导入"
        raise xlsx.ImportAborted([RowError(row, HEADER["uscc"], message) for row in sorted(stale)])


def _create_batch(batch: list[_Row], actor) -> None:
    objects = [Enterprise(**dict(zip(FIELDS, r.values, strict=True))) for r in batch]
    Enterprise.objects.bulk_create(objects)
    if any(o.pk is None for o in objects):  # a backend that does not return ids from a bulk insert
        pks = dict(Enterprise.objects.filter(uscc__in=[o.uscc for o in objects]).values_list("uscc", "pk"))
        for o in objects:
            o.pk = pks[o.uscc]
    _insert_links([(o.pk, r) for o, r in zip(objects, batch, strict=True)])
    record_bulk(actor, Enterprise, [o.pk for o in objects],
                [{"row": r.row, "id": o.pk} | r.as_dict() for o, r in zip(objects, batch, strict=True)])


def _update_batch(batch: list[_Row], actor) -> None:
    """Rows that change are written with one executemany of a plain UPDATE (Django's bulk_update builds a
    CASE per field and row and takes minutes for 100,000 rows); unchanged rows only get their version bumped."""
    now = timezone.now()
    before, after, relink, changed_rows, same_ids = {}, {}, [], [], []
    for r in batch:
        pk, version, old_values, old_sectors, old_departments = r.existing
        new_values = dict(zip(FIELDS, r.values, strict=True))
        changed = {f: (old_values[f], v) for f, v in new_values.items() if old_values[f] != v}
        new_departments = sorted(r.departments)
        if old_sectors != r.sectors:
            changed["sectors"] = (old_sectors, r.sectors)
        if old_departments != new_departments:
            changed["departments"] = (old_departments, new_departments)
        if "sectors" in changed or "departments" in changed:
            relink.append((pk, r))
        if changed:
            before[pk] = {f: old for f, (old, _) in changed.items()}
            after[pk] = {f: new for f, (_, new) in changed.items()}
            changed_rows.append((pk, version, r.values))
        else:
            same_ids.append((pk, version))
    _raw_update(changed_rows, same_ids, now)
    for pk, changes in after.items():
        if "region_id" in changes:  # records hanging on the enterprise follow it (hazards' home region)
            enterprise_moved.send(sender=Enterprise, enterprise=Enterprise(pk=pk), old_region=before[pk]["region_id"],
                                  new_region=changes["region_id"])
    if relink:
        ids = [pk for pk, _ in relink]
        for chunk in _chunks(ids):
            EnterpriseSector.objects.filter(enterprise_id__in=chunk).delete()
            EnterpriseDepartment.objects.filter(enterprise_id__in=chunk).delete()
        _insert_links(relink)
    ids = [r.existing[0] for r in batch]
    rows = [{"row": r.row, "id": r.existing[0]} | r.as_dict() for r in batch]
    record(
        actor=actor,
        action=Action.UPDATE,
        model=Enterprise._meta.label_lower,
        object_id=f"{ids[0]}..{ids[-1]}",
        object_repr=f"批量导入更新 {len(ids)} 条",
        before={"changed": before},
        after={"ids": ids, "changed": after, "digest": _digest(rows)},
    )


def _raw_update(changed_rows: list[tuple[int, int, list]], same: list[tuple[int, int]], now) -> None:
    """UPDATE by primary key: every field for changed rows, only version and updated_at for the others."""
    connection = transaction.get_connection()
    meta = Enterprise._meta
    quote = connection.ops.quote_name
    fields = [meta.get_field(f) for f in FIELDS]
    version_field, updated_field = meta.get_field("version"), meta.get_field("updated_at")
    table = quote(meta.db_table)
    stamp = updated_field.get_db_prep_save(now, connection)
    with connection.cursor() as cursor:
        if changed_rows:
            sets = ", ".join(f"{quote(f.column)} = %s" for f in [*fields, version_field, updated_field])
            cursor.executemany(
                f"UPDATE {table} SET {sets} WHERE {quote(meta.pk.column)} = %s",
                [[*(f.get_db_prep_save(v, connection) for f, v in zip(fields, values, strict=True)),
                  version + 1, stamp, pk] for pk, version, values in changed_rows],
            )
        if same:
            cursor.executemany(
                f"UPDATE {table} SET {quote(version_field.column)} = %s, {quote(updated_field.column)} = %s "
                f"WHERE {quote(meta.pk.column)} = %s",
                [[version + 1, stamp, pk] for pk, version in same],
            )


def _insert_links(rows: list[tuple[int, _Row]]) -> None:
    """The sector links (in order) and department links of freshly written enterprises, by executemany."""
    connection = transaction.get_connection()
    quote = connection.ops.quote_name

    def insert(model, fields, params):
        if params:
            columns = ", ".join(quote(model._meta.get_field(f).column) for f in fields)
            with connection.cursor() as cursor:
                cursor.executemany(f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "
                                   f"VALUES ({', '.join(['%s'] * len(fields))})", params)

    insert(EnterpriseSector, ("enterprise", "sector", "order"),
           [(pk, code, i) for pk, r in rows for i, code in enumerate(r.sectors)])
    insert(EnterpriseDepartment, ("enterprise", "department"), [(pk, d) for pk, r in rows for d in r.departments])
