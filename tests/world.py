"""A small world that every scope rule can be tested against: one city, two counties, a township, departments
with and without subordinate units, an inspection group, enterprises placed so that each rule has a case that
must be seen and a case that must not, and a user for every kind of membership."""

import datetime
from types import SimpleNamespace

from django.utils import timezone

from apps.accounts.models import Membership, User
from apps.core.uscc import make_uscc
from apps.enterprises.models import Enterprise, EnterpriseDepartment, EnterpriseSector
from apps.regions.models import Department, GroupAssignment, InspectionGroup, Region, RegionKind, SafetyOffice

PASSWORD = "Yinhuan-test-2026"


def _region(code, name, level, parent=None, kind=RegionKind.ADMINISTRATIVE):
    return Region.objects.create(code=code, name=name, level=level, parent=parent, kind=kind)


def _department(name, kind, region, sectors=(), parent=None):
    d = Department.objects.create(name=name, kind=kind, region=region, parent=parent)
    d.sectors.set(sectors)
    return d


def _enterprise(n, name, region, sectors, departments=(), **flags):
    e = Enterprise.objects.create(
        name=name, uscc=make_uscc(n, region.code), region=region, principal_name=f"负责人{n}", **flags
    )
    EnterpriseSector.objects.bulk_create(
        EnterpriseSector(enterprise=e, sector_id=s, order=i) for i, s in enumerate(sectors)
    )
    EnterpriseDepartment.objects.bulk_create(EnterpriseDepartment(enterprise=e, department=d) for d in departments)
    return e


def _user(username, *memberships, superuser=False):
    user = User.objects.create_user(
        username=username, password=PASSWORD, name=username, is_superuser=superuser, is_staff=superuser
    )
    for kind, target, role in memberships:
        field = {"safety_office": "region", "discipline": "region"}.get(kind, kind)
        Membership.objects.create(user=user, kind=kind, role=role, **{field: target})
    return user


def build_world() -> SimpleNamespace:
    w = SimpleNamespace()
    w.province = _region("41", "河南省", 1)
    w.city = _region("4110", "许昌市", 2, w.province)
    w.county_a = _region("411002", "魏都区", 3, w.city)
    w.county_b = _region("411003", "建安区", 3, w.city)
    w.township_a = _region("411002001", "西大街道", 4, w.county_a)
    w.other_city = _region("4101", "郑州市", 2, w.province)
    for r in (w.city, w.county_a, w.county_b):
        SafetyOffice.for_region(r)

    w.city_emergency = _department("许昌市应急管理局", "emergency", w.city, ["chemicals", "industry_trade"])
    w.city_housing = _department("许昌市住房和城乡建设局", "housing", w.city, ["construction", "gas"])
    w.city_housing_station = _department(
        "许昌市建设工程安全监督站", "housing", w.city, ["construction.housing"], parent=w.city_housing
    )
    w.a_emergency = _department("魏都区应急管理局", "emergency", w.county_a, ["chemicals", "industry_trade"])
    w.a_housing = _department("魏都区住房和城乡建设局", "housing", w.county_a, ["construction"])
    w.b_emergency = _department("建安区应急管理局", "emergency", w.county_b, ["chemicals", "industry_trade"])
    w.township_office = _department("西大街道应急办", "township_office", w.township_a, ["industry_trade"])
    w.city_market = _department("许昌市市场监督管理局", "market", w.city, ["special_equipment"])

    w.chem_a = _enterprise(1, "魏都化工有限公司", w.county_a, ["chemicals"], [w.a_emergency], high_risk=True)
    w.build_a = _enterprise(2, "魏都建筑工程有限公司", w.county_a, ["construction.housing"], [w.a_housing])
    w.gas_a = _enterprise(3, "魏都燃气有限公司", w.county_a, ["gas"])
    w.chem_b = _enterprise(4, "建安化工有限公司", w.county_b, ["chemicals"], [w.b_emergency], high_risk=True)
    w.city_plant = _enterprise(5, "许昌市属机械厂", w.city, ["industry_trade"], [w.city_emergency], city_direct=True)
    w.town_shop = _enterprise(6, "西大街道五金加工厂", w.township_a, ["industry_trade"], [w.township_office])
    w.lift_b = _enterprise(7, "建安电梯维保公司", w.county_b, ["special_equipment"], [w.city_market])
    w.far_away = _enterprise(8, "郑州某化工厂", w.other_city, ["chemicals"])

    today = timezone.localdate()
    w.group = InspectionGroup.objects.create(name="第一组", lead_department=w.city_emergency)
    GroupAssignment.objects.create(
        group=w.group, region=w.county_b, start=today - datetime.timedelta(days=3), end=today
    )
    GroupAssignment.objects.create(
        group=w.group,
        region=w.county_a,
        start=today - datetime.timedelta(days=30),
        end=today - datetime.timedelta(days=1),
    )

    w.admin = _user("admin", superuser=True)
    w.ent_user = _user("ent_chem_a", ("enterprise", w.chem_a, "leader"))
    w.a_emergency_user = _user("a_emergency", ("department", w.a_emergency, "member"))
    w.city_housing_user = _user("city_housing", ("department", w.city_housing, "leader"))
    w.station_user = _user("station", ("department", w.city_housing_station, "member"))
    w.city_emergency_user = _user("city_emergency", ("department", w.city_emergency, "member"))
    w.office_a_user = _user("office_a", ("safety_office", w.county_a, "member"))
    w.office_city_user = _user("office_city", ("safety_office", w.city, "leader"))
    w.group_user = _user("group_member", ("group", w.group, "member"))
    w.discipline_a_user = _user("discipline_a", ("discipline", w.county_a, "member"))
    w.multi_user = _user("multi", ("enterprise", w.chem_b, "member"), ("department", w.a_housing, "member"))
    w.nobody = _user("nobody")
    return w


# What each user must see (the rest they must not): the expectations the scope tests check.
EXPECTED_ENTERPRISES = {
    "admin": {"chem_a", "build_a", "gas_a", "chem_b", "city_plant", "town_shop", "lift_b", "far_away"},
    "ent_user": {"chem_a"},
    "a_emergency_user": {"chem_a", "town_shop"},
    "city_housing_user": {"build_a", "gas_a"},
    "station_user": {"build_a"},
    "city_emergency_user": {"chem_a", "chem_b", "city_plant", "town_shop"},
    "office_a_user": {"chem_a", "build_a", "gas_a", "town_shop"},
    "office_city_user": {"chem_a", "build_a", "gas_a", "chem_b", "city_plant", "town_shop", "lift_b"},
    "group_user": {"chem_b", "lift_b"},
    "discipline_a_user": {"chem_a", "build_a", "gas_a", "town_shop"},
    "multi_user": {"chem_b", "build_a"},
    "nobody": set(),
}
