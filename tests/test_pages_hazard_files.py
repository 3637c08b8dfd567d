"""The ledger's file pages: the export respects the list's query string and the person's scope; the import
runs as a background job (run at once by the test task backend) with its job page and annotated workbook;
附件6 is served only to those who see the hazard."""
import io
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from openpyxl import load_workbook

from apps.core.http import DOCX, XLSX
from apps.core.models import Job, JobStatus
from apps.hazards.models import Hazard
from tests.test_hazard_files import PLAN, department_row, make_ledger, sheet_rows, workbook


@pytest.fixture
def ledger(world):
    return make_ledger(world)


@pytest.fixture
def upload(client, django_capture_on_commit_callbacks):
    def post(content, name="隐患台账.xlsx"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/hazards/import/", {"file": SimpleUploadedFile(name, content, content_type=XLSX)})
        assert response.status_code == 302, response.content.decode()[:500]
        return Job.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))

    return post


def titles(response) -> set[str]:
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    return {row["隐患名称"] for row in sheet_rows(response.content)}


# ----------------------------------------------------------------------------------------------------- export

def test_export_follows_the_list_query_string(client, world, ledger):
    client.force_login(world.office_a_user)
    everything = {"储罐区可燃气体报警器失效", "脚手架连墙件缺失", "河堤护栏缺失"}
    assert titles(client.get("/hazards/export/")) == everything
    assert titles(client.get("/hazards/export/?level=major")) == {"储罐区可燃气体报警器失效"}
    assert titles(client.get("/hazards/export/?status=reported&source=assigned")) == {"河堤护栏缺失"}
    assert titles(client.get("/hazards/export/?q=脚手架")) == {"脚手架连墙件缺失"}
    assert titles(client.get(f"/hazards/export/?enterprise={world.chem_a.pk}")) == {"储罐区可燃气体报警器失效"}
    assert titles(client.get("/hazards/export/?level=bogus")) == set()  # a wrong filter gives nothing, not all
    response = client.get("/hazards/export/")
    assert response["Content-Disposition"].endswith(f"filename*=UTF-8''{quote('隐患台账.xlsx')}")


def test_export_respects_scope(client, world, ledger):
    client.force_login(world.office_a_user)
    assert "=HYPERLINK(\"x\")装卸区静电接地失效" not in titles(client.get("/hazards/export/?region=411003"))
    assert titles(client.get("/hazards/export/?region=411003")) == set()
    client.force_login(world.ent_user)
    assert titles(client.get("/hazards/export/")) == {"储罐区可燃气体报警器失效"}
    client.force_login(world.city_emergency_user)  # found the 建安区 hazard; supervises chemicals in the city
    assert titles(client.get("/hazards/export/?level=major")) == {"储罐区可燃气体报警器失效",
                                                                  "=HYPERLINK(\"x\")装卸区静电接地失效"}
    client.logout()
    assert client.get("/hazards/export/").status_code == 302


# ----------------------------------------------------------------------------------------------------- import

def test_a_good_ledger_is_imported_by_the_job(client, world, upload):
    client.force_login(world.a_emergency_user)
    page = client.get("/hazards/import/").content.decode()
    assert "/hazards/import/template/" in page and "导入隐患台账" in page
    job = upload(workbook([department_row(world, **PLAN), department_row(world, **{"隐患名称": "第二条"})]))
    assert job.status == JobStatus.SUCCEEDED, job.result
    assert (job.kind, job.result["created"], job.result["planned"]) == ("hazard_import", 2, 1)
    assert job.done == job.total == 4
    assert set(Hazard.objects.values_list("title", "status")) == {("反应釜安全阀未检验", "rectifying"),
                                                                 ("第二条", "reported")}
    body = client.get(f"/hazards/import/jobs/{job.pk}/").content.decode()
    assert "导入完成：新增隐患 2 条，其中 1 条含治理方案（整改中），1 条待整改。" in body
    assert f'href="/hazards/import/jobs/{job.pk}/"' in client.get("/hazards/import/").content.decode()


def test_a_ledger_with_a_wrong_row_writes_nothing_and_hands_back_the_annotated_file(client, world, upload):
    client.force_login(world.office_a_user)
    rows = [department_row(world, **{"隐患来源": "上级交办", "负责部门": "魏都区应急管理局"}),
            department_row(world, **{"隐患来源": "上级交办", "负责部门": "建安区应急管理局",
                                     "企业统一社会信用代码": world.chem_b.uscc})]
    job = upload(workbook(rows))
    assert job.status == JobStatus.FAILED and job.result["error_count"] == 1
    assert not Hazard.objects.exists()
    body = client.get(f"/hazards/import/jobs/{job.pk}/").content.decode()
    assert "导入未完成，未写入任何数据" in body
    assert '<td class="nowrap">3</td><td class="nowrap">企业统一社会信用代码</td>' in body
    annotated = client.get(f"/hazards/import/jobs/{job.pk}/annotated/")
    assert annotated.status_code == 200 and annotated["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(annotated.content)).worksheets[0]
    assert sheet.cell(3, 1).fill.fgColor.rgb == "FFFF9999" and sheet.cell(2, 1).fill.fgColor.rgb != "FFFF9999"
    # the job is its starter's only, and only under its own kind
    client.force_login(world.office_city_user)
    assert client.get(f"/hazards/import/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/hazards/import/jobs/{job.pk}/annotated/").status_code == 404
    client.force_login(world.office_a_user)
    assert client.get(f"/enterprises/import/jobs/{job.pk}/").status_code == 404


def test_a_running_hazard_import_polls_its_own_page(client, world):
    from django.utils import timezone

    client.force_login(world.a_emergency_user)
    job = Job.objects.create(kind="hazard_import", user=world.a_emergency_user, status=JobStatus.RUNNING,
                             input_label="台账.xlsx", done=300, total=1200, heartbeat_at=timezone.now())
    body = client.get(f"/hazards/import/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert f'hx-get="/hazards/import/jobs/{job.pk}/"' in body and "已处理 300 / 1200" in body and "25%" in body
    assert "<html" not in body


def test_import_is_for_those_who_may_report(client, world):
    for user in (world.discipline_a_user, world.nobody):
        client.force_login(user)
        assert client.get("/hazards/import/").status_code == 403
    client.force_login(world.group_user)
    assert client.get("/hazards/import/").status_code == 200
    response = client.post("/hazards/import/", {"file": SimpleUploadedFile("台账.xls", b"\xd0\xcf\x11\xe0")})
    assert "请上传 .xlsx 格式的 Excel 文件" in response.content.decode() and not Job.objects.exists()


def test_template_download(client, world):
    client.force_login(world.ent_user)
    response = client.get("/hazards/import/template/")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert response["Content-Disposition"].endswith(f"filename*=UTF-8''{quote('隐患台账导入模板.xlsx')}")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["隐患台账", "填写说明"]
    assert [c.value for c in book["隐患台账"][1]][:6] == [
        "企业统一社会信用代码", "所在区划代码", "隐患名称", "隐患等级", "隐患来源", "发现日期"]


# ------------------------------------------------------------------------------------------------------- docx

def test_docx_for_those_who_see_the_hazard(client, world, ledger):
    hazard = ledger["chem_a"]
    client.force_login(world.a_emergency_user)
    response = client.get(f"/hazards/{hazard.pk}/docx/")
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    assert response["Content-Disposition"].endswith(
        f"filename*=UTF-8''{quote('重大事故隐患台账-储罐区可燃气体报警器失效.docx')}")
    table = Document(io.BytesIO(response.content)).tables[0]
    assert table.cell(3, 1).text == "储罐区可燃气体报警器失效"


def test_docx_is_404_without_scope(client, world, ledger):
    chem_b = ledger["chem_b"]  # 建安区
    for user in (world.office_a_user, world.ent_user, world.nobody):
        client.force_login(user)
        assert client.get(f"/hazards/{chem_b.pk}/docx/").status_code == 404
    client.force_login(world.office_city_user)
    assert client.get(f"/hazards/{chem_b.pk}/docx/").status_code == 200
