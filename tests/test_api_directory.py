"""API `regions/`, `sectors/`, `departments/`, `groups/`: a directory every signed-in user reads; regions and
sectors written by an administrator; departments and groups also by a safety office over their region."""
import datetime

import pytest
from rest_framework.test import APIClient

from apps.accounts.models import Membership
from apps.audit.models import AuditEntry
from apps.regions.models import Department, GroupAssignment, InspectionGroup, Region, Sector


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def last_entry() -> AuditEntry:
    return AuditEntry.objects.order_by("-seq").first()


@pytest.mark.parametrize("path", ["regions/", "sectors/", "departments/", "groups/"])
@pytest.mark.parametrize("user_key", ["ent_user", "nobody", "group_user", "office_a_user", "admin"])
def test_the_directory_is_readable_by_every_signed_in_user(world, path, user_key):
    answer = client_for(getattr(world, user_key)).get(f"/api/v1/{path}", {"page_size": 500})
    assert answer.status_code == 200
    model = {"regions/": Region, "sectors/": Sector, "departments/": Department, "groups/": InspectionGroup}[path]
    assert answer.json()["count"] == model.objects.count()


@pytest.mark.parametrize("path", ["regions/", "sectors/", "departments/", "groups/", "users/", "enterprises/"])
def test_anonymous_is_refused(world, path):
    assert client_for().get(f"/api/v1/{path}").status_code in (401, 403)


# --- regions ---------------------------------------------------------------------------------------------------

def test_region_fields_and_filters(world):
    client = client_for(world.ent_user)
    body = client.get("/api/v1/regions/411002/").json()
    assert body == {"code": "411002", "name": "魏都区", "level": 3, "parent": "4110", "kind": "administrative",
                    "official_code": True}
    assert client.get("/api/v1/regions/41/").json()["parent"] is None

    def codes(**params):
        return [r["code"] for r in client.get("/api/v1/regions/", params).json()["results"]]

    assert codes(within="4110") == ["4110", "411002", "411002001", "411003"]
    assert codes(parent="4110") == ["411002", "411003"]
    assert codes(level=2) == ["4101", "4110"]


def test_an_administrator_maintains_regions_through_the_service(world):
    client = client_for(world.admin)
    answer = client.post("/api/v1/regions/", {"code": "411004", "name": "长葛市", "level": 3, "parent": "4110"},
                         format="json")
    assert answer.status_code == 201, answer.json()
    assert last_entry().model == "regions.region" and last_entry().action == "create"
    answer = client.patch("/api/v1/regions/411004/", {"name": "长葛市（县级市）"}, format="json")
    assert answer.status_code == 200 and answer.json()["name"] == "长葛市（县级市）"
    assert last_entry().action == "update" and last_entry().before["name"] == "长葛市"
    assert client.delete("/api/v1/regions/411004/").status_code == 204
    assert last_entry().action == "delete" and not Region.objects.filter(code="411004").exists()


@pytest.mark.parametrize("payload,field,needle", [
    ({"code": "421004", "name": "x", "level": 3, "parent": "4110"}, "code", "4110"),
    ({"code": "4110041", "name": "x", "level": 3, "parent": "4110"}, "code", "6位"),
    ({"code": "411002", "name": "x", "level": 3, "parent": "4110"}, "code", "已存在"),
    ({"code": "411005", "name": "x", "level": 3, "parent": "4199"}, "parent", "不存在"),
    ({"code": "411005", "name": "x", "level": 9, "parent": "4110"}, "level", "合法"),
])
def test_bad_regions_are_400_naming_the_field(world, payload, field, needle):
    answer = client_for(world.admin).post("/api/v1/regions/", payload, format="json")
    assert answer.status_code == 400
    assert needle in "".join(answer.json()[field])


def test_a_region_with_children_cannot_be_deleted_nor_renumbered(world):
    client = client_for(world.admin)
    answer = client.delete("/api/v1/regions/411002/")
    assert answer.status_code == 400 and "引用" in answer.json()["non_field_errors"][0]
    answer = client.patch("/api/v1/regions/411002/", {"code": "411009"}, format="json")
    assert answer.status_code == 400 and "不能修改" in answer.json()["code"][0]


@pytest.mark.parametrize("user_key", ["office_city_user", "city_emergency_user", "ent_user"])
def test_only_an_administrator_writes_regions_and_sectors(world, user_key):
    client = client_for(getattr(world, user_key))
    before = AuditEntry.objects.count()
    answer = client.post("/api/v1/regions/", {"code": "411004", "name": "长葛市", "level": 3, "parent": "4110"},
                         format="json")
    assert answer.status_code == 403 and "管理员" in answer.json()["detail"]
    assert client.patch("/api/v1/regions/411002/", {"name": "x"}, format="json").status_code == 403
    assert client.delete("/api/v1/regions/411002001/").status_code == 403
    assert client.post("/api/v1/sectors/", {"code": "x", "name": "x"}, format="json").status_code == 403
    assert client.patch("/api/v1/sectors/gas/", {"name": "x"}, format="json").status_code == 403
    assert AuditEntry.objects.count() == before


# --- sectors ---------------------------------------------------------------------------------------------------

def test_sectors_by_code_including_dotted_codes(world):
    client = client_for(world.ent_user)
    body = client.get("/api/v1/sectors/construction.housing/").json()
    assert body == {"code": "construction.housing", "name": "房屋市政工程", "parent": "construction",
                    "order": body["order"]}
    codes = [s["code"] for s in client.get("/api/v1/sectors/", {"parent": "hydropower"}).json()["results"]]
    assert codes == ["hydropower.large", "hydropower.small"]


def test_an_administrator_adds_a_sector_below_another(world):
    client = client_for(world.admin)
    answer = client.post("/api/v1/sectors/", {"code": "construction.bridge", "name": "桥梁工程",
                                              "parent": "construction"}, format="json")
    assert answer.status_code == 201, answer.json()
    assert last_entry().model == "regions.sector" and last_entry().object_id == "construction.bridge"
    assert Sector.with_descendants(["construction"]) >= {"construction.bridge"}
    answer = client.patch("/api/v1/sectors/construction/", {"parent": "construction.bridge"}, format="json")
    assert answer.status_code == 400 and "parent" in answer.json()
    answer = client.post("/api/v1/sectors/", {"code": "gas", "name": "重复"}, format="json")
    assert answer.status_code == 400 and "已存在" in answer.json()["code"][0]
    assert client.delete("/api/v1/sectors/construction.bridge/").status_code == 204
    assert last_entry().action == "delete"
    assert client.delete("/api/v1/sectors/construction/").status_code == 400  # children and departments use it


# --- departments -----------------------------------------------------------------------------------------------

def test_department_fields_and_filters(world):
    client = client_for(world.nobody)
    body = client.get(f"/api/v1/departments/{world.city_housing_station.pk}/").json()
    assert body == {"id": world.city_housing_station.pk, "name": "许昌市建设工程安全监督站", "kind": "housing",
                    "region": "4110", "sectors": ["construction.housing"], "parent": world.city_housing.pk,
                    "committee_member": True}

    def names(**params):
        return {d["name"] for d in client.get("/api/v1/departments/", {"page_size": 500, **params})
                .json()["results"]}

    assert names(region="411002") == {"魏都区应急管理局", "魏都区住房和城乡建设局", "西大街道应急办"}
    assert names(region_exact="411002") == {"魏都区应急管理局", "魏都区住房和城乡建设局"}
    assert names(kind="housing") == {"许昌市住房和城乡建设局", "许昌市建设工程安全监督站", "魏都区住房和城乡建设局"}
    assert names(parent=world.city_housing.pk) == {"许昌市建设工程安全监督站"}
    assert names(sector="chemicals") == {"许昌市应急管理局", "魏都区应急管理局", "建安区应急管理局"}


def test_a_county_office_maintains_its_departments_only(world):
    client = client_for(world.office_a_user)
    payload = {"name": "魏都区消防救援大队", "kind": "fire", "region": "411002", "sectors": ["fire"]}
    answer = client.post("/api/v1/departments/", payload, format="json")
    assert answer.status_code == 201, answer.json()
    assert answer.json()["sectors"] == ["fire"] and answer.json()["parent"] is None
    assert last_entry().model == "regions.department" and last_entry().action == "create"
    new_id = answer.json()["id"]
    answer = client.patch(f"/api/v1/departments/{new_id}/", {"sectors": ["fire", "gas"]}, format="json")
    assert answer.status_code == 200 and answer.json()["sectors"] == ["fire", "gas"]
    # the township below is its own; the sibling county and the city are not
    township = {"name": "西大街道综合行政执法队", "kind": "township_office", "region": "411002001"}
    assert client.post("/api/v1/departments/", township, format="json").status_code == 201
    sibling = {**payload, "region": "411003", "name": "建安区消防救援大队"}
    assert client.post("/api/v1/departments/", sibling, format="json").status_code == 403
    assert client.patch(f"/api/v1/departments/{world.b_emergency.pk}/", {"name": "x"},
                        format="json").status_code == 403
    assert client.patch(f"/api/v1/departments/{world.a_emergency.pk}/", {"region": "411003"},
                        format="json").status_code == 403
    assert client.delete(f"/api/v1/departments/{world.city_emergency.pk}/").status_code == 403
    assert client.delete(f"/api/v1/departments/{new_id}/").status_code == 204
    assert last_entry().action == "delete"


def test_a_department_member_cannot_write_departments(world):
    client = client_for(world.a_emergency_user)
    answer = client.post("/api/v1/departments/", {"name": "x", "kind": "fire", "region": "411002"}, format="json")
    assert answer.status_code == 403
    assert client.patch(f"/api/v1/departments/{world.a_emergency.pk}/", {"name": "x"},
                        format="json").status_code == 403


@pytest.mark.parametrize("payload,field,needle", [
    ({"name": "魏都区应急管理局", "kind": "emergency", "region": "411002"}, "name", "已有"),
    ({"name": "x", "kind": "police", "region": "411002"}, "kind", "合法"),
    ({"name": "x", "kind": "fire", "region": "419999"}, "region", "不存在"),
    ({"name": "x", "kind": "fire", "region": "411002", "sectors": ["nope"]}, "sectors", "不存在"),
    ({"name": "x", "kind": "fire", "region": "411002", "parent": 999999}, "parent", "不存在"),
])
def test_bad_departments_are_400_naming_the_field(world, payload, field, needle):
    answer = client_for(world.office_a_user).post("/api/v1/departments/", payload, format="json")
    assert answer.status_code == 400
    assert needle in "".join(answer.json()[field])


def test_a_department_cannot_become_its_own_ancestor(world):
    answer = client_for(world.admin).patch(f"/api/v1/departments/{world.city_housing.pk}/",
                                           {"parent": world.city_housing_station.pk}, format="json")
    assert answer.status_code == 400 and "parent" in answer.json()


# --- groups ----------------------------------------------------------------------------------------------------

def test_group_fields(world):
    body = client_for(world.ent_user).get(f"/api/v1/groups/{world.group.pk}/").json()
    assert body["name"] == "第一组" and body["lead_department"] == world.city_emergency.pk
    assert body["members"] == [world.group_user.pk]
    assert [a["region"] for a in body["assignments"]] == ["411002", "411003"]
    assert set(body["assignments"][0]) == {"region", "start", "end"}


def test_a_city_office_builds_a_group_with_members_and_assignments(world):
    client = client_for(world.office_city_user)
    payload = {
        "name": "第二组", "lead_department": world.city_housing.pk,
        "members": [world.a_emergency_user.pk, world.station_user.pk],
        "assignments": [{"region": "411002", "start": "2026-05-01", "end": "2026-05-31"},
                        {"region": "411003", "start": "2026-06-01", "end": "2026-06-30"}],
    }
    before = AuditEntry.objects.count()
    answer = client.post("/api/v1/groups/", payload, format="json")
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["members"] == sorted([world.a_emergency_user.pk, world.station_user.pk])
    assert body["assignments"][1] == {"region": "411003", "start": "2026-06-01", "end": "2026-06-30"}
    group = InspectionGroup.objects.get(pk=body["id"])
    assert GroupAssignment.objects.filter(group=group).count() == 2
    assert set(Membership.objects.filter(group=group).values_list("user_id", "role")) == {
        (world.a_emergency_user.pk, "member"), (world.station_user.pk, "member")}
    # the group and each new member's memberships are audited; the members keep their other memberships
    models = list(AuditEntry.objects.filter(seq__gt=before).values_list("model", flat=True))
    assert models.count("regions.inspectiongroup") == 1 and models.count("accounts.user") == 2
    assert world.a_emergency_user.memberships.filter(kind="department", department=world.a_emergency).exists()

    # a leader stays a leader; someone left out loses the group membership
    Membership.objects.filter(group=group, user=world.station_user).update(role="leader")
    answer = client.patch(f"/api/v1/groups/{group.pk}/", {"members": [world.station_user.pk]}, format="json")
    assert answer.status_code == 200 and answer.json()["members"] == [world.station_user.pk]
    assert list(Membership.objects.filter(group=group).values_list("user_id", "role")) == [
        (world.station_user.pk, "leader")]
    assert world.a_emergency_user.memberships.count() == 1

    answer = client.patch(f"/api/v1/groups/{group.pk}/", {"assignments": []}, format="json")
    assert answer.status_code == 200 and answer.json()["assignments"] == []
    assert client.delete(f"/api/v1/groups/{group.pk}/").status_code == 204
    assert last_entry().action == "delete" and last_entry().before["members"] == [world.station_user.pk]
    assert not Membership.objects.filter(group_id=group.pk).exists()


def test_group_rights_and_validation(world):
    county = client_for(world.office_a_user)
    # the first group is led by a city department: a county office may not touch it
    assert county.patch(f"/api/v1/groups/{world.group.pk}/", {"name": "x"}, format="json").status_code == 403
    assert client_for(world.group_user).patch(f"/api/v1/groups/{world.group.pk}/", {"name": "x"},
                                              format="json").status_code == 403
    payload = {"name": "魏都区检查组", "lead_department": world.a_emergency.pk}
    bad = county.post("/api/v1/groups/", {**payload, "assignments": [
        {"region": "411002", "start": "2026-05-02", "end": "2026-05-01"}]}, format="json")
    assert bad.status_code == 400 and "早于" in bad.json()["assignments"][0]["end"][0]
    # a person the county office cannot see is not a member it can name
    hidden = county.post("/api/v1/groups/", {**payload, "members": [world.city_emergency_user.pk]}, format="json")
    assert hidden.status_code == 400 and "不存在" in hidden.json()["members"][0]
    assert not InspectionGroup.objects.filter(name="魏都区检查组").exists()
    ok = county.post("/api/v1/groups/", {**payload, "members": [world.a_emergency_user.pk], "assignments": [
        {"region": "411002001", "start": str(datetime.date(2026, 5, 1)), "end": "2026-05-01"}]}, format="json")
    assert ok.status_code == 201, ok.json()


def test_naming_a_member_the_office_may_not_manage_rolls_the_whole_write_back(world):
    # multi_user is visible to county A's office (a_housing) but also belongs to an enterprise in county B
    client = client_for(world.office_a_user)
    answer = client.post("/api/v1/groups/", {"name": "魏都区检查组", "lead_department": world.a_emergency.pk,
                                             "members": [world.multi_user.pk]}, format="json")
    assert answer.status_code == 403
    assert not InspectionGroup.objects.filter(name="魏都区检查组").exists()


@pytest.mark.parametrize("path", ["regions/", "sectors/", "departments/", "groups/", "users/"])
def test_lists_do_not_query_per_row(world, path, django_assert_max_num_queries):
    client = client_for(world.admin)
    with django_assert_max_num_queries(8):
        answer = client.get(f"/api/v1/{path}", {"page_size": 500})
    assert answer.status_code == 200 and answer.json()["count"] > 0
