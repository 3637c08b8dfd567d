"""The whole transition matrix through the API: every action × every status × every role of the world, each with
its exact status code.

The expectations are written out here from DESIGN.md ("Who may do what", "The hazard's life") and the transition
table, not derived from the code under test. Precedence, as API.md states it: a hazard the caller cannot see is
404 whatever they ask; a visible hazard on which the caller may not take the step is 403 (in any state: a person
who may never accept is told so, not that the hazard is not awaiting acceptance); a permitted step from a state
it does not start from is 400; otherwise 200 and the hazard moves to the state the table names.

The hazard: a general hazard of 魏都化工 (chem_a, 魏都区, sector chemicals), found by 许昌市市场监督管理局
(city_market, which supervises special equipment only: it sees the hazard because it found it), responsible
department 魏都区应急管理局 (a_emergency). It carries two active listings (index 0 a government listing by 许昌市,
index 1 a department listing by a_emergency) so that delisting can be tried in every state."""
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.hazards.models import Acceptance, Hazard, Listing, RectificationPlan
from apps.regions.models import GroupAssignment, InspectionGroup
from tests.world import _user

R, P, A, C = "reported", "rectifying", "awaiting_acceptance", "closed"
STATUSES = [R, P, A, C]
ACTIONS = ["plan", "fix-on-spot", "submit", "accept", "reject", "list", "delist", "transfer"]

# role → (the world's user, or how to make one). Each role's relation to the hazard is in its comment.
ROLES = {
    "enterprise": "ent_user",                    # leader of chem_a, the hazard's enterprise
    "responsible": "a_emergency_user",           # member of a_emergency, the responsible department
    "responsible_leader": None,                  # leader of a_emergency (department listing)
    "finder": None,                              # member of city_market, the department that found it
    "other_department": "city_emergency_user",   # city department supervising chemicals: sees it, no part in it
    "unrelated_department": "city_housing_user",  # leader of 市住建局 (construction, gas): does not see it
    "county_office": "office_a_user",            # member of 魏都区 safety office
    "city_office_leader": "office_city_user",    # leader of 许昌市 safety office (government listing)
    "group_here": None,                          # member of a group assigned to 魏都区 today
    "group_elsewhere": "group_user",             # member of a group assigned to 建安区 today (魏都区 ended)
    "discipline": "discipline_a_user",           # 纪委监委 of 魏都区: reads, never writes
    "admin": "admin",                            # system administrator
    "stranger": "nobody",                        # no membership at all
}

NOT_VISIBLE = {"unrelated_department", "group_elsewhere", "stranger"}

# DESIGN.md "Who may do what", for this hazard.
ALLOWED = {
    "plan": {"enterprise", "admin"},
    "fix-on-spot": {"enterprise", "finder", "admin"},  # the finder too: a general hazard, from reported
    "submit": {"enterprise", "admin"},
    "accept": {"responsible", "responsible_leader", "admin"},
    "reject": {"responsible", "responsible_leader", "admin"},
    # a safety office's leader for its government, a department's leader for its department
    "list": {"city_office_leader", "responsible_leader", "admin"},
    # the leader of the listing's authority: index 0 (许昌市 government), index 1 (a_emergency)
    "delist": {"city_office_leader", "responsible_leader", "admin"},
    # the responsible department, or a safety office above it (魏都区's and 许昌市's)
    "transfer": {"responsible", "responsible_leader", "county_office", "city_office_leader", "admin"},
}

# The hazard's life: the states each step starts from, and where it leads (None: unchanged).
TRANSITIONS = {
    "plan": ({R}, P),
    "fix-on-spot": ({R}, C),
    "submit": ({P}, A),
    "accept": ({A}, C),
    "reject": ({A}, P),
    "list": ({R, P, A}, None),
    "delist": ({R, P, A, C}, None),
    "transfer": ({R, P, A}, None),
}

DEPARTMENT_ROLES = {"responsible", "responsible_leader", "finder", "other_department", "unrelated_department"}
OFFICE_ROLES = {"county_office", "city_office_leader", "discipline"}


def expected(action: str, status: str, role: str) -> int:
    if role in NOT_VISIBLE:
        return 404
    if role not in ALLOWED[action]:
        return 403
    if status not in TRANSITIONS[action][0]:
        return 400
    return 200


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def w(world):
    world.a_emergency_leader = _user("a_emergency_leader", ("department", world.a_emergency, "leader"))
    world.city_market_user = _user("city_market", ("department", world.city_market, "member"))
    here = InspectionGroup.objects.create(name="第二组", lead_department=world.city_housing)
    GroupAssignment.objects.create(group=here, region=world.county_a, start=days(-2), end=days(2))
    world.group_here_user = _user("group_here", ("group", here, "member"))
    made = {"responsible_leader": world.a_emergency_leader, "finder": world.city_market_user,
            "group_here": world.group_here_user}
    world.users = {role: made[role] if key is None else getattr(world, key) for role, key in ROLES.items()}
    return world


def hazard_in(w, status: str) -> Hazard:
    """A hazard in `status`, set up through the ORM (the steps themselves are what is under test)."""
    h = Hazard.objects.create(
        enterprise=w.chem_a, region=w.county_a, title="反应釜压力表超期未检", level="general", source="department",
        sector_id="chemicals", found_on=days(-60), found_by_department=w.city_market, department=w.a_emergency,
        status=status, closed_on=days(-10) if status == C else None,
    )
    if status != R:
        RectificationPlan.objects.create(hazard=h, owner="张三", measures="送检", funds=Decimal("0.5"),
                                         deadline=days(30), contingency="停用该釜", planned_on=days(-50))
        h.planned_on, h.deadline = days(-50), days(30)
    if status == C:
        Acceptance.objects.create(hazard=h, accepted_on=days(-10), members=["李四"], conclusion="合格")
    h.save()
    Listing.objects.create(hazard=h, authority_region=w.city, authority_department=None,
                           document_no="许安办〔2026〕1号", listed_on=days(-40), deadline=days(20))
    Listing.objects.create(hazard=h, authority_region=w.county_a, authority_department=w.a_emergency,
                           document_no="魏应急〔2026〕2号", listed_on=days(-30), deadline=days(20))
    return h


def body(action: str, role: str, w) -> dict:
    """A valid request body for the step, as each role would naturally send it."""
    if action == "plan":
        return {"owner": "张三", "measures": "送检并更换压力表", "funds": "0.5000", "deadline": str(days(30)),
                "contingency": "停用该釜", "interim_controls": "停止相关作业", "planned_on": str(days(-50))}
    if action == "fix-on-spot":
        return {"note": "当场更换", "fixed_on": str(days(-59))}
    if action == "submit":
        return {"note": "已整改完毕"}
    if action == "accept":
        return {"accepted_on": str(days(0)), "members": ["李四", "王五"], "conclusion": "整改到位，同意销号"}
    if action == "reject":
        return {"reason": "压力表仍未送检"}
    if action == "list":
        if role in DEPARTMENT_ROLES:
            d = w.users[role].memberships.get().department
            return {"authority_region": d.region_id, "authority_department": d.pk, "document_no": "督〔2026〕9号",
                    "listed_on": str(days(0)), "deadline": str(days(30))}
        region = w.users[role].memberships.get().region_id if role in OFFICE_ROLES else w.city.code
        return {"authority_region": region, "authority_department": None, "document_no": "督〔2026〕9号",
                "listed_on": str(days(0)), "deadline": str(days(30))}
    if action == "delist":
        return {"listing": 1 if role in DEPARTMENT_ROLES else 0, "delisted_on": str(days(0))}
    if action == "transfer":
        return {"department": w.a_housing.pk, "reason": "属建设施工领域", "transferred_on": str(days(0))}
    raise AssertionError(action)


CASES = [(action, status, role) for action in ACTIONS for status in STATUSES for role in ROLES]


@pytest.mark.parametrize(("action", "status", "role"), CASES, ids=["-".join(c) for c in CASES])
def test_matrix(w, action, status, role):
    hazard = hazard_in(w, status)
    client = APIClient()
    client.force_authenticate(w.users[role])
    answer = client.post(f"/api/v1/hazards/{hazard.pk}/{action}/", body(action, role, w), format="json")
    want = expected(action, status, role)
    assert answer.status_code == want, answer.content.decode()
    after = Hazard.objects.get(pk=hazard.pk)
    if want != 200:
        assert (after.status, after.version) == (status, 1)  # nothing changed
        if want == 403:
            assert answer.json()["detail"]
        if want == 400:
            assert "status" in answer.json()  # the state, in Chinese
            assert "状态" in answer.json()["status"][0]
        return
    moved_to = TRANSITIONS[action][1] or status
    assert (after.status, after.version) == (moved_to, 2)
    assert answer.json()["status"] == moved_to and answer.json()["version"] == 2
    assert after.events.filter(action=action.replace("-", "_")).count() == 1


def test_the_expectations_cover_every_cell():
    """The table above is explicit: 8 actions × 4 states × 13 roles, and each of the four answers occurs."""
    table = {(a, s, r): expected(a, s, r) for a, s, r in CASES}
    assert len(table) == 8 * 4 * 13
    assert set(table.values()) == {200, 400, 403, 404}
    assert [(a, s) for a, s, r in table if r == "admin" and table[(a, s, r)] == 200] == [
        ("plan", R), ("fix-on-spot", R), ("submit", P), ("accept", A), ("reject", A),
        ("list", R), ("list", P), ("list", A), ("delist", R), ("delist", P), ("delist", A), ("delist", C),
        ("transfer", R), ("transfer", P), ("transfer", A),
    ]


@pytest.mark.parametrize("role", ["enterprise", "finder", "admin"])
def test_a_major_hazard_is_never_fixed_on_the_spot(w, role):
    hazard = hazard_in(w, R)
    Hazard.objects.filter(pk=hazard.pk).update(level="major")
    client = APIClient()
    client.force_authenticate(w.users[role])
    answer = client.post(f"/api/v1/hazards/{hazard.pk}/fix-on-spot/", body("fix-on-spot", role, w), format="json")
    assert answer.status_code == 400
    assert "重大事故隐患" in answer.json()["status"][0]
    assert Hazard.objects.get(pk=hazard.pk).status == R
