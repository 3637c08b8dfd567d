"""The demo world is what a newcomer meets first: it must hold what 许昌 附件1/附件2 describe and give every
demo login something to see."""

import io

import pytest
from django.core.management import call_command

from apps.accounts.models import User
from apps.audit.services import verify_chain
from apps.enterprises.models import Enterprise
from apps.regions.models import Department, InspectionGroup, Region

XUCHANG_UNITS = [
    "禹州市",
    "长葛市",
    "鄢陵县",
    "襄城县",
    "魏都区",
    "建安区",
    "城乡一体化示范区",
    "经济技术开发区",
    "东城区",
]


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


def test_the_regions_of_attachment_2_are_there_with_their_codes(demo):
    counties = {r.name: r for r in Region.objects.filter(parent_id="4110")}
    assert set(counties) == set(XUCHANG_UNITS)
    assert counties["禹州市"].code == "411081" and counties["魏都区"].code == "411002"
    assert {r.name for r in counties.values() if not r.official_code} == {
        "城乡一体化示范区",
        "经济技术开发区",
        "东城区",
    }
    assert all(Region.objects.filter(parent=c).count() >= 2 for c in counties.values())


def test_the_nine_groups_check_the_districts_the_plan_names(demo):
    groups = {g.name: g for g in InspectionGroup.objects.select_related("lead_department")}
    assert len(groups) == 9
    first = groups["第一组"]
    assert first.lead_department.name == "许昌市应急管理局"
    assert [a.region.name for a in first.assignments.all()] == ["禹州市"]
    assert groups["第九组"].assignments.get().region.name == "东城区"


def test_every_demo_login_sees_something_and_only_admins_see_everything(demo):
    total = Enterprise.objects.count()
    assert 200 <= total <= 600
    for user in User.objects.all():
        seen = Enterprise.objects.visible_to(user).count()
        assert seen > 0, user.username
        if user.username not in ("admin", "xc_leader", "xc_office", "xc_jw"):
            assert seen < total, user.username


def test_demo_codes_are_valid_and_the_audit_chain_is_whole(demo):
    from apps.core.uscc import uscc_error

    assert all(uscc_error(code) is None for code in Enterprise.objects.values_list("uscc", flat=True))
    assert Department.objects.filter(parent__isnull=False).exists()
    assert verify_chain() == []


def test_loading_twice_changes_nothing(demo):
    before = Enterprise.objects.count()
    call_command("load_demo", stdout=io.StringIO())
    assert Enterprise.objects.count() == before


def test_the_demo_ledger_has_hazards_in_every_state_and_the_ent_login_sees_its_own(demo):
    from apps.hazards.models import Hazard, Status

    statuses = set(Hazard.objects.values_list("status", flat=True))
    assert statuses == {s.value for s in Status}
    assert Hazard.objects.listed().exists() and Hazard.objects.overdue().exists()
    for user in User.objects.filter(username__in=["ent_principal", "weidu_yjj", "xc_office"]):
        seen = Hazard.objects.visible_to(user)
        if user.username == "ent_principal":
            assert set(seen.values_list("enterprise", flat=True)) <= {user.memberships.get().enterprise_id}
    assert verify_chain() == []
