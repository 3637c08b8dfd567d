"""The report pages (DESIGN.md "Report", "Who may do what": reports): 报表填报 lists what the acting office or
department files, the report page makes and corrects a draft (a correction needs its reason, the computed value
stays beside it), only a leader submits, the level above receives, a report outside one's scope is 404, the
board shows who is missing or late and 催报 records a reminder, and a frozen report shows the difference from
today's records."""
import datetime
import html
import re

import pytest
from django.utils import timezone

from apps.campaigns.models import Campaign
from apps.hazards.models import Hazard, Level, Source, Status
from apps.reports import services
from apps.reports.models import Reminder, Report, ReportStatus
from apps.reports.templates import REGION, TEMPLATES
from tests.world import _user

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
SCHEDULE = [{"template": code, "cutoff_days": ["last"], "due_day": "last"}
            for code in ("xuchang-county", "xuchang-department", "xuchang-list")]


def month_end(day: datetime.date) -> datetime.date:
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


THIS_PERIOD = month_end(TODAY)
LAST_PERIOD = TODAY.replace(day=1) - datetime.timedelta(days=1)


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def hazard(w, enterprise, found_on, closed_on=None, source=Source.SELF):
    return Hazard.objects.create(
        enterprise=enterprise, region=enterprise.region, title="储罐区报警器失效", level=Level.MAJOR, source=source,
        sector_id=enterprise.ordered_sector_codes()[0], found_on=found_on, department=w.a_emergency,
        status=Status.CLOSED if closed_on else Status.REPORTED, closed_on=closed_on)


@pytest.fixture
def campaign(world):
    return Campaign.objects.create(slug="xuchang", name="许昌市重大事故隐患专项排查整治行动", region=world.city,
                                  start=TODAY - datetime.timedelta(days=90), end=TODAY + datetime.timedelta(days=270),
                                  schedule=SCHEDULE)


@pytest.fixture
def leaders(world):
    return {
        "a": _user("office_a_leader", ("safety_office", world.county_a, "leader")),
        "b": _user("office_b_leader", ("safety_office", world.county_b, "leader")),
    }


def login(client, user):
    client.force_login(user)
    return client


def draft_of(world, campaign, as_of=THIS_PERIOD):
    return services.report_draft(actor=world.office_a_user, template="xuchang-county", campaign=campaign,
                                 as_of=as_of, region=world.county_a)


def submitted(world, campaign, leaders, as_of=THIS_PERIOD):
    report = draft_of(world, campaign, as_of)
    return services.report_submit(actor=leaders["a"], report=report, preparer="张三", reviewer="李四",
                                  principal="王五")


# --- 报表填报 ---------------------------------------------------------------------------------------------------

def test_the_office_sees_its_region_forms_period_by_period(client, world, campaign):
    response = login(client, world.office_a_user).get("/reports/")
    assert response.status_code == 200
    body = text(response)
    assert "魏都区安委办" in body and "许昌 附件3" in body and "许昌 附件5" in body
    assert "许昌 附件4" not in body  # a department's form
    assert f'data-as-of="{THIS_PERIOD.isoformat()}" data-status="missing"' in body
    assert "未填报" in body and "填报</button>" in body and 'class="nav-link active" href="/reports/"' in body


def test_the_department_sees_its_department_form(client, world, campaign):
    body = text(login(client, world.city_housing_user).get("/reports/"))
    assert "许昌市住房和城乡建设局" in body and "许昌 附件4" in body and "许昌 附件3" not in body
    unit = text(login(client, world.station_user).get("/reports/"))
    assert 'id="unit-note"' in unit and "许昌市住房和城乡建设局" in unit
    enterprise = text(login(client, world.ent_user).get("/reports/"))
    assert 'id="no-filer"' in enterprise


def test_the_city_office_files_nothing_upward_in_its_own_campaign(client, world, campaign):
    body = text(login(client, world.office_city_user).get("/reports/"))
    assert 'id="own-campaigns"' in body and "报送情况" in body and "排名通报" in body


def test_a_draft_is_made_from_the_page_and_opened_again(client, world, campaign):
    hazard(world, world.chem_a, TODAY - datetime.timedelta(days=5))
    client = login(client, world.office_a_user)
    data = {"campaign": "xuchang", "template": "xuchang-county", "as_of": THIS_PERIOD.isoformat()}
    response = client.post("/reports/new/", data)
    report = Report.objects.get(template="xuchang-county", region=world.county_a, as_of=THIS_PERIOD)
    assert response.status_code == 302 and response.url == f"/reports/{report.pk}/"
    assert report.status == ReportStatus.DRAFT and report.cells["1.1"] == 1 and report.created_by == world.office_a_user
    again = client.post("/reports/new/", data)
    assert again.url == f"/reports/{report.pk}/" and Report.objects.count() == 1
    page = text(client.get(f"/reports/{report.pk}/"))
    assert "全市重大事故隐患专项排查整治2023行动进展情况统计表（县市区）" in page
    assert "一、重大事故隐患排查整治情况" in page and "企业自查发现的重大事故隐患" in page
    assert 'name="v_1_1"' in page and 'name="r_1_1"' in page and 'id="recompute"' in page
    listed = text(client.get("/reports/"))
    assert f'data-as-of="{THIS_PERIOD.isoformat()}" data-status="draft"' in listed and "打开" in listed


def test_a_form_the_filer_does_not_file_is_refused(client, world, campaign):
    client = login(client, world.office_a_user)
    other = client.post("/reports/new/", {"campaign": "xuchang", "template": "xuchang-department",
                                          "as_of": THIS_PERIOD.isoformat()})
    assert other.status_code == 404 and not Report.objects.exists()
    enterprise = login(client, world.ent_user).post("/reports/new/", {
        "campaign": "xuchang", "template": "xuchang-county", "as_of": THIS_PERIOD.isoformat()})
    assert enterprise.status_code == 403


def test_a_correction_needs_a_reason_and_keeps_the_computed_value(client, world, campaign):
    hazard(world, world.chem_a, TODAY - datetime.timedelta(days=5))
    report = draft_of(world, campaign)
    client = login(client, world.office_a_user)
    no_reason = client.post(f"/reports/{report.pk}/", {"version": report.version, "v_1_1": "3", "r_1_1": ""})
    assert no_reason.status_code == 400 and "更正须说明理由" in text(no_reason)
    assert Report.objects.get(pk=report.pk).overrides == {}
    saved = client.post(f"/reports/{report.pk}/", {"version": report.version, "v_1_1": "3",
                                                   "r_1_1": "两处隐患登记在纸质台账", "preparer": "张三"})
    assert saved.status_code == 302
    report.refresh_from_db()
    assert report.overrides == {"1.1": {"value": 3, "reason": "两处隐患登记在纸质台账"}}
    assert report.cells["1.1"] == 1 and report.preparer == "张三"
    page = text(client.get(f"/reports/{report.pk}/"))
    row = re.search(r'<tr class="cell-row corrected" data-key="1.1">.*?</tr>', page).group(0)
    assert '<td class="col-figure computed" data-label="计算值">1</td>' in row and 'value="3"' in row
    assert "两处隐患登记在纸质台账" in row and "已更正 <strong>1</strong> 项" in page
    stale = client.post(f"/reports/{report.pk}/", {"version": 1, "v_1_1": "4", "r_1_1": "又补录一处"})
    assert stale.status_code == 409 and "已被他人修改" in text(stale)
    removed = client.post(f"/reports/{report.pk}/", {"version": report.version, "v_1_1": "", "r_1_1": ""})
    assert removed.status_code == 302 and Report.objects.get(pk=report.pk).overrides == {}


def test_a_member_cannot_submit_the_leader_can(client, world, campaign, leaders):
    report = draft_of(world, campaign)
    member = login(client, world.office_a_user)
    page = text(member.get(f"/reports/{report.pk}/"))
    assert 'id="save"' in page and 'id="submit"' not in page and "负责人操作" in page
    refused = member.post(f"/reports/{report.pk}/submit/", {"version": report.version, "preparer": "张三",
                                                            "reviewer": "李四", "principal": "王五"})
    assert refused.status_code == 403 and Report.objects.get(pk=report.pk).status == ReportStatus.DRAFT

    leader = login(client, leaders["a"])
    assert 'id="submit"' in text(leader.get(f"/reports/{report.pk}/"))
    unsigned = leader.post(f"/reports/{report.pk}/submit/", {"version": report.version, "preparer": "张三"})
    assert unsigned.status_code == 400 and "报送前须填写审核人" in text(unsigned)
    assert Report.objects.get(pk=report.pk).preparer == ""  # nothing half-written
    done = leader.post(f"/reports/{report.pk}/submit/", {"version": report.version, "preparer": "张三",
                                                         "reviewer": "李四", "principal": "王五"})
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.submitted_by == leaders["a"]
    assert (report.preparer, report.reviewer, report.principal) == ("张三", "李四", "王五")
    frozen = text(leader.get(f"/reports/{report.pk}/"))
    assert 'id="frozen-note"' in frozen and 'name="v_1_1"' not in frozen and "已报送" in frozen
    assert '<span class="signer-name" id="signer-principal">王五</span>' in frozen
    again = leader.post(f"/reports/{report.pk}/", {"version": report.version, "preparer": "赵六"})
    assert again.status_code == 302 and Report.objects.get(pk=report.pk).preparer == "张三"


def test_the_city_office_receives_and_the_county_cannot(client, world, campaign, leaders):
    report = submitted(world, campaign, leaders)
    county = login(client, leaders["a"])
    assert 'id="receive"' not in text(county.get(f"/reports/{report.pk}/"))
    assert county.post(f"/reports/{report.pk}/receive/").status_code == 403
    city = login(client, world.office_city_user)
    page = text(city.get(f"/reports/{report.pk}/"))
    assert 'id="receive"' in page and 'name="v_1_1"' not in page
    response = city.post(f"/reports/{report.pk}/receive/")
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.RECEIVED and report.received_by == world.office_city_user
    assert "已接收" in text(city.get(f"/reports/{report.pk}/"))


def test_another_county_does_not_see_the_report(client, world, campaign, leaders):
    report = draft_of(world, campaign)
    other = login(client, leaders["b"])
    assert other.get(f"/reports/{report.pk}/").status_code == 404
    assert other.post(f"/reports/{report.pk}/", {"version": 1, "preparer": "x"}).status_code == 404
    assert other.post(f"/reports/{report.pk}/recompute/").status_code == 404
    assert login(client, world.ent_user).get(f"/reports/{report.pk}/").status_code == 404


def test_recompute_is_the_filers_and_updates_the_draft(client, world, campaign):
    report = draft_of(world, campaign)
    hazard(world, world.chem_a, TODAY - datetime.timedelta(days=1))
    assert login(client, world.office_city_user).post(f"/reports/{report.pk}/recompute/").status_code == 403
    assert login(client, world.office_a_user).post(f"/reports/{report.pk}/recompute/").status_code == 302
    assert Report.objects.get(pk=report.pk).cells["1.1"] == 1


def test_the_difference_is_shown_after_a_record_changes(client, world, campaign, leaders):
    hazard(world, world.chem_a, TODAY - datetime.timedelta(days=5))
    report = submitted(world, campaign, leaders)
    client = login(client, world.office_a_user)
    assert 'id="no-difference"' in text(client.get(f"/reports/{report.pk}/"))
    hazard(world, world.chem_a, TODAY - datetime.timedelta(days=3))  # entered after submission, dated before
    page = text(client.get(f"/reports/{report.pk}/"))
    row = re.search(r'<tr data-key="1.1">.*?</tr>', page).group(0)
    assert '<td class="text-end submitted">1</td>' in row and '<td class="text-end now">2</td>' in row
    assert "+1" in row
    assert Report.objects.get(pk=report.pk).cells["1.1"] == 1


def test_the_department_files_and_the_city_office_receives(client, world, campaign):
    client = login(client, world.city_housing_user)
    client.post("/reports/new/", {"campaign": "xuchang", "template": "xuchang-department",
                                  "as_of": THIS_PERIOD.isoformat()})
    report = Report.objects.get(department=world.city_housing)
    page = text(client.get(f"/reports/{report.pk}/"))
    assert "填报部门" in page and "市安委会成员单位" in page and 'id="submit"' in page
    client.post(f"/reports/{report.pk}/submit/", {"version": report.version, "preparer": "甲", "reviewer": "乙",
                                                  "principal": "丙"})
    assert Report.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED
    login(client, world.office_city_user).post(f"/reports/{report.pk}/receive/")
    assert Report.objects.get(pk=report.pk).status == ReportStatus.RECEIVED


def test_the_list_form_shows_its_rows(client, world, campaign):
    hazard(world, world.chem_a, TODAY - datetime.timedelta(days=5))
    client = login(client, world.office_a_user)
    client.post("/reports/new/", {"campaign": "xuchang", "template": "xuchang-list", "as_of": THIS_PERIOD.isoformat()})
    report = Report.objects.get(template="xuchang-list")
    page = text(client.get(f"/reports/{report.pk}/"))
    assert 'id="list-rows"' in page and "魏都化工有限公司" in page and "储罐区报警器失效" in page
    assert "目前采取的管控措施" in page and 'name="preparer"' in page


def test_a_phone_sized_page_needs_no_other_markup(client, world, campaign):
    """The same page stacks at phone width by CSS alone: every figure carries its label."""
    report = draft_of(world, campaign)
    page = text(login(client, world.office_a_user).get(f"/reports/{report.pk}/"))
    assert 'data-label="计算值"' in page and "@media (max-width: 767.98px)" in page


# --- 报送情况 -----------------------------------------------------------------------------------------------------

def board_row(body: str, key: str) -> str:
    return re.search(rf'<tr class="board-row" data-filer="{key}".*?</tr>', body).group(0)


def test_the_board_shows_submitted_late_and_missing_and_reminds(client, world, campaign, leaders):
    submitted(world, campaign, leaders, as_of=LAST_PERIOD)  # submitted today: after last month's due day
    client = login(client, world.office_city_user)
    url = f"/reports/board/?campaign=xuchang&template=xuchang-county&as_of={LAST_PERIOD.isoformat()}"
    body = text(client.get(url))
    a, b = board_row(body, "411002"), board_row(body, "411003")
    assert 'data-status="submitted"' in a and "迟报" in a and "接收</button>" in a and "催报" not in a
    assert 'data-status="missing"' in b and "未报送" in b and "迟报" in b and "催报" in b
    counts = dict(re.findall(r'data-count="(\w+)"><span[^>]*>[^<]*</span><strong>(\d+)</strong>', body))
    assert counts == {"expected": "2", "submitted": "1", "received": "0", "draft": "0", "missing": "1",
                      "late": "2"}

    response = client.post("/reports/board/remind/", {"campaign": "xuchang", "template": "xuchang-county",
                                                      "as_of": LAST_PERIOD.isoformat(), "region": "411003",
                                                      "note": "请尽快报送"})
    assert response.status_code == 302 and "as_of=" in response.url
    reminder = Reminder.objects.get()
    assert (reminder.region, reminder.as_of, reminder.sent_by) == (world.county_b, LAST_PERIOD,
                                                                  world.office_city_user)
    b = board_row(text(client.get(url)), "411003")
    assert timezone.localtime(reminder.sent_at).strftime("%m-%d %H:%M") in b

    received = client.post(f"/reports/{Report.objects.get().pk}/receive/", {"next": url})
    assert received.status_code == 302 and received.url == url
    assert 'data-status="received"' in board_row(text(client.get(url)), "411002")


def test_the_board_is_the_offices_and_reminding_is_the_level_above(client, world, campaign, leaders):
    assert login(client, world.city_housing_user).get("/reports/board/").status_code == 403
    county = login(client, leaders["a"])
    assert county.get("/reports/board/").status_code == 200
    refused = county.post("/reports/board/remind/", {"campaign": "xuchang", "template": "xuchang-county",
                                                     "as_of": LAST_PERIOD.isoformat(), "region": "411003"})
    assert refused.status_code == 403 and not Reminder.objects.exists()


def test_the_board_defaults_to_the_current_period_and_lists_departments(client, world, campaign):
    client = login(client, world.office_city_user)
    body = text(client.get("/reports/board/?campaign=xuchang&template=xuchang-department"))
    assert f"统计截止 <strong>{THIS_PERIOD.isoformat()}</strong>" in body
    assert f'data-filer="d{world.city_housing.pk}"' in body
    assert f'data-filer="d{world.city_housing_station.pk}"' not in body  # a unit files with its parent


# --- 排名通报 and export ----------------------------------------------------------------------------------------

def test_the_rankings_page_renders_for_an_office(client, world, campaign):
    hazard(world, world.chem_a, TODAY - datetime.timedelta(days=5), closed_on=TODAY - datetime.timedelta(days=1))
    hazard(world, world.chem_b, TODAY - datetime.timedelta(days=5))
    client = login(client, world.office_city_user)
    body = text(client.get("/reports/rankings/?period=month&measure=rate"))
    assert 'id="region-ranking"' in body and 'id="department-ranking"' in body
    first = re.search(r'<tr class="ranking-row" data-key="(\d+)" data-rank="1">', body).group(1)
    assert first == "411002"
    assert 'id="region-chart-data"' in body and "/static/js/rankings.js" in body
    assert login(client, world.city_housing_user).get("/reports/rankings/").status_code == 403
    future = (TODAY + datetime.timedelta(days=2)).isoformat()
    assert "不能晚于今天" in text(login(client, world.office_city_user).get(f"/reports/rankings/?on={future}"))


def test_the_export_link_gives_the_official_workbook_when_it_exists(client, world, campaign):
    import importlib.util

    report = draft_of(world, campaign)
    client = login(client, world.office_a_user)
    page = text(client.get(f"/reports/{report.pk}/"))
    if importlib.util.find_spec("apps.reports.xlsx") is None:
        assert 'id="export-link"' not in page
        assert client.get(f"/reports/{report.pk}/export/").status_code == 404
        return
    assert 'id="export-link"' in page
    response = client.get(f"/reports/{report.pk}/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize("code", sorted(TEMPLATES))
def test_every_form_renders_as_a_draft_and_frozen(client, world, code):
    """Each form of the catalogue, filed by a county or by a department of its kind, opens as a draft with its
    inputs and, once submitted, as a frozen sheet with its difference."""
    template = TEMPLATES[code]
    campaign = Campaign.objects.create(slug="plain", name="专项行动", region=world.city, department=world.city_housing,
                                       start=TODAY - datetime.timedelta(days=90),
                                       end=TODAY + datetime.timedelta(days=30))
    hazard(world, world.chem_a, TODAY - datetime.timedelta(days=5))
    if REGION in template.scopes and not template.line:
        actor, leader, scope = world.office_a_user, _user("leader_a", ("safety_office", world.county_a, "leader")), \
            {"region": world.county_a}
    else:
        actor = leader = _user("housing_leader", ("department", world.a_housing, "leader"))
        scope = {"department": world.a_housing}
    report = services.report_draft(actor=actor, template=code, campaign=campaign, as_of=TODAY, **scope)
    draft = login(client, actor).get(f"/reports/{report.pk}/")
    assert draft.status_code == 200
    assert template.title in text(draft) and 'name="preparer"' in text(draft)
    services.report_submit(actor=leader, report=report, preparer="甲", reviewer="乙", principal="丙")
    frozen = login(client, leader).get(f"/reports/{report.pk}/")
    assert frozen.status_code == 200 and 'id="difference"' in text(frozen)


# --- 总结评估报告 ------------------------------------------------------------------------------------------------

def test_the_campaign_summary_downloads_for_the_acting_office_and_counts_its_own_region(client, world, campaign):
    import io

    from docx import Document

    hazard(world, world.chem_a, TODAY - datetime.timedelta(days=10))  # open, in county A
    hazard(world, world.chem_b, TODAY - datetime.timedelta(days=10))  # county B: not A's
    index = login(client, world.office_a_user).get("/reports/")
    assert f"/reports/summary/{campaign.slug}/" in index.content.decode()
    answer = client.get(f"/reports/summary/{campaign.slug}/")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    document = Document(io.BytesIO(answer.content))
    body = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "魏都化工有限公司" in body and "建安化工有限公司" not in body
    assert login(client, world.ent_user).get(f"/reports/summary/{campaign.slug}/").status_code == 403
