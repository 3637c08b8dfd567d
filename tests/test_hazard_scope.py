"""Who sees which hazard (DESIGN.md "Scope", record by record), for every user of the world, through
`Hazard.objects.visible_to` and through the API (list and detail: 404 outside the scope).

A hazard belongs to its own sector and its home region (its enterprise's, or its own when it has none). A
department sees it when it supervises that sector (at or below one of its sectors) inside its region subtree,
and always when it is responsible for it (after a transfer) or found it; a department also sees what its
subordinate units see. An enterprise member sees the enterprise's hazards; a safety office or a discipline
membership its region subtree; an inspection group its assigned regions while today is inside the dates."""
import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.hazards.models import Hazard, Transfer
from apps.regions.models import Department, GroupAssignment
from tests.world import EXPECTED_ENTERPRISES

URL = "/api/v1/hazards/"


def _hazard(w, key, enterprise, sector, department, found_by=None, region=None):
    enterprise = getattr(w, enterprise) if enterprise else None
    return Hazard.objects.create(
        enterprise=enterprise, region=region or enterprise.region, title=key, level="general",
        source="department" if found_by else "self", sector_id=sector, found_on=timezone.localdate(),
        department=department, found_by_department=found_by,
    )


def build_hazards(w) -> dict[str, Hazard]:
    zz_emergency = Department.objects.create(name="郑州市应急管理局", kind="emergency", region=w.other_city)
    zz_emergency.sectors.set(["chemicals"])
    h = {
        "chem_a_chem": _hazard(w, "chem_a_chem", "chem_a", "chemicals", w.a_emergency),
        # a lift at the chemical plant: its own sector, not the county emergency bureau's
        "chem_a_lift": _hazard(w, "chem_a_lift", "chem_a", "special_equipment", w.city_market, w.city_market),
        "chem_b_chem": _hazard(w, "chem_b_chem", "chem_b", "chemicals", w.b_emergency),
        "build_a_house": _hazard(w, "build_a_house", "build_a", "construction.housing", w.a_housing),
        # the city's safety station is responsible: its parent (市住建局) sees it too, whatever the sector
        "build_a_fire_station": _hazard(w, "build_a_fire_station", "build_a", "fire", w.city_housing_station,
                                        w.city_housing_station),
        "gas_a_gas": _hazard(w, "gas_a_gas", "gas_a", "gas", w.city_housing, w.city_housing),
        "city_plant_it": _hazard(w, "city_plant_it", "city_plant", "industry_trade", w.city_emergency),
        "town_shop_it": _hazard(w, "town_shop_it", "town_shop", "industry_trade", w.township_office),
        # transferred to 魏都区应急管理局: outside its region and its sectors, seen because it is responsible
        "lift_b_transferred": _hazard(w, "lift_b_transferred", "lift_b", "special_equipment", w.a_emergency,
                                      w.city_market),
        # found by 魏都区应急管理局 on a building site: not its sector, seen because it found it
        "build_a_found": _hazard(w, "build_a_found", "build_a", "construction.housing", w.a_housing, w.a_emergency),
        "far_chem": _hazard(w, "far_chem", "far_away", "chemicals", zz_emergency),
        # roads: no enterprise, a region of their own
        "road_a": _hazard(w, "road_a", None, "transport.road_facilities", w.township_office, region=w.township_a),
        "road_b": _hazard(w, "road_b", None, "transport.road_facilities", w.b_emergency, region=w.county_b),
    }
    Transfer.objects.create(hazard=h["lift_b_transferred"], from_department=w.city_market,
                            to_department=w.a_emergency, reason="转交", transferred_on=timezone.localdate())
    return h


ALL = {"chem_a_chem", "chem_a_lift", "chem_b_chem", "build_a_house", "build_a_fire_station", "gas_a_gas",
       "city_plant_it", "town_shop_it", "lift_b_transferred", "build_a_found", "far_chem", "road_a", "road_b"}
COUNTY_A = {"chem_a_chem", "chem_a_lift", "build_a_house", "build_a_fire_station", "gas_a_gas", "town_shop_it",
            "build_a_found", "road_a"}

EXPECTED_HAZARDS = {
    "admin": ALL,
    "ent_user": {"chem_a_chem", "chem_a_lift"},
    "a_emergency_user": {"chem_a_chem", "town_shop_it", "lift_b_transferred", "build_a_found"},
    "city_housing_user": {"build_a_house", "build_a_fire_station", "gas_a_gas", "build_a_found"},
    "station_user": {"build_a_house", "build_a_fire_station", "build_a_found"},
    "city_emergency_user": {"chem_a_chem", "chem_b_chem", "city_plant_it", "town_shop_it"},
    "office_a_user": COUNTY_A,
    "office_city_user": ALL - {"far_chem"},
    "group_user": {"chem_b_chem", "lift_b_transferred", "road_b"},
    "discipline_a_user": COUNTY_A,
    "multi_user": {"chem_b_chem", "build_a_house", "build_a_found"},
    "nobody": set(),
}


@pytest.fixture
def hazards(world):
    return build_hazards(world)


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_every_world_user_is_covered():
    assert set(EXPECTED_HAZARDS) == set(EXPECTED_ENTERPRISES)


@pytest.mark.parametrize("user_key", sorted(EXPECTED_HAZARDS))
def test_visible_to(world, hazards, user_key):
    by_pk = {h.pk: key for key, h in hazards.items()}
    seen = {by_pk[pk] for pk in Hazard.objects.visible_to(getattr(world, user_key)).values_list("pk", flat=True)}
    assert seen == EXPECTED_HAZARDS[user_key]


@pytest.mark.parametrize("user_key", sorted(EXPECTED_HAZARDS))
def test_the_api_lists_exactly_the_visible_hazards_and_answers_404_for_the_rest(world, hazards, user_key):
    client = client_for(getattr(world, user_key))
    answer = client.get(URL, {"page_size": 500})
    assert answer.status_code == 200
    by_pk = {h.pk: key for key, h in hazards.items()}
    assert {by_pk[row["id"]] for row in answer.json()["results"]} == EXPECTED_HAZARDS[user_key]
    assert answer.json()["count"] == len(EXPECTED_HAZARDS[user_key])
    for key, hazard in hazards.items():
        want = 200 if key in EXPECTED_HAZARDS[user_key] else 404
        assert client.get(f"{URL}{hazard.pk}/").status_code == want, key
        # a step on a hazard out of sight is 404 as well, whatever the body
        if want == 404:
            assert client.post(f"{URL}{hazard.pk}/submit/", {}, format="json").status_code == 404, key


def test_a_department_sees_its_sectors_in_its_subtree_only(world, hazards):
    seen = set(Hazard.objects.visible_to(world.a_emergency_user).values_list("title", flat=True))
    assert "chem_a_chem" in seen and "town_shop_it" in seen  # its sectors, its county and the township below
    assert "chem_b_chem" not in seen  # the sibling county
    assert "chem_a_lift" not in seen  # its enterprise, but another sector
    assert "city_plant_it" not in seen  # its sector, but the city above
    # the finder page names the enterprise even when the enterprise's own record stays out of sight
    answer = client_for(world.a_emergency_user).get(f"{URL}{hazards['build_a_found'].pk}/").json()
    assert answer["enterprise"] == world.build_a.pk and answer["enterprise_name"] == world.build_a.name
    assert client_for(world.a_emergency_user).get(f"/api/v1/enterprises/{world.build_a.pk}/").status_code == 404


def test_transferring_away_a_hazard_outside_its_sectors_takes_it_out_of_sight(world, hazards):
    hazard = hazards["lift_b_transferred"]
    client = client_for(world.a_emergency_user)
    answer = client.post(f"{URL}{hazard.pk}/transfer/", {"department": world.city_market.pk, "reason": "退回"},
                         format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["department"] == world.city_market.pk  # the answer still shows what was done
    assert client_for(User.objects.get(pk=world.a_emergency_user.pk)).get(f"{URL}{hazard.pk}/").status_code == 404
    assert client_for(world.office_city_user).get(f"{URL}{hazard.pk}/").json()["transfers"][-1]["to"] == (
        world.city_market.pk)


def test_a_group_sees_its_region_while_assigned_and_not_after(world, hazards):
    today = timezone.localdate()
    group_hazards = {"chem_b_chem", "lift_b_transferred", "road_b"}
    titles = set(Hazard.objects.visible_to(world.group_user).values_list("title", flat=True))
    assert titles == group_hazards
    assert not titles & COUNTY_A  # 魏都区's assignment ended yesterday
    GroupAssignment.objects.filter(group=world.group, region=world.county_b).update(
        end=today - datetime.timedelta(days=1))
    fresh = User.objects.get(pk=world.group_user.pk)  # the scope is worked out once per user object
    assert not Hazard.objects.visible_to(fresh).exists()
    assert client_for(fresh).get(URL).json()["count"] == 0
    assert client_for(fresh).get(f"{URL}{hazards['road_b'].pk}/").status_code == 404
    # an assignment starting tomorrow does not count yet; one covering today (both ends included) does
    GroupAssignment.objects.create(group=world.group, region=world.county_a, start=today + datetime.timedelta(days=1),
                                   end=today + datetime.timedelta(days=5))
    assert not Hazard.objects.visible_to(User.objects.get(pk=fresh.pk)).exists()
    GroupAssignment.objects.create(group=world.group, region=world.township_a, start=today, end=today)
    assert set(Hazard.objects.visible_to(User.objects.get(pk=fresh.pk)).values_list("title", flat=True)) == {
        "town_shop_it", "road_a"}


def test_a_road_is_scoped_by_its_own_region(world, hazards):
    for user, sees in ((world.office_a_user, {"road_a"}), (world.group_user, {"road_b"}),
                       (world.office_city_user, {"road_a", "road_b"}), (world.a_emergency_user, set()),
                       (world.ent_user, set())):
        rows = client_for(user).get(URL, {"page_size": 500}).json()["results"]
        assert {r["title"] for r in rows if r["enterprise"] is None} == sees
    road = client_for(world.office_a_user).get(f"{URL}{hazards['road_a'].pk}/").json()
    assert (road["enterprise"], road["region"], road["enterprise_name"]) == (None, "411002001", None)


def test_filters_narrow_the_scope_never_widen_it(world, hazards):
    client = client_for(world.office_a_user)
    assert client.get(URL, {"region": "411003"}).json()["count"] == 0
    assert client.get(URL, {"department": world.b_emergency.pk}).json()["count"] == 0
    rows = client.get(URL, {"region": "411002001", "page_size": 500}).json()["results"]
    assert {r["title"] for r in rows} == {"town_shop_it", "road_a"}
    rows = client_for(world.admin).get(URL, {"sector": "construction", "page_size": 500}).json()["results"]
    assert {r["title"] for r in rows} == {"build_a_house", "build_a_found"}
