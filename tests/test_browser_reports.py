"""One month's 调度表 (许昌 附件3) between a county and the city in Debian's chromium (Playwright): the county
office's member makes the draft from 报表填报 and corrects one cell with its reason, the county office's leader
signs and submits it, the city office receives it on 报送情况. Screenshots of the report page (office width and
phone width), the board and the rankings land in screenshots/."""
import datetime
import re

import pytest

from apps.campaigns.models import Campaign
from apps.hazards.models import Hazard, Level, Source, Status
from apps.reports.models import Report, ReportStatus
from tests.browser import DESKTOP, MARKS, PHONE, SCREENSHOTS, sign_in
from tests.world import _user, build_world

pytestmark = MARKS

SCHEDULE = [{"template": code, "cutoff_days": ["last"], "due_day": "last"}
            for code in ("xuchang-county", "xuchang-department", "xuchang-list")]


def month_end(day: datetime.date) -> datetime.date:
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


@pytest.fixture
def browser_world(db):
    w = build_world()
    today = datetime.date.today()
    Campaign.objects.create(slug="xuchang", name="许昌市重大事故隐患专项排查整治2023行动", region=w.city,
                            issuer="许昌市安全生产委员会", start=today - datetime.timedelta(days=90),
                            end=today + datetime.timedelta(days=270), schedule=SCHEDULE,
                            sign_offs=["acceptance_group", "county_department"])
    for days, closed in ((20, True), (12, False), (3, False)):
        Hazard.objects.create(
            enterprise=w.chem_a, region=w.county_a, title="液氨储罐区可燃气体报警器失效", level=Level.MAJOR,
            source=Source.SELF, sector_id="chemicals", found_on=today - datetime.timedelta(days=days),
            department=w.a_emergency, status=Status.CLOSED if closed else Status.RECTIFYING,
            closed_on=today - datetime.timedelta(days=1) if closed else None,
            deadline=today - datetime.timedelta(days=2) if days == 12 else None)
    Hazard.objects.create(
        enterprise=w.chem_b, region=w.county_b, title="反应釜安全阀未校验", level=Level.MAJOR, source=Source.DEPARTMENT,
        sector_id="chemicals", found_on=today - datetime.timedelta(days=8), department=w.b_emergency,
        found_by_department=w.b_emergency, status=Status.RECTIFYING)
    w.office_a_leader = _user("office_a_leader", ("safety_office", w.county_a, "leader"))
    return w


def shot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_county_files_a_month_and_the_city_receives_it(browser, live_server, browser_world):
    from playwright.sync_api import expect

    w = browser_world
    as_of = month_end(datetime.date.today())

    # --- the county office's member makes the draft from 报表填报 -----------------------------------------------
    member, page = sign_in(browser, live_server, "office_a")
    page.click("#main-nav a.nav-link[href='/reports/']")
    page.wait_for_url("**/reports/")
    row = page.locator(f".template-block[data-template=xuchang-county] tr.period-row[data-as-of='{as_of}']")
    expect(row).to_have_attribute("data-status", "missing")
    expect(row.locator(".report-status")).to_have_text("未填报")
    shot(page, "report-index-desktop")
    row.locator("button.file-report").click()
    page.wait_for_url(re.compile(r".*/reports/\d+/$"))
    report = Report.objects.get(template="xuchang-county", region=w.county_a, as_of=as_of)
    assert report.status == ReportStatus.DRAFT and report.cells["1.1"] == 3 and report.cells["1.2"] == 1
    expect(page.locator("#sheet-title")).to_contain_text("进展情况统计表（县市区）")
    expect(page.locator("tr[data-key='1.1'] td.computed")).to_have_text("3")

    # one cell corrected; without a reason first, which the page refuses beside the cell
    page.fill("#id_v_1_1", "4")
    page.click("#save")
    expect(page.locator("tr[data-key='1.1'] .invalid-feedback")).to_have_text("更正须说明理由")
    page.fill("#id_r_1_1", "一处隐患登记在纸质台账，尚未录入平台")
    page.fill("#id_preparer", "张敏")
    page.click("#save")
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    expect(page.locator("tr[data-key='1.1']")).to_have_class(re.compile("corrected"))
    expect(page.locator("tr[data-key='1.1'] td.computed")).to_have_text("3")  # the computed value stays
    assert page.input_value("#id_v_1_1") == "4"
    expect(page.locator("#submit")).to_have_count(0)  # a member drafts; the leader submits
    report.refresh_from_db()
    assert report.overrides["1.1"] == {"value": 4, "reason": "一处隐患登记在纸质台账，尚未录入平台"}
    member.close()

    phone, mobile = sign_in(browser, live_server, "office_a", viewport=PHONE)
    mobile.goto(f"{live_server.url}/reports/{report.pk}/")
    expect(mobile.locator("#id_r_1_1")).to_be_visible()
    assert no_sideways_scroll(mobile)
    shot(mobile, "report-draft-phone")
    phone.close()

    # --- the county office's leader signs and submits -------------------------------------------------------
    leader, page = sign_in(browser, live_server, "office_a_leader")
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    page.fill("#id_reviewer", "李强")
    page.fill("#id_principal", "王建国")
    shot(page, "report-draft-desktop")
    page.click("#submit")
    expect(page.locator("#report-status .report-status")).to_have_text("已报送")
    expect(page.locator("#signer-principal")).to_have_text("王建国")
    expect(page.locator("tr[data-key='1.1'] td.figure-final")).to_have_text("4")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and (report.preparer, report.reviewer, report.principal) == (
        "张敏", "李强", "王建国")
    shot(page, "report-submitted-desktop")
    leader.close()

    phone, mobile = sign_in(browser, live_server, "office_a_leader", viewport=PHONE)
    mobile.goto(f"{live_server.url}/reports/{report.pk}/")
    expect(mobile.locator("tr[data-key='1.1'] td.figure-final")).to_be_visible()
    assert no_sideways_scroll(mobile)
    shot(mobile, "report-submitted-phone")
    phone.close()

    # --- the city office receives it on 报送情况 ------------------------------------------------------------------
    city, page = sign_in(browser, live_server, "office_city", viewport=DESKTOP)
    page.goto(f"{live_server.url}/reports/")
    page.click("#report-tabs a:has-text('报送情况')")
    page.wait_for_url("**/reports/board/")
    a_row = page.locator("tr.board-row[data-filer='411002']")
    b_row = page.locator("tr.board-row[data-filer='411003']")
    expect(a_row).to_have_attribute("data-status", "submitted")
    expect(b_row).to_have_attribute("data-status", "missing")
    expect(page.locator("[data-count=submitted] strong")).to_have_text("1")
    expect(page.locator("[data-count=missing] strong")).to_have_text("1")
    b_row.locator("button.remind-button").click()
    expect(page.locator(".alert-success")).to_contain_text("已向建安区催报")
    a_row.locator("button.receive-button").click()
    expect(page.locator(".alert-success")).to_contain_text("已接收")
    expect(a_row).to_have_attribute("data-status", "received")
    expect(a_row.locator(".report-status")).to_have_text("已接收")
    expect(page.locator("[data-count=received] strong")).to_have_text("1")
    report.refresh_from_db()
    assert report.status == ReportStatus.RECEIVED and report.received_by == w.office_city_user
    shot(page, "report-board-desktop")

    page.click("#report-tabs a:has-text('排名通报')")
    page.wait_for_url("**/reports/rankings/")
    expect(page.locator("#region-chart svg")).to_have_count(1)
    expect(page.locator("#region-ranking tr.ranking-row").first).to_have_attribute("data-key", "411002")
    shot(page, "report-rankings-desktop")
    city.close()

    phone, mobile = sign_in(browser, live_server, "office_city", viewport=PHONE)
    mobile.goto(f"{live_server.url}/reports/board/")
    expect(mobile.locator("tr.board-row")).to_have_count(2)
    expect(mobile.locator("tr.board-row[data-filer='411003'] button.remind-button")).to_be_in_viewport()
    assert no_sideways_scroll(mobile)
    shot(mobile, "report-board-phone")
    mobile.goto(f"{live_server.url}/reports/rankings/")
    expect(mobile.locator("#region-chart svg")).to_have_count(1)
    assert no_sideways_scroll(mobile)
    shot(mobile, "report-rankings-phone")
    phone.close()
