"""Writing through the pages: who may, what a stale or invalid form answers, and the admin's audit."""
import re

import pytest
from django.test import override_settings

from apps.audit.models import AuditEntry
from apps.core.uscc import make_uscc
from apps.enterprises import services
from apps.enterprises.models import Contractor, Enterprise
from apps.regions.models import Department, InspectionGroup
from tests.world import PASSWORD


def enterprise_post(world, **overrides) -> dict:
    data = {
        "name": "魏都新登记有限公司", "uscc": make_uscc(900, world.county_a.code), "region": world.county_a.code,
        "address": "魏都区某路1号", "legal_representative": "张三", "principal_name": "李四",
        "principal_phone": "13800000000", "state": "operating", "main_sector": "chemicals",
        "other_sectors": ["industry_trade"], "departments": [world.a_emergency.pk], "high_risk": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def edit_post(enterprise, **overrides) -> dict:
    data = {
        "name": enterprise.name, "uscc": enterprise.uscc, "region": enterprise.region_id,
        "address": enterprise.address, "legal_representative": enterprise.legal_representative,
        "principal_name": enterprise.principal_name, "principal_phone": enterprise.principal_phone,
        "state": enterprise.state, "main_sector": enterprise.ordered_sector_codes()[0],
        "departments": list(enterprise.department_links.values_list("department_id", flat=True)),
        "version": enterprise.version,
    }
    if enterprise.high_risk:
        data["high_risk"] = "on"
    data.update(overrides)
    return data


# --- enterprises ------------------------------------------------------------------------------------------------

def test_safety_office_creates_an_enterprise_with_ordered_sectors(client, world):
    client.force_login(world.office_a_user)
    response = client.post("/enterprises/new/", enterprise_post(world))
    assert response.status_code == 302, response.content.decode()[:2000]
    enterprise = Enterprise.objects.get(name="魏都新登记有限公司")
    assert enterprise.ordered_sector_codes() == ["chemicals", "industry_trade"]
    assert enterprise.high_risk
    assert AuditEntry.objects.filter(model="enterprises.enterprise", object_id=str(enterprise.pk)).exists()
    detail = client.get(response["Location"]).content.decode()
    assert "主行业" in detail and "已登记企业" in detail


def test_enterprise_member_may_not_edit_and_sees_no_buttons(client, world):
    client.force_login(world.ent_user)
    detail = client.get(f"/enterprises/{world.chem_a.pk}/").content.decode()
    assert f"/enterprises/{world.chem_a.pk}/edit/" not in detail
    assert "新增企业" not in client.get("/enterprises/").content.decode()
    response = client.get(f"/enterprises/{world.chem_a.pk}/edit/")
    assert response.status_code == 403
    assert "无权" in response.content.decode()
    response = client.post(f"/enterprises/{world.chem_a.pk}/edit/", edit_post(world.chem_a, name="改名"))
    assert response.status_code == 403
    world.chem_a.refresh_from_db()
    assert world.chem_a.name == "魏都化工有限公司"
    assert client.get("/enterprises/new/").status_code == 403
    assert client.get("/enterprises/import/").status_code == 403


def test_county_office_may_not_create_in_the_sibling_county(client, world):
    client.force_login(world.office_a_user)
    response = client.post("/enterprises/new/", enterprise_post(world, region=world.county_b.code,
                                                                departments=[world.b_emergency.pk]))
    assert response.status_code in (200, 403)
    assert not Enterprise.objects.filter(name="魏都新登记有限公司").exists()
    if response.status_code == 200:
        assert "选择一个有效的选项" in response.content.decode()
    # the sibling county is not even offered
    form = client.get("/enterprises/new/").content.decode()
    assert f'value="{world.county_a.code}"' in form and f'value="{world.county_b.code}"' not in form


def test_department_creating_outside_what_it_supervises_gets_403_with_the_message(client, world):
    client.force_login(world.a_emergency_user)
    response = client.post("/enterprises/new/", enterprise_post(world, main_sector="construction", other_sectors=[],
                                                                departments=[world.a_housing.pk], high_risk=None))
    assert response.status_code == 403
    assert "您无权登记或修改该企业" in response.content.decode()
    assert not Enterprise.objects.filter(name="魏都新登记有限公司").exists()


def test_edit_button_shown_to_who_may_write(client, world):
    client.force_login(world.a_emergency_user)
    assert f"/enterprises/{world.chem_a.pk}/edit/" in client.get(f"/enterprises/{world.chem_a.pk}/").content.decode()
    client.force_login(world.discipline_a_user)
    assert f"/enterprises/{world.chem_a.pk}/edit/" not in client.get(
        f"/enterprises/{world.chem_a.pk}/").content.decode()
    assert client.get(f"/enterprises/{world.chem_a.pk}/edit/").status_code == 403


def test_edit_saves_and_bumps_the_version(client, world):
    client.force_login(world.office_a_user)
    response = client.post(f"/enterprises/{world.chem_a.pk}/edit/",
                           edit_post(world.chem_a, principal_name="王五", other_sectors=["industry_trade"]))
    assert response.status_code == 302
    world.chem_a.refresh_from_db()
    assert world.chem_a.principal_name == "王五" and world.chem_a.version == 2
    assert world.chem_a.ordered_sector_codes() == ["chemicals", "industry_trade"]


def test_stale_form_is_refused_with_409_and_keeps_the_input(client, world):
    client.force_login(world.office_a_user)
    form_data = edit_post(world.chem_a, principal_name="我填的新负责人")
    services.enterprise_update(actor=world.office_city_user, enterprise=Enterprise.objects.get(pk=world.chem_a.pk),
                               data={"address": "别人改的地址"})
    response = client.post(f"/enterprises/{world.chem_a.pk}/edit/", form_data)
    assert response.status_code == 409
    body = response.content.decode()
    assert "该记录已被他人修改，请刷新后重试。" in body
    assert 'value="我填的新负责人"' in body
    world.chem_a.refresh_from_db()
    assert world.chem_a.principal_name == "负责人1" and world.chem_a.address == "别人改的地址"


def test_invalid_credit_code_is_shown_beside_the_field(client, world):
    client.force_login(world.office_a_user)
    bad = make_uscc(901, world.county_a.code)[:17] + ("0" if make_uscc(901, world.county_a.code)[17] != "0" else "1")
    response = client.post("/enterprises/new/", enterprise_post(world, uscc=bad))
    assert response.status_code == 200
    body = response.content.decode()
    assert "统一社会信用代码校验位错误" in body
    assert re.search(r'field-uscc.*?is-invalid.*?统一社会信用代码校验位错误', body, re.S)
    response = client.post("/enterprises/new/", enterprise_post(world, uscc="123"))
    assert "统一社会信用代码应为18位" in response.content.decode()
    response = client.post("/enterprises/new/", enterprise_post(world, uscc=world.chem_b.uscc))
    assert "已存在" in response.content.decode()
    assert not Enterprise.objects.filter(name="魏都新登记有限公司").exists()


def test_contractors_add_edit_delete_and_disorder_badge(client, world):
    client.force_login(world.a_emergency_user)
    url = f"/enterprises/{world.chem_a.pk}/contractors/new/"
    response = client.post(url, {"name": "某外包施工队", "kind": "outsource", "scope": "储罐检修",
                                 "safety_agreement": "on", "qualified": "on"})
    assert response.status_code == 302
    contractor = Contractor.objects.get(enterprise=world.chem_a)
    detail = client.get(f"/enterprises/{world.chem_a.pk}/").content.decode()
    assert "某外包施工队" in detail and "管理混乱" in detail  # not under unified management
    response = client.post(f"/enterprises/{world.chem_a.pk}/contractors/{contractor.pk}/edit/",
                           {"name": "某外包施工队", "kind": "outsource", "scope": "储罐检修", "safety_agreement": "on",
                            "qualified": "on", "unified_management": "on"})
    assert response.status_code == 302
    assert "管理混乱" not in client.get(f"/enterprises/{world.chem_a.pk}/").content.decode()
    client.force_login(world.ent_user)
    assert client.post(f"/enterprises/{world.chem_a.pk}/contractors/{contractor.pk}/delete/").status_code == 403
    client.force_login(world.a_emergency_user)
    assert client.post(f"/enterprises/{world.chem_a.pk}/contractors/{contractor.pk}/delete/").status_code == 302
    assert not Contractor.objects.exists()
    assert AuditEntry.objects.filter(model="enterprises.contractor", action="delete").exists()


# --- header, switching, login ---------------------------------------------------------------------------------

def test_header_shows_the_acting_organisation(client, world):
    client.force_login(world.office_a_user)
    body = client.get("/enterprises/").content.decode()
    header = body.split('id="acting-scope"')[1].split("</a>")[0]
    assert "魏都区安委办" in header and "工作人员" in header and "魏都区" in header
    client.force_login(world.city_housing_user)
    header = client.get("/").content.decode().split('id="acting-scope"')[1].split("</a>")[0]
    assert "许昌市住房和城乡建设局" in header and "负责人" in header and "许昌市" in header


def test_switching_to_someone_elses_membership_is_404(client, world):
    client.force_login(world.multi_user)
    other = world.office_a_user.memberships.get()
    response = client.post("/switch/", {"membership": other.pk, "next": "/enterprises/"})
    assert response.status_code == 404
    assert "acting_membership_id" not in client.session
    assert client.post("/switch/", {"membership": "", "next": "/"}).status_code == 404  # only admins act for all
    assert client.get("/switch/").status_code == 405


def test_switching_shows_the_new_organisation_and_goes_back(client, world):
    client.force_login(world.multi_user)
    department_m = world.multi_user.memberships.get(kind="department")
    response = client.post("/switch/", {"membership": department_m.pk, "next": "/enterprises/?q=魏都"})
    assert response.status_code == 302 and response["Location"] == "/enterprises/?q=%E9%AD%8F%E9%83%BD"
    header = client.get("/").content.decode().split('id="acting-scope"')[1].split("</a>")[0]
    assert "魏都区住房和城乡建设局" in header
    # from a record's page, back to the home page (the record may be out of the new scope)
    response = client.post("/switch/", {"membership": department_m.pk, "next": f"/enterprises/{world.chem_b.pk}/"})
    assert response["Location"] == "/"
    response = client.post("/switch/", {"membership": department_m.pk, "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_login_page_and_real_login(client, world):
    body = client.get("/login/").content.decode()
    assert "登录" in body and "隐患排查整治平台" in body
    response = client.post("/login/", {"username": "office_a", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "魏都区安委办" in client.get("/").content.decode()
    response = client.post("/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password_message_and_lockout(client, world):
    for _ in range(4):
        response = client.post("/login/", {"username": "office_a", "password": "wrong-password"})
        assert response.status_code == 200
        assert "用户名或密码不正确" in response.content.decode()
    response = client.post("/login/", {"username": "office_a", "password": "wrong-password"})
    assert response.status_code in (403, 429)
    assert "账号已临时锁定" in response.content.decode()
    response = client.post("/login/", {"username": "office_a", "password": PASSWORD})
    assert "账号已临时锁定" in response.content.decode()


def test_error_pages_are_chinese(client, world):
    client.force_login(world.ent_user)
    response = client.get(f"/enterprises/{world.far_away.pk}/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()
    response = client.get("/enterprises/new/")
    assert response.status_code == 403 and "无权" in response.content.decode()


# --- organisation directory -----------------------------------------------------------------------------------

def test_directory_pages_read_for_everyone(client, world):
    from apps.regions.models import Region, RegionKind

    Region.objects.create(code="411071", name="许昌经济技术开发区", level=3, parent=world.city,
                          kind=RegionKind.ZONE, official_code=False)
    client.force_login(world.ent_user)
    tree = client.get("/regions/").content.decode()
    assert "许昌市" in tree and "西大街道" in tree and "开发区/管委会" in tree and "平台编码" in tree
    page = client.get(f"/regions/{world.county_a.code}/").content.decode()
    assert "魏都区应急管理局" in page and "西大街道" in page and "魏都区安委会办公室" in page
    assert 'id="region-enterprise-count"' in page
    assert ">1<" in page.split('id="region-enterprise-count"')[1].split("</a>")[0].replace(" ", "").replace("\n", "")
    departments = client.get("/regions/departments/", {"kind": "housing"}).content.decode()
    assert "许昌市建设工程安全监督站" in departments and "魏都区应急管理局" not in departments
    assert "新增部门" not in departments
    assert client.get(f"/regions/departments/{world.city_housing_station.pk}/").status_code == 200
    groups = client.get("/regions/groups/").content.decode()
    assert "第一组" in groups and "group_member" in groups and "进行中" in groups and "已结束" in groups
    assert client.get("/regions/departments/new/").status_code == 403


def test_safety_office_manages_departments_of_its_subtree_only(client, world):
    client.force_login(world.office_a_user)
    response = client.post("/regions/departments/new/", {"name": "魏都区消防救援大队", "kind": "fire",
                                                          "region": world.county_a.code, "committee_member": "on",
                                                          "sectors": ["industry_trade"]})
    assert response.status_code == 302
    department = Department.objects.get(name="魏都区消防救援大队")
    assert list(department.sectors.values_list("code", flat=True)) == ["industry_trade"]
    assert AuditEntry.objects.filter(model="regions.department", object_id=str(department.pk)).exists()
    assert client.get(f"/regions/departments/{world.b_emergency.pk}/edit/").status_code == 403
    response = client.post("/regions/departments/new/", {"name": "越界部门", "kind": "fire",
                                                          "region": world.county_b.code})
    assert response.status_code == 200 and not Department.objects.filter(name="越界部门").exists()


def test_city_office_edits_a_group_with_assignments(client, world):
    client.force_login(world.office_city_user)
    data = {
        "name": "第一组（调整）", "lead_department": world.city_emergency.pk, "note": "",
        "assignments-TOTAL_FORMS": "4", "assignments-INITIAL_FORMS": "2", "assignments-MIN_NUM_FORMS": "0",
        "assignments-MAX_NUM_FORMS": "1000",
        "assignments-0-region": world.county_a.code, "assignments-0-start": "2026-01-01",
        "assignments-0-end": "2026-12-31",
        # the second existing row cleared (dropped), the third half filled at first
        "assignments-1-region": "", "assignments-1-start": "", "assignments-1-end": "",
        "assignments-2-region": world.county_b.code, "assignments-2-start": "", "assignments-2-end": "",
        "assignments-3-region": "", "assignments-3-start": "", "assignments-3-end": "",
    }
    response = client.post(f"/regions/groups/{world.group.pk}/edit/", data)
    assert response.status_code == 200 and "请填写完整" in response.content.decode()
    data["assignments-2-region"] = ""
    response = client.post(f"/regions/groups/{world.group.pk}/edit/", data)
    assert response.status_code == 302, (response.context["form"].errors, response.context["formset"].errors)
    group = InspectionGroup.objects.get(pk=world.group.pk)
    assert group.name == "第一组（调整）"
    assert [(a.region_id, str(a.start)) for a in group.assignments.all()] == [(world.county_a.code, "2026-01-01")]
    client.force_login(world.office_a_user)
    assert client.get(f"/regions/groups/{world.group.pk}/edit/").status_code == 403


# --- admin -----------------------------------------------------------------------------------------------------

@pytest.fixture
def admin_client(client, world):
    client.force_login(world.admin)
    return client


def test_audit_entries_cannot_be_edited_in_the_admin(admin_client, world):
    services.enterprise_update(actor=world.admin, enterprise=Enterprise.objects.get(pk=world.chem_a.pk),
                               data={"address": "审计测试"})
    entry = AuditEntry.objects.order_by("-seq").first()
    url = f"/admin/audit/auditentry/{entry.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = admin_client.post(url, {"username": "someone-else", "action": "delete"})
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.username == "admin"
    assert admin_client.get("/admin/audit/auditentry/add/").status_code == 403
    assert admin_client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_admin_writes_are_audited(admin_client, world):
    url = f"/admin/regions/department/{world.city_market.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    response = admin_client.post(url, {"name": "许昌市市场监管局", "kind": "market", "region": world.city.code,
                                       "sectors": ["special_equipment"], "committee_member": "on"})
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditEntry.objects.filter(model="regions.department", object_id=str(world.city_market.pk)).get()
    assert entry.action == "update" and entry.before["name"] == "许昌市市场监督管理局"
    assert entry.after["name"] == "许昌市市场监管局"
    response = admin_client.post("/admin/enterprises/contractor/add/", {
        "enterprise": world.chem_a.pk, "name": "管理员录入", "kind": "lease", "scope": "仓库"})
    assert response.status_code == 302, response.content.decode()[:3000]
    contractor = Contractor.objects.get(name="管理员录入")
    admin_client.post(f"/admin/enterprises/contractor/{contractor.pk}/delete/", {"post": "yes"})
    assert not Contractor.objects.filter(pk=contractor.pk).exists()
    actions = list(AuditEntry.objects.filter(model="enterprises.contractor").order_by("seq").values_list("action",
                                                                                                          flat=True))
    assert actions == ["create", "delete"]


@override_settings(DEBUG=False)
def test_admin_changelists_open(admin_client, world):
    for url in ["/admin/", "/admin/regions/region/", "/admin/regions/department/", "/admin/regions/sector/",
                "/admin/regions/inspectiongroup/", "/admin/enterprises/enterprise/", "/admin/enterprises/contractor/",
                "/admin/accounts/user/", "/admin/accounts/membership/", "/admin/audit/auditentry/",
                f"/admin/enterprises/enterprise/{world.chem_a.pk}/change/",
                f"/admin/accounts/user/{world.multi_user.pk}/change/",
                "/admin/regions/safetyoffice/", "/admin/regions/groupassignment/"]:
        assert admin_client.get(url).status_code == 200, url
