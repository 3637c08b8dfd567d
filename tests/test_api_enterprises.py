"""API `enterprises/`: scope (404 outside it), who may write (403), validation (400), optimistic locking (409),
the audit entry of every write, pagination and filters."""
import pytest
from rest_framework.test import APIClient

from apps.audit.models import AuditEntry
from apps.core.uscc import make_uscc
from apps.enterprises.models import Enterprise
from tests.world import EXPECTED_ENTERPRISES

URL = "/api/v1/enterprises/"
ALL = {"chem_a", "build_a", "gas_a", "chem_b", "city_plant", "town_shop", "lift_b", "far_away"}


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def detail(enterprise) -> str:
    return f"{URL}{enterprise.pk}/"


def new_enterprise(n, region, sectors=("chemicals",), departments=(), **extra) -> dict:
    return {"name": f"新企业{n}", "uscc": make_uscc(900 + n, region), "region": region, "sectors": list(sectors),
            "departments": list(departments), **extra}


# --- scope -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("user_key", sorted(EXPECTED_ENTERPRISES))
def test_each_role_lists_exactly_its_enterprises_and_gets_404_for_the_rest(world, user_key):
    client = client_for(getattr(world, user_key))
    answer = client.get(URL, {"page_size": 500})
    assert answer.status_code == 200
    by_id = {getattr(world, key).pk: key for key in ALL}
    listed = {by_id[row["id"]] for row in answer.json()["results"]}
    assert listed == EXPECTED_ENTERPRISES[user_key]
    assert answer.json()["count"] == len(EXPECTED_ENTERPRISES[user_key])
    for key in ALL:
        expected = 200 if key in EXPECTED_ENTERPRISES[user_key] else 404
        assert client.get(detail(getattr(world, key))).status_code == expected, key


def test_anonymous_gets_401(world):
    assert client_for().get(URL).status_code == 401
    assert client_for().get(detail(world.chem_a)).status_code == 401


def test_an_out_of_scope_write_is_404_as_if_the_enterprise_did_not_exist(world):
    client = client_for(world.a_emergency_user)
    assert client.patch(detail(world.build_a), {"address": "x"}, format="json").status_code == 404
    assert client.get(f"{URL}999999/").status_code == 404


# --- the representation ----------------------------------------------------------------------------------------

def test_fields_and_ordered_sectors(world):
    client = client_for(world.admin)
    data = new_enterprise(1, "411002", sectors=["gas", "chemicals", "fire"], departments=[world.a_emergency.pk],
                          high_risk=True, state="suspended", principal_phone="13800000000")
    answer = client.post(URL, data, format="json")
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["sectors"] == ["gas", "chemicals", "fire"]  # the first is the main sector
    assert body["departments"] == [world.a_emergency.pk]
    assert body["version"] == 1 and body["state"] == "suspended" and body["high_risk"] is True
    assert set(body) == {
        "id", "name", "uscc", "region", "address", "sectors", "departments", "legal_representative",
        "principal_name", "principal_phone", "high_risk", "state_owned", "above_scale", "labour_intensive",
        "crowded_place", "city_direct", "key_supervision", "state", "version",
    }
    again = client.get(f"{URL}{body['id']}/").json()
    assert again["sectors"] == ["gas", "chemicals", "fire"]
    assert Enterprise.objects.get(pk=body["id"]).ordered_sector_codes() == ["gas", "chemicals", "fire"]
    answer = client.patch(f"{URL}{body['id']}/", {"sectors": ["fire", "gas"]}, format="json")
    assert answer.json()["sectors"] == ["fire", "gas"]


def test_the_list_does_not_query_per_enterprise(world, django_assert_max_num_queries):
    client = client_for(world.office_city_user)
    with django_assert_max_num_queries(12):
        answer = client.get(URL, {"page_size": 500})
    assert answer.json()["count"] == 7


# --- pagination and filters ------------------------------------------------------------------------------------

def test_pagination_shape(world):
    answer = client_for(world.admin).get(URL, {"page_size": 3}).json()
    assert set(answer) == {"count", "next", "previous", "results"}
    assert answer["count"] == 8 and len(answer["results"]) == 3
    assert answer["previous"] is None and "page=2" in answer["next"]
    last = client_for(world.admin).get(URL, {"page_size": 3, "page": 3}).json()
    assert len(last["results"]) == 2 and last["next"] is None and last["previous"]


def test_page_size_is_capped_at_500(world):
    Enterprise.objects.bulk_create(
        Enterprise(name=f"批量企业{i}", uscc=make_uscc(10_000 + i, "411002"), region=world.county_a)
        for i in range(500)
    )
    answer = client_for(world.admin).get(URL, {"page_size": 5000}).json()
    assert answer["count"] == 508
    assert len(answer["results"]) == 500 and answer["next"]


def test_filters(world):
    client = client_for(world.admin)

    def names(**params):
        rows = client.get(URL, {"page_size": 500, **params}).json()["results"]
        return {row["name"] for row in rows}

    assert names(region="411002") == {e.name for e in (world.chem_a, world.build_a, world.gas_a, world.town_shop)}
    assert names(sector="construction") == {world.build_a.name}
    assert names(department=world.city_market.pk) == {world.lift_b.name}
    assert names(q="化工") == {world.chem_a.name, world.chem_b.name, world.far_away.name}
    assert names(high_risk="true") == {world.chem_a.name, world.chem_b.name}
    assert names(state="operating") == {e.name for e in Enterprise.objects.all()}
    # filters narrow the caller's scope, never widen it
    rows = client_for(world.office_a_user).get(URL, {"region": "411003"}).json()
    assert rows["count"] == 0


# --- who may write ---------------------------------------------------------------------------------------------

def test_a_county_office_registers_in_its_county_but_not_in_the_sibling_county(world):
    client = client_for(world.office_a_user)
    before = AuditEntry.objects.count()
    answer = client.post(URL, new_enterprise(1, "411002"), format="json")
    assert answer.status_code == 201, answer.json()
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.model == "enterprises.enterprise" and entry.action == "create"
    assert entry.object_id == str(answer.json()["id"]) and entry.source == "api"
    answer = client.post(URL, new_enterprise(2, "411003"), format="json")
    assert answer.status_code == 403
    assert "无权" in answer.json()["detail"]
    assert AuditEntry.objects.count() == before + 1
    assert not Enterprise.objects.filter(name="新企业2").exists()


def test_a_department_edits_what_it_supervises_but_cannot_move_it_out_of_its_reach(world):
    client = client_for(world.a_emergency_user)
    answer = client.patch(detail(world.chem_a), {"address": "魏都区化工路1号"}, format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["address"] == "魏都区化工路1号" and answer.json()["version"] == 2
    assert AuditEntry.objects.filter(model="enterprises.enterprise", object_id=str(world.chem_a.pk)).count() == 1
    # moving it to the sibling county would take it out of the department's region: refused, nothing written
    answer = client.patch(detail(world.chem_a), {"region": "411003"}, format="json")
    assert answer.status_code == 403
    world.chem_a.refresh_from_db()
    assert world.chem_a.region_id == "411002" and world.chem_a.version == 2
    # a department that does not supervise the enterprise does not even see it
    assert client.patch(detail(world.gas_a), {"address": "x"}, format="json").status_code == 404


def test_a_department_registers_an_enterprise_it_would_supervise_only(world):
    client = client_for(world.a_emergency_user)
    assert client.post(URL, new_enterprise(1, "411002", ["chemicals"]), format="json").status_code == 201
    assert client.post(URL, new_enterprise(2, "411002", ["gas"]), format="json").status_code == 403
    assert client.post(URL, new_enterprise(3, "411002", ["gas"], [world.a_emergency.pk]),
                       format="json").status_code == 201


@pytest.mark.parametrize("user_key,enterprise_key", [
    ("ent_user", "chem_a"), ("discipline_a_user", "chem_a"), ("group_user", "chem_b"),
])
def test_readers_who_may_not_write_get_403(world, user_key, enterprise_key):
    client = client_for(getattr(world, user_key))
    url = detail(getattr(world, enterprise_key))
    assert client.get(url).status_code == 200
    answer = client.patch(url, {"address": "x"}, format="json")
    assert answer.status_code == 403
    assert answer.json()["detail"]
    assert client.post(URL, new_enterprise(1, "411002"), format="json").status_code == 403


def test_a_stale_version_answers_409_and_changes_nothing(world):
    client = client_for(world.office_a_user)
    first = client.patch(detail(world.chem_a), {"address": "一", "version": 1}, format="json")
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = client.patch(detail(world.chem_a), {"address": "二", "version": 1}, format="json")
    assert stale.status_code == 409
    assert "修改" in stale.json()["detail"]
    world.chem_a.refresh_from_db()
    assert world.chem_a.address == "一" and world.chem_a.version == 2
    fresh = client.patch(detail(world.chem_a), {"address": "三", "version": 2}, format="json")
    assert fresh.status_code == 200 and fresh.json()["version"] == 3


def test_put_replaces_the_record(world):
    client = client_for(world.office_a_user)
    body = client.get(detail(world.gas_a)).json()
    body.update(name="魏都燃气集团", sectors=["gas", "fire"], departments=[world.a_housing.pk], city_direct=True)
    answer = client.put(detail(world.gas_a), body, format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["name"] == "魏都燃气集团" and answer.json()["sectors"] == ["gas", "fire"]
    assert answer.json()["departments"] == [world.a_housing.pk] and answer.json()["city_direct"] is True


# --- validation ------------------------------------------------------------------------------------------------

def test_an_invalid_credit_code_is_400_on_uscc_in_chinese(world):
    client = client_for(world.office_a_user)
    bad = make_uscc(1, "411002")[:17] + ("0" if make_uscc(1, "411002")[17] != "0" else "1")
    answer = client.post(URL, {**new_enterprise(1, "411002"), "uscc": bad}, format="json")
    assert answer.status_code == 400
    assert "校验位" in answer.json()["uscc"][0]
    answer = client.post(URL, {**new_enterprise(1, "411002"), "uscc": "123"}, format="json")
    assert answer.status_code == 400 and "18位" in answer.json()["uscc"][0]


def test_the_credit_code_is_normalised_and_unique(world):
    client = client_for(world.office_a_user)
    answer = client.post(URL, {**new_enterprise(1, "411002"), "uscc": f" {world.chem_a.uscc.lower()} "},
                         format="json")
    assert answer.status_code == 400 and "已登记" in answer.json()["uscc"][0]
    code = make_uscc(77, "411002")
    answer = client.post(URL, {**new_enterprise(1, "411002"), "uscc": code.lower()}, format="json")
    assert answer.status_code == 201 and answer.json()["uscc"] == code


@pytest.mark.parametrize("field,value,needle", [
    ("region", "419999", "不存在"),
    ("sectors", ["no_such_sector"], "不存在"),
    ("sectors", [], "不能为空"),
    ("sectors", ["gas", "gas"], "重复"),
    ("departments", [999999], "不存在"),
    ("state", "bankrupt", "合法"),
    ("name", "", "不能为空"),
])
def test_bad_references_and_values_are_400_naming_the_field(world, field, value, needle):
    answer = client_for(world.admin).post(URL, {**new_enterprise(1, "411002"), field: value}, format="json")
    assert answer.status_code == 400
    assert needle in "".join(answer.json()[field])


def test_every_api_write_is_audited_with_its_model(world):
    client = client_for(world.admin)
    before = AuditEntry.objects.filter(model="enterprises.enterprise").count()
    created = client.post(URL, new_enterprise(1, "411002"), format="json").json()
    client.patch(f"{URL}{created['id']}/", {"state": "closed"}, format="json")
    entries = AuditEntry.objects.filter(model="enterprises.enterprise").order_by("seq")
    assert entries.count() == before + 2
    last = entries.last()
    assert last.action == "update" and last.before["state"] == "operating" and last.after["state"] == "closed"
    assert last.username == "admin"


def test_no_delete(world):
    assert client_for(world.admin).delete(detail(world.chem_a)).status_code == 405
