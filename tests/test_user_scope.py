"""Who sees which people (the users/ directory) and who may write them."""
import pytest

from apps.accounts.models import Membership, User
from apps.accounts.services import user_save
from apps.core.errors import NotAllowed


def usernames(viewer):
    return set(User.objects.visible_to(viewer).values_list("username", flat=True))


def test_a_county_office_sees_the_people_of_its_county_and_not_the_sibling(world):
    seen = usernames(world.office_a_user)
    assert {"office_a", "ent_chem_a", "a_emergency", "discipline_a"} <= seen
    assert "multi" in seen  # holds a membership on 魏都区住建局
    assert not seen & {"office_city", "city_emergency", "group_member", "admin", "city_housing"}


def test_a_department_sees_its_colleagues_and_its_units(world):
    colleague = User.objects.create_user("city_housing_2")
    Membership.objects.create(user=colleague, kind="department", department=world.city_housing)
    seen = usernames(world.city_housing_user)
    assert seen == {"city_housing", "city_housing_2", "station"}


def test_an_enterprise_member_sees_only_its_own_people(world):
    assert usernames(world.ent_user) == {"ent_chem_a"}


def test_a_person_without_membership_sees_only_themselves(world):
    assert usernames(world.nobody) == {"nobody"}


def test_only_a_safety_office_or_an_administrator_writes_users(world):
    new = User(username="newcomer", name="新人")
    with pytest.raises(NotAllowed):
        user_save(actor=world.a_emergency_user, user=new, memberships=[
            Membership(kind="department", department=world.a_emergency)])
    user_save(actor=world.office_a_user, user=new, password="Xuchang-2026!", memberships=[
        Membership(kind="department", department=world.a_emergency)])
    assert new.memberships.get().department == world.a_emergency


def test_a_safety_office_cannot_hand_out_a_membership_outside_its_subtree(world):
    with pytest.raises(NotAllowed):
        user_save(actor=world.office_a_user, user=User(username="x"), memberships=[
            Membership(kind="department", department=world.b_emergency)])
    with pytest.raises(NotAllowed):
        user_save(actor=world.office_a_user, user=User(username="y"), memberships=[
            Membership(kind="safety_office", region=world.city)])
    assert not User.objects.filter(username__in=["x", "y"]).exists()


def test_a_safety_office_cannot_edit_someone_who_also_belongs_elsewhere(world):
    # multi holds 建安化工 (county B) and 魏都区住建局 (county A): county A's office may not rewrite them
    with pytest.raises(NotAllowed):
        user_save(actor=world.office_a_user, user=world.multi_user, memberships=[
            Membership(kind="department", department=world.a_housing)])
    assert world.multi_user.memberships.count() == 2
