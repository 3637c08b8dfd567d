"""API `hazards/` (API.md): registering (with its defaults), past-dated ledgers, the sign-offs a campaign asks,
optimistic locking (409), the read-only listings and transfers, overdue, money, corrections (PUT/PATCH), evidence,
the audit entry of every write, filters, the query count of the list and the OpenAPI document.

The matrix of every step × state × role is in test_api_hazards_matrix.py, the scope in test_hazard_scope.py."""
import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.audit.models import AuditEntry
from apps.audit.services import verify_chain
from apps.campaigns.models import Campaign
from apps.hazards import services
from apps.hazards.models import Evidence, Hazard, HazardEvent, Listing, Transfer
from tests.world import _enterprise, _user

URL = "/api/v1/hazards/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def iso(n: int) -> str:
    return days(n).isoformat()


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def step(client, hazard_id, action, data, **kwargs):
    return client.post(f"{URL}{hazard_id}/{action}/", data, format=kwargs.pop("format", "json"), **kwargs)


def self_report(w, **extra) -> dict:
    answer = client_for(w.ent_user).post(URL, {
        "enterprise": w.chem_a.pk, "title": "储罐区可燃气体报警器失效", "level": "major", "source": "self",
        "department": w.a_emergency.pk, **extra}, format="json")
    assert answer.status_code == 201, answer.json()
    return answer.json()


def plan_body(**extra) -> dict:
    return {"owner": "张三", "measures": "更换报警器", "funds": "3.5", "deadline": iso(30),
            "contingency": "停止装卸作业并值守", "interim_controls": "停止相关作业", **extra}


# --- registering --------------------------------------------------------------------------------------------

def test_a_self_report_takes_its_region_and_sector_from_the_enterprise(world):
    body = self_report(world, found_on=iso(-3), location="储罐区", kind="设备设施")
    assert (body["region"], body["sector"], body["department"], body["found_by_department"]) == (
        "411002", "chemicals", world.a_emergency.pk, None)
    assert (body["status"], body["version"], body["found_on"], body["source"]) == ("reported", 1, iso(-3), "self")
    assert body["listings"] == [] and body["transfers"] == [] and body["plan"] is None and body["acceptance"] is None
    assert body["overdue"] is False and body["penalty_waived"] is False
    assert body["enterprise_name"] == "魏都化工有限公司"
    assert {"id", "enterprise", "region", "title", "level", "source", "sector", "found_on", "found_by_department",
            "department", "description", "location", "status", "deadline", "overdue", "planned_on", "closed_on",
            "listings", "transfers", "version"} <= set(body)


def test_found_on_defaults_to_today_in_shanghai(world):
    assert self_report(world)["found_on"] == timezone.localdate().isoformat()


def test_the_default_sector_is_the_first_one_the_responsible_department_supervises(world):
    mixed = _enterprise(31, "魏都综合厂", world.county_a, ["gas", "chemicals"], [world.a_emergency, world.a_housing])
    _user("mixed", ("enterprise", mixed, "member"))
    client = client_for(mixed.memberships.get().user)
    base = {"enterprise": mixed.pk, "title": "隐患", "level": "general", "source": "self"}
    answer = client.post(URL, {**base, "department": world.a_emergency.pk}, format="json")
    assert answer.json()["sector"] == "chemicals"  # a_emergency supervises chemicals, not gas
    answer = client.post(URL, {**base, "department": world.a_housing.pk}, format="json")
    assert answer.json()["sector"] == "gas"  # a_housing supervises neither: the enterprise's first
    answer = client.post(URL, {**base, "department": world.a_emergency.pk, "sector": "fire"}, format="json")
    assert answer.json()["sector"] == "fire"  # given


def test_a_department_report_defaults_the_finder_and_the_responsible_department(world):
    answer = client_for(world.a_emergency_user).post(URL, {
        "enterprise": world.chem_a.pk, "title": "静电接地失效", "level": "general", "source": "department",
        "found_on": iso(-1)}, format="json")
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert (body["found_by_department"], body["department"], body["sector"]) == (
        world.a_emergency.pk, world.a_emergency.pk, "chemicals")


def test_a_supervision_hazard_is_found_by_the_groups_lead_department(world):
    answer = client_for(world.group_user).post(URL, {
        "enterprise": world.chem_b.pk, "title": "未开展应急演练", "level": "general", "source": "supervision"},
        format="json")
    assert answer.status_code == 201, answer.json()
    assert answer.json()["found_by_department"] == world.city_emergency.pk
    assert answer.json()["department"] == world.city_emergency.pk


def test_a_hazard_without_enterprise_gives_its_region(world):
    client = client_for(world.office_a_user)
    base = {"title": "桥梁护栏缺失", "level": "general", "source": "assigned", "sector": "transport.road_facilities",
            "department": world.township_office.pk}
    answer = client.post(URL, {**base, "enterprise": None}, format="json")
    assert answer.status_code == 400 and "区划" in answer.json()["region"][0]
    answer = client.post(URL, {**base, "region": "411002001"}, format="json")
    assert answer.status_code == 201, answer.json()
    assert (answer.json()["enterprise"], answer.json()["region"]) == (None, "411002001")
    answer = client.post(URL, {**base, "region": "411003"}, format="json")  # not its county
    assert answer.status_code == 403


def test_a_self_hazard_must_name_one_of_the_enterprises_departments(world):
    before = Hazard.objects.count()
    answer = client_for(world.ent_user).post(URL, {
        "enterprise": world.chem_a.pk, "title": "隐患", "level": "general", "source": "self",
        "department": world.a_housing.pk}, format="json")
    assert answer.status_code == 400
    assert answer.json() == {"department": ["企业自查隐患应报告给本企业的主管部门之一。"]}
    assert Hazard.objects.count() == before


def test_bad_input_answers_400_in_chinese_per_field(world):
    client = client_for(world.ent_user)
    answer = client.post(URL, {"enterprise": world.chem_a.pk, "level": "huge", "source": "self",
                               "found_on": "2026/01/01"}, format="json")
    assert answer.status_code == 400
    errors = answer.json()
    assert set(errors) == {"title", "level", "found_on"}
    assert all(re.search(r"[\u4e00-\u9fff]", m) for messages in errors.values() for m in messages), errors
    answer = client.post(URL, {"enterprise": world.chem_a.pk, "title": "x", "level": "general", "source": "self",
                               "department": world.a_emergency.pk, "found_on": iso(1)}, format="json")
    assert answer.status_code == 400 and "今天" in answer.json()["found_on"][0]
    answer = client.post(URL, {"enterprise": world.chem_a.pk, "region": "411003", "title": "x", "level": "general",
                               "source": "self", "department": world.a_emergency.pk}, format="json")
    assert answer.status_code == 400 and "region" in answer.json()
    answer = client.post(URL, {"enterprise": world.build_a.pk, "title": "x", "level": "general", "source": "self",
                               "department": world.a_housing.pk}, format="json")
    assert answer.status_code == 400 and "不存在" in answer.json()["enterprise"][0]  # not the user's enterprise


def test_anonymous_gets_401(world):
    hid = self_report(world)["id"]
    assert APIClient().get(URL).status_code == 401
    assert APIClient().get(f"{URL}{hid}/").status_code == 401
    assert APIClient().post(f"{URL}{hid}/submit/", {}, format="json").status_code == 401


def test_a_deadline_given_on_registering_cannot_precede_the_finding(world):
    answer = client_for(world.a_emergency_user).post(URL, {
        "enterprise": world.chem_a.pk, "title": "限期整改", "level": "general", "source": "department",
        "found_on": iso(-10), "deadline": iso(-11)}, format="json")
    assert answer.status_code == 400 and "deadline" in answer.json()
    answer = client_for(world.a_emergency_user).post(URL, {
        "enterprise": world.chem_a.pk, "title": "限期整改", "level": "general", "source": "department",
        "found_on": iso(-10), "deadline": iso(-1)}, format="json")
    assert answer.status_code == 201 and answer.json()["overdue"] is True


def test_who_may_report_which_source(world):
    base = {"enterprise": world.chem_a.pk, "title": "隐患", "level": "general"}
    assert client_for(world.discipline_a_user).post(
        URL, {**base, "source": "assigned", "department": world.a_emergency.pk}, format="json").status_code == 403
    assert client_for(world.ent_user).post(URL, {**base, "source": "department"}, format="json").status_code == 403
    assert client_for(world.a_emergency_user).post(
        URL, {**base, "source": "self", "department": world.a_emergency.pk}, format="json").status_code == 403
    answer = client_for(world.office_a_user).post(
        URL, {**base, "source": "tip", "department": world.a_emergency.pk}, format="json")
    assert answer.status_code == 201 and answer.json()["found_by_department"] is None


# --- a year of somebody else's ledger ---------------------------------------------------------------------------

def test_a_past_dated_ledger_loads_through_the_steps(world):
    """Another platform posts a year-old hazard and each of its steps with the dates they happened on."""
    Campaign.objects.create(slug="old", name="去年的专项行动", region=world.city, start=days(-400), end=days(-200),
                            sign_offs=["acceptance_group"])
    body = self_report(world, found_on=iso(-365))
    hid = body["id"]
    ent, dept = client_for(world.ent_user), client_for(world.a_emergency_user)
    answer = step(ent, hid, "plan", plan_body(planned_on=iso(-360), deadline=iso(-300), version=1))
    assert answer.status_code == 200, answer.json()
    assert (answer.json()["planned_on"], answer.json()["deadline"], answer.json()["status"]) == (
        iso(-360), iso(-300), "rectifying")
    assert answer.json()["overdue"] is True  # past its deadline and still open
    answer = step(ent, hid, "submit", {"note": "已整改", "submitted_on": iso(-320), "version": 2})
    assert answer.status_code == 200, answer.json()
    answer = step(dept, hid, "reject", {"reason": "未见检定报告", "rejected_on": iso(-318), "version": 3})
    assert answer.json()["status"] == "rectifying"
    step(ent, hid, "submit", {"note": "补充检定报告", "submitted_on": iso(-310)})
    # the campaign that covered the day of acceptance asks for the acceptance group's signature
    answer = step(dept, hid, "accept", {"accepted_on": iso(-305), "members": ["李四"], "conclusion": "合格"})
    assert answer.status_code == 400 and "验收组成员" in answer.json()["sign_offs"][0]
    answer = step(dept, hid, "accept", {
        "accepted_on": iso(-305), "members": ["李四", "王五"], "conclusion": "合格",
        "sign_offs": [{"level": "acceptance_group", "name": "李四", "opinion": "同意", "signed_on": iso(-305)}]})
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert (body["status"], body["closed_on"], body["overdue"]) == ("closed", iso(-305), False)
    assert body["acceptance"] == {"accepted_on": iso(-305), "members": ["李四", "王五"], "conclusion": "合格",
                                  "sign_offs": [{"level": "acceptance_group", "name": "李四", "opinion": "同意",
                                                 "signed_on": iso(-305)}]}
    assert body["penalty_waived"] is True  # self-reported major hazard rectified under a plan
    events = HazardEvent.objects.filter(hazard_id=hid).order_by("id")
    assert [(e.action, e.on) for e in events] == [
        ("report", days(-365)), ("plan", days(-360)), ("submit", days(-320)), ("reject", days(-318)),
        ("submit", days(-310)), ("accept", days(-305))]


def test_a_step_cannot_predate_the_one_before_it(world):
    hid = self_report(world, found_on=iso(-30))["id"]
    answer = step(client_for(world.ent_user), hid, "plan", plan_body(planned_on=iso(-31)))
    assert answer.status_code == 400 and "发现日期" in answer.json()["planned_on"][0]
    step(client_for(world.ent_user), hid, "plan", plan_body(planned_on=iso(-20)))
    step(client_for(world.ent_user), hid, "submit", {})
    answer = step(client_for(world.a_emergency_user), hid, "accept",
                  {"accepted_on": iso(-25), "members": ["李四"], "conclusion": "合格"})
    assert answer.status_code == 400 and "治理方案" in answer.json()["accepted_on"][0]
    answer = step(client_for(world.a_emergency_user), hid, "accept",
                  {"accepted_on": iso(1), "members": ["李四"], "conclusion": "合格"})
    assert answer.status_code == 400 and "今天" in answer.json()["accepted_on"][0]


def test_fix_on_spot_closes_on_the_day_with_evidence(world):
    hid = self_report(world, level="general", found_on=iso(-10))["id"]
    upload = SimpleUploadedFile("after.png", PNG, content_type="image/png")
    answer = client_for(world.ent_user).post(f"{URL}{hid}/fix-on-spot/", {
        "note": "当场更换", "fixed_on": iso(-9), "files": [upload], "version": 1}, format="multipart")
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert (body["status"], body["closed_on"], body["fixed_on_spot"]) == ("closed", iso(-9), True)
    evidence = Evidence.objects.get(hazard_id=hid)
    assert (evidence.stage, evidence.content_type, evidence.name) == ("after", "image/png", "after.png")


def test_fix_on_spot_refuses_a_file_that_is_not_evidence_and_changes_nothing(world):
    hid = self_report(world, level="general")["id"]
    upload = SimpleUploadedFile("a.exe", b"MZ\x90\x00" * 10, content_type="image/png")
    answer = client_for(world.ent_user).post(f"{URL}{hid}/fix-on-spot/", {"files": [upload]}, format="multipart")
    assert answer.status_code == 400 and "类型不受支持" in answer.json()["files"][0]
    hazard = Hazard.objects.get(pk=hid)
    assert (hazard.status, hazard.version, hazard.evidence.count()) == ("reported", 1, 0)


def test_a_major_hazard_cannot_be_fixed_on_the_spot(world):
    hid = self_report(world)["id"]
    answer = step(client_for(world.ent_user), hid, "fix-on-spot", {"note": "x"})
    assert answer.status_code == 400
    assert answer.json() == {"status": ["重大事故隐患不能立即整改销号，须制定治理方案。"]}


# --- sign-offs --------------------------------------------------------------------------------------------------

def awaiting(w, enterprise=None, department=None, found_on=-20) -> Hazard:
    h = Hazard.objects.create(enterprise=enterprise or w.chem_a, region=(enterprise or w.chem_a).region,
                              title="待验收", level="major", source="department", sector_id="chemicals",
                              found_on=days(found_on), department=department or w.a_emergency,
                              found_by_department=department or w.a_emergency, status="awaiting_acceptance")
    return h


def test_accept_names_each_sign_off_the_campaign_requires(world):
    Campaign.objects.create(slug="xc", name="许昌专项行动", region=world.city, start=days(-100), end=days(100),
                            sign_offs=["acceptance_group", "county_department", "county_government"])
    Campaign.objects.create(slug="b", name="建安区行动", region=world.county_b, start=days(-100), end=days(100),
                            sign_offs=["city_department"])  # another county: does not apply
    h = awaiting(world)
    client = client_for(world.a_emergency_user)
    answer = step(client, h.pk, "accept", {"members": ["李四"], "conclusion": "合格",
                                           "sign_offs": [{"level": "acceptance_group", "name": "李四"}]})
    assert answer.status_code == 400
    message = answer.json()["sign_offs"][0]
    assert "县市区行业主管部门" in message and "县市区政府" in message and "验收组成员" not in message
    assert "省辖市主管部门" not in message
    assert Hazard.objects.get(pk=h.pk).status == "awaiting_acceptance"
    answer = step(client, h.pk, "accept", {"members": ["李四"], "conclusion": "合格", "sign_offs": [
        {"level": "acceptance_group", "name": "李四"}, {"level": "county_department", "name": "王五"},
        {"level": "county_government", "name": "赵六"}, {"level": "city_department", "name": "钱七"}]})
    assert answer.status_code == 200, answer.json()
    signed = answer.json()["acceptance"]["sign_offs"]
    assert [s["level"] for s in signed] == ["acceptance_group", "county_department", "county_government",
                                           "city_department"]  # the extra one is kept
    assert signed[0]["signed_on"] == timezone.localdate().isoformat()  # defaults to the acceptance day


def test_an_unknown_sign_off_level_is_400(world):
    h = awaiting(world)
    answer = step(client_for(world.a_emergency_user), h.pk, "accept", {
        "members": ["李四"], "conclusion": "合格", "sign_offs": [{"level": "mayor", "name": "x"}]})
    assert answer.status_code == 400 and "sign_offs" in answer.json()


def test_a_city_direct_enterprise_skips_the_county_sign_offs(world):
    Campaign.objects.create(slug="xc", name="许昌", region=world.city, start=days(-100), end=days(100),
                            sign_offs=["acceptance_group", "county_department", "county_government",
                                       "city_department"])
    h = awaiting(world, enterprise=world.city_plant, department=world.city_emergency)
    h.sector_id = "industry_trade"
    h.save()
    client = client_for(world.city_emergency_user)
    answer = step(client, h.pk, "accept", {"members": ["甲"], "conclusion": "合格",
                                           "sign_offs": [{"level": "acceptance_group", "name": "甲"}]})
    assert answer.status_code == 400
    assert "省辖市主管部门" in answer.json()["sign_offs"][0] and "县市区" not in answer.json()["sign_offs"][0]
    answer = step(client, h.pk, "accept", {"members": ["甲"], "conclusion": "合格", "sign_offs": [
        {"level": "acceptance_group", "name": "甲"}, {"level": "city_department", "name": "乙"}]})
    assert answer.status_code == 200, answer.json()


def test_with_no_campaign_on_the_day_no_sign_off_is_required(world):
    Campaign.objects.create(slug="later", name="以后的行动", region=world.city, start=days(1), end=days(100),
                            sign_offs=["acceptance_group"])
    h = awaiting(world)
    answer = step(client_for(world.a_emergency_user), h.pk, "accept", {"members": ["李四"], "conclusion": "合格"})
    assert answer.status_code == 200, answer.json()


# --- optimistic locking -----------------------------------------------------------------------------------------

def test_a_stale_version_is_409_and_nothing_changes(world):
    hid = self_report(world)["id"]
    ent = client_for(world.ent_user)
    assert step(ent, hid, "plan", plan_body(version=1)).status_code == 200
    audit_before, events_before = AuditEntry.objects.count(), HazardEvent.objects.filter(hazard_id=hid).count()
    answer = step(ent, hid, "submit", {"note": "x", "version": 1})
    assert answer.status_code == 409
    assert answer.json() == {"detail": "该记录已被他人修改，请刷新后重试。"}
    hazard = Hazard.objects.get(pk=hid)
    assert (hazard.status, hazard.version) == ("rectifying", 2)
    assert AuditEntry.objects.count() == audit_before
    assert HazardEvent.objects.filter(hazard_id=hid).count() == events_before
    assert step(ent, hid, "submit", {"note": "x", "version": 2}).status_code == 200


def test_two_clients_on_version_1_one_wins_the_other_gets_409(world):
    """Both read version 1; each sends what they read. The first write wins, the second is refused — whichever
    step it is — instead of silently overwriting (or acting on) a record it has not seen."""
    hid = self_report(world)["id"]
    first, second = client_for(world.ent_user), client_for(world.ent_user)
    assert first.get(f"{URL}{hid}/").json()["version"] == second.get(f"{URL}{hid}/").json()["version"] == 1
    assert step(first, hid, "plan", plan_body(owner="张三", version=1)).status_code == 200
    answer = step(second, hid, "plan", plan_body(owner="李四", version=1))
    assert answer.status_code == 409
    assert Hazard.objects.get(pk=hid).plan.owner == "张三"
    # and again on the next step: a department listing it while the enterprise submits
    leader = _user("a_leader", ("department", world.a_emergency, "leader"))
    answer = step(first, hid, "submit", {"version": 2})
    assert answer.status_code == 200
    answer = step(client_for(leader), hid, "list", {
        "authority_region": "411002", "authority_department": world.a_emergency.pk, "document_no": "1号",
        "deadline": iso(10), "version": 2})
    assert answer.status_code == 409
    assert Listing.objects.count() == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_plans_on_version_1_one_wins():
    """The same race with real threads: the row lock serialises them and the loser sees the new version."""
    import threading

    from django.db import connection, connections

    from tests.world import build_world

    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(("file:memorydb", ":memory:")):
        pytest.skip("an in-memory SQLite database is not shared between threads; PostgreSQL runs this in CI")
    w = build_world()
    hid = self_report(w)["id"]
    barrier, codes = threading.Barrier(2), []

    def plan(owner):
        try:
            client = client_for(User.objects.get(pk=w.ent_user.pk))
            barrier.wait()
            codes.append(step(client, hid, "plan", plan_body(owner=owner, version=1)).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=plan, args=(owner,)) for owner in ("张三", "李四")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200, 409]
    assert Hazard.objects.get(pk=hid).version == 2
    assert HazardEvent.objects.filter(hazard_id=hid, action="plan").count() == 1


def test_patch_with_a_stale_version_is_409(world):
    hid = self_report(world)["id"]
    client = client_for(world.ent_user)
    assert client.patch(f"{URL}{hid}/", {"location": "A区", "version": 1}, format="json").status_code == 200
    answer = client.patch(f"{URL}{hid}/", {"location": "B区", "version": 1}, format="json")
    assert answer.status_code == 409
    assert Hazard.objects.get(pk=hid).location == "A区"


# --- listings, transfers, overdue, money ------------------------------------------------------------------------

def test_listings_and_transfers_have_the_shape_of_the_contract(world):
    hid = self_report(world, found_on=iso(-60))["id"]
    office = client_for(world.office_city_user)
    answer = step(office, hid, "list", {"authority_region": "4110", "authority_department": None,
                                        "document_no": "许安办〔2026〕3号", "listed_on": iso(-50),
                                        "deadline": iso(-5)})
    assert answer.status_code == 200, answer.json()
    leader = _user("a_leader", ("department", world.a_emergency, "leader"))
    answer = step(client_for(leader), hid, "list", {"authority_region": "411002",
                                                    "authority_department": world.a_emergency.pk,
                                                    "document_no": "魏应急〔2026〕7号", "listed_on": iso(-40),
                                                    "deadline": iso(20)})
    assert answer.status_code == 200, answer.json()
    answer = step(office, hid, "delist", {"listing": 0, "delisted_on": iso(-3)})
    assert answer.status_code == 200, answer.json()
    assert answer.json()["listings"] == [
        {"authority_region": "4110", "authority_department": None, "document_no": "许安办〔2026〕3号",
         "listed_on": iso(-50), "deadline": iso(-5), "delisted_on": iso(-3)},
        {"authority_region": "411002", "authority_department": world.a_emergency.pk,
         "document_no": "魏应急〔2026〕7号", "listed_on": iso(-40), "deadline": iso(20), "delisted_on": None},
    ]
    answer = step(office, hid, "delist", {"listing": 0})
    assert answer.status_code == 400 and "已摘牌" in answer.json()["listing"][0]
    answer = step(office, hid, "delist", {"listing": 5})
    assert answer.status_code == 400 and "listing" in answer.json()
    answer = step(client_for(world.a_emergency_user), hid, "transfer", {
        "department": world.a_housing.pk, "reason": "属建设施工领域", "transferred_on": iso(-2)})
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["department"] == world.a_housing.pk
    assert body["transfers"] == [{"from": world.a_emergency.pk, "to": world.a_housing.pk, "reason": "属建设施工领域",
                                  "transferred_on": iso(-2), "received_by": "a_emergency"}]
    assert list(body["transfers"][0]) == ["from", "to", "reason", "transferred_on", "received_by"]
    assert Transfer.objects.get().to_department == world.a_housing
    # the listed filter follows the active listings
    assert client_for(world.admin).get(URL, {"listed": "true"}).json()["count"] == 1
    step(client_for(leader), hid, "delist", {"listing": 1})
    assert client_for(world.admin).get(URL, {"listed": "true"}).json()["count"] == 0


def test_a_listing_by_a_government_must_cover_the_hazard(world):
    hid = self_report(world)["id"]
    answer = step(client_for(world.admin), hid, "list", {"authority_region": "411003", "document_no": "1号",
                                                         "deadline": iso(10)})
    assert answer.status_code == 400 and "辖区" in answer.json()["authority_region"][0]


def test_transfer_needs_a_reason_and_another_department(world):
    hid = self_report(world)["id"]
    client = client_for(world.a_emergency_user)
    answer = step(client, hid, "transfer", {"department": world.a_emergency.pk, "reason": "x"})
    assert answer.status_code == 400 and "department" in answer.json()
    answer = step(client, hid, "transfer", {"department": world.a_housing.pk})
    assert answer.status_code == 400 and "reason" in answer.json()
    answer = step(client, hid, "transfer", {"department": 999999, "reason": "x"})
    assert answer.status_code == 400 and "不存在" in answer.json()["department"][0]


def test_overdue_is_computed_from_the_deadline_and_today(world):
    late = Hazard.objects.create(enterprise=world.chem_a, region=world.county_a, title="逾期", level="general",
                                 source="department", sector_id="chemicals", found_on=days(-30),
                                 department=world.a_emergency, status="rectifying", deadline=days(-1))
    due_today = Hazard.objects.create(enterprise=world.chem_a, region=world.county_a, title="今天到期",
                                      level="general", source="department", sector_id="chemicals",
                                      found_on=days(-30), department=world.a_emergency, status="rectifying",
                                      deadline=days(0))
    closed = Hazard.objects.create(enterprise=world.chem_a, region=world.county_a, title="已销号", level="general",
                                   source="department", sector_id="chemicals", found_on=days(-30),
                                   department=world.a_emergency, status="closed", deadline=days(-1),
                                   closed_on=days(-2))
    client = client_for(world.a_emergency_user)
    assert client.get(f"{URL}{late.pk}/").json()["overdue"] is True
    assert client.get(f"{URL}{due_today.pk}/").json()["overdue"] is False
    assert client.get(f"{URL}{closed.pk}/").json()["overdue"] is False
    rows = client.get(URL, {"overdue": "true"}).json()["results"]
    assert [r["id"] for r in rows] == [late.pk]
    answer = client.patch(f"{URL}{late.pk}/", {"overdue": False}, format="json")  # read-only: ignored
    assert answer.status_code == 200 and answer.json()["overdue"] is True


def test_funds_are_a_decimal_string_in_wanyuan(world):
    hid = self_report(world)["id"]
    answer = step(client_for(world.ent_user), hid, "plan", plan_body(funds="12.3456"))
    assert answer.json()["plan"]["funds"] == "12.3456"
    hid = self_report(world)["id"]
    answer = step(client_for(world.ent_user), hid, "plan", plan_body(funds=3.5))
    assert answer.json()["plan"]["funds"] == "3.5000"
    hid = self_report(world)["id"]
    answer = step(client_for(world.ent_user), hid, "plan", plan_body(funds="-1"))
    assert answer.status_code == 400 and "funds" in answer.json()
    answer = step(client_for(world.ent_user), hid, "plan", plan_body(funds="1.23456"))
    assert answer.status_code == 400 and "funds" in answer.json()


def test_a_plan_needs_its_five_elements(world):
    hid = self_report(world)["id"]
    body = plan_body()
    del body["contingency"]
    answer = step(client_for(world.ent_user), hid, "plan", body)
    assert answer.status_code == 400 and set(answer.json()) == {"contingency"}
    answer = step(client_for(world.ent_user), hid, "plan", plan_body(deadline=iso(-1), planned_on=iso(0)))
    assert answer.status_code == 400 and "deadline" in answer.json()


# --- corrections (PUT/PATCH) and no DELETE ----------------------------------------------------------------------

def test_patch_corrects_descriptive_fields_level_and_sector_and_audits_it(world):
    hid = self_report(world)["id"]
    client = client_for(world.a_emergency_user)  # the responsible department
    before = AuditEntry.objects.count()
    answer = client.patch(f"{URL}{hid}/", {"description": "报警器探头老化", "level": "general", "sector": "fire",
                                           "version": 1}, format="json")
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert (body["description"], body["level"], body["sector"], body["version"]) == (
        "报警器探头老化", "general", "fire", 2)
    entry = AuditEntry.objects.order_by("-seq").first()
    assert AuditEntry.objects.count() == before + 1
    assert (entry.action, entry.model, entry.object_id, entry.source) == ("update", "hazards.hazard", str(hid), "api")
    assert entry.before["level"] == "major" and entry.after["level"] == "general"
    assert HazardEvent.objects.filter(hazard_id=hid, action="update").count() == 1


def test_the_enterprise_may_raise_its_level_but_not_lower_it_nor_move_its_sector(world):
    hid = self_report(world, level="general")["id"]
    client = client_for(world.ent_user)
    answer = client.patch(f"{URL}{hid}/", {"level": "major", "location": "罐区"}, format="json")
    assert answer.status_code == 200 and answer.json()["level"] == "major"
    answer = client.patch(f"{URL}{hid}/", {"level": "general"}, format="json")
    assert answer.status_code == 403 and "等级" in answer.json()["detail"]
    answer = client.patch(f"{URL}{hid}/", {"sector": "fire"}, format="json")
    assert answer.status_code == 403 and "行业领域" in answer.json()["detail"]
    hazard = Hazard.objects.get(pk=hid)
    assert (hazard.level, hazard.sector_id, hazard.version) == ("major", "chemicals", 2)


def test_patch_refuses_what_changes_only_through_a_step(world):
    hid = self_report(world)["id"]
    client = client_for(world.ent_user)
    answer = client.patch(f"{URL}{hid}/", {"department": world.a_housing.pk, "status": "closed"}, format="json")
    assert answer.status_code == 400
    assert "transfer" in answer.json()["department"][0] and "status" in answer.json()
    # a record sent back whole, as read, is fine
    read = client.get(f"{URL}{hid}/").json()
    answer = client.put(f"{URL}{hid}/", {**read, "title": "报警器失效（更正）"}, format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["title"] == "报警器失效（更正）" and answer.json()["version"] == 2
    # nothing changed: no new version, no audit entry
    before = AuditEntry.objects.count()
    answer = client.patch(f"{URL}{hid}/", {"title": "报警器失效（更正）"}, format="json")
    assert answer.json()["version"] == 2 and AuditEntry.objects.count() == before


def test_who_may_correct_a_hazard(world):
    hid = self_report(world)["id"]
    assert client_for(world.city_emergency_user).patch(f"{URL}{hid}/", {"location": "x"},
                                                       format="json").status_code == 403
    assert client_for(world.office_a_user).patch(f"{URL}{hid}/", {"location": "x"}, format="json").status_code == 403
    assert client_for(world.a_emergency_user).patch(f"{URL}{hid}/", {"location": "y"},
                                                    format="json").status_code == 200
    assert client_for(world.city_housing_user).patch(f"{URL}{hid}/", {"location": "x"},
                                                     format="json").status_code == 404
    Hazard.objects.filter(pk=hid).update(status="closed", closed_on=days(0))
    assert client_for(world.ent_user).patch(f"{URL}{hid}/", {"location": "z"}, format="json").status_code == 403
    assert client_for(world.a_emergency_user).patch(f"{URL}{hid}/", {"location": "z"},
                                                    format="json").status_code == 200


def test_a_hazard_fixed_on_the_spot_cannot_become_major(world):
    hid = self_report(world, level="general")["id"]
    step(client_for(world.ent_user), hid, "fix-on-spot", {})
    answer = client_for(world.a_emergency_user).patch(f"{URL}{hid}/", {"level": "major"}, format="json")
    assert answer.status_code == 400 and "立即整改" in answer.json()["level"][0]


def test_there_is_no_delete(world):
    hid = self_report(world)["id"]
    assert client_for(world.admin).delete(f"{URL}{hid}/").status_code == 405
    assert Hazard.objects.filter(pk=hid).exists()


# --- audit ------------------------------------------------------------------------------------------------------

def test_every_write_leaves_one_audit_entry(world):
    before = AuditEntry.objects.count()
    hid = self_report(world)["id"]
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.model, entry.object_id, entry.source, entry.username) == (
        "create", "hazards.hazard", str(hid), "api", "ent_chem_a")
    ent, dept = client_for(world.ent_user), client_for(world.a_emergency_user)
    step(ent, hid, "plan", plan_body())
    step(ent, hid, "submit", {})
    step(dept, hid, "reject", {"reason": "不合格"})
    step(ent, hid, "submit", {})
    step(dept, hid, "accept", {"members": ["李四"], "conclusion": "合格"})
    entries = list(AuditEntry.objects.filter(seq__gt=before).order_by("seq"))
    assert [(e.action, e.after.get("action"), e.after.get("status")) for e in entries] == [
        ("create", None, "reported"), ("transition", "plan", "rectifying"),
        ("transition", "submit", "awaiting_acceptance"), ("transition", "reject", "rectifying"),
        ("transition", "submit", "awaiting_acceptance"), ("transition", "accept", "closed")]
    assert all(e.source == "api" and e.object_id == str(hid) for e in entries)
    assert entries[-1].before["status"] == "awaiting_acceptance"
    assert verify_chain() == []


def test_a_refused_step_writes_nothing(world):
    hid = self_report(world)["id"]
    before = AuditEntry.objects.count()
    assert step(client_for(world.a_emergency_user), hid, "plan", plan_body()).status_code == 403
    assert step(client_for(world.ent_user), hid, "submit", {}).status_code == 400
    assert AuditEntry.objects.count() == before
    assert HazardEvent.objects.filter(hazard_id=hid).count() == 1


# --- the list ---------------------------------------------------------------------------------------------------

def _ledger(w, n: int) -> None:
    for i in range(n):
        h = Hazard.objects.create(enterprise=w.chem_a, region=w.county_a, title=f"隐患{i}", level="major",
                                  source="department", sector_id="chemicals", found_on=days(-100 + i),
                                  department=w.a_emergency, found_by_department=w.city_emergency)
        h = Hazard.objects.get(pk=h.pk)
        services.hazard_plan(actor=w.admin, hazard=h, plan={
            "owner": "甲", "measures": "乙", "funds": "1", "deadline": days(10), "contingency": "丙",
            "planned_on": days(-90 + i)})
        services.hazard_list(actor=w.admin, hazard=h, authority_region=w.city, authority_department=None,
                             document_no=f"{i}号", listed_on=days(-50), deadline=days(5))
        services.hazard_transfer(actor=w.admin, hazard=h, to_department=w.a_housing, reason="移交",
                                 transferred_on=days(-40))
        services.hazard_transfer(actor=w.admin, hazard=h, to_department=w.a_emergency, reason="退回",
                                 transferred_on=days(-30))
        if i % 2:
            services.hazard_submit(actor=w.admin, hazard=h)
            services.hazard_accept(actor=w.admin, hazard=h, accepted_on=days(-1), members=["甲"], conclusion="合格",
                                   sign_offs=[{"level": "acceptance_group", "name": "甲"}])


def test_the_list_does_not_query_per_hazard(world, django_assert_max_num_queries):
    _ledger(world, 4)
    client = client_for(User.objects.get(pk=world.office_city_user.pk))  # fresh: no scope worked out yet
    with django_assert_max_num_queries(12) as small:
        answer = client.get(URL, {"page_size": 500})
    assert answer.json()["count"] == 4
    _ledger(world, 16)
    client = client_for(User.objects.get(pk=world.office_city_user.pk))
    with django_assert_max_num_queries(12) as large:
        answer = client.get(URL, {"page_size": 500})
    assert answer.json()["count"] == 20
    assert len(large.captured_queries) == len(small.captured_queries)
    closed = [r for r in answer.json()["results"] if r["status"] == "closed"]
    assert len(closed) == 10 and all(len(r["acceptance"]["sign_offs"]) == 1 for r in closed)
    assert all(len(r["transfers"]) == 2 and len(r["listings"]) == 1 for r in answer.json()["results"])


def test_pagination_and_ordering(world):
    _ledger(world, 5)
    answer = client_for(world.admin).get(URL, {"page_size": 2}).json()
    assert set(answer) == {"count", "next", "previous", "results"}
    assert answer["count"] == 5 and len(answer["results"]) == 2 and "page=2" in answer["next"]
    assert [r["title"] for r in answer["results"]] == ["隐患4", "隐患3"]  # newest found first


def test_filters(world):
    _ledger(world, 4)
    self_report(world, level="general", found_on=iso(-200))
    client = client_for(world.admin)

    def count(**params):
        return client.get(URL, params).json()["count"]

    assert count(status="closed") == 2 and count(status=["closed", "rectifying"]) == 4
    assert count(level="general") == 1 and count(source="self") == 1
    assert count(found_by_department=world.city_emergency.pk) == 4
    assert count(found_from=iso(-150), found_to=iso(-97)) == 4
    assert count(found_to=iso(-150)) == 1
    assert count(q="魏都化工") == 5 and count(q="隐患3") == 1
    assert count(enterprise=world.chem_a.pk) == 5 and count(enterprise=world.chem_b.pk) == 0
    assert count(region="411002") == 5 and count(region="411003") == 0
    assert count(sector="chemicals") == 5 and count(department=world.a_housing.pk) == 0
    assert count(listed="true") == 4 and count(listed="false") == 1  # closing does not delist (摘牌 is a step)
    answer = client.get(URL, {"level": "huge"})
    assert answer.status_code == 400 and "level" in answer.json()


# --- the OpenAPI document ---------------------------------------------------------------------------------------

HAZARD_PATHS = ["hazards/", "hazards/{id}/", "hazards/{id}/plan/", "hazards/{id}/fix-on-spot/",
                "hazards/{id}/submit/", "hazards/{id}/accept/", "hazards/{id}/reject/", "hazards/{id}/list/",
                "hazards/{id}/delist/", "hazards/{id}/transfer/"]


def test_the_schema_serves_every_hazard_path_and_validates(client, db, tmp_path):
    schema = client.get("/api/v1/schema/?format=json", HTTP_ACCEPT="application/json").json()
    served = {re.sub(r"\{[^}]+\}", "{id}", p.replace("/api/v1/", "", 1)) for p in schema["paths"]}
    assert set(HAZARD_PATHS) <= served
    assert "delete" not in schema["paths"]["/api/v1/hazards/{id}/"]
    fix = schema["paths"]["/api/v1/hazards/{id}/fix-on-spot/"]["post"]
    assert "multipart/form-data" in fix["requestBody"]["content"]
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


def test_closure_report_is_recorded_after_closure_and_not_before(world):
    hazard = self_report(world, level="general", found_on=iso(-6))
    ent = client_for(world.ent_user)
    early = step(ent, hazard["id"], "closure-report", {})
    assert early.status_code == 400 and "status" in early.json()
    assert step(ent, hazard["id"], "fix-on-spot", {"note": "已清理", "fixed_on": iso(-5)}).status_code == 200
    before_closure = step(ent, hazard["id"], "closure-report", {"reported_on": iso(-6)})
    assert before_closure.status_code == 400 and "reported_on" in before_closure.json()
    assert step(client_for(world.office_a_user), hazard["id"], "closure-report", {}).status_code == 403
    done = step(ent, hazard["id"], "closure-report", {"reported_on": iso(-3)})
    assert done.status_code == 200 and done.json()["closure_reported_on"] == iso(-3)
