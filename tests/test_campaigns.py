"""Campaigns (DESIGN.md "Campaign"): the five plans load as presets with the dates, duties, schedules and
deadlines their seeds print; the schedule gives each form's periods and default as_of (REPORTS.md §0.1); the
validation names field and item; the pages show a campaign and create one from a preset."""
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from apps.audit.models import AuditEntry
from apps.audit.services import verify_chain
from apps.campaigns import schedule, services
from apps.campaigns.models import Campaign, required_sign_offs
from apps.campaigns.presets import PRESETS
from apps.regions.models import Sector
from apps.regions.sector_maps import HONGHE_ROWS

D = datetime.date



def load(preset: str, region: str, **options) -> Campaign:
    out = io.StringIO()
    call_command("load_campaign_preset", preset, region=region, stdout=out, **options)
    return Campaign.objects.get(slug=options.get("slug") or preset)


def duties(campaign: Campaign) -> set[tuple]:
    return {(d["kind"], d["every"], d["times"], tuple(d["flags"])) for d in campaign.duties}


# --- each preset, as its plan dates it ------------------------------------------------------------------------

EXPECTED_DATES = {
    "xuchang-2023": (D(2023, 5, 9), D(2023, 12, 31)),
    "haicheng-2023": (D(2023, 5, 19), D(2023, 12, 31)),
    "honghe-2023": (D(2023, 5, 15), D(2023, 12, 31)),
    "guicun-2024": (D(2024, 11, 23), D(2024, 12, 31)),
    "fuzhou-2023": (D(2023, 5, 1), D(2023, 12, 31)),
}


@pytest.mark.parametrize("code", list(PRESETS))
def test_each_preset_loads_by_command_with_its_plans_dates_and_validates(world, code):
    campaign = load(code, "4110")
    assert (campaign.start, campaign.end) == EXPECTED_DATES[code]
    assert campaign.preset == code and campaign.name == PRESETS[code]["name"]
    assert campaign.issuer == PRESETS[code]["issuer"]
    for phase in campaign.phases:
        assert campaign.start.isoformat() <= phase["start"] <= phase["end"] <= campaign.end.isoformat()
    assert AuditEntry.objects.filter(model="campaigns.campaign", object_id=str(campaign.pk)).count() == 1
    assert verify_chain() == []


def test_the_command_is_idempotent_by_slug_and_update_reapplies_the_preset(world):
    first = load("xuchang-2023", "4110")
    first.name = "改过的名称"
    first.save()
    again = load("xuchang-2023", "4110")
    assert again.pk == first.pk and again.name == "改过的名称" and Campaign.objects.count() == 1
    refreshed = load("xuchang-2023", "4110", update=True)
    assert refreshed.name == PRESETS["xuchang-2023"]["name"] and refreshed.version == 2


def test_the_command_refuses_a_slug_taken_by_another_preset_and_an_unknown_region(world):
    load("xuchang-2023", "4110", slug="x")
    with pytest.raises(CommandError, match="已被"):
        load("haicheng-2023", "4110", slug="x")
    with pytest.raises(CommandError, match="不存在"):
        load("haicheng-2023", "9999")


def test_xuchang_duties_sign_offs_schedule_and_deadlines(world):
    c = load("xuchang-2023", "4110")
    assert duties(c) == {
        ("principal_inspection", "month", 1, ()), ("principal_inspection", "month", 2, ("high_risk",)),
        ("drill", "campaign", 1, ()), ("drill", "half_year", 1, ("high_risk",)),
        ("drill", "half_year", 1, ("crowded_place",)), ("drill", "half_year", 1, ("labour_intensive",)),
    }
    assert c.sign_offs == ["acceptance_group", "county_department", "county_government", "city_department"]
    assert [p["code"] for p in c.phases] == ["mobilisation", "self_check", "enforcement", "summary"]
    assert [(p["start"], p["end"]) for p in c.phases][1:3] == [("2023-05-11", "2023-08-31"),
                                                              ("2023-09-01", "2023-11-30")]
    assert {s["template"] for s in c.schedule} == {"xuchang-county", "xuchang-department", "xuchang-list"}
    due = {d["code"]: d["due"] for d in c.deadlines}
    assert due["warning_education"] == "2023-05-30" and due["outsourcing_review"] == "2023-05-30"
    assert (due["plan_submission"], due["midterm_report"], due["summary_report"]) == (
        "2023-05-14", "2023-08-21", "2023-12-20")
    # the campaign's sign-offs are what accepting a hazard needs inside its period
    assert required_sign_offs("411002", D(2023, 6, 1)) == c.sign_offs
    assert required_sign_offs("411002", D(2024, 6, 1)) == []


def test_haicheng_and_honghe_inspect_quarterly_monthly_for_high_risk(world):
    for code in ("haicheng-2023", "honghe-2023"):
        c = load(code, "4110")
        assert duties(c) == {
            ("principal_inspection", "quarter", 1, ()), ("principal_inspection", "month", 1, ("high_risk",)),
            ("drill", "campaign", 1, ()), ("drill", "half_year", 1, ("high_risk",)),
        }, code
        assert c.sign_offs == []


def test_guicun_is_monthly_twice_for_high_risk_and_its_warning_education_is_due_15_june(world):
    c = load("guicun-2024", "411003")
    assert ("principal_inspection", "month", 2, ("high_risk",)) in duties(c)
    assert ("drill", "half_year", 1, ("labour_intensive",)) in duties(c)
    assert {d["code"]: d["due"] for d in c.deadlines}["warning_education"] == "2025-06-15"
    assert c.schedule == []


def test_fuzhou_is_monthly_with_half_yearly_drills_for_every_enterprise(world):
    c = load("fuzhou-2023", "4110", department=world.city_housing.pk)
    assert c.department == world.city_housing and c.document_no == "榕建质安〔2023〕73号"
    assert duties(c) == {("principal_inspection", "month", 1, ()), ("drill", "half_year", 1, ())}
    assert [p["end"] for p in c.phases] == ["2023-05-20", "2023-07-10", "2023-11-15", "2023-12-31"]


def test_honghe_has_the_plans_phases_tasks_and_deadlines(world):
    c = load("honghe-2023", "4110")
    assert [(p["code"], p["start"], p["end"]) for p in c.phases] == [
        ("mobilisation", "2023-05-15", "2023-05-20"), ("self_check", "2023-05-15", "2023-06-30"),
        ("enforcement", "2023-06-01", "2023-12-31"), ("summary", "2023-12-01", "2023-12-31")]
    sections = [t for p in c.phases for t in p["tasks"]]
    assert [t["section"] for t in sections] == [1, 2, 3, 4, 5, 6, 7]
    assert sum(len(t["items"]) for t in sections) == 29  # REPORTS.md §7: 29 items
    assert {d["code"]: d["due"] for d in c.deadlines}["risk_lists"] == "2023-06-25"


def test_honghe_ships_the_attachment_2_rows_mapped_onto_the_tree(world):
    c = load("honghe-2023", "4110")
    codes = [r["code"] for r in c.sector_rows]
    assert codes[:2] == ["cum", "month"] and codes[-1] == "other" and len(codes) == 28
    rows = {r["code"]: r for r in c.sector_rows}
    assert rows["cum"]["sectors"] == [] and rows["month"]["sectors"] == []
    assert set(rows["transport"]["sectors"]) == {"transport.road", "transport.water", "fishing_vessels"}
    assert rows["road_facilities"]["sectors"] == ["transport.road_facilities"]
    assert rows["road_facilities"]["parent"] is None  # a sibling of 交通运输, not a 「其中」 row
    assert rows["construction_housing"]["parent"] == "construction"
    assert rows["hydropower_large"]["sectors"] == ["hydropower.large"]
    assert [r["order"] for r in c.sector_rows] == list(range(1, 29))
    # one source: the rows are apps.regions.sector_maps.HONGHE_ROWS
    assert [(r["code"], r["label"], r["parent"] or "", r["sectors"]) for r in c.sector_rows[2:]] == [
        (code, label, parent, sectors) for code, label, parent, sectors in HONGHE_ROWS]


def test_the_tree_carries_a_code_for_every_honghe_row_that_is_not_a_seed_sector(db):
    names = dict(Sector.objects.values_list("code", "name"))
    for code in ("transport.road_facilities", "parks", "hydropower.large", "hydropower.small", "flood",
                 "old_installations", "high_risk_installations", "accident_prone"):
        assert code in names, code
    assert names["hydropower.large"] == "水电站 5万千瓦（含）以上"


def test_every_preset_sector_and_focus_code_exists(db):
    codes = set(Sector.objects.values_list("code", flat=True))
    for preset in PRESETS.values():
        for item in preset["focus"]:
            assert set(item["sectors"]) <= codes, (preset["label"], item["label"])
            assert item["sectors"], item["label"]


def test_a_start_moves_the_plan_by_whole_months_on_its_own_day_and_by_days_otherwise(db):
    moved = services.preset_values("xuchang-2023", start=D(2024, 5, 9))
    assert moved["end"] == D(2024, 12, 31)
    assert [p["end"] for p in moved["phases"]] == ["2024-05-10", "2024-08-31", "2024-11-30", "2024-12-31"]
    shifted = services.preset_values("haicheng-2023", start=D(2023, 5, 29), end=D(2023, 11, 30))
    assert shifted["phases"][0]["start"] == "2023-05-29" and shifted["end"] == D(2023, 11, 30)
    assert [p["code"] for p in shifted["phases"]] == ["mobilisation", "clearance", "enforcement"]  # cut to the end


# --- schedule: periods and default as_of ----------------------------------------------------------------------

def campaign_of(code: str) -> Campaign:
    p = PRESETS[code]
    return Campaign(slug=code, start=D.fromisoformat(p["start"]), end=D.fromisoformat(p["end"]),
                    schedule=p["schedule"])


def test_xuchang_reports_at_each_month_end_due_the_same_day():
    c = campaign_of("xuchang-2023")
    for template in ("xuchang-county", "xuchang-department", "xuchang-list"):
        periods = schedule.periods(c, template)
        assert periods[0] == (D(2023, 5, 31), D(2023, 5, 31))
        assert periods[-1] == (D(2023, 12, 31), D(2023, 12, 31)) and len(periods) == 8
    assert schedule.default_as_of(c, "xuchang-county", D(2023, 6, 15)) == D(2023, 6, 30)
    assert schedule.default_as_of(c, "xuchang-county", D(2023, 6, 30)) == D(2023, 6, 30)


def test_haicheng_cuts_off_on_the_24th_due_the_25th_from_june():
    c = campaign_of("haicheng-2023")
    periods = schedule.periods(c, "haicheng")
    assert periods[0] == (D(2023, 6, 24), D(2023, 6, 25))  # 「调度表自6月份开始上报」
    assert (D(2023, 7, 24), D(2023, 7, 25)) in periods and len(periods) == 7
    assert schedule.default_as_of(c, "haicheng", D(2023, 6, 20)) == D(2023, 6, 24)
    assert schedule.default_as_of(c, "haicheng", D(2023, 6, 25)) == D(2023, 6, 24)
    assert schedule.default_as_of(c, "haicheng", D(2023, 6, 26)) == D(2023, 7, 24)
    assert schedule.due_for(c, "haicheng", D(2023, 6, 24)) == D(2023, 6, 25)


def test_honghe_dispatch_monthly_and_statistics_three_times_a_month():
    c = campaign_of("honghe-2023")
    assert schedule.periods(c, "honghe-dispatch", D(2023, 6, 1), D(2023, 6, 30)) == [(D(2023, 6, 24), D(2023, 6, 25))]
    assert schedule.periods(c, "honghe-statistics", D(2023, 6, 1), D(2023, 6, 30)) == [
        (D(2023, 6, 4), D(2023, 6, 5)), (D(2023, 6, 14), D(2023, 6, 15)), (D(2023, 6, 24), D(2023, 6, 25))]
    # the campaign starts on 15 May: May's only statistics period is the 24th
    assert schedule.periods(c, "honghe-statistics")[0] == (D(2023, 5, 24), D(2023, 5, 25))
    assert schedule.default_as_of(c, "honghe-statistics", D(2023, 6, 10)) == D(2023, 6, 14)
    assert schedule.default_as_of(c, "honghe-dispatch", D(2023, 6, 10)) == D(2023, 6, 24)


def test_honghe_tasks_has_no_schedule_the_caller_gives_as_of():
    c = campaign_of("honghe-2023")
    assert schedule.periods(c, "honghe-tasks") == []
    assert schedule.default_as_of(c, "honghe-tasks", D(2023, 6, 10)) is None


def test_fuzhou_cuts_off_at_the_end_of_the_month_due_the_1st_of_the_next():
    c = campaign_of("fuzhou-2023")
    periods = schedule.periods(c, "fuzhou-dispatch")
    assert periods[0] == (D(2023, 5, 31), D(2023, 6, 1))  # 「本表自 6 月份开始上报」
    assert (D(2023, 6, 30), D(2023, 7, 1)) in periods
    assert periods[-1] == (D(2023, 12, 31), D(2024, 1, 1))
    assert schedule.default_as_of(c, "fuzhou-dispatch", D(2023, 6, 15)) == D(2023, 6, 30)
    assert schedule.default_as_of(c, "fuzhou-dispatch", D(2023, 7, 1)) == D(2023, 6, 30)
    assert schedule.default_as_of(c, "fuzhou-dispatch", D(2024, 3, 1)) == D(2023, 12, 31)  # after the last


def test_a_template_the_campaign_does_not_file_has_no_periods():
    c = campaign_of("haicheng-2023")
    assert schedule.periods(c, "honghe-dispatch") == []
    assert schedule.default_as_of(c, "fuzhou-dispatch", D(2023, 6, 1)) is None


def test_cutoff_days_past_a_months_end_are_clamped_and_0_reads_as_last():
    c = Campaign(start=D(2024, 1, 1), end=D(2024, 3, 31),
                 schedule=[{"template": "haicheng", "cutoff_days": [30], "due_day": 31}])
    assert schedule.periods(c, "haicheng") == [
        (D(2024, 1, 30), D(2024, 1, 31)), (D(2024, 2, 29), D(2024, 2, 29)), (D(2024, 3, 30), D(2024, 3, 31))]
    cleaned, messages = services.clean_schedule([{"template": "fuzhou-dispatch", "cutoff_days": [0], "due_day": 1}])
    assert messages == [] and cleaned[0]["cutoff_days"] == ["last"]


# --- validation -----------------------------------------------------------------------------------------------

def values(world, **changes) -> dict:
    base = services.preset_values("xuchang-2023") | {"region": world.city, "department": None}
    return base | changes


def errors_of(world, **changes) -> dict:
    with pytest.raises(ValidationError) as caught:
        services.clean_campaign(values(world, **changes))
    return caught.value.message_dict


def test_validation_names_the_field_and_the_item(world):
    phases = services.preset_values("xuchang-2023")["phases"]
    phases[1] = {**phases[1], "start": "2023-09-01", "end": "2023-08-01"}
    assert errors_of(world, phases=phases) == {"phases": ["第2项：结束日期早于开始日期"]}
    phases = services.preset_values("xuchang-2023")["phases"]
    phases[3] = {**phases[3], "end": "2024-01-31"}
    assert errors_of(world, phases=phases)["phases"][0].startswith("第4项：阶段日期须在专项行动期间")


@pytest.mark.parametrize("field, value, message", [
    ("duties", [{"kind": "drill", "every": "week", "times": 1, "flags": []}], "第1项：频次周期"),
    ("duties", [{"kind": "drill", "every": "month", "times": 0, "flags": []}], "第1项：次数"),
    ("duties", [{"kind": "drill", "every": "month", "times": 1, "flags": ["tall"]}], "第1项：企业类别“tall”不存在"),
    ("sign_offs", ["acceptance_group", "mayor"], "第2项：签字层级“mayor”不存在"),
    ("schedule", [{"template": "haicheng", "cutoff_days": [24], "due_day": 25},
                  {"template": "nowhere", "cutoff_days": [1], "due_day": 2}], "第2项：报表“nowhere”不存在"),
    ("schedule", [{"template": "haicheng", "cutoff_days": [32], "due_day": 25}], "第1项：截止日"),
    ("schedule", [{"template": "haicheng", "cutoff_days": [24]}], "第1项：报送日"),
    ("deadlines", [{"code": "a", "name": "甲", "due": "2023-13-01", "level": "enterprise"}], "第1项：完成时限"),
    ("deadlines", [{"code": "a", "name": "甲", "due": "2023-06-01", "level": "village"}], "第1项：责任层面"),
    ("focus", [{"label": "甲", "sectors": ["nope"], "items": []}], "第1项：行业领域“nope”不存在"),
    ("phases", [{"code": "a", "name": "甲", "start": "2023-06-01", "end": "2023-06-30", "color": "red"}],
     "第1项：不认识的键：color"),
    ("phases", "not a list", "应为列表"),
])
def test_each_structure_is_checked(world, field, value, message):
    problems = errors_of(world, **{field: value})
    assert any(m.startswith(message) for m in problems[field]), problems


def test_the_period_and_the_issuing_department_are_checked(world):
    assert errors_of(world, end=D(2023, 1, 1))["end"] == ["结束日期早于开始日期"]
    # a city department may run a campaign in a county of its city
    assert services.clean_campaign(values(world, region=world.county_a, department=world.city_housing))
    problems = errors_of(world, region=world.city, department=world.a_housing)
    assert problems["department"][0].startswith("印发部门“魏都区住房和城乡建设局”不属于")


def test_sector_rows_must_be_unique_have_parents_and_sectors_and_not_overlap(world):
    def problems(rows):
        return services.clean_sector_rows(rows)[1]

    row = {"code": "a", "label": "甲", "parent": None, "order": 1, "sectors": ["chemicals"]}
    assert problems([row]) == []
    assert problems([row, {**row, "order": 2}]) == ["第2项：行代码“a”重复"]
    assert problems([row, {**row, "code": "b", "parent": "zz"}]) == ["第2项：上级行“zz”不存在"]
    assert problems([{**row, "sectors": ["nope"]}]) == ["第1项：行业领域“nope”不存在"]
    assert problems([row, {**row, "code": "b"}]) == ["第2项：行业领域“chemicals”已归入第1项，不能同时归入两个行"]
    sub = {"code": "b", "label": "其中", "parent": "a", "order": 2, "sectors": ["gas"]}
    assert problems([row, sub]) == ["第2项：行业领域“gas”不在上级行“a”的范围内"]
    assert problems([{**row, "sectors": ["transport"]}, {**sub, "sectors": ["transport.road"]}]) == []


# --- the demo -------------------------------------------------------------------------------------------------

def test_the_demo_runs_the_xuchang_plan_around_today(db):
    from django.utils import timezone

    call_command("load_demo", stdout=io.StringIO())
    c = Campaign.objects.get(slug="xuchang-demo")
    today = timezone.localdate()
    assert c.preset == "xuchang-2023" and c.start <= today <= c.end
    assert c.sign_offs == PRESETS["xuchang-2023"]["sign_offs"]
    assert duties(c) == {(d["kind"], d["every"], d["times"], tuple(d["flags"]))
                         for d in PRESETS["xuchang-2023"]["duties"]}
    assert [p["code"] for p in c.phases] == ["mobilisation", "self_check", "enforcement", "summary"]
    assert schedule.default_as_of(c, "xuchang-county", today) is not None


# --- pages ----------------------------------------------------------------------------------------------------

def test_every_signed_in_user_sees_the_list_and_a_campaigns_page(world, client):
    load("honghe-2023", "4110")
    client.force_login(world.ent_user)
    listing = client.get("/campaigns/").content.decode()
    assert "红河州重大事故隐患专项排查整治2023行动" in listing and "从预设创建专项行动" not in listing
    page = client.get("/campaigns/honghe-2023/").content.decode()
    for text in ("工作阶段", "精准执法", "2023-06-01 至 2023-12-31", "1.各级安委会制定印发专项行动方案。",
                 "每季度至少1次", "高危行业的企业", "红河 附件2 工作情况统计表", "报送《重大安全风险管控责任清单》",
                 "其中：5万（含）以上", "水电站 5万千瓦（含）以上", "独柱墩桥梁"):
        assert text in page, text
    assert client.get("/campaigns/nope/").status_code == 404


def test_the_schedule_shows_the_upcoming_periods(world, client):
    from django.utils import timezone

    today = timezone.localdate()
    campaign = Campaign.objects.create(
        slug="c", name="测试", region=world.city, start=today - datetime.timedelta(days=40),
        end=today + datetime.timedelta(days=200),
        schedule=[{"template": "haicheng", "cutoff_days": [24], "due_day": 25}])
    client.force_login(world.nobody)
    page = client.get(f"/campaigns/{campaign.slug}/").content.decode()
    first = schedule.upcoming(campaign, today)[0]["next"][0]
    assert f"{first[0]:%Y-%m-%d} → {first[1]:%Y-%m-%d}" in page


def test_a_safety_office_creates_a_campaign_from_a_preset_inside_its_subtree(world, client):
    client.force_login(world.office_a_user)
    form = client.get("/campaigns/new/").content.decode()
    assert "许昌市重大事故隐患专项排查整治2023行动" in form
    assert 'value="411002"' in form and 'value="411003"' not in form
    answer = client.post("/campaigns/new/", {"preset": "haicheng-2023", "region": "411002", "slug": "wd-2023"})
    assert answer.status_code == 302 and answer["Location"] == "/campaigns/wd-2023/"
    c = Campaign.objects.get(slug="wd-2023")
    assert c.region == world.county_a and c.preset == "haicheng-2023" and c.start == D(2023, 5, 19)
    refused = client.post("/campaigns/new/", {"preset": "haicheng-2023", "region": "411003", "slug": "jb"})
    assert refused.status_code == 200 and not Campaign.objects.filter(slug="jb").exists()


def test_the_form_moves_the_plan_to_the_dates_given_and_refuses_a_taken_slug(world, client):
    client.force_login(world.admin)
    client.post("/campaigns/new/", {"preset": "xuchang-2023", "region": "4110", "slug": "xc",
                                    "start": "2024-05-09", "name": "许昌2024"})
    c = Campaign.objects.get(slug="xc")
    assert (c.name, c.start, c.end) == ("许昌2024", D(2024, 5, 9), D(2024, 12, 31))
    again = client.post("/campaigns/new/", {"preset": "xuchang-2023", "region": "4110", "slug": "xc"})
    assert "标识“xc”已被使用" in again.content.decode()


def test_only_a_safety_office_or_an_administrator_may_open_the_form(world, client):
    for user in (world.ent_user, world.city_housing_user, world.nobody):
        client.force_login(user)
        assert client.get("/campaigns/new/").status_code == 403, user.username


def test_the_admin_validates_the_json_with_the_same_rules(world, client):
    import json

    campaign = load("honghe-2023", "4110")
    client.force_login(world.admin)
    url = f"/admin/campaigns/campaign/{campaign.pk}/change/"
    assert client.get(url).status_code == 200
    form = {"name": campaign.name, "region": "4110", "department": "", "issuer": campaign.issuer,
            "document_no": "", "start": "2023-05-15", "end": "2023-12-31"}
    for key in services.JSON_FIELDS:
        form[key] = json.dumps(getattr(campaign, key), ensure_ascii=False)
    bad = dict(form, duties=json.dumps([{"kind": "drill", "every": "week", "times": 1, "flags": []}]))
    answer = client.post(url, bad)
    assert answer.status_code == 200 and "第1项：频次周期" in answer.content.decode()
    answer = client.post(url, dict(form, name="红河州行动"))
    assert answer.status_code == 302
    campaign.refresh_from_db()
    assert campaign.name == "红河州行动" and campaign.version == 2
