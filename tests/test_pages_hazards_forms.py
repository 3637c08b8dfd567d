"""Each step of the hazard's life through its form: allowed and refused (403 with the reason for the wrong
role, a message on the form for the wrong state or a missing element), a stale form answers 409 keeping what
was typed, evidence is checked by its bytes and size, and served only to those who see the hazard."""
import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.campaigns.models import Campaign
from apps.hazards import services
from apps.hazards.models import Evidence, Hazard, Listing, Status, Transfer

TODAY = datetime.date.today()
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def jpeg(name="现场.jpg"):
    return SimpleUploadedFile(name, JPEG, content_type="image/jpeg")


def day(delta=0) -> str:
    return (TODAY + datetime.timedelta(days=delta)).isoformat()


def plan_post(h, **overrides) -> dict:
    data = {"version": h.version, "owner": "张三（设备部）", "measures": "更换储罐区可燃气体报警器", "funds": "3.5",
            "deadline": day(30), "contingency": "停止储罐区动火作业，现场配备应急器材", "goal": "报警器全部有效",
            "requirements": "", "interim_controls": "停止相关作业", "planned_on": day()}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def major(world):
    return services.hazard_report(actor=world.ent_user, data={
        "enterprise": world.chem_a, "title": "储罐区可燃气体报警器失效", "level": "major", "source": "self",
        "department": world.a_emergency, "found_on": TODAY - datetime.timedelta(days=5)})


@pytest.fixture
def general(world):
    return services.hazard_report(actor=world.ent_user, data={
        "enterprise": world.chem_a, "title": "消防通道堆放杂物", "level": "general", "source": "self",
        "department": world.a_emergency, "found_on": TODAY - datetime.timedelta(days=1)})


def fresh(h) -> Hazard:
    return Hazard.objects.get(pk=h.pk)


def planned(world, h) -> Hazard:
    return services.hazard_plan(actor=world.ent_user, hazard=h, plan={
        "owner": "张三", "measures": "更换", "funds": 1, "deadline": TODAY + datetime.timedelta(days=30),
        "contingency": "预案"})


def submitted(world, h) -> Hazard:
    return services.hazard_submit(actor=world.ent_user, hazard=planned(world, h))


# --- report -------------------------------------------------------------------------------------------------------

def test_enterprise_reports_a_major_hazard_with_photos(client, world):
    client.force_login(world.ent_user)
    form = client.get("/hazards/new/").content.decode()
    assert "企业自查" in form and "部门检查" not in form  # sources limited to the membership
    assert "建安化工有限公司" not in form
    response = client.post("/hazards/new/", {
        "enterprise": world.chem_a.pk, "title": "液氨储罐安全阀失效", "level": "major", "source": "self",
        "department": world.a_emergency.pk, "found_on": day(), "kind": "设备设施", "nature": "重大",
        "location": "罐区", "description": "安全阀超期未检", "harm_analysis": "可能导致爆炸；整改较易",
        "criterion": "《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准》第八条",
        "files": [jpeg("一.jpg"), SimpleUploadedFile("二.png", PNG, content_type="image/png")]})
    assert response.status_code == 302, response.content.decode()[:3000]
    h = Hazard.objects.get(title="液氨储罐安全阀失效")
    assert (h.source, h.region_id, h.sector_id, h.status, h.kind) == ("self", "411002", "chemicals", "reported",
                                                                      "设备设施")
    assert sorted(e.stage for e in h.evidence.all()) == ["before", "before"]
    assert {e.content_type for e in h.evidence.all()} == {"image/jpeg", "image/png"}
    page = client.get(response["Location"]).content.decode()
    assert "已登记隐患" in page and "evidence-thumb" in page and 'loading="lazy"' in page


def test_report_names_the_wrong_department_on_the_form(client, world):
    client.force_login(world.ent_user)
    response = client.post("/hazards/new/", {
        "enterprise": world.chem_a.pk, "title": "x", "level": "general", "source": "self",
        "department": world.b_emergency.pk, "found_on": day()})
    assert response.status_code == 200
    assert not Hazard.objects.filter(title="x").exists()


def test_department_reports_a_hazard_without_an_enterprise(client, world):
    client.force_login(world.a_emergency_user)
    response = client.post("/hazards/new/", {
        "enterprise": "", "region": world.township_a.code, "title": "河堤护栏缺失", "level": "general",
        "source": "department", "sector": "industry_trade", "found_on": day()})
    assert response.status_code == 302, response.content.decode()[:3000]
    h = Hazard.objects.get(title="河堤护栏缺失")
    assert (h.enterprise, h.region_id, h.department, h.found_by_department) == (
        None, world.township_a.code, world.a_emergency, world.a_emergency)


def test_no_region_no_enterprise_is_a_field_error(client, world):
    client.force_login(world.a_emergency_user)
    response = client.post("/hazards/new/", {"title": "x", "level": "general", "source": "department",
                                             "sector": "industry_trade", "found_on": day()})
    assert response.status_code == 200
    assert "没有企业的隐患须填写所在区划" in response.content.decode()


def test_a_discipline_membership_may_not_report(client, world):
    client.force_login(world.discipline_a_user)
    response = client.get("/hazards/new/")
    assert response.status_code == 403 and "您无权登记隐患" in response.content.decode()


# --- plan ---------------------------------------------------------------------------------------------------------

def test_enterprise_files_the_plan(client, world, major):
    client.force_login(world.ent_user)
    form = client.get(f"/hazards/{major.pk}/plan/").content.decode()
    assert 'name="version"' in form and 'type="hidden"' in form
    response = client.post(f"/hazards/{major.pk}/plan/", plan_post(major))
    assert response.status_code == 302, response.content.decode()[:3000]
    h = fresh(major)
    assert (h.status, h.deadline, h.version) == (Status.RECTIFYING, TODAY + datetime.timedelta(days=30), 2)
    page = client.get(f"/hazards/{h.pk}/").content.decode()
    assert "更换储罐区可燃气体报警器" in page and "依法不予行政处罚" in page
    assert f"/hazards/{h.pk}/submit/" in page and f"/hazards/{h.pk}/plan/" not in page


def test_the_department_may_not_file_the_plan(client, world, major):
    client.force_login(world.a_emergency_user)
    assert f"/hazards/{major.pk}/plan/" not in client.get(f"/hazards/{major.pk}/").content.decode()
    for response in (client.get(f"/hazards/{major.pk}/plan/"), client.post(f"/hazards/{major.pk}/plan/",
                                                                               plan_post(major))):
        assert response.status_code == 403
        assert "只有企业人员可以制定治理方案" in response.content.decode()
    assert fresh(major).status == Status.REPORTED


@pytest.mark.parametrize("field, label", [("owner", "责任人"), ("measures", "措施"), ("funds", "资金"),
                                          ("deadline", "时限"), ("contingency", "应急预案")])
def test_a_plan_missing_one_of_the_five_elements_is_a_field_error(client, world, major, field, label):
    client.force_login(world.ent_user)
    response = client.post(f"/hazards/{major.pk}/plan/", plan_post(major, **{field: ""}))
    assert response.status_code == 200
    body = response.content.decode()
    assert f"治理方案须具备五要素：请填写{label}。" in body
    assert re.search(rf'name="{field}"[^>]*is-invalid|is-invalid[^>]*name="{field}"', body)
    assert fresh(major).status == Status.REPORTED


def test_planning_twice_is_refused_by_state(client, world, major):
    planned(world, major)
    client.force_login(world.ent_user)
    page = client.get(f"/hazards/{major.pk}/plan/").content.decode()
    assert "不能制定治理方案" in page and "disabled" in page
    response = client.post(f"/hazards/{major.pk}/plan/", plan_post(fresh(major)))
    assert response.status_code == 200
    assert "隐患当前状态为“整改中”，不能制定治理方案。" in response.content.decode()


def test_a_stale_form_answers_409_and_keeps_the_input(client, world, major):
    client.force_login(world.ent_user)
    data = plan_post(major, owner="王五（只在这张表里）")
    services.hazard_plan(actor=world.ent_user, hazard=major, plan={  # someone else got there first
        "owner": "张三", "measures": "x", "funds": 1, "deadline": TODAY, "contingency": "y"}, version=1)
    Hazard.objects.filter(pk=major.pk).update(status=Status.REPORTED)  # same state, newer version
    response = client.post(f"/hazards/{major.pk}/plan/", data)
    assert response.status_code == 409
    body = response.content.decode()
    assert "该记录已被他人修改，请刷新后重试。" in body
    assert "王五（只在这张表里）" in body and "更换储罐区可燃气体报警器" in body


# --- fix on the spot ----------------------------------------------------------------------------------------------

def test_a_general_hazard_is_fixed_on_the_spot_with_a_photo(client, world, general):
    client.force_login(world.ent_user)
    response = client.post(f"/hazards/{general.pk}/fix-on-spot/", {
        "version": general.version, "fixed_on": day(), "note": "已清理", "files": [jpeg("清理后.jpg")]})
    assert response.status_code == 302, response.content.decode()[:3000]
    h = fresh(general)
    assert (h.status, h.fixed_on_spot, h.closed_on) == (Status.CLOSED, True, TODAY)
    assert [e.stage for e in h.evidence.all()] == ["after"]


def test_fix_on_spot_needs_a_photo(client, world, general):
    client.force_login(world.ent_user)
    response = client.post(f"/hazards/{general.pk}/fix-on-spot/", {"version": general.version, "fixed_on": day()})
    assert response.status_code == 200 and "立即整改须上传整改后的照片或材料" in response.content.decode()


def test_a_major_hazard_cannot_be_fixed_on_the_spot(client, world, major):
    client.force_login(world.ent_user)
    assert f"/hazards/{major.pk}/fix-on-spot/" not in client.get(f"/hazards/{major.pk}/").content.decode()
    response = client.post(f"/hazards/{major.pk}/fix-on-spot/", {
        "version": major.version, "fixed_on": day(), "files": [jpeg()]})
    assert response.status_code == 200
    assert "重大事故隐患不能立即整改销号" in response.content.decode()
    assert fresh(major).status == Status.REPORTED


# --- submit, reject, accept ---------------------------------------------------------------------------------------

def test_submit_with_after_photos_then_reject_then_accept_with_sign_offs(client, world, major):
    Campaign.objects.create(slug="xc", name="许昌专项行动", region=world.city,
                            start=TODAY - datetime.timedelta(days=60), end=TODAY + datetime.timedelta(days=60),
                            sign_offs=["acceptance_group", "county_department"])
    h = planned(world, major)
    client.force_login(world.ent_user)
    response = client.post(f"/hazards/{h.pk}/submit/", {"version": h.version, "submitted_on": day(),
                                                         "note": "已更换", "files": [jpeg("更换后.jpg")]})
    assert response.status_code == 302, response.content.decode()[:3000]
    h = fresh(h)
    assert h.status == Status.AWAITING_ACCEPTANCE and h.evidence.filter(stage="after").count() == 1

    # the enterprise may not accept its own hazard
    assert client.get(f"/hazards/{h.pk}/accept/").status_code == 403
    response = client.post(f"/hazards/{h.pk}/reject/", {"version": h.version, "rejected_on": day(), "reason": "x"})
    assert response.status_code == 403 and "只有该隐患的负责部门可以验收" in response.content.decode()

    client.force_login(world.a_emergency_user)
    response = client.post(f"/hazards/{h.pk}/reject/", {"version": h.version, "rejected_on": day(), "reason": ""})
    assert response.status_code == 200 and "请填写不通过的原因" in response.content.decode()
    response = client.post(f"/hazards/{h.pk}/reject/", {"version": h.version, "rejected_on": day(),
                                                         "reason": "报警器未标定"})
    assert response.status_code == 302
    h = fresh(h)
    assert h.status == Status.RECTIFYING
    h = services.hazard_submit(actor=world.ent_user, hazard=h)

    form = client.get(f"/hazards/{h.pk}/accept/").content.decode()
    assert form.count("必需") == 2 and "验收组成员" in form and "县市区行业主管部门" in form
    base = {"version": h.version, "accepted_on": day(), "members": "李四\n赵六", "conclusion": "整改到位，同意销号",
            "so-TOTAL_FORMS": "3", "so-INITIAL_FORMS": "2", "so-MIN_NUM_FORMS": "0", "so-MAX_NUM_FORMS": "1000",
            "so-0-level": "acceptance_group", "so-0-name": "李四", "so-1-level": "county_department", "so-1-name": "",
            "so-2-level": "", "so-2-name": ""}
    response = client.post(f"/hazards/{h.pk}/accept/", base)
    assert response.status_code == 200 and "请填写签字人" in response.content.decode()
    response = client.post(f"/hazards/{h.pk}/accept/", base | {"so-1-level": ""})
    assert response.status_code == 200 and "缺少签字：县市区行业主管部门。" in response.content.decode()
    assert fresh(h).status == Status.AWAITING_ACCEPTANCE
    response = client.post(f"/hazards/{h.pk}/accept/", base | {"so-1-name": "王局长", "so-1-opinion": "同意"})
    assert response.status_code == 302, response.content.decode()[:3000]
    h = fresh(h)
    assert (h.status, h.closed_on) == (Status.CLOSED, TODAY)
    assert [s.level for s in h.acceptance.sign_offs.all()] == ["acceptance_group", "county_department"]
    assert h.acceptance.members == ["李四", "赵六"]
    page = client.get(f"/hazards/{h.pk}/").content.decode()
    assert "已销号" in page and "王局长" in page
    actions = re.findall(r'<li class="timeline-item action-(\w+)"', page)
    assert actions == ["report", "plan", "submit", "reject", "submit", "accept"]
    printed = client.get(f"/hazards/{h.pk}/print/").content.decode()
    assert "王局长" in printed and "李四、赵六" in printed


def test_the_date_refreshes_the_required_sign_off_rows(client, world, major):
    Campaign.objects.create(slug="xc", name="许昌", region=world.city, start=TODAY - datetime.timedelta(days=60),
                            end=TODAY - datetime.timedelta(days=10), sign_offs=["acceptance_group", "city_department"])
    h = submitted(world, major)
    client.force_login(world.a_emergency_user)
    assert "必需" not in client.get(f"/hazards/{h.pk}/accept/").content.decode()
    fragment = client.get(f"/hazards/{h.pk}/accept/", {"accepted_on": day(-20), "so-TOTAL_FORMS": "1",
                                                       "so-0-level": "", "so-0-name": ""},
                          headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and fragment.count("必需") == 2 and "省辖市主管部门" in fragment


# --- listing, delisting, transfer ---------------------------------------------------------------------------------

def test_the_city_office_leader_lists_and_delists(client, world, major):
    client.force_login(world.a_emergency_user)  # a department member: not a leader
    response = client.get(f"/hazards/{major.pk}/list/")
    assert response.status_code == 403 and "挂牌督办" in response.content.decode()
    client.force_login(world.office_city_user)
    assert f"/hazards/{major.pk}/list/" in client.get(f"/hazards/{major.pk}/").content.decode()
    response = client.post(f"/hazards/{major.pk}/list/", {
        "version": major.version, "authority": f"region:{world.city.code}", "document_no": "许安办督〔2026〕3号",
        "listed_on": day(), "deadline": day(-1)})
    assert response.status_code == 200 and "督办期限不能早于挂牌日期" in response.content.decode()
    response = client.post(f"/hazards/{major.pk}/list/", {
        "version": major.version, "authority": f"region:{world.city.code}", "document_no": "许安办督〔2026〕3号",
        "listed_on": day(), "deadline": day(20)})
    assert response.status_code == 302
    listing = Listing.objects.get(hazard=major)
    assert listing.authority_department is None and listing.authority_region == world.city
    page = client.get(f"/hazards/{major.pk}/").content.decode()
    assert "许安办督〔2026〕3号" in page and f"/hazards/{major.pk}/delist/0/" in page
    client.force_login(world.ent_user)
    assert client.get(f"/hazards/{major.pk}/delist/0/").status_code == 403
    client.force_login(world.office_city_user)
    response = client.post(f"/hazards/{major.pk}/delist/0/", {"version": fresh(major).version, "delisted_on": day()})
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.delisted_on == TODAY
    assert client.get(f"/hazards/{major.pk}/delist/5/").status_code == 404


def test_the_responsible_department_transfers(client, world, major):
    client.force_login(world.ent_user)
    assert client.get(f"/hazards/{major.pk}/transfer/").status_code == 403
    client.force_login(world.a_emergency_user)
    form = client.get(f"/hazards/{major.pk}/transfer/").content.decode()
    assert "许昌市应急管理局" in form and "建安区应急管理局" not in form
    response = client.post(f"/hazards/{major.pk}/transfer/", {
        "version": major.version, "to_department": world.city_emergency.pk, "reason": "属市级监管",
        "transferred_on": day()})
    assert response.status_code == 302
    assert fresh(major).department == world.city_emergency
    assert Transfer.objects.get(hazard=major).from_department == world.a_emergency


# --- evidence -----------------------------------------------------------------------------------------------------

def test_an_exe_renamed_to_jpg_is_refused(client, world, major):
    client.force_login(world.ent_user)
    fake = SimpleUploadedFile("照片.jpg", EXE, content_type="image/jpeg")
    response = client.post(f"/hazards/{major.pk}/evidence/", {"stage": "before", "files": [fake]})
    assert response.status_code == 400
    assert "类型不受支持" in response.content.decode() and "照片.jpg" in response.content.decode()
    response = client.post("/hazards/new/", {
        "enterprise": world.chem_a.pk, "title": "带病毒的隐患", "level": "general", "source": "self",
        "department": world.a_emergency.pk, "found_on": day(),
        "files": [SimpleUploadedFile("a.jpg", EXE, content_type="image/jpeg")]})
    assert response.status_code == 200 and "类型不受支持" in response.content.decode()
    assert not Hazard.objects.filter(title="带病毒的隐患").exists()
    assert not Evidence.objects.exists()


def test_a_file_over_10_mb_is_refused(client, world, major):
    client.force_login(world.ent_user)
    big = SimpleUploadedFile("大.jpg", JPEG + b"\x00" * (10 * 1024 * 1024), content_type="image/jpeg")
    response = client.post(f"/hazards/{major.pk}/evidence/", {"stage": "before", "files": [big]})
    assert response.status_code == 400 and "超过 10 MB" in response.content.decode()
    assert not Evidence.objects.exists()


def test_evidence_is_served_inline_only_to_those_who_see_the_hazard(client, world, major):
    client.force_login(world.ent_user)
    response = client.post(f"/hazards/{major.pk}/evidence/", {"stage": "document", "files": [jpeg("罐区.jpg")]})
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    url = f"/hazards/{major.pk}/evidence/{evidence.pk}/"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == JPEG
    for user in (world.a_emergency_user, world.office_a_user):
        client.force_login(user)
        assert client.get(url).status_code == 200
    for user in (world.group_user, world.city_housing_user, world.nobody):
        client.force_login(user)
        assert client.get(url).status_code == 404, user.username
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_who_may_not_upload_gets_403(client, world, major):
    client.force_login(world.office_a_user)  # sees it, is neither the enterprise nor the department
    assert 'id="evidence-form"' not in client.get(f"/hazards/{major.pk}/").content.decode()
    response = client.post(f"/hazards/{major.pk}/evidence/", {"stage": "before", "files": [jpeg()]})
    assert response.status_code == 403 and "您无权为该隐患上传材料" in response.content.decode()
