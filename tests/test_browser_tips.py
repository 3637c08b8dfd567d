"""The public tip portal in Debian's chromium (Playwright) at a phone width, signed in as nobody: the form, an
anonymous tip with a photo, its receipt, and the lookup that answers 已受理. Then the county safety office finds it
in its list and triages it, and the department verifies it into the ledger. Screenshots land in screenshots/.
"""
import re

import pytest

from apps.tips.models import Tip
from tests.browser import DESKTOP, MARKS, PHONE, SCREENSHOTS, sign_in
from tests.test_pages_tips import png
from tests.world import build_world

pytestmark = MARKS


@pytest.fixture
def browser_world(db):
    return build_world()


def shot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_an_anonymous_tip_filed_at_phone_width_and_followed_with_its_receipt(browser, live_server, browser_world,
                                                                              tmp_path):
    from playwright.sync_api import expect

    w = browser_world
    photo = tmp_path / "现场.png"
    photo.write_bytes(png().read())

    # --- the public, on a phone, not signed in ----------------------------------------------------------------------
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/tip/")
    expect(page.locator("h1")).to_contain_text("安全隐患举报")
    assert page.locator("#main-nav").count() == 0  # nobody is signed in
    expect(page.locator("#id_anonymous")).to_be_checked()
    expect(page.locator("#identity-fields")).to_be_hidden()
    page.uncheck("#id_anonymous")  # the name and phone appear only for a named tip
    expect(page.locator("#id_reporter_phone")).to_be_visible()
    page.check("#id_anonymous")
    expect(page.locator("#identity-fields")).to_be_hidden()
    expect(page.locator("#tip-notes")).to_contain_text("内部吹哨人保护")
    page.select_option("#id_region", "411002")
    page.fill("#id_enterprise_name", "魏都化工有限公司")
    page.fill("#id_place", "三号仓库后门")
    page.fill("#id_description", "仓库内堆放大量易燃物，消防通道被货物堵死，夜间还有人在仓库里住宿。")
    page.set_input_files("#id_photos", str(photo))
    assert no_sideways_scroll(page)
    box = page.locator("#submit-tip").bounding_box()
    assert box["width"] > 300 and box["height"] >= 44  # one big button
    shot(page, "tip-public-form-phone")
    page.click("#submit-tip")
    page.wait_for_url(f"{live_server.url}/tip/done/")

    # --- the receipt ------------------------------------------------------------------------------------------------
    code = page.locator("#receipt-code")
    expect(code).to_be_visible()
    receipt = code.get_attribute("data-receipt")
    assert re.fullmatch(r"[23456789A-HJKMNP-Z]{16}", receipt)
    assert re.sub(r"\s", "", code.inner_text()) == receipt
    expect(page.locator("#copy-hint")).to_contain_text("请立即保存回执码")
    expect(page.locator("#copy-receipt")).to_be_visible()  # localhost is a secure context
    assert no_sideways_scroll(page)
    assert code.bounding_box()["width"] <= PHONE["width"]
    shot(page, "tip-public-receipt-phone")
    tip = Tip.objects.get(receipt=receipt)
    assert tip.anonymous and tip.photos.count() == 1 and tip.reporter_name_token == ""

    # the receipt page's own button follows it
    page.click("#follow-form button[type=submit]")
    expect(page.locator("#tip-status")).to_contain_text("已受理")

    # --- the lookup, typed by hand as a person would, in small letters with spaces ----------------------------------
    page.goto(f"{live_server.url}/tip/receipt/")
    page.fill("#id_receipt", f"{receipt[:8].lower()} {receipt[8:]}")
    page.click("#receipt-form button[type=submit]")
    expect(page.locator("#tip-status")).to_contain_text("已受理")
    expect(page.locator("#receipt-result")).not_to_contain_text("仓库")  # the status, not the tip
    assert no_sideways_scroll(page)
    shot(page, "tip-public-status-phone")
    context.close()

    # --- the county office triages it ---------------------------------------------------------------------------
    office, opage = sign_in(browser, live_server, "office_a", viewport=DESKTOP)
    opage.goto(f"{live_server.url}/tips/")
    expect(opage.locator(f"#tip-table tr[data-tip='{tip.pk}']")).to_have_count(1)
    shot(opage, "tip-list-office-desktop")
    opage.click(f"#tip-table tr[data-tip='{tip.pk}'] a")
    expect(opage.locator("#tip-photos img.evidence-thumb")).to_have_count(1)
    for _ in range(50):
        if opage.evaluate("[...document.images].every(i => i.complete)"):
            break
        opage.wait_for_timeout(100)
    assert opage.locator("#tip-photos img").evaluate("img => img.naturalWidth") == 2
    expect(opage.locator("#reveal-identity")).to_have_count(0)
    shot(opage, "tip-detail-office-desktop")
    opage.click("#tip-actions a[data-action=triage]")
    opage.select_option("#id_department", str(w.a_emergency.pk))
    opage.fill("#id_enterprise", w.chem_a.uscc)
    shot(opage, "tip-triage-form-desktop")
    opage.click("#step-form button[type=submit]")
    expect(opage.locator("#tip-department")).to_contain_text("魏都区应急管理局")
    office.close()

    # --- the department verifies it into the ledger, on a phone --------------------------------------------------
    dept, dpage = sign_in(browser, live_server, "a_emergency", viewport=PHONE)
    dpage.goto(f"{live_server.url}/tips/{tip.pk}/verify/")
    expect(dpage.locator("#hazard-fields")).to_be_hidden()
    dpage.check("#id_outcome_0")
    expect(dpage.locator("#hazard-new")).to_be_visible()
    expect(dpage.locator("#hazard-link")).to_be_hidden()
    dpage.fill("#id_title", "仓库消防通道堵塞")
    dpage.select_option("#id_level", "general")
    dpage.fill("#id_description", "核查发现仓库消防通道被货物堵塞。")
    assert no_sideways_scroll(dpage)
    shot(dpage, "tip-verify-form-phone")
    dpage.click("#step-form button[type=submit]")
    expect(dpage.locator("#tip-outcome")).to_contain_text("查实")
    expect(dpage.locator("#tip-hazard a")).to_contain_text("仓库消防通道堵塞")
    shot(dpage, "tip-detail-verified-phone")
    dept.close()
    tip.refresh_from_db()
    assert tip.status == "verified" and tip.hazard.source == "tip"
