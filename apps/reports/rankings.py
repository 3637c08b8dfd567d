"""排名通报: the week and month rankings the plans ask for (许昌 000:93 「进行周排名、月通报」) of the subordinate
regions and the departments of a safety office's region, by documented measures. Pure functions of the
database; nothing here writes.

Who is ranked (the office's region R):
- 下级地区: the regions whose `parent` is R, each with its whole subtree (全口径, REPORTS.md §0.2);
- 本级部门: the top-level departments of R (`region` = R, no `parent`), each with its subordinate units (D*),
  as `services.expected_filers` lists them.

The period, for a date d:
- 周 (week): the 7 days ending on d, [d − 6, d];
- 月 (month): the calendar month of d up to d, [1st, d] (REPORTS.md «Mo»).
Stocks (整改率, 逾期) are read at d; flows (本期新发现, 本期整改, 迟报/漏报) count what happened in the period.

The measures:
1. 整改率 (rectification rate) — of the major hazards found from the campaign's start to d (the 调度表's W and
   `HZ.all`: for a region, those whose home region lies in its subtree; for a department, the self-reported ones
   reported to D* (`department`) and the others found by D* (`found_by_department`)), the share closed by d
   (`closed_on` ≤ d), in % with one decimal, half-up (`metrics.rate`). It is (1.2 + 1.4) / (1.1 + 1.3) of 许昌
   附件3. None when none were found. Beside it: 期初整改率, the same on the day before the period starts, and the
   change in percentage points (the week's or month's progress); 本期新发现 (found in the period, inside W) and
   本期整改 (of the hazards of W, closed in the period).
2. 逾期未整改重大隐患 — major hazards of the same ownership, found by d (whenever: a hazard found before the
   campaign is still overdue), whose `deadline` < d and which were not closed by d (`closed_on` empty or > d).
3. 迟报/漏报次数 — over the forms the target files in the campaign (`filed_templates`) and every submission
   period (`filing_periods`) whose due date lies in the period: 迟报 when the report was submitted after its due
   date and by d; 漏报 when it was not submitted by d although the due date is before d (on the due day itself
   it is not missing yet). A report counts as submitted on the local date (Asia/Shanghai) of `submitted_at`;
   drafts are not submitted. The two are shown apart and ranked by their sum.

Order: by the chosen measure — 整改率 high first (targets without a rate after all others), 逾期 and 迟报/漏报 low
first — then by the other measures in the order 整改率, 逾期, 迟报/漏报; targets equal on all three share a rank
(1, 2, 2, 4) and are listed by code or name.

Queries: one grouped hazard query per length of the child regions' codes (one in practice), two for the
departments, one per depth of the department tree for D*, one for the reports: never one per target.
"""
from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from apps.hazards.models import Hazard, Level, Source
from apps.regions.models import Department, Region

from .metrics import rate
from .models import Report, ReportStatus
from .scopes import RegionTargets
from .templates import DEPARTMENT, REGION, TEMPLATES

WEEK, MONTH = "week", "month"
PERIODS = {WEEK: "周排名（近 7 日）", MONTH: "月通报（本月）"}
RATE, OVERDUE, LATE = "rate", "overdue", "late"
MEASURES = {RATE: "整改率", OVERDUE: "逾期未整改重大隐患", LATE: "迟报/漏报次数"}


# --- which forms a filer files, and when ----------------------------------------------------------------------

def scheduled_templates(campaign) -> list[str]:
    """The forms the campaign's schedule names (those the platform has), in its order."""
    return [item.get("template") for item in (campaign.schedule or []) if item.get("template") in TEMPLATES]


def files_template(campaign, code: str, *, region: Region | None = None,
                   department: Department | None = None) -> bool:
    """Does this filer file form `code` in the campaign? A region files the forms that take a region and are not
    福州's line form (filed by the 建设 departments); a department the forms that take a department — the line
    form only when it is of the campaign department's kind. A campaign with a schedule files only the forms its
    schedule names; one without files every form."""
    template = TEMPLATES.get(code)
    if template is None:
        return False
    scheduled = scheduled_templates(campaign)
    if campaign.schedule and code not in scheduled:
        return False
    if region is not None:
        return REGION in template.scopes and not template.line
    if department is None or DEPARTMENT not in template.scopes:
        return False
    if template.line and campaign.department_id is not None:
        kind = campaign.department.kind
        return department.kind == kind
    return True


def filed_templates(campaign, *, region: Region | None = None, department: Department | None = None) -> list[str]:
    """The forms this filer files in the campaign, in the schedule's order (else the catalogue's)."""
    codes = scheduled_templates(campaign) if campaign.schedule else list(TEMPLATES)
    seen: list[str] = []
    for code in codes:
        if code not in seen and files_template(campaign, code, region=region, department=department):
            seen.append(code)
    return seen


def _month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def filing_periods(campaign, code: str, start: datetime.date | None = None,
                   end: datetime.date | None = None) -> list[tuple[datetime.date, datetime.date]]:
    """The (as_of, due) submission periods of a form whose cut-off lies in [start, end] (default and limit: the
    campaign's own period). From the campaign's schedule (`apps.campaigns.schedule`); a campaign without any
    schedule falls back to one period a month, cut off and due on the month's last day (许昌's 「每月月底前上报
    本月的累计情况」). This is the one place that decides periods: the pages, the board and the rankings ask it."""
    start = max(start or campaign.start, campaign.start)
    end = min(end or campaign.end, campaign.end)
    if start > end:
        return []
    if campaign.schedule:
        from apps.campaigns import schedule

        return schedule.periods(campaign, code, start, end)
    periods = []
    day = _month_end(start)
    while day <= end:
        periods.append((day, day))
        day = _month_end(day + datetime.timedelta(days=1))
    return periods


def current_period(campaign, code: str, on: datetime.date):
    """The period being filed on the day `on`: the first due on or after it; after the last, the last; None when
    the form has no periods."""
    periods = filing_periods(campaign, code)
    for as_of, due in periods:
        if due >= on:
            return as_of, due
    return periods[-1] if periods else None


def due_of(campaign, code: str, as_of: datetime.date) -> datetime.date | None:
    for cutoff, due in filing_periods(campaign, code, as_of, as_of):
        if cutoff == as_of:
            return due
    return None


# --- the period -----------------------------------------------------------------------------------------------

def period_window(period: str, on: datetime.date) -> tuple[datetime.date, datetime.date]:
    if period == WEEK:
        return on - datetime.timedelta(days=6), on
    if period == MONTH:
        return on.replace(day=1), on
    raise ValueError(f"unknown period {period!r}")


# --- the figures ----------------------------------------------------------------------------------------------

@dataclass
class Row:
    key: str | int
    name: str
    kind: str  # "region" or "department"
    found: int = 0
    closed: int = 0
    found_before: int = 0
    closed_before: int = 0
    found_in_period: int = 0
    closed_in_period: int = 0
    overdue: int = 0
    late: int = 0
    missing: int = 0
    judged: int = 0  # periods due in the window that were judged (on time, late or missing)
    rank: int = 0
    late_periods: list = field(default_factory=list)  # [(template, as_of, due, "late"/"missing")]

    @property
    def rate(self) -> float | None:
        return rate(self.closed, self.found)

    @property
    def rate_before(self) -> float | None:
        return rate(self.closed_before, self.found_before)

    @property
    def rate_change(self) -> float | None:
        if self.rate is None:
            return None
        return round(self.rate - (self.rate_before or 0), 1) if self.found_before else None

    @property
    def late_total(self) -> int:
        return self.late + self.missing

    def value(self, measure: str):
        return {RATE: self.rate, OVERDUE: self.overdue, LATE: self.late_total}[measure]


FIGURES = ("found", "closed", "found_before", "closed_before", "found_in_period", "closed_in_period", "overdue")


def _aggregates(campaign, start: datetime.date, end: datetime.date) -> dict:
    w = Q(found_on__gte=campaign.start, found_on__lte=end)
    before = Q(found_on__gte=campaign.start, found_on__lt=start)
    open_at_end = Q(closed_on__isnull=True) | Q(closed_on__gt=end)
    return {
        "found": Count("pk", filter=w),
        "closed": Count("pk", filter=w & Q(closed_on__lte=end)),
        "found_before": Count("pk", filter=before),
        "closed_before": Count("pk", filter=before & Q(closed_on__lt=start)),
        "found_in_period": Count("pk", filter=w & Q(found_on__gte=start)),
        "closed_in_period": Count("pk", filter=w & Q(closed_on__gte=start, closed_on__lte=end)),
        "overdue": Count("pk", filter=Q(deadline__lt=end) & open_at_end),
    }


def _major(end: datetime.date):
    return Hazard.objects.filter(level=Level.MAJOR, found_on__lte=end)


def region_figures(campaign, regions: list[Region], start: datetime.date, end: datetime.date) -> dict:
    """{region code: {figure: n}} for the hazard measures, grouped in the database by code prefix."""
    out: dict = {}
    by_length: dict[int, list[Region]] = {}
    for region in regions:
        by_length.setdefault(len(region.code), []).append(region)
    for group in by_length.values():
        targets = RegionTargets(group)
        rows = (_major(end).filter(targets.q("region")).annotate(_k=targets.group("region"))
                .values("_k").annotate(**_aggregates(campaign, start, end)).order_by())
        for row in rows:
            out[row["_k"]] = {name: row[name] for name in FIGURES}
    return out


def own_units(departments: list[Department]) -> dict[int, int]:
    """D* of many departments at once: {department id: the ranked department it belongs to}, one query per level
    of the tree of subordinate units."""
    owner = {d.pk: d.pk for d in departments}
    frontier = set(owner)
    while frontier:
        children = Department.objects.filter(parent_id__in=sorted(frontier)).values_list("pk", "parent_id")
        frontier = set()
        for pk, parent in children:
            if pk not in owner:
                owner[pk] = owner[parent]
                frontier.add(pk)
    return owner


def department_figures(campaign, departments: list[Department], start: datetime.date, end: datetime.date) -> dict:
    """{department id: {figure: n}}: self-reported hazards by the department reported to, the others by the
    finder (HZ.all of the department scope), summed over D*."""
    owner = own_units(departments)
    ids = sorted(owner)
    aggregates = _aggregates(campaign, start, end)
    reported = (_major(end).filter(source=Source.SELF, department_id__in=ids)
                .values("department_id").annotate(**aggregates).order_by())
    found = (_major(end).exclude(source=Source.SELF).filter(found_by_department_id__in=ids)
             .values("found_by_department_id").annotate(**aggregates).order_by())
    out: dict = {}
    for rows, path in ((reported, "department_id"), (found, "found_by_department_id")):
        for row in rows:
            acc = out.setdefault(owner[row[path]], dict.fromkeys(FIGURES, 0))
            for name in FIGURES:
                acc[name] += row[name] or 0
    return out


def submission_figures(campaign, start: datetime.date, end: datetime.date, *, regions=(), departments=()) -> dict:
    """{("region", code) | ("department", id): {"late", "missing", "judged", "periods"}} over the periods due in
    [start, end] of the forms each filer files."""
    filers = [("region", r.code, {"region": r}) for r in regions] + \
             [("department", d.pk, {"department": d}) for d in departments]
    wanted: dict = {}  # (kind, key) → [(template, as_of, due)]
    periods_of: dict[str, list] = {}
    for kind, key, scope in filers:
        for code in filed_templates(campaign, **scope):
            if code not in periods_of:
                # a due date is at most about a month after its cut-off
                periods_of[code] = [(a, d) for a, d in filing_periods(campaign, code, start - datetime.timedelta(
                    days=62), end) if start <= d <= end]
            wanted.setdefault((kind, key), []).extend((code, a, d) for a, d in periods_of[code])
    out = {filer: {"late": 0, "missing": 0, "judged": 0, "periods": []} for filer in
           [(kind, key) for kind, key, _ in filers]}
    dates = sorted({a for items in wanted.values() for _, a, _ in items})
    if not dates:
        return out
    reports = Report.objects.filter(campaign=campaign, template__in=sorted(periods_of), as_of__in=dates).filter(
        Q(region_id__in=[r.code for r in regions]) | Q(department_id__in=[d.pk for d in departments])
    ).values_list("template", "region_id", "department_id", "as_of", "status", "submitted_at")
    submitted: dict = {}
    for code, region_id, department_id, as_of, status, submitted_at in reports:
        filer = ("region", region_id) if region_id else ("department", department_id)
        if status != ReportStatus.DRAFT and submitted_at is not None:
            submitted[(filer, code, as_of)] = timezone.localdate(submitted_at)
    for filer, items in wanted.items():
        acc = out[filer]
        for code, as_of, due in items:
            on = submitted.get((filer, code, as_of))
            if on is not None and on <= end:
                acc["judged"] += 1
                if on > due:
                    acc["late"] += 1
                    acc["periods"].append((code, as_of, due, "late"))
            elif due < end:
                acc["judged"] += 1
                acc["missing"] += 1
                acc["periods"].append((code, as_of, due, "missing"))
    return out


# --- the order ------------------------------------------------------------------------------------------------

def _sort_key(row: Row, measure: str) -> tuple:
    keys = {
        RATE: (row.rate is None, -(row.rate or 0.0)),
        OVERDUE: (row.overdue,),
        LATE: (row.late_total,),
    }
    order = [measure] + [m for m in MEASURES if m != measure]
    return tuple(part for m in order for part in keys[m])


def rank(rows: list[Row], measure: str = RATE) -> list[Row]:
    """Sorted by `measure` then the others; equal rows share a rank (1, 2, 2, 4)."""
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}")
    ordered = sorted(rows, key=lambda r: (_sort_key(r, measure), str(r.key) if r.kind == "region" else r.name))
    previous = None
    for position, row in enumerate(ordered, start=1):
        key = _sort_key(row, measure)
        row.rank = previous[1] if previous and previous[0] == key else position
        previous = (key, row.rank)
    return ordered


# --- the whole ranking ----------------------------------------------------------------------------------------

@dataclass
class Ranking:
    campaign: object
    region: Region
    period: str
    measure: str
    start: datetime.date
    end: datetime.date
    regions: list[Row]
    departments: list[Row]

    @property
    def period_label(self) -> str:
        return PERIODS[self.period]

    @property
    def measure_label(self) -> str:
        return MEASURES[self.measure]


def subordinates(region: Region) -> tuple[list[Region], list[Department]]:
    return (list(Region.objects.filter(parent=region).order_by("code")),
            list(Department.objects.filter(region=region, parent__isnull=True).select_related("region")
                 .order_by("kind", "name")))


def rankings(campaign, region: Region, on: datetime.date, period: str = WEEK, measure: str = RATE) -> Ranking:
    """The ranking of R's child regions and of R's departments for the period ending on `on`."""
    start, end = period_window(period, on)
    regions, departments = subordinates(region)
    hazards_r = region_figures(campaign, regions, start, end) if regions else {}
    hazards_d = department_figures(campaign, departments, start, end) if departments else {}
    reports = submission_figures(campaign, start, end, regions=regions, departments=departments)

    def row(kind, key, name, figures):
        r = Row(key=key, name=name, kind=kind, **{k: figures.get(k, 0) for k in FIGURES})
        sub = reports.get((kind, key), {})
        r.late, r.missing, r.judged = sub.get("late", 0), sub.get("missing", 0), sub.get("judged", 0)
        r.late_periods = sub.get("periods", [])
        return r

    region_rows = [row("region", r.code, r.name, hazards_r.get(r.code, {})) for r in regions]
    department_rows = [row("department", d.pk, d.name, hazards_d.get(d.pk, {})) for d in departments]
    return Ranking(campaign=campaign, region=region, period=period, measure=measure, start=start, end=end,
                   regions=rank(region_rows, measure), departments=rank(department_rows, measure))


def chart_data(rows: list[Row], measure: str) -> dict:
    """What static/js/rankings.js draws: names and values in rank order (a missing rate is null: no bar)."""
    return {
        "measure": MEASURES[measure],
        "unit": "%" if measure == RATE else "个" if measure == OVERDUE else "次",
        "names": [r.name for r in rows],
        "values": [r.value(measure) for r in rows],
        "ranks": [r.rank for r in rows],
    }
