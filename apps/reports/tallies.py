"""Maintained tallies: the big counts of the report forms, kept as the records change, so that a province-wide
form reads a few small rows per cell instead of recounting millions (DESIGN.md "Performance targets", NOTES.md
"Performance"; the why and the costs are in docs/reports.md "Tallies").

What is kept: the metrics of `METRICS` (hazards, spot-checks and assistance, enforcement sums and 家) for region
targets (全口径) and the window W = [campaign start, as_of]. The rules are those of `metrics.py`, restated per
record: for each campaign whose region holds it, a hazard, inspection or enforcement action yields *facts*
(metric, region, day, value), `day` being the first day from which the record counts for the metric at as_of —
a hazard found in W counts for `HZ.self_closed` from max(found_on, closed_on), for `HZ.gov_listed` from its
first government listing on or after the start, and so on. A cell at as_of is Σ value of the facts of the
target's subtree with day ≤ as_of, read from a handful of rows per target and metric: the days since the start
are the leaves of a Fenwick tree (`nodes_up`, `nodes_down`).

家 (distinct enterprises) do not add up across regions: for each subtree, metric and enterprise the first day it
counts is kept (`TallyFirstSeen`), and the tally counts enterprises by that day.

Who keeps them: `refresh(record, ids)`, called on every save and delete of those records and of what their facts
depend on (listings, a department's region, an enterprise moving, see `connect`), recomputes the records' facts,
compares them with the ones stored (`TallyFact`) and moves the difference into the tallies, in the writing
transaction. Writes that bypass signals (imports by `bulk_create`) call it themselves. `rebuild(campaign)`
recomputes a campaign from raw rows; `check(...)` compares the tallies with the raw counts of `metrics.py`. A
campaign without a matching `TallyState` (new, or its start or region changed, not yet rebuilt) is counted from
raw rows by the forms, so the figures are never wrong, only slower.
"""
from __future__ import annotations

import datetime
import hashlib
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from operator import itemgetter

from django.db import connection, transaction
from django.db.models import F, Max, Min, Q, Sum
from django.db.models.signals import post_delete, post_save, pre_save

from apps.core.bulk import write_rows
from apps.core.xlsx import chunks
from apps.hazards.models import Hazard, Level, Listing, Source
from apps.inspections.models import (
    FINDINGS,
    SPOT_CHECK_KINDS,
    Accountability,
    ActionKind,
    EnforcementAction,
    Inspection,
    InspectionKind,
)
from apps.regions.models import CODE_LENGTHS
from apps.tips.models import Tip
from apps.work.models import Activity, MediaLevel

from .metrics import ACTIVITY_METRICS, DEPT, ENTERPRISE_ACTIONS, GOV, activity_field
from .models import Tally, TallyFact, TallyFirstSeen, TallyState

log = logging.getLogger(__name__)

HAZARD, INSPECTION, ACTION, CASE, TIP, ACCOUNTABILITY, ACTIVITY = "h", "i", "a", "k", "t", "u", "w"
AMOUNT_SCALE = 10_000  # 万元 with 4 decimals (amount, reward_amount), kept as whole units of 0.0001 万元
SPOT = frozenset(SPOT_CHECK_KINDS)
SYNC_REBUILD_LIMIT = 20_000  # records under a new campaign's region rebuilt in the saving request; above: the worker

HAZARD_METRICS = [f"HZ.{src}{suffix}" for src in ("self", "dept")
                  for suffix in ("", "_closed", "_measured", "_measured_listed")] \
    + ["HZ.gov_listed", "HZ.gov_listed_closed"]
DISTINCT_METRICS = frozenset(["SC.ent", "AS.service_ent", *(f"SC.{flag}" for flag in FINDINGS),
                              *ENTERPRISE_ACTIONS])
AMOUNTS = frozenset(["EN.penalty.amount", "TP.reward", "TP.reward.of_which"])
CASE_METRICS = ["EN.dual", "EN.referral_cases", "EN.cases_published", "EN.cases_published.of_which"]
ADDITIVE_METRICS = frozenset([*HAZARD_METRICS, *AMOUNTS, *CASE_METRICS, "AS.ent", "EN.penalty.count",
                              "EN.referral_persons", "AC.persons"])
# Activities (metrics.figures_activities) are kept as `ACT.<actor>.<field>.<level>`: the raw family's field
# (`<kind>`, `<kind>.people`, `media_column.<media level>`) per actor (gov, dept, any) and per level of the region
# the actor is counted in, so that L(R) (levels) and sub(R) are both sums of kept rows (`activities`) — only the
# (actor, field) pairs some form reads (ACTIVITY_METRICS and LD.media).
ACT = "ACT."
KEPT_ACTIVITIES = frozenset(
    {(actor, activity_field(kind, read)) for kind, actor, read in ACTIVITY_METRICS.values()}
    | {(actor, f"media_column.{level}") for actor in (GOV, DEPT) for level in MediaLevel.values})
DERIVED = {f"HZ.all{suffix}": (f"HZ.self{suffix}", f"HZ.dept{suffix}")
           for suffix in ("", "_closed", "_measured", "_measured_listed")}
DERIVED |= {"HZ.measured": DERIVED["HZ.all_measured"], "HZ.measured_listed": DERIVED["HZ.all_measured_listed"]}
METRICS = ADDITIVE_METRICS | DISTINCT_METRICS | frozenset(DERIVED)


@dataclass(frozen=True)
class Span:
    """A campaign as the tallies see it: its id, region code and start."""
    id: int
    code: str
    start: datetime.date


# A fact: (campaign id, record kind, record id, metric, region code, day, value, enterprise id or None).
Fact = tuple


def _covering(spans: list[Span], region: str | None) -> list[Span]:
    return [s for s in spans if region and region.startswith(s.code)]


# The rules, record by record --------------------------------------------------------------------------------
def hazard_facts(row: tuple, listings: list[tuple], spans: list[Span]) -> Iterator[Fact]:
    """`HZ.*` of metrics.figures_hazards, region targets: a major hazard by its home region."""
    pk, level, source, region, found, planned, closed = row
    if level != Level.MAJOR:
        return
    listed = min((on for _, on in listings), default=None)
    gov_days = sorted(on for authority, on in listings if authority is None)
    src = "HZ.self" if source == Source.SELF else "HZ.dept"
    measured = min((d for d in (planned, closed) if d is not None), default=None)
    for span in _covering(spans, region):
        def fact(metric, day, span=span):
            return span.id, HAZARD, pk, metric, region, day, 1, None

        if found >= span.start:
            yield fact(src, found)
            if closed is not None:
                yield fact(f"{src}_closed", max(found, closed))
            if measured is not None:
                yield fact(f"{src}_measured", max(found, measured))
                if listed is not None:
                    yield fact(f"{src}_measured_listed", max(found, measured, listed))
        first_gov = next((on for on in gov_days if on >= span.start), None)
        if first_gov is not None:
            yield fact("HZ.gov_listed", first_gov)
            if closed is not None:
                yield fact("HZ.gov_listed_closed", max(first_gov, closed))


def inspection_facts(row: tuple, spans: list[Span]) -> Iterator[Fact]:
    """`SC.*`, `AS.ent`, `AS.service_ent` of metrics.figures_inspections: by the inspecting department's region."""
    pk, kind, region, enterprise, on, *flags = row
    if kind == InspectionKind.SELF:
        return
    for span in _covering(spans, region):
        if on < span.start:
            continue
        if kind == InspectionKind.ASSISTANCE:
            yield span.id, INSPECTION, pk, "AS.ent", region, on, 1, None
        if enterprise is None:
            continue
        names = ["AS.service_ent"]
        if kind in SPOT:
            names.append("SC.ent")
            names += [f"SC.{flag}" for flag, value in zip(FINDINGS, flags, strict=True) if value]
        for name in names:
            yield span.id, INSPECTION, pk, name, region, on, 1, enterprise


def action_facts(row: tuple, spans: list[Span]) -> Iterator[Fact]:
    """`EN.penalty.*`, `EN.referral_persons`, `EN.*_ent` of metrics.figures_enforcement, and the case metrics of
    an action without `case_no` (a case by itself, metrics.figures_cases): by the acting department's region."""
    pk, kind, region, enterprise, on, amount, persons, case_no, published, published_on, crime = row
    for span in _covering(spans, region):
        if not case_no and published and published_on >= span.start:
            day = max(on, published_on)
            yield span.id, ACTION, pk, "EN.cases_published", region, day, 1, None
            if crime:
                yield span.id, ACTION, pk, "EN.cases_published.of_which", region, day, 1, None
        if on < span.start:
            continue
        if not case_no and kind == ActionKind.JUDICIAL_REFERRAL:
            yield span.id, ACTION, pk, "EN.referral_cases", region, on, 1, None
        if kind == ActionKind.PENALTY:
            yield span.id, ACTION, pk, "EN.penalty.count", region, on, 1, None
            if amount:
                yield span.id, ACTION, pk, "EN.penalty.amount", region, on, int(amount * AMOUNT_SCALE), None
        if kind == ActionKind.JUDICIAL_REFERRAL and persons:
            yield span.id, ACTION, pk, "EN.referral_persons", region, on, persons, None
        if enterprise is not None:
            for name, kinds in ENTERPRISE_ACTIONS.items():
                if kind in kinds:
                    yield span.id, ACTION, pk, name, region, on, 1, enterprise


def case_id(department_id: int, case_no: str) -> int:
    """A case (department, case_no) as the `record_id` of its facts: 63 bits of a hash of its key."""
    digest = hashlib.blake2b(f"{department_id}:{case_no}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def case_facts(department_id: int, case_no: str, region: str, actions: list[tuple], spans: list[Span]) \
        -> Iterator[Fact]:
    """The case metrics of metrics.figures_cases for one case: `actions` are its (kind, against_principal,
    decided_on, published_on or None, dangerous_operation_crime)."""
    def first(days):
        return min(days, default=None)

    enterprise = first(on for kind, principal, on, _, _ in actions if kind == ActionKind.PENALTY and not principal)
    principal = first(on for kind, principal, on, _, _ in actions if kind == ActionKind.PENALTY and principal)
    referral = first(on for kind, _, on, _, _ in actions if kind == ActionKind.JUDICIAL_REFERRAL)
    crime = first(on for _, _, on, _, is_crime in actions if is_crime)
    pk = case_id(department_id, case_no)
    for span in _covering(spans, region):
        def fact(metric, day, span=span):
            return span.id, CASE, pk, metric, region, day, 1, None

        if enterprise is not None and principal is not None and max(enterprise, principal) >= span.start:
            yield fact("EN.dual", max(enterprise, principal))
        if referral is not None and referral >= span.start:
            yield fact("EN.referral_cases", referral)
        published = first(max(on, published_on) for _, _, on, published_on, _ in actions
                          if published_on is not None and published_on >= span.start)
        if published is not None:
            yield fact("EN.cases_published", published)
            if crime is not None:
                yield fact("EN.cases_published.of_which", max(published, crime))


def tip_facts(row: tuple, spans: list[Span]) -> Iterator[Fact]:
    """`TP.reward(.of_which)` of metrics.figures_tips: by the region of the department the tip went to."""
    pk, region, on, amount, anonymous = row
    if on is None or not amount:
        return
    for span in _covering(spans, region):
        if on >= span.start:
            yield span.id, TIP, pk, "TP.reward", region, on, int(amount * AMOUNT_SCALE), None
            if anonymous:
                yield span.id, TIP, pk, "TP.reward.of_which", region, on, int(amount * AMOUNT_SCALE), None


def accountability_facts(row: tuple, spans: list[Span]) -> Iterator[Fact]:
    """`AC.persons` of metrics.figures_accountability: by the record's own region."""
    pk, region, on, persons = row
    for span in _covering(spans, region):
        if on >= span.start:
            yield span.id, ACCOUNTABILITY, pk, "AC.persons", region, on, persons, None


def activity_facts(row: tuple, spans: list[Span]) -> Iterator[Fact]:
    """metrics.figures_activities: ANY by the activity's region, GOV (no department, no enterprise) likewise,
    DEPT by its department's region; each with the level of that region."""
    pk, kind, region, level, dept_region, dept_level, department, enterprise, media, on, count, people = row
    actors = [("any", region, level)]
    if department is None and enterprise is None:
        actors.append(("gov", region, level))
    if department is not None:
        actors.append(("dept", dept_region, dept_level))
    for actor, where, at in actors:
        fields = [(field, value) for field, value in ((kind, count), (f"{kind}.people", people),
                                                      (f"media_column.{media}", count if media else 0))
                  if value and (actor, field) in KEPT_ACTIVITIES]
        for span in _covering(spans, where):
            if on >= span.start:
                for field, value in fields:
                    yield span.id, ACTIVITY, pk, f"{ACT}{actor}.{field}.{at}", where, on, value, None


# Loading records --------------------------------------------------------------------------------------------
BATCH = 5_000


def _hazard_facts(where: Q, spans: list[Span]) -> Iterator[Fact]:
    rows = Hazard.objects.filter(where).order_by("pk").values_list(
        "pk", "level", "source", "region_id", "found_on", "planned_on", "closed_on")
    for batch in chunks(rows.iterator(chunk_size=BATCH), BATCH):
        listings = defaultdict(list)
        for hazard, authority, on in Listing.objects.filter(hazard_id__in=[r[0] for r in batch]).values_list(
                "hazard_id", "authority_department_id", "listed_on"):
            listings[hazard].append((authority, on))
        for row in batch:
            yield from hazard_facts(row, listings.get(row[0], []), spans)


def _case_facts(where: Q, spans: list[Span], only: set | None = None) -> Iterator[Fact]:
    rows = EnforcementAction.objects.filter(where).exclude(case_no="").order_by(
        "department_id", "case_no", "pk").values_list(
        "department_id", "case_no", "department__region_id", "kind", "against_principal", "decided_on",
        "published", "published_on", "dangerous_operation_crime")
    for (department, case_no, region), actions in groupby(rows.iterator(chunk_size=BATCH), key=itemgetter(0, 1, 2)):
        if only is None or (department, case_no) in only:
            yield from case_facts(department, case_no, region, [
                (kind, principal, on, published_on if published else None, crime)
                for _, _, _, kind, principal, on, published, published_on, crime in actions], spans)


def _rows_facts(model, columns: list[str], rule):
    """A loader for records whose rule reads one row of `columns`."""
    def load(where: Q, spans: list[Span]) -> Iterator[Fact]:
        for row in model.objects.filter(where).order_by("pk").values_list(*columns).iterator(chunk_size=BATCH):
            yield from rule(row, spans)
    return load


LOADERS = {
    HAZARD: _hazard_facts,
    INSPECTION: _rows_facts(Inspection, ["pk", "kind", "department__region_id", "enterprise_id", "inspected_on",
                                         *FINDINGS], inspection_facts),
    ACTION: _rows_facts(EnforcementAction, ["pk", "kind", "department__region_id", "enterprise_id", "decided_on",
                                            "amount", "persons", "case_no", "published", "published_on",
                                            "dangerous_operation_crime"], action_facts),
    CASE: _case_facts,
    TIP: _rows_facts(Tip, ["pk", "department__region_id", "rewarded_on", "reward_amount", "anonymous"], tip_facts),
    ACCOUNTABILITY: _rows_facts(Accountability, ["pk", "region_id", "decided_on", "persons"], accountability_facts),
    ACTIVITY: _rows_facts(Activity, ["pk", "kind", "region_id", "region__level", "department__region_id",
                                     "department__region__level", "department_id", "enterprise_id", "media_level",
                                     "occurred_on", "count", "people"], activity_facts),
}
MODELS = {HAZARD: Hazard, INSPECTION: Inspection, ACTION: EnforcementAction, CASE: EnforcementAction, TIP: Tip,
          ACCOUNTABILITY: Accountability, ACTIVITY: Activity}


def _in_region(record: str, code: str) -> Q:
    """The records a campaign of region `code` can count (rebuild)."""
    if record == HAZARD:
        return Q(level=Level.MAJOR, region__code__under=code)
    if record == ACCOUNTABILITY:
        return Q(region__code__under=code)
    if record == ACTIVITY:
        return Q(region__code__under=code) | Q(department__region__code__under=code)
    if record == TIP:
        return Q(department__region__code__under=code, rewarded_on__isnull=False)
    return Q(department__region__code__under=code)


# Keeping them -----------------------------------------------------------------------------------------------
def ready_spans() -> list[Span]:
    """The campaigns whose tallies are complete and match their start and region."""
    return [Span(*row) for row in TallyState.objects.filter(
        campaign__start=F("start"), campaign__region_id=F("region_code")).values_list(
        "campaign_id", "region_code", "start")]


def refresh(record: str, ids: Iterable[int]) -> None:
    """Bring the tallies in line with the records `ids` as they are now (deleted ones included)."""
    spans = ready_spans()
    ids = sorted(set(ids))
    if not spans or not ids:
        return
    for chunk in chunks(ids, 2_000):
        _replace(record, chunk, LOADERS[record](Q(pk__in=chunk), spans), spans)


def refresh_cases(keys: Iterable[tuple[int, str]]) -> None:
    """Bring the tallies in line with the cases (department id, case_no) as they are now."""
    spans = ready_spans()
    keys = {(department, case_no) for department, case_no in keys if department and case_no}
    if not spans or not keys:
        return
    where = Q(department_id__in={d for d, _ in keys}, case_no__in={c for _, c in keys})
    _replace(CASE, [case_id(*key) for key in keys], _case_facts(where, spans, only=keys), spans)


def _replace(record: str, ids: list[int], facts: Iterable[Fact], spans: list[Span]) -> None:
    """Store the records' facts as they are now and move the difference from the stored ones into the tallies."""
    by_id = {s.id: s for s in spans}
    new = set(facts)
    old = set(TallyFact.objects.filter(record=record, record_id__in=ids, campaign_id__in=list(by_id))
              .values_list("campaign_id", "record", "record_id", "metric", "region", "day", "value", "enterprise_id"))
    gone, added = old - new, new - old
    if not gone and not added:
        return
    changed = {f[2] for f in gone | added}
    TallyFact.objects.filter(record=record, record_id__in=changed, campaign_id__in=list(by_id)).delete()
    _insert_facts(f for f in new if f[2] in changed)
    _apply(gone, added, by_id)


def refresh_enterprise(enterprise_id: int) -> None:
    """An enterprise moved region: its hazards' home region moved with it (hazards.apps)."""
    refresh(HAZARD, Hazard.objects.filter(enterprise_id=enterprise_id).values_list("pk", flat=True))


def _insert_facts(facts: Iterable[Fact]) -> None:
    columns = ["campaign_id", "record", "record_id", "metric", "region", "day", "value", "enterprise_id"]
    for batch in chunks(facts, 20_000):
        write_rows(TallyFact._meta.db_table, columns, batch)


def _prefixes(region: str, span: Span) -> list[str]:
    """The subtrees a record of `region` counts in, from the campaign's region down to the record's own."""
    return [region[:n] for n in CODE_LENGTHS.values() if len(span.code) <= n <= len(region)]


# The days of a campaign form a Fenwick tree (binary indexed tree): day i after the start (1 = the start) adds its
# value to the nodes i, i + lowbit(i), … up to HORIZON, and Σ of the facts with day ≤ as_of is Σ of the nodes
# i, i − lowbit(i), … down to 0 — at most 12 rows per target and metric (6 at the end of a year), whatever the number
# of records, and at most 13 rows written per fact and subtree.
HORIZON = 4096  # days after a campaign's start the tallies reach (11 years); a later as-of date counts raw rows


def day_index(start: datetime.date, day: datetime.date) -> int:
    return (day - start).days + 1


def nodes_up(i: int) -> Iterator[int]:
    while 0 < i <= HORIZON:
        yield i
        i += i & -i


def nodes_down(i: int) -> Iterator[int]:
    while i > 0:
        yield i
        i -= i & -i


def _count(deltas: Counter, span: Span, prefix: str, metric: str, day: datetime.date, value: int) -> None:
    for node in nodes_up(day_index(span.start, day)):
        deltas[span.id, prefix, metric, node] += value


def _apply(gone: set[Fact], added: set[Fact], spans: dict[int, Span]) -> None:
    deltas: Counter = Counter()
    distinct: set[tuple[int, int, str]] = set()
    for facts, sign in ((gone, -1), (added, 1)):
        for campaign, _, _, metric, region, day, value, enterprise in facts:
            if enterprise is not None:
                distinct.add((campaign, enterprise, metric))
                continue
            for prefix in _prefixes(region, spans[campaign]):
                _count(deltas, spans[campaign], prefix, metric, day, sign * value)
    if distinct:
        _first_seen(distinct, spans, deltas)
    _add(deltas)


def _first_seen(keys: set[tuple[int, int, str]], spans: dict[int, Span], deltas: Counter) -> None:
    """Recompute the first day of each (campaign, enterprise, metric) in every subtree from the stored facts, and
    move the enterprise's 1 in the tallies from the old first day to the new one."""
    by_campaign = defaultdict(set)
    for campaign, enterprise, metric in keys:
        by_campaign[campaign].add((enterprise, metric))
    for campaign, pairs in by_campaign.items():
        span = spans[campaign]
        enterprises = {e for e, _ in pairs}
        names = {m for _, m in pairs}
        wanted: dict = {}
        for row in (TallyFact.objects.filter(campaign_id=campaign, enterprise_id__in=enterprises, metric__in=names)
                    .values("enterprise_id", "metric", "region").annotate(first=Min("day")).order_by()):
            enterprise, metric, day = row["enterprise_id"], row["metric"], row["first"]
            if (enterprise, metric) not in pairs:
                continue
            for prefix in _prefixes(row["region"], span):
                key = (enterprise, metric, prefix)
                if key not in wanted or day < wanted[key]:
                    wanted[key] = day
        current = {(e, m, p): (pk, day) for pk, e, m, p, day in TallyFirstSeen.objects.filter(
            campaign_id=campaign, enterprise_id__in=enterprises, metric__in=names).values_list(
            "pk", "enterprise_id", "metric", "prefix", "day") if (e, m) in pairs}
        stale, fresh = [], []
        for key in wanted.keys() | current.keys():
            new_day = wanted.get(key)
            pk, old_day = current.get(key, (None, None))
            if new_day == old_day:
                continue
            _, metric, prefix = key
            if old_day is not None:
                stale.append(pk)
                _count(deltas, span, prefix, metric, old_day, -1)
            if new_day is not None:
                fresh.append(TallyFirstSeen(campaign_id=campaign, enterprise_id=key[0], metric=metric,
                                            prefix=prefix, day=new_day))
                _count(deltas, span, prefix, metric, new_day, 1)
        TallyFirstSeen.objects.filter(pk__in=stale).delete()
        TallyFirstSeen.objects.bulk_create(fresh)


def _add(deltas: Counter) -> None:
    rows = [(*key, value) for key, value in sorted(deltas.items()) if value]
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {_table(Tally)} (campaign_id, prefix, metric, node, value) "
                               f"VALUES (%s, %s, %s, %s, %s) {_adding()}", rows)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _adding() -> str:
    """The upsert that adds to a tally row (SQLite ≥ 3.24 and PostgreSQL)."""
    return (f"ON CONFLICT (campaign_id, prefix, node, metric) DO UPDATE SET value = {_table(Tally)}.value + "
            f"excluded.value")


# Rebuilding -------------------------------------------------------------------------------------------------
def rebuild(campaign, progress=None) -> int:
    """Recompute a campaign's tallies from raw rows, in one transaction; returns the number of facts."""
    span = Span(campaign.pk, campaign.region_id, campaign.start)
    with transaction.atomic():
        TallyState.objects.filter(campaign_id=span.id).delete()
        for model in (Tally, TallyFirstSeen, TallyFact):
            model.objects.filter(campaign_id=span.id).delete()
        count = 0
        for record, loader in LOADERS.items():
            for batch in chunks(loader(_in_region(record, span.code), [span]), 20_000):
                _insert_facts(batch)
                count += len(batch)
                if progress:
                    progress(record, count)
        _aggregate(span)
        TallyState.objects.create(campaign_id=span.id, start=span.start, region_code=span.code)
    if connection.vendor == "postgresql":  # fresh statistics, or the planner scans the facts on every write
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {_table(TallyFact)}, {_table(TallyFirstSeen)}, {_table(Tally)}")
    return count


def _aggregate(span: Span) -> None:
    """The tallies from the stored facts, in SQL: additive facts summed per subtree and node, 家 by the first day
    of each enterprise per subtree. Each day maps to its Fenwick nodes through a temporary table."""
    tally, fact, first = (_table(m) for m in (Tally, TallyFact, TallyFirstSeen))
    lengths = [n for n in CODE_LENGTHS.values() if n >= len(span.code)]
    with connection.cursor() as cursor:
        for n in lengths:
            cursor.execute(
                f"INSERT INTO {first} (campaign_id, prefix, metric, enterprise_id, day) "
                f"SELECT campaign_id, substr(region, 1, {n}), metric, enterprise_id, MIN(day) FROM {fact} "
                f"WHERE campaign_id = %s AND enterprise_id IS NOT NULL AND length(region) >= {n} "
                f"GROUP BY campaign_id, substr(region, 1, {n}), metric, enterprise_id", [span.id])
        last = TallyFact.objects.filter(campaign_id=span.id).aggregate(m=Max("day"))["m"]
        if last is None:
            return
        postgres = connection.vendor == "postgresql"
        days = [span.start + datetime.timedelta(days=i) for i in range(min(day_index(span.start, last), HORIZON))]
        cursor.execute("DROP TABLE IF EXISTS tally_nodes")
        cursor.execute("CREATE TEMPORARY TABLE tally_nodes (day date NOT NULL, node integer NOT NULL)")
        cursor.executemany("INSERT INTO tally_nodes (day, node) VALUES (%s, %s)", [
            (day if postgres else day.isoformat(), node) for day in days
            for node in nodes_up(day_index(span.start, day))])
        cursor.execute("CREATE INDEX tally_nodes_day ON tally_nodes (day)")
        for n in lengths:
            cursor.execute(
                f"INSERT INTO {tally} (campaign_id, prefix, metric, node, value) "
                f"SELECT f.campaign_id, substr(f.region, 1, {n}), f.metric, m.node, SUM(f.value) "
                f"FROM {fact} f JOIN tally_nodes m ON m.day = f.day "
                f"WHERE f.campaign_id = %s AND f.enterprise_id IS NULL AND length(f.region) >= {n} "
                f"GROUP BY f.campaign_id, substr(f.region, 1, {n}), f.metric, m.node", [span.id])
        cursor.execute(
            f"INSERT INTO {tally} (campaign_id, prefix, metric, node, value) "
            f"SELECT f.campaign_id, f.prefix, f.metric, m.node, COUNT(*) "
            f"FROM {first} f JOIN tally_nodes m ON m.day = f.day WHERE f.campaign_id = %s "
            f"GROUP BY f.campaign_id, f.prefix, f.metric, m.node", [span.id])
        cursor.execute("DROP TABLE tally_nodes")


def campaign_size(campaign) -> int:
    return sum(MODELS[record].objects.filter(_in_region(record, campaign.region_id)).count() for record in LOADERS
               if record != CASE)


# Reading ----------------------------------------------------------------------------------------------------
def is_ready(campaign) -> bool:
    return TallyState.objects.filter(campaign_id=campaign.pk, start=campaign.start,
                                     region_code=campaign.region_id).exists()


def activity_names(actor: str, field: str) -> set[str]:
    return {f"{ACT}{actor}.{field}.{level}" for level in CODE_LENGTHS}


def read(campaign, keys: list[str], as_of: datetime.date, names: set[str] | None = None) -> dict | None:
    """{region code: {metric: value}} of the kept metrics `names` (default: all) at as_of, window W, for region
    targets `keys`; None beyond the HORIZON. (`names` filters here, not in SQL: a list of metrics beside the
    lists of prefixes and nodes makes PostgreSQL's plan a scan.)"""
    i = day_index(campaign.start, as_of)
    if i > HORIZON:
        return None
    rows = (Tally.objects.filter(campaign_id=campaign.pk, prefix__in=keys, node__in=list(nodes_down(i)))
            .values_list("prefix", "metric").annotate(total=Sum("value")).order_by())
    out: dict = {key: defaultdict(int) for key in keys}
    acts: dict = {key: defaultdict(lambda: defaultdict(dict)) for key in keys}
    for prefix, metric, total in rows:
        if names is not None and metric not in names:
            continue
        if metric.startswith(ACT):
            actor, rest = metric[len(ACT):].split(".", 1)
            field, level = rest.rsplit(".", 1)
            acts[prefix][actor][int(level)][field] = int(total or 0)
        elif metric in AMOUNTS:
            out[prefix][metric] = Decimal(int(total or 0)) / AMOUNT_SCALE
        else:
            out[prefix][metric] = int(total or 0)
    for key, values in out.items():
        for name, (a, b) in DERIVED.items():
            values[name] = values.get(a, 0) + values.get(b, 0)
        values[ACT] = acts[key]
    return out


def activities(kept: dict, actor: str, levels: int | None, target_level: int) -> dict:
    """One target's `figures_activities` row from its kept rows: with `levels`, L(R) — the target alone when it
    is at or below that level, else its subtree down to that level; without, the whole subtree."""
    out: dict = defaultdict(int)
    for level, fields in kept[ACT].get(actor, {}).items():
        if levels is None or (level == target_level if target_level >= levels else level <= levels):
            for field, value in fields.items():
                out[field] += value
    return out


def check(campaign, as_of: datetime.date, regions) -> list[tuple[str, str, object, object]]:
    """(region, metric, tallied, counted) for every kept metric where the tallies differ from metrics.py's raw
    count — the proof `rebuild_tallies --check` and the tests give."""
    from . import metrics
    from .scopes import RegionTargets

    targets = RegionTargets(list(regions))
    window = (campaign.start, as_of)
    raw: dict = defaultdict(dict)
    for family in (metrics.figures_hazards, metrics.figures_inspections, metrics.figures_enforcement,
                   metrics.figures_cases, metrics.figures_tips, metrics.figures_accountability):
        for key, values in family(targets, window, as_of).items():
            raw[key].update(values)
    kept = read(campaign, targets.keys, as_of)
    out = []
    for key in targets.keys:
        for metric in sorted(METRICS):
            tallied, counted = kept[key].get(metric, 0), metrics.number(raw[key].get(metric, 0))
            if metrics.number(tallied) != counted:
                out.append((key, metric, metrics.number(tallied), counted))
    for actor in (GOV, DEPT, metrics.ANY):
        for levels in (None, *CODE_LENGTHS):
            counted = metrics.figures_activities(targets, window, as_of, actor, levels)
            for key in targets.keys:
                tallied = activities(kept[key], actor, levels, targets.level)
                want = {k: v for k, v in counted.get(key, {}).items() if v and (actor, k) in KEPT_ACTIVITIES}
                have = {k: v for k, v in tallied.items() if v}
                if want != have:
                    out.append((key, f"activities {actor} {levels}", have, want))
    return out


# Wiring: every write of the records the facts read ----------------------------------------------------------
def _saved(record: str, id_of):
    def handler(sender, instance, raw=False, **kwargs):
        if not raw:
            refresh(record, [id_of(instance)])
    return handler


def _action_case_before(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk:
        instance._tally_case = type(instance).objects.filter(pk=instance.pk).values_list(
            "department_id", "case_no").first()


def _action_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    refresh(ACTION, [instance.pk])
    refresh_cases([(instance.department_id, instance.case_no), getattr(instance, "_tally_case", None) or (0, "")])


def _department_region_before(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk:
        instance._tally_region = type(instance).objects.filter(pk=instance.pk).values_list(
            "region_id", flat=True).first()


def _department_saved(sender, instance, created, raw=False, **kwargs):
    if raw or created or getattr(instance, "_tally_region", instance.region_id) == instance.region_id:
        return
    for record in (INSPECTION, ACTION, TIP, ACTIVITY):
        refresh(record, MODELS[record].objects.filter(department=instance).values_list("pk", flat=True))
    refresh_cases((instance.pk, case_no) for case_no in EnforcementAction.objects.filter(
        department=instance).values_list("case_no", flat=True).distinct())


def _campaign_saved(sender, instance, raw=False, **kwargs):
    """A new campaign, or one whose start or region changed, is rebuilt now when small; a large one by the
    background worker once the change is committed, and counted from raw rows until then."""
    if raw or is_ready(instance):
        return
    TallyState.objects.filter(campaign_id=instance.pk).delete()
    if campaign_size(instance) <= SYNC_REBUILD_LIMIT:
        rebuild(instance)
    else:
        from .tasks import rebuild_campaign_tallies

        log.info("专项行动 %s 的统计累计交后台重建", instance.pk)
        pk = instance.pk
        transaction.on_commit(lambda: rebuild_campaign_tallies.enqueue(pk))


def connect() -> None:
    from apps.campaigns.models import Campaign
    from apps.enterprises.models import Enterprise
    from apps.enterprises.signals import enterprise_moved
    from apps.hazards.signals import hazards_imported
    from apps.regions.models import Department

    for model, record, id_of in ((Hazard, HAZARD, lambda o: o.pk), (Listing, HAZARD, lambda o: o.hazard_id),
                                 (Inspection, INSPECTION, lambda o: o.pk), (Tip, TIP, lambda o: o.pk),
                                 (Accountability, ACCOUNTABILITY, lambda o: o.pk),
                                 (Activity, ACTIVITY, lambda o: o.pk)):
        for signal in (post_save, post_delete):
            signal.connect(_saved(record, id_of), sender=model, weak=False,
                           dispatch_uid=f"tallies-{model.__name__}-{signal is post_save}")
    pre_save.connect(_action_case_before, sender=EnforcementAction, dispatch_uid="tallies-action-before")
    post_save.connect(_action_changed, sender=EnforcementAction, dispatch_uid="tallies-action")
    post_delete.connect(_action_changed, sender=EnforcementAction, dispatch_uid="tallies-action-deleted")
    pre_save.connect(_department_region_before, sender=Department, dispatch_uid="tallies-department-before")
    post_save.connect(_department_saved, sender=Department, dispatch_uid="tallies-department")
    post_save.connect(_campaign_saved, sender=Campaign, dispatch_uid="tallies-campaign")
    hazards_imported.connect(lambda sender, ids, **kw: refresh(HAZARD, ids), sender=Hazard, weak=False,
                             dispatch_uid="tallies-hazards-imported")
    enterprise_moved.connect(lambda sender, enterprise, **kw: refresh_enterprise(enterprise.pk), sender=Enterprise,
                             weak=False, dispatch_uid="tallies-enterprise-moved")
