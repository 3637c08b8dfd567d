"""apps.work.duties.duty_status: the enterprise duties a campaign asks, read as REPORTS.md §7 (tasks 3.2–3.6) reads
them — at least one in W, and `times` in every calendar period (month, quarter, half-year) whose end falls in W for
each rule whose flags the enterprise has. A pure function: no database."""
import datetime
from types import SimpleNamespace

from apps.work.duties import DUTIES, duty_status, period_of, periods_ended, rule_text

D = datetime.date

# 许昌: the principal inspects every month (high-risk: twice); a drill in the campaign (high-risk, crowded places and
# labour-intensive enterprises: every half-year — three rules, as apps/campaigns/presets.py writes them).
XUCHANG = SimpleNamespace(start=D(2023, 5, 10), end=D(2023, 12, 31), duties=[
    {"kind": "principal_inspection", "every": "month", "times": 1, "flags": []},
    {"kind": "principal_inspection", "every": "month", "times": 2, "flags": ["high_risk"]},
    {"kind": "drill", "every": "campaign", "times": 1, "flags": []},
    {"kind": "drill", "every": "half_year", "times": 1, "flags": ["high_risk"]},
    {"kind": "drill", "every": "half_year", "times": 1, "flags": ["crowded_place"]},
    {"kind": "drill", "every": "half_year", "times": 1, "flags": ["labour_intensive"]},
])
# 红河: every quarter (high-risk: every month).
HONGHE = SimpleNamespace(start=D(2023, 5, 20), end=D(2023, 12, 31), duties=[
    {"kind": "principal_inspection", "every": "quarter", "times": 1, "flags": []},
    {"kind": "principal_inspection", "every": "month", "times": 1, "flags": ["high_risk"]},
])


def enterprise(pk=1, **flags):
    return SimpleNamespace(pk=pk, **{"high_risk": False, "crowded_place": False, "labour_intensive": False, **flags})


def inspection(day, enterprise_id=1, kind="self", led=True):
    return {"enterprise_id": enterprise_id, "kind": kind, "led_by_principal": led, "inspected_on": day}


def activity(kind, day, enterprise_id=1, count=1):
    return {"enterprise_id": enterprise_id, "kind": kind, "occurred_on": day, "count": count}


def status(company, campaign, as_of, inspections=(), activities=()):
    return duty_status(company, campaign, as_of, list(inspections), list(activities))


# --- periods --------------------------------------------------------------------------------------------------------

def test_calendar_periods():
    assert period_of(D(2023, 5, 10), "month") == (D(2023, 5, 1), D(2023, 5, 31))
    assert period_of(D(2023, 2, 10), "month") == (D(2023, 2, 1), D(2023, 2, 28))
    assert period_of(D(2023, 12, 31), "month") == (D(2023, 12, 1), D(2023, 12, 31))
    assert period_of(D(2023, 8, 1), "quarter") == (D(2023, 7, 1), D(2023, 9, 30))
    assert period_of(D(2023, 11, 1), "quarter") == (D(2023, 10, 1), D(2023, 12, 31))
    assert period_of(D(2023, 6, 30), "half_year") == (D(2023, 1, 1), D(2023, 6, 30))
    assert period_of(D(2023, 7, 1), "half_year") == (D(2023, 7, 1), D(2023, 12, 31))


def test_the_periods_whose_end_falls_in_the_window_and_the_one_running():
    ended, running = periods_ended("month", D(2023, 5, 10), D(2023, 7, 15))
    assert ended == [(D(2023, 5, 1), D(2023, 5, 31)), (D(2023, 6, 1), D(2023, 6, 30))]
    assert running == (D(2023, 7, 1), D(2023, 7, 31))
    ended, running = periods_ended("half_year", D(2023, 5, 10), D(2023, 6, 30))
    assert ended == [(D(2023, 1, 1), D(2023, 6, 30))] and running is None
    assert periods_ended("quarter", D(2023, 5, 20), D(2023, 6, 29)) == ([], (D(2023, 4, 1), D(2023, 6, 30)))


def test_rules_in_words():
    assert rule_text(XUCHANG.duties[1]) == "每月至少2次（高危行业）"
    assert rule_text(XUCHANG.duties[2]) == "专项行动期间至少1次"


# --- the principal's inspections ------------------------------------------------------------------------------------

def test_a_high_risk_enterprise_inspects_twice_every_month_that_has_ended():
    twice = [D(2023, 5, 12), D(2023, 5, 20), D(2023, 6, 3), D(2023, 6, 25), D(2023, 7, 2)]
    check = status(enterprise(high_risk=True), XUCHANG, D(2023, 7, 15), map(inspection, twice))["principal_inspection"]
    assert check.met and check.done == 5
    assert check.rules == ("每月至少1次", "每月至少2次（高危行业）")
    # July is still running: shown, not yet required
    assert [(p.start, p.done, p.required) for p in check.current] == [(D(2023, 7, 1), 1, 1), (D(2023, 7, 1), 1, 2)]

    once_in_june = [d for d in twice if d != D(2023, 6, 25)]
    check = status(enterprise(high_risk=True), XUCHANG, D(2023, 7, 15),
                   map(inspection, once_in_june))["principal_inspection"]
    assert not check.met
    assert [(p.start, p.end, p.done, p.required) for p in check.missing] == [(D(2023, 6, 1), D(2023, 6, 30), 1, 2)]


def test_an_ordinary_enterprise_needs_once_a_month_only():
    once = [D(2023, 5, 12), D(2023, 6, 3)]
    assert status(enterprise(), XUCHANG, D(2023, 7, 15), map(inspection, once))["principal_inspection"].met
    assert not status(enterprise(high_risk=True), XUCHANG, D(2023, 7, 15),
                      map(inspection, once))["principal_inspection"].met
    missing_may = status(enterprise(), XUCHANG, D(2023, 7, 15), [inspection(D(2023, 6, 3))])["principal_inspection"]
    assert [p.start for p in missing_may.missing] == [D(2023, 5, 1)]


def test_only_the_enterprises_own_principal_led_self_inspections_up_to_as_of_count():
    others = [
        inspection(D(2023, 5, 12), led=False),
        inspection(D(2023, 5, 12), kind="enforcement"),
        inspection(D(2023, 5, 12), enterprise_id=2),
        inspection(D(2023, 8, 1)),
    ]
    check = status(enterprise(), XUCHANG, D(2023, 7, 15), others + [inspection(D(2023, 6, 3))])["principal_inspection"]
    assert check.done == 1 and not check.met


def test_a_month_is_counted_whole_even_before_the_campaign_started_but_w_needs_one_of_its_own():
    # 5 May is in May (whose end falls in W) but before the campaign's start: the month is met, W is not
    check = status(enterprise(), XUCHANG, D(2023, 6, 5), [inspection(D(2023, 5, 5))])["principal_inspection"]
    assert check.done == 0 and not check.met
    assert [p.label for p in check.missing] == ["2023-05-10至2023-06-05"]


def test_quarters_and_monthly_high_risk_in_honghe():
    quarterly = [D(2023, 6, 1), D(2023, 9, 1)]
    assert status(enterprise(), HONGHE, D(2023, 10, 5), map(inspection, quarterly))["principal_inspection"].met
    assert not status(enterprise(), HONGHE, D(2023, 10, 5),
                      [inspection(D(2023, 6, 1))])["principal_inspection"].met
    high = status(enterprise(high_risk=True), HONGHE, D(2023, 10, 5), map(inspection, quarterly))
    assert [p.start for p in high["principal_inspection"].missing] == [D(2023, 5, 1), D(2023, 7, 1), D(2023, 8, 1)]


def test_without_rules_one_inspection_in_the_window_suffices():
    bare = SimpleNamespace(start=D(2023, 5, 10), duties=[])
    assert status(enterprise(high_risk=True), bare, D(2023, 9, 1), [inspection(D(2023, 8, 1))])[
        "principal_inspection"].met
    assert not status(enterprise(), bare, D(2023, 9, 1))["principal_inspection"].met


# --- drills ---------------------------------------------------------------------------------------------------------

def test_drills_every_half_year_for_the_flagged_enterprises():
    as_of = D(2023, 7, 15)  # the first half-year has ended
    one_in_may = [activity("drill", D(2023, 5, 20))]
    assert status(enterprise(), XUCHANG, as_of, activities=one_in_may)["drill"].met
    assert status(enterprise(high_risk=True), XUCHANG, as_of, activities=one_in_may)["drill"].met
    # a drill in March counts for the half-year, not for the campaign's window
    march = status(enterprise(crowded_place=True), XUCHANG, as_of, activities=[activity("drill", D(2023, 3, 1))])
    assert not march["drill"].met
    assert [p.label for p in march["drill"].missing] == ["2023-05-10至2023-07-15", "2023-05-10至2023-07-15"]
    assert march["drill"].rules == ("专项行动期间至少1次", "每半年至少1次（人员密集场所）")
    # a flagged enterprise that drilled only after June misses the first half-year
    july = status(enterprise(labour_intensive=True), XUCHANG, as_of, activities=[activity("drill", D(2023, 7, 1))])
    assert [(p.start, p.end) for p in july["drill"].missing] == [(D(2023, 1, 1), D(2023, 6, 30))]
    assert status(enterprise(), XUCHANG, as_of, activities=[activity("drill", D(2023, 7, 1))])["drill"].met
    # before the half-year ends nothing more is asked
    assert status(enterprise(high_risk=True), XUCHANG, D(2023, 6, 29),
                  activities=[activity("drill", D(2023, 6, 28))])["drill"].met


def test_a_rule_with_several_flags_binds_the_enterprises_having_all_of_them():
    both = SimpleNamespace(start=D(2023, 5, 10), duties=[
        {"kind": "drill", "every": "month", "times": 1, "flags": ["high_risk", "crowded_place"]}])
    drills = [activity("drill", D(2023, 5, 20))]
    assert status(enterprise(high_risk=True), both, D(2023, 7, 1), activities=drills)["drill"].met
    assert not status(enterprise(high_risk=True, crowded_place=True), both, D(2023, 7, 1),
                      activities=drills)["drill"].met  # June had none


def test_a_drill_record_counts_as_many_drills_as_its_count():
    twice = SimpleNamespace(start=D(2023, 5, 10), duties=[{"kind": "drill", "every": "campaign", "times": 2}])
    assert status(enterprise(), twice, D(2023, 6, 1), activities=[activity("drill", D(2023, 5, 20), count=2)])[
        "drill"].met
    assert not status(enterprise(), twice, D(2023, 6, 1), activities=[activity("drill", D(2023, 5, 20))])["drill"].met


# --- the one-off duties ---------------------------------------------------------------------------------------------

def test_the_other_duties_need_one_record_in_the_window_and_every_duty_is_answered_in_order():
    records = [activity("warning_education", D(2023, 5, 11)), activity("duty_list", D(2023, 4, 1)),
               activity("safety_body", D(2023, 6, 1), enterprise_id=2), activity("hot_work_review", D(2023, 8, 1))]
    result = status(enterprise(), XUCHANG, D(2023, 7, 15), activities=records)
    assert list(result) == list(DUTIES)
    assert {code: check.met for code, check in result.items()} == {
        "principal_inspection": False, "warning_education": True, "hot_work_review": False,
        "outsourcing_review": False, "drill": False, "duty_list": False, "safety_body": False}
    assert result["warning_education"].rules == ("专项行动期间至少1次",)


def test_model_like_records_are_read_by_attribute():
    record = SimpleNamespace(enterprise_id=1, kind="outsourcing_review", occurred_on=D(2023, 6, 1), count=1)
    assert status(enterprise(), XUCHANG, D(2023, 7, 1), activities=[record])["outsourcing_review"].met
