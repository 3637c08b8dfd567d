"""DESIGN.md "Scope": for every role, what it sees and what it must not see, on the model level."""

import pytest

from apps.enterprises.models import Enterprise
from tests.world import EXPECTED_ENTERPRISES

ALL = {"chem_a", "build_a", "gas_a", "chem_b", "city_plant", "town_shop", "lift_b", "far_away"}


def names_visible(world, user):
    ids = set(Enterprise.objects.visible_to(user).values_list("pk", flat=True))
    return {key for key in ALL if getattr(world, key).pk in ids}


@pytest.mark.parametrize("user_key", sorted(EXPECTED_ENTERPRISES))
def test_each_role_sees_exactly_its_enterprises(world, user_key):
    user = getattr(world, user_key)
    assert names_visible(world, user) == EXPECTED_ENTERPRISES[user_key]


def test_a_department_sees_what_its_subordinate_units_see(world):
    # the station supervises construction.housing; its parent (housing) sees it too, through its own sectors
    station_sees = names_visible(world, world.station_user)
    assert station_sees <= names_visible(world, world.city_housing_user)


def test_a_department_listed_by_an_enterprise_sees_it_outside_its_sectors(world):
    # 市场监管 supervises special equipment; lift_b is in county B and lists it
    assert "lift_b" in names_visible(world, world.office_city_user)
    from apps.accounts.models import Membership, User

    u = User.objects.create_user("market", password="x")
    Membership.objects.create(user=u, kind="department", department=world.city_market)
    assert names_visible(world, u) == {"lift_b"}


def test_group_scope_ends_with_the_assignment(world, monkeypatch):
    import datetime

    from apps.regions import scope

    tomorrow = scope.today() + datetime.timedelta(days=1)
    monkeypatch.setattr(scope, "today", lambda: tomorrow)
    world.group_user.__dict__.pop("_scope_cache", None)
    assert names_visible(world, world.group_user) == set()


def test_acting_membership_narrows_the_union(world):
    user = world.multi_user
    user.acting_membership = user.memberships.get(kind="enterprise")
    assert names_visible(world, user) == {"chem_b"}


def test_inactive_user_sees_nothing(world):
    world.office_city_user.is_active = False
    assert names_visible(world, world.office_city_user) == set()


def test_under_is_the_region_subtree_on_every_database(world):
    """`code__under` (apps/regions/lookups.py) selects exactly the subtree, a range on SQLite, LIKE on PostgreSQL;
    a code ending in 9 is where a careless range would spill over into the next one."""
    from apps.regions.lookups import successor
    from apps.regions.models import Region

    Region.objects.create(code="4109", name="末位为九的市", level=2, parent=Region.objects.get(code="41"))
    Region.objects.create(code="410901", name="其下的县", level=3, parent=Region.objects.get(code="4109"))
    codes = set(Region.objects.values_list("code", flat=True))
    for prefix in ["41", "4109", "4110", "411002", "9", ""]:
        got = set(Region.objects.filter(code__under=prefix).values_list("code", flat=True))
        assert got == {c for c in codes if c.startswith(prefix)}, prefix
    assert successor("4109") == "410:"
    hazards = Enterprise.objects.filter(region__code__under="4110")
    assert set(hazards.values_list("pk", flat=True)) == set(
        Enterprise.objects.filter(region__code__startswith="4110").values_list("pk", flat=True))
