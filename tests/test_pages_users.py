"""The people pages: a safety office (or an administrator) manages the people of its subtree; everybody signed in
sees the list, scoped by User.objects.visible_to."""
import re

from apps.accounts.models import Membership, User
from apps.audit.models import AuditEntry
from tests.world import PASSWORD

NEW_PASSWORD = "Xuchang#Safe2026"


def user_post(*rows, **overrides) -> dict:
    """A create/edit post; each row is (kind, target field, target value, role)."""
    data = {"username": "new_person", "name": "新人员", "phone": "13900000000", "password": NEW_PASSWORD,
            "is_active": "on", "memberships-TOTAL_FORMS": str(len(rows)), "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000"}
    for i, (kind, field, value, role) in enumerate(rows):
        data.update({f"memberships-{i}-kind": kind, f"memberships-{i}-{field}": value, f"memberships-{i}-role": role})
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def listed_usernames(html: str) -> set[str]:
    return set(re.findall(r'<td class="nowrap small username">([\w.@+-]+)</td>', html))


def test_county_office_creates_a_person_of_its_county(client, world):
    client.force_login(world.office_a_user)
    page = client.get("/users/").content.decode()
    assert "新增人员" in page
    assert client.get("/users/new/").status_code == 200
    response = client.post("/users/new/", user_post(("department", "department", world.a_emergency.pk, "leader")))
    assert response.status_code == 302, response.content.decode()[:3000]
    person = User.objects.get(username="new_person")
    assert person.check_password(NEW_PASSWORD)
    assert person.name == "新人员" and person.is_active
    assert [(m.kind, m.department_id, m.role) for m in person.memberships.all()] == [
        ("department", world.a_emergency.pk, "leader")]
    assert AuditEntry.objects.filter(model="accounts.user", object_id=str(person.pk), action="create").exists()
    listed = client.get("/users/?q=新人员").content.decode()
    assert "new_person" in listed and "魏都区应急管理局 · 负责人" in listed
    assert listed_usernames(listed) == {"new_person"}


def test_a_membership_in_the_sibling_county_is_refused(client, world):
    client.force_login(world.office_a_user)
    before = (User.objects.count(), Membership.objects.count(), AuditEntry.objects.count())
    response = client.post("/users/new/", user_post(("department", "department", world.b_emergency.pk, "member")))
    assert response.status_code == 403
    assert "安委办" in response.content.decode()
    assert not User.objects.filter(username="new_person").exists()
    assert (User.objects.count(), Membership.objects.count(), AuditEntry.objects.count()) == before
    # nor by editing someone of one's own county into the sibling county
    response = client.post(f"/users/{world.a_emergency_user.pk}/edit/", user_post(
        ("safety_office", "region", world.county_b.code, "member"), username="a_emergency", password="",
        **{"memberships-INITIAL_FORMS": "0"}))
    assert response.status_code == 403
    assert list(world.a_emergency_user.memberships.values_list("kind", "department_id")) == [
        ("department", world.a_emergency.pk)]


def test_department_member_may_not_manage_people(client, world):
    client.force_login(world.a_emergency_user)
    assert "新增人员" not in client.get("/users/").content.decode()
    assert client.get("/users/new/").status_code == 403
    response = client.post("/users/new/", user_post(("department", "department", world.a_emergency.pk, "member")))
    assert response.status_code == 403
    assert not User.objects.filter(username="new_person").exists()
    assert client.get(f"/users/{world.a_emergency_user.pk}/edit/").status_code == 403


def test_editing_someone_out_of_sight_is_404(client, world):
    client.force_login(world.office_a_user)
    hidden = User.objects.exclude(pk__in=User.objects.visible_to(world.office_a_user)).exclude(is_superuser=True)
    assert hidden.exists()
    assert client.get(f"/users/{hidden.first().pk}/edit/").status_code == 404


def test_the_list_is_exactly_visible_to(client, world):
    for user in (world.office_a_user, world.office_city_user, world.a_emergency_user, world.ent_user):
        client.force_login(user)
        expected = set(User.objects.visible_to(user).values_list("username", flat=True))
        assert listed_usernames(client.get("/users/").content.decode()) == expected, user.username
        client.logout()


def test_office_edits_a_person_keeping_the_password_and_validates_fields(client, world):
    client.force_login(world.office_a_user)
    person = world.a_emergency_user
    page = client.get(f"/users/{person.pk}/edit/").content.decode()
    assert "魏都区应急管理局" in page and 'value="a_emergency"' in page
    response = client.post(f"/users/{person.pk}/edit/", user_post(
        ("department", "department", world.a_emergency.pk, "member"), username="a_emergency", name="改名",
        password="", **{"memberships-INITIAL_FORMS": "1"}))
    assert response.status_code == 302, response.content.decode()[:3000]
    person.refresh_from_db()
    assert person.name == "改名" and person.check_password(PASSWORD)
    assert AuditEntry.objects.filter(model="accounts.user", object_id=str(person.pk), action="update").exists()
    # a weak password and a kind without its target come back with the errors beside the fields
    response = client.post("/users/new/", user_post(("department", "department", "", "member"), password="123"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "密码太短，至少需要 8 个字符。" in html and "密码不能全是数字。" in html
    assert "This password" not in html
    assert "请选择部门" in html
    assert not User.objects.filter(username="new_person").exists()
