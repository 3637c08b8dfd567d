"""API `inspections/`, `enforcement-actions/`, `accountability/` (API.md): who may register which record
(DESIGN.md "Who may do what"), the scope (404 outside it, 400 for a reference to what the caller cannot see),
the seven findings, `reviewed_hazards` on `review` only, signing and the lock it sets, the rules of an
enforcement decision (case number, amount, referral persons, publication by a leader, the waiver reason), the
accountability organs, optimistic locking (409), the audit entry of every write, filters and the OpenAPI
document."""
import datetime
import re
from decimal import Decimal

import pytest
from django.urls import include, path
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from apps.audit.models import AuditEntry
from apps.audit.services import verify_chain
from apps.hazards import services as hazard_services
from apps.hazards.models import Hazard
from apps.inspections.models import FINDINGS, Accountability, EnforcementAction, Inspection
from apps.regions.models import InspectionGroup
from tests.world import _department, _user

INSPECTIONS = "/api/v1/inspections/"
ACTIONS = "/api/v1/enforcement-actions/"
ACCOUNTABILITY = "/api/v1/accountability/"


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def iso(n: int) -> str:
    return days(n).isoformat()


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def post(user, url, body):
    return client_for(user).post(url, body, format="json")


def patch(user, url, body):
    return client_for(user).patch(url, body, format="json")


def created(answer) -> dict:
    assert answer.status_code == 201, answer.json()
    return answer.json()


def hazard(w, enterprise, *, sector="chemicals", department=None, level="general", source="department") -> Hazard:
    department = department or w.a_emergency
    return Hazard.objects.create(enterprise=enterprise, region=enterprise.region, title="隐患", level=level,
                                 source=source, sector_id=sector, found_on=days(-5), department=department,
                                 found_by_department=None if source == "self" else department)


def waived_hazard(w) -> Hazard:
    """A major hazard the enterprise reported itself and rectifies under a plan: 依法不予行政处罚."""
    h = hazard_services.hazard_report(actor=w.ent_user, data={
        "enterprise": w.chem_a, "title": "储罐区报警器失效", "level": "major", "source": "self",
        "department": w.a_emergency, "found_on": days(-10)})
    return hazard_services.hazard_plan(actor=w.ent_user, hazard=h, plan={
        "owner": "张三", "measures": "更换", "funds": "1", "deadline": days(20), "contingency": "停用",
        "planned_on": days(-9)})


@pytest.fixture
def b_user(world):
    """A member of another county's emergency bureau: sees 建安区's enterprises, none of 魏都区's."""
    return _user("b_emergency", ("department", world.b_emergency, "member"))


@pytest.fixture
def housing_member(world):
    """A plain member of the 市住建局 (its leader is world.city_housing_user)."""
    return _user("city_housing_member", ("department", world.city_housing, "member"))


def inspection(w, user=None, **body) -> dict:
    return created(post(user or w.a_emergency_user, INSPECTIONS,
                        {"enterprise": w.chem_a.pk, "kind": "enforcement", **body}))


# === inspections/ ===============================================================================================

def test_an_enterprise_registers_its_own_self_inspection(world):
    body = created(post(world.ent_user, INSPECTIONS, {
        "enterprise": world.chem_a.pk, "kind": "self", "led_by_principal": True, "inspected_on": iso(-3),
        "inspectors": [world.ent_user.pk], "note": "主要负责人带队检查储罐区"}))
    assert (body["kind"], body["department"], body["group"], body["mode"], body["led_by_principal"]) == (
        "self", None, None, None, True)
    assert (body["inspected_on"], body["inspectors"], body["findings"], body["hazards"]) == (
        iso(-3), [world.ent_user.pk], [], [])
    assert (body["reviewed_hazards"], body["signed_at"], body["version"], body["created_by"]) == (
        [], None, 1, world.ent_user.pk)
    assert {"id", "enterprise", "kind", "mode", "department", "group", "inspected_on", "led_by_principal",
            "inspectors", "findings", "hazards", "reviewed_hazards"} <= set(body)


def test_a_self_inspection_names_no_department_and_no_spot_check_findings(world):
    base = {"enterprise": world.chem_a.pk, "kind": "self"}
    answer = post(world.ent_user, INSPECTIONS, {**base, "department": world.a_emergency.pk})
    assert answer.status_code == 400 and set(answer.json()) == {"department"}
    answer = post(world.ent_user, INSPECTIONS, {**base, "findings": ["no_drill"]})
    assert answer.status_code == 400 and set(answer.json()) == {"findings"}
    answer = post(world.ent_user, INSPECTIONS, {**base, "mode": "unannounced"})
    assert answer.status_code == 400 and set(answer.json()) == {"mode"}
    answer = post(world.admin, INSPECTIONS, {**base, "department": world.a_emergency.pk})
    assert answer.status_code == 400 and set(answer.json()) == {"department"}  # the administrator too
    assert Inspection.objects.count() == 0


def test_only_the_enterprises_own_members_register_its_self_inspection(world):
    # a department member, a safety office, discipline, a group member: they see it, and it is not theirs
    for user in (world.a_emergency_user, world.office_a_user, world.discipline_a_user, world.city_emergency_user):
        assert post(user, INSPECTIONS, {"enterprise": world.chem_a.pk, "kind": "self"}).status_code == 403, user
    assert post(world.group_user, INSPECTIONS, {"enterprise": world.chem_b.pk, "kind": "self"}).status_code == 403
    # multi is a member of 建安化工 and of 魏都住建局, which sees 魏都建筑: its self-inspection is not multi's
    assert post(world.multi_user, INSPECTIONS, {"enterprise": world.build_a.pk, "kind": "self"}).status_code == 403
    assert created(post(world.multi_user, INSPECTIONS, {"enterprise": world.chem_b.pk, "kind": "self"}))
    # another enterprise does not exist for an enterprise member
    answer = post(world.ent_user, INSPECTIONS, {"enterprise": world.chem_b.pk, "kind": "self"})
    assert answer.status_code == 400 and "不存在" in answer.json()["enterprise"][0]


@pytest.mark.parametrize("kind", ["enforcement", "expert", "assistance", "review"])
def test_a_department_member_registers_the_department_kinds_for_its_own_department(world, kind):
    body = inspection(world, kind=kind, mode="unannounced")
    assert (body["kind"], body["department"], body["group"], body["mode"]) == (
        kind, world.a_emergency.pk, None, "unannounced")
    assert body["inspected_on"] == timezone.localdate().isoformat()


@pytest.mark.parametrize("kind", ["enforcement", "expert", "assistance", "review", "supervision"])
def test_enterprises_safety_offices_and_discipline_register_no_government_inspection(world, kind):
    for user in (world.ent_user, world.office_a_user, world.office_city_user, world.discipline_a_user):
        answer = post(user, INSPECTIONS, {"enterprise": world.chem_a.pk, "kind": kind,
                                          "department": world.a_emergency.pk})
        assert answer.status_code == 403, (user, kind, answer.json())
    assert Inspection.objects.count() == 0


def test_a_group_member_registers_only_supervision(world):
    for kind in ("enforcement", "expert", "assistance", "review", "self"):
        assert post(world.group_user, INSPECTIONS, {"enterprise": world.chem_b.pk, "kind": kind}).status_code == 403
    assert post(world.a_emergency_user, INSPECTIONS, {"enterprise": world.chem_a.pk, "kind": "supervision"}
                ).status_code == 403


def test_the_department_must_be_the_members_own_or_a_unit_below_it(world):
    answer = post(world.a_emergency_user, INSPECTIONS, {"enterprise": world.chem_a.pk, "kind": "enforcement",
                                                        "department": world.city_emergency.pk})
    assert answer.status_code == 400 and set(answer.json()) == {"department"}
    # the 市住建局 acts for its 安全监督站 (D*); the station does not act for the bureau
    body = created(post(world.city_housing_user, INSPECTIONS, {
        "enterprise": world.build_a.pk, "kind": "expert", "department": world.city_housing_station.pk}))
    assert body["department"] == world.city_housing_station.pk
    answer = post(world.station_user, INSPECTIONS, {"enterprise": world.build_a.pk, "kind": "expert",
                                                    "department": world.city_housing.pk})
    assert answer.status_code == 400 and set(answer.json()) == {"department"}
    # a member of two departments names the one acting
    both = _user("both", ("department", world.a_emergency, "member"), ("department", world.city_emergency, "member"))
    answer = post(both, INSPECTIONS, {"enterprise": world.chem_a.pk, "kind": "enforcement"})
    assert answer.status_code == 400 and set(answer.json()) == {"department"}
    assert created(post(both, INSPECTIONS, {"enterprise": world.chem_a.pk, "kind": "enforcement",
                                            "department": world.city_emergency.pk}))["department"] == (
        world.city_emergency.pk)
    # the acting department must itself supervise the enterprise: another membership lends it no reach
    answer = post(both, INSPECTIONS, {"enterprise": world.chem_b.pk, "kind": "enforcement",
                                      "department": world.a_emergency.pk})  # 建安化工 is city_emergency's, not 魏都's
    assert answer.status_code == 400 and set(answer.json()) == {"enterprise"}
    answer = post(world.multi_user, INSPECTIONS, {"enterprise": world.chem_b.pk, "kind": "enforcement"})
    assert answer.status_code == 400 and set(answer.json()) == {"enterprise"}  # seen as its member, not as 魏都住建
    answer = post(world.multi_user, ACTIONS, {"enterprise": world.chem_b.pk, "kind": "summons"})
    assert answer.status_code == 400 and set(answer.json()) == {"enterprise"}
    # a member and leader of one department acts for it without naming it
    twice = _user("twice", ("department", world.a_emergency, "member"), ("department", world.a_emergency, "leader"))
    assert created(post(twice, INSPECTIONS, {"enterprise": world.chem_a.pk, "kind": "expert"}))["department"] == (
        world.a_emergency.pk)
    # a department inspection carries no group
    answer = post(world.a_emergency_user, INSPECTIONS, {"enterprise": world.chem_a.pk, "kind": "enforcement",
                                                        "group": world.group.pk})
    assert answer.status_code == 400 and set(answer.json()) == {"group"}


def test_the_administrator_names_the_acting_department(world):
    answer = post(world.admin, INSPECTIONS, {"enterprise": world.far_away.pk, "kind": "enforcement"})
    assert answer.status_code == 400 and set(answer.json()) == {"department"}
    body = created(post(world.admin, INSPECTIONS, {"enterprise": world.far_away.pk, "kind": "enforcement",
                                                   "department": world.b_emergency.pk, "inspected_on": iso(-300)}))
    assert (body["department"], body["inspected_on"], body["created_by"]) == (
        world.b_emergency.pk, iso(-300), world.admin.pk)


def test_a_supervision_carries_the_groups_lead_department(world):
    body = created(post(world.group_user, INSPECTIONS, {"enterprise": world.chem_b.pk, "kind": "supervision",
                                                        "mode": "cross_check"}))
    assert (body["department"], body["group"], body["mode"]) == (
        world.city_emergency.pk, world.group.pk, "cross_check")
    body = created(post(world.group_user, INSPECTIONS, {"enterprise": world.chem_b.pk, "kind": "supervision",
                                                        "department": world.city_emergency.pk}))
    assert body["department"] == world.city_emergency.pk
    answer = post(world.group_user, INSPECTIONS, {"enterprise": world.chem_b.pk, "kind": "supervision",
                                                  "department": world.b_emergency.pk})
    assert answer.status_code == 400 and set(answer.json()) == {"department"}
    other = InspectionGroup.objects.create(name="第二组", lead_department=world.city_housing)
    answer = post(world.group_user, INSPECTIONS, {"enterprise": world.chem_b.pk, "kind": "supervision",
                                                  "group": other.pk})
    assert answer.status_code == 400 and set(answer.json()) == {"group"}
    # the group sees 建安区 today, not 魏都区 (its assignment there has ended)
    answer = post(world.group_user, INSPECTIONS, {"enterprise": world.chem_a.pk, "kind": "supervision"})
    assert answer.status_code == 400 and "不存在" in answer.json()["enterprise"][0]
    # the administrator names the group; the department follows it
    answer = post(world.admin, INSPECTIONS, {"enterprise": world.chem_b.pk, "kind": "supervision"})
    assert answer.status_code == 400 and set(answer.json()) == {"group"}
    body = created(post(world.admin, INSPECTIONS, {"enterprise": world.chem_b.pk, "kind": "supervision",
                                                   "group": other.pk}))
    assert body["department"] == world.city_housing.pk


def test_led_by_principal_belongs_to_a_self_inspection(world):
    answer = post(world.a_emergency_user, INSPECTIONS, {"enterprise": world.chem_a.pk, "kind": "enforcement",
                                                        "led_by_principal": True})
    assert answer.status_code == 400 and set(answer.json()) == {"led_by_principal"}


def test_the_seven_findings_round_trip_through_their_columns(world):
    flags = list(FINDINGS)
    body = inspection(world, findings=list(reversed(flags)))
    assert body["findings"] == flags  # in the form's order, whatever the order sent
    row = Inspection.objects.get(pk=body["id"])
    assert all(getattr(row, flag) for flag in flags)
    body = inspection(world, findings=["no_duty_list", "no_drill"])
    row = Inspection.objects.get(pk=body["id"])
    assert [f for f in flags if getattr(row, f)] == ["no_duty_list", "no_drill"]
    assert client_for(world.a_emergency_user).get(f"{INSPECTIONS}{body['id']}/").json()["findings"] == [
        "no_duty_list", "no_drill"]
    answer = patch(world.a_emergency_user, f"{INSPECTIONS}{body['id']}/", {"findings": ["outsourcing_disorder"]})
    assert answer.status_code == 200 and answer.json()["findings"] == ["outsourcing_disorder"]
    row.refresh_from_db()
    assert [f for f in flags if getattr(row, f)] == ["outsourcing_disorder"]
    for bad in (["no_drill", "on_fire"], ["no_drill", "no_drill"], "no_drill"):
        answer = post(world.a_emergency_user, INSPECTIONS, {"enterprise": world.chem_a.pk, "kind": "enforcement",
                                                            "findings": bad})
        assert answer.status_code == 400 and set(answer.json()) == {"findings"}, bad


def test_hazards_found_and_reviewed_belong_to_the_inspected_enterprise(world):
    mine, other = hazard(world, world.chem_a), hazard(world, world.town_shop, sector="industry_trade")
    body = inspection(world, hazards=[mine.pk])
    assert body["hazards"] == [mine.pk] and Inspection.objects.get(pk=body["id"]).hazards.get() == mine
    answer = post(world.a_emergency_user, INSPECTIONS, {"enterprise": world.chem_a.pk, "kind": "enforcement",
                                                        "hazards": [mine.pk, other.pk]})
    assert answer.status_code == 400 and set(answer.json()) == {"hazards"}
    assert str(other.pk) in answer.json()["hazards"][0]
    answer = post(world.a_emergency_user, INSPECTIONS, {"enterprise": world.chem_a.pk, "kind": "review",
                                                        "reviewed_hazards": [other.pk]})
    assert answer.status_code == 400 and set(answer.json()) == {"reviewed_hazards"}


@pytest.mark.parametrize("kind", ["enforcement", "expert", "assistance"])
def test_reviewed_hazards_only_on_a_review(world, kind):
    h = hazard(world, world.chem_a)
    answer = post(world.a_emergency_user, INSPECTIONS, {"enterprise": world.chem_a.pk, "kind": kind,
                                                        "reviewed_hazards": [h.pk]})
    assert answer.status_code == 400 and set(answer.json()) == {"reviewed_hazards"}
    body = inspection(world, kind="review", reviewed_hazards=[h.pk])
    assert body["reviewed_hazards"] == [h.pk] and body["hazards"] == []
    assert list(h.reviews.values_list("pk", flat=True)) == [body["id"]]
    plain = inspection(world, kind=kind)
    answer = patch(world.a_emergency_user, f"{INSPECTIONS}{plain['id']}/", {"reviewed_hazards": [h.pk]})
    assert answer.status_code == 400 and set(answer.json()) == {"reviewed_hazards"}


def test_bad_input_answers_400_per_field_in_chinese(world):
    answer = post(world.a_emergency_user, INSPECTIONS, {"enterprise": world.chem_a.pk, "kind": "raid",
                                                        "mode": "stealth", "inspected_on": "2026/01/01"})
    assert answer.status_code == 400 and set(answer.json()) == {"kind", "mode", "inspected_on"}
    assert all(re.search(r"[\u4e00-\u9fff]", m) for ms in answer.json().values() for m in ms), answer.json()
    answer = post(world.a_emergency_user, INSPECTIONS, {"enterprise": world.chem_a.pk, "kind": "enforcement",
                                                        "inspected_on": iso(1)})
    assert answer.status_code == 400 and "今天" in answer.json()["inspected_on"][0]
    answer = post(world.a_emergency_user, INSPECTIONS, {"enterprise": world.chem_a.pk, "kind": "enforcement",
                                                        "inspectors": [999999]})
    assert answer.status_code == 400 and "不存在" in answer.json()["inspectors"][0]
    assert Inspection.objects.count() == 0
    body = inspection(world, mode=None)
    assert body["mode"] is None and Inspection.objects.get(pk=body["id"]).mode == ""


# --- scope ------------------------------------------------------------------------------------------------------

def test_a_department_of_another_county_neither_sees_nor_references(world, b_user):
    h = hazard(world, world.chem_a)
    mine = inspection(world, hazards=[h.pk], findings=["no_drill"])
    b = client_for(b_user)
    assert b.get(INSPECTIONS).json()["count"] == 0
    for url in (f"{INSPECTIONS}{mine['id']}/",):
        assert b.get(url).status_code == 404
        assert b.patch(url, {"note": "x"}, format="json").status_code == 404
    assert b.post(f"{INSPECTIONS}{mine['id']}/sign/", {}, format="json").status_code == 404
    answer = b.post(INSPECTIONS, {"enterprise": world.chem_a.pk, "kind": "enforcement"}, format="json")
    assert answer.status_code == 400 and "不存在" in answer.json()["enterprise"][0]
    answer = b.post(INSPECTIONS, {"enterprise": world.chem_b.pk, "kind": "enforcement", "hazards": [h.pk]},
                    format="json")
    assert answer.status_code == 400 and "不存在" in answer.json()["hazards"][0]
    # its own county's enterprise, though, it inspects
    assert created(b.post(INSPECTIONS, {"enterprise": world.chem_b.pk, "kind": "enforcement"}, format="json"))


def test_who_sees_an_inspection(world, b_user):
    on_a = inspection(world)["id"]
    on_b = created(post(world.group_user, INSPECTIONS, {"enterprise": world.chem_b.pk, "kind": "supervision"}))["id"]

    def seen(user):
        return {r["id"] for r in client_for(user).get(INSPECTIONS).json()["results"]}

    assert seen(world.ent_user) == {on_a}  # the inspections made about its enterprise
    assert seen(world.a_emergency_user) == {on_a}
    assert seen(world.office_a_user) == {on_a} and seen(world.discipline_a_user) == {on_a}
    assert seen(world.office_city_user) == {on_a, on_b}
    assert seen(world.group_user) == {on_b}
    assert seen(world.city_emergency_user) == {on_a, on_b}
    assert seen(b_user) == {on_b} and seen(world.nobody) == set()
    assert seen(world.city_housing_user) == set()


# --- signing and changes ----------------------------------------------------------------------------------------

def test_an_inspector_signs_and_the_record_is_locked(world):
    colleague = _user("a_colleague", ("department", world.a_emergency, "member"))
    body = inspection(world, inspectors=[colleague.pk], note="初稿")
    url = f"{INSPECTIONS}{body['id']}/"
    # the person who registered it is not among the inspectors: 谁检查、谁签名
    assert post(world.a_emergency_user, f"{url}sign/", {}).status_code == 403
    before = AuditEntry.objects.count()
    answer = post(colleague, f"{url}sign/", {"version": 1})
    assert answer.status_code == 200, answer.json()
    assert answer.json()["signed_at"] is not None and answer.json()["version"] == 2
    entry = AuditEntry.objects.order_by("-seq").first()
    assert AuditEntry.objects.count() == before + 1
    assert (entry.action, entry.model, entry.object_id, entry.after["action"], entry.before["signed_at"]) == (
        "transition", "inspections.inspection", str(body["id"]), "sign", None)
    for user in (world.a_emergency_user, colleague, world.admin):
        answer = patch(user, url, {"note": "改稿"})
        assert answer.status_code == 400 and answer.json() == {"signed_at": ["已签名的检查记录不能修改。"]}
    answer = client_for(colleague).put(url, {**answer_body(world, body["id"]), "note": "改稿"}, format="json")
    assert answer.status_code == 400 and "signed_at" in answer.json()
    again = post(colleague, f"{url}sign/", {})
    assert again.status_code == 400 and "signed_at" in again.json()
    assert Inspection.objects.get(pk=body["id"]).note == "初稿"
    assert AuditEntry.objects.count() == before + 1


def answer_body(w, inspection_id) -> dict:
    return client_for(w.admin).get(f"{INSPECTIONS}{inspection_id}/").json()


def test_without_inspectors_the_person_who_registered_signs(world):
    colleague = _user("a_colleague", ("department", world.a_emergency, "member"))
    body = inspection(world)
    url = f"{INSPECTIONS}{body['id']}/sign/"
    assert post(colleague, url, {}).status_code == 403
    assert post(world.ent_user, url, {}).status_code == 403  # sees it, did not inspect
    assert post(world.a_emergency_user, url, {"version": 5}).status_code == 409
    assert post(world.a_emergency_user, url, {}).status_code == 200


def test_changes_by_whoever_carried_it_out_with_a_fresh_version(world, b_user):
    h = hazard(world, world.chem_a)
    body = inspection(world, mode="joint", note="初稿")
    url = f"{INSPECTIONS}{body['id']}/"
    answer = patch(world.a_emergency_user, url, {"note": "定稿", "hazards": [h.pk], "inspected_on": iso(-2),
                                                 "version": 1})
    assert answer.status_code == 200, answer.json()
    assert (answer.json()["note"], answer.json()["hazards"], answer.json()["inspected_on"],
            answer.json()["version"], answer.json()["mode"]) == ("定稿", [h.pk], iso(-2), 2, "joint")
    stale = patch(world.a_emergency_user, url, {"note": "旧表单", "version": 1})
    assert stale.status_code == 409 and "detail" in stale.json()
    # those who only see it may not change it
    for user in (world.ent_user, world.office_a_user, world.discipline_a_user):
        assert patch(user, url, {"note": "x"}).status_code == 403
    # what the record is about stays; the whole record sent back as read is accepted
    answer = patch(world.a_emergency_user, url, {"kind": "review"})
    assert answer.status_code == 400 and set(answer.json()) == {"kind"}
    answer = patch(world.a_emergency_user, url, {"department": world.city_emergency.pk})
    assert answer.status_code == 400 and set(answer.json()) == {"department"}
    whole = answer_body(world, body["id"])
    answer = client_for(world.a_emergency_user).put(url, {**whole, "mode": None}, format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["mode"] is None and answer.json()["version"] == 3
    answer = patch(world.a_emergency_user, url, {"inspected_on": iso(1)})
    assert answer.status_code == 400 and set(answer.json()) == {"inspected_on"}
    assert Inspection.objects.get(pk=body["id"]).version == 3


def test_a_self_inspection_is_changed_by_the_enterprise_a_supervision_by_the_group(world):
    own = created(post(world.ent_user, INSPECTIONS, {"enterprise": world.chem_a.pk, "kind": "self"}))
    assert patch(world.a_emergency_user, f"{INSPECTIONS}{own['id']}/", {"note": "x"}).status_code == 403
    assert patch(world.ent_user, f"{INSPECTIONS}{own['id']}/", {"led_by_principal": True}).json()[
        "led_by_principal"] is True
    sup = created(post(world.group_user, INSPECTIONS, {"enterprise": world.chem_b.pk, "kind": "supervision"}))
    assert patch(world.city_emergency_user, f"{INSPECTIONS}{sup['id']}/", {"note": "x"}).status_code == 403
    assert patch(world.group_user, f"{INSPECTIONS}{sup['id']}/", {"note": "y"}).status_code == 200


def test_inspections_are_never_deleted(world):
    body = inspection(world)
    assert client_for(world.admin).delete(f"{INSPECTIONS}{body['id']}/").status_code == 405
    assert Inspection.objects.filter(pk=body["id"]).exists()


def test_every_inspection_write_leaves_one_audit_entry_and_a_refusal_none(world):
    colleague = _user("a_colleague", ("department", world.a_emergency, "member"))
    before = AuditEntry.objects.count()
    body = inspection(world, inspectors=[colleague.pk], findings=["no_drill"])
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.model, entry.object_id, entry.source, entry.username) == (
        "create", "inspections.inspection", str(body["id"]), "api", "a_emergency")
    assert entry.after["inspectors"] == [colleague.pk] and entry.after["no_drill"] is True
    patch(world.a_emergency_user, f"{INSPECTIONS}{body['id']}/", {"note": "补充"})
    patch(world.a_emergency_user, f"{INSPECTIONS}{body['id']}/", {"note": "补充"})  # no change, no entry
    entries = list(AuditEntry.objects.filter(seq__gt=before).order_by("seq"))
    assert [e.action for e in entries] == ["create", "update"]
    assert (entries[1].before["note"], entries[1].after["note"]) == ("", "补充")
    count = AuditEntry.objects.count()
    assert patch(world.office_a_user, f"{INSPECTIONS}{body['id']}/", {"note": "x"}).status_code == 403
    assert post(world.ent_user, INSPECTIONS, {"enterprise": world.chem_a.pk, "kind": "enforcement"}
                ).status_code == 403
    assert AuditEntry.objects.count() == count
    assert verify_chain() == []


def test_inspection_filters(world):
    inspection(world, inspected_on=iso(-30))
    inspection(world, kind="review", inspected_on=iso(-3))
    created(post(world.ent_user, INSPECTIONS, {"enterprise": world.chem_a.pk, "kind": "self"}))
    created(post(world.group_user, INSPECTIONS, {"enterprise": world.chem_b.pk, "kind": "supervision"}))
    created(post(world.admin, INSPECTIONS, {"enterprise": world.town_shop.pk, "kind": "assistance",
                                            "department": world.township_office.pk}))
    client = client_for(world.admin)

    def count(**params):
        answer = client.get(INSPECTIONS, params)
        assert answer.status_code == 200, answer.json()
        return answer.json()["count"]

    assert count() == 5
    assert count(kind="review") == 1 and count(kind=["review", "enforcement"]) == 2
    assert count(department=world.a_emergency.pk) == 2 and count(department=world.city_emergency.pk) == 1
    assert count(group=world.group.pk) == 1
    assert count(enterprise=world.chem_a.pk) == 3
    assert count(region="411002") == 4 and count(region="411002001") == 1 and count(region="411003") == 1
    assert count(inspected_from=iso(-10)) == 4 and count(inspected_to=iso(-10)) == 1
    assert count(inspected_from=iso(-31), inspected_to=iso(-29)) == 1
    assert client.get(INSPECTIONS, {"kind": "raid"}).status_code == 400
    page = client.get(INSPECTIONS, {"page_size": 2}).json()
    assert set(page) == {"count", "next", "previous", "results"} and len(page["results"]) == 2
    assert page["results"][0]["inspected_on"] == timezone.localdate().isoformat()  # newest first


def test_the_list_does_not_query_per_inspection(world, django_assert_max_num_queries):
    h = hazard(world, world.chem_a)

    def load(n):
        for _ in range(n):
            inspection(world, inspectors=[world.a_emergency_user.pk], hazards=[h.pk], findings=["no_drill"])

    load(2)
    with django_assert_max_num_queries(10) as small:
        assert client_for(world.admin).get(INSPECTIONS).json()["count"] == 2
    load(8)
    with django_assert_max_num_queries(10) as large:
        assert client_for(world.admin).get(INSPECTIONS).json()["count"] == 10
    assert len(large.captured_queries) == len(small.captured_queries)


# === enforcement-actions/ =======================================================================================

def action(w, user=None, **body) -> dict:
    return created(post(user or w.a_emergency_user, ACTIONS, {"enterprise": w.chem_a.pk, **body}))


def refused(user, body, field) -> None:
    answer = post(user, ACTIONS, body)
    assert answer.status_code == 400, answer.json()
    assert field in answer.json(), answer.json()


def test_a_department_member_registers_a_penalty(world):
    body = action(world, kind="penalty", amount="2.5", case_no="魏应急罚〔2026〕1号", decided_on=iso(-4))
    assert (body["department"], body["kind"], body["amount"], body["case_no"], body["decided_on"]) == (
        world.a_emergency.pk, "penalty", "2.5000", "魏应急罚〔2026〕1号", iso(-4))
    assert (body["published"], body["published_on"], body["persons"], body["version"], body["hazard"]) == (
        False, None, 0, 1, None)
    assert {"id", "enterprise", "department", "kind", "decided_on", "amount", "against_principal", "case_no",
            "hazard", "persons", "dangerous_operation_crime", "published", "published_on", "waiver_reason"} <= set(body)
    assert EnforcementAction.objects.get(pk=body["id"]).amount == Decimal("2.5")
    assert action(world, kind="summons")["decided_on"] == timezone.localdate().isoformat()


def test_only_department_members_register_enforcement(world):
    body = {"enterprise": world.chem_a.pk, "kind": "summons", "department": world.a_emergency.pk}
    for user in (world.ent_user, world.office_a_user, world.office_city_user, world.discipline_a_user):
        assert post(user, ACTIONS, body).status_code == 403, user
    assert post(world.group_user, ACTIONS, {**body, "enterprise": world.chem_b.pk}).status_code == 403
    answer = post(world.nobody, ACTIONS, body)  # sees no enterprise at all
    assert answer.status_code == 400 and "不存在" in answer.json()["enterprise"][0]
    refused(world.a_emergency_user, {**body, "department": world.city_emergency.pk}, "department")
    refused(world.admin, {"enterprise": world.chem_a.pk, "kind": "summons"}, "department")
    assert EnforcementAction.objects.count() == 0
    assert created(post(world.admin, ACTIONS, body))["department"] == world.a_emergency.pk


def test_case_number_for_penalties_and_referrals(world):
    base = {"enterprise": world.chem_a.pk}
    refused(world.a_emergency_user, {**base, "kind": "penalty", "amount": "1"}, "case_no")
    refused(world.a_emergency_user, {**base, "kind": "penalty", "amount": "1", "case_no": "  "}, "case_no")
    refused(world.a_emergency_user, {**base, "kind": "judicial_referral", "persons": 1}, "case_no")
    for kind in ("stop_rectify", "licence", "closure", "industry_ban", "summons", "exposure", "joint_sanction"):
        assert action(world, kind=kind)["case_no"] == ""


def test_amount_for_penalties_only_and_above_zero(world):
    base = {"enterprise": world.chem_a.pk, "case_no": "1号"}
    for amount in (None, "0", "-1"):
        body = {**base, "kind": "penalty"} | ({} if amount is None else {"amount": amount})
        refused(world.a_emergency_user, body, "amount")
    refused(world.a_emergency_user, {**base, "kind": "judicial_referral", "persons": 1, "amount": "1"}, "amount")
    refused(world.a_emergency_user, {**base, "kind": "summons", "amount": "0.5"}, "amount")
    assert action(world, kind="penalty", case_no="1号", amount="0.0001")["amount"] == "0.0001"


def test_persons_for_referrals_and_the_dangerous_operation_crime(world):
    base = {"enterprise": world.chem_a.pk, "case_no": "2号"}
    refused(world.a_emergency_user, {**base, "kind": "judicial_referral"}, "persons")
    refused(world.a_emergency_user, {**base, "kind": "judicial_referral", "persons": 0}, "persons")
    refused(world.a_emergency_user, {**base, "kind": "penalty", "amount": "1", "persons": 2}, "persons")
    body = action(world, kind="judicial_referral", case_no="2号", persons=2, dangerous_operation_crime=True)
    assert (body["persons"], body["dangerous_operation_crime"]) == (2, True)
    assert action(world, kind="penalty", case_no="2号", amount="3", against_principal=True,
                  dangerous_operation_crime=True)["against_principal"] is True
    for kind in ("summons", "stop_rectify", "exposure"):
        refused(world.a_emergency_user, {**base, "kind": kind, "dangerous_operation_crime": True},
                "dangerous_operation_crime")


def test_publishing_a_typical_case_is_for_a_department_leader(world, housing_member):
    base = {"enterprise": world.build_a.pk, "kind": "penalty", "amount": "5", "case_no": "住建罚1号",
            "decided_on": iso(-20)}
    before = EnforcementAction.objects.count()
    assert post(housing_member, ACTIONS, {**base, "published": True, "published_on": iso(-1)}).status_code == 403
    assert post(world.station_user, ACTIONS, {**base, "published": True}).status_code == 403
    assert EnforcementAction.objects.count() == before
    body = action(world, world.city_housing_user, **base, published=True, published_on=iso(-1))
    assert (body["published"], body["published_on"], body["department"]) == (True, iso(-1), world.city_housing.pk)
    # the leader of the bureau publishes its station's case (D*); the station's own member may not
    station_case = action(world, world.station_user, **base)
    url = f"{ACTIONS}{station_case['id']}/"
    assert patch(world.station_user, url, {"published": True}).status_code == 403
    answer = patch(world.city_housing_user, url, {"published": True})
    assert answer.status_code == 200, answer.json()
    assert answer.json()["published_on"] == timezone.localdate().isoformat()  # defaults to today
    # unpublishing is the leader's too; the date goes with the publication
    assert patch(world.station_user, url, {"published": False}).status_code == 403
    assert patch(world.station_user, url, {"note": "补充说明"}).status_code == 200  # other changes are the member's
    answer = patch(world.city_housing_user, url, {"published": False})
    assert (answer.json()["published"], answer.json()["published_on"]) == (False, None)


def test_the_publication_date(world):
    base = {"enterprise": world.build_a.pk, "kind": "summons", "decided_on": iso(-10), "published": True}
    refused(world.city_housing_user, {**base, "published_on": None}, "published_on")
    refused(world.city_housing_user, {**base, "published_on": iso(1)}, "published_on")
    refused(world.city_housing_user, {**base, "published_on": iso(-11)}, "published_on")
    refused(world.city_housing_user, {**base, "published": False, "published_on": iso(-1)}, "published_on")
    refused(world.city_housing_user, {**base, "decided_on": iso(1), "published_on": iso(0)}, "decided_on")
    assert action(world, world.city_housing_user, **base, published_on=iso(-10))["published_on"] == iso(-10)


def test_a_penalty_on_a_waived_hazard_states_why(world):
    waived, plain = waived_hazard(world), hazard(world, world.chem_a, level="major")
    assert hazard_services.penalty_waived(waived) and not hazard_services.penalty_waived(plain)
    base = {"enterprise": world.chem_a.pk, "kind": "penalty", "amount": "10", "case_no": "罚3号"}
    answer = post(world.a_emergency_user, ACTIONS, {**base, "hazard": waived.pk})
    assert answer.status_code == 400 and set(answer.json()) == {"waiver_reason"}
    refused(world.a_emergency_user, {**base, "hazard": waived.pk, "waiver_reason": "  "}, "waiver_reason")
    body = action(world, **base, hazard=waived.pk, waiver_reason="整改期间仍违规动火作业")
    assert (body["hazard"], body["waiver_reason"]) == (waived.pk, "整改期间仍违规动火作业")
    assert action(world, **base, hazard=plain.pk)["waiver_reason"] == ""
    # other measures on a waived hazard need no reason (停产整顿 is not a penalty)
    assert action(world, kind="stop_rectify", hazard=waived.pk)["hazard"] == waived.pk
    # a reason cannot be dropped later
    answer = patch(world.a_emergency_user, f"{ACTIONS}{body['id']}/", {"waiver_reason": ""})
    assert answer.status_code == 400 and set(answer.json()) == {"waiver_reason"}


def test_the_hazard_and_the_inspection_belong_to_the_enterprise(world):
    other = hazard(world, world.town_shop, sector="industry_trade")
    refused(world.a_emergency_user, {"enterprise": world.chem_a.pk, "kind": "summons", "hazard": other.pk}, "hazard")
    shop_check = created(post(world.a_emergency_user, INSPECTIONS, {"enterprise": world.town_shop.pk,
                                                                    "kind": "enforcement"}))
    refused(world.a_emergency_user, {"enterprise": world.chem_a.pk, "kind": "summons",
                                     "inspection": shop_check["id"]}, "inspection")
    own_check = inspection(world)
    assert action(world, kind="summons", inspection=own_check["id"])["inspection"] == own_check["id"]


def test_enforcement_scope(world, b_user):
    h = hazard(world, world.chem_a)
    body = action(world, kind="summons", hazard=h.pk)
    url = f"{ACTIONS}{body['id']}/"
    b = client_for(b_user)
    assert b.get(ACTIONS).json()["count"] == 0
    assert b.get(url).status_code == 404 and b.patch(url, {"note": "x"}, format="json").status_code == 404
    answer = b.post(ACTIONS, {"enterprise": world.chem_a.pk, "kind": "summons"}, format="json")
    assert answer.status_code == 400 and "不存在" in answer.json()["enterprise"][0]
    answer = b.post(ACTIONS, {"enterprise": world.chem_b.pk, "kind": "summons", "hazard": h.pk}, format="json")
    assert answer.status_code == 400 and "不存在" in answer.json()["hazard"][0]
    # the enterprise sees the decisions about it; the county's office sees, and may not change them
    assert client_for(world.ent_user).get(url).status_code == 200
    assert client_for(world.office_a_user).get(url).status_code == 200
    assert patch(world.office_a_user, url, {"note": "x"}).status_code == 403
    assert patch(world.ent_user, url, {"note": "x"}).status_code == 403
    assert client_for(world.city_housing_user).get(url).status_code == 404


def test_enforcement_changes_with_a_fresh_version(world):
    body = action(world, kind="penalty", amount="1", case_no="罚9号")
    url = f"{ACTIONS}{body['id']}/"
    answer = patch(world.a_emergency_user, url, {"amount": "1.25", "against_principal": True, "version": 1})
    assert answer.status_code == 200, answer.json()
    assert (answer.json()["amount"], answer.json()["against_principal"], answer.json()["version"]) == (
        "1.2500", True, 2)
    assert patch(world.a_emergency_user, url, {"amount": "9", "version": 1}).status_code == 409
    assert EnforcementAction.objects.get(pk=body["id"]).amount == Decimal("1.25")
    answer = patch(world.a_emergency_user, url, {"department": world.city_emergency.pk})
    assert answer.status_code == 400 and set(answer.json()) == {"department"}
    answer = patch(world.a_emergency_user, url, {"kind": "summons"})  # a summons has no fine
    assert answer.status_code == 400 and set(answer.json()) == {"amount"}
    answer = patch(world.a_emergency_user, url, {"kind": "summons", "amount": None})
    assert answer.status_code == 200 and answer.json()["kind"] == "summons"
    whole = client_for(world.admin).get(url).json()
    answer = client_for(world.a_emergency_user).put(url, {**whole, "note": "整份回传"}, format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["version"] == 4
    assert client_for(world.admin).delete(url).status_code == 405


def test_every_enforcement_write_leaves_one_audit_entry(world):
    before = AuditEntry.objects.count()
    body = action(world, kind="penalty", amount="2", case_no="罚5号")
    patch(world.a_emergency_user, f"{ACTIONS}{body['id']}/", {"amount": "3"})
    assert post(world.a_emergency_user, ACTIONS, {"enterprise": world.chem_a.pk, "kind": "penalty"}
                ).status_code == 400
    entries = list(AuditEntry.objects.filter(seq__gt=before).order_by("seq"))
    assert [(e.action, e.model, e.object_id) for e in entries] == [
        ("create", "inspections.enforcementaction", str(body["id"])),
        ("update", "inspections.enforcementaction", str(body["id"]))]
    assert (entries[1].before["amount"], entries[1].after["amount"]) == ("2.0000", "3.0000")
    assert verify_chain() == []


def test_enforcement_filters(world):
    action(world, kind="penalty", amount="1", case_no="A1", decided_on=iso(-40))
    action(world, kind="penalty", amount="1", case_no="A1", against_principal=True, decided_on=iso(-39))
    action(world, world.city_housing_user, enterprise=world.build_a.pk, kind="summons", published=True)
    action(world, world.admin, enterprise=world.chem_b.pk, department=world.b_emergency.pk, kind="closure")
    client = client_for(world.admin)

    def count(**params):
        answer = client.get(ACTIONS, params)
        assert answer.status_code == 200, answer.json()
        return answer.json()["count"]

    assert count() == 4 and count(kind="penalty") == 2 and count(kind=["penalty", "closure"]) == 3
    assert count(case_no="A1") == 2 and count(published="true") == 1
    assert count(department=world.city_housing.pk) == 1 and count(enterprise=world.chem_a.pk) == 2
    assert count(region="411002") == 3 and count(region="411003") == 1
    assert count(decided_from=iso(-39)) == 3 and count(decided_to=iso(-40)) == 1


# === accountability/ ============================================================================================

def test_a_safety_office_or_discipline_records_accountability(world):
    body = created(post(world.office_a_user, ACCOUNTABILITY, {
        "region": "411002", "department": world.a_emergency.pk, "persons": 2, "decided_on": iso(-7),
        "outcome": "诫勉谈话"}))
    assert (body["region"], body["department"], body["persons"], body["decided_on"], body["version"]) == (
        "411002", world.a_emergency.pk, 2, iso(-7), 1)
    assert {"id", "region", "department", "decided_on", "persons", "hazard", "inspection", "note"} <= set(body)
    body = created(post(world.discipline_a_user, ACCOUNTABILITY, {"region": "411002", "persons": 1}))
    assert (body["department"], body["decided_on"]) == (None, timezone.localdate().isoformat())
    # the city's office acts for the regions below it
    assert created(post(world.office_city_user, ACCOUNTABILITY, {"region": "411002001", "persons": 1}))


def test_nobody_else_records_accountability(world):
    body = {"region": "411002", "persons": 1}
    for user in (world.a_emergency_user, world.ent_user, world.group_user, world.city_housing_user,
                 world.nobody):
        assert post(user, ACCOUNTABILITY, body).status_code == 403, user
    # a county's office does not act for the neighbouring county nor for the city above it
    assert post(world.office_a_user, ACCOUNTABILITY, {"region": "411003", "persons": 1}).status_code == 403
    assert post(world.discipline_a_user, ACCOUNTABILITY, {"region": "4110", "persons": 1}).status_code == 403
    assert Accountability.objects.count() == 0


def test_accountability_rules(world):
    answer = post(world.office_a_user, ACCOUNTABILITY, {"region": "411002", "persons": 1,
                                                        "department": world.b_emergency.pk})
    assert answer.status_code == 400 and set(answer.json()) == {"department"}
    answer = post(world.office_a_user, ACCOUNTABILITY, {"region": "411002", "persons": 1,
                                                        "department": world.city_emergency.pk})  # the city's
    assert answer.status_code == 400 and set(answer.json()) == {"department"}
    for persons in (0, -1, None):
        answer = post(world.office_a_user, ACCOUNTABILITY, {"region": "411002"} | (
            {} if persons is None else {"persons": persons}))
        assert answer.status_code == 400 and set(answer.json()) == {"persons"}
    answer = post(world.office_a_user, ACCOUNTABILITY, {"region": "411002", "persons": 1, "decided_on": iso(1)})
    assert answer.status_code == 400 and set(answer.json()) == {"decided_on"}
    far = hazard(world, world.far_away)  # outside the office's sight: as if it did not exist
    answer = post(world.office_a_user, ACCOUNTABILITY, {"region": "411002", "persons": 1, "hazard": far.pk})
    assert answer.status_code == 400 and "不存在" in answer.json()["hazard"][0]
    h, check = hazard(world, world.chem_a), inspection(world)
    body = created(post(world.office_a_user, ACCOUNTABILITY, {"region": "411002", "persons": 3, "hazard": h.pk,
                                                              "inspection": check["id"]}))
    assert (body["hazard"], body["inspection"]) == (h.pk, check["id"])
    assert Accountability.objects.count() == 1


def test_accountability_scope_and_changes(world, b_user):
    body = created(post(world.office_a_user, ACCOUNTABILITY, {"region": "411002", "persons": 1,
                                                              "department": world.a_emergency.pk}))
    url = f"{ACCOUNTABILITY}{body['id']}/"
    office_b = _user("office_b", ("safety_office", world.county_b, "member"))

    def seen(user):
        return {r["id"] for r in client_for(user).get(ACCOUNTABILITY).json()["results"]}

    assert seen(world.office_a_user) == seen(world.discipline_a_user) == seen(world.office_city_user) == {body["id"]}
    assert seen(world.a_emergency_user) == {body["id"]}  # the department it names
    assert seen(office_b) == seen(b_user) == seen(world.ent_user) == seen(world.group_user) == set()
    assert client_for(office_b).patch(url, {"persons": 2}, format="json").status_code == 404
    assert patch(world.a_emergency_user, url, {"persons": 2}).status_code == 403
    answer = patch(world.discipline_a_user, url, {"persons": 4, "version": 1})
    assert answer.status_code == 200 and (answer.json()["persons"], answer.json()["version"]) == (4, 2)
    assert patch(world.office_a_user, url, {"persons": 5, "version": 1}).status_code == 409
    # moving it to a region the office does not hold
    assert patch(world.office_a_user, url, {"region": "411003", "department": None}).status_code == 403
    answer = patch(world.office_city_user, url, {"region": "411003", "department": world.b_emergency.pk})
    assert answer.status_code == 200 and answer.json()["region"] == "411003"
    assert client_for(world.office_a_user).get(url).status_code == 404
    assert client_for(world.admin).delete(url).status_code == 405
    entries = AuditEntry.objects.filter(model="inspections.accountability", object_id=str(body["id"]))
    assert sorted(entries.values_list("action", flat=True)) == ["create", "update", "update"]


def test_accountability_filters(world):
    extra = _department("魏都区纪委监委", "discipline", world.county_a)
    created(post(world.office_a_user, ACCOUNTABILITY, {"region": "411002", "persons": 1, "department": extra.pk,
                                                       "decided_on": iso(-30)}))
    created(post(world.office_city_user, ACCOUNTABILITY, {"region": "411002001", "persons": 2}))
    created(post(world.office_city_user, ACCOUNTABILITY, {"region": "4110", "persons": 3}))
    client = client_for(world.admin)

    def count(**params):
        return client.get(ACCOUNTABILITY, params).json()["count"]

    assert count() == 3 and count(region="411002") == 2 and count(region="4110") == 3
    assert count(department=extra.pk) == 1 and count(decided_to=iso(-1)) == 1 and count(decided_from=iso(0)) == 2


# === the OpenAPI document =======================================================================================

PATHS = ["inspections/", "inspections/{id}/", "inspections/{id}/sign/", "enforcement-actions/",
         "enforcement-actions/{id}/", "accountability/", "accountability/{id}/"]


def test_the_schema_serves_the_paths_with_named_enums_and_no_delete(client, db):
    schema = client.get("/api/v1/schema/?format=json", HTTP_ACCEPT="application/json").json()
    served = {re.sub(r"\{[^}]+\}", "{id}", p.replace("/api/v1/", "", 1)) for p in schema["paths"]}
    assert set(PATHS) <= served
    for detail in ("inspections/{id}/", "enforcement-actions/{id}/", "accountability/{id}/"):
        assert "delete" not in schema["paths"][f"/api/v1/{detail}"]
    components = schema["components"]["schemas"]
    assert components["InspectionKind"]["enum"] == ["self", "enforcement", "supervision", "expert", "assistance",
                                                    "review"]
    assert components["InspectionFinding"]["enum"] == list(FINDINGS)
    assert "joint" in components["InspectionMode"]["enum"]
    assert "judicial_referral" in components["EnforcementActionKind"]["enum"]


def test_these_views_generate_without_a_warning_and_validate(db):
    """Only this module's views (other resources are checked by their own tests)."""
    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/v1/", include("apps.inspections.api_urls"))])
    schema = generator.get_schema(request=None, public=True)
    validate_schema(schema)
    problems = dict(GENERATOR_STATS._warn_cache) | dict(GENERATOR_STATS._error_cache)
    assert not problems, problems


# === the admin ==================================================================================================

def test_the_admin_lists_the_records_and_leaves_a_signed_inspection_read_only(world, client):
    signed = inspection(world)
    post(world.a_emergency_user, f"{INSPECTIONS}{signed['id']}/sign/", {})
    open_one = inspection(world)
    penalty = action(world, kind="penalty", amount="1", case_no="罚1号")
    decision = created(post(world.office_a_user, ACCOUNTABILITY, {"region": "411002", "persons": 1}))
    client.force_login(world.admin)
    for model, pk in (("inspection", signed["id"]), ("enforcementaction", penalty["id"]),
                      ("accountability", decision["id"])):
        assert client.get(f"/admin/inspections/{model}/").status_code == 200, model
        assert client.get(f"/admin/inspections/{model}/{pk}/change/").status_code == 200, model
    assert 'name="note"' not in client.get(f"/admin/inspections/inspection/{signed['id']}/change/").content.decode()
    assert 'name="note"' in client.get(f"/admin/inspections/inspection/{open_one['id']}/change/").content.decode()
    assert client.get(f"/admin/inspections/inspection/{open_one['id']}/delete/").status_code == 403
