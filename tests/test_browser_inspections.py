"""An on-site inspection at a phone's width in Debian's chromium (Playwright): a member of the county housing bureau
registers an enforcement inspection (四不两直) of a construction company with the 福州 建筑施工重点检查事项清单,
answers items (是, 不涉及, and one 否 with 隐患描述, 整改要求, 整改时限, 是否重大隐患 and a photo), records the
spot-check findings beside what the company's records say, signs, sees the record locked, and finds the hazard in
the ledger. Screenshots (phone width) land in screenshots/."""
import datetime
import struct
import zlib

import pytest

from apps.hazards.models import Hazard
from apps.inspections.models import Checklist, Inspection
from tests.browser import MARKS, PHONE, SCREENSHOTS, sign_in
from tests.world import _user, build_world

pytestmark = MARKS


def png() -> bytes:
    """A 40×30 orange picture: a real PNG, as a phone camera would send a JPEG."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\xf0\x80\x20" * 40 for _ in range(30))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 40, 30, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.fixture
def browser_world(db):
    w = build_world()
    w.inspector = _user("wang_jian", ("department", w.a_housing, "member"))
    w.inspector.name = "王建国"
    w.inspector.save()
    w.colleague = _user("li_jian", ("department", w.a_housing, "member"))
    w.colleague.name = "李明"
    w.colleague.save()
    w.construction = Checklist.objects.get(code="fuzhou-2023-construction", active=True)
    return w


def shot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_an_onsite_inspection_at_phone_width_from_checklist_to_signed_record(browser, live_server, browser_world,
                                                                            tmp_path):
    w = browser_world
    items = {i.number: i.pk for i in w.construction.items.all()}
    context, page = sign_in(browser, live_server, "wang_jian", viewport=PHONE)

    # register: kind, mode, enterprise, checklist, project, the two inspectors
    page.goto(f"{live_server.url}/inspections/new/")
    assert sorted(o.get_attribute("value") for o in page.locator("#id_kind option").all()) == [
        "assistance", "enforcement", "expert", "review"]
    page.select_option("#id_kind", "enforcement")
    page.select_option("#id_mode", "unannounced")
    page.select_option("#id_enterprise", str(w.build_a.pk))
    page.select_option("#id_checklist", str(w.construction.pk))
    page.fill("#id_project", "魏都花园1#楼")
    page.locator(f"input[name=inspectors][value='{w.colleague.pk}']").check()
    assert no_sideways_scroll(page)
    shot(page, "inspection-new-phone")
    page.click("#save-inspection")
    page.wait_for_selector("#item-cards")
    inspection = Inspection.objects.get()
    assert page.url == f"{live_server.url}/inspections/{inspection.pk}/"
    assert page.locator(".item-card").count() == 13 and no_sideways_scroll(page)

    # 是 and 不涉及: one tap each, the card swapped in place
    page.locator(f"#item-{items[32]} button[data-answer=yes]").click()
    page.wait_for_selector(f"#item-{items[32]}.answered-yes")
    page.locator(f"#item-{items[35]} button[data-answer=na]").click()
    page.wait_for_selector(f"#item-{items[35]}.answered-na")
    assert page.locator("#answered-count").inner_text() == "2"

    # 否: the fields open; description, requirement, deadline, major, photo
    card = page.locator(f"#item-{items[41]}")
    card.locator("label[data-answer=no]").click()
    assert card.locator(".no-fields").is_visible()
    card.locator("textarea[name=description]").fill("3#楼电焊作业人员张某未持有特种作业操作证，现场无动火审批记录")
    card.locator("textarea[name=requirement]").fill("立即停止动火作业，持证上岗，补办动火审批")
    deadline = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    card.locator("input[name=deadline]").fill(deadline)
    card.locator("label[for^=major-yes]").click()
    photo = tmp_path / "现场.png"
    photo.write_bytes(png())
    card.locator("input[name=photo]").set_input_files(str(photo))
    assert no_sideways_scroll(page)
    card.scroll_into_view_if_needed()
    page.wait_for_timeout(300)  # the buttons' colour transition
    page.screenshot(path=str(SCREENSHOTS / "inspection-no-answer-phone.png"))
    card.locator("button.save-no").click()
    page.wait_for_selector(f"#item-{items[41]} .hazard-link")
    hazard = Hazard.objects.get()
    assert (hazard.level, hazard.source, hazard.found_by_department, hazard.enterprise) == (
        "major", "department", w.a_housing, w.build_a)
    assert hazard.deadline.isoformat() == deadline and hazard.evidence.count() == 1
    assert page.locator(f"#hazard-list [data-hazard='{hazard.pk}']").count() == 1
    assert page.locator(f"#item-{items[41]} img.evidence-thumb").count() == 1

    # the findings, beside what the company's records say
    page.goto(f"{live_server.url}/inspections/{inspection.pk}/#findings")
    assert page.locator("[data-finding]").count() == 7
    page.locator("#finding-uncertified_special_work").check()
    page.click("#save-findings")
    page.wait_for_selector("#findings")
    inspection.refresh_from_db()
    assert inspection.findings == ["uncertified_special_work"]
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "inspection-onsite-phone")

    # sign: locked, the colleague still to sign
    page.locator("#sign-confirm").check()
    page.click("#sign-button")
    page.wait_for_selector("#locked-notice")
    assert page.locator(".answer-form").count() == 0 and page.locator("#sign-form").count() == 0
    assert page.locator(f"[data-signature='{w.inspector.pk}']").inner_text().strip().startswith("检查人员：王建国")
    assert page.locator(f"[data-unsigned='{w.colleague.pk}']").count() == 1
    assert no_sideways_scroll(page)
    shot(page, "inspection-signed-phone")
    inspection.refresh_from_db()
    assert inspection.signed_at is not None and inspection.signatures.count() == 1

    # the hazard in the ledger
    page.locator(f"#hazard-list [data-hazard='{hazard.pk}'] a").click()
    page.wait_for_url(f"{live_server.url}/hazards/{hazard.pk}/")
    assert "3#楼电焊作业人员张某" in page.locator("h1").inner_text()
    page.goto(f"{live_server.url}/hazards/")
    assert page.locator(f"text={hazard.title[:12]}").count() >= 1
    shot(page, "inspection-hazard-ledger-phone")

    # the checklists: the list, and the 福州 list with its blank export
    page.goto(f"{live_server.url}/inspections/checklists/")
    assert page.locator(f"[data-checklist='{w.construction.pk}']").count() == 1 and no_sideways_scroll(page)
    shot(page, "inspection-checklists-phone")
    page.goto(f"{live_server.url}/inspections/checklists/{w.construction.pk}/")
    assert page.locator("#checklist-items [data-item]").count() == 13
    with page.expect_download() as download:
        page.click("#export-blank")
    assert download.value.suggested_filename.endswith(".xlsx")
    shot(page, "inspection-checklist-phone")
    context.close()
