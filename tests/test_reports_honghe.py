"""红河 附件2 `honghe-statistics` (REPORTS.md §6) and 附件3 `honghe-tasks` (§7) on a small world whose right
figures are known by construction: a 州 (5325) with two counties (A 532501 with a township T, B 532502),
州-level departments (one with a subordinate unit, one without sectors), county departments, and enterprises
placed so that each rule has a case that must count and one that must not."""
import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from apps.campaigns.models import Campaign
from apps.core.uscc import make_uscc
from apps.enterprises.models import Enterprise, EnterpriseDepartment, EnterpriseSector, EnterpriseState
from apps.hazards.models import Hazard, Listing
from apps.inspections.models import EnforcementAction, Inspection
from apps.regions.models import Department, Region
from apps.reports import honghe
from apps.reports.compute import compute, compute_many
from apps.reports.templates import TEMPLATES
from apps.work.models import Activity, Problem, Risk

D = datetime.date
AS_OF = D(2023, 8, 24)

SECTOR_ROWS = [
    {"code": "cum", "label": "累计总计", "parent": None, "order": 1, "sectors": []},
    {"code": "month", "label": "本月总计", "parent": None, "order": 2, "sectors": []},
    {"code": "transport", "label": "交通运输", "parent": None, "order": 3,
     "sectors": ["transport.road", "transport.water", "fishing_vessels"]},
    {"code": "construction", "label": "建设项目", "parent": None, "order": 5, "sectors": ["construction"]},
    {"code": "construction_housing", "label": "其中：房屋市政", "parent": "construction", "order": 6,
     "sectors": ["construction.housing"]},
    {"code": "gas", "label": "燃气设施", "parent": None, "order": 15, "sectors": ["gas"]},
    {"code": "chemicals", "label": "化工和危化品", "parent": None, "order": 17, "sectors": ["chemicals"]},
    {"code": "industry_trade", "label": "工贸", "parent": None, "order": 20, "sectors": ["industry_trade"]},
    {"code": "hydropower", "label": "水电站", "parent": None, "order": 21, "sectors": ["hydropower"]},
    {"code": "hydropower_large", "label": "其中：5万（含）以上", "parent": "hydropower", "order": 22,
     "sectors": ["hydropower.large"]},
    # `school` is deliberately left out: a school's records fall in `other`
    {"code": "other", "label": "其他", "parent": None, "order": 28, "sectors": ["explosives"]},
]
PHASES = [
    {"code": "mobilisation", "name": "动员部署", "start": "2023-05-15", "end": "2023-05-20"},
    {"code": "self_check", "name": "自查自改和督导帮扶", "start": "2023-05-15", "end": "2023-06-30"},
    {"code": "enforcement", "name": "精准执法", "start": "2023-06-01", "end": "2023-12-31"},
    {"code": "summary", "name": "总结提高", "start": "2023-12-01", "end": "2023-12-31"},
]
DUTIES = [
    {"kind": "principal_inspection", "every": "quarter", "times": 1, "flags": []},
    {"kind": "principal_inspection", "every": "month", "times": 1, "flags": ["high_risk"]},
    {"kind": "drill", "every": "campaign", "times": 1, "flags": []},
    {"kind": "drill", "every": "half_year", "times": 1, "flags": ["high_risk"]},
]
COUNT_COLUMNS = [n for n, *_ in honghe.COLUMNS if n not in honghe.RATES and n not in honghe.ENTERPRISE_COLUMNS]
TOP_ROWS = [code for code, _label, parent in honghe.ROWS if parent is None and code not in ("cum", "month")]


def _department(name, kind, region, sectors=(), parent=None):
    d = Department.objects.create(name=name, kind=kind, region=region, parent=parent)
    d.sectors.set(sectors)
    return d


def _enterprise(n, region, sectors, departments=(), **fields):
    e = Enterprise.objects.create(name=f"企业{n}", uscc=make_uscc(n, region.code), region=region, **fields)
    EnterpriseSector.objects.bulk_create(EnterpriseSector(enterprise=e, sector_id=s, order=i)
                                         for i, s in enumerate(sectors))
    EnterpriseDepartment.objects.bulk_create(EnterpriseDepartment(enterprise=e, department=d) for d in departments)
    return e


def hazard(region, sector, source, department, found_on, *, enterprise=None, found_by=None, level="major",
           planned_on=None, closed_on=None):
    return Hazard.objects.create(
        region=region, enterprise=enterprise, title=f"隐患 {sector} {found_on}", level=level, source=source,
        sector_id=sector, found_on=found_on, department=department,
        found_by_department=found_by if source != "self" else None, planned_on=planned_on, closed_on=closed_on,
        status="closed" if closed_on else ("rectifying" if planned_on else "reported"))


def listing(h, listed_on, authority_department=None):
    return Listing.objects.create(hazard=h, authority_region_id=h.region_id, authority_department=authority_department,
                                  document_no=f"督〔{listed_on.year}〕{h.pk}号", listed_on=listed_on,
                                  deadline=listed_on + datetime.timedelta(days=90))


def activity(kind, region, occurred_on, *, department=None, enterprise=None, sector=None, count=1, people=0,
             media_level=None):
    return Activity.objects.create(kind=kind, region=region, occurred_on=occurred_on, department=department,
                                   enterprise=enterprise, sector_id=sector, count=count, people=people,
                                   media_level=media_level)


def inspection(enterprise, kind, inspected_on, department=None, *, mode="", led_by_principal=False):
    return Inspection.objects.create(enterprise=enterprise, kind=kind, inspected_on=inspected_on,
                                     department=department, mode=mode, led_by_principal=led_by_principal)


def action(department, enterprise, kind, decided_on, *, amount=None, case_no="", persons=0,
           against_principal=False):
    return EnforcementAction.objects.create(department=department, enterprise=enterprise, kind=kind,
                                            decided_on=decided_on, amount=amount, case_no=case_no, persons=persons,
                                            against_principal=against_principal)


@pytest.fixture
def base(db):
    w = SimpleNamespace()
    w.province = Region.objects.create(code="53", name="云南省", level=1)
    w.zhou = Region.objects.create(code="5325", name="红河哈尼族彝族自治州", level=2, parent=w.province)
    w.a = Region.objects.create(code="532501", name="个旧市", level=3, parent=w.zhou)
    w.b = Region.objects.create(code="532502", name="开远市", level=3, parent=w.zhou)
    w.t = Region.objects.create(code="532501001", name="城区街道", level=4, parent=w.a)

    w.z_emergency = _department("州应急管理局", "emergency", w.zhou, ["chemicals", "industry_trade"])
    w.z_housing = _department("州住房和城乡建设局", "housing", w.zhou, ["construction", "gas"])
    w.z_station = _department("州建设工程安全监督站", "housing", w.zhou, ["construction.housing"], parent=w.z_housing)
    w.z_transport = _department("州交通运输局", "transport", w.zhou, ["transport"])
    w.z_propaganda = _department("州委宣传部", "propaganda", w.zhou)
    w.a_emergency = _department("个旧市应急管理局", "emergency", w.a, ["chemicals", "industry_trade"])
    w.a_housing = _department("个旧市住房和城乡建设局", "housing", w.a, ["construction"])
    w.b_emergency = _department("开远市应急管理局", "emergency", w.b, ["chemicals", "industry_trade"])
    w.t_office = _department("城区街道应急办", "township_office", w.t, ["industry_trade"])

    w.e_mixed = _enterprise(1, w.a, ["gas", "construction.housing"], [w.a_housing, w.z_station])
    w.e_chem = _enterprise(2, w.a, ["chemicals"], [w.a_emergency], high_risk=True)
    w.e_town = _enterprise(3, w.t, ["industry_trade"], [w.t_office])
    w.e_school = _enterprise(4, w.a, ["school"], [w.a_emergency])
    w.e_closed = _enterprise(5, w.a, ["chemicals"], [w.a_emergency], state=EnterpriseState.CLOSED)
    w.e_b = _enterprise(6, w.b, ["chemicals"], [w.b_emergency])

    w.campaign = Campaign.objects.create(
        slug="honghe-test", name="红河州重大事故隐患专项排查整治2023行动", region=w.zhou, start=D(2023, 5, 15),
        end=D(2023, 12, 31), phases=PHASES, duties=DUTIES, sector_rows=SECTOR_ROWS)
    return w


def stats(w, *, region=None, department=None, as_of=AS_OF):
    return compute("honghe-statistics", w.campaign, as_of, region=region, department=department)["cells"]


def tasks(w, *, region=None, department=None, as_of=AS_OF):
    return compute("honghe-tasks", w.campaign, as_of, region=region, department=department)["cells"]


# ==========================================================================================================
# 附件2
# ==========================================================================================================
@pytest.fixture
def sw(base):
    """The statistics world: as_of 2023-08-24, so Y = 2023-01-01…08-24 and Mo = 2023-08-01…08-24."""
    w = base
    # Major hazards (4–8)
    hazard(w.a, "construction.housing", "self", w.a_housing, D(2023, 3, 10), enterprise=w.e_mixed,
           planned_on=D(2023, 3, 20), closed_on=D(2023, 4, 1))  # before the campaign, inside Y
    hazard(w.t, "construction.tunnel", "department", w.a_housing, D(2023, 8, 5), found_by=w.a_housing)
    h3 = hazard(w.a, "school", "self", w.a_emergency, D(2023, 6, 1), enterprise=w.e_school,
                planned_on=D(2023, 6, 5))
    listing(h3, D(2023, 6, 10))
    hazard(w.b, "chemicals", "department", w.b_emergency, D(2023, 7, 1), found_by=w.b_emergency)
    hazard(w.a, "construction", "department", w.a_housing, D(2023, 7, 1), found_by=w.a_housing, level="general")
    hazard(w.a, "chemicals", "department", w.a_emergency, D(2022, 12, 31), found_by=w.a_emergency)
    hazard(w.a, "chemicals", "department", w.z_emergency, D(2023, 8, 10), enterprise=w.e_chem,
           found_by=w.z_emergency, planned_on=D(2023, 8, 11), closed_on=D(2023, 8, 20))
    hazard(w.a, "industry_trade", "self", w.z_emergency, D(2023, 7, 10))
    hazard(w.a, "chemicals", "department", w.a_emergency, D(2023, 7, 15), enterprise=w.e_chem,
           found_by=w.a_emergency)
    # Risks (1–3)
    Risk.objects.create(region=w.a, department=w.a_housing, sector_id="gas", name="r1", identified_on=D(2023, 6, 1),
                        lists_completed_on=D(2023, 7, 1))
    Risk.objects.create(region=w.a, department=w.a_housing, sector_id="gas", name="r2", identified_on=D(2023, 8, 2))
    Risk.objects.create(region=w.a, department=w.a_emergency, sector_id="hydropower.large", name="r3",
                        identified_on=D(2023, 4, 1), lists_completed_on=D(2023, 8, 30))
    Risk.objects.create(region=w.a, department=w.a_housing, sector_id="gas", name="r4",
                        identified_on=D(2022, 11, 1), lists_completed_on=D(2022, 12, 1))
    # Problems (9–12)
    Problem.objects.create(region=w.a, department=w.a_emergency, sector_id="industry_trade", title="p1",
                           identified_on=D(2023, 5, 20), root_measure_on=D(2023, 6, 1), resolved_on=D(2023, 7, 1))
    Problem.objects.create(region=w.a, department=w.a_emergency, sector_id="industry_trade", title="p2",
                           identified_on=D(2023, 8, 3))
    # Activities (13–14)
    activity("supervision_team", w.a, D(2023, 6, 1), count=2)
    activity("supervision_team", w.a, D(2023, 8, 5), department=w.a_emergency, sector="chemicals")
    activity("expert_service", w.t, D(2023, 7, 1), sector="industry_trade", people=5)
    activity("supervision_team", w.zhou, D(2023, 7, 1), count=3)
    # Inspections (15)
    inspection(w.e_mixed, "enforcement", D(2023, 6, 15), w.a_housing)  # a_housing supervises construction.housing
    inspection(w.e_mixed, "supervision", D(2023, 8, 10), w.a_emergency)  # supervises neither: first sector, gas
    inspection(w.e_chem, "enforcement", D(2023, 6, 1), w.a_emergency)
    inspection(w.e_chem, "enforcement", D(2023, 8, 2), w.a_emergency)
    inspection(w.e_chem, "self", D(2023, 8, 3), led_by_principal=True)
    inspection(w.e_chem, "enforcement", D(2023, 7, 20), w.z_emergency)
    inspection(w.e_mixed, "enforcement", D(2023, 7, 1), w.z_station)
    inspection(w.e_mixed, "assistance", D(2023, 7, 5), w.z_emergency)
    # Enforcement (16–24)
    action(w.a_housing, w.e_mixed, "penalty", D(2023, 6, 10), amount=Decimal("1.5"), case_no="A-1")
    action(w.a_housing, w.e_mixed, "penalty", D(2023, 6, 10), amount=Decimal("0.5"), case_no="A-1",
           against_principal=True)
    action(w.a_housing, w.e_mixed, "stop_rectify", D(2023, 8, 3))
    action(w.a_emergency, w.e_mixed, "stop_rectify", D(2023, 7, 1))
    action(w.a_emergency, w.e_chem, "judicial_referral", D(2023, 7, 5), case_no="A-2", persons=2)
    action(w.a_emergency, w.e_chem, "judicial_referral", D(2023, 8, 5), case_no="A-2", persons=1)
    action(w.a_emergency, w.e_chem, "judicial_referral", D(2022, 12, 20), case_no="A-3", persons=1)
    action(w.a_emergency, w.e_chem, "judicial_referral", D(2023, 7, 10), case_no="A-3", persons=1)
    action(w.a_emergency, w.e_chem, "judicial_referral", D(2023, 8, 6), case_no="A-4", persons=1)
    action(w.a_emergency, w.e_chem, "summons", D(2023, 8, 1))
    action(w.z_emergency, w.e_chem, "penalty", D(2023, 7, 20), amount=Decimal("3"), case_no="Z-1")
    action(w.a_emergency, w.e_school, "closure", D(2023, 7, 1))
    return w


def test_statistics_declares_672_cells_and_answers_every_key(sw):
    template = TEMPLATES["honghe-statistics"]
    keys = [cell.key for cell in template.cells]
    assert len(keys) == len(set(keys)) == 672 == 28 * 24
    assert len(honghe.ROWS) == 28 and len(honghe.COLUMNS) == 24
    cells = stats(sw, region=sw.a)
    assert set(cells) == set(keys)
    assert cells["coal.1"] == 0 and cells["coal.3"] is None  # a rate over zero is null


def test_statistics_hazards_rows_parents_other_and_month(sw):
    c = stats(sw, region=sw.a)
    # construction.housing → 其中：房屋市政 and its parent 建设项目; construction.tunnel (township T) → 建设项目 only
    assert (c["construction_housing.4"], c["construction_housing.5"], c["construction_housing.7"]) == (1, 1, 1)
    assert c["construction_housing.8"] == 100.0
    assert (c["construction.4"], c["construction.7"], c["construction.8"]) == (2, 1, 50.0)
    # `school` is in no row → 其他; its plan and its listing count in 5 and 6
    assert (c["other.4"], c["other.5"], c["other.6"], c["other.7"], c["other.8"]) == (1, 1, 1, 0, 0.0)
    # territorial: a 州 department's find on a county enterprise counts for the county; the 2022 hazard and the
    # general one do not
    assert (c["chemicals.4"], c["chemicals.7"]) == (2, 1)
    assert c["industry_trade.4"] == 1
    assert (c["cum.4"], c["cum.5"], c["cum.6"], c["cum.7"], c["cum.8"]) == (6, 3, 1, 2, 33.3)
    # 本月: found in August
    assert (c["month.4"], c["month.7"], c["month.8"]) == (2, 1, 50.0)


def test_statistics_risks_problems_activities(sw):
    c = stats(sw, region=sw.a)
    assert (c["gas.1"], c["gas.2"], c["gas.3"]) == (2, 1, 50.0)  # r4 (2022) is before Y
    assert (c["hydropower_large.1"], c["hydropower.1"], c["hydropower.2"], c["hydropower.3"]) == (1, 1, 0, 0.0)
    assert (c["cum.1"], c["cum.2"], c["cum.3"]) == (3, 1, 33.3)
    assert (c["month.1"], c["month.2"], c["month.3"]) == (1, 0, 0.0)
    assert (c["industry_trade.9"], c["industry_trade.10"], c["industry_trade.11"], c["industry_trade.12"]) == \
        (2, 1, 1, 50.0)
    assert (c["month.9"], c["month.12"]) == (1, 0.0)
    # 派出督导组: the county's (no sector → other) and a county department's; the 州's own is not the county's
    assert (c["other.13"], c["chemicals.13"], c["cum.13"], c["month.13"]) == (2, 1, 3, 1)
    # 组织专家技术服务: Σ people, by a township of the county
    assert (c["industry_trade.14"], c["cum.14"]) == (5, 5)


def test_statistics_inspection_row_by_acting_department_and_distinct_enterprises(sw):
    c = stats(sw, region=sw.a)
    # e_mixed (gas, construction.housing): by 住建 → construction.housing; by 应急 → none supervised → gas
    assert (c["construction_housing.15"], c["construction.15"], c["gas.15"], c["chemicals.15"]) == (1, 1, 1, 1)
    # 家 per row, distinct: two enterprises in all although three top-level rows hold one each
    assert c["cum.15"] == 2
    assert sum(c[f"{row}.15"] for row in TOP_ROWS) == 3
    assert c["month.15"] == 2


def test_statistics_enforcement(sw):
    c = stats(sw, region=sw.a)
    assert (c["construction_housing.16"], c["construction_housing.20"], c["construction.16"]) == (2, 2, 2)
    # 停产整顿: e_mixed by 住建 (construction row) and by 应急 (gas row): one 家 in each row, one in all
    assert (c["construction_housing.17"], c["construction.17"], c["gas.17"], c["cum.17"], c["month.17"]) == \
        (1, 1, 1, 1, 1)
    assert (c["other.19"], c["cum.19"]) == (1, 1)  # closure of the school
    assert (c["chemicals.22"], c["month.22"]) == (1, 1)
    # 移送司法机关 Σ persons in Y; 行刑衔接: A-2 and A-4 (A-3's first referral is in 2022), A-4 in August
    assert (c["chemicals.21"], c["month.21"]) == (5, 2)
    assert (c["chemicals.24"], c["cum.24"], c["month.24"]) == (2, 2, 1)
    assert (c["cum.16"], c["cum.20"]) == (2, 2)


def test_statistics_cum_is_sum_of_top_level_rows(sw):
    for scope in ({"region": sw.a}, {"region": sw.zhou}, {"department": sw.z_emergency}):
        c = stats(sw, **scope)
        for n in COUNT_COLUMNS:
            assert c[f"cum.{n}"] == sum(c[f"{row}.{n}"] for row in TOP_ROWS), (scope, n)
            # a parent row holds at least its sub-rows
            assert c[f"construction.{n}"] >= c[f"construction_housing.{n}"]


def test_statistics_zhou_is_whole_caliber(sw):
    c = stats(sw, region=sw.zhou)
    assert (c["cum.4"], c["chemicals.4"]) == (7, 3)
    assert (c["other.13"], c["cum.13"]) == (5, 6)
    # the 州 station's inspection of e_mixed lands in construction.housing, like the county's: one 家
    assert (c["construction_housing.15"], c["gas.15"], c["chemicals.15"], c["cum.15"]) == (1, 1, 1, 2)
    assert (c["cum.16"], c["cum.20"], c["chemicals.16"]) == (3, 5, 1)
    b = stats(sw, region=sw.b)
    assert (b["cum.4"], b["chemicals.4"], b["cum.15"]) == (1, 1, 0)


def test_statistics_department_own_work_only(sw):
    z = stats(sw, department=sw.z_emergency)
    # 4 = self-reported to it ∪ found by it; the county 应急局's finds are not its own
    assert (z["cum.4"], z["chemicals.4"], z["industry_trade.4"], z["cum.7"]) == (2, 1, 1, 1)
    assert (z["chemicals.15"], z["gas.15"], z["cum.15"]) == (1, 1, 2)
    assert (z["cum.16"], z["cum.20"], z["cum.21"], z["cum.24"]) == (1, 3, 0, 0)
    # 州住建 with its station (D*): the station's inspection in its own sector; the county 住建局's is not its own
    h = stats(sw, department=sw.z_housing)
    assert (h["construction_housing.15"], h["construction.15"], h["gas.15"], h["cum.15"]) == (1, 1, 0, 1)
    assert h["cum.4"] == 0 and h["cum.16"] == 0
    a = stats(sw, department=sw.a_housing)
    assert (a["cum.4"], a["construction.4"], a["cum.1"], a["gas.1"]) == (2, 2, 2, 2)


def test_statistics_bounded_queries_and_many_targets(sw, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        stats(sw, region=sw.zhou)
    with django_assert_max_num_queries(12):
        many = compute_many("honghe-statistics", sw.campaign, AS_OF, [sw.a, sw.b])
    assert many[sw.a.code] == stats(sw, region=sw.a)
    assert many[sw.b.code] == stats(sw, region=sw.b)


def test_row_mapper_deepest_row(db):
    campaign = SimpleNamespace(sector_rows=[
        {"code": "construction", "sectors": ["construction", "construction.housing"]},
        {"code": "construction_housing", "sectors": ["construction.housing"]},
        {"code": "cum", "sectors": ["chemicals"]},  # the total rows map nothing
    ])
    mapper = honghe.RowMapper(campaign)
    assert mapper.row("construction.housing") == "construction_housing"  # the sub-row, though both name it
    assert mapper.row("construction.tunnel") == "construction"  # by its ancestor
    assert mapper.row("chemicals") == "other"
    assert mapper.row(None) == "other"
    assert honghe.RowMapper.chain("construction_housing") == ["construction_housing", "construction"]
    # a campaign without rows falls back on the suggested mapping
    default = honghe.RowMapper(SimpleNamespace(sector_rows=[]))
    assert default.row("transport.road") == "transport"
    assert default.row("illegal_mining") == "non_coal_mine"
    assert default.row("hydropower.small") == "hydropower_small"


# ==========================================================================================================
# 附件3
# ==========================================================================================================
@pytest.fixture
def tw(base):
    """The tasks world: W = 2023-05-15…08-24, 精准执法 from 2023-06-01 (phase `enforcement`)."""
    w = base
    # 党委政府 (GOV) evidence
    activity("plan_issued", w.a, D(2023, 5, 18))
    activity("mobilisation_meeting", w.t, D(2023, 5, 16))  # a township's meeting is not the county's
    activity("mobilisation_meeting", w.zhou, D(2023, 5, 16))
    activity("special_study", w.a, D(2023, 5, 20), department=w.a_emergency)  # a department is not the GOV
    activity("special_research", w.a, D(2023, 5, 25))  # before 精准执法
    activity("special_research", w.zhou, D(2023, 6, 15))
    activity("safety_month", w.a, D(2023, 6, 1))
    activity("media_column", w.a, D(2023, 6, 5), media_level=3)
    activity("assistance_region", w.a, D(2023, 6, 10))
    activity("summary_report", w.a, D(2023, 8, 20))
    # department evidence
    activity("focus_items_defined", w.zhou, D(2023, 5, 18), department=w.z_station)  # the unit's work is 州住建's
    activity("plan_issued", w.a, D(2023, 5, 19), department=w.a_emergency)
    activity("enforcement_training", w.zhou, D(2023, 6, 1), department=w.z_propaganda, people=30)  # not DEPs
    activity("enforcement_training", w.a, D(2023, 6, 20), department=w.a_housing, people=20)
    activity("safety_month", w.a, D(2023, 6, 1), department=w.a_housing)  # without media_column: not done
    activity("safety_month", w.zhou, D(2023, 6, 1), department=w.z_station)
    activity("media_column", w.zhou, D(2023, 6, 5), department=w.z_housing, media_level=2)
    activity("accountability_mechanism", w.zhou, D(2023, 7, 1), department=w.z_station)
    activity("summary_report", w.a, D(2023, 8, 21), department=w.a_emergency)
    inspection(w.e_town, "assistance", D(2023, 7, 1), w.a_housing)
    inspection(w.e_chem, "enforcement", D(2023, 5, 20), w.a_emergency)  # in W, before 精准执法
    action(w.a_housing, w.e_mixed, "penalty", D(2023, 6, 10), amount=Decimal("1"), case_no="A-1")
    inspection(w.e_b, "enforcement", D(2023, 5, 20), w.z_transport, mode="unannounced")
    # enterprise evidence
    activity("responsibility_selfcheck", w.a, D(2023, 6, 1), enterprise=w.e_mixed)
    activity("responsibility_selfcheck", w.a, D(2023, 6, 1), enterprise=w.e_closed)  # not operating
    for kind in ("post_responsibility", "commitment", "duty_list", "safety_body"):
        activity(kind, w.a, D(2023, 6, 2), enterprise=w.e_chem)
    for kind in ("post_responsibility", "commitment", "duty_list"):
        activity(kind, w.a, D(2023, 6, 2), enterprise=w.e_mixed)
    activity("warning_education", w.t, D(2023, 6, 3), enterprise=w.e_town)
    activity("hot_work_review", w.t, D(2023, 6, 4), enterprise=w.e_town)
    activity("summary_report", w.a, D(2023, 8, 22), enterprise=w.e_chem)
    inspection(w.e_mixed, "self", D(2023, 6, 15), led_by_principal=True)  # Q2 and W: done
    for day in (D(2023, 5, 20), D(2023, 6, 10), D(2023, 8, 1)):  # high_risk: July is missing
        inspection(w.e_chem, "self", day, led_by_principal=True)
    inspection(w.e_town, "self", D(2023, 6, 1), led_by_principal=False)
    inspection(w.e_school, "self", D(2023, 5, 1), led_by_principal=True)  # Q2, but none in W
    activity("drill", w.a, D(2023, 7, 1), enterprise=w.e_mixed)
    activity("drill", w.a, D(2023, 7, 15), enterprise=w.e_chem)  # high_risk: the first half-year has none
    activity("drill", w.t, D(2023, 5, 1), enterprise=w.e_town)  # before W
    # objects
    Risk.objects.create(region=w.a, department=w.a_housing, sector_id="gas", name="r1", identified_on=D(2023, 6, 1),
                        lists_completed_on=D(2023, 7, 1))
    Risk.objects.create(region=w.a, department=w.a_housing, sector_id="gas", name="r2", identified_on=D(2023, 8, 2))
    Risk.objects.create(region=w.a, department=w.a_emergency, sector_id="chemicals", name="r3",
                        identified_on=D(2023, 4, 1), lists_completed_on=D(2023, 8, 30))
    Risk.objects.create(region=w.a, department=w.a_emergency, sector_id="chemicals", name="r4",
                        identified_on=D(2022, 11, 1), lists_completed_on=D(2022, 12, 1))
    Risk.objects.create(region=w.a, department=w.a_emergency, sector_id="chemicals", name="later",
                        identified_on=D(2023, 9, 1))
    Risk.objects.create(region=w.b, department=w.b_emergency, sector_id="chemicals", name="b",
                        identified_on=D(2023, 6, 1))
    listed = hazard(w.a, "school", "self", w.a_emergency, D(2023, 6, 1), enterprise=w.e_school)
    listing(listed, D(2023, 6, 10))
    reviewed = hazard(w.a, "chemicals", "department", w.a_emergency, D(2021, 2, 1), enterprise=w.e_chem,
                      found_by=w.a_emergency)
    listing(reviewed, D(2021, 3, 1), authority_department=w.a_emergency)
    inspection(w.e_chem, "review", D(2023, 7, 1), w.a_emergency).reviewed_hazards.add(reviewed)
    old = hazard(w.a, "chemicals", "department", w.a_emergency, D(2019, 5, 1), found_by=w.a_emergency)
    listing(old, D(2019, 6, 1))
    general = hazard(w.a, "chemicals", "department", w.a_emergency, D(2021, 2, 1), found_by=w.a_emergency,
                     level="general")
    listing(general, D(2021, 3, 1))
    hazard(w.a, "chemicals", "assigned", w.a_emergency, D(2022, 5, 1), found_by=w.z_emergency, level="general",
           closed_on=D(2023, 6, 1))
    hazard(w.a, "chemicals", "assigned", w.a_emergency, D(2021, 12, 31), found_by=w.z_emergency)
    Problem.objects.create(region=w.a, department=w.a_emergency, sector_id="chemicals", title="交办问题",
                           source="assigned", identified_on=D(2023, 6, 1))
    Problem.objects.create(region=w.a, department=w.a_emergency, sector_id="chemicals", title="自查问题",
                           source="self", identified_on=D(2023, 6, 1), resolved_on=D(2023, 7, 1))
    return w


def _pair(cells, key):
    return cells[key], cells[f"{key}.of_which"]


def test_tasks_declares_29_items_58_keys(tw):
    template = TEMPLATES["honghe-tasks"]
    keys = [cell.key for cell in template.cells]
    assert len(keys) == len(set(keys)) == 58
    assert len(honghe.TASKS) == 29 and [s for s, *_ in honghe.SECTIONS] == [1, 2, 3, 4, 5, 6, 7]
    assert set(tasks(tw, region=tw.a)) == set(keys)


def test_tasks_county_regions_and_departments(tw):
    c = tasks(tw, region=tw.a)
    assert _pair(c, "1.1") == (1, 1)
    assert _pair(c, "1.2") == (1, 0)  # only its township met
    assert _pair(c, "1.4") == (1, 0)  # only a department studied
    assert _pair(c, "5.1") == (1, 0)  # researched before 精准执法 began
    # DEP = the county's own top departments (not the township's office)
    assert _pair(c, "2.2") == (2, 1)
    assert _pair(c, "4.2") == (2, 1)
    assert _pair(c, "4.3") == (3, 1)  # the county GOV has both; 住建局 only the month
    assert _pair(c, "4.9") == (3, 2)  # GOV assistance_region; 住建局's assistance inspection
    assert _pair(c, "6.1") == (2, 1)  # 应急局's only enforcement inspection precedes the phase
    assert _pair(c, "7.1") == (7, 3)  # {A} + 2 departments + 4 operating enterprises


def test_tasks_zhou(tw):
    c = tasks(tw, region=tw.zhou)
    # REG = 州 and its two counties (no township)
    assert _pair(c, "1.1") == (3, 2)  # the 州 by the campaign itself, A by its plan
    assert _pair(c, "1.2") == (3, 1)
    assert _pair(c, "5.1") == (3, 1)
    # DEP: five 州 departments (the station is a unit of 住建) + three county ones
    assert _pair(c, "2.1") == (7, 1)  # the station's work is 州住建's
    assert _pair(c, "4.2") == (6, 1)  # DEPs: 宣传部 has no sectors
    assert _pair(c, "6.2") == (6, 1)
    assert _pair(c, "6.3") == (6, 1)
    b = tasks(tw, region=tw.b)
    assert _pair(b, "1.1") == (1, 0)


def test_tasks_enterprises_and_duty_periods(tw):
    c = tasks(tw, region=tw.a)
    # ENT: e_mixed, e_chem, e_school (A) and e_town (its township); the closed one is not bound
    assert _pair(c, "3.1") == (4, 1)
    assert _pair(c, "3.2") == (4, 1)
    assert _pair(c, "3.3") == (4, 1)
    assert _pair(c, "3.4") == (4, 1)
    assert _pair(c, "3.5") == (4, 0)
    assert _pair(c, "3.6") == (4, 1)
    # the high-risk enterprise's missing July inspection and first half-year drill
    inspection(tw.e_chem, "self", D(2023, 7, 10), led_by_principal=True)
    activity("drill", tw.a, D(2023, 6, 20), enterprise=tw.e_chem)
    c = tasks(tw, region=tw.a)
    assert _pair(c, "3.2") == (4, 2)
    assert _pair(c, "3.6") == (4, 2)
    # an as_of before the end of June asks no period yet: e_chem's May inspection suffices, e_school has none in W
    c = tasks(tw, region=tw.a, as_of=D(2023, 5, 25))
    assert _pair(c, "3.2") == (4, 1)


def test_tasks_objects(tw):
    c = tasks(tw, region=tw.a)
    assert _pair(c, "4.4") == (4, 2)  # no lower bound; the one after as_of is out; lists completed later is not done
    assert _pair(c, "4.5") == (2, 1)  # listed since 2020 (major only); re-checked by a review inspection in W
    assert _pair(c, "4.6") == (2, 1)  # assigned since 2022: a hazard closed, a problem open
    d = tasks(tw, department=tw.a_housing)
    assert _pair(d, "4.4") == (2, 1)


def test_tasks_department_scope(tw):
    h = tasks(tw, department=tw.z_housing)
    for key in ("1.1", "1.2", "1.3", "1.4", "4.8", "5.1", "5.2", "5.3", "5.4"):
        assert _pair(h, key) == (None, None), key
    assert _pair(h, "2.1") == (1, 1)  # through its station
    assert _pair(h, "4.3") == (1, 1)  # the station's month, its own media column
    assert _pair(h, "6.2") == (1, 1)
    assert _pair(h, "3.2") == (1, 1)  # ENT: e_mixed, tied to the station
    assert _pair(h, "7.1") == (2, 0)  # {D} ∪ ENT
    p = tasks(tw, department=tw.z_propaganda)
    for key in ("4.2", "6.1", "6.2", "6.3"):
        assert _pair(p, key) == (None, None), key  # no sectors: not a 负有安全监管职责部门
    assert _pair(p, "2.1") == (1, 0)
    assert _pair(p, "3.1") == (0, 0)
    t = tasks(tw, department=tw.z_transport)
    assert _pair(t, "6.1") == (1, 0)  # its enforcement inspection precedes 精准执法
    assert _pair(t, "6.3") == (1, 1)  # 四不两直 in W
    # the county 应急局's training is not the 州应急局's
    assert _pair(tasks(tw, department=tw.z_emergency), "4.2") == (1, 0)


def test_tasks_bounded_queries(tw, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        tasks(tw, region=tw.zhou)


def test_phase_start_by_code_name_order_or_campaign_start():
    start = D(2023, 5, 15)
    assert honghe.phase_start(SimpleNamespace(phases=PHASES, start=start)) == D(2023, 6, 1)
    named = [{"code": "x", "name": "a"}, {"code": "y", "name": "b"}, {"code": "z", "name": "精准执法", "start":
                                                                      "2023-07-01"}]
    assert honghe.phase_start(SimpleNamespace(phases=named[::-1], start=start)) == D(2023, 7, 1)
    ordered = [{"code": "p1", "start": "2023-05-15"}, {"code": "p2", "start": "2023-06-01"},
               {"code": "p3", "start": "2023-08-01"}]
    assert honghe.phase_start(SimpleNamespace(phases=ordered, start=start)) == D(2023, 8, 1)
    assert honghe.phase_start(SimpleNamespace(phases=[], start=start)) == start
