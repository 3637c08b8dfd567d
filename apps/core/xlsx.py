"""Small helpers for the .xlsx files people send each other: reading an upload safely, a styled header, column
widths that fit Chinese text, and an annotated copy of an uploaded workbook (wrong cells red, with a comment,
and a note column at the end of each wrong row).

Everything here streams (openpyxl read-only and write-only modes), so a sheet of 100,000 rows never sits in
memory as cell objects.
"""
from __future__ import annotations

import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="FFDDEBF7")
REQUIRED_HEADER_FILL = PatternFill("solid", fgColor="FFFCE4D6")
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
THIN = Side(style="thin", color="FF999999")
HEADER_BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
ERROR_FILL = PatternFill("solid", fgColor="FFFF9999")  # the red of a wrong cell
ERROR_NOTE_FONT = Font(color="FFC00000")
COMMENT_AUTHOR = "隐患排查治理平台"

# What an upload may expand to once unzipped (a zip bomb guard): generous, 100,000 rows take about 60 MB.
MAX_UNZIPPED_FACTOR = 40
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (and encrypted .xlsx)
ZIP_MAGIC = b"PK\x03\x04"


class XlsxError(ValueError):
    """An upload that is not a readable .xlsx workbook; the message is for the user, in Chinese."""


# ---------------------------------------------------------------------------------------------------- reading

def read_upload(fileobj, max_bytes: int) -> bytes:
    """The bytes of an upload (a Django UploadedFile, any binary file object, or bytes), refusing more than
    `max_bytes` without reading the rest."""
    if isinstance(fileobj, bytes | bytearray | memoryview):
        data = bytes(fileobj)
    else:
        size = getattr(fileobj, "size", None)
        if size is not None and size > max_bytes:
            raise XlsxError(_too_big(max_bytes))
        if hasattr(fileobj, "seek"):
            try:
                fileobj.seek(0)
            except (OSError, ValueError):
                pass
        data = fileobj.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise XlsxError(_too_big(max_bytes))
    return data


def _too_big(max_bytes: int) -> str:
    return f"文件过大：导入文件不得超过 {max_bytes / 1024 / 1024:.0f} MB，请分批导入"


def open_xlsx(data: bytes):
    """A read-only openpyxl workbook of `data` (values, not formulas), or XlsxError saying why not."""
    if not data:
        raise XlsxError("文件为空，请上传 .xlsx 格式的工作簿")
    if data.startswith(OLE_MAGIC):
        raise XlsxError("不支持旧版 .xls 格式（或文件已加密），请在 Excel/WPS 中另存为 .xlsx 后再上传")
    if not data.startswith(ZIP_MAGIC):
        raise XlsxError("文件不是 .xlsx 格式的工作簿，请使用导入模板填写后上传")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            unzipped = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise XlsxError("文件已损坏或不是 .xlsx 格式的工作簿") from exc
    if "xl/workbook.xml" not in names:
        raise XlsxError("文件不是 .xlsx 格式的工作簿（可能是 Word 或其他压缩文件）")
    if unzipped > max(len(data) * MAX_UNZIPPED_FACTOR, 50 * 1024 * 1024):
        raise XlsxError("文件内容异常（解压后过大），请检查后重新上传")
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a malformed package
        raise XlsxError("无法读取该 .xlsx 文件，请在 Excel/WPS 中打开并重新保存后上传") from exc


def iter_rows(worksheet) -> Iterator[tuple[int, tuple]]:
    """(Excel row number, values) for every row of a read-only sheet, not trusting the sheet's recorded
    dimension (some writers record it wrong and openpyxl would then stop early)."""
    if hasattr(worksheet, "reset_dimensions"):
        worksheet.reset_dimensions()
    yield from enumerate(worksheet.iter_rows(values_only=True), start=1)


def cell_text(value) -> str:
    """A cell's value as the text a person typed: numbers without a trailing .0, dates as ISO, stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
        value = value.date()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value).strip()


def code_text(value) -> str:
    """A code typed in a cell (full-width letters and digits folded, spaces removed)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", cell_text(value)))


# ---------------------------------------------------------------------------------------------------- writing

def text_width(value) -> int:
    """Display width of a value: a CJK character counts two."""
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def column_widths(headers: Iterable[str], samples: Iterable[Iterable] = (), minimum: int = 8,
                  maximum: int = 60) -> list[float]:
    """Widths that fit the header and the sample rows (a few hundred rows are enough)."""
    widths = [text_width(h) + 2 for h in headers]
    for row in samples:
        for i, value in enumerate(row):
            if i < len(widths):
                widths[i] = max(widths[i], text_width(value) + 2)
    return [min(max(w, minimum), maximum) for w in widths]


def set_column_widths(worksheet, widths: Iterable[float]) -> None:
    """Must come before the first row of a write-only sheet."""
    for i, width in enumerate(widths, start=1):
        worksheet.column_dimensions[get_column_letter(i)].width = width


def safe_value(value):
    """A value openpyxl will store as it is: text that looks like a formula stays text (no formula injection
    into the files we hand out), characters Excel cannot store are dropped."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def write_cell(worksheet, value, *, font=None, fill=None, comment: str | None = None, number_format=None,
               alignment=None, border=None) -> WriteOnlyCell:
    """A write-only cell; a string is always a string (never a formula)."""
    cell = WriteOnlyCell(worksheet, value=safe_value(value))
    if isinstance(cell.value, str) and cell.data_type == "f":
        cell.data_type = "s"
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if number_format is not None:
        cell.number_format = number_format
    if alignment is not None:
        cell.alignment = alignment
    if border is not None:
        cell.border = border
    if comment:
        cell.comment = make_comment(comment)
    return cell


def make_comment(text: str) -> Comment:
    comment = Comment(text, COMMENT_AUTHOR)
    lines = text.count("\n") + 1 + text_width(text) // 40
    comment.width = 300
    comment.height = max(60, min(400, 20 * lines))
    return comment


def header_row(worksheet, headers: Iterable[str], *, comments: dict[str, str] | None = None,
               required: Iterable[str] = ()) -> list[WriteOnlyCell]:
    """Bold, shaded, bordered header cells (required columns in a warmer shade), with optional comments."""
    required = set(required)
    comments = comments or {}
    return [
        write_cell(worksheet, h, font=HEADER_FONT, fill=REQUIRED_HEADER_FILL if h in required else HEADER_FILL,
                   alignment=HEADER_ALIGNMENT, border=HEADER_BORDER, comment=comments.get(h))
        for h in headers
    ]


def style_header(worksheet, headers: list[str], *, comments: dict[str, str] | None = None,
                 required: Iterable[str] = ()) -> None:
    """The same header for an ordinary (not write-only) sheet: row 1, frozen."""
    required = set(required)
    comments = comments or {}
    for i, h in enumerate(headers, start=1):
        cell = worksheet.cell(row=1, column=i, value=h)
        cell.font = HEADER_FONT
        cell.fill = REQUIRED_HEADER_FILL if h in required else HEADER_FILL
        cell.alignment = HEADER_ALIGNMENT
        cell.border = HEADER_BORDER
        if comments.get(h):
            cell.comment = make_comment(comments[h])
    worksheet.freeze_panes = "A2"


def workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------- annotating

def annotated_copy(data: bytes, marks: dict[int, dict[int, str]], notes: dict[int, str], *,
                   note_header: str = "错误说明", sheet_index: int = 0, header_row_number: int = 1) -> bytes:
    """A copy of the workbook `data` with, on sheet `sheet_index`, every cell in `marks` ({row: {column
    (1-based): message}}) filled red with the message as its comment, and `notes` ({row: text}) in a column
    `note_header` after the last column (an existing column of that name, from an earlier round, is reused and
    its old notes dropped). Other sheets are copied as values.

    The copy streams, so it costs about as much as reading the file: values, dates and text survive, but the
    uploader's own formatting (fonts, colours, widths, merged cells) does not; the header row is re-styled.
    """
    source = open_xlsx(data)
    target = Workbook(write_only=True)
    for index, sheet in enumerate(source.worksheets):
        out = target.create_sheet(title=sheet.title)
        if index == sheet_index:
            _annotate_sheet(sheet, out, marks, notes, note_header, header_row_number)
        else:
            for _, values in iter_rows(sheet):
                out.append([write_cell(out, v) if v is not None else None for v in values])
    source.close()
    return workbook_bytes(target)


def _annotate_sheet(sheet, out, marks, notes, note_header, header_row_number) -> None:
    rows = iter_rows(sheet)
    pending: list[tuple[int, tuple]] = []
    header: tuple = ()
    for number, values in rows:  # rows above and at the header
        pending.append((number, values))
        if number == header_row_number:
            header = values
            break
    headers = [cell_text(v) for v in header]
    while headers and not headers[-1]:
        headers.pop()
    if note_header in headers:
        note_col = headers.index(note_header) + 1
    else:
        note_col = len(headers) + 1
        headers.append(note_header)
    set_column_widths(out, [w if i + 1 != note_col else 50 for i, w in enumerate(column_widths(headers))])
    out.freeze_panes = f"A{header_row_number + 1}"
    for number, values in pending:
        if number == header_row_number:
            out.append(header_row(out, headers))
        else:
            out.append([write_cell(out, v) if v is not None else None for v in values])
    for number, values in rows:
        row_marks = marks.get(number, {})
        width = max(len(values), note_col)
        cells = []
        for col in range(1, width + 1):
            if col == note_col:
                note = notes.get(number)
                cells.append(write_cell(out, note, font=ERROR_NOTE_FONT) if note else None)
                continue
            value = values[col - 1] if col <= len(values) else None
            message = row_marks.get(col)
            if message:
                cells.append(write_cell(out, value, fill=ERROR_FILL, comment=message))
            elif value is not None:
                cells.append(write_cell(out, value))
            else:
                cells.append(None)
        out.append(cells)


# --- what every register's import shares: row errors, the abort, the annotated workbook -------------------------

NOTE_HEADER = "错误说明"


@dataclass(frozen=True)
class RowError:
    row: int  # the Excel row number; 0 for the file as a whole
    column: str  # the Chinese header; "" for the file as a whole
    message: str


class RowErrors:
    """The errors found while checking a sheet, with the header each column key prints as."""

    def __init__(self, headers: dict[str, str]):
        self.headers = headers
        self.items: list[RowError] = []
        self.rows: set[int] = set()

    def add(self, row: int, key: str, message: str) -> None:
        self.items.append(RowError(row, self.headers.get(key, key), message))
        self.rows.add(row)

    def __bool__(self) -> bool:
        return bool(self.items)


class ImportAborted(Exception):
    """Something changed under the import while it wrote (a concurrent edit): everything is rolled back."""

    def __init__(self, errors: list[RowError]):
        super().__init__(errors)
        self.errors = errors


def chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def header_key(text: str) -> str:
    """A header as typed, without spaces, asterisks and 必填 marks."""
    return re.sub(r"[\s*＊]|（必填）|\(必填\)", "", text)


def annotate_errors(data: bytes, columns: dict[str, int], errors: list[RowError],
                    sheet_index: int) -> tuple[list[RowError], bytes | None]:
    """The errors in sheet order, and the uploaded workbook with each wrong cell marked and a 错误说明 column
    (None when no error points at a row)."""
    errors = sorted(errors, key=lambda e: (e.row, columns.get(e.column, 0)))
    marks: dict[int, dict[int, str]] = {}
    notes: dict[int, list[str]] = {}
    for e in errors:
        if e.row <= 0:
            continue
        col = columns.get(e.column)
        if col is not None:
            cell = marks.setdefault(e.row, {})
            cell[col] = f"{cell[col]}\n{e.message}" if col in cell else e.message
        notes.setdefault(e.row, []).append(f"{e.column}：{e.message}" if e.column else e.message)
    annotated = annotated_copy(data, marks, {row: "；".join(n) for row, n in notes.items()},
                               note_header=NOTE_HEADER, sheet_index=sheet_index) if marks or notes else None
    return errors, annotated


class GuideSheet:
    """The 填写说明 sheet of an import template: a heading with numbered notes, then small tables."""

    def __init__(self, workbook: Workbook, title: str, widths: Iterable[int]):
        self.sheet = workbook.create_sheet(title)
        for index, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        self.wrap = Alignment(wrap_text=True, vertical="top")

    def row(self, values: list, bold: bool = False, wrapped: bool = False) -> None:
        self.sheet.append(values)
        for cell in self.sheet[self.sheet.max_row]:
            if bold:
                cell.font = HEADER_FONT
            if wrapped:
                cell.alignment = self.wrap

    def notes(self, heading: str, notes: Iterable[str]) -> None:
        self.row([heading], bold=True)
        for note in notes:
            self.row([note])

    def table(self, header: list, rows: Iterable[list], wrapped: bool = False) -> None:
        self.row([])
        self.row(header, bold=True)
        for values in rows:
            self.row(list(values), wrapped=wrapped)
