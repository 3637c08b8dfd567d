"""A province's platform builds a whole organisation through the API alone, from an empty database with only an
administrator's token: regions → departments → enterprises → users with memberships → each new user's token
answers what DESIGN.md "Scope" says."""
from rest_framework.test import APIClient

from apps.audit.models import AuditEntry
from apps.audit.services import verify_chain
from apps.core.uscc import make_uscc
from apps.enterprises.models import Enterprise
from apps.regions.models import Department, Region

PASSWORD = "Bootstrap-pass-2026"


def signed_in(username, password) -> APIClient:
    answer = APIClient().post("/api/v1/auth/token/", {"username": username, "password": password}, format="json")
    assert answer.status_code == 200, answer.content
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {answer.json()['token']}")
    return client


def created(answer) -> dict:
    assert answer.status_code == 201, answer.json()
    return answer.json()


def test_an_organisation_built_through_the_api_alone(db, django_user_model):
    assert not Region.objects.exists() and not Enterprise.objects.exists()
    django_user_model.objects.create_superuser("platform", password=PASSWORD)
    admin = signed_in("platform", PASSWORD)

    # 1. regions (administrator)
    for code, name, level, parent in [
        ("53", "云南省", 1, None), ("5325", "红河哈尼族彝族自治州", 2, "53"),
        ("532501", "个旧市", 3, "5325"), ("532502", "开远市", 3, "5325"),
        ("532501001", "城区街道", 4, "532501"),
    ]:
        created(admin.post("/api/v1/regions/", {"code": code, "name": name, "level": level, "parent": parent},
                           format="json"))

    # 2. departments, one a subordinate unit of another
    def department(name, kind, region, sectors, parent=None):
        return created(admin.post("/api/v1/departments/", {"name": name, "kind": kind, "region": region,
                                                           "sectors": sectors, "parent": parent},
                                  format="json"))["id"]

    zhou_housing = department("红河州住房和城乡建设局", "housing", "5325", ["construction", "gas"])
    zhou_station = department("红河州建设工程质量安全监督站", "housing", "5325", ["construction.housing"],
                              parent=zhou_housing)
    gj_emergency = department("个旧市应急管理局", "emergency", "532501", ["chemicals", "industry_trade"])
    ky_emergency = department("开远市应急管理局", "emergency", "532502", ["chemicals", "industry_trade"])

    # 3. enterprises
    def enterprise(n, name, region, sectors, departments=()):
        return created(admin.post("/api/v1/enterprises/", {
            "name": name, "uscc": make_uscc(n, region), "region": region, "sectors": sectors,
            "departments": list(departments)}, format="json"))["id"]

    gj_chem = enterprise(1, "个旧化工有限公司", "532501", ["chemicals"], [gj_emergency])
    gj_build = enterprise(2, "个旧建筑工程公司", "532501", ["construction.housing"])
    gj_shop = enterprise(3, "城区五金加工厂", "532501001", ["industry_trade"])
    ky_chem = enterprise(4, "开远化工有限公司", "532502", ["chemicals", "gas"], [ky_emergency])

    # 4. users with memberships: an office at the prefecture, then that office creates the county's people
    created(admin.post("/api/v1/users/", {
        "username": "hh_office", "password": PASSWORD, "name": "红河州安委办",
        "memberships": [{"kind": "safety_office", "target": "5325", "role": "leader"}]}, format="json"))
    office = signed_in("hh_office", PASSWORD)
    people = {
        "gj_office": [{"kind": "safety_office", "target": "532501"}],
        "gj_inspector": [{"kind": "department", "target": gj_emergency}],
        "zhou_housing": [{"kind": "department", "target": zhou_housing, "role": "leader"}],
        "zhou_station": [{"kind": "department", "target": zhou_station}],
        "gj_chem_boss": [{"kind": "enterprise", "target": gj_chem, "role": "leader"}],
        "gj_discipline": [{"kind": "discipline", "target": "532501"}],
    }
    for username, memberships in people.items():
        created(office.post("/api/v1/users/", {"username": username, "password": PASSWORD, "name": username,
                                               "memberships": memberships}, format="json"))

    # 5. a group assigned to 开远 from today, then its expert, whose only membership is the group
    from apps.regions.scope import today

    group = created(office.post("/api/v1/groups/", {
        "name": "州第一检查组", "lead_department": zhou_housing,
        "assignments": [{"region": "532502", "start": str(today()), "end": str(today())}]}, format="json"))["id"]
    expert = created(office.post("/api/v1/users/", {"username": "expert", "password": PASSWORD, "memberships": [
        {"kind": "group", "target": group}]}, format="json"))["id"]
    assert office.get(f"/api/v1/groups/{group}/").json()["members"] == [expert]

    # 6. every new token answers exactly what the scope rules say
    expected = {
        "platform": {gj_chem, gj_build, gj_shop, ky_chem},
        "hh_office": {gj_chem, gj_build, gj_shop, ky_chem},
        "gj_office": {gj_chem, gj_build, gj_shop},
        "gj_inspector": {gj_chem, gj_shop},  # listed, or in its sectors; 开远 is outside its region
        "zhou_housing": {gj_build, ky_chem},  # construction (with its unit's construction.housing) and gas
        "zhou_station": {gj_build},
        "gj_chem_boss": {gj_chem},
        "gj_discipline": {gj_chem, gj_build, gj_shop},
        "expert": {ky_chem},
    }
    for username, ids in expected.items():
        client = signed_in(username, PASSWORD)
        rows = client.get("/api/v1/enterprises/", {"page_size": 500}).json()["results"]
        assert {r["id"] for r in rows} == ids, username
    outsider = signed_in("gj_chem_boss", PASSWORD)
    assert outsider.get(f"/api/v1/enterprises/{ky_chem}/").status_code == 404

    # the county office built by the prefecture can in turn register its own people, not 开远's
    gj_office = signed_in("gj_office", PASSWORD)
    created(gj_office.post("/api/v1/users/", {"username": "gj_shop_boss", "password": PASSWORD, "memberships": [
        {"kind": "enterprise", "target": gj_shop}]}, format="json"))
    assert gj_office.post("/api/v1/users/", {"username": "ky_boss", "memberships": [
        {"kind": "enterprise", "target": ky_chem}]}, format="json").status_code == 400  # 开远's: not visible

    # every write was audited, and the chain is whole
    assert Department.objects.count() == 4
    assert AuditEntry.objects.filter(model="regions.region").count() == 5
    assert AuditEntry.objects.filter(model="regions.department").count() == 4
    assert AuditEntry.objects.filter(model="enterprises.enterprise").count() == 4
    assert AuditEntry.objects.filter(model="accounts.user").count() >= 9
    assert set(AuditEntry.objects.values_list("source", flat=True)) == {"api"}
    assert verify_chain() == []
