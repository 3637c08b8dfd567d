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
