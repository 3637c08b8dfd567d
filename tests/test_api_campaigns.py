"""API `campaigns/` and `campaigns/{slug}/sector-rows/` (API.md): every signed-in user reads; a system
administrator, a safety office over the campaign's region, or a leader of its issuing department writes; a preset
supplies what the request leaves out; slug and preset are written once; errors name the field and the item."""
import datetime

import pytest
from rest_framework.test import APIClient

from apps.audit.models import AuditEntry
from apps.campaigns.models import Campaign
from apps.campaigns.presets import PRESETS

D = datetime.date
URL = "/api/v1/campaigns/"


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def create(user, **body):
    return client_for(user).post(URL, body, format="json")


@pytest.fixture
def honghe(world):
    answer = create(world.admin, slug="honghe", preset="honghe-2023", region="4110")
    assert answer.status_code == 201, answer.json()
    return Campaign.objects.get(slug="honghe")


# --- presets through the API ----------------------------------------------------------------------------------

@pytest.mark.parametrize("code, start, end", [
    ("xuchang-2023", "2023-05-09", "2023-12-31"), ("haicheng-2023", "2023-05-19", "2023-12-31"),
    ("honghe-2023", "2023-05-15", "2023-12-31"), ("guicun-2024", "2024-11-23", "2024-12-31"),
    ("fuzhou-2023", "2023-05-01", "2023-12-31"),
])
def test_each_preset_loads_through_the_api_with_its_plans_dates(world, code, start, end):
    answer = create(world.admin, slug=code, preset=code, region="4110")
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert (body["start"], body["end"], body["preset"], body["version"]) == (start, end, code, 1)
    assert body["name"] == PRESETS[code]["name"] and body["region"] == "4110" and body["department"] is None
    assert body["duties"] == PRESETS[code]["duties"] and body["schedule"] == PRESETS[code]["schedule"]
    assert len(body["phases"]) == 4 and body["deadlines"]
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.model, entry.username) == ("create", "campaigns.campaign", "admin")


def test_what_the_request_gives_wins_over_the_preset(world):
    answer = create(world.admin, slug="x", preset="xuchang-2023", region="4110", name="许昌2024",
                    start="2024-05-09", sign_offs=["acceptance_group"])
    body = answer.json()
    assert answer.status_code == 201, body
    assert (body["name"], body["start"], body["end"]) == ("许昌2024", "2024-05-09", "2024-12-31")
    assert body["sign_offs"] == ["acceptance_group"]
    assert body["phases"][1]["end"] == "2024-08-31"


def test_without_a_preset_name_start_and_end_are_required(world):
    answer = create(world.admin, slug="bare", region="4110")
    assert answer.status_code == 400
    assert set(answer.json()) == {"name", "start", "end"}
    answer = create(world.admin, slug="bare", region="4110", name="自定义", start="2023-01-01", end="2023-12-31")
    assert answer.status_code == 201 and answer.json()["phases"] == []


def test_every_signed_in_user_reads_campaigns_and_anonymous_does_not(world, honghe):
    for user in (world.ent_user, world.nobody, world.group_user):
        answer = client_for(user).get(URL)
        assert answer.status_code == 200 and answer.json()["count"] == 1
        assert client_for(user).get(f"{URL}honghe/").json()["slug"] == "honghe"
    assert client_for().get(URL).status_code in (401, 403)
    assert client_for(world.admin).get(f"{URL}nope/").status_code == 404


# --- who may write --------------------------------------------------------------------------------------------

def test_a_safety_office_writes_campaigns_of_its_subtree_only(world):
    assert create(world.office_a_user, slug="a", preset="haicheng-2023", region="411002").status_code == 201
    assert create(world.office_a_user, slug="t", preset="haicheng-2023", region="411002001").status_code == 201
    outside = create(world.office_a_user, slug="b", preset="haicheng-2023", region="411003")
    assert outside.status_code == 400 and outside.json() == {"region": ["“建安区”不在您的管理范围内"]}
    assert create(world.office_city_user, slug="c", preset="haicheng-2023", region="4110").status_code == 201


def test_an_office_of_another_county_may_not_change_a_campaign(world):
    create(world.admin, slug="b", preset="haicheng-2023", region="411003")
    answer = client_for(world.office_a_user).patch(f"{URL}b/", {"name": "改名"}, format="json")
    assert answer.status_code == 403 and "安委办" in answer.json()["detail"]
    # a 403 comes before any 400
    bad = client_for(world.office_a_user).patch(f"{URL}b/", {"end": "1999-01-01"}, format="json")
    assert bad.status_code == 403
    assert client_for(world.office_city_user).patch(f"{URL}b/", {"name": "改名"}, format="json").status_code == 200


def test_an_office_may_not_move_its_campaign_out_of_its_subtree(world):
    create(world.office_a_user, slug="a", preset="haicheng-2023", region="411002")
    answer = client_for(world.office_a_user).patch(f"{URL}a/", {"region": "411003"}, format="json")
    assert answer.status_code == 400 and "region" in answer.json()


def test_those_who_may_not_write_campaigns_get_403(world):
    for user in (world.ent_user, world.a_emergency_user, world.station_user, world.nobody, world.discipline_a_user):
        answer = create(user, slug="z", preset="haicheng-2023", region="411002")
        assert answer.status_code == 403, user.username


def test_a_department_leader_writes_the_campaigns_its_department_issues(world):
    # 福州's plan: issued by the city's 建设局; its leader (the housing bureau here) runs it
    answer = create(world.city_housing_user, slug="fz", preset="fuzhou-2023", region="4110",
                    department=world.city_housing.pk)
    assert answer.status_code == 201, answer.json()
    assert answer.json()["department"] == world.city_housing.pk
    assert client_for(world.city_housing_user).patch(f"{URL}fz/", {"document_no": "榕建质安〔2024〕1号"},
                                                     format="json").status_code == 200
    other = create(world.city_housing_user, slug="fz2", preset="fuzhou-2023", region="4110",
                   department=world.city_emergency.pk)
    assert other.status_code == 400 and "department" in other.json()
    none = create(world.city_housing_user, slug="fz3", preset="fuzhou-2023", region="4110")
    assert none.status_code == 400 and "department" in none.json()
    # a member (not leader) of the station may not write; an office of another county may not either
    assert client_for(world.station_user).patch(f"{URL}fz/", {"name": "x"}, format="json").status_code == 403
    assert client_for(world.office_a_user).patch(f"{URL}fz/", {"name": "x"}, format="json").status_code == 403


# --- write-once, versions, validation --------------------------------------------------------------------------

def test_slug_and_preset_are_written_once(world, honghe):
    client = client_for(world.admin)
    answer = client.patch(f"{URL}honghe/", {"slug": "other"}, format="json")
    assert answer.status_code == 400 and answer.json() == {"slug": ["标识创建后不能修改"]}
    answer = client.patch(f"{URL}honghe/", {"preset": "xuchang-2023"}, format="json")
    assert answer.status_code == 400 and list(answer.json()) == ["preset"]
    assert client.patch(f"{URL}honghe/", {"slug": "honghe", "preset": "honghe-2023"}, format="json").status_code == 200
    taken = create(world.admin, slug="honghe", preset="haicheng-2023", region="4110")
    assert taken.status_code == 400 and taken.json() == {"slug": ["标识“honghe”已被使用"]}


def test_a_stale_version_answers_409_and_each_write_counts_one(world, honghe):
    client = client_for(world.admin)
    first = client.patch(f"{URL}honghe/", {"name": "红河州行动", "version": 1}, format="json")
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = client.patch(f"{URL}honghe/", {"name": "又改", "version": 1}, format="json")
    assert stale.status_code == 409
    assert Campaign.objects.get(slug="honghe").name == "红河州行动"


def test_put_replaces_the_campaign_and_validates_phases_inside_the_period(world, honghe):
    client = client_for(world.admin)
    body = client.get(f"{URL}honghe/").json()
    body["end"] = "2023-11-30"
    answer = client.put(f"{URL}honghe/", body, format="json")
    assert answer.status_code == 400
    assert answer.json()["phases"][0].startswith("第3项：阶段日期须在专项行动期间（2023-05-15 至 2023-11-30）内")
    body["phases"] = body["phases"][:2]
    answer = client.put(f"{URL}honghe/", body, format="json")
    assert answer.status_code == 200 and answer.json()["end"] == "2023-11-30"


def test_errors_name_the_field_and_the_item(world, honghe):
    client = client_for(world.admin)
    phases = client.get(f"{URL}honghe/").json()["phases"]
    phases[1]["end"] = "2023-05-01"
    answer = client.patch(f"{URL}honghe/", {"phases": phases, "duties": [
        {"kind": "drill", "every": "month", "times": 1, "flags": []},
        {"kind": "walk", "every": "month", "times": 1, "flags": []}]}, format="json")
    assert answer.status_code == 400
    assert answer.json()["phases"] == ["第2项：结束日期早于开始日期"]
    assert answer.json()["duties"][0].startswith("第2项：类别（kind）")
    answer = client.patch(f"{URL}honghe/", {"schedule": [{"template": "haicheng", "cutoff_days": ["first"],
                                                          "due_day": 25}]}, format="json")
    assert answer.status_code == 400 and answer.json()["schedule"][0].startswith("第1项：截止日")
    unknown = create(world.admin, slug="u", preset="atlantis-2023", region="4110")
    assert unknown.status_code == 400 and "preset" in unknown.json()


# --- sector rows ----------------------------------------------------------------------------------------------

def test_sector_rows_get_lists_the_honghe_rows(world, honghe):
    rows = client_for(world.ent_user).get(f"{URL}honghe/sector-rows/").json()
    assert [r["code"] for r in rows][:6] == ["cum", "month", "transport", "road_facilities", "construction",
                                            "construction_housing"]
    assert rows[5] == {"code": "construction_housing", "label": "其中：房屋市政", "parent": "construction",
                       "order": 6, "sectors": ["construction.housing"]}
    assert rows[-1]["code"] == "other" and len(rows) == 28


def test_sector_rows_put_replaces_them_with_validation(world, honghe):
    client = client_for(world.admin)
    rows = client.get(f"{URL}honghe/sector-rows/").json()
    rows[-1]["sectors"] = rows[-1]["sectors"] + ["confined_space"]
    answer = client.put(f"{URL}honghe/sector-rows/", rows, format="json")
    assert answer.status_code == 200 and "confined_space" in answer.json()[-1]["sectors"]
    assert Campaign.objects.get(slug="honghe").version == 2
    duplicate = rows + [dict(rows[-1])]
    answer = client.put(f"{URL}honghe/sector-rows/", duplicate, format="json")
    assert answer.status_code == 400 and answer.json()["sector_rows"][0] == "第29项：行代码“other”重复"
    orphan = rows[:2] + [{"code": "x", "label": "X", "parent": "nowhere", "order": 3, "sectors": []}]
    answer = client.put(f"{URL}honghe/sector-rows/", orphan, format="json")
    assert answer.json()["sector_rows"] == ["第3项：上级行“nowhere”不存在"]
    missing = [{"code": "x", "label": "X", "parent": None, "order": 1, "sectors": ["atlantis"]}]
    answer = client.put(f"{URL}honghe/sector-rows/", {"sector_rows": missing, "version": 2}, format="json")
    assert answer.json()["sector_rows"] == ["第1项：行业领域“atlantis”不存在"]
    stale = client.put(f"{URL}honghe/sector-rows/", {"sector_rows": rows, "version": 1}, format="json")
    assert stale.status_code == 409


def test_sector_rows_put_is_refused_to_those_who_may_not_write(world, honghe):
    rows = client_for(world.office_a_user).get(f"{URL}honghe/sector-rows/").json()
    answer = client_for(world.office_a_user).put(f"{URL}honghe/sector-rows/", rows, format="json")
    assert answer.status_code == 403


def test_the_schema_documents_the_campaign_paths(world):
    schema = client_for(world.admin).get("/api/v1/schema/?format=json", HTTP_ACCEPT="application/json").json()
    assert "/api/v1/campaigns/{slug}/sector-rows/" in schema["paths"]
    assert {"get", "put"} <= set(schema["paths"]["/api/v1/campaigns/{slug}/sector-rows/"])
    assert "delete" not in schema["paths"]["/api/v1/campaigns/{slug}/"]
