"""An inspection group (综合检查组) sees the regions assigned to it, for the dates assigned (DESIGN.md "Scope": "an
inspection group sees the enterprises of its assigned regions and their records (tips excluded) while today is inside
an assignment's dates, both ends included").

tests/test_scope.py covers the group's enterprises and the end of an assignment, tests/test_hazard_scope.py its
hazards by date; here: inspections and enforcement decisions by date (both ends of an assignment included, a future
one not yet), what a group never sees (tips, accountability), what it may not do (a supervision outside its
regions or before its dates, any enforcement decision), and the same on the enforcement pages.

In the world, the group is assigned to 建安区 (county B) from three days ago to today and was assigned to 魏都区
(county A) until yesterday."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.accounts.models import User
from apps.core.errors import NotAllowed
from apps.enterprises.models import Enterprise
from apps.hazards.models import Hazard
from apps.inspections import services
from apps.inspections.models import Accountability, EnforcementAction, Inspection
from apps.regions.models import GroupAssignment
from apps.tips.models import Tip
from tests.pages import act_as


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def fresh(user) -> User:
    """The scope is worked out once per user object: a new object after the assignments change."""
    return User.objects.get(pk=user.pk)


@pytest.fixture
def records(world):
    """An enforcement inspection and a decision on an enterprise of each county, by its own county's bureau."""
    w = world
    w.check_a = services.inspection_create(actor=w.a_emergency_user, data={"enterprise": w.chem_a,
                                                                           "kind": "enforcement"})
    w.check_b = services.inspection_create(actor=w.admin, data={"enterprise": w.chem_b, "kind": "enforcement",
                                                                "department": w.b_emergency})
    w.shop_check = services.inspection_create(actor=w.a_emergency_user, data={"enterprise": w.town_shop,
                                                                              "kind": "enforcement"})
    w.action_a = services.action_create(actor=w.a_emergency_user, data={
        "enterprise": w.chem_a, "kind": "penalty", "amount": Decimal("2"), "case_no": "魏1号"})
    w.action_b = services.action_create(actor=w.admin, data={
        "enterprise": w.chem_b, "department": w.b_emergency, "kind": "stop_rectify"})
    w.shop_action = services.action_create(actor=w.a_emergency_user, data={"enterprise": w.town_shop,
                                                                           "kind": "summons"})
    return w


def seen(model, user) -> set[int]:
    return set(model.objects.visible_to(user).values_list("pk", flat=True))


def test_a_group_sees_the_inspections_and_decisions_of_its_region_today_only(records):
    w = records
    assert seen(Inspection, w.group_user) == {w.check_b.pk}
    assert seen(EnforcementAction, w.group_user) == {w.action_b.pk}
    # 建安区's assignment ends yesterday: nothing left
    GroupAssignment.objects.filter(group=w.group, region=w.county_b).update(end=days(-1))
    user = fresh(w.group_user)
    assert seen(Inspection, user) == seen(EnforcementAction, user) == seen(Enterprise, user) == set()


def test_both_ends_of_an_assignment_are_included_and_a_future_one_not_yet(records):
    w = records
    GroupAssignment.objects.create(group=w.group, region=w.township_a, start=days(1), end=days(5))
    user = fresh(w.group_user)
    assert w.shop_check.pk not in seen(Inspection, user) and w.shop_action.pk not in seen(EnforcementAction, user)
    GroupAssignment.objects.create(group=w.group, region=w.township_a, start=days(0), end=days(0))
    user = fresh(w.group_user)
    assert seen(Inspection, user) == {w.check_b.pk, w.shop_check.pk}
    assert seen(EnforcementAction, user) == {w.action_b.pk, w.shop_action.pk}
    assert w.chem_a.pk not in seen(Enterprise, user)  # the township, not the whole county


def test_a_groups_own_supervision_while_it_has_an_assignment(records):
    w = records
    own = services.inspection_create(actor=w.group_user, data={"enterprise": w.chem_b, "kind": "supervision"})
    assert (own.group, own.department) == (w.group, w.city_emergency)  # the lead department
    # 建安区 over, 西大街道 assigned today: the group still sees the supervision it carried out in 建安区
    GroupAssignment.objects.filter(group=w.group, region=w.county_b).update(end=days(-1))
    GroupAssignment.objects.create(group=w.group, region=w.township_a, start=days(0), end=days(3))
    assert seen(Inspection, fresh(w.group_user)) == {own.pk, w.shop_check.pk}
    # with no assignment running, the group sees nothing at all
    GroupAssignment.objects.filter(group=w.group).update(start=days(-10), end=days(-1))
    assert seen(Inspection, fresh(w.group_user)) == set()


def test_a_group_never_sees_tips_nor_accountability(records):
    w = records
    Tip.objects.create(receipt="R-GROUP-1", region=w.county_b, enterprise=w.chem_b, description="违规动火",
                       received_on=days(-1))
    services.accountability_create(actor=w.office_city_user, data={"region": w.county_b, "persons": 1})
    assert Tip.objects.count() == 1 and Accountability.objects.count() == 1
    assert seen(Tip, w.group_user) == set() and seen(Accountability, w.group_user) == set()


def test_a_supervision_outside_the_assigned_regions_or_dates_is_refused(records):
    w = records
    for enterprise in (w.chem_a, w.town_shop, w.far_away):  # assignment ended / never assigned
        with pytest.raises(ValidationError) as refused:
            services.inspection_create(actor=w.group_user, data={"enterprise": enterprise, "kind": "supervision"})
        assert set(refused.value.message_dict) == {"enterprise"}
    GroupAssignment.objects.create(group=w.group, region=w.township_a, start=days(1), end=days(5))
    with pytest.raises(ValidationError):
        services.inspection_create(actor=fresh(w.group_user), data={"enterprise": w.town_shop,
                                                                    "kind": "supervision"})
    GroupAssignment.objects.create(group=w.group, region=w.township_a, start=days(-5), end=days(0))
    assert services.inspection_create(actor=fresh(w.group_user), data={"enterprise": w.town_shop,
                                                                       "kind": "supervision"}).pk
    # a group records no enforcement decision, even inside its region
    with pytest.raises(NotAllowed):
        services.action_create(actor=w.group_user, data={"enterprise": w.chem_b, "kind": "summons"})


def test_the_group_on_the_enforcement_pages(client, records):
    w = records
    client.force_login(w.group_user)
    act_as(client, w.group_user.memberships.get())
    page = client.get("/enforcement/").content.decode()
    assert f'data-action="{w.action_b.pk}"' in page and f'data-action="{w.action_a.pk}"' not in page
    assert client.get(f"/enforcement/{w.action_b.pk}/").status_code == 200
    assert client.get(f"/enforcement/{w.action_a.pk}/").status_code == 404
    assert client.get(f"/enforcement/{w.action_b.pk}/edit/").status_code == 403
    assert client.get("/enforcement/new/").status_code == 403
    assert client.get("/enforcement/accountability/").status_code == 403
    # repeat offenders: only in the assigned region
    h_a = Hazard.objects.create(enterprise=w.chem_a, region=w.county_a, title="甲", level="major", source="department",
                                sector_id="chemicals", found_on=days(-30), department=w.a_emergency)
    h_b = Hazard.objects.create(enterprise=w.chem_b, region=w.county_b, title="乙", level="major", source="department",
                                sector_id="chemicals", found_on=days(-30), department=w.b_emergency)
    for h, user, department in ((h_a, w.a_emergency_user, None), (h_b, w.admin, w.b_emergency)):
        for n in (1, 2):
            services.action_create(actor=user, data={
                "enterprise": h.enterprise, "kind": "penalty", "amount": Decimal("1"), "case_no": f"{h.title}{n}",
                "hazard": h, "decided_on": days(-n), **({"department": department} if department else {})})
    page = client.get("/enforcement/repeat-offenders/").content.decode()
    assert f'data-finding="persisting-{h_b.pk}"' in page and f'data-finding="persisting-{h_a.pk}"' not in page
    # the assignment over, the pages show nothing of it
    GroupAssignment.objects.filter(group=w.group, region=w.county_b).update(end=days(-1))
    assert 'data-action="' not in client.get("/enforcement/").content.decode()
    assert client.get(f"/enforcement/{w.action_b.pk}/").status_code == 404
    assert 'data-finding="' not in client.get("/enforcement/repeat-offenders/").content.decode()
