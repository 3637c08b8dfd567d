"""一张图: the figures of the dashboard, for the membership a person acts for, each paired with the list it counts.

Every count is taken over what the person may open (`Hazard.objects.visible_to(user)`,
`EnforcementAction.objects.visible_to(user)`) and comes with the URL of the list whose rows it counts: the hazard
ledger `/hazards/?…` (filtered by `HazardFilterSet`), the enforcement list `/enforcement/?…` (filtered by
`EnforcementActionFilterSet`) or the report board `/reports/board/?…`. Opening a figure's link as the same person
shows exactly that many rows.

The period (`Window`): the campaign chosen on the page (default: the newest campaign covering the acting region
today) counts the hazards *found* from its start to its end (`found_from`/`found_to` in every hazard link) and the
enforcement actions *decided* in it (`decided_from`/`decided_to`); "全部" counts everything. Stocks such as
逾期 and 挂牌督办中 are read today, over the hazards of the period.

The figures:
- `levels`: per level (重大 / 一般 / 合计): found, each status, overdue (deadline passed, not closed — the ledger's
  `overdue`), and the rectification rate closed ÷ found (% with one decimal, half-up, `reports.metrics.rate`);
- `headline`: the major hazards' found, closed, open, overdue, rate, and the hazards under an active listing
  (挂牌督办中: a listing not yet delisted, any level);
- `sectors`: major hazards per top-level sector (a hazard counts under the root of its sector's tree);
- `regions`: major hazards per subordinate region — the regions whose parent is the acting region, each with its
  whole subtree, grouped by the first n characters of the hazard's region code (one GROUP BY, as
  `reports.scopes.RegionTargets` does) — and 本级, the hazards homed at the acting region itself;
- `trend`: per month of the period (the last 12 months for "全部"): major hazards found that month, major hazards
  of the period closed (`closed_on`) that month, and the cumulative rectification rate at the month's end;
- `listed`: the hazards under an active listing and the first listings by deadline;
- `enforcement`: actions decided in the period by kind, penalty amount (万元), persons referred, typical cases;
- `submissions` (a safety office only): for each form its subordinates file in the campaign, the current period's
  expected / submitted / received / draft / missing / late filers, as `reports.services.submission_board` and
  the board page count them.

Queries: a fixed number, whatever the number of hazards, regions or sectors (one grouped query per family, one
per length of the child regions' codes, three per form for the submission board).
"""
from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import Substr, TruncMonth
from django.urls import reverse

from apps.campaigns.models import Campaign
from apps.hazards.filters import HazardFilterSet
from apps.hazards.models import Hazard, Level, Listing, Status, today
from apps.inspections.filters import EnforcementActionFilterSet
from apps.inspections.models import ActionKind, EnforcementAction
from apps.regions.models import Region, Sector
from apps.reports import rankings, services
from apps.reports.metrics import rate  # % with one decimal, half-up; None over zero
from apps.reports.templates import TEMPLATES

# The enforcement list page (`EnforcementActionFilterSet`: kind, department, published, decided_from/to …).
ENFORCEMENT_LIST = "/enforcement/"

# Figures that need a ledger filter HazardFilterSet does not have yet: filter name → what it must do. A figure
# whose filter is missing is shown without a link; it gets its link as soon as the filter exists.
HAZARDS, ENFORCEMENT, BOARD = "hazards", "enforcement", "reports-board"
OPEN_STATUSES = [Status.REPORTED, Status.RECTIFYING, Status.AWAITING_ACCEPTANCE]
TREND_MONTHS_WITHOUT_CAMPAIGN = 12
LISTED_ROWS = 10
SUBMISSION_COLUMNS = [("expected", "应报"), ("submitted", "已报"), ("received", "已接收"), ("draft", "草稿未报"),
                      ("missing", "未报"), ("late", "迟报或逾期")]


# --- the shapes -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Figure:
    """One number and the list whose rows it counts (None: no filter can express that list yet)."""

    key: str
    label: str
    value: int
    url: str | None
    list: str = HAZARDS  # which list `url` opens: HAZARDS, ENFORCEMENT or BOARD


@dataclass(frozen=True)
class Rate:
    """A rate is no count: it links through its two counts."""

    value: float | None
    closed: Figure
    found: Figure


@dataclass(frozen=True)
class Window:
    campaign: Campaign | None
    start: datetime.date | None = None
    end: datetime.date | None = None

    @property
    def hazard_params(self) -> dict:
        return {"found_from": self.start.isoformat(), "found_to": self.end.isoformat()} if self.start else {}

    @property
    def enforcement_params(self) -> dict:
        return {"decided_from": self.start.isoformat(), "decided_to": self.end.isoformat()} if self.start else {}

    def found_q(self) -> Q:
        return Q(found_on__gte=self.start, found_on__lte=self.end) if self.start else Q()


@dataclass
class LevelRow:
    level: str  # "major", "general" or "" (合计)
    label: str
    found: Figure
    statuses: list[Figure]
    overdue: Figure
    rate: Rate


@dataclass
class GroupRow:
    """A sector or a region: its major hazards found, closed, open and overdue."""

    code: str
    name: str
    found: Figure
    closed: Figure
    open: Figure
    overdue: Figure

    @property
    def rate(self) -> float | None:
        return rate(self.closed.value, self.found.value)


@dataclass
class MonthRow:
    month: datetime.date
    found: Figure
    closed: Figure
    cumulative_rate: float | None

    @property
    def label(self) -> str:
        return f"{self.month.year}年{self.month.month}月"


@dataclass
class SubmissionRow:
    template: str
    name: str  # 许昌 附件3
    title: str
    as_of: datetime.date
    due: datetime.date | None
    url: str
    counts: list[Figure]

    def count(self, key: str) -> int:
        return next(f.value for f in self.counts if f.key.endswith(f".{key}"))


@dataclass
class Dashboard:
    membership: object | None
    region: Region | None
    window: Window
    campaigns: list[Campaign]
    levels: list[LevelRow] = field(default_factory=list)
    headline: dict = field(default_factory=dict)
    major_statuses: list[Figure] = field(default_factory=list)
    sectors: list[GroupRow] = field(default_factory=list)
    regions: list[GroupRow] = field(default_factory=list)
    own_region: GroupRow | None = None
    trend: list[MonthRow] = field(default_factory=list)
    listed: Figure | None = None
    listings: list[Listing] = field(default_factory=list)
    enforcement: list[Figure] = field(default_factory=list)
    penalty_amount: Decimal = Decimal(0)
    referred_persons: int = 0
    submission_campaign: Campaign | None = None
    submissions: list[SubmissionRow] | None = None

    def figures(self) -> Iterator[Figure]:
        """Every count on the page, once each (the tests follow each link and count the rows)."""
        seen = set()
        for figure in self._figures():
            if figure.key not in seen:
                seen.add(figure.key)
                yield figure

    def _figures(self) -> Iterator[Figure]:
        for row in self.levels:
            yield row.found
            yield from row.statuses
            yield row.overdue
        yield from self.headline_figures()
        yield from self.major_statuses
        for row in [*self.sectors, *self.regions, *([self.own_region] if self.own_region else [])]:
            yield from (row.found, row.closed, row.open, row.overdue)
        for month in self.trend:
            yield from (month.found, month.closed)
        if self.listed:
            yield self.listed
        yield from self.enforcement
        for row in self.submissions or []:
            yield from row.counts

    def headline_figures(self) -> Iterator[Figure]:
        for value in self.headline.values():
            if isinstance(value, Figure):
                yield value


# --- links ------------------------------------------------------------------------------------------------------

def _query(params: dict) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "")}, doseq=True)


def hazard_url(params: dict) -> str | None:
    """The ledger URL for these filters."""
    for name in params:
        if name not in HazardFilterSet.base_filters:
            raise ValueError(f"HazardFilterSet has no filter {name!r}")
    query = _query(params)
    return reverse("hazards:list") + (f"?{query}" if query else "")


def enforcement_url(params: dict) -> str:
    for name in params:
        if name not in EnforcementActionFilterSet.base_filters:
            raise ValueError(f"EnforcementActionFilterSet has no filter {name!r}")
    query = _query(params)
    return ENFORCEMENT_LIST + (f"?{query}" if query else "")


def _hazard_figure(key, label, value, window: Window, **params) -> Figure:
    return Figure(key, label, int(value or 0), hazard_url({**window.hazard_params, **params}))


# --- scope and period -------------------------------------------------------------------------------------------

def acting_region(user) -> tuple[object | None, Region | None]:
    """The membership the person acts for and its region (an enterprise's, a department's, the office's …)."""
    membership = getattr(user, "acting_membership", None)
    if membership is None:
        return None, None
    if membership.kind in ("safety_office", "discipline"):
        return membership, membership.region
    if membership.kind == "department":
        return membership, membership.department.region
    return membership, Region.objects.filter(code=membership.region_code).first()


def campaign_choices(region: Region | None, on: datetime.date, limit: int = 10) -> list[Campaign]:
    """The campaigns of the acting region and the regions above it (all campaigns without a region), those
    running on `on` first, then the newest — the same list the report board offers."""
    campaigns = Campaign.objects.select_related("department").order_by("-start")
    if region is not None:
        prefixes = [region.code[:n] for n in (2, 4, 6, 9, 12) if n <= len(region.code)]
        campaigns = campaigns.filter(region_id__in=prefixes)
    return sorted(campaigns[:limit], key=lambda c: not (c.start <= on <= c.end))


def window_for(choice: str | None, campaigns: list[Campaign], on: datetime.date) -> Window:
    """`choice` is a campaign slug or "all"; by default the first running campaign, else everything."""
    if choice == "all":
        return Window(None)
    campaign = next((c for c in campaigns if c.slug == choice), None)
    if campaign is None:
        campaign = next((c for c in campaigns if c.start <= on <= c.end), None)
    if campaign is None:
        return Window(None)
    return Window(campaign, campaign.start, campaign.end)


# --- the figures ------------------------------------------------------------------------------------------------

def _overdue_q(on: datetime.date) -> Q:
    return Q(deadline__lt=on) & ~Q(status=Status.CLOSED)


def level_rows(hazards, window: Window, on: datetime.date) -> list[LevelRow]:
    """One grouped query: per level and status, the count and the overdue count."""
    counts: dict[tuple[str, str], int] = {}
    late: dict[str, int] = {}
    for row in hazards.order_by().values("level", "status").annotate(
            n=Count("id"), late=Count("id", filter=_overdue_q(on))):
        counts[(row["level"], row["status"])] = row["n"]
        late[row["level"]] = late.get(row["level"], 0) + row["late"]
    rows = []
    for level, label in [(Level.MAJOR, "重大事故隐患"), (Level.GENERAL, "一般隐患"), ("", "合计")]:
        levels = [level] if level else [Level.MAJOR, Level.GENERAL]
        params = {"level": level} if level else {}
        key = level or "all"

        def count(statuses, levels=levels):
            return sum(counts.get((lv, s), 0) for lv in levels for s in statuses)

        found = _hazard_figure(f"{key}.found", f"{label}·发现", count(Status.values), window, **params)
        statuses = [_hazard_figure(f"{key}.{s}", f"{label}·{s.label}", count([s]), window, status=s.value,
                                   **params) for s in Status]
        closed = statuses[-1]
        overdue = _hazard_figure(f"{key}.overdue", f"{label}·逾期未整改", sum(late.get(lv, 0) for lv in levels),
                                 window, overdue="true", **params)
        rows.append(LevelRow(level, label, found, statuses, overdue, Rate(rate(closed.value, found.value), closed,
                                                                          found)))
    return rows


def _group_row(key: str, code: str, name: str, counts: dict, window: Window, url_params: dict) -> GroupRow:
    found, closed, late = counts.get("found", 0), counts.get("closed", 0), counts.get("overdue", 0)
    major = {"level": Level.MAJOR, **url_params}
    return GroupRow(
        code, name,
        found=_hazard_figure(f"{key}.{code}.found", f"{name}·重大隐患", found, window, **major),
        closed=_hazard_figure(f"{key}.{code}.closed", f"{name}·已销号", closed, window, status=Status.CLOSED,
                              **major),
        open=_hazard_figure(f"{key}.{code}.open", f"{name}·未整改", found - closed, window,
                            status=[s.value for s in OPEN_STATUSES], **major),
        overdue=_hazard_figure(f"{key}.{code}.overdue", f"{name}·逾期", late, window, overdue="true", **major),
    )


def _major_counts(hazards, group, on: datetime.date) -> Iterator[tuple[str, dict]]:
    rows = hazards.filter(level=Level.MAJOR).order_by().annotate(key=group).values("key").annotate(
        found=Count("id"), closed=Count("id", filter=Q(status=Status.CLOSED)),
        overdue=Count("id", filter=_overdue_q(on)))
    for row in rows:
        yield row["key"], row


def sector_rows(hazards, window: Window, on: datetime.date) -> list[GroupRow]:
    """Major hazards per top-level sector: grouped by sector, summed into the root of each sector's tree."""
    tree = {code: (parent, name, order) for code, parent, name, order in
            Sector.objects.values_list("code", "parent_id", "name", "order")}

    def root(code):
        seen = set()
        while tree.get(code, (None,))[0] and code not in seen:
            seen.add(code)
            code = tree[code][0]
        return code

    totals: dict[str, dict] = {}
    for sector, row in _major_counts(hazards, F("sector_id"), on):
        top = totals.setdefault(root(sector), {"found": 0, "closed": 0, "overdue": 0})
        for name in top:
            top[name] += row[name]
    rows = [_group_row("sector", code, tree.get(code, (None, code))[1], counts, window, {"sector": code})
            for code, counts in totals.items()]
    rows.sort(key=lambda r: (-r.found.value, tree.get(r.code, (None, "", 0))[2], r.code))
    return rows


def region_rows(hazards, region: Region | None, window: Window, on: datetime.date
                ) -> tuple[list[GroupRow], GroupRow | None]:
    """Major hazards per subordinate region (each with its subtree) and 本级 (homed at the region itself)."""
    children = list(Region.objects.filter(parent_id=region.code if region else None).order_by("code"))
    by_code: dict[str, dict] = {}
    for length in sorted({len(c.code) for c in children}):
        for key, row in _major_counts(hazards, Substr("region_id", 1, length), on):
            by_code.setdefault(key, row)
    rows = [_group_row("region", c.code, c.name, by_code.get(c.code, {}), window, {"region": c.code})
            for c in children]
    if region is None:
        return rows, None
    if not children:  # nothing below: the region's subtree is the region itself
        for key, row in _major_counts(hazards.filter(region_id=region.code), F("region_id"), on):
            by_code[key] = row
        return rows, _group_row("region", region.code, f"{region.name}（本级）", by_code.get(region.code, {}),
                                window, {"region": region.code})
    return rows, _group_row("region", region.code, f"{region.name}（本级）", by_code.get(region.code, {}), window,
                            {"region_exact": region.code})


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _months(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    months, day = [], _month_start(start)
    while day <= end:
        months.append(day)
        day = _month_end(day) + datetime.timedelta(days=1)
    return months


def trend_rows(hazards, window: Window, on: datetime.date) -> list[MonthRow]:
    """Per month: major hazards found, and major hazards of the period closed that month (two grouped queries);
    the cumulative rate is closed by the month's end ÷ found by the month's end."""
    if window.start:
        first, last = window.start, min(window.end, on)
    else:
        first = (_month_start(on) - datetime.timedelta(days=1)).replace(day=1)
        for _ in range(TREND_MONTHS_WITHOUT_CAMPAIGN - 2):
            first = (first - datetime.timedelta(days=1)).replace(day=1)
        last = on
    if first > last:
        return []
    major = hazards.filter(level=Level.MAJOR).order_by()
    found = {row["m"]: row["n"] for row in major.filter(found_on__gte=first, found_on__lte=last)
             .annotate(m=TruncMonth("found_on")).values("m").annotate(n=Count("id"))}
    closed = {row["m"]: row["n"] for row in major.filter(status=Status.CLOSED, closed_on__gte=first,
                                                         closed_on__lte=last)
              .annotate(m=TruncMonth("closed_on")).values("m").annotate(n=Count("id"))}
    found = {_as_date(k): v for k, v in found.items()}
    closed = {_as_date(k): v for k, v in closed.items()}
    rows, total_found, total_closed = [], 0, 0
    for month in _months(first, last):
        start, end = max(month, first), min(_month_end(month), last)
        n_found, n_closed = found.get(month, 0), closed.get(month, 0)
        total_found += n_found
        total_closed += n_closed
        label = f"{month.year}年{month.month}月"
        rows.append(MonthRow(
            month,
            found=Figure(f"trend.{month:%Y-%m}.found", f"{label}·新发现重大隐患", n_found, hazard_url(
                {**window.hazard_params, "level": Level.MAJOR, "found_from": start.isoformat(),
                 "found_to": end.isoformat()})),
            closed=Figure(f"trend.{month:%Y-%m}.closed", f"{label}·销号重大隐患", n_closed, hazard_url(
                {**window.hazard_params, "level": Level.MAJOR, "status": Status.CLOSED,
                 "closed_from": start.isoformat(), "closed_to": end.isoformat()})),
            cumulative_rate=rate(total_closed, total_found),
        ))
    return rows


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def listed_hazards(hazards, window: Window, on: datetime.date) -> tuple[Figure, list[Listing]]:
    active = Listing.objects.filter(hazard=OuterRef("pk"), delisted_on__isnull=True)
    listed = hazards.filter(Exists(active))
    figure = _hazard_figure("listed", "挂牌督办中", listed.count(), window, listed="true")
    listings = list(Listing.objects.filter(delisted_on__isnull=True, hazard__in=listed.values("pk"))
                    .select_related("hazard__enterprise", "hazard__region", "authority_region",
                                    "authority_department")
                    .order_by("deadline", "id")[:LISTED_ROWS])
    for listing in listings:
        listing.overdue_now = listing.hazard.status != Status.CLOSED and listing.deadline < on
    return figure, listings


ENFORCEMENT_KINDS = [ActionKind.PENALTY, ActionKind.STOP_RECTIFY, ActionKind.JUDICIAL_REFERRAL, ActionKind.CLOSURE,
                     ActionKind.LICENCE, ActionKind.INDUSTRY_BAN, ActionKind.SUMMONS, ActionKind.EXPOSURE,
                     ActionKind.JOINT_SANCTION]


def enforcement_figures(user, window: Window) -> tuple[list[Figure], Decimal, int]:
    """Actions decided in the period, by kind (one grouped query), the penalty amount and the persons referred;
    plus the typical cases published among them."""
    actions = EnforcementAction.objects.visible_to(user)
    if window.start:
        actions = actions.filter(decided_on__gte=window.start, decided_on__lte=window.end)
    by_kind: dict[str, dict] = {}
    for row in actions.order_by().values("kind").annotate(
            n=Count("id"), amount=Sum("amount"), persons=Sum("persons"),
            published=Count("id", filter=Q(published=True))):
        by_kind[row["kind"]] = row
    params = window.enforcement_params
    figures = [Figure(f"enforcement.{kind.value}", kind.label, by_kind.get(kind, {}).get("n", 0),
                      enforcement_url({**params, "kind": kind.value}), ENFORCEMENT)
               for kind in ENFORCEMENT_KINDS]
    figures.append(Figure("enforcement.all", "执法措施合计", sum(r["n"] for r in by_kind.values()),
                          enforcement_url(params), ENFORCEMENT))
    figures.append(Figure("enforcement.published", "公布典型案例", sum(r["published"] for r in by_kind.values()),
                          enforcement_url({**params, "published": "true"}), ENFORCEMENT))
    amount = (by_kind.get(ActionKind.PENALTY, {}).get("amount") or Decimal(0))
    persons = by_kind.get(ActionKind.JUDICIAL_REFERRAL, {}).get("persons") or 0
    return figures, amount, int(persons)


def submission_rows(campaign: Campaign, region: Region, on: datetime.date) -> list[SubmissionRow]:
    """The current period of each form the office's subordinates file in `campaign`, counted as the board page
    (`/reports/board/`) counts it."""
    codes = rankings.scheduled_templates(campaign) if campaign.schedule else list(TEMPLATES)
    rows = []
    for code in codes:
        period = rankings.current_period(campaign, code, on)
        if period is None:
            continue
        as_of, due = period
        board = []
        for row in services.submission_board(code, campaign, region, as_of, due=due, today=on):
            filer = row["filer"]
            scope = {"region": filer} if isinstance(filer, Region) else {"department": filer}
            if rankings.files_template(campaign, code, **scope):
                board.append(row)
        if not board:
            continue
        url = reverse("reports:board") + "?" + _query({"campaign": campaign.slug, "template": code,
                                                       "as_of": as_of.isoformat()})
        values = {
            "expected": len(board),
            "submitted": sum(1 for r in board if not r["missing"]),
            "received": sum(1 for r in board if r["status"] == "received"),
            "draft": sum(1 for r in board if r["status"] == "draft"),
            "missing": sum(1 for r in board if r["missing"]),
            "late": sum(1 for r in board if r["late"]),
        }
        template = TEMPLATES[code]
        rows.append(SubmissionRow(code, template.name, template.title, as_of, due, url, [
            Figure(f"submissions.{code}.{key}", f"{template.name}·{label}", values[key], url, BOARD)
            for key, label in SUBMISSION_COLUMNS]))
    return rows


def build(user, choice: str | None = None, on: datetime.date | None = None) -> Dashboard:
    """The dashboard of `user` acting for their current membership, for the period `choice` (a campaign slug or
    "all")."""
    on = on or today()
    membership, region = acting_region(user)
    campaigns = campaign_choices(region, on)
    window = window_for(choice, campaigns, on)
    hazards = Hazard.objects.visible_to(user).filter(window.found_q())
    board = Dashboard(membership, region, window, campaigns)
    board.levels = level_rows(hazards, window, on)
    major = board.levels[0]
    board.major_statuses = major.statuses
    board.headline = {
        "found": major.found,
        "closed": major.rate.closed,
        "open": _hazard_figure("major.open", "重大隐患·未整改", major.found.value - major.rate.closed.value, window,
                               level=Level.MAJOR, status=[s.value for s in OPEN_STATUSES]),
        "overdue": major.overdue,
        "rate": major.rate,
    }
    board.sectors = sector_rows(hazards, window, on)
    if membership is None or membership.kind != "enterprise":
        board.regions, board.own_region = region_rows(hazards, region, window, on)
        if board.own_region is not None and not board.own_region.found.value and board.regions:
            board.own_region = None  # nothing homed at the region itself: no 本级 row
    board.trend = trend_rows(hazards, window, on)
    board.listed, board.listings = listed_hazards(hazards, window, on)
    board.headline["listed"] = board.listed
    board.enforcement, board.penalty_amount, board.referred_persons = enforcement_figures(user, window)
    if membership is not None and membership.kind == "safety_office":
        campaign = window.campaign or next(iter(campaigns), None)
        board.submission_campaign = campaign
        board.submissions = submission_rows(campaign, region, on) if campaign else []
    return board
