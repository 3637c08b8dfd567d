"""API `auth/token/` (with django-axes lockout) and `users/`: visibility, who may write, memberships resolved
inside the caller's scope, password rules, the audit entry."""
import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from apps.accounts.models import Membership, User
from apps.audit.models import AuditEntry
from tests.world import PASSWORD

TOKEN = "/api/v1/auth/token/"
URL = "/api/v1/users/"


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def token_client(username, password=PASSWORD) -> APIClient:
    answer = APIClient().post(TOKEN, {"username": username, "password": password}, format="json")
    assert answer.status_code == 200, answer.content
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {answer.json()['token']}")
    return client


# --- token -----------------------------------------------------------------------------------------------------

def test_a_token_for_the_right_password_and_it_answers_the_users_scope(world):
    answer = APIClient().post(TOKEN, {"username": "ent_chem_a", "password": PASSWORD}, format="json")
    assert answer.status_code == 200 and set(answer.json()) == {"token"}
    again = APIClient().post(TOKEN, {"username": "ent_chem_a", "password": PASSWORD}, format="json")
    assert again.json()["token"] == answer.json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {answer.json()['token']}")
    rows = client.get("/api/v1/enterprises/").json()["results"]
    assert [r["id"] for r in rows] == [world.chem_a.pk]
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token nonsense")
    assert bad.get("/api/v1/enterprises/").status_code == 401


def test_a_wrong_password_is_400_in_chinese(world):
    answer = APIClient().post(TOKEN, {"username": "ent_chem_a", "password": "wrong"}, format="json")
    assert answer.status_code == 400
    assert answer.json() == {"non_field_errors": ["用户名或密码错误。"]}
    answer = APIClient().post(TOKEN, {"username": "ent_chem_a"}, format="json")
    assert answer.status_code == 400 and "password" in answer.json()


def test_an_inactive_user_gets_no_token(world):
    User.objects.filter(pk=world.ent_user.pk).update(is_active=False)
    assert APIClient().post(TOKEN, {"username": "ent_chem_a", "password": PASSWORD},
                            format="json").status_code == 400


@override_settings(AXES_FAILURE_LIMIT=5)
def test_after_five_failures_even_the_right_password_is_refused_429(world):
    client = APIClient()
    for _ in range(4):
        assert client.post(TOKEN, {"username": "office_a", "password": "wrong"}, format="json").status_code == 400
    assert client.post(TOKEN, {"username": "office_a", "password": "wrong"}, format="json").status_code in (400, 429)
    answer = client.post(TOKEN, {"username": "office_a", "password": PASSWORD}, format="json")
    assert answer.status_code == 429
    assert answer["Content-Type"].startswith("application/json")
    assert "锁定" in answer.json()["detail"]
    # the lock is per account: another person in the same office still signs in
    assert client.post(TOKEN, {"username": "a_emergency", "password": PASSWORD}, format="json").status_code == 200


def test_a_success_resets_the_failure_count(world):
    client = APIClient()
    for _ in range(4):
        client.post(TOKEN, {"username": "office_a", "password": "wrong"}, format="json")
    assert client.post(TOKEN, {"username": "office_a", "password": PASSWORD}, format="json").status_code == 200
    for _ in range(4):
        client.post(TOKEN, {"username": "office_a", "password": "wrong"}, format="json")
    assert client.post(TOKEN, {"username": "office_a", "password": PASSWORD}, format="json").status_code == 200


def test_the_token_endpoint_is_in_the_schema(world):
    schema = APIClient().get("/api/v1/schema/", {"format": "json"}).json()
    assert "post" in schema["paths"]["/api/v1/auth/token/"]
    for path in ("regions/", "users/", "departments/", "sectors/", "groups/", "enterprises/"):
        assert f"/api/v1/{path}" in schema["paths"]


# --- reading ---------------------------------------------------------------------------------------------------

def usernames(client) -> set[str]:
    return {u["username"] for u in client.get(URL, {"page_size": 500}).json()["results"]}


def test_who_sees_whom(world):
    assert usernames(client_for(world.office_a_user)) == {
        "ent_chem_a", "a_emergency", "office_a", "discipline_a", "multi"}
    assert usernames(client_for(world.nobody)) == {"nobody"}
    assert usernames(client_for(world.ent_user)) == {"ent_chem_a"}
    assert usernames(client_for(world.city_housing_user)) == {"city_housing", "station"}
    assert len(usernames(client_for(world.admin))) == User.objects.count()
    assert client_for(world.office_a_user).get(f"{URL}{world.station_user.pk}/").status_code == 404


def test_user_fields_never_show_the_password(world):
    body = client_for(world.office_city_user).get(f"{URL}{world.multi_user.pk}/").json()
    assert body == {
        "id": world.multi_user.pk, "username": "multi", "name": "multi", "phone": "",
        "memberships": [{"kind": "enterprise", "target": world.chem_b.pk, "role": "member"},
                        {"kind": "department", "target": world.a_housing.pk, "role": "member"}],
    }
    office = client_for(world.admin).get(f"{URL}{world.office_city_user.pk}/").json()
    assert office["memberships"] == [{"kind": "safety_office", "target": "4110", "role": "leader"}]


# --- writing ---------------------------------------------------------------------------------------------------

def test_a_county_office_creates_a_user_in_its_subtree(world):
    client = client_for(world.office_a_user)
    before = AuditEntry.objects.count()
    answer = client.post(URL, {
        "username": "wd_inspector", "password": "Strong-pass-2026", "name": "张三", "phone": "13900000000",
        "memberships": [{"kind": "department", "target": world.a_emergency.pk},
                        {"kind": "enterprise", "target": world.chem_a.pk, "role": "leader"},
                        {"kind": "safety_office", "target": "411002001", "role": "member"}],
    }, format="json")
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert "password" not in body
    assert body["memberships"] == [{"kind": "department", "target": world.a_emergency.pk, "role": "member"},
                                   {"kind": "enterprise", "target": world.chem_a.pk, "role": "leader"},
                                   {"kind": "safety_office", "target": "411002001", "role": "member"}]
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.model == "accounts.user" and entry.action == "create" and "password" not in entry.after
    assert len(entry.after["memberships"]) == 3
    # the new person signs in and sees what the scope rules say
    assert usernames(token_client("wd_inspector", "Strong-pass-2026")) >= {"wd_inspector", "ent_chem_a"}

    answer = client.patch(f"{URL}{body['id']}/", {"name": "张三丰", "memberships": [
        {"kind": "department", "target": world.a_housing.pk}]}, format="json")
    assert answer.status_code == 200
    assert answer.json()["memberships"] == [{"kind": "department", "target": world.a_housing.pk, "role": "member"}]
    assert AuditEntry.objects.order_by("-seq").first().action == "update"
    # PATCH without memberships keeps them
    answer = client.patch(f"{URL}{body['id']}/", {"phone": "13900000001"}, format="json")
    assert answer.json()["memberships"] == [{"kind": "department", "target": world.a_housing.pk, "role": "member"}]


@pytest.mark.parametrize("user_key", ["a_emergency_user", "city_housing_user", "ent_user", "group_user",
                                      "discipline_a_user", "nobody"])
def test_only_a_safety_office_or_an_administrator_writes_users_403(world, user_key):
    client = client_for(getattr(world, user_key))
    before = AuditEntry.objects.count()
    answer = client.post(URL, {"username": "x1", "password": "Strong-pass-2026", "memberships": [
        {"kind": "department", "target": world.a_emergency.pk}]}, format="json")
    assert answer.status_code == 403 and "安委办" in answer.json()["detail"]
    me = getattr(world, user_key)
    assert client.patch(f"{URL}{me.pk}/", {"name": "x"}, format="json").status_code == 403
    assert AuditEntry.objects.count() == before


def test_a_membership_target_the_office_cannot_see_is_400_naming_the_item(world):
    client = client_for(world.office_a_user)
    answer = client.post(URL, {"username": "x1", "memberships": [
        {"kind": "department", "target": world.a_emergency.pk},
        {"kind": "enterprise", "target": world.chem_b.pk},  # county B: not visible to county A's office
        {"kind": "group", "target": 999999},
        {"kind": "safety_office", "target": "4199"},
        {"kind": "mayor", "target": 1},
    ]}, format="json")
    assert answer.status_code == 400
    assert answer.json()["memberships"] == [
        "第2项：企业不存在", "第3项：检查组不存在", "第4项：区划不存在", "第5项：类别“mayor” 不是合法选项。"]
    assert not User.objects.filter(username="x1").exists()


def test_a_visible_target_outside_the_offices_subtree_is_403(world):
    # departments are a directory every user reads, so county B's department is visible: the refusal is 403
    client = client_for(world.office_a_user)
    answer = client.post(URL, {"username": "x1", "memberships": [
        {"kind": "department", "target": world.b_emergency.pk}]}, format="json")
    assert answer.status_code == 403
    answer = client.post(URL, {"username": "x2", "memberships": [{"kind": "safety_office", "target": "4110"}]},
                         format="json")
    assert answer.status_code == 403
    assert not User.objects.filter(username__in=["x1", "x2"]).exists()


def test_an_office_cannot_edit_someone_who_also_belongs_outside_its_subtree(world):
    answer = client_for(world.office_a_user).patch(f"{URL}{world.multi_user.pk}/", {"name": "x"}, format="json")
    assert answer.status_code == 403
    answer = client_for(world.office_city_user).patch(f"{URL}{world.multi_user.pk}/", {"name": "多重身份"},
                                                      format="json")
    assert answer.status_code == 200 and answer.json()["name"] == "多重身份"


def test_password_rules_and_other_validation(world):
    client = client_for(world.office_a_user)
    member = [{"kind": "department", "target": world.a_emergency.pk}]
    answer = client.post(URL, {"username": "x1", "password": "123", "memberships": member}, format="json")
    assert answer.status_code == 400
    assert any("密码" in m for m in answer.json()["password"])
    answer = client.post(URL, {"username": "office_a", "memberships": member}, format="json")
    assert answer.status_code == 400 and "username" in answer.json()
    answer = client.post(URL, {"username": "x1"}, format="json")
    assert answer.status_code == 400 and "身份" in answer.json()["memberships"][0]
    answer = client.post(URL, {"username": "x1", "memberships": member * 2}, format="json")
    assert answer.status_code == 400 and answer.json()["memberships"] == ["第2项：身份重复"]
    answer = client.patch(f"{URL}{world.a_emergency_user.pk}/", {"password": "password"}, format="json")
    assert answer.status_code == 400 and "password" in answer.json()


def test_a_password_change_through_the_api(world):
    client = client_for(world.office_a_user)
    answer = client.patch(f"{URL}{world.a_emergency_user.pk}/", {"password": "New-strong-2026"}, format="json")
    assert answer.status_code == 200
    token_client("a_emergency", "New-strong-2026")
    assert Membership.objects.filter(user=world.a_emergency_user).count() == 1


def test_users_cannot_be_deleted_through_the_api(world):
    assert client_for(world.admin).delete(f"{URL}{world.nobody.pk}/").status_code == 405
