"""The alert rules: one function per kind, each `rule(day, directory)` yielding `Candidate(user_id, key, title,
body, url)` for the day the job runs. Who receives an alert follows DESIGN.md "Who may do what": the people who can
act on it.

Kind — when — who — key (one alert per user and key):

- hazard_due — an open hazard (待整改/整改中) whose `deadline` is today or in the next 3 days — the enterprise's
  members (no enterprise: the responsible department) — `hazard-due:<hazard>:<deadline>`.
- hazard_overdue — a hazard not closed whose `deadline` has passed — the same rectifiers while fixing is theirs
  (not once submitted for acceptance) and the responsible department's members — `hazard-overdue:<hazard>:<week
  start>`: on its first overdue day, then again every 7 days while it stays overdue.
- listing_due — a listing (挂牌督办) not delisted, hazard not closed, `deadline` today or in the next 7 days — the
  listing authority's leaders (a government listing: the `leader`s of that region's safety office; a department
  listing: that department's `leader`s) and the responsible department's members — `listing-due:<listing>:<deadline>`.
- acceptance_waiting — a hazard awaiting acceptance (待验收) — the responsible department's members —
  `acceptance-waiting:<hazard>:<submission event>`: once per submission (again after a reject and a resubmission).
- closure_report_due — a closed hazard whose closure (销号) report is not filed, closed in the last 3 days (due
  `closed_on` + 3, 许昌 附件6) — the enterprise's members (no enterprise: the responsible department) —
  `closure-report:<hazard>:<closed_on>`.
- report_due — a scheduled report period due today or in the next 3 days, not submitted — the filer: the members
  of the filing region's safety office, or of the filing department — `report-due:<campaign>:<form>:<filer>:<as_of>`.
- report_missing — a scheduled report period whose due date passed in the last 7 days, not submitted (a draft is
  not submitted) — the same filer — `report-missing:<campaign>:<form>:<filer>:<as_of>`.
- duty_due — a principal-led inspection or drill the campaign requires in the calendar period running today
  (month, quarter, half-year; the campaign itself for `every: campaign`), recorded fewer times than required, when
  the period ends within 7 (month), 14 (quarter) or 30 (half-year, campaign) days — the enterprise's members —
  `duty:<duty>:<enterprise>:<period start>:<period end>`.

"The responsible department's members" are the members of the hazard's `department`; a department without
accounts (a 监督站 not on the platform) passes its alerts to the nearest unit above it that has members.

Bounded work: each rule reads its candidates in one query (the duties: one query for the enterprises and two per
2,000 of them for their records; the reports: a few per campaign and form), and fans out to users through the
`Directory`, which loads every active user's memberships once per run. Nothing here queries per user or per object.
"""
from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import NamedTuple

from django.db.models import OuterRef, Subquery
from django.urls import NoReverseMatch, reverse

from .models import Kind

HAZARD_LEAD_DAYS = 3
OVERDUE_REPEAT_DAYS = 7
LISTING_LEAD_DAYS = 7
CLOSURE_REPORT_DAYS = 3  # 销号后3日内上报 (许昌 附件6)
REPORT_LEAD_DAYS = 3
REPORT_MISSING_DAYS = 7  # a period whose due date passed longer ago than this raises no (first) alert any more
DUTY_LEAD_DAYS = {"month": 7, "quarter": 14, "half_year": 30, "campaign": 30}
CHUNK = 2000

ENTERPRISE, DEPARTMENT, SAFETY_OFFICE, LEADER = "enterprise", "department", "safety_office", "leader"
NOBODY: frozenset[int] = frozenset()


class Candidate(NamedTuple):
    user_id: int
    key: str
    title: str
    body: str
    url: str


class Directory:
    """Who acts for what, read once per run: the memberships of every active user, by organisation."""

    def __init__(self):
        from apps.accounts.models import Membership

        self.enterprise: dict[int, set[int]] = defaultdict(set)
        self.department: dict[int, set[int]] = defaultdict(set)
        self.department_leaders: dict[int, set[int]] = defaultdict(set)
        self.office: dict[str, set[int]] = defaultdict(set)
        self.office_leaders: dict[str, set[int]] = defaultdict(set)
        rows = Membership.objects.filter(user__is_active=True).order_by().values_list(
            "user_id", "kind", "role", "enterprise_id", "department_id", "region_id")
        for user_id, kind, role, enterprise_id, department_id, region_id in rows.iterator(chunk_size=5000):
            if kind == ENTERPRISE:
                self.enterprise[enterprise_id].add(user_id)
            elif kind == DEPARTMENT:
                self.department[department_id].add(user_id)
                if role == LEADER:
                    self.department_leaders[department_id].add(user_id)
            elif kind == SAFETY_OFFICE:
                self.office[region_id].add(user_id)
                if role == LEADER:
                    self.office_leaders[region_id].add(user_id)

    @cached_property
    def parents(self) -> dict[int, int]:
        from apps.regions.models import Department

        return dict(Department.objects.filter(parent__isnull=False).order_by().values_list("pk", "parent_id"))

    def enterprise_members(self, enterprise_id) -> set[int] | frozenset[int]:
        return self.enterprise.get(enterprise_id, NOBODY)

    def department_members(self, department_id) -> set[int] | frozenset[int]:
        """The department's members; for a unit without any, those of the nearest unit above it that has some."""
        seen = set()
        while department_id is not None and department_id not in seen:
            members = self.department.get(department_id)
            if members:
                return members
            seen.add(department_id)
            department_id = self.parents.get(department_id)
        return NOBODY

    def rectifiers(self, enterprise_id, department_id) -> set[int] | frozenset[int]:
        """Who plans, fixes and reports the closure: the enterprise's members; for a hazard without an enterprise
        (a road, a river bank), its responsible department (apps.hazards.services._rectifier)."""
        if enterprise_id is not None:
            return self.enterprise_members(enterprise_id)
        return self.department_members(department_id)

    @cached_property
    def filing_regions(self) -> list:
        """The regions whose safety office has members (only they can be told that a report is due)."""
        from apps.accounts.models import Membership
        from apps.regions.models import Region

        offices = Membership.objects.filter(kind=SAFETY_OFFICE, user__is_active=True).values("region_id")
        return list(Region.objects.filter(code__in=offices).order_by("code"))

    @cached_property
    def filing_departments(self) -> list:
        """The top-level departments (a unit's work is its parent's) that have members."""
        from apps.accounts.models import Membership
        from apps.regions.models import Department

        members = Membership.objects.filter(kind=DEPARTMENT, user__is_active=True).values("department_id")
        return list(Department.objects.filter(parent__isnull=True, pk__in=members).order_by("region_id", "name"))


# --- helpers --------------------------------------------------------------------------------------------------------

def _url(name: str, *args, fallback: str = "") -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback


def _hazard_url(pk: int) -> str:
    return _url("hazards:detail", pk, fallback=f"/hazards/{pk}/")


def _fan_out(users: Iterable[int], key: str, title: str, body: str, url: str) -> Iterator[Candidate]:
    for user_id in sorted(users):
        yield Candidate(user_id, key, title, body, url)


def _when(day: datetime.date, deadline: datetime.date) -> str:
    left = (deadline - day).days
    return "今天到期" if left == 0 else f"{left} 天后到期"


def _levels() -> dict[str, str]:
    from apps.hazards.models import Level

    return dict(Level.choices)


# --- hazards --------------------------------------------------------------------------------------------------------

HAZARD_FIELDS = ("pk", "title", "level", "status", "deadline", "enterprise_id", "enterprise__name", "region__name",
                 "department_id")


def hazard_due(day: datetime.date, directory: Directory) -> Iterator[Candidate]:
    """隐患整改期限将至: hazards still to be fixed (待整改, 整改中) whose deadline is today or within
    HAZARD_LEAD_DAYS, to the enterprise's members (or, without an enterprise, the responsible department). Once per
    hazard and deadline: a deadline moved later alerts again when the new one nears."""
    from apps.hazards.models import Hazard, Status

    levels = _levels()
    rows = (Hazard.objects.filter(status__in=[Status.REPORTED, Status.RECTIFYING], deadline__gte=day,
                                  deadline__lte=day + datetime.timedelta(days=HAZARD_LEAD_DAYS))
            .order_by().values_list(*HAZARD_FIELDS))
    for pk, title, level, _status, deadline, enterprise_id, enterprise, region, department_id in rows.iterator(
            chunk_size=CHUNK):
        body = (f"{enterprise or region}的{levels.get(level, '')}“{title}”整改期限为 {deadline:%Y-%m-%d}"
                f"（{_when(day, deadline)}），请按期完成整改并提交验收。")
        yield from _fan_out(directory.rectifiers(enterprise_id, department_id), f"hazard-due:{pk}:{deadline}",
                            f"隐患整改期限将至：{title}", body, _hazard_url(pk))


def overdue_week_start(deadline: datetime.date, day: datetime.date) -> datetime.date:
    """The first day of the current 7-day overdue stretch: the day after the deadline, then every 7 days."""
    first = deadline + datetime.timedelta(days=1)
    weeks = (day - first).days // OVERDUE_REPEAT_DAYS
    return first + datetime.timedelta(days=weeks * OVERDUE_REPEAT_DAYS)


def hazard_overdue(day: datetime.date, directory: Directory) -> Iterator[Candidate]:
    """隐患逾期未整改: hazards not closed whose deadline has passed (Hazard.objects.overdue). To the rectifiers while
    fixing is theirs (not once submitted for acceptance: then it waits on the department) and to the responsible
    department's members, who supervise it. Once on the first overdue day and again every OVERDUE_REPEAT_DAYS
    while it stays overdue: the key names the start of the current 7-day stretch."""
    from apps.hazards.models import Hazard, Status

    levels = _levels()
    rows = Hazard.objects.overdue(day).order_by().values_list(*HAZARD_FIELDS)
    for pk, title, level, status, deadline, enterprise_id, enterprise, region, department_id in rows.iterator(
            chunk_size=CHUNK):
        users = set(directory.department_members(department_id))
        if status != Status.AWAITING_ACCEPTANCE:
            users |= directory.rectifiers(enterprise_id, department_id)
        late = (day - deadline).days
        state = "已提交验收、尚未验收销号" if status == Status.AWAITING_ACCEPTANCE else "尚未整改销号"
        body = (f"{enterprise or region}的{levels.get(level, '')}“{title}”整改期限为 {deadline:%Y-%m-%d}，"
                f"已逾期 {late} 天，{state}。")
        yield from _fan_out(users, f"hazard-overdue:{pk}:{overdue_week_start(deadline, day)}",
                            f"隐患逾期未整改：{title}", body, _hazard_url(pk))


def listing_due(day: datetime.date, directory: Directory) -> Iterator[Candidate]:
    """挂牌督办期限将至: listings not delisted whose hazard is not closed and whose deadline is today or within
    LISTING_LEAD_DAYS. To the listing authority's leaders (a government listing: the safety office `leader`s of
    `authority_region`; a department listing: the `leader`s of `authority_department`) and to the responsible
    department's members. Once per listing and deadline."""
    from apps.hazards.models import Listing, Status

    rows = (Listing.objects.filter(delisted_on__isnull=True, deadline__gte=day,
                                   deadline__lte=day + datetime.timedelta(days=LISTING_LEAD_DAYS))
            .exclude(hazard__status=Status.CLOSED).order_by()
            .values_list("pk", "deadline", "document_no", "authority_region_id", "authority_region__name",
                         "authority_department_id", "authority_department__name", "hazard_id", "hazard__title",
                         "hazard__department_id", "hazard__enterprise__name", "hazard__region__name"))
    for (pk, deadline, document_no, region_code, region_name, authority_id, authority_name, hazard_id, title,
         department_id, enterprise, region) in rows.iterator(chunk_size=CHUNK):
        if authority_id is not None:
            leaders, authority = directory.department_leaders.get(authority_id, NOBODY), authority_name
        else:
            leaders, authority = directory.office_leaders.get(region_code, NOBODY), f"{region_name}人民政府（安委会）"
        users = set(leaders) | directory.department_members(department_id)
        body = (f"{authority}挂牌督办（{document_no}）的{enterprise or region}“{title}”督办期限为 "
                f"{deadline:%Y-%m-%d}（{_when(day, deadline)}），尚未整改销号。")
        yield from _fan_out(users, f"listing-due:{pk}:{deadline}", f"挂牌督办期限将至：{title}", body,
                            _hazard_url(hazard_id))


def acceptance_waiting(day: datetime.date, directory: Directory) -> Iterator[Candidate]:
    """隐患待验收: hazards awaiting acceptance (待验收), to the members of the responsible department, who accept or
    reject. Once per submission (the HazardEvent that moved it to 待验收): a hazard rejected and submitted again
    alerts again."""
    from apps.hazards.models import Hazard, HazardEvent, Status

    levels = _levels()
    submission = HazardEvent.objects.filter(hazard=OuterRef("pk"), to_status=Status.AWAITING_ACCEPTANCE).order_by(
        "-id")
    rows = (Hazard.objects.filter(status=Status.AWAITING_ACCEPTANCE)
            .annotate(submission=Subquery(submission.values("pk")[:1]),
                      submitted_on=Subquery(submission.values("on")[:1]))
            .order_by().values_list("pk", "title", "level", "enterprise__name", "region__name", "department_id",
                                    "submission", "submitted_on"))
    for pk, title, level, enterprise, region, department_id, event, submitted_on in rows.iterator(chunk_size=CHUNK):
        since = f"于 {submitted_on:%Y-%m-%d} " if submitted_on else ""
        body = f"{enterprise or region}{since}提交了{levels.get(level, '')}“{title}”的整改验收申请，请组织验收。"
        yield from _fan_out(directory.department_members(department_id),
                            f"acceptance-waiting:{pk}:{event or 0}", f"隐患待验收：{title}", body, _hazard_url(pk))


def closure_report_due(day: datetime.date, directory: Directory) -> Iterator[Candidate]:
    """销号情况待上报: hazards closed in the last CLOSURE_REPORT_DAYS days whose closure report (销号情况上报) is not
    filed; it is due `closed_on` + 3 days (许昌 附件6). To the enterprise's members (without an enterprise: the
    responsible department). Once per closure."""
    from apps.hazards.models import Hazard, Status

    rows = (Hazard.objects.filter(status=Status.CLOSED, closure_reported_on__isnull=True,
                                  closed_on__gte=day - datetime.timedelta(days=CLOSURE_REPORT_DAYS),
                                  closed_on__lte=day)
            .order_by().values_list("pk", "title", "closed_on", "enterprise_id", "enterprise__name", "region__name",
                                    "department_id"))
    for pk, title, closed_on, enterprise_id, enterprise, region, department_id in rows.iterator(chunk_size=CHUNK):
        due = closed_on + datetime.timedelta(days=CLOSURE_REPORT_DAYS)
        body = (f"{enterprise or region}的“{title}”已于 {closed_on:%Y-%m-%d} 销号，销号情况须于 {due:%Y-%m-%d} "
                f"前上报（{_when(day, due)}）。")
        yield from _fan_out(directory.rectifiers(enterprise_id, department_id), f"closure-report:{pk}:{closed_on}",
                            f"销号情况待上报：{title}", body, _hazard_url(pk))


# --- reports --------------------------------------------------------------------------------------------------------

def _report_candidates(day: datetime.date, directory: Directory, missing: bool) -> Iterator[Candidate]:
    """The report periods of every campaign with a schedule whose due date lies in the window (missing: the last
    REPORT_MISSING_DAYS days before today; due: today and the next REPORT_LEAD_DAYS), for every filer that files the
    form (as apps.reports.services.expected_filers lists them, over the campaign's whole region: the regions below
    its region — down to the form's `filer_max_level` — and the top-level departments of its region and below) and
    has not submitted it. A campaign without a schedule is left out: its forms have no due dates."""
    from apps.campaigns.models import Campaign
    from apps.campaigns.schedule import TEMPLATES as FORMS
    from apps.reports.models import Report, ReportStatus
    from apps.reports.rankings import files_template, filing_periods, scheduled_templates
    from apps.reports.templates import TEMPLATES

    if missing:
        low, high = day - datetime.timedelta(days=REPORT_MISSING_DAYS), day - datetime.timedelta(days=1)
    else:
        low, high = day, day + datetime.timedelta(days=REPORT_LEAD_DAYS)
    campaigns = Campaign.objects.filter(start__lte=high, end__gte=low - datetime.timedelta(days=62)).select_related(
        "department").order_by("start", "pk")
    reports_url = _url("reports:index", fallback="/reports/")
    prefix, title_word = ("report-missing", "报表逾期未报") if missing else ("report-due", "报表即将到期")
    for campaign in campaigns:
        if not campaign.schedule:
            continue
        for code in dict.fromkeys(scheduled_templates(campaign)):
            periods = [(as_of, due) for as_of, due in filing_periods(campaign, code) if low <= due <= high]
            if not periods:
                continue
            template = TEMPLATES[code]
            filers = [("region", r.code, r.name, directory.office.get(r.code, NOBODY))
                      for r in directory.filing_regions
                      if r.code.startswith(campaign.region_id) and r.code != campaign.region_id
                      and (not template.filer_max_level or r.level <= template.filer_max_level)
                      and files_template(campaign, code, region=r)]
            filers += [("department", d.pk, d.name, directory.department.get(d.pk, NOBODY))
                       for d in directory.filing_departments
                       if d.region_id.startswith(campaign.region_id) and files_template(campaign, code, department=d)]
            if not filers:
                continue
            submitted = set()
            for region_id, department_id, as_of in (
                    Report.objects.filter(campaign=campaign, template=code, as_of__in=[p[0] for p in periods])
                    .exclude(status=ReportStatus.DRAFT).order_by().values_list("region_id", "department_id", "as_of")):
                submitted.add((("region", region_id) if region_id else ("department", department_id), as_of))
            form = FORMS.get(code, template.title)
            for as_of, due in periods:
                for kind, filer_id, name, users in filers:
                    if ((kind, filer_id), as_of) in submitted:
                        continue
                    if missing:
                        body = (f"{name}应于 {due:%Y-%m-%d} 前报送专项行动“{campaign.name}”的{form}"
                                f"（统计截止 {as_of:%Y-%m-%d}），至今未报送（草稿不算报送）。")
                    else:
                        body = (f"{name}须于 {due:%Y-%m-%d} 前报送专项行动“{campaign.name}”的{form}"
                                f"（统计截止 {as_of:%Y-%m-%d}，{_when(day, due)}），目前尚未报送。")
                    yield from _fan_out(users, f"{prefix}:{campaign.pk}:{code}:{kind}-{filer_id}:{as_of}",
                                        f"{title_word}：{form}（截至 {as_of:%Y-%m-%d}）", body, reports_url)


def report_due(day: datetime.date, directory: Directory) -> Iterator[Candidate]:
    """报表即将到期: a scheduled report period due today or within REPORT_LEAD_DAYS and not submitted, to the
    filer's members (the filing region's safety office, or the filing department). Once per filer and period."""
    yield from _report_candidates(day, directory, missing=False)


def report_missing(day: datetime.date, directory: Directory) -> Iterator[Candidate]:
    """报表逾期未报: a scheduled report period whose due date has passed (the due day itself is not late yet, as
    the rankings count 漏报) and which is not submitted, to the filer's members. Once per filer and period, raised
    within REPORT_MISSING_DAYS after the due date (so a job that missed a few days still raises it, and the first
    run on an old database does not raise every past period)."""
    yield from _report_candidates(day, directory, missing=True)


# --- enterprise duties ----------------------------------------------------------------------------------------------

def _duty_windows(campaign, day: datetime.date) -> list[tuple[dict, datetime.date, datetime.date]]:
    """The campaign's periodic duty rules whose period runs today, ends inside the campaign and ends within its lead
    days: (rule, period start, period end). The periods are apps.work.duties' calendar periods."""
    from apps.work.duties import PERIOD_MONTHS, PERIODIC, period_of

    windows = []
    for rule in campaign.duties or []:
        if not isinstance(rule, dict) or rule.get("kind") not in PERIODIC:
            continue
        every = rule.get("every")
        if every in PERIOD_MONTHS:
            start, end = period_of(day, every)
        else:  # "campaign" (apps.work.duties reads an unknown word the same way)
            every, start, end = "campaign", campaign.start, campaign.end
        if end > campaign.end or (end - day).days > DUTY_LEAD_DAYS[every]:
            continue
        windows.append((rule, start, end))
    return windows


def duty_due(day: datetime.date, directory: Directory) -> Iterator[Candidate]:
    """企业履职待完成: for every campaign running today, the principal-led inspections (`principal_inspection`:
    self-inspections led by the principal) and drills (`drill` activities, each counting `count` drills) its
    `duties` require of an operating enterprise in its region — by the rules whose flags the enterprise has — in the
    calendar period running today, counted over the whole period as apps.work.duties.duty_status counts them, when
    fewer are recorded than required and the period ends within DUTY_LEAD_DAYS. To the enterprise's members. Once
    per enterprise, duty and period (two campaigns asking the same period give one alert, at the larger number)."""
    from apps.accounts.models import Membership
    from apps.campaigns.models import Campaign
    from apps.enterprises.models import FLAGS, Enterprise, EnterpriseState
    from apps.work.duties import DRILL, DUTIES, PRINCIPAL_INSPECTION

    members = Membership.objects.filter(kind=ENTERPRISE, user__is_active=True).values("enterprise_id")
    short: dict[tuple, list] = {}  # (enterprise, duty, start, end) → [required, done, enterprise name, campaign]
    for campaign in Campaign.objects.filter(start__lte=day, end__gte=day).order_by("start", "pk"):
        windows = _duty_windows(campaign, day)
        if not windows:
            continue
        earliest = min(start for _, start, _ in windows)
        enterprises = (Enterprise.objects.filter(region__code__under=campaign.region_id,
                                                 state=EnterpriseState.OPERATING, pk__in=members)
                       .order_by("pk").values("pk", "name", *FLAGS))
        chunk: list[dict] = []
        for enterprise in enterprises.iterator(chunk_size=CHUNK):
            chunk.append(enterprise)
            if len(chunk) == CHUNK:
                _count_duties(chunk, windows, earliest, day, campaign.name, short)
                chunk = []
        if chunk:
            _count_duties(chunk, windows, earliest, day, campaign.name, short)
    record_url = {
        PRINCIPAL_INSPECTION: _url("inspections:create", fallback=""),
        DRILL: _url("work:activities-create", fallback="/work/activities/new/"),
    }
    for (enterprise_id, code, start, end), (required, done, name, campaign) in sorted(short.items()):
        body = (f"{name}：专项行动“{campaign}”要求本期（{start:%Y-%m-%d}至{end:%Y-%m-%d}）{DUTIES[code]}至少 "
                f"{required} 次，目前记录 {done} 次，请于 {end:%Y-%m-%d} 前完成并在平台登记。")
        url = record_url[code] or _url("enterprises:detail", enterprise_id, fallback=f"/enterprises/{enterprise_id}/")
        yield from _fan_out(directory.enterprise_members(enterprise_id), f"duty:{code}:{enterprise_id}:{start}:{end}",
                            f"企业履职待完成：{DUTIES[code]}（{start:%m-%d}至{end:%m-%d}）", body, url)


def _count_duties(chunk: list[dict], windows, earliest: datetime.date, day: datetime.date, campaign: str,
                  short: dict) -> None:
    """For one chunk of enterprises: their records in the windows (two queries), and each duty they fall short of
    into `short`."""
    from apps.inspections.models import Inspection, InspectionKind
    from apps.work.duties import DRILL, PRINCIPAL_INSPECTION, applies
    from apps.work.models import Activity

    ids = [e["pk"] for e in chunk]
    dated: dict[tuple[int, str], list[tuple[datetime.date, int]]] = defaultdict(list)
    for enterprise_id, inspected_on in (
            Inspection.objects.filter(enterprise_id__in=ids, kind=InspectionKind.SELF, led_by_principal=True,
                                      inspected_on__gte=earliest, inspected_on__lte=day)
            .order_by().values_list("enterprise_id", "inspected_on")):
        dated[(enterprise_id, PRINCIPAL_INSPECTION)].append((inspected_on, 1))
    for enterprise_id, occurred_on, count in (
            Activity.objects.filter(enterprise_id__in=ids, kind=DRILL, occurred_on__gte=earliest, occurred_on__lte=day)
            .order_by().values_list("enterprise_id", "occurred_on", "count")):
        dated[(enterprise_id, DRILL)].append((occurred_on, max(int(count or 1), 1)))
    for enterprise in chunk:
        required: dict[tuple, int] = {}
        for rule, start, end in windows:
            if applies(rule, enterprise):
                key = (rule["kind"], start, end)
                required[key] = max(required.get(key, 0), int(rule.get("times") or 1))
        for (code, start, end), times in required.items():
            done = sum(n for on, n in dated[(enterprise["pk"], code)] if start <= on <= end)
            if done >= times:
                continue
            key = (enterprise["pk"], code, start, end)
            if key not in short or short[key][0] < times:
                short[key] = [times, done, enterprise["name"], campaign]


# The rules in the order the job runs them and the inbox groups them.
RULES = {
    Kind.HAZARD_OVERDUE: hazard_overdue,
    Kind.HAZARD_DUE: hazard_due,
    Kind.LISTING_DUE: listing_due,
    Kind.ACCEPTANCE_WAITING: acceptance_waiting,
    Kind.CLOSURE_REPORT_DUE: closure_report_due,
    Kind.REPORT_MISSING: report_missing,
    Kind.REPORT_DUE: report_due,
    Kind.DUTY_DUE: duty_due,
}
