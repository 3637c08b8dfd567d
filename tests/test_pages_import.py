"""The import page: upload, errors shown row by row, the annotated workbook, the template download. The view
is tested against the spreadsheet module's interface (a stand-in result), and end to end when the module is
there."""
import io
import sys
import types
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core.http import XLSX
from tests.pages import needs_spreadsheet


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class Result:
    ok: bool
    created: int = 0
    updated: int = 0
    errors: list = field(default_factory=list)
    annotated: bytes | None = None


def xlsx_upload(name="企业.xlsx", content=None):
    if content is None:
        from openpyxl import Workbook

        buffer = io.BytesIO()
        Workbook().save(buffer)
        content = buffer.getvalue()
    return SimpleUploadedFile(name, content, content_type=XLSX)


@pytest.fixture
def fake_spreadsheet(monkeypatch):
    calls = []
    module = types.ModuleType("apps.enterprises.spreadsheet")

    def import_enterprises(fileobj, *, actor, progress=None):
        calls.append((fileobj.name, actor))
        return module.result

    module.import_enterprises = import_enterprises
    module.enterprise_template = lambda: b"PK\x03\x04template"
    module.export_enterprises = lambda queryset: b"PK\x03\x04export"
    module.result = Result(ok=True, created=2, updated=1)
    module.calls = calls
    monkeypatch.setitem(sys.modules, "apps.enterprises.spreadsheet", module)
    return module


def test_import_success_reports_counts(client, world, fake_spreadsheet):
    client.force_login(world.office_a_user)
    response = client.post("/enterprises/import/", {"file": xlsx_upload()}, follow=True)
    assert "导入完成：新增 2 家，更新 1 家。" in response.content.decode()
    assert fake_spreadsheet.calls[0][1] == world.office_a_user


def test_import_errors_listed_and_annotated_workbook_offered(client, world, fake_spreadsheet):
    errors = [RowError(row=i + 2, column="统一社会信用代码", message=f"第{i}个错误") for i in range(60)]
    fake_spreadsheet.result = Result(ok=False, errors=errors, annotated=b"PK\x03\x04annotated")
    client.force_login(world.office_a_user)
    response = client.post("/enterprises/import/", {"file": xlsx_upload()})
    body = response.content.decode()
    assert response.status_code == 200
    assert "共发现 60 处错误" in body and "前 50 处" in body
    assert "第49个错误" in body and "第50个错误" not in body
    assert "<th>行号</th><th>列</th><th>错误说明</th>" in body
    link = body.split('href="/enterprises/import/annotated/')[1].split('"')[0]
    download = client.get(f"/enterprises/import/annotated/{link}")
    assert download.status_code == 200 and download.content == b"PK\x03\x04annotated"
    assert download["Content-Type"] == XLSX
    assert "filename*=UTF-8''" in download["Content-Disposition"]
    # another session cannot fetch it
    client.force_login(world.office_city_user)
    assert client.get(f"/enterprises/import/annotated/{link}").status_code == 404


def test_import_refuses_what_is_not_xlsx(client, world, fake_spreadsheet):
    client.force_login(world.office_a_user)
    response = client.post("/enterprises/import/", {"file": SimpleUploadedFile("企业.csv", b"a,b\n")})
    assert "请上传 .xlsx 格式的 Excel 文件" in response.content.decode()
    response = client.post("/enterprises/import/", {"file": SimpleUploadedFile("企业.xlsx", b"not a zip")})
    assert "文件不是有效的 .xlsx 工作簿" in response.content.decode()
    assert fake_spreadsheet.calls == []


def test_template_download(client, world, fake_spreadsheet):
    client.force_login(world.office_a_user)
    response = client.get("/enterprises/import/template/")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert response["Content-Disposition"].endswith(
        "filename*=UTF-8''%E4%BC%81%E4%B8%9A%E4%BF%A1%E6%81%AF%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx")


def test_import_page_only_for_writers(client, world):
    client.force_login(world.group_user)
    assert client.get("/enterprises/import/").status_code == 403
    client.force_login(world.office_a_user)
    body = client.get("/enterprises/import/").content.decode()
    assert "/enterprises/import/template/" in body


@needs_spreadsheet
def test_real_template_round_trip(client, world):
    """The real module: the template downloads as a workbook, and the blank template imports cleanly."""
    client.force_login(world.office_a_user)
    template = client.get("/enterprises/import/template/")
    assert template.status_code == 200 and template.content[:2] == b"PK"
    response = client.post("/enterprises/import/", {"file": xlsx_upload("模板.xlsx", template.content)}, follow=True)
    assert response.status_code == 200


@needs_spreadsheet
def test_real_import_errors_then_success(client, world):
    """End to end with the real module: re-import the exported list with one broken credit code (refused, the
    error listed by row and column, the annotated workbook offered), then unbroken (updated)."""
    from openpyxl import load_workbook

    client.force_login(world.office_a_user)
    exported = client.get("/enterprises/export/").content
    workbook = load_workbook(io.BytesIO(exported))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    uscc_col = header.index("统一社会信用代码") + 1
    name_col = header.index("企业名称") + 1
    broken_row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, name_col).value == world.chem_a.name)
    good = sheet.cell(broken_row, uscc_col).value
    sheet.cell(broken_row, uscc_col).value = good[:17] + ("0" if good[17] != "0" else "1")
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = client.post("/enterprises/import/", {"file": xlsx_upload("企业.xlsx", buffer.getvalue())})
    body = response.content.decode()
    assert response.status_code == 200 and "导入未完成" in body
    assert f'<td class="nowrap">{broken_row}</td><td class="nowrap">统一社会信用代码</td>' in body
    token = body.split('href="/enterprises/import/annotated/')[1].split('"')[0]
    annotated = client.get(f"/enterprises/import/annotated/{token}")
    assert annotated.status_code == 200 and annotated.content[:2] == b"PK"
    response = client.post("/enterprises/import/", {"file": xlsx_upload("企业.xlsx", exported)}, follow=True)
    assert "导入完成：新增 0 家，更新 4 家。" in response.content.decode()
