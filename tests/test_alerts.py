"""提醒 (issue 8, part 2): each rule of apps/alerts/rules.py reaches the people who act on it and nobody else, and
the daily job (services.run_daily, the send_alerts command, the send_daily_alerts task) creates and e-mails each
alert once — a second start on the same day does nothing, the next day adds only new keys, an overdue hazard
alerts on its first overdue day and then weekly — with a bounded number of queries."""
import datetime
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.accounts.models import Membership, User
from apps.alerts.models import Alert, AlertRun, Kind
from apps.alerts.rules import RULES, Directory, overdue_week_start
from apps.alerts.services import STALE_AFTER, mark_read, run_daily
from apps.campaigns.models import Campaign
from apps.hazards.models import Hazard, HazardEvent, Listing, Status
from apps.inspections.models import Inspection
from apps.regions.models import Department
from apps.reports.models import Report
from apps.work.duties import period_of
from apps.work.models import Activity

D = timezone.localdate()


def days(n: int, base: datetime.date = D) -> datetime.date:
    return base + datetime.timedelta(days=n)


def member(username, kind, target, role="member", email=""):
    user = User.objects.create_user(username=username, password="x", name=username, email=email)
    field = {"safety_office": "region"}.get(kind, kind)
    Membership.objects.create(user=user, kind=kind, role=role, **{field: target})
    return user


def hazard(title, enterprise, department, *, status=Status.RECTIFYING, deadline=None, closed_on=None, region=None,
           level="major"):
    return Hazard.objects.create(
        enterprise=enterprise, region=enterprise.region if enterprise else region, title=title, level=level,
        source="department", sector_id=enterprise.ordered_sector_codes()[0] if enterprise else "industry_trade",
        found_on=days(-60), department=department, status=status, deadline=deadline, closed_on=closed_on)


def reached(kind, day=D) -> dict[str, set[str]]:
    """key → the usernames the rule `kind` reaches on `day`."""
    names = dict(User.objects.values_list("pk", "username"))
    result: dict[str, set[str]] = {}
    for candidate in RULES[kind](day, Directory()):
        result.setdefault(candidate.key, set()).add(names[candidate.user_id])
    return result


@pytest.fixture
def b_user(world):
    """A member of the other county's emergency department: must never hear of county A's hazards."""
    return member("b_emergency", "department", world.b_emergency)


# --- hazards --------------------------------------------------------------------------------------------------------

def test_hazard_due_reaches_the_enterprise_or_for_a_road_the_department(world, b_user):
    near = hazard("储罐区防火堤破损", world.chem_a, world.a_emergency, deadline=days(3))
    today_ = hazard("今天到期", world.chem_b, world.b_emergency, status=Status.REPORTED, deadline=D)
    road = hazard("道路护栏缺失", None, world.a_emergency, region=world.county_a, deadline=days(1))
    hazard("还早", world.chem_a, world.a_emergency, deadline=days(4))
    hazard("已逾期", world.chem_a, world.a_emergency, deadline=days(-1))
    hazard("待验收", world.chem_a, world.a_emergency, status=Status.AWAITING_ACCEPTANCE, deadline=days(1))
    hazard("已销号", world.chem_a, world.a_emergency, status=Status.CLOSED, closed_on=days(-1), deadline=days(1))
    assert reached(Kind.HAZARD_DUE) == {
        f"hazard-due:{near.pk}:{days(3)}": {"ent_chem_a"},
        f"hazard-due:{today_.pk}:{D}": {"multi"},
        f"hazard-due:{road.pk}:{days(1)}": {"a_emergency"},
    }


def test_hazard_overdue_reaches_the_rectifiers_and_the_responsible_department_only(world, b_user):
    a = hazard("魏都逾期", world.chem_a, world.a_emergency, deadline=days(-1))
    b = hazard("建安逾期", world.chem_b, world.b_emergency, deadline=days(-3))
    waiting = hazard("逾期待验收", world.chem_a, world.a_emergency, status=Status.AWAITING_ACCEPTANCE,
                     deadline=days(-2))
    unit = Department.objects.create(name="魏都区应急管理局执法大队", kind="emergency", region=world.county_a,
                                     parent=world.a_emergency)
    handed_down = hazard("执法大队负责", world.build_a, unit, deadline=days(-10))
    station = hazard("监督站负责", world.build_a, world.city_housing_station, deadline=days(-1))
    hazard("未到期", world.chem_a, world.a_emergency, deadline=D)
    hazard("已销号", world.chem_a, world.a_emergency, status=Status.CLOSED, closed_on=days(-1), deadline=days(-5))
    assert reached(Kind.HAZARD_OVERDUE) == {
        f"hazard-overdue:{a.pk}:{D}": {"ent_chem_a", "a_emergency"},
        f"hazard-overdue:{b.pk}:{days(-2)}": {"multi", "b_emergency"},
        # submitted for acceptance: it waits on the department, not on the enterprise
        f"hazard-overdue:{waiting.pk}:{days(-1)}": {"a_emergency"},
        # a unit without accounts passes it to the department above it; build_a has no members
        f"hazard-overdue:{handed_down.pk}:{days(-2)}": {"a_emergency"},
        # a unit with accounts keeps it: its parent (city_housing) is not told
        f"hazard-overdue:{station.pk}:{D}": {"station"},
    }


def test_an_overdue_hazard_alerts_on_its_first_day_and_then_weekly():
    deadline = datetime.date(2026, 11, 23)
    assert overdue_week_start(deadline, datetime.date(2026, 11, 24)) == datetime.date(2026, 11, 24)
    assert overdue_week_start(deadline, datetime.date(2026, 11, 30)) == datetime.date(2026, 11, 24)
    assert overdue_week_start(deadline, datetime.date(2026, 12, 1)) == datetime.date(2026, 12, 1)
    assert overdue_week_start(deadline, datetime.date(2026, 12, 8)) == datetime.date(2026, 12, 8)


def test_listing_due_reaches_the_authority_leaders_and_the_responsible_department(world, b_user):
    member("office_a_leader", "safety_office", world.county_a, role="leader")
    member("city_emergency_leader", "department", world.city_emergency, role="leader")
    government = hazard("政府挂牌", world.chem_a, world.a_emergency, deadline=days(20))
    department = hazard("部门挂牌", world.chem_b, world.b_emergency, deadline=days(20))
    by_county = Listing.objects.create(hazard=government, authority_region=world.county_a,
                                       document_no="魏安委〔2026〕1号", listed_on=days(-20), deadline=days(7))
    by_city_department = Listing.objects.create(
        hazard=department, authority_region=world.city, authority_department=world.city_emergency,
        document_no="许应急〔2026〕2号", listed_on=days(-20), deadline=days(2))
    Listing.objects.create(hazard=government, authority_region=world.city, document_no="许安委〔2026〕3号",
                           listed_on=days(-20), deadline=days(8))
    Listing.objects.create(hazard=government, authority_region=world.city, document_no="已摘牌", listed_on=days(-20),
                           deadline=days(1), delisted_on=days(-1))
    closed = hazard("已销号", world.chem_a, world.a_emergency, status=Status.CLOSED, closed_on=days(-1))
    Listing.objects.create(hazard=closed, authority_region=world.county_a, document_no="销号", listed_on=days(-20),
                           deadline=days(1))
    assert reached(Kind.LISTING_DUE) == {
        # the county's safety office leader (not its plain member office_a, not the city's leader)
        f"listing-due:{by_county.pk}:{days(7)}": {"office_a_leader", "a_emergency"},
        # the listing department's leader (not its plain member city_emergency)
        f"listing-due:{by_city_department.pk}:{days(2)}": {"city_emergency_leader", "b_emergency"},
    }


def test_acceptance_waiting_reaches_the_responsible_department_once_per_submission(world, b_user):
    h = hazard("已提交验收", world.chem_a, world.a_emergency, status=Status.AWAITING_ACCEPTANCE, deadline=days(5))
    first = HazardEvent.objects.create(hazard=h, action="submit", from_status="rectifying",
                                       to_status="awaiting_acceptance", on=days(-2))
    hazard("整改中", world.chem_b, world.b_emergency, deadline=days(5))
    assert reached(Kind.ACCEPTANCE_WAITING) == {f"acceptance-waiting:{h.pk}:{first.pk}": {"a_emergency"}}
    HazardEvent.objects.create(hazard=h, action="reject", from_status="awaiting_acceptance", to_status="rectifying",
                               on=days(-1))
    again = HazardEvent.objects.create(hazard=h, action="submit", from_status="rectifying",
                                       to_status="awaiting_acceptance", on=D)
    assert reached(Kind.ACCEPTANCE_WAITING) == {f"acceptance-waiting:{h.pk}:{again.pk}": {"a_emergency"}}


def test_closure_report_due_reaches_the_enterprise_for_three_days(world, b_user):
    fresh = hazard("刚销号", world.chem_a, world.a_emergency, status=Status.CLOSED, closed_on=days(-3))
    hazard("销号较早", world.chem_a, world.a_emergency, status=Status.CLOSED, closed_on=days(-4))
    reported = hazard("已上报", world.chem_b, world.b_emergency, status=Status.CLOSED, closed_on=days(-1))
    Hazard.objects.filter(pk=reported.pk).update(closure_reported_on=D)
    assert reached(Kind.CLOSURE_REPORT_DUE) == {f"closure-report:{fresh.pk}:{days(-3)}": {"ent_chem_a"}}


# --- reports --------------------------------------------------------------------------------------------------------

@pytest.fixture
def xuchang(world):
    """A 许昌-style campaign whose county form and department form are due on the day of their cut-off, with one
    period due in 2 days (and the month before, long past)."""
    due = days(2)
    member("township_office", "safety_office", world.township_a)
    return Campaign.objects.create(
        slug="xc", name="许昌专项行动", region=world.city, start=days(-60), end=days(60), schedule=[
            {"template": "xuchang-county", "cutoff_days": [due.day], "due_day": due.day},
            {"template": "xuchang-department", "cutoff_days": [due.day], "due_day": due.day},
        ])


def test_report_due_reaches_each_filer_that_has_not_submitted(world, xuchang, b_user):
    due = days(2)
    Report.objects.create(template="xuchang-department", campaign=xuchang, department=world.city_emergency,
                          as_of=due, status="submitted")
    Report.objects.create(template="xuchang-department", campaign=xuchang, department=world.city_housing,
                          as_of=due, status="draft")
    county = f"report-due:{xuchang.pk}:xuchang-county"
    department = f"report-due:{xuchang.pk}:xuchang-department"
    assert reached(Kind.REPORT_DUE) == {
        # counties file the county form (the township is below 附件3's 县市区; the city receives, it does not file)
        f"{county}:region-{world.county_a.code}:{due}": {"office_a"},
        # every top-level department of the city and its counties files the department form; a unit does not
        # (station); a submitted report silences its filer (city_emergency), a draft does not (city_housing)
        f"{department}:department-{world.city_housing.pk}:{due}": {"city_housing"},
        f"{department}:department-{world.a_emergency.pk}:{due}": {"a_emergency"},
        f"{department}:department-{world.a_housing.pk}:{due}": {"multi"},
        f"{department}:department-{world.b_emergency.pk}:{due}": {"b_emergency"},
    }
    assert reached(Kind.REPORT_MISSING) == {}


def test_report_missing_after_the_due_day_for_a_week(world, xuchang):
    due = days(2)
    Report.objects.create(template="xuchang-county", campaign=xuchang, region=world.county_a, as_of=due,
                          status="received")
    assert reached(Kind.REPORT_MISSING, due) == {}  # on the due day it is not missing yet
    missing = reached(Kind.REPORT_MISSING, days(1, due))
    assert f"report-missing:{xuchang.pk}:xuchang-department:department-{world.a_emergency.pk}:{due}" in missing
    assert not any(key.startswith(f"report-missing:{xuchang.pk}:xuchang-county") for key in missing)
    assert reached(Kind.REPORT_DUE, days(1, due)) == {}
    assert reached(Kind.REPORT_MISSING, days(8, due)) == {}


# --- enterprise duties ----------------------------------------------------------------------------------------------

@pytest.fixture
def duty_day():
    """The last day of the half-year holding today: a month, and a half-year, end on it."""
    return period_of(D, "half_year")[1]


@pytest.fixture
def weidu(world, duty_day):
    return Campaign.objects.create(
        slug="wd", name="魏都区专项行动", region=world.county_a, start=days(-100, duty_day), end=days(30, duty_day),
        duties=[
            {"kind": "principal_inspection", "every": "month", "times": 1, "flags": []},
            {"kind": "principal_inspection", "every": "month", "times": 2, "flags": ["high_risk"]},
            {"kind": "drill", "every": "half_year", "times": 1, "flags": ["high_risk"]},
        ])


def test_duty_due_reaches_the_enterprises_short_of_the_current_period(world, weidu, duty_day):
    member("ent_gas_a", "enterprise", world.gas_a)
    member("ent_town_shop", "enterprise", world.town_shop)
    shut = member("ent_build_a", "enterprise", world.build_a)
    type(world.build_a).objects.filter(pk=world.build_a.pk).update(state="suspended")
    month, half = period_of(duty_day, "month"), period_of(duty_day, "half_year")
    Inspection.objects.create(enterprise=world.chem_a, kind="self", led_by_principal=True,
                              inspected_on=days(-3, duty_day))
    Inspection.objects.create(enterprise=world.chem_a, kind="self", led_by_principal=False, inspected_on=duty_day)
    Inspection.objects.create(enterprise=world.town_shop, kind="self", led_by_principal=True, inspected_on=month[0])
    Activity.objects.create(kind="drill", region=world.county_a, enterprise=world.gas_a, occurred_on=duty_day)
    got = reached(Kind.DUTY_DUE, duty_day)
    assert got == {
        # high-risk: twice a month (one recorded) and a drill every half-year
        f"duty:principal_inspection:{world.chem_a.pk}:{month[0]}:{month[1]}": {"ent_chem_a"},
        f"duty:drill:{world.chem_a.pk}:{half[0]}:{half[1]}": {"ent_chem_a"},
        # the others: once a month; town_shop has it; a suspended enterprise and county B are not asked
        f"duty:principal_inspection:{world.gas_a.pk}:{month[0]}:{month[1]}": {"ent_gas_a"},
    }
    assert shut.username not in set().union(*got.values())
    # more than a week before the month ends only the half-year's drill is near (30 days); before that, nothing
    assert set(reached(Kind.DUTY_DUE, days(-8, duty_day))) == {f"duty:drill:{world.chem_a.pk}:{half[0]}:{half[1]}"}
    assert reached(Kind.DUTY_DUE, days(-40, duty_day)) == {}
    Inspection.objects.create(enterprise=world.chem_a, kind="self", led_by_principal=True, inspected_on=month[0])
    Activity.objects.create(kind="drill", region=world.county_a, enterprise=world.chem_a, occurred_on=half[0],
                            count=1)
    assert set(reached(Kind.DUTY_DUE, duty_day)) == {
        f"duty:principal_inspection:{world.gas_a.pk}:{month[0]}:{month[1]}"}


# --- the daily job --------------------------------------------------------------------------------------------------

@pytest.fixture
def mailed(world):
    for user in (world.ent_user, world.a_emergency_user, world.multi_user):
        user.email = f"{user.username}@example.gov.cn"
        user.save(update_fields=["email"])
    return world


def test_the_daily_job_creates_and_emails_each_alert_once(mailed, b_user):
    w = mailed
    overdue = hazard("魏都逾期", w.chem_a, w.a_emergency, deadline=days(-1))
    due = hazard("魏都将到期", w.chem_a, w.a_emergency, deadline=days(2))
    run = run_daily(D)
    assert run is not None and run.finished
    assert set(Alert.objects.values_list("user__username", "key")) == {
        ("ent_chem_a", f"hazard-overdue:{overdue.pk}:{D}"), ("a_emergency", f"hazard-overdue:{overdue.pk}:{D}"),
        ("ent_chem_a", f"hazard-due:{due.pk}:{days(2)}"),
    }
    assert run.counts["hazard_overdue"] == 2 and run.counts["hazard_due"] == 1 and run.counts["alerts"] == 3
    assert run.counts["emails"] == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["a_emergency@example.gov.cn", "ent_chem_a@example.gov.cn"]
    to_enterprise = next(m for m in mail.outbox if m.to == ["ent_chem_a@example.gov.cn"])
    assert "2 条新提醒" in to_enterprise.subject
    assert "魏都逾期" in to_enterprise.body and "魏都将到期" in to_enterprise.body
    assert f"/hazards/{overdue.pk}/" in to_enterprise.body
    assert Alert.objects.filter(emailed_at__isnull=True).count() == 0

    # started again the same day: nothing
    assert run_daily(D) is None
    assert Alert.objects.count() == 3 and len(mail.outbox) == 2

    # the next day: only new keys (the overdue hazard's week has not turned; the due one was told)
    later = hazard("次日逾期", w.chem_a, w.a_emergency, deadline=D)
    run = run_daily(days(1))
    assert run.counts["alerts"] == 2
    assert set(Alert.objects.filter(created_on=days(1)).values_list("key", flat=True)) == {
        f"hazard-overdue:{later.pk}:{days(1)}"}
    assert len(mail.outbox) == 4

    # a week after its first overdue day the first hazard alerts again; the one that was due is now overdue since
    # days(3); the one overdue since days(1) stays in its first week
    run_daily(days(7))
    assert set(Alert.objects.filter(created_on=days(7)).values_list("key", flat=True)) == {
        f"hazard-overdue:{overdue.pk}:{days(7)}", f"hazard-overdue:{due.pk}:{days(3)}"}
    assert Alert.objects.filter(key__startswith=f"hazard-overdue:{overdue.pk}:").count() == 4


def test_the_email_goes_only_to_active_users_with_an_address(mailed):
    w = mailed
    hazard("建安逾期", w.chem_b, w.b_emergency, deadline=days(-1))
    hazard("魏都逾期", w.chem_a, w.a_emergency, deadline=days(-1))
    User.objects.filter(pk=w.ent_user.pk).update(email="")
    User.objects.filter(pk=w.a_emergency_user.pk).update(is_active=False)
    run = run_daily(D)
    assert [m.to for m in mail.outbox] == [["multi@example.gov.cn"]]
    assert run.counts["emails"] == 1
    # the inbox still holds the alert of the person without an address; the inactive person has none
    assert Alert.objects.filter(user=w.ent_user).count() == 1
    assert not Alert.objects.filter(user=w.a_emergency_user).exists()


def test_a_failed_email_is_counted_and_the_others_go(mailed, monkeypatch):
    from apps.alerts import services

    w = mailed
    hazard("魏都逾期", w.chem_a, w.a_emergency, deadline=days(-1))
    real = services.send_mail

    def flaky(subject, message, sender, to, **kwargs):
        if to == ["ent_chem_a@example.gov.cn"]:
            raise OSError("mailbox unavailable")
        return real(subject, message, sender, to, **kwargs)

    monkeypatch.setattr(services, "send_mail", flaky)
    run = run_daily(D)
    assert run.counts["emails"] == 1 and run.counts["email_failures"] == 1
    assert Alert.objects.get(user=w.ent_user).emailed_at is None
    assert Alert.objects.get(user=w.a_emergency_user).emailed_at is not None


def test_a_run_cut_off_is_resumed_and_a_running_one_is_left_alone(mailed):
    w = mailed
    hazard("魏都逾期", w.chem_a, w.a_emergency, deadline=days(-1))
    now = timezone.now()
    AlertRun.objects.create(day=D, started_at=now, heartbeat_at=now)
    assert run_daily(D) is None  # another start is working on it
    AlertRun.objects.filter(day=D).update(heartbeat_at=now - STALE_AFTER - datetime.timedelta(seconds=1))
    run = run_daily(D)
    assert run is not None and run.attempts == 2 and run.finished
    assert Alert.objects.count() == 2 and len(mail.outbox) == 2
    assert run_daily(D) is None


def test_a_run_that_failed_is_resumed_by_the_next_start(mailed, monkeypatch):
    from apps.alerts import services

    w = mailed
    hazard("魏都逾期", w.chem_a, w.a_emergency, deadline=days(-1))
    hazard("魏都将到期", w.chem_a, w.a_emergency, deadline=days(1))

    def broken(day, directory):
        raise RuntimeError("数据库连接中断")
        yield  # pragma: no cover

    monkeypatch.setitem(services.RULES, Kind.HAZARD_DUE, broken)
    with pytest.raises(RuntimeError):
        run_daily(D)
    failed = AlertRun.objects.get(day=D)
    assert failed.finished_at is None and "数据库连接中断" in failed.counts["error"]
    assert Alert.objects.count() == 2 and mail.outbox == []  # the overdue rule ran before; nothing was sent
    monkeypatch.undo()
    run = run_daily(D)
    assert run.attempts == 2 and run.finished and "error" not in run.counts
    assert Alert.objects.count() == 3 and run.counts["alerts"] == 3
    assert len(mail.outbox) == 2  # each person once, with everything of the day


def test_the_daily_job_queries_do_not_grow_with_the_records(mailed):
    w = mailed
    for n in range(2):
        hazard(f"逾期{n}", w.chem_a, w.a_emergency, deadline=days(-1))
    with CaptureQueriesContext(connection) as few:
        run_daily(D)
    for n in range(2, 14):
        hazard(f"逾期{n}", w.chem_a, w.a_emergency, deadline=days(-1))
    with CaptureQueriesContext(connection) as many:
        run_daily(days(7))  # every hazard's overdue week turns: 14 new alerts for each of two people
    assert Alert.objects.filter(created_on=days(7)).count() == 28
    assert len(many.captured_queries) == len(few.captured_queries)


def test_mark_read_touches_only_ones_own_alerts(mailed):
    w = mailed
    hazard("魏都逾期", w.chem_a, w.a_emergency, deadline=days(-1))
    run_daily(D)
    theirs = Alert.objects.get(user=w.a_emergency_user)
    assert mark_read(w.ent_user, [theirs.pk]) == 0
    assert mark_read(w.ent_user) == 1
    assert Alert.objects.get(user=w.ent_user).read_at is not None
    assert Alert.objects.get(pk=theirs.pk).read_at is None


def test_the_command_runs_once_a_day_and_prints_counts(mailed):
    w = mailed
    hazard("魏都逾期", w.chem_a, w.a_emergency, deadline=days(-1))
    out = io.StringIO()
    call_command("send_alerts", "--day", D.isoformat(), stdout=out)
    text = out.getvalue()
    assert "隐患逾期未整改：2 条" in text and "新提醒合计：2 条，涉及 2 人" in text and "发送邮件：2 封" in text
    out = io.StringIO()
    call_command("send_alerts", "--day", D.isoformat(), stdout=out)
    assert "已生成并发送过" in out.getvalue()
    assert len(mail.outbox) == 2
    with pytest.raises(CommandError):
        call_command("send_alerts", "--day", "2026-13-01", stdout=io.StringIO())


def test_the_task_runs_the_day(mailed):
    from apps.alerts.tasks import send_daily_alerts

    w = mailed
    hazard("魏都逾期", w.chem_a, w.a_emergency, deadline=days(-1))
    out = io.StringIO()
    call_command("send_alerts", "--day", D.isoformat(), "--enqueue", stdout=out)  # immediate backend in tests
    assert "已提交后台任务" in out.getvalue()
    assert AlertRun.objects.get(day=D).counts["alerts"] == 2
    result = send_daily_alerts.enqueue(D.isoformat())
    assert result.return_value == {}  # already done
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_starts_run_once():
    import threading

    from tests.world import build_world

    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(("file:memorydb", ":memory:")):
        pytest.skip("an in-memory SQLite database is not shared between threads; PostgreSQL runs this in CI")
    w = build_world()
    for user in (w.ent_user, w.a_emergency_user):
        User.objects.filter(pk=user.pk).update(email=f"{user.username}@example.gov.cn")
    for n in range(5):
        hazard(f"逾期{n}", w.chem_a, w.a_emergency, deadline=days(-1))
    barrier = threading.Barrier(4)
    results, errors = [], []

    def start():
        from django.db import connections

        try:
            barrier.wait()
            results.append(run_daily(D))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(1 for r in results if r is not None) == 1
    assert Alert.objects.count() == 10
    assert len(mail.outbox) == 2
    assert AlertRun.objects.get(day=D).finished_at is not None
