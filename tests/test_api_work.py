"""API `activities/`, `risks/`, `problems/` (API.md; REPORTS.md §9.1): every validation rule names its field in
Chinese, who may record which kind for which organ (403), the scope of the lists (404 outside it), references
resolving only among what the caller sees, optimistic locking (409), deletion, the audit entry of every write and
the OpenAPI document."""
import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from apps.audit.models import AuditEntry
from apps.audit.services import verify_chain
from apps.work.models import Activity, Problem, Risk
from tests.world import _user

ACTIVITIES, RISKS, PROBLEMS = "/api/v1/activities/", "/api/v1/risks/", "/api/v1/problems/"
CJK = re.compile(r"[\u4e00-\u9fff]")


def iso(n: int = 0) -> str:
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def post(user, url, data):
    return client_for(user).post(url, data, format="json")


def created(user, url, data) -> dict:
    answer = post(user, url, data)
    assert answer.status_code == 201, answer.json()
    return answer.json()


def refused(answer, field: str) -> str:
    """A 400 naming `field`, in Chinese; the message."""
    assert answer.status_code == 400, (answer.status_code, answer.json())
    body = answer.json()
    assert field in body, body
    message = "".join(body[field])
    assert CJK.search(message), message
    return message


def audit_actions(model: str, pk) -> list[str]:
    return list(AuditEntry.objects.filter(model=f"work.{model}", object_id=str(pk)).order_by("seq")
                .values_list("action", flat=True))


# --- activities: recording ------------------------------------------------------------------------------------------

def test_a_safety_office_records_its_governments_work_with_the_defaults(world):
    body = created(world.office_a_user, ACTIVITIES, {"kind": "special_study", "region": "411002"})
    assert {k: body[k] for k in ("kind", "region", "department", "enterprise", "sector", "media_level", "occurred_on",
                                 "count", "people", "note", "version")} == {
        "kind": "special_study", "region": "411002", "department": None, "enterprise": None, "sector": None,
        "media_level": None, "occurred_on": iso(), "count": 1, "people": 0, "note": "", "version": 1}
    activity = Activity.objects.get(pk=body["id"])
    assert activity.created_by == world.office_a_user
    assert audit_actions("activity", body["id"]) == ["create"]
    assert verify_chain() == []


def test_the_region_follows_the_department_or_the_enterprise_when_omitted(world):
    by_department = created(world.a_emergency_user, ACTIVITIES, {"kind": "enterprise_briefing",
                                                                 "department": world.a_emergency.pk})
    assert by_department["region"] == "411002"
    by_enterprise = created(world.ent_user, ACTIVITIES, {"kind": "drill", "enterprise": world.chem_a.pk,
                                                         "occurred_on": iso(-40), "note": "消防演练"})
    assert (by_enterprise["region"], by_enterprise["occurred_on"]) == ("411002", iso(-40))


@pytest.mark.parametrize("user, data, code", [
    # a safety office: the 党委政府 of its subtree and the departments of its subtree
    ("office_a_user", {"kind": "special_research", "region": "411002001"}, 201),
    ("office_a_user", {"kind": "special_research", "region": "411003"}, 403),
    ("office_a_user", {"kind": "special_research", "region": "4110"}, 403),
    ("office_a_user", {"kind": "certificates_issued", "department": "a_emergency"}, 201),
    ("office_a_user", {"kind": "certificates_issued", "department": "township_office"}, 201),
    ("office_a_user", {"kind": "certificates_issued", "department": "b_emergency"}, 403),
    ("office_a_user", {"kind": "drill", "enterprise": "chem_a"}, 403),
    ("office_city_user", {"kind": "site_supervision", "region": "411003"}, 201),
    ("office_city_user", {"kind": "supervision_team", "department": "city_housing_station"}, 201),
    # a department: its own and its subordinate units' (D*), nothing else
    ("a_emergency_user", {"kind": "enterprise_briefing", "department": "a_emergency"}, 201),
    ("a_emergency_user", {"kind": "enterprise_briefing", "department": "a_housing"}, 403),
    ("a_emergency_user", {"kind": "enterprise_briefing", "department": "b_emergency"}, 403),
    ("a_emergency_user", {"kind": "special_study", "region": "411002"}, 403),
    ("a_emergency_user", {"kind": "summary_report", "enterprise": "chem_a"}, 403),
    ("city_housing_user", {"kind": "enterprise_briefing", "department": "city_housing_station"}, 201),
    ("station_user", {"kind": "enterprise_briefing", "department": "city_housing"}, 403),
    # an enterprise: the enterprise kinds and its own 工作总结, for itself only
    ("ent_user", {"kind": "warning_education", "enterprise": "chem_a"}, 201),
    ("ent_user", {"kind": "summary_report", "enterprise": "chem_a"}, 201),
    ("ent_user", {"kind": "special_study", "enterprise": "chem_a"}, 403),
    ("ent_user", {"kind": "special_study", "region": "411002"}, 403),
    ("ent_user", {"kind": "enterprise_briefing", "department": "a_emergency"}, 403),
    ("multi_user", {"kind": "drill", "enterprise": "build_a"}, 403),  # sees it (a_housing) but is not its member
    ("multi_user", {"kind": "drill", "enterprise": "chem_b"}, 201),
    # nobody else
    ("group_user", {"kind": "special_study", "region": "411003"}, 403),
    ("discipline_a_user", {"kind": "special_study", "region": "411002"}, 403),
    ("nobody", {"kind": "special_study", "region": "411002"}, 403),
    # an administrator: anything, through the same checks
    ("admin", {"kind": "special_study", "region": "4101"}, 201),
    ("admin", {"kind": "drill", "enterprise": "far_away"}, 201),
])
def test_who_may_record_which_activity(world, user, data, code):
    data = dict(data)
    for field in ("department", "enterprise"):
        if field in data:
            data[field] = getattr(world, data[field]).pk
    if data["kind"] in ("expert_service", "enforcement_training", "inspector_headcount"):
        data["people"] = 3
    answer = post(getattr(world, user), ACTIVITIES, data)
    assert answer.status_code == code, answer.json()
    if code == 403:
        assert CJK.search(answer.json()["detail"])


def test_an_enterprise_the_caller_cannot_see_does_not_exist(world):
    refused(post(world.ent_user, ACTIVITIES, {"kind": "drill", "enterprise": world.chem_b.pk}), "enterprise")
    refused(post(world.a_emergency_user, RISKS, {"enterprise": world.far_away.pk, "department": world.a_emergency.pk,
                                                 "sector": "chemicals", "name": "x"}), "enterprise")


@pytest.mark.parametrize("data, field", [
    ({"kind": "enterprise_briefing", "department": "a_emergency", "region": "4110"}, "region"),
    ({"kind": "drill", "enterprise": "chem_a", "region": "411003"}, "region"),
    ({"kind": "special_study"}, "region"),
    ({"kind": "drill", "region": "411002"}, "enterprise"),
    ({"kind": "drill", "enterprise": "chem_a", "department": "a_emergency"}, "enterprise"),
    ({"kind": "summary_report", "enterprise": "chem_a", "department": "a_emergency"}, "enterprise"),
    ({"kind": "special_study", "enterprise": "chem_a"}, "enterprise"),
    ({"kind": "media_column", "region": "411002"}, "media_level"),
    ({"kind": "media_column", "region": "411002", "media_level": 4}, "media_level"),
    ({"kind": "special_study", "region": "411002", "media_level": 3}, "media_level"),
    ({"kind": "enforcement_training", "department": "a_emergency"}, "people"),
    ({"kind": "expert_service", "region": "411002"}, "people"),
    ({"kind": "inspector_headcount", "region": "411002", "people": None}, "people"),
    ({"kind": "special_study", "region": "411002", "people": -1}, "people"),
    ({"kind": "special_study", "region": "411002", "count": 0}, "count"),
    ({"kind": "special_study", "region": "411002", "occurred_on": iso(1)}, "occurred_on"),
    ({"kind": "study", "region": "411002"}, "kind"),
    ({"kind": "special_study", "region": "99"}, "region"),
    ({"kind": "special_study", "region": "411002", "sector": "nope"}, "sector"),
    ({"kind": "enterprise_briefing", "department": 999999}, "department"),
])
def test_each_activity_rule_answers_400_naming_its_field(world, data, field):
    data = dict(data)
    for name in ("department", "enterprise"):
        if isinstance(data.get(name), str):
            data[name] = getattr(world, data[name]).pk
    refused(post(world.admin, ACTIVITIES, data), field)
    assert not Activity.objects.exists()


def test_media_people_and_an_enterprise_summary_are_accepted_where_they_belong(world):
    media = created(world.office_a_user, ACTIVITIES, {"kind": "media_column", "region": "411002", "media_level": 3,
                                                      "count": 2})
    assert (media["media_level"], media["count"]) == (3, 2)
    training = created(world.a_emergency_user, ACTIVITIES, {"kind": "enforcement_training", "people": 0,
                                                            "department": world.a_emergency.pk, "sector": "chemicals"})
    assert (training["people"], training["sector"]) == (0, "chemicals")
    summary = created(world.ent_user, ACTIVITIES, {"kind": "summary_report", "enterprise": world.chem_a.pk})
    assert (summary["enterprise"], summary["department"]) == (world.chem_a.pk, None)


# --- activities: scope ----------------------------------------------------------------------------------------------

@pytest.fixture
def recorded(world):
    w = world
    today = timezone.localdate()

    def make(key, kind="special_study", **fields):
        organ = fields.get("department") or fields.get("enterprise")
        fields.setdefault("region", organ.region if organ is not None else None)
        activity = Activity.objects.create(kind=kind, occurred_on=fields.pop("occurred_on", today), **fields)
        setattr(w, f"act_{key}", activity)
        return activity

    make("gov_a", region=w.county_a)
    make("gov_town", region=w.township_a)
    make("gov_b", region=w.county_b)
    make("gov_city", region=w.city)
    make("gov_far", region=w.other_city)
    make("a_emergency", "enterprise_briefing", department=w.a_emergency, occurred_on=today - datetime.timedelta(30))
    make("b_emergency", "enterprise_briefing", department=w.b_emergency)
    make("station", "enterprise_briefing", department=w.city_housing_station)
    make("a_housing", "enterprise_briefing", department=w.a_housing)
    make("chem_a", "drill", enterprise=w.chem_a, occurred_on=today - datetime.timedelta(60))
    make("chem_b", "drill", enterprise=w.chem_b)
    return w


EXPECTED_ACTIVITIES = {
    "admin": {"gov_a", "gov_town", "gov_b", "gov_city", "gov_far", "a_emergency", "b_emergency", "station",
              "a_housing", "chem_a", "chem_b"},
    "office_city_user": {"gov_a", "gov_town", "gov_b", "gov_city", "a_emergency", "b_emergency", "station",
                         "a_housing", "chem_a", "chem_b"},
    "office_a_user": {"gov_a", "gov_town", "a_emergency", "a_housing", "chem_a"},
    "discipline_a_user": {"gov_a", "gov_town", "a_emergency", "a_housing", "chem_a"},
    "a_emergency_user": {"a_emergency", "chem_a"},  # it supervises 魏都化工: it reads its drills
    "city_housing_user": {"station"},
    "station_user": {"station"},
    "ent_user": {"chem_a"},
    "multi_user": {"chem_b", "a_housing"},
    "nobody": set(),
}


@pytest.mark.parametrize("user", sorted(EXPECTED_ACTIVITIES))
def test_each_user_lists_exactly_the_activities_of_its_scope(recorded, user):
    w = recorded
    answer = client_for(getattr(w, user)).get(ACTIVITIES, {"page_size": 500})
    assert answer.status_code == 200
    ids = {row["id"] for row in answer.json()["results"]}
    assert ids == {getattr(w, f"act_{key}").pk for key in EXPECTED_ACTIVITIES[user]}


def test_an_activity_outside_the_scope_answers_404_on_every_path(recorded):
    w = recorded
    client = client_for(w.a_emergency_user)
    pk = w.act_b_emergency.pk
    assert client.get(f"{ACTIVITIES}{pk}/").status_code == 404
    assert client.patch(f"{ACTIVITIES}{pk}/", {"note": "x"}, format="json").status_code == 404
    assert client.delete(f"{ACTIVITIES}{pk}/").status_code == 404
    assert client.get(f"{ACTIVITIES}{w.act_a_emergency.pk}/").status_code == 200


def test_the_activity_list_filters_by_kind_dates_organ_and_region(recorded):
    w = recorded
    client = client_for(w.admin)

    def ids(**params):
        return {row["id"] for row in client.get(ACTIVITIES, {"page_size": 500, **params}).json()["results"]}

    assert ids(kind="drill") == {w.act_chem_a.pk, w.act_chem_b.pk}
    assert ids(kind=["drill", "enterprise_briefing"], region="411002") == {
        w.act_chem_a.pk, w.act_a_emergency.pk, w.act_a_housing.pk}
    assert ids(occurred_to=iso(-20)) == {w.act_chem_a.pk, w.act_a_emergency.pk}
    assert ids(occurred_from=iso(-45), occurred_to=iso(-20)) == {w.act_a_emergency.pk}
    assert ids(organ="government", region="4110") == {w.act_gov_a.pk, w.act_gov_town.pk, w.act_gov_b.pk,
                                                      w.act_gov_city.pk}
    assert ids(department=w.city_housing_station.pk) == {w.act_station.pk}


# --- activities: changes --------------------------------------------------------------------------------------------

def test_an_activity_is_corrected_with_its_version_and_a_stale_one_answers_409(world):
    body = created(world.office_a_user, ACTIVITIES, {"kind": "special_study", "region": "411002"})
    client = client_for(world.office_a_user)
    url = f"{ACTIVITIES}{body['id']}/"
    changed = client.patch(url, {"count": 3, "note": "两次常委会、一次政府常务会", "version": 1}, format="json")
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["count"], changed.json()["version"]) == (3, 2)
    stale = client.patch(url, {"count": 4, "version": 1}, format="json")
    assert stale.status_code == 409 and CJK.search(stale.json()["detail"])
    assert Activity.objects.get(pk=body["id"]).count == 3
    whole = client.put(url, {**changed.json(), "kind": "special_research"}, format="json")
    assert whole.status_code == 200, whole.json()
    assert (whole.json()["kind"], whole.json()["version"]) == ("special_research", 3)
    entries = AuditEntry.objects.filter(model="work.activity", object_id=str(body["id"])).order_by("seq")
    assert [e.action for e in entries] == ["create", "update", "update"]
    assert (entries[1].before["count"], entries[1].after["count"]) == (1, 3)


def test_a_correction_is_checked_like_a_new_record(world):
    body = created(world.office_a_user, ACTIVITIES, {"kind": "special_study", "region": "411002"})
    client = client_for(world.office_a_user)
    url = f"{ACTIVITIES}{body['id']}/"
    refused(client.patch(url, {"kind": "media_column"}, format="json"), "media_level")
    refused(client.patch(url, {"kind": "enforcement_training"}, format="json"), "people")
    refused(client.patch(url, {"occurred_on": iso(2)}, format="json"), "occurred_on")
    assert client.patch(url, {"region": "411003"}, format="json").status_code == 403  # not its to write
    moved = client.patch(url, {"department": world.a_housing.pk, "kind": "enterprise_briefing"}, format="json")
    assert moved.status_code == 200, moved.json()
    assert (moved.json()["region"], moved.json()["department"]) == ("411002", world.a_housing.pk)
    assert Activity.objects.get(pk=body["id"]).version == 2


def test_only_the_writer_scope_may_change_or_delete_an_activity(recorded):
    w = recorded
    drill = w.act_chem_a.pk
    # the city's safety office sees the enterprise's drill but does not record for enterprises
    office = client_for(w.office_city_user)
    assert office.get(f"{ACTIVITIES}{drill}/").status_code == 200
    assert office.patch(f"{ACTIVITIES}{drill}/", {"count": 2}, format="json").status_code == 403
    assert office.delete(f"{ACTIVITIES}{drill}/").status_code == 403
    # a county department's record: the county's office may change it, the department may delete it
    briefing = f"{ACTIVITIES}{w.act_a_emergency.pk}/"
    assert client_for(w.office_a_user).patch(briefing, {"count": 2}, format="json").status_code == 200
    assert client_for(w.a_emergency_user).delete(f"{briefing}?version=1").status_code == 409
    assert client_for(w.a_emergency_user).delete(briefing).status_code == 204
    assert not Activity.objects.filter(pk=w.act_a_emergency.pk).exists()
    entry = AuditEntry.objects.filter(model="work.activity", object_id=str(w.act_a_emergency.pk)).latest("seq")
    assert entry.action == "delete" and entry.before["kind"] == "enterprise_briefing" and entry.after is None
    # the enterprise deletes its own drill
    assert client_for(w.ent_user).delete(f"{ACTIVITIES}{drill}/").status_code == 204
    assert verify_chain() == []


# --- risks ----------------------------------------------------------------------------------------------------------

def risk_body(w, **extra) -> dict:
    return {"enterprise": w.chem_a.pk, "department": w.a_emergency.pk, "sector": "chemicals",
            "name": "液氯储罐区泄漏中毒风险", **extra}


def test_a_department_registers_a_risk_and_completes_its_four_lists(world):
    body = created(world.a_emergency_user, RISKS, risk_body(world, identified_on=iso(-10)))
    assert {k: body[k] for k in ("region", "enterprise", "department", "sector", "identified_on",
                                 "lists_completed_on", "basic", "version")} == {
        "region": "411002", "enterprise": world.chem_a.pk, "department": world.a_emergency.pk,
        "sector": "chemicals", "identified_on": iso(-10), "lists_completed_on": None, "basic": "", "version": 1}
    url = f"{RISKS}{body['id']}/"
    client = client_for(world.a_emergency_user)
    message = refused(client.patch(url, {"basic": "储量 50 吨", "lists_completed_on": iso(-1)}, format="json"),
                      "lists_completed_on")
    assert "防控清单" in message and "基础清单" not in message
    lists = {"basic": "储量 50 吨", "control": "双人双锁", "responsibility": "厂长", "emergency": "预案"}
    refused(client.patch(url, {**lists, "lists_completed_on": iso(-11)}, format="json"), "lists_completed_on")
    refused(client.patch(url, {**lists, "lists_completed_on": iso(1)}, format="json"), "lists_completed_on")
    done = client.patch(url, {**lists, "lists_completed_on": iso(-1), "version": 1}, format="json")
    assert done.status_code == 200, done.json()
    assert (done.json()["lists_completed_on"], done.json()["version"]) == (iso(-1), 2)
    refused(client.patch(url, {"control": " "}, format="json"), "lists_completed_on")  # a list emptied
    assert client.patch(url, {"name": "改名", "version": 1}, format="json").status_code == 409
    assert audit_actions("risk", body["id"]) == ["create", "update"]


def test_identified_on_defaults_to_today(world):
    assert created(world.a_emergency_user, RISKS, risk_body(world))["identified_on"] == iso()


@pytest.mark.parametrize("extra, field", [
    ({"region": "411003"}, "region"),
    ({"enterprise": None}, "region"),
    ({"identified_on": iso(1)}, "identified_on"),
    ({"name": ""}, "name"),
    ({"sector": None}, "sector"),
    ({"department": None}, "department"),
    ({"lists_completed_on": iso()}, "lists_completed_on"),
])
def test_each_risk_rule_answers_400_naming_its_field(world, extra, field):
    refused(post(world.admin, RISKS, risk_body(world, **extra)), field)
    assert not Risk.objects.exists()


@pytest.mark.parametrize("user, extra, code", [
    ("a_emergency_user", {}, 201),
    ("city_housing_user", {"department": "city_housing_station", "enterprise": "build_a",
                           "sector": "construction.housing"}, 201),
    ("a_emergency_user", {"department": "b_emergency"}, 403),
    ("a_emergency_user", {"department": "a_housing"}, 403),
    ("office_a_user", {"department": "city_emergency"}, 201),  # in its region, whichever department answers for it
    ("office_a_user", {"enterprise": None, "region": "411002001"}, 201),
    ("office_a_user", {"enterprise": None, "region": "411003", "department": "b_emergency"}, 403),
    ("office_city_user", {"enterprise": "chem_b", "department": "b_emergency"}, 201),
    ("ent_user", {}, 403),
    ("group_user", {"enterprise": "chem_b", "department": "b_emergency"}, 403),
    ("discipline_a_user", {}, 403),
])
def test_who_may_register_a_risk(world, user, extra, code):
    data = risk_body(world)
    for key, value in extra.items():
        data[key] = getattr(world, value).pk if key in ("department", "enterprise") and value else value
    answer = post(getattr(world, user), RISKS, data)
    assert answer.status_code == code, answer.json()


def test_risks_are_seen_by_their_department_office_and_enterprise_only(world):
    w = world
    mine = created(w.a_emergency_user, RISKS, risk_body(w))
    theirs = created(w.office_city_user, RISKS, risk_body(w, enterprise=w.chem_b.pk, department=w.b_emergency.pk))

    def ids(user):
        return {row["id"] for row in client_for(user).get(RISKS).json()["results"]}

    assert ids(w.a_emergency_user) == {mine["id"]}
    assert ids(w.office_a_user) == {mine["id"]}
    assert ids(w.ent_user) == {mine["id"]}
    assert ids(w.office_city_user) == {mine["id"], theirs["id"]}
    assert ids(w.station_user) == set()
    assert client_for(w.a_emergency_user).get(f"{RISKS}{theirs['id']}/").status_code == 404
    # the enterprise sees its risk but may not change or delete it
    assert client_for(w.ent_user).patch(f"{RISKS}{mine['id']}/", {"name": "x"}, format="json").status_code == 403
    assert client_for(w.ent_user).delete(f"{RISKS}{mine['id']}/").status_code == 403
    assert client_for(w.office_a_user).delete(f"{RISKS}{mine['id']}/").status_code == 204
    assert audit_actions("risk", mine["id"]) == ["create", "delete"]


def test_the_risk_list_filters(world):
    w = world
    open_risk = created(w.admin, RISKS, risk_body(w, identified_on=iso(-30)))
    done = created(w.admin, RISKS, risk_body(w, name="有限空间", basic="a", control="b", responsibility="c",
                                             emergency="d", lists_completed_on=iso()))
    client = client_for(w.admin)

    def ids(**params):
        return {row["id"] for row in client.get(RISKS, params).json()["results"]}

    assert ids(controlled="true") == {done["id"]}
    assert ids(controlled="false") == {open_risk["id"]}
    assert ids(identified_to=iso(-1)) == {open_risk["id"]}
    assert ids(q="空间") == {done["id"]}


# --- problems -------------------------------------------------------------------------------------------------------

def problem_body(w, **extra) -> dict:
    return {"enterprise": w.chem_a.pk, "department": w.a_emergency.pk, "sector": "chemicals",
            "title": "特殊作业审批流于形式", **extra}


def test_a_problem_is_registered_with_its_defaults_and_its_root_measure(world):
    body = created(world.office_a_user, PROBLEMS, problem_body(world, identified_on=iso(-20)))
    assert {k: body[k] for k in ("region", "source", "identified_on", "root_measure", "root_measure_on",
                                 "resolved_on", "version")} == {
        "region": "411002", "source": "self", "identified_on": iso(-20), "root_measure": "", "root_measure_on": None,
        "resolved_on": None, "version": 1}
    url = f"{PROBLEMS}{body['id']}/"
    client = client_for(world.a_emergency_user)
    refused(client.patch(url, {"root_measure_on": iso(-1)}, format="json"), "root_measure_on")
    refused(client.patch(url, {"root_measure": "建立作业票电子化审批", "root_measure_on": iso(-21)}, format="json"),
            "root_measure_on")
    refused(client.patch(url, {"resolved_on": iso(-21)}, format="json"), "resolved_on")
    refused(client.patch(url, {"resolved_on": iso(1)}, format="json"), "resolved_on")
    done = client.patch(url, {"root_measure": "建立作业票电子化审批", "root_measure_on": iso(-5),
                              "resolved_on": iso(-1), "source": "assigned", "version": 1}, format="json")
    assert done.status_code == 200, done.json()
    assert (done.json()["source"], done.json()["root_measure_on"], done.json()["version"]) == (
        "assigned", iso(-5), 2)
    assert client.put(url, {**done.json(), "version": 1}, format="json").status_code == 409
    assert audit_actions("problem", body["id"]) == ["create", "update"]


@pytest.mark.parametrize("extra, field", [
    ({"source": "rumour"}, "source"),
    ({"region": "4110"}, "region"),
    ({"enterprise": None}, "region"),
    ({"title": ""}, "title"),
    ({"root_measure_on": iso()}, "root_measure_on"),
    ({"identified_on": iso(1)}, "identified_on"),
    ({"identified_on": iso(-3), "resolved_on": iso(-4)}, "resolved_on"),
])
def test_each_problem_rule_answers_400_naming_its_field(world, extra, field):
    refused(post(world.admin, PROBLEMS, problem_body(world, **extra)), field)
    assert not Problem.objects.exists()


@pytest.mark.parametrize("user, extra, code", [
    ("a_emergency_user", {}, 201),
    ("office_a_user", {"enterprise": None, "region": "411002"}, 201),
    ("city_emergency_user", {"department": "city_emergency", "enterprise": "chem_b"}, 201),
    ("b_emergency_user", {"enterprise": "chem_b"}, 403),  # sees the enterprise, not the department's to write
    ("b_emergency_user", {}, 400),  # does not see chem_a: "不存在"
    ("ent_user", {}, 403),
    ("nobody", {"enterprise": None, "region": "411002"}, 403),
])
def test_who_may_register_a_problem(world, user, extra, code):
    world.b_emergency_user = _user("b_emergency", ("department", world.b_emergency, "member"))
    data = problem_body(world)
    for key, value in extra.items():
        data[key] = getattr(world, value).pk if key in ("department", "enterprise") and value else value
    answer = post(getattr(world, user), PROBLEMS, data)
    assert answer.status_code == code, answer.json()


def test_a_problem_outside_the_scope_is_404_and_the_writer_deletes_it(world):
    w = world
    body = created(w.a_emergency_user, PROBLEMS, problem_body(w))
    url = f"{PROBLEMS}{body['id']}/"
    assert client_for(w.city_housing_user).get(url).status_code == 404
    assert client_for(w.city_housing_user).delete(url).status_code == 404
    assert client_for(w.a_emergency_user).delete(url).status_code == 204
    assert audit_actions("problem", body["id"]) == ["create", "delete"]
    assert verify_chain() == []


# --- the OpenAPI document -------------------------------------------------------------------------------------------

def test_the_schema_serves_the_work_paths_with_their_own_enums_and_validates(client, db, tmp_path):
    schema = client.get("/api/v1/schema/?format=json", HTTP_ACCEPT="application/json").json()
    for path in (ACTIVITIES, RISKS, PROBLEMS):
        assert {"get", "post"} <= set(schema["paths"][path])
        assert {"get", "put", "patch", "delete"} <= set(schema["paths"][f"{path}{{id}}/"])
    components = schema["components"]["schemas"]
    assert "special_study" in components["ActivityKind"]["enum"]
    assert components["ProblemSource"]["enum"] == ["self", "assigned"]
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
