"""排名通报 (apps/reports/rankings.py): the rules of its module docstring, on data built so that a wrong reading
(general hazards counted, a closing after the date counted as closed, a hazard found before the campaign in the
rate, a unit's work left out of its department's, a submission after the date counted as made, the wrong
period) changes the order."""
import datetime
import zoneinfo

import pytest

from apps.campaigns.models import Campaign
from apps.hazards.models import Hazard, Level, Source, Status
from apps.regions.models import Department, Region
from apps.reports import rankings
from apps.reports.models import Report, ReportStatus

pytestmark = pytest.mark.django_db

D = datetime.date
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
ON = D(2023, 7, 3)  # a Monday: the week is 06-27 … 07-03, the month 07-01 … 07-03
SCHEDULE = [{"template": code, "cutoff_days": ["last"], "due_day": "last"}
            for code in ("xuchang-county", "xuchang-department")]


@pytest.fixture
def campaign(world):
    return Campaign.objects.create(slug="xc", name="许昌专项行动", region=world.city, start=D(2023, 5, 9),
                                  end=D(2023, 12, 31), schedule=SCHEDULE)


def hazard(enterprise, found_on, *, closed_on=None, deadline=None, level=Level.MAJOR, source=Source.SELF,
           department=None, finder=None, region=None):
    return Hazard.objects.create(
        enterprise=enterprise, region=region or enterprise.region, title="隐患", level=level, source=source,
        sector_id=enterprise.ordered_sector_codes()[0] if enterprise else "industry_trade", found_on=found_on,
        department=department, found_by_department=finder, deadline=deadline,
        status=Status.CLOSED if closed_on else Status.RECTIFYING, closed_on=closed_on)


def filed(campaign, template, as_of, submitted_on, *, region=None, department=None, status=ReportStatus.SUBMITTED):
    at = datetime.datetime.combine(submitted_on, datetime.time(23, 30), SHANGHAI) if submitted_on else None
    return Report.objects.create(template=template, campaign=campaign, region=region, department=department,
                                 as_of=as_of, status=status, submitted_at=at)


@pytest.fixture
def data(world, campaign):
    w = world
    # 魏都区 (county A): 4 major hazards in W, 3 closed by ON (one of them in its township) → 75.0 %
    hazard(w.chem_a, D(2023, 5, 20), closed_on=D(2023, 6, 1), department=w.a_emergency)
    hazard(w.chem_a, D(2023, 6, 2), closed_on=D(2023, 6, 29), department=w.a_emergency)
    hazard(w.town_shop, D(2023, 6, 28), closed_on=D(2023, 7, 2), department=w.township_office)
    hazard(w.build_a, D(2023, 6, 5), deadline=D(2023, 8, 1), department=w.a_housing)
    # 建安区 (county B): 2 major in W closed by ON (a third below closes only on 07-20), 2 overdue from before W
    hazard(w.chem_b, D(2023, 5, 10), closed_on=D(2023, 5, 30), department=w.b_emergency)
    hazard(w.chem_b, D(2023, 6, 1), closed_on=D(2023, 6, 30), department=w.b_emergency)
    hazard(w.chem_b, D(2023, 4, 1), deadline=D(2023, 6, 1), department=w.b_emergency)  # before W, overdue
    hazard(w.chem_b, D(2023, 4, 2), deadline=D(2023, 6, 1), closed_on=D(2023, 7, 10),
           department=w.b_emergency)  # closed only after ON: open and overdue at ON
    # what must not count: general hazards, a closing after ON, a deadline not yet passed, the city's own
    for _ in range(3):
        hazard(w.chem_a, D(2023, 6, 3), level=Level.GENERAL, deadline=D(2023, 6, 10), department=w.a_emergency)
    hazard(w.chem_b, D(2023, 6, 3), closed_on=D(2023, 7, 20), deadline=D(2023, 7, 3), department=w.b_emergency)
    hazard(w.city_plant, D(2023, 6, 3), deadline=D(2023, 6, 10), department=w.city_emergency)
    return w


def by_key(rows):
    return {row.key: row for row in rows}


def test_the_periods_are_the_seven_days_and_the_calendar_month():
    assert rankings.period_window("week", ON) == (D(2023, 6, 27), ON)
    assert rankings.period_window("month", ON) == (D(2023, 7, 1), ON)


def test_rate_and_overdue_read_the_records_at_the_date(data, campaign):
    w = data
    result = rankings.rankings(campaign, w.city, ON, period="week", measure="rate")
    rows = by_key(result.regions)
    a, b = rows["411002"], rows["411003"]
    assert (a.found, a.closed, a.rate) == (4, 3, 75.0)
    # county B: the hazard closed on 07-20 was found in W (1 of 3 open), the ones found in April are not in W
    assert (b.found, b.closed, b.rate) == (3, 2, 66.7)
    assert (a.overdue, b.overdue) == (0, 2)  # the 07-03 deadline is not yet passed on 07-03
    # the week's flow: found 06-28 (town shop) in A; closings in the week: A 06-29 and 07-02, B 06-30
    assert (a.found_in_period, a.closed_in_period) == (1, 2)
    assert (b.found_in_period, b.closed_in_period) == (0, 1)
    # before the week (to 06-26): A found 3 closed 1 → 33.3 %; +41.7 points in the week
    assert (a.found_before, a.closed_before, a.rate_before, a.rate_change) == (3, 1, 33.3, 41.7)
    assert [row.key for row in result.regions] == ["411002", "411003"]


def test_the_order_follows_the_measure_chosen(data, campaign):
    w = data
    by_overdue = rankings.rankings(campaign, w.city, ON, measure="overdue")
    assert [(r.key, r.rank) for r in by_overdue.regions] == [("411002", 1), ("411003", 2)]
    Hazard.objects.filter(region=w.county_b, found_on__lt=D(2023, 5, 1)).delete()
    # now B: 3 in W … one closed on 07-20 is still open at ON → 66.7 %, below A's 75.0 %; overdue 0 each
    by_rate = rankings.rankings(campaign, w.city, ON, measure="rate")
    assert [(r.key, r.rate, r.rank) for r in by_rate.regions] == [("411002", 75.0, 1), ("411003", 66.7, 2)]
    later = rankings.rankings(campaign, w.city, D(2023, 7, 25), measure="rate")  # B's last one closed 07-20
    assert [(r.key, r.rate) for r in later.regions] == [("411003", 100.0), ("411002", 75.0)]


def test_late_and_missing_reports_of_the_periods_due_in_the_period(data, campaign):
    w = data
    june = D(2023, 6, 30)
    filed(campaign, "xuchang-county", june, D(2023, 7, 2), region=w.county_a)  # two days late
    filed(campaign, "xuchang-county", june, None, region=w.county_b, status=ReportStatus.DRAFT)  # a draft: missing
    filed(campaign, "xuchang-department", june, D(2023, 6, 30), department=w.city_housing)  # on the due day
    filed(campaign, "xuchang-department", june, D(2023, 7, 5), department=w.city_market)  # after ON: missing at ON
    week = rankings.rankings(campaign, w.city, ON, period="week", measure="late")
    regions, departments = by_key(week.regions), by_key(week.departments)
    assert (regions["411002"].late, regions["411002"].missing) == (1, 0)
    assert (regions["411003"].late, regions["411003"].missing) == (0, 1)
    assert (departments[w.city_housing.pk].late, departments[w.city_housing.pk].missing) == (0, 0)
    assert (departments[w.city_market.pk].late, departments[w.city_market.pk].missing) == (0, 1)
    assert (departments[w.city_emergency.pk].late, departments[w.city_emergency.pk].missing) == (0, 1)
    # equal on late/missing (1 each): A's rate 75.0 beats B's 66.7
    assert [r.key for r in week.regions] == ["411002", "411003"]
    assert departments[w.city_housing.pk].rank == 1
    # the month of 07-01 … 07-03 holds no due date: nobody is late
    month = rankings.rankings(campaign, w.city, ON, period="month", measure="late")
    assert all(r.late_total == 0 for r in month.regions + month.departments)
    # on the due day itself nothing is missing yet
    due_day = rankings.rankings(campaign, w.city, june, period="week", measure="late")
    assert by_key(due_day.regions)["411003"].missing == 0


def test_a_department_counts_its_units_and_what_was_reported_to_it(data, campaign):
    w = data
    # found by the station (a unit of 市住建局) and closed; self-reported to 市应急局 and overdue; a self-reported
    # hazard whose finder is 市住建局 is 市应急局's (self-reported hazards count for the department reported to)
    hazard(w.build_a, D(2023, 6, 10), closed_on=D(2023, 6, 20), source=Source.DEPARTMENT,
           department=w.a_housing, finder=w.city_housing_station)
    hazard(w.chem_a, D(2023, 6, 11), deadline=D(2023, 6, 20), department=w.city_emergency, finder=w.city_housing)
    result = rankings.rankings(campaign, w.city, ON, measure="rate")
    rows = by_key(result.departments)
    housing, emergency, market = rows[w.city_housing.pk], rows[w.city_emergency.pk], rows[w.city_market.pk]
    assert (housing.found, housing.closed, housing.rate, housing.overdue) == (1, 1, 100.0, 0)
    # 市应急局: the one above, and the city plant's (06-03, deadline 06-10) → 2 found, 0 closed, both overdue
    assert (emergency.found, emergency.closed, emergency.rate, emergency.overdue) == (2, 0, 0.0, 2)
    assert market.rate is None and market.found == 0
    assert w.city_housing_station.pk not in rows  # a unit is ranked with its department
    assert [r.key for r in result.departments] == [w.city_housing.pk, w.city_emergency.pk, w.city_market.pk]


def test_equal_targets_share_a_rank():
    rows = [rankings.Row(key=k, name=k, kind="region", found=f, closed=c, overdue=o)
            for k, f, c, o in (("41100a", 4, 2, 1), ("41100b", 2, 1, 1), ("41100c", 5, 5, 0), ("41100d", 0, 0, 0))]
    ordered = rankings.rank(rows, "rate")
    assert [(r.key, r.rank) for r in ordered] == [("41100c", 1), ("41100a", 2), ("41100b", 2), ("41100d", 4)]
    ordered = rankings.rank(rows, "overdue")
    # overdue 0: c (100 %) before d (no rate); overdue 1: a and b equal at 50 %
    assert [(r.key, r.rank) for r in ordered] == [("41100c", 1), ("41100d", 2), ("41100a", 3), ("41100b", 3)]
    with pytest.raises(ValueError):
        rankings.rank(rows, "nope")


def test_the_number_of_queries_does_not_grow_with_the_targets(data, campaign):
    w = data
    rankings.rankings(campaign, w.city, ON)  # warm the campaign's department and content types

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        rankings.rankings(campaign, w.city, ON)
    for n in range(4, 10):
        Region.objects.create(code=f"41100{n}", name=f"第{n}区", level=3, parent=w.city)
        Department.objects.create(name=f"许昌市第{n}局", kind="other", region=w.city)
    with CaptureQueriesContext(connection) as many:
        result = rankings.rankings(campaign, w.city, ON)
    assert len(result.regions) == 8 and len(result.departments) == 9
    assert len(many) == len(few) <= 8, [q["sql"] for q in many.captured_queries]


def test_a_campaign_without_a_schedule_falls_back_to_month_ends(world):
    campaign = Campaign.objects.create(slug="plain", name="无报送安排", region=world.city, start=D(2023, 5, 9),
                                       end=D(2023, 8, 15))
    assert rankings.filing_periods(campaign, "xuchang-county") == [
        (D(2023, 5, 31), D(2023, 5, 31)), (D(2023, 6, 30), D(2023, 6, 30)), (D(2023, 7, 31), D(2023, 7, 31))]
    assert "xuchang-county" in rankings.filed_templates(campaign, region=world.county_a)
    assert "xuchang-department" not in rankings.filed_templates(campaign, region=world.county_a)
    assert "xuchang-department" in rankings.filed_templates(campaign, department=world.city_housing)
    assert rankings.current_period(campaign, "xuchang-county", D(2023, 6, 1)) == (D(2023, 6, 30), D(2023, 6, 30))


def test_the_line_form_is_filed_by_departments_of_the_campaigns_kind(world):
    campaign = Campaign.objects.create(slug="fz", name="福州建设工程", region=world.city, start=D(2023, 5, 1),
                                       end=D(2023, 12, 31), department=world.city_housing,
                                       schedule=[{"template": "fuzhou-dispatch", "cutoff_days": ["last"],
                                                  "due_day": 1}])
    assert rankings.filed_templates(campaign, department=world.a_housing) == ["fuzhou-dispatch"]
    assert rankings.filed_templates(campaign, department=world.a_emergency) == []
    assert rankings.filed_templates(campaign, region=world.county_a) == []
    assert rankings.filing_periods(campaign, "fuzhou-dispatch", D(2023, 6, 1), D(2023, 6, 30)) == [
        (D(2023, 6, 30), D(2023, 7, 1))]
