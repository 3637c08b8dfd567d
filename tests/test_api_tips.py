"""API `public/tips/` and `tips/` (API.md): the public form and its receipt, the reporter's identity (encrypted at
rest, never answered, revealed only with the permission and always audited), triage / verify / reward and who may
take each step, the rate limit of the public endpoints, and the schema."""
import datetime
import re
import runpy
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.audit.models import Action, AuditEntry
from apps.audit.services import verify_chain
from apps.core.errors import NotAllowed
from apps.enterprises.models import Enterprise
from apps.enterprises.signals import enterprise_moved
from apps.hazards import services as hazard_services
from apps.tips import crypto, services
from apps.tips.api import PublicTipStatusThrottle
from apps.tips.models import Tip
from tests.world import _user

PUBLIC = "/api/v1/public/tips/"
URL = "/api/v1/tips/"
NAME, PHONE = "王举报", "13912345678"
STAFF_FIELDS = {"id", "receipt", "region", "enterprise", "enterprise_name", "description", "anonymous", "department",
                "status", "verified_on", "hazard", "reward_amount", "rewarded_on", "version"}
RECEIPT = re.compile(r"^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{16}$")


@pytest.fixture(autouse=True)
def fresh_throttles():
    """The rate limit counts in the cache, which outlives a test: every test starts with a clean count."""
    cache.clear()
    yield
    cache.clear()


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def iso(n: int) -> str:
    return days(n).isoformat()


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def submit(**extra) -> str:
    body = {"region": "411002", "enterprise_name": "魏都化工有限公司",
            "description": "储罐区夜间无人值守，报警器长期关闭", **extra}
    answer = APIClient().post(PUBLIC, body, format="json")
    assert answer.status_code == 201, answer.json()
    return answer.json()["receipt"]


def tip_of(receipt: str) -> Tip:
    return Tip.objects.get(receipt=receipt)


def step(client, tip_id, action, data):
    return client.post(f"{URL}{tip_id}/{action}/", data, format="json")


def triaged(w, department=None, **extra) -> Tip:
    tip = tip_of(submit(**extra))
    answer = step(client_for(w.office_a_user), tip.pk, "triage", {"department": (department or w.a_emergency).pk})
    assert answer.status_code == 200, answer.json()
    return tip_of(tip.receipt)


def verified(w, **extra) -> Tip:
    tip = triaged(w, **extra)
    answer = step(client_for(w.a_emergency_user), tip.pk, "verify", {"outcome": "verified", "verified_on": iso(0)})
    assert answer.status_code == 200, answer.json()
    return tip_of(tip.receipt)


def with_permission(user) -> User:
    user.user_permissions.add(Permission.objects.get(content_type__app_label="tips", codename="view_reporter_identity"))
    return User.objects.get(pk=user.pk)  # a fresh object: permissions are cached per instance


def assert_no_identity(payload) -> None:
    text = str(payload)
    assert NAME not in text and PHONE not in text and "gAAAAA" not in text  # nor a Fernet token
    assert "reporter" not in text


# --- the public form ---------------------------------------------------------------------------------------------

def test_a_tip_is_received_without_sign_in_and_answers_only_its_receipt(world):
    answer = APIClient().post(PUBLIC, {"region": "411002", "description": "厂房内堆放大量易燃物"}, format="json")
    assert answer.status_code == 201
    assert set(answer.json()) == {"receipt"} and RECEIPT.match(answer.json()["receipt"])
    tip = tip_of(answer.json()["receipt"])
    assert (tip.status, tip.received_on, tip.anonymous, tip.enterprise_id) == ("received", days(0), True, None)
    assert tip.department_id is None and tip.version == 1


def test_receipts_are_random_and_distinct(world):
    receipts = {submit() for _ in range(5)}
    assert len(receipts) == 5 and all(RECEIPT.match(r) for r in receipts)


def test_the_public_form_needs_no_csrf_token_even_with_a_session(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.office_a_user)
    answer = client.post(PUBLIC, {"region": "411002", "description": "无证动火作业"}, format="json")
    assert answer.status_code == 201


def test_a_receipt_shows_its_own_tip_status_and_nothing_else(world):
    first, second = submit(description="第一条"), submit(description="第二条", region="411003")
    triaged_tip = tip_of(second)
    assert step(client_for(world.office_city_user), triaged_tip.pk, "triage",
                {"department": world.b_emergency.pk}).status_code == 200
    public = APIClient()
    one, two = public.get(f"{PUBLIC}{first}/").json(), public.get(f"{PUBLIC}{second}/").json()
    assert one == {"receipt": first, "status": "received", "status_label": "已受理", "received_on": iso(0)}
    assert two == {"receipt": second, "status": "triaged", "status_label": "已分办", "received_on": iso(0)}


def test_a_receipt_is_found_whatever_its_case_and_dashes(world):
    receipt = submit()
    typed = f"{receipt[:4]}-{receipt[4:8]} {receipt[8:]}".lower()
    answer = APIClient().get(f"{PUBLIC}{typed.replace(' ', '%20')}/")
    assert answer.status_code == 200 and answer.json()["receipt"] == receipt


def test_an_unknown_receipt_is_404(world):
    submit()
    answer = APIClient().get(f"{PUBLIC}ABCDEFGHJKMNPQRS/")
    assert answer.status_code == 404 and "回执码" in answer.json()["detail"]


def test_a_bad_region_is_400_naming_the_field(world):
    answer = APIClient().post(PUBLIC, {"region": "999999", "description": "x"}, format="json")
    assert answer.status_code == 400 and "999999" in answer.json()["region"][0]
    missing = APIClient().post(PUBLIC, {"description": "x"}, format="json")
    assert missing.status_code == 400 and "region" in missing.json()


def test_an_oversize_or_missing_description_is_400(world):
    long = APIClient().post(PUBLIC, {"region": "411002", "description": "险" * 5001}, format="json")
    assert long.status_code == 400 and "5000" in long.json()["description"][0]
    blank = APIClient().post(PUBLIC, {"region": "411002", "description": "  "}, format="json")
    assert blank.status_code == 400 and "description" in blank.json()
    assert APIClient().post(PUBLIC, {"region": "411002", "description": "险" * 5000}, format="json").status_code == 201
    assert Tip.objects.count() == 1


def test_a_named_tip_needs_a_name_or_a_phone_and_a_phone_must_look_like_one(world):
    nameless = APIClient().post(PUBLIC, {"region": "411002", "description": "x", "anonymous": False}, format="json")
    assert nameless.status_code == 400 and "reporter_name" in nameless.json()
    bad_phone = APIClient().post(PUBLIC, {"region": "411002", "description": "x", "anonymous": False,
                                          "reporter_phone": "call me"}, format="json")
    assert bad_phone.status_code == 400 and "reporter_phone" in bad_phone.json()
    assert Tip.objects.count() == 0


# --- the rate limit ----------------------------------------------------------------------------------------------

def test_the_public_form_is_rate_limited_per_address_with_a_chinese_message(world):
    client = APIClient()
    for _ in range(10):
        assert client.post(PUBLIC, {"region": "411002", "description": "x"}, format="json").status_code == 201
    answer = client.post(PUBLIC, {"region": "411002", "description": "x"}, format="json")
    assert answer.status_code == 429
    assert "提交过于频繁" in answer.json()["detail"] and "秒后再试" in answer.json()["detail"]
    assert int(answer["Retry-After"]) > 0
    assert Tip.objects.count() == 10
    # another address still gets through
    other = client.post(PUBLIC, {"region": "411002", "description": "x"}, format="json", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 201


def test_a_forged_forwarded_header_does_not_dodge_the_limit(world):
    client = APIClient()
    answers = [client.post(PUBLIC, {"region": "411002", "description": "x"}, format="json",
                           HTTP_X_FORWARDED_FOR=f"10.1.0.{n}").status_code for n in range(11)]
    assert answers == [201] * 10 + [429]


def test_the_receipt_lookup_is_rate_limited_too(world, monkeypatch):
    monkeypatch.setattr(PublicTipStatusThrottle, "THROTTLE_RATES", {"public_tip_status": "3/hour"})
    receipt = submit()
    client = APIClient()
    assert [client.get(f"{PUBLIC}{receipt}/").status_code for _ in range(3)] == [200, 200, 200]
    answer = client.get(f"{PUBLIC}ABCDEFGHJKMNPQRS/")
    assert answer.status_code == 429 and "查询过于频繁" in answer.json()["detail"]


# --- the reporter's identity -------------------------------------------------------------------------------------

def test_the_identity_is_unreadable_in_the_database(world):
    tip = tip_of(submit(anonymous=False, reporter_name=NAME, reporter_phone=PHONE))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Tip._meta.db_table} WHERE id = %s", [tip.pk])
        row = cursor.fetchone()
    raw = " ".join(str(value) for value in row)
    assert NAME not in raw and PHONE not in raw and PHONE[-4:] not in raw
    assert tip.reporter_name_token.startswith("gAAAAA") and tip.reporter_phone_token.startswith("gAAAAA")
    assert crypto.decrypt(tip.reporter_name_token) == NAME and crypto.decrypt(tip.reporter_phone_token) == PHONE


def test_an_anonymous_tip_keeps_no_name_even_if_one_was_typed(world):
    tip = tip_of(submit(anonymous=True, reporter_name=NAME, reporter_phone=PHONE))
    assert tip.anonymous and tip.reporter_name_token == "" and tip.reporter_phone_token == ""


def test_the_identity_never_appears_in_any_api_answer(world):
    receipt = submit(anonymous=False, reporter_name=NAME, reporter_phone=PHONE)
    tip = tip_of(receipt)
    answers = [APIClient().get(f"{PUBLIC}{receipt}/").json()]
    office, department = client_for(world.office_a_user), client_for(world.a_emergency_user)
    answers.append(office.get(URL).json())
    answers.append(office.get(f"{URL}{tip.pk}/").json())
    answers.append(step(office, tip.pk, "triage", {"department": world.a_emergency.pk, "enterprise": world.chem_a.pk})
                   .json())
    answers.append(department.get(f"{URL}{tip.pk}/").json())
    answers.append(step(department, tip.pk, "verify", {"outcome": "verified"}).json())
    answers.append(step(department, tip.pk, "reward", {"amount": "0.5"}).json())
    answers.append(client_for(world.admin).get(URL).json())
    for payload in answers:
        assert_no_identity(payload)
    assert answers[-2]["status"] == "verified" and answers[-2]["reward_amount"] == "0.5000"
    assert set(answers[2]) == STAFF_FIELDS


def test_the_audit_trail_never_holds_the_identity_nor_the_public_address(world):
    receipt = submit(anonymous=False, reporter_name=NAME, reporter_phone=PHONE)
    tip = tip_of(receipt)
    step(client_for(world.office_a_user), tip.pk, "triage", {"department": world.a_emergency.pk})
    entries = list(AuditEntry.objects.filter(model="tips.tip").order_by("seq"))
    assert [e.action for e in entries] == [Action.CREATE, Action.TRANSITION]
    for entry in entries:
        assert_no_identity([entry.before, entry.after, entry.object_repr])
    created = entries[0]
    assert created.ip == "" and created.source == "public" and created.user_id is None
    assert created.after["named"] is True
    assert verify_chain() == []


def test_reveal_identity_needs_the_permission_and_the_scope_and_is_always_audited(world):
    tip = tip_of(submit(anonymous=False, reporter_name=NAME, reporter_phone=PHONE))
    with pytest.raises(NotAllowed):
        services.reveal_identity(world.office_a_user, tip)
    refused = AuditEntry.objects.filter(action=Action.READ_SECRET).get()
    assert refused.after == {"what": "查看举报人身份", "allowed": False} and refused.username == "office_a"

    outsider = with_permission(_user("office_b", ("safety_office", world.county_b, "member")))
    with pytest.raises(NotAllowed):
        services.reveal_identity(outsider, tip)

    reader = with_permission(world.office_a_user)
    assert services.reveal_identity(reader, tip) == {"anonymous": False, "reporter_name": NAME,
                                                     "reporter_phone": PHONE}
    entries = list(AuditEntry.objects.filter(action=Action.READ_SECRET).order_by("seq"))
    assert len(entries) == 3 and entries[-1].after == {"what": "查看举报人身份", "allowed": True}
    assert entries[-1].object_id == str(tip.pk) and "查看举报人身份" in entries[-1].object_repr
    for entry in entries:
        assert_no_identity([entry.before, entry.after, entry.object_repr])
    services.reveal_identity(reader, tip)
    assert AuditEntry.objects.filter(action=Action.READ_SECRET, after__allowed=True).count() == 2
    assert verify_chain() == []


# --- the staff view ----------------------------------------------------------------------------------------------

def test_who_sees_a_tip(world):
    tip = triaged(world)
    seen = {}
    for name in ("admin", "office_a_user", "office_city_user", "discipline_a_user", "a_emergency_user",
                 "a_housing_only", "ent_user", "group_user", "nobody", "city_emergency_user"):
        user = getattr(world, name, None) or _user(name, ("department", world.a_housing, "member"))
        seen[name] = [t["id"] for t in client_for(user).get(URL).json()["results"]]
    assert {n for n, ids in seen.items() if ids == [tip.pk]} == {
        "admin", "office_a_user", "office_city_user", "discipline_a_user", "a_emergency_user"}
    assert all(ids == [] for n, ids in seen.items() if n not in {
        "admin", "office_a_user", "office_city_user", "discipline_a_user", "a_emergency_user"})
    assert client_for(world.ent_user).get(f"{URL}{tip.pk}/").status_code == 404


def test_a_department_sees_what_is_triaged_to_its_subordinate_unit(world):
    tip = tip_of(submit())
    assert step(client_for(world.office_city_user), tip.pk, "triage",
                {"department": world.city_housing_station.pk}).status_code == 200
    assert client_for(world.city_housing_user).get(f"{URL}{tip.pk}/").status_code == 200
    assert client_for(world.station_user).get(f"{URL}{tip.pk}/").status_code == 200
    assert client_for(world.city_emergency_user).get(f"{URL}{tip.pk}/").status_code == 404


def test_staff_may_not_post_tips_only_an_administrator_loads_past_ones(world):
    body = {"region": "411002", "description": "历史举报", "anonymous": False, "reporter_name": NAME,
            "received_on": iso(-90)}
    refused = client_for(world.office_a_user).post(URL, body, format="json")
    assert refused.status_code == 405 and "public/tips/" in refused.json()["detail"]
    loaded = client_for(world.admin).post(URL, body, format="json")
    assert loaded.status_code == 201 and set(loaded.json()) == STAFF_FIELDS
    assert_no_identity(loaded.json())
    tip = Tip.objects.get(pk=loaded.json()["id"])
    assert tip.received_on == days(-90) and crypto.decrypt(tip.reporter_name_token) == NAME
    future = client_for(world.admin).post(URL, {**body, "received_on": iso(1)}, format="json")
    assert future.status_code == 400 and "received_on" in future.json()
    assert client_for(world.admin).post(URL, {**body, "region": "99"}, format="json").status_code == 400
    assert AuditEntry.objects.get(model="tips.tip", action=Action.CREATE).username == "admin"


def test_there_is_no_put_patch_or_delete(world):
    tip = tip_of(submit())
    admin = client_for(world.admin)
    for method in (admin.put, admin.patch, admin.delete):
        assert method(f"{URL}{tip.pk}/", {"description": "改"}, format="json").status_code == 405


def test_filters(world):
    first = triaged(world)
    submit(region="411003", description="建安区某厂")
    admin = client_for(world.admin)
    assert [t["id"] for t in admin.get(URL, {"status": "triaged"}).json()["results"]] == [first.pk]
    assert admin.get(URL, {"region": "411003"}).json()["count"] == 1
    assert admin.get(URL, {"department": world.a_emergency.pk}).json()["count"] == 1
    assert admin.get(URL, {"q": first.receipt}).json()["count"] == 1


# --- triage ------------------------------------------------------------------------------------------------------

def test_triage_by_the_office_over_the_region(world):
    tip = tip_of(submit())
    answer = step(client_for(world.office_a_user), tip.pk, "triage",
                  {"department": world.a_emergency.pk, "triaged_on": iso(0), "version": 1})
    assert answer.status_code == 200
    body = answer.json()
    assert (body["status"], body["department"], body["version"], body["enterprise"]) == (
        "triaged", world.a_emergency.pk, 2, None)
    assert tip_of(tip.receipt).triaged_on == days(0)


def test_triage_matrix(world):
    tip = tip_of(submit())
    office_b = _user("office_b", ("safety_office", world.county_b, "member"))
    assert step(client_for(office_b), tip.pk, "triage", {"department": world.b_emergency.pk}).status_code == 404
    assert step(client_for(world.a_emergency_user), tip.pk, "triage",
                {"department": world.a_emergency.pk}).status_code == 404
    assert step(client_for(world.discipline_a_user), tip.pk, "triage",
                {"department": world.a_emergency.pk}).status_code == 403
    outside = step(client_for(world.office_a_user), tip.pk, "triage", {"department": world.b_emergency.pk})
    assert outside.status_code == 400 and "department" in outside.json()
    # the city office may hand a county's tip to any department of the city
    assert step(client_for(world.office_city_user), tip.pk, "triage",
                {"department": world.city_market.pk}).status_code == 200
    # re-triage from triaged
    again = step(client_for(world.office_a_user), tip.pk, "triage", {"department": world.a_housing.pk})
    assert again.status_code == 200 and again.json()["department"] == world.a_housing.pk


def test_linking_an_enterprise_moves_the_tip_to_its_region(world):
    tip = tip_of(submit(enterprise_name=""))
    office = client_for(world.office_a_user)
    unseen = step(office, tip.pk, "triage", {"department": world.a_emergency.pk, "enterprise": world.chem_b.pk})
    assert unseen.status_code == 400 and "enterprise" in unseen.json()
    answer = step(office, tip.pk, "triage", {"department": world.township_office.pk,
                                             "enterprise": world.town_shop.pk})
    assert answer.status_code == 200
    assert (answer.json()["region"], answer.json()["enterprise"], answer.json()["enterprise_name"]) == (
        "411002001", world.town_shop.pk, "西大街道五金加工厂")


def test_a_linked_tip_follows_its_enterprise_when_it_moves(world):
    tip = tip_of(submit())
    step(client_for(world.office_city_user), tip.pk, "triage",
         {"department": world.a_emergency.pk, "enterprise": world.chem_a.pk})
    Enterprise.objects.filter(pk=world.chem_a.pk).update(region=world.county_b)
    enterprise_moved.send(sender=Enterprise, enterprise=world.chem_a, old_region="411002", new_region="411003")
    assert tip_of(tip.receipt).region_id == "411003"


def test_triage_dates_and_states(world):
    tip = tip_of(submit())
    office = client_for(world.office_a_user)
    early = step(office, tip.pk, "triage", {"department": world.a_emergency.pk, "triaged_on": iso(-1)})
    assert early.status_code == 400 and "triaged_on" in early.json()
    future = step(office, tip.pk, "triage", {"department": world.a_emergency.pk, "triaged_on": iso(1)})
    assert future.status_code == 400 and "triaged_on" in future.json()
    done = verified(world)
    closed = step(office, done.pk, "triage", {"department": world.a_housing.pk})
    assert closed.status_code == 400 and "status" in closed.json()


def test_a_stale_version_is_409_and_changes_nothing(world):
    tip = tip_of(submit())
    office = client_for(world.office_a_user)
    assert step(office, tip.pk, "triage", {"department": world.a_emergency.pk, "version": 1}).status_code == 200
    stale = step(office, tip.pk, "triage", {"department": world.a_housing.pk, "version": 1})
    assert stale.status_code == 409 and stale.json()["detail"]
    assert tip_of(tip.receipt).department_id == world.a_emergency.pk


# --- verify ------------------------------------------------------------------------------------------------------

def test_verify_matrix(world):
    tip = triaged(world)
    assert step(client_for(world.office_a_user), tip.pk, "verify", {"outcome": "verified"}).status_code == 403
    both = _user("office_and_housing", ("safety_office", world.county_a, "member"),
                 ("department", world.a_housing, "member"))
    refused = step(client_for(both), tip.pk, "verify", {"outcome": "verified"})
    assert refused.status_code == 403 and refused.json()["detail"]
    housing = _user("housing_only", ("department", world.a_housing, "member"))
    assert step(client_for(housing), tip.pk, "verify", {"outcome": "verified"}).status_code == 404
    answer = step(client_for(world.a_emergency_user), tip.pk, "verify", {"outcome": "verified", "version": 2})
    assert answer.status_code == 200
    assert (answer.json()["status"], answer.json()["verified_on"], answer.json()["version"]) == ("verified", iso(0), 3)
    again = step(client_for(world.a_emergency_user), tip.pk, "verify", {"outcome": "unfounded", "reason": "x"})
    assert again.status_code == 400 and "status" in again.json()


def test_only_a_triaged_tip_is_verified(world):
    tip = tip_of(submit())
    answer = step(client_for(world.admin), tip.pk, "verify", {"outcome": "verified"})
    assert answer.status_code == 400 and "status" in answer.json()


def test_unfounded_needs_a_reason_and_takes_no_hazard(world):
    tip = triaged(world)
    department = client_for(world.a_emergency_user)
    missing = step(department, tip.pk, "verify", {"outcome": "unfounded"})
    assert missing.status_code == 400 and "reason" in missing.json()
    bad = step(department, tip.pk, "verify", {"outcome": "maybe"})
    assert bad.status_code == 400 and "outcome" in bad.json()
    answer = step(department, tip.pk, "verify", {"outcome": "unfounded", "reason": "现场核查未发现所述情况",
                                                 "verified_on": iso(0)})
    assert answer.status_code == 200 and answer.json()["status"] == "unfounded"
    assert tip_of(tip.receipt).verification_reason == "现场核查未发现所述情况"
    assert APIClient().get(f"{PUBLIC}{tip.receipt}/").json()["status_label"] == "不属实"


def test_a_verified_tip_names_the_hazard_it_led_to(world):
    hazard = hazard_services.hazard_report(actor=world.a_emergency_user, data={
        "enterprise": world.chem_a, "title": "报警器关闭", "level": "general", "source": "department"})
    elsewhere = hazard_services.hazard_report(actor=world.admin, data={
        "enterprise": world.far_away, "title": "郑州隐患", "level": "general", "source": "department",
        "found_by_department": world.city_emergency})
    tip = triaged(world)
    department = client_for(world.a_emergency_user)
    unseen = step(department, tip.pk, "verify", {"outcome": "verified", "hazard": elsewhere.pk})
    assert unseen.status_code == 400 and "hazard" in unseen.json()
    answer = step(department, tip.pk, "verify", {"outcome": "verified", "hazard": hazard.pk})
    assert answer.status_code == 200 and answer.json()["hazard"] == hazard.pk


def test_verify_dates(world):
    tip = triaged(world)
    department = client_for(world.a_emergency_user)
    future = step(department, tip.pk, "verify", {"outcome": "verified", "verified_on": iso(1)})
    assert future.status_code == 400 and "verified_on" in future.json()
    early = step(department, tip.pk, "verify", {"outcome": "verified", "verified_on": iso(-1)})
    assert early.status_code == 400 and "verified_on" in early.json()


# --- reward ------------------------------------------------------------------------------------------------------

def test_reward_before_verification_is_400(world):
    tip = triaged(world)
    answer = step(client_for(world.a_emergency_user), tip.pk, "reward", {"amount": "0.2"})
    assert answer.status_code == 400 and "status" in answer.json()


def test_reward_matrix(world):
    tip = verified(world)
    assert step(client_for(world.office_a_user), tip.pk, "reward", {"amount": "0.2"}).status_code == 403
    housing = _user("housing_only", ("department", world.a_housing, "member"))
    assert step(client_for(housing), tip.pk, "reward", {"amount": "0.2"}).status_code == 404
    department = client_for(world.a_emergency_user)
    zero = step(department, tip.pk, "reward", {"amount": "0"})
    assert zero.status_code == 400 and "amount" in zero.json()
    early = step(department, tip.pk, "reward", {"amount": "0.2", "rewarded_on": iso(-1)})
    assert early.status_code == 400 and "rewarded_on" in early.json()
    answer = step(department, tip.pk, "reward", {"amount": "0.2", "version": 3})
    assert answer.status_code == 200
    assert (answer.json()["reward_amount"], answer.json()["rewarded_on"], answer.json()["status"]) == (
        "0.2000", iso(0), "verified")
    twice = step(department, tip.pk, "reward", {"amount": "0.3"})
    assert twice.status_code == 400 and "status" in twice.json()


def test_an_unfounded_tip_is_never_rewarded(world):
    tip = triaged(world)
    department = client_for(world.a_emergency_user)
    step(department, tip.pk, "verify", {"outcome": "unfounded", "reason": "不属实"})
    assert step(department, tip.pk, "reward", {"amount": "0.2"}).status_code == 400
    assert step(client_for(world.admin), tip.pk, "reward", {"amount": "0.2"}).status_code == 400


def test_an_administrator_loads_a_whole_past_tip_through_the_same_steps(world):
    admin = client_for(world.admin)
    tip = admin.post(URL, {"region": "411003", "description": "历史", "received_on": iso(-60)}, format="json").json()
    assert step(admin, tip["id"], "triage", {"department": world.b_emergency.pk, "enterprise": world.chem_b.pk,
                                             "triaged_on": iso(-59)}).status_code == 200
    assert step(admin, tip["id"], "verify", {"outcome": "verified", "verified_on": iso(-50)}).status_code == 200
    done = step(admin, tip["id"], "reward", {"amount": "1.5", "rewarded_on": iso(-40)})
    assert done.status_code == 200 and done.json()["reward_amount"] == "1.5000"
    assert AuditEntry.objects.filter(model="tips.tip", object_id=str(tip["id"])).count() == 4
    assert verify_chain() == []


def test_every_step_is_audited_in_its_transaction(world):
    tip = verified(world)
    step(client_for(world.a_emergency_user), tip.pk, "reward", {"amount": "0.1"})
    entries = AuditEntry.objects.filter(model="tips.tip", object_id=str(tip.pk)).order_by("seq")
    assert [e.after.get("action") for e in entries] == [None, "triage", "verify", "reward"]
    assert [e.username for e in entries][1:] == ["office_a", "a_emergency", "a_emergency"]
    for entry in entries:
        assert "reporter_name_token" not in str(entry.after) and "reporter_name_token" not in str(entry.before)


# --- the key -----------------------------------------------------------------------------------------------------

def test_keys_rotate_the_first_one_encrypts_and_every_one_decrypts():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(TIP_ENCRYPTION_KEY=old):
        token = crypto.encrypt(NAME)
    with override_settings(TIP_ENCRYPTION_KEY=f"{new},{old}"):
        assert crypto.decrypt(token) == NAME
        rotated = crypto.rotate(token)
        fresh = crypto.encrypt(NAME)
    with override_settings(TIP_ENCRYPTION_KEY=new):
        assert crypto.decrypt(rotated) == NAME and crypto.decrypt(fresh) == NAME
        with pytest.raises(crypto.UndecryptableToken):
            crypto.decrypt(token)
    assert crypto.encrypt("") == "" and crypto.decrypt("") == ""


def test_without_a_key_nothing_is_stored_and_the_check_fails():
    with override_settings(TIP_ENCRYPTION_KEY=""):
        with pytest.raises(ImproperlyConfigured):
            crypto.encrypt(NAME)
        assert [e.id for e in crypto.check_key()] == ["tips.E001"]
    with override_settings(TIP_ENCRYPTION_KEY="not-a-key"):
        assert [e.id for e in crypto.check_key()] == ["tips.E002"]
    assert crypto.check_key() == []


def test_production_settings_take_the_key_from_the_environment_and_derive_one_only_under_debug(monkeypatch):
    settings_file = str(Path(__file__).resolve().parent.parent / "config" / "settings.py")
    monkeypatch.delenv("TIP_ENCRYPTION_KEY", raising=False)
    monkeypatch.setenv("SECRET_KEY", "a-production-secret")
    monkeypatch.setenv("DEBUG", "0")
    assert runpy.run_path(settings_file)["TIP_ENCRYPTION_KEY"] == ""
    monkeypatch.setenv("DEBUG", "1")
    derived = runpy.run_path(settings_file)["TIP_ENCRYPTION_KEY"]
    Fernet(derived.encode())  # a valid key
    assert derived == runpy.run_path(settings_file)["TIP_ENCRYPTION_KEY"] and "a-production-secret" not in derived
    key = Fernet.generate_key().decode()
    monkeypatch.setenv("TIP_ENCRYPTION_KEY", key)
    assert runpy.run_path(settings_file)["TIP_ENCRYPTION_KEY"] == key


# --- the schema --------------------------------------------------------------------------------------------------

TIP_PATHS = ["tips/", "tips/{id}/", "tips/{id}/triage/", "tips/{id}/verify/", "tips/{id}/reward/", "public/tips/",
             "public/tips/{id}/"]


def test_the_schema_serves_every_tip_path_without_the_identity_and_validates(client, db, tmp_path):
    schema = client.get("/api/v1/schema/?format=json", HTTP_ACCEPT="application/json").json()
    served = {re.sub(r"\{[^}]+\}", "{id}", p.replace("/api/v1/", "", 1)) for p in schema["paths"]}
    assert set(TIP_PATHS) <= served
    components = schema["components"]["schemas"]
    assert set(components["Tip"]["properties"]) == STAFF_FIELDS
    assert set(components["PublicTipStatus"]["properties"]) == {"receipt", "status", "status_label", "received_on"}
    assert set(components["PublicTipReceipt"]["properties"]) == {"receipt"}
    assert "reporter_name" in components["PublicTipRequest"]["properties"]
    assert "put" not in schema["paths"]["/api/v1/tips/{id}/"] and "delete" not in schema["paths"]["/api/v1/tips/{id}/"]
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
