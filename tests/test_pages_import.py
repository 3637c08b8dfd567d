"""The import page: upload → a background job (run at once by the test task backend) → the job page with
progress, the result row by row, the annotated workbook. End to end with the real spreadsheet module."""
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from apps.core.http import XLSX
from apps.core.models import Job, JobStatus
from apps.enterprises.models import Enterprise


def xlsx_upload(name, content):
    return SimpleUploadedFile(name, content, content_type=XLSX)


@pytest.fixture
def upload(client, django_capture_on_commit_callbacks):
    def post(content, name="企业.xlsx"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/enterprises/import/", {"file": xlsx_upload(name, content)})
        assert response.status_code == 302, response.content.decode()[:500]
        return Job.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))

    return post


def exported_with_broken_row(client, world):
    exported = client.get("/enterprises/export/").content
    workbook = load_workbook(io.BytesIO(exported))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    uscc_col, name_col = header.index("统一社会信用代码") + 1, header.index("企业名称") + 1
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, name_col).value == world.chem_a.name)
    good = sheet.cell(row, uscc_col).value
    sheet.cell(row, uscc_col).value = good[:17] + ("0" if good[17] != "0" else "1")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return exported, buffer.getvalue(), row


def test_a_file_with_one_bad_row_writes_nothing_and_lists_the_row(client, world, upload):
    client.force_login(world.office_a_user)
    _, broken, row = exported_with_broken_row(client, world)
    before = list(Enterprise.objects.order_by("pk").values_list("pk", "version"))
    job = upload(broken)
    assert job.status == JobStatus.FAILED and job.result["error_count"] == 1
    assert list(Enterprise.objects.order_by("pk").values_list("pk", "version")) == before
    body = client.get(f"/enterprises/import/jobs/{job.pk}/").content.decode()
    assert "导入未完成，未写入任何数据" in body
    assert f'<td class="nowrap">{row}</td><td class="nowrap">统一社会信用代码</td>' in body
    annotated = client.get(f"/enterprises/import/jobs/{job.pk}/annotated/")
    assert annotated.status_code == 200 and annotated["Content-Type"] == XLSX
    assert "filename*=UTF-8''" in annotated["Content-Disposition"]
    assert load_workbook(io.BytesIO(annotated.content)).worksheets[0].cell(1, 1).value is not None


def test_a_clean_file_is_written_and_counted(client, world, upload):
    client.force_login(world.office_a_user)
    exported, _, _ = exported_with_broken_row(client, world)
    job = upload(exported)
    assert job.status == JobStatus.SUCCEEDED
    assert (job.result["created"], job.result["updated"]) == (0, 4)
    assert job.done == job.total > 0
    body = client.get(f"/enterprises/import/jobs/{job.pk}/").content.decode()
    assert "导入完成：新增 0 家，更新 4 家。" in body


def test_the_job_runs_with_the_membership_the_person_acted_for(client, world, upload):
    # multi acts for 建安化工 (an enterprise membership, which may not import) or 魏都区住建局 (which may)
    from tests.pages import act_as

    user = world.multi_user
    client.force_login(user)
    act_as(client, user.memberships.get(kind="department"))
    exported = client.get("/enterprises/export/").content
    job = upload(exported)
    assert job.status == JobStatus.SUCCEEDED, job.result
    assert job.acting_membership_id == user.memberships.get(kind="department").pk


def test_only_the_person_who_started_a_job_sees_it(client, world, upload):
    client.force_login(world.office_a_user)
    exported, broken, _ = exported_with_broken_row(client, world)
    job = upload(broken)
    client.force_login(world.office_city_user)
    assert client.get(f"/enterprises/import/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/enterprises/import/jobs/{job.pk}/annotated/").status_code == 404


def test_a_job_cut_off_by_a_restart_is_reported_not_lost(client, world):
    client.force_login(world.office_a_user)
    job = Job.objects.create(kind="enterprise_import", user=world.office_a_user, status=JobStatus.RUNNING,
                             input_label="大文件.xlsx", done=3000, total=100000,
                             heartbeat_at=timezone.now() - datetime.timedelta(minutes=10))
    body = client.get(f"/enterprises/import/jobs/{job.pk}/").content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.INTERRUPTED
    assert "中断" in body and "请重新提交" in body


def test_a_running_job_shows_its_progress_and_polls(client, world):
    client.force_login(world.office_a_user)
    job = Job.objects.create(kind="enterprise_import", user=world.office_a_user, status=JobStatus.RUNNING,
                             input_label="大文件.xlsx", done=25000, total=100000, heartbeat_at=timezone.now())
    body = client.get(f"/enterprises/import/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "已处理 25000 / 100000" in body and 'hx-trigger="every 1s"' in body and "25%" in body
    assert "<html" not in body  # the fragment only


def test_a_job_is_run_only_once(world, upload, client):
    from apps.enterprises.tasks import import_enterprises_job

    client.force_login(world.office_a_user)
    exported, _, _ = exported_with_broken_row(client, world)
    job = upload(exported)
    versions = list(Enterprise.objects.order_by("pk").values_list("version", flat=True))
    import_enterprises_job.call(job.pk)  # a second delivery of the same task
    assert list(Enterprise.objects.order_by("pk").values_list("version", flat=True)) == versions


def test_import_refuses_what_is_not_xlsx(client, world):
    client.force_login(world.office_a_user)
    response = client.post("/enterprises/import/", {"file": SimpleUploadedFile("企业.csv", b"a,b\n")})
    assert "请上传 .xlsx 格式的 Excel 文件" in response.content.decode()
    response = client.post("/enterprises/import/", {"file": SimpleUploadedFile("企业.xlsx", b"not a zip")})
    assert "文件不是有效的 .xlsx 工作簿" in response.content.decode()
    assert not Job.objects.exists()


def test_template_download(client, world):
    client.force_login(world.office_a_user)
    response = client.get("/enterprises/import/template/")
    assert response.status_code == 200 and response["Content-Type"] == XLSX and response.content[:2] == b"PK"
    assert response["Content-Disposition"].endswith(
        "filename*=UTF-8''%E4%BC%81%E4%B8%9A%E4%BF%A1%E6%81%AF%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx")


def test_import_page_only_for_writers(client, world):
    client.force_login(world.group_user)
    assert client.get("/enterprises/import/").status_code == 403
    client.force_login(world.office_a_user)
    assert "/enterprises/import/template/" in client.get("/enterprises/import/").content.decode()
