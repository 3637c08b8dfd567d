"""The tip pages: the public form (no sign-in, CSRF, photos checked, rate-limited, a Chinese message for every
refusal), its receipt and the lookup that shows only its own tip's status and dates; the staff list and tip page
through `visible_to`; 分办 / 核查 / 奖励 with their role rules; a 查实 tip brought into the ledger as a hazard from
举报; and the reporter's identity, which no page shows except the audited 查看举报人身份 to holders of the permission.
"""
import datetime
import re
import struct
import time
import zlib
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.audit.models import Action, AuditEntry
from apps.audit.services import verify_chain
from apps.hazards import services as hazard_services
from apps.hazards.models import Hazard, HazardEvent
from apps.tips import crypto, services
from apps.tips.api import PublicTipStatusThrottle
from apps.tips.models import Tip, TipPhoto, TipStatus
from tests.pages import act_as
from tests.world import _user

NAME, PHONE = "王举报", "13912345678"
RECEIPT_ON_PAGE = re.compile(r'data-receipt="([23456789A-Z]{16})"')


@pytest.fixture(autouse=True)
def fresh_throttles():
    """The rate limits count in the cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()


def png(name="现场.png", extra=0) -> SimpleUploadedFile:
    """A real 2×2 PNG (Pillow is not installed), padded after its end when a big file is wanted."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes([200, 40, 40]) * 2 for _ in range(2))
    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return SimpleUploadedFile(name, data + b"\x00" * extra, content_type="image/png")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    memberships = list(user.memberships.all())
    if memberships:
        act_as(client, memberships[0])
    return client


def with_permission(user) -> User:
    user.user_permissions.add(Permission.objects.get(content_type__app_label="tips", codename="view_reporter_identity"))
    return User.objects.get(pk=user.pk)


def tip_body(**extra) -> dict:
    body = {"region": "411002", "enterprise_name": "魏都化工有限公司", "place": "三号仓库后门",
            "description": "仓库内堆放大量易燃物，消防通道被堵", "anonymous": "on"}
    body.update(extra)
    return {k: v for k, v in body.items() if v is not None}


def file_tip(client=None, **extra):
    return (client or Client()).post("/tip/", tip_body(**extra))


def new_tip(**extra) -> Tip:
    client = Client()
    answer = file_tip(client, **extra)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    receipt = RECEIPT_ON_PAGE.search(client.get("/tip/done/").content.decode()).group(1)
    return Tip.objects.get(receipt=receipt)


def named_tip(**extra) -> Tip:
    return new_tip(anonymous=None, reporter_name=NAME, reporter_phone=PHONE, **extra)


def triaged(w, **extra) -> Tip:
    tip = new_tip(**extra)
    services.tip_triage(actor=w.office_a_user, tip=tip, department=w.a_emergency, enterprise=w.chem_a)
    return Tip.objects.get(pk=tip.pk)


def text(response) -> str:
    return response.content.decode()


def assert_no_identity(page: str) -> None:
    assert NAME not in page and PHONE not in page and "gAAAAA" not in page


# --- the public form ---------------------------------------------------------------------------------------------

def test_the_public_form_needs_no_sign_in_and_offers_regions_down_to_county(world):
    answer = Client().get("/tip/")
    page = text(answer)
    assert answer.status_code == 200 and "安全隐患举报" in page and "csrfmiddlewaretoken" in page
    assert 'name="region"' in page and '<optgroup label="河南省 许昌市">' in page
    assert '<option value="411002">魏都区</option>' in page and 'value="4110">许昌市（不确定哪个区县）' in page
    assert 'value="411002001"' not in page  # townships are not offered
    assert "举报奖励" in page and "内部吹哨人保护" in page
    assert 'id="identity-fields"' in page and 'name="reporter_phone"' in page
    assert 'name="photos"' in page and 'enctype="multipart/form-data"' in page


def test_an_anonymous_tip_answers_its_receipt_on_a_page_of_its_own(world):
    client = Client()
    answer = file_tip(client, reporter_name=NAME, reporter_phone=PHONE)  # typed, but anonymous is ticked
    assert answer.status_code == 302 and answer["Location"] == "/tip/done/"
    done = client.get("/tip/done/")
    receipt = RECEIPT_ON_PAGE.search(text(done)).group(1)
    assert "请立即保存回执码" in text(done) and "no-store" in done["Cache-Control"]
    groups = re.findall(r'<span class="receipt-group">(\w{4})</span>', text(done))
    assert "".join(groups) == receipt
    tip = Tip.objects.get(receipt=receipt)
    assert (tip.anonymous, tip.status, tip.place, tip.enterprise_name) == (True, "received", "三号仓库后门",
                                                                          "魏都化工有限公司")
    assert tip.reporter_name_token == "" and tip.reporter_phone_token == ""
    created = AuditEntry.objects.get(model="tips.tip", action=Action.CREATE)
    assert created.source == "public" and created.ip == "" and created.user_id is None
    # the receipt is never in a URL
    assert receipt not in answer["Location"]


def test_the_receipt_page_without_a_fresh_tip_goes_back_to_the_form(world, monkeypatch):
    assert Client().get("/tip/done/")["Location"] == "/tip/"
    client = Client()
    file_tip(client)
    assert client.get("/tip/done/").status_code == 200
    later = time.time() + 31 * 60
    monkeypatch.setattr(time, "time", lambda: later)
    assert client.get("/tip/done/")["Location"] == "/tip/"  # half an hour on, the next person sees no receipt


def test_a_named_tip_is_encrypted_at_rest(world):
    tip = named_tip()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Tip._meta.db_table} WHERE id = %s", [tip.pk])
        raw = " ".join(str(value) for value in cursor.fetchone())
    assert NAME not in raw and PHONE not in raw and PHONE[-4:] not in raw
    assert crypto.decrypt(tip.reporter_name_token) == NAME and crypto.decrypt(tip.reporter_phone_token) == PHONE
    assert not tip.anonymous


def test_every_refusal_of_the_form_is_a_chinese_message_naming_the_field(world):
    empty = Client().post("/tip/", {"anonymous": "on"})
    page = text(empty)
    assert empty.status_code == 200 and "请选择所在地区。" in page and "请填写举报内容。" in page
    bad = Client().post("/tip/", tip_body(region="999999", description="  "))
    assert "所选地区不存在，请重新选择。" in text(bad) and "请填写举报内容。" in text(bad)
    long = Client().post("/tip/", tip_body(description="险" * 5001))
    assert "举报内容不能超过 5000 字。" in text(long)
    nameless = Client().post("/tip/", tip_body(anonymous=None))
    assert "实名举报请至少填写姓名或联系电话" in text(nameless)
    phone = Client().post("/tip/", tip_body(anonymous=None, reporter_phone="call me"))
    assert "联系电话只能包含数字" in text(phone)
    assert Tip.objects.count() == 0


def test_the_page_form_checks_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/tip/", tip_body()).status_code == 403
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text(client.get("/tip/"))).group(1)
    assert client.post("/tip/", tip_body(csrfmiddlewaretoken=token)).status_code == 302
    assert Tip.objects.count() == 1


# --- photos ------------------------------------------------------------------------------------------------------

def test_photos_are_kept_under_neutral_names(world):
    tip = new_tip(photos=[png("张三拍的.png"), png("IMG_0001.png")])
    photos = list(tip.photos.all())
    assert [p.name for p in photos] == ["照片1.png", "照片2.png"]
    assert all(p.content_type == "image/png" and "张三" not in p.file.name for p in photos)
    assert AuditEntry.objects.get(model="tips.tip", action=Action.CREATE).after["photos"] == 2


def test_a_photo_over_10_mb_is_refused(world):
    answer = file_tip(photos=[png("大图.png", extra=10 * 1024 * 1024)])
    assert answer.status_code == 200 and "照片“大图.png”超过 10 MB" in text(answer)
    assert "浏览器不会保留已选择的照片" in text(answer)
    assert Tip.objects.count() == 0 and TipPhoto.objects.count() == 0


def test_a_file_that_is_not_a_photo_is_refused_whatever_its_name(world):
    fake = SimpleUploadedFile("现场.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    script = SimpleUploadedFile("a.png", b"<script>alert(1)</script>", content_type="image/png")
    answer = file_tip(photos=[fake, script])
    page = text(answer)
    assert "文件“现场.jpg”不是 JPG、PNG 或 WebP 格式的照片。" in page and "文件“a.png”不是" in page
    assert Tip.objects.count() == 0


def test_at_most_five_photos(world):
    answer = file_tip(photos=[png(f"{n}.png") for n in range(6)])
    assert "照片最多 5 张，您选择了 6 张。" in text(answer) and Tip.objects.count() == 0
    assert new_tip(photos=[png(f"{n}.png") for n in range(5)]).photos.count() == 5


def test_the_service_checks_photos_too(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.submit_tip(region=world.county_a, description="x", photos=[SimpleUploadedFile("x.gif", b"GIF89a")])
    assert "photos" in refused.value.message_dict and Tip.objects.count() == 0


def test_photos_are_served_only_to_staff_who_see_the_tip(world):
    tip = new_tip(photos=[png()])
    photo = tip.photos.get()
    url = f"/tips/{tip.pk}/photos/{photo.pk}/"
    office = signed_in(world.office_a_user).get(url)
    assert office.status_code == 200 and office["Content-Type"] == "image/png"
    assert office["X-Content-Type-Options"] == "nosniff" and "private" in office["Cache-Control"]
    assert b"".join(office.streaming_content).startswith(b"\x89PNG")
    office_b = _user("office_b", ("safety_office", world.county_b, "member"))
    assert signed_in(office_b).get(url).status_code == 404
    assert signed_in(world.a_emergency_user).get(url).status_code == 404  # not triaged to it yet
    assert signed_in(world.ent_user).get(url).status_code == 403
    assert Client().get(url).status_code == 302  # to the login page
    other = new_tip(photos=[png()])
    assert signed_in(world.office_a_user).get(f"/tips/{tip.pk}/photos/{other.photos.get().pk}/").status_code == 404


# --- the rate limit ----------------------------------------------------------------------------------------------

def test_the_page_is_rate_limited_per_address_with_a_chinese_message(world):
    client = Client()
    assert [file_tip(client).status_code for _ in range(10)] == [302] * 10
    refused = file_tip(client, description="第十一条")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert re.search(r"提交过于频繁，请 \d+ 秒后再试。", text(refused))
    assert "第十一条" in text(refused)  # what was typed is kept
    assert Tip.objects.count() == 10
    assert Client(REMOTE_ADDR="10.0.0.9").post("/tip/", tip_body()).status_code == 302


def test_the_page_and_the_api_share_one_limit_and_a_session_does_not_lift_it(world):
    api = APIClient()
    for _ in range(5):
        assert api.post("/api/v1/public/tips/", {"region": "411002", "description": "x"}, format="json").status_code \
            == 201
    staff = signed_in(world.office_a_user)
    assert [file_tip(staff).status_code for _ in range(5)] == [302] * 5
    assert file_tip(staff).status_code == 429
    assert api.post("/api/v1/public/tips/", {"region": "411002", "description": "x"}, format="json").status_code \
        == 429


def test_a_forged_forwarded_header_does_not_dodge_the_page_limit(world):
    client = Client()
    answers = [client.post("/tip/", tip_body(), HTTP_X_FORWARDED_FOR=f"10.1.0.{n}").status_code for n in range(11)]
    assert answers == [302] * 10 + [429]


def test_the_receipt_lookup_is_rate_limited_too(world, monkeypatch):
    monkeypatch.setattr(PublicTipStatusThrottle, "THROTTLE_RATES", {"public_tip_status": "3/hour"})
    tip = new_tip()
    client = Client()
    assert [client.post("/tip/receipt/", {"receipt": tip.receipt}).status_code for _ in range(3)] == [200] * 3
    refused = client.post("/tip/receipt/", {"receipt": tip.receipt})
    assert refused.status_code == 429 and re.search(r"查询过于频繁，请 \d+ 秒后再试。", text(refused))
    assert 'id="receipt-result"' not in text(refused)


# --- the receipt -------------------------------------------------------------------------------------------------

def test_a_receipt_shows_only_its_own_tip_status_and_dates(world):
    first = new_tip(description="第一条举报：甲厂夜间违规动火", enterprise_name="甲厂", place="甲厂东门")
    second = named_tip(description="第二条举报：乙厂储罐泄漏", enterprise_name="乙厂", place="乙厂罐区")
    services.tip_triage(actor=world.office_a_user, tip=second, department=world.a_emergency, enterprise=world.chem_a)
    services.tip_verify(actor=world.a_emergency_user, tip=Tip.objects.get(pk=second.pk), outcome="unfounded",
                        reason="现场未见泄漏")

    one = Client().post("/tip/receipt/", {"receipt": first.receipt})
    page = text(one)
    assert one.status_code == 200 and "no-store" in one["Cache-Control"]
    assert re.search(r'id="tip-status" data-status="received"', page) and "已受理" in page
    assert timezone.localdate().isoformat() in page
    for secret in ("第一条举报", "甲厂", "甲厂东门", "第二条", "乙厂", "魏都", "应急管理局", second.receipt):
        assert secret not in page, secret

    two = Client().post("/tip/receipt/", {"receipt": second.receipt.lower()})
    page = text(two)
    assert re.search(r'id="tip-status" data-status="unfounded"', page) and "核查结果：不属实" in page
    assert "已分办" in page
    for secret in ("第二条举报", "乙厂", "现场未见泄漏", "魏都化工", "应急管理局", NAME, PHONE, first.receipt):
        assert secret not in page, secret


def test_a_receipt_is_found_whatever_its_case_spaces_and_dashes(world):
    tip = new_tip()
    typed = f"{tip.receipt[:4]}-{tip.receipt[4:8]} {tip.receipt[8:]}".lower()
    assert 'id="receipt-result"' in text(Client().post("/tip/receipt/", {"receipt": typed}))


def test_an_unknown_or_empty_receipt_is_a_chinese_message(world):
    new_tip()
    unknown = Client().post("/tip/receipt/", {"receipt": "ABCDEFGHJKMNPQRS"})
    assert "回执码不存在，请核对后重新输入。" in text(unknown) and 'id="receipt-result"' not in text(unknown)
    assert "请输入回执码。" in text(Client().post("/tip/receipt/", {"receipt": ""}))
    assert Client(enforce_csrf_checks=True).post("/tip/receipt/", {"receipt": "X"}).status_code == 403


def test_the_lookup_page_needs_no_sign_in(world):
    answer = Client().get("/tip/receipt/")
    assert answer.status_code == 200 and 'name="receipt"' in text(answer)


# --- the staff list and page -------------------------------------------------------------------------------------

def test_who_sees_which_tip_in_the_list(world):
    mine = triaged(world, description="魏都区的举报")
    other = new_tip(region="411003", description="建安区的举报")
    seen = {}
    office_b = _user("office_b", ("safety_office", world.county_b, "member"))
    housing = _user("housing_only", ("department", world.a_housing, "member"))
    for name, user in (("office_a", world.office_a_user), ("office_city", world.office_city_user),
                       ("office_b", office_b), ("a_emergency", world.a_emergency_user), ("housing", housing),
                       ("discipline_a", world.discipline_a_user), ("admin", world.admin)):
        answer = signed_in(user).get("/tips/")
        assert answer.status_code == 200
        seen[name] = {int(pk) for pk in re.findall(r'data-tip="(\d+)"', text(answer))}
    assert seen == {"office_a": {mine.pk}, "office_city": {mine.pk, other.pk}, "office_b": {other.pk},
                    "a_emergency": {mine.pk}, "housing": set(), "discipline_a": {mine.pk},
                    "admin": {mine.pk, other.pk}}
    assert signed_in(world.office_a_user).get(f"/tips/{other.pk}/").status_code == 404
    assert signed_in(world.a_emergency_user).get(f"/tips/{mine.pk}/").status_code == 200


def test_enterprises_and_groups_never_see_tips(world):
    tip = triaged(world)
    for user in (world.ent_user, world.group_user):
        client = signed_in(user)
        for url in ("/tips/", f"/tips/{tip.pk}/", f"/tips/{tip.pk}/triage/"):
            answer = client.get(url)
            assert answer.status_code == 403 and "企业和检查组身份不能查看举报" in text(answer)
    assert Client().get("/tips/").status_code == 302


def test_the_list_filters_by_status_and_search(world):
    done = triaged(world, description="甲醇罐区")
    new_tip(description="五金厂粉尘")
    office = signed_in(world.office_a_user)
    assert re.findall(r'data-tip="(\d+)"', text(office.get("/tips/", {"status": "triaged"}))) == [str(done.pk)]
    assert re.findall(r'data-tip="(\d+)"', text(office.get("/tips/", {"q": "甲醇"}))) == [str(done.pk)]


# --- the reporter's identity -------------------------------------------------------------------------------------

def test_the_identity_is_in_no_page_for_those_without_the_permission(world):
    tip = named_tip(photos=[png()])
    pages = []
    office = signed_in(world.office_a_user)
    pages += [office.get("/tips/"), office.get(f"/tips/{tip.pk}/"), office.get(f"/tips/{tip.pk}/triage/")]
    assert office.post(f"/tips/{tip.pk}/triage/", {"department": world.a_emergency.pk, "enterprise": "",
                                                   "triaged_on": timezone.localdate().isoformat(),
                                                   "version": 1}).status_code == 302
    department = signed_in(world.a_emergency_user)
    pages += [department.get("/tips/"), department.get(f"/tips/{tip.pk}/"), department.get(f"/tips/{tip.pk}/verify/")]
    services.tip_verify(actor=world.a_emergency_user, tip=Tip.objects.get(pk=tip.pk), outcome="verified")
    pages += [department.get(f"/tips/{tip.pk}/reward/"), signed_in(world.discipline_a_user).get(f"/tips/{tip.pk}/")]
    pages += [Client().post("/tip/receipt/", {"receipt": tip.receipt})]
    for answer in pages:
        assert answer.status_code == 200
        page = text(answer)
        assert_no_identity(page)
        assert "查看举报人身份" not in page and "/identity/" not in page
    assert "实名举报" in text(pages[1]) and "仅经授权的人员可以查看" in text(pages[1])

    refused = office.post(f"/tips/{tip.pk}/identity/")
    assert refused.status_code == 403 and "您无权查看举报人身份。" in text(refused)
    assert_no_identity(text(refused))
    entry = AuditEntry.objects.get(action=Action.READ_SECRET)
    assert entry.after == {"what": "查看举报人身份", "allowed": False} and entry.username == "office_a"


def test_the_permission_shows_a_button_and_each_read_is_audited(world):
    tip = named_tip()
    reader = with_permission(world.office_a_user)
    client = signed_in(reader)
    page = text(client.get(f"/tips/{tip.pk}/"))
    assert 'id="reveal-identity"' in page and f'action="/tips/{tip.pk}/identity/"' in page
    assert_no_identity(page)  # the button, not the identity
    assert not AuditEntry.objects.filter(action=Action.READ_SECRET).exists()

    assert client.get(f"/tips/{tip.pk}/identity/").status_code == 405  # never by a link or a prefetch
    shown = client.post(f"/tips/{tip.pk}/identity/")
    assert shown.status_code == 200 and "no-store" in shown["Cache-Control"]
    assert NAME in text(shown) and PHONE in text(shown) and "已记入审计日志" in text(shown)
    client.post(f"/tips/{tip.pk}/identity/")
    entries = list(AuditEntry.objects.filter(action=Action.READ_SECRET).order_by("seq"))
    assert [e.after for e in entries] == [{"what": "查看举报人身份", "allowed": True}] * 2
    assert all(e.username == "office_a" and e.object_id == str(tip.pk) for e in entries)
    for entry in entries:
        assert NAME not in str(entry.after) + entry.object_repr and PHONE not in str(entry.after)
    assert verify_chain() == []


def test_the_permission_does_not_reach_outside_the_scope_nor_an_anonymous_tip(world):
    named = named_tip(region="411003")
    reader = signed_in(with_permission(world.office_a_user))
    assert reader.post(f"/tips/{named.pk}/identity/").status_code == 404
    anonymous = new_tip(reporter_name=NAME)
    page = text(reader.get(f"/tips/{anonymous.pk}/"))
    assert 'id="reveal-identity"' not in page and "匿名举报，未保存举报人身份" in page


# --- 分办 ---------------------------------------------------------------------------------------------------------

def test_triage_through_the_page_links_the_enterprise_by_its_code(world):
    tip = new_tip(enterprise_name="魏都化工")
    office = signed_in(world.office_a_user)
    form = office.get(f"/tips/{tip.pk}/triage/")
    page = text(form)
    assert form.status_code == 200 and world.chem_a.uscc in page  # a candidate by name
    assert world.chem_b.name not in page and world.b_emergency.name not in page  # the other county's
    answer = office.post(f"/tips/{tip.pk}/triage/", {"department": world.a_emergency.pk,
                                                      "enterprise": world.chem_a.uscc.lower(),
                                                      "triaged_on": timezone.localdate().isoformat(), "version": 1})
    assert answer.status_code == 302 and answer["Location"] == f"/tips/{tip.pk}/"
    tip.refresh_from_db()
    assert (tip.status, tip.department_id, tip.enterprise_id, tip.region_id) == (
        "triaged", world.a_emergency.pk, world.chem_a.pk, "411002")
    detail = text(office.get(answer["Location"]))
    assert "已分办。" in detail and "魏都区应急管理局" in detail


def test_triage_refusals(world):
    tip = new_tip()
    today = timezone.localdate().isoformat()
    assert signed_in(world.a_emergency_user).get(f"/tips/{tip.pk}/triage/").status_code == 404
    discipline = signed_in(world.discipline_a_user).get(f"/tips/{tip.pk}/triage/")
    assert discipline.status_code == 403 and "安委办可以分办" in text(discipline)
    office = signed_in(world.office_a_user)
    outside = office.post(f"/tips/{tip.pk}/triage/", {"department": world.b_emergency.pk, "triaged_on": today,
                                                       "version": 1})
    assert "所选承办部门不在本安委办辖区内。" in text(outside)
    unknown = office.post(f"/tips/{tip.pk}/triage/", {"department": world.a_emergency.pk, "triaged_on": today,
                                                       "enterprise": world.chem_b.uscc, "version": 1})
    assert "本辖区企业库中没有" in text(unknown)
    early = office.post(f"/tips/{tip.pk}/triage/", {"department": world.a_emergency.pk, "version": 1,
                                                     "triaged_on": (timezone.localdate()
                                                                    - datetime.timedelta(days=1)).isoformat()})
    assert "日期不能早于受理日期" in text(early)
    assert Tip.objects.get(pk=tip.pk).status == "received"
    assert office.post(f"/tips/{tip.pk}/triage/", {"department": world.a_emergency.pk, "triaged_on": today,
                                                    "version": 1}).status_code == 302
    stale = office.post(f"/tips/{tip.pk}/triage/", {"department": world.a_housing.pk, "triaged_on": today,
                                                     "version": 1})
    assert stale.status_code == 409 and "已被他人修改" in text(stale)
    assert Tip.objects.get(pk=tip.pk).department_id == world.a_emergency.pk


# --- 核查 ---------------------------------------------------------------------------------------------------------

def verify_body(tip, **extra) -> dict:
    body = {"outcome": "verified", "verified_on": timezone.localdate().isoformat(), "version": tip.version,
            "hazard_mode": "new", "title": "仓库消防通道堵塞", "level": "general", "location": "三号仓库",
            "description": "核查发现仓库消防通道被货物堵塞。"}
    body.update(extra)
    return {k: v for k, v in body.items() if v is not None}


def test_verified_through_the_page_brings_the_hazard_into_the_ledger_from_a_tip(world):
    tip = triaged(world, description="举报人说：我是三车间的，仓库通道被堵")
    department = signed_in(world.a_emergency_user)
    form = department.get(f"/tips/{tip.pk}/verify/")
    assert form.status_code == 200 and 'value="三号仓库后门"' in text(form)  # the place, as the location
    answer = department.post(f"/tips/{tip.pk}/verify/", verify_body(tip))
    assert answer.status_code == 302, text(answer)
    tip.refresh_from_db()
    hazard = tip.hazard
    assert tip.status == "verified" and tip.verified_on == timezone.localdate()
    assert (hazard.source, hazard.enterprise_id, hazard.department_id, hazard.found_by_department_id) == (
        "tip", world.chem_a.pk, world.a_emergency.pk, world.a_emergency.pk)
    assert (hazard.title, hazard.level, hazard.status, hazard.sector_id, hazard.found_on) == (
        "仓库消防通道堵塞", "general", "reported", "chemicals", timezone.localdate())
    assert "三车间" not in hazard.description  # nothing of the tip's words is copied
    assert HazardEvent.objects.get(hazard=hazard).action == "report"
    assert AuditEntry.objects.filter(model="hazards.hazard", object_id=str(hazard.pk), action=Action.CREATE).exists()
    # the enterprise sees the hazard in its ledger, and never the tip
    assert Hazard.objects.visible_to(world.ent_user).filter(pk=hazard.pk).exists()
    detail = text(department.get(f"/tips/{tip.pk}/"))
    assert f'href="/hazards/{hazard.pk}/"' in detail and "查实" in detail
    assert verify_chain() == []


def test_verified_linking_a_hazard_already_in_the_ledger(world):
    mine = hazard_services.hazard_report(actor=world.a_emergency_user, data={
        "enterprise": world.chem_a, "title": "报警器关闭", "level": "general", "source": "department"})
    elsewhere = hazard_services.hazard_report(actor=world.admin, data={
        "enterprise": world.far_away, "title": "郑州隐患", "level": "general", "source": "department",
        "found_by_department": world.city_emergency})
    tip = triaged(world)
    department = signed_in(world.a_emergency_user)
    assert f"编号 {mine.pk}：报警器关闭" in text(department.get(f"/tips/{tip.pk}/verify/"))
    unseen = department.post(f"/tips/{tip.pk}/verify/", verify_body(tip, hazard_mode="link", hazard=elsewhere.pk))
    assert f"编号为 {elsewhere.pk} 的隐患不存在，或不在您的查看范围内。" in text(unseen)
    missing = department.post(f"/tips/{tip.pk}/verify/", verify_body(tip, hazard_mode="link"))
    assert "请填写要关联的隐患编号。" in text(missing)
    answer = department.post(f"/tips/{tip.pk}/verify/", verify_body(tip, hazard_mode="link", hazard=mine.pk))
    assert answer.status_code == 302
    assert Tip.objects.get(pk=tip.pk).hazard_id == mine.pk and Hazard.objects.count() == 2


def test_a_new_hazard_needs_its_name_level_and_without_an_enterprise_its_sector(world):
    tip = new_tip()
    services.tip_triage(actor=world.office_a_user, tip=tip, department=world.a_emergency)
    tip.refresh_from_db()
    department = signed_in(world.a_emergency_user)
    bare = department.post(f"/tips/{tip.pk}/verify/", verify_body(tip, title="", level=""))
    page = text(bare)
    assert "请填写隐患名称。" in page and "请选择隐患等级。" in page and "须选择行业领域" in page
    assert Tip.objects.get(pk=tip.pk).status == "triaged" and Hazard.objects.count() == 0
    answer = department.post(f"/tips/{tip.pk}/verify/", verify_body(tip, sector="chemicals"))
    assert answer.status_code == 302
    hazard = Tip.objects.get(pk=tip.pk).hazard
    assert (hazard.enterprise_id, hazard.region_id, hazard.sector_id) == (None, "411002", "chemicals")


def test_unfounded_needs_its_reason_and_takes_no_hazard(world):
    tip = triaged(world)
    department = signed_in(world.a_emergency_user)
    missing = department.post(f"/tips/{tip.pk}/verify/", verify_body(tip, outcome="unfounded"))
    assert "核查不属实须说明理由。" in text(missing)
    answer = department.post(f"/tips/{tip.pk}/verify/", verify_body(tip, outcome="unfounded",
                                                                     reason="现场核查未发现所述情况"))
    assert answer.status_code == 302
    tip.refresh_from_db()
    assert (tip.status, tip.verification_reason, tip.hazard_id) == ("unfounded", "现场核查未发现所述情况", None)
    assert Hazard.objects.count() == 0
    nothing = text(Client().post("/tip/receipt/", {"receipt": tip.receipt}))
    assert "不属实" in nothing and "现场核查未发现所述情况" not in nothing


def test_verify_role_rules(world):
    tip = triaged(world)
    office = signed_in(world.office_a_user)
    refused = office.get(f"/tips/{tip.pk}/verify/")
    assert refused.status_code == 403 and "承办部门可以核查" in text(refused)
    assert office.post(f"/tips/{tip.pk}/verify/", verify_body(tip)).status_code == 403
    housing = _user("housing_only", ("department", world.a_housing, "member"))
    assert signed_in(housing).get(f"/tips/{tip.pk}/verify/").status_code == 404
    assert Tip.objects.get(pk=tip.pk).status == "triaged"
    # the tip page offers each person only their steps
    steps = re.compile(r'data-action="(\w+)"')
    assert steps.findall(text(office.get(f"/tips/{tip.pk}/"))) == ["triage"]
    assert steps.findall(text(signed_in(world.a_emergency_user).get(f"/tips/{tip.pk}/"))) == ["verify"]


def test_an_untriaged_tip_cannot_be_verified(world):
    tip = new_tip()
    admin = signed_in(world.admin)
    page = text(admin.get(f"/tips/{tip.pk}/verify/"))
    assert 'id="state-refusal"' in page and "只有已分办的举报可以核查" in page
    answer = admin.post(f"/tips/{tip.pk}/verify/", verify_body(tip))
    assert "只有已分办的举报可以核查" in text(answer) and Hazard.objects.count() == 0


# --- 奖励 ---------------------------------------------------------------------------------------------------------

def test_reward_through_the_page(world):
    tip = triaged(world)
    services.tip_verify(actor=world.a_emergency_user, tip=tip, outcome="verified")
    tip.refresh_from_db()
    department = signed_in(world.a_emergency_user)
    form = department.get(f"/tips/{tip.pk}/reward/")
    assert form.status_code == 200 and "匿名举报查实奖励" in text(form)
    today = timezone.localdate().isoformat()
    zero = department.post(f"/tips/{tip.pk}/reward/", {"amount": "0", "rewarded_on": today, "version": tip.version})
    assert "奖励金额须大于 0（万元）。" in text(zero)
    fine = department.post(f"/tips/{tip.pk}/reward/", {"amount": "0.00001", "rewarded_on": today,
                                                        "version": tip.version})
    assert "最多保留 4 位小数" in text(fine)
    office = signed_in(world.office_a_user)
    assert office.get(f"/tips/{tip.pk}/reward/").status_code == 403
    answer = department.post(f"/tips/{tip.pk}/reward/", {"amount": "0.5", "rewarded_on": today,
                                                          "version": tip.version})
    assert answer.status_code == 302
    tip.refresh_from_db()
    assert (str(tip.reward_amount), tip.rewarded_on) == ("0.5000", timezone.localdate())
    page = text(department.get(f"/tips/{tip.pk}/"))
    assert "0.5 万元" in page and 'data-action="reward"' not in page
    again = department.get(f"/tips/{tip.pk}/reward/")
    assert "已于" in text(again) and "发放奖励" in text(again)


def test_the_reward_reaches_the_report_figures(world):
    from apps.reports.metrics import figures_tips
    from apps.reports.scopes import RegionTargets

    tip = triaged(world)
    services.tip_verify(actor=world.a_emergency_user, tip=tip, outcome="verified")
    tip.refresh_from_db()
    signed_in(world.a_emergency_user).post(f"/tips/{tip.pk}/reward/", {
        "amount": "0.3", "rewarded_on": timezone.localdate().isoformat(), "version": tip.version})
    today = timezone.localdate()
    row = figures_tips(RegionTargets([world.county_a]), (today, today), today)["411002"]
    assert row["TP.reward"] == row["TP.reward.of_which"] == Decimal("0.3")


def test_an_unfounded_tip_offers_no_reward(world):
    tip = triaged(world)
    services.tip_verify(actor=world.a_emergency_user, tip=tip, outcome="unfounded", reason="不属实")
    department = signed_in(world.a_emergency_user)
    assert 'data-action="reward"' not in text(department.get(f"/tips/{tip.pk}/"))
    answer = department.post(f"/tips/{tip.pk}/reward/", {"amount": "0.2", "version": 3,
                                                          "rewarded_on": timezone.localdate().isoformat()})
    assert "只有查实的举报可以奖励" in text(answer)
    assert Tip.objects.get(pk=tip.pk).rewarded_on is None


def test_statuses_on_the_pages_are_the_official_words(world):
    assert dict(TipStatus.choices) == {"received": "已受理", "triaged": "已分办", "verified": "查实",
                                       "unfounded": "不属实"}
