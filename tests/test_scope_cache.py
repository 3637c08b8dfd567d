"""A scope kept across requests (SCOPE_CACHE_SECONDS, a shared cache in production) never outlives a committed
change to what it is made of: memberships, a department's sectors or subordinate units, group assignments."""
import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Membership, User
from apps.enterprises.models import Enterprise
from apps.regions.models import Department, GroupAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def shared_scopes(settings):
    settings.SCOPE_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


def fresh(user: User) -> User:
    """The same person in a new request (no per-request memo)."""
    return User.objects.get(pk=user.pk)


def names(world, user):
    ids = set(Enterprise.objects.visible_to(fresh(user)).values_list("pk", flat=True))
    return {key for key in ("chem_a", "build_a", "gas_a", "chem_b", "city_plant", "town_shop", "lift_b",
                            "far_away") if getattr(world, key).pk in ids}


def test_a_second_request_builds_no_scope(world):
    from apps.regions.scope import scope_for

    assert names(world, world.city_emergency_user) == {"chem_a", "chem_b", "city_plant", "town_shop"}
    user = fresh(world.city_emergency_user)
    with CaptureQueriesContext(connection) as ctx:
        scope_for(user)
    assert len(ctx.captured_queries) == 0


def test_a_new_membership_shows_once_committed(world, django_capture_on_commit_callbacks):
    user = world.a_emergency_user
    assert names(world, user) == {"chem_a", "town_shop"}
    with django_capture_on_commit_callbacks(execute=True):
        Membership.objects.create(user=user, kind="safety_office", region=world.city)
    assert names(world, user) == {"chem_a", "build_a", "gas_a", "chem_b", "city_plant", "town_shop", "lift_b"}


def test_a_removed_membership_stops_showing(world, django_capture_on_commit_callbacks):
    user = world.multi_user
    assert names(world, user) == {"chem_b", "build_a"}
    with django_capture_on_commit_callbacks(execute=True):
        Membership.objects.filter(user=user, kind="department").delete()
    assert names(world, user) == {"chem_b"}


def test_a_department_losing_a_sector(world, django_capture_on_commit_callbacks):
    user = world.station_user
    assert names(world, user) == {"build_a"}
    with django_capture_on_commit_callbacks(execute=True):
        world.city_housing_station.sectors.clear()
    assert names(world, user) == set()  # it saw build_a by its sector only


def test_a_new_subordinate_unit_widens_its_parent(world, django_capture_on_commit_callbacks):
    user = world.a_emergency_user
    before = names(world, user)
    with django_capture_on_commit_callbacks(execute=True):
        Department.objects.create(name="区应急局化工科", kind="emergency", region=world.city, parent=world.a_emergency)
        unit = Department.objects.get(name="区应急局化工科")
        unit.sectors.set(["chemicals"])
    assert names(world, user) >= before | {"chem_b"}


def test_a_group_assignment_ending(world, django_capture_on_commit_callbacks):
    user = world.group_user
    assert names(world, user) == {"chem_b", "lift_b"}
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        GroupAssignment.objects.filter(group=world.group).update(end=yesterday)
        GroupAssignment.objects.filter(group=world.group).first().save()
    assert names(world, user) == set()


def test_without_the_commit_the_old_scope_stays_cached(world):
    """The bump waits for the commit: a rolled-back change never invalidates, and never shows."""
    user = world.a_emergency_user
    assert names(world, user) == {"chem_a", "town_shop"}
    Membership.objects.create(user=user, kind="safety_office", region=world.city)  # not committed (test transaction)
    assert names(world, user) == {"chem_a", "town_shop"}
