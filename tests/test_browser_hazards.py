"""One major hazard from report to closure in Debian's chromium (Playwright), as the enterprise and the
department: reported with a photo, planned, submitted, rejected once, submitted again, accepted with the sign-offs
the city's campaign requires, 已销号 with every step on the timeline. Screenshots of the ledger, the hazard page,
the plan form and the accept form land in screenshots/ at an office width and a phone width."""
import datetime
import re
import struct
import zlib
from pathlib import Path

import pytest

from apps.campaigns.models import Campaign
from apps.hazards.models import Hazard, Status
from tests.browser import MARKS, PHONE, SCREENSHOTS, sign_in
from tests.world import build_world

pytestmark = MARKS



@pytest.fixture
def browser_world(db):
    w = build_world()
    today = datetime.date.today()
    Campaign.objects.create(slug="xuchang", name="许昌市重大事故隐患专项排查整治行动", region=w.city,
                            start=today - datetime.timedelta(days=90), end=today + datetime.timedelta(days=270),
                            sign_offs=["acceptance_group", "county_department"])
    return w




def shot(page, name):
    """Full-page screenshot once every lazy thumbnail has loaded (scrolled into view first)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    for img in page.locator("img[loading=lazy]").all():
        img.scroll_into_view_if_needed()
    for _ in range(50):  # (wait_for_function would evaluate a string, which the CSP forbids)
        if page.evaluate("[...document.images].every(i => i.complete)"):
            break
        page.wait_for_timeout(100)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def photo(path: Path) -> Path:
    """A small real PNG (a sky-to-ground gradient with a red stripe) — Pillow is not installed."""
    width, height = 240, 160
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            if 70 <= y < 90:
                row += bytes([200, 40, 40])
            else:
                row += bytes([80 + y // 2, 120 + x // 4, 200 - y // 2])
        rows.append(bytes(row))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))
    path.write_bytes(png)
    return path


def timeline(page) -> list[str]:
    return page.locator("#timeline li.timeline-item").evaluate_all("els => els.map(e => e.dataset.action)")


def click_action(page, action):
    page.click(f"#hazard-actions a[data-action={action}]")


def test_a_major_hazard_from_report_to_closure(browser, live_server, browser_world, tmp_path):
    from playwright.sync_api import expect

    w = browser_world
    title = "液氨储罐区可燃气体报警器失效"

    # --- the enterprise reports it, with a photo -------------------------------------------------------------
    ent, page = sign_in(browser, live_server, "ent_chem_a")
    page.click("#main-nav a:has-text('隐患台账')")
    page.wait_for_url("**/hazards/")
    page.click("#report-hazard")
    page.fill("#id_title", title)
    page.select_option("#id_level", "major")
    assert page.input_value("#id_enterprise") == str(w.chem_a.pk)
    assert page.input_value("#id_source") == "self"
    assert page.input_value("#id_department") == str(w.a_emergency.pk)
    page.fill("#id_kind", "设备设施")
    page.fill("#id_nature", "重大事故隐患")
    page.fill("#id_location", "液氨储罐区")
    page.fill("#id_description", "储罐区 3 台可燃气体报警器未按期标定，其中 1 台失效。")
    page.fill("#id_harm_analysis", "泄漏不能及时报警，可能引发火灾爆炸；更换报警器即可，整改难度小。")
    page.fill("#id_criterion", "《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准》第九条")
    page.set_input_files("#id_files", str(photo(tmp_path / "罐区现场.png")))
    shot(page, "hazard-report-desktop")
    page.click("#report-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/hazards/\d+/$"))
    hazard = Hazard.objects.get(title=title)
    assert hazard.level == "major" and hazard.evidence.filter(stage="before").count() == 1
    expect(page.locator("#evidence img.evidence-thumb")).to_have_count(1)
    assert page.locator("#evidence img.evidence-thumb").evaluate("img => img.complete && img.naturalWidth") == 240
    url = page.url

    # the phone view of the ledger, the hazard page and the plan form
    phone, mobile = sign_in(browser, live_server, "ent_chem_a", viewport=PHONE)
    mobile.goto(f"{live_server.url}/hazards/")
    expect(mobile.locator("#hazard-table td.hazard-title")).to_have_count(1)
    assert no_sideways_scroll(mobile)
    shot(mobile, "hazard-ledger-ent-phone")
    mobile.goto(url)
    assert no_sideways_scroll(mobile)
    shot(mobile, "hazard-page-reported-phone")
    mobile.goto(f"{url}plan/")
    assert no_sideways_scroll(mobile)
    box = mobile.locator("#transition-form button[type=submit]").bounding_box()
    assert box["width"] > 300 and box["height"] >= 44  # one column, a big button
    shot(mobile, "hazard-plan-form-phone")
    phone.close()

    # --- the enterprise files the plan ---------------------------------------------------------------------------
    click_action(page, "plan")
    page.fill("#id_owner", "设备部 张三")
    page.fill("#id_measures", "更换失效报警器，标定其余 2 台，接入 DCS 联锁。")
    page.fill("#id_funds", "3.5")
    page.fill("#id_deadline", (datetime.date.today() + datetime.timedelta(days=20)).isoformat())
    page.fill("#id_contingency", "整改期间储罐区禁止动火，每 2 小时便携式检测一次，应急器材到位。")
    page.fill("#id_goal", "报警器全部有效并联锁")
    page.fill("#id_interim_controls", "停止储罐区动火作业")
    shot(page, "hazard-plan-form-desktop")
    page.click("#transition-form button[type=submit]")
    page.wait_for_url(url)
    expect(page.locator("#hazard-badges")).to_contain_text("整改中")
    expect(page.locator("#penalty-waived")).to_be_visible()

    # --- the department sees it ----------------------------------------------------------------------------------
    dept, dpage = sign_in(browser, live_server, "a_emergency")
    dpage.goto(f"{live_server.url}/hazards/")
    expect(dpage.locator("#hazard-table td.hazard-title", has_text=title)).to_have_count(1)
    dpage.click(f"#hazard-table a:has-text('{title}')")
    dpage.wait_for_url(url)
    offered = dpage.locator("#hazard-actions a[data-action]").evaluate_all("els => els.map(e => e.dataset.action)")
    # while it is being rectified the department may only hand it on, or correct the record
    assert offered == ["transfer", "update"]

    # --- the enterprise submits ----------------------------------------------------------------------------------
    click_action(page, "submit")
    page.fill("#id_note", "已更换报警器并完成标定。")
    page.click("#transition-form button[type=submit]")
    page.wait_for_url(url)
    expect(page.locator("#hazard-badges")).to_contain_text("待验收")

    # --- the department rejects once with a reason ----------------------------------------------------------------
    dpage.reload()
    click_action(dpage, "reject")
    dpage.fill("#id_reason", "联锁未投用，DCS 未见报警记录。")
    dpage.click("#transition-form button[type=submit]")
    dpage.wait_for_url(url)
    expect(dpage.locator("#hazard-badges")).to_contain_text("整改中")
    expect(dpage.locator("#timeline")).to_contain_text("联锁未投用")

    # --- the enterprise submits again --------------------------------------------------------------------------
    page.reload()
    click_action(page, "submit")
    page.fill("#id_note", "联锁已投用，附 DCS 截图。")
    page.set_input_files("#id_files", str(photo(tmp_path / "整改后.png")))
    page.click("#transition-form button[type=submit]")
    page.wait_for_url(url)
    expect(page.locator("#evidence img.evidence-thumb")).to_have_count(2)

    # --- the department accepts with the required sign-offs --------------------------------------------------------
    dpage.reload()
    click_action(dpage, "accept")
    expect(dpage.locator("#required-sign-offs")).to_contain_text("验收组成员")
    expect(dpage.locator("#required-sign-offs")).to_contain_text("县市区行业主管部门")
    assert dpage.input_value("#id_so-0-level") == "acceptance_group"
    assert dpage.input_value("#id_so-1-level") == "county_department"
    dpage.fill("#id_members", "李四（魏都区应急管理局）\n赵六（专家）")
    dpage.fill("#id_conclusion", "报警器有效，联锁投用，整改到位，同意销号。")
    dpage.fill("#id_so-0-name", "李四")
    dpage.fill("#id_so-1-name", "王局长")
    dpage.fill("#id_so-1-opinion", "同意销号")
    shot(dpage, "hazard-accept-form-desktop")
    phone, mobile = sign_in(browser, live_server, "a_emergency", viewport=PHONE)
    mobile.goto(f"{url}accept/")
    assert no_sideways_scroll(mobile)
    shot(mobile, "hazard-accept-form-phone")
    phone.close()
    dpage.click("#transition-form button[type=submit]")
    dpage.wait_for_url(url)
    expect(dpage.locator("#hazard-badges")).to_contain_text("已销号")
    assert timeline(dpage) == ["report", "plan", "submit", "reject", "submit", "accept"]
    expect(dpage.locator("#sign-off-table")).to_contain_text("王局长")
    hazard.refresh_from_db()
    assert hazard.status == Status.CLOSED and hazard.closed_on == datetime.date.today()
    shot(dpage, "hazard-page-closed-desktop")
    dpage.goto(f"{live_server.url}/hazards/")
    shot(dpage, "hazard-ledger-dept-desktop")

    # --- the enterprise's view at the end ---------------------------------------------------------------------------
    page.reload()
    assert timeline(page) == ["report", "plan", "submit", "reject", "submit", "accept"]
    page.goto(f"{live_server.url}/hazards/")
    shot(page, "hazard-ledger-ent-desktop")
    page.goto(f"{url}print/")
    shot(page, "hazard-print-desktop")
    phone, mobile = sign_in(browser, live_server, "ent_chem_a", viewport=PHONE)
    mobile.goto(url)
    assert no_sideways_scroll(mobile)
    shot(mobile, "hazard-page-closed-phone")
    mobile.goto(f"{live_server.url}/hazards/")
    shot(mobile, "hazard-ledger-closed-phone")
    phone.close()
    for context in (ent, dept):
        context.close()


def test_the_filter_updates_the_ledger_in_place(browser, live_server, browser_world):
    from playwright.sync_api import expect

    from apps.hazards import services

    w = browser_world
    for title, level in (("甲醇罐区防火堤破损", "major"), ("消防通道堆放杂物", "general")):
        services.hazard_report(actor=w.ent_user, data={
            "enterprise": w.chem_a, "title": title, "level": level, "source": "self", "department": w.a_emergency})
    context, page = sign_in(browser, live_server, "office_city")
    page.goto(f"{live_server.url}/hazards/")
    expect(page.locator("#hazard-table td.hazard-title")).to_have_count(2)
    page.evaluate("window.__same_document = true")
    page.select_option("#id_level", "major")
    page.wait_for_url("**level=major**")
    expect(page.locator("#hazard-table td.hazard-title")).to_have_count(1)
    assert page.evaluate("window.__same_document") is True
    expect(page.locator(".status-chip[data-status=reported] .chip-count")).to_have_text("1")
    shot(page, "hazard-ledger-filtered-desktop")
    context.close()
