"""The metric catalogue of REPORTS.md §0.4: one rule per concept, used by every form.

Each `figures_*` function answers a family of metrics for every target of a computation with one grouped query
(or a fixed few), and returns `{target key: {metric name: value}}`. A form's cell names a metric
(`templates.py`); `compute.py` asks the family once per window and reads the cell off it. Region targets group
in the database by the prefix of the acting or home region's code (`scopes.RegionTargets`); department
targets group by department and are summed per target in Python, except 家 (distinct enterprises), which are
unions of sets, never sums.

Windows are `(start, end)` pairs, both ends included (§0.1). "Closed" is `closed_on ≤ as_of`.
"""
from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum

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
from apps.tips.models import Tip
from apps.work.models import Activity, ActivityKind, Problem, Risk

from .scopes import RegionTargets

Window = tuple[datetime.date, datetime.date]


def rate(part, whole):
    """%: 100 × part / whole, one decimal, half-up; null over zero (§0.3)."""
    if not whole:
        return None
    value = (Decimal(100) * Decimal(part) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return float(value)


def number(value):
    """A JSON number: an exact decimal stays exact in its shortest form (万元 amounts)."""
    if value is None:
        return 0
    if isinstance(value, Decimal):
        value = value.normalize()
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _rows(qs, targets, path: str, **aggregates):
    """One grouped query: `aggregates` per group of the target key at `path`, folded into targets."""
    if isinstance(targets, RegionTargets):
        grouped = qs.annotate(_k=targets.group(path)).values("_k").annotate(**aggregates).order_by()
        return {row["_k"]: row for row in grouped}
    out: dict = {}
    for row in qs.values(path).annotate(**aggregates).order_by():
        for owner in targets.owners(row[path]):
            acc = out.setdefault(owner, defaultdict(int))
            for name in aggregates:
                acc[name] += row[name] or 0
    return out


def _distinct(qs, targets, path: str, conditions: dict[str, Q], of: str = "enterprise_id"):
    """家: distinct `of` per target for each named condition. Region targets count in the database; department
    targets take the union of the sets of their departments."""
    if isinstance(targets, RegionTargets):
        aggregates = {name: Count(of, distinct=True, filter=cond) for name, cond in conditions.items()}
        return _rows(qs, targets, path, **aggregates)
    sets: dict = {}
    flags = {name: Count("pk", filter=cond) for name, cond in conditions.items()}
    for row in qs.values(path, of).annotate(**flags).order_by():
        for owner in targets.owners(row[path]):
            acc = sets.setdefault(owner, defaultdict(set))
            for name in conditions:
                if row[name]:
                    acc[name].add(row[of])
    return {owner: {name: len(s) for name, s in acc.items()} for owner, acc in sets.items()}


def _merge(*parts) -> dict:
    out: dict = {}
    for part in parts:
        for key, values in part.items():
            out.setdefault(key, {}).update({k: v for k, v in values.items() if k != "_k"})
    return out


# Hazards ------------------------------------------------------------------------------------------------------
HAZARD_FIGURES = {
    "HZ.self": "企业自查发现的重大事故隐患",
    "HZ.dept": "部门检查发现的重大事故隐患（自查以外的一切来源）",
    "HZ.all": "发现的重大事故隐患",
    "HZ.gov_listed": "政府挂牌督办的重大事故隐患（挂牌日期在窗口内）",
    "HZ.measured": "落实治理措施：已制定方案或已销号",
    "HZ.measured_listed": "其中挂牌督办治理（任何挂牌机关）",
}


def figures_hazards(targets, window: Window, as_of: datetime.date) -> dict:
    """`HZ.*` (§0.4), with `<metric>_closed` for each. Region targets: home region ∈ sub(R). Department
    targets: self-reported hazards by the responsible `department` ∈ D*, the others by `found_by_department`
    ∈ D*, government listings by `department` ∈ D*."""
    start, end = window
    found = Q(found_on__gte=start, found_on__lte=end)
    closed = Q(closed_on__lte=as_of)
    measured = Q(planned_on__lte=as_of) | closed
    listed = Q(_listed=True)
    gov = Q(_gov=True)
    qs = Hazard.objects.filter(level=Level.MAJOR).annotate(
        _listed=Exists(Listing.objects.filter(hazard=OuterRef("pk"), listed_on__lte=as_of)),
        _gov=Exists(Listing.objects.filter(hazard=OuterRef("pk"), authority_department__isnull=True,
                                           listed_on__gte=start, listed_on__lte=end)),
    )

    def counts(sources: dict[str, Q]) -> dict:
        aggregates = {}
        for name, source in sources.items():
            base = found & source
            aggregates[name] = Count("pk", filter=base)
            aggregates[f"{name}_closed"] = Count("pk", filter=base & closed)
            aggregates[f"{name}_measured"] = Count("pk", filter=base & measured)
            aggregates[f"{name}_measured_listed"] = Count("pk", filter=base & measured & listed)
        return aggregates

    self_q, dept_q = Q(source=Source.SELF), ~Q(source=Source.SELF)
    gov_counts = {"HZ.gov_listed": Count("pk", filter=gov), "HZ.gov_listed_closed": Count("pk", filter=gov & closed)}
    if isinstance(targets, RegionTargets):
        rows = _rows(qs.filter(targets.q("region")).filter(found | gov), targets, "region",
                     **counts({"HZ.self": self_q, "HZ.dept": dept_q}), **gov_counts)
    else:
        by_department = _rows(qs.filter(targets.q("department_id")).filter((found & self_q) | gov), targets,
                              "department_id", **counts({"HZ.self": self_q}), **gov_counts)
        by_finder = _rows(qs.filter(targets.q("found_by_department_id")).filter(found & dept_q), targets,
                          "found_by_department_id", **counts({"HZ.dept": dept_q}))
        rows = _merge(by_department, by_finder)
    out = {}
    for key, row in rows.items():
        values = {k: row.get(k, 0) or 0 for k in counts({"HZ.self": self_q, "HZ.dept": dept_q}) | gov_counts}
        for suffix in ("", "_closed", "_measured", "_measured_listed"):
            values[f"HZ.all{suffix}"] = values[f"HZ.self{suffix}"] + values[f"HZ.dept{suffix}"]
        values["HZ.measured"] = values["HZ.all_measured"]
        values["HZ.measured_listed"] = values["HZ.all_measured_listed"]
        out[key] = values
    return out


def figures_department_listings(targets, window: Window, as_of: datetime.date) -> dict:
    """`HZ.dept_listed` (福州 1.5–1.6): distinct major hazards with a listing whose `authority_department` is
    in the target's line H(D), listed in the window; `_closed` of those."""
    start, end = window
    qs = Listing.objects.filter(hazard__level=Level.MAJOR, listed_on__gte=start, listed_on__lte=end,
                                authority_department__isnull=False)
    return _distinct(qs.filter(targets.q("authority_department_id")), targets, "authority_department_id",
                     {"HZ.dept_listed": Q(),
                      "HZ.dept_listed_closed": Q(hazard__closed_on__lte=as_of)}, of="hazard_id")


# Inspections: spot-checks of self-inspection and assistance -------------------------------------------------
def figures_inspections(targets, window: Window, as_of: datetime.date) -> dict:
    """`SC.ent`, `SC.<flag>` (家, spot-check kinds), `AS.ent` (家次, assistance) and `AS.service_ent` (家, every
    non-self inspection). Acting region: the inspecting department's (a group's inspection carries the group's
    lead department)."""
    start, end = window
    path = "department__region" if isinstance(targets, RegionTargets) else "department_id"
    qs = Inspection.objects.filter(inspected_on__gte=start, inspected_on__lte=end, department__isnull=False)
    qs = qs.exclude(kind=InspectionKind.SELF).filter(targets.q(path))
    spot = Q(kind__in=SPOT_CHECK_KINDS)
    conditions = {"SC.ent": spot, "AS.service_ent": Q()}
    conditions |= {f"SC.{flag}": spot & Q(**{flag: True}) for flag in FINDINGS}
    distinct = _distinct(qs, targets, path, conditions)
    visits = _rows(qs.filter(kind=InspectionKind.ASSISTANCE), targets, path, **{"AS.ent": Count("pk")})
    return _merge(distinct, visits)


# Enforcement ------------------------------------------------------------------------------------------------
ENTERPRISE_ACTIONS = {
    "EN.stop_ent": [ActionKind.STOP_RECTIFY],
    "EN.licence_ent": [ActionKind.LICENCE],
    "EN.closure_ent": [ActionKind.CLOSURE],
    "EN.summons_ent": [ActionKind.SUMMONS],
    "EN.sanction_ent": [ActionKind.JOINT_SANCTION],
    "EN.expose_ent": [ActionKind.EXPOSURE, ActionKind.SUMMONS, ActionKind.JOINT_SANCTION],
}


def figures_enforcement(targets, window: Window, as_of: datetime.date) -> dict:
    """`EN.penalty.count/amount` (each decision one 次), `EN.referral_persons` and `EN.*_ent` (家)."""
    start, end = window
    path = "department__region" if isinstance(targets, RegionTargets) else "department_id"
    in_window = Q(decided_on__gte=start, decided_on__lte=end)
    qs = EnforcementAction.objects.filter(targets.q(path))
    penalty = Q(kind=ActionKind.PENALTY)
    referral = Q(kind=ActionKind.JUDICIAL_REFERRAL)
    sums = _rows(qs.filter(in_window), targets, path, **{
        "EN.penalty.count": Count("pk", filter=penalty),
        "EN.penalty.amount": Sum("amount", filter=penalty),
        "EN.referral_persons": Sum("persons", filter=referral),
    })
    enterprises = _distinct(qs.filter(in_window), targets, path,
                            {name: Q(kind__in=kinds) for name, kinds in ENTERPRISE_ACTIONS.items()})
    return _merge(sums, enterprises)


def figures_cases(targets, window: Window, as_of: datetime.date) -> dict:
    """The case metrics `EN.dual`, `EN.referral_cases`, `EN.cases_published(.of_which)`: a case is
    (department, case_no); an action without `case_no` is a case by itself."""
    path = "department__region" if isinstance(targets, RegionTargets) else "department_id"
    qs = EnforcementAction.objects.filter(targets.q(path), decided_on__lte=as_of)
    return _cases(qs, targets, path, window, as_of)


def _cases(qs, targets, path: str, window: Window, as_of: datetime.date) -> dict:
    start, end = window

    def inside(day):
        return day is not None and start <= day <= end

    published = Q(published=True, published_on__lte=as_of)
    per_case = qs.exclude(case_no="").values(path, "department_id", "case_no").annotate(
        enterprise_first=Min_("decided_on", Q(kind=ActionKind.PENALTY, against_principal=False)),
        principal_first=Min_("decided_on", Q(kind=ActionKind.PENALTY, against_principal=True)),
        referral_first=Min_("decided_on", Q(kind=ActionKind.JUDICIAL_REFERRAL)),
        published_in=Count("pk", filter=published & Q(published_on__gte=start, published_on__lte=end)),
        crime=Count("pk", filter=Q(dangerous_operation_crime=True)),
    ).order_by()
    out: dict = {}

    def add(key, name, n=1):
        for owner in _owners(targets, key):
            acc = out.setdefault(owner, defaultdict(int))
            acc[name] += n

    for case in per_case:
        key = case[path]
        if case["enterprise_first"] and case["principal_first"]:
            if inside(max(case["enterprise_first"], case["principal_first"])):
                add(key, "EN.dual")
        if inside(case["referral_first"]):
            add(key, "EN.referral_cases")
        if case["published_in"]:
            add(key, "EN.cases_published")
            if case["crime"]:
                add(key, "EN.cases_published.of_which")
    singles = _rows(qs.filter(case_no=""), targets, path, **{
        "single_referrals": Count("pk", filter=Q(kind=ActionKind.JUDICIAL_REFERRAL, decided_on__gte=start,
                                                  decided_on__lte=end)),
        "single_published": Count("pk", filter=published & Q(published_on__gte=start, published_on__lte=end)),
        "single_published_crime": Count("pk", filter=published & Q(published_on__gte=start, published_on__lte=end,
                                                                    dangerous_operation_crime=True)),
    })
    for owner, row in singles.items():
        acc = out.setdefault(owner, defaultdict(int))
        acc["EN.referral_cases"] += row["single_referrals"] or 0
        acc["EN.cases_published"] += row["single_published"] or 0
        acc["EN.cases_published.of_which"] += row["single_published_crime"] or 0
    return out


def Min_(field: str, condition: Q):
    from django.db.models import Min

    return Min(field, filter=condition)


def _owners(targets, key):
    if isinstance(targets, RegionTargets):
        prefix = key[: targets.length]
        return [prefix] if prefix in targets.keys else []
    return targets.owners(key)


# Accountability and tips ------------------------------------------------------------------------------------
def figures_accountability(targets, window: Window, as_of: datetime.date) -> dict:
    """`AC.persons`: Σ persons held accountable; R: the record's own `region` ∈ sub(R); D: `department` ∈ D*."""
    start, end = window
    path = "region" if isinstance(targets, RegionTargets) else "department_id"
    qs = Accountability.objects.filter(decided_on__gte=start, decided_on__lte=end).filter(targets.q(path))
    return _rows(qs, targets, path, **{"AC.persons": Sum("persons")})


def figures_tips(targets, window: Window, as_of: datetime.date) -> dict:
    """`TP.reward` (万元) and `.of_which` (anonymous): tips rewarded in the window, counted for the department
    they were triaged to (R: that department's region ∈ sub(R))."""
    start, end = window
    path = "department__region" if isinstance(targets, RegionTargets) else "department_id"
    qs = Tip.objects.filter(rewarded_on__gte=start, rewarded_on__lte=end, department__isnull=False)
    return _rows(qs.filter(targets.q(path)), targets, path, **{
        "TP.reward": Sum("reward_amount"),
        "TP.reward.of_which": Sum("reward_amount", filter=Q(anonymous=True)),
    })


# Activities -------------------------------------------------------------------------------------------------
# Who acted, for region targets (§0.2): GOV = the 党委/政府/安委会 of a region (no department, no enterprise);
# DEPT = a department; ANY = whoever, by the activity's own region. `levels` narrows to L(R) (3) or L4(R) (4).
GOV, DEPT, ANY = "gov", "dept", "any"

# Activity metrics of §0.4: metric → (kinds, actor for region targets, levels override, value read).
ACTIVITY_METRICS = {
    "AS.region": (ActivityKind.ASSISTANCE_REGION, ANY, "count"),
    "AC.summons_notice": (ActivityKind.SUMMONS_NOTICE, ANY, "count"),
    "LD.study": (ActivityKind.SPECIAL_STUDY, GOV, "count"),
    "LD.research": (ActivityKind.SPECIAL_RESEARCH, GOV, "count"),
    "LD.site": (ActivityKind.SITE_SUPERVISION, GOV, "count"),
    "LD.assessment": (ActivityKind.ASSESSMENT_INSPECTION, GOV, "count"),
    "LD.briefing": (ActivityKind.ENTERPRISE_BRIEFING, DEPT, "count"),
    "LD.training": (ActivityKind.ENFORCEMENT_TRAINING, DEPT, "people"),
    "LD.certificates": (ActivityKind.CERTIFICATES_ISSUED, DEPT, "count"),
    "LD.mechanisms": (ActivityKind.COORDINATION_MECHANISM, DEPT, "count"),
    "LD.teams": (ActivityKind.SUPERVISION_TEAM, ANY, "count"),
    "LD.experts": (ActivityKind.EXPERT_SERVICE, ANY, "people"),
}


def activity_field(kind: str, read: str) -> str:
    """The field of `figures_activities` an ACTIVITY_METRICS entry reads: Σ count, or Σ people."""
    return kind if read == "count" else f"{kind}.people"


def figures_activities(targets, window: Window, as_of: datetime.date, actor: str, levels: int | None) -> dict:
    """Σ count and Σ people per kind (and per media level for `media_column`), as `<kind>` / `<kind>.people`
    / `media_column.<level>`, every kind in one query. Department targets always count `department` ∈ D*."""
    start, end = window
    qs = Activity.objects.filter(occurred_on__gte=start, occurred_on__lte=end)
    if isinstance(targets, RegionTargets):
        if actor == GOV:
            qs = qs.filter(department__isnull=True, enterprise__isnull=True)
            path = "region"
        elif actor == DEPT:
            qs = qs.filter(department__isnull=False)
            path = "department__region"
        else:
            path = "region"
        qs = qs.filter(targets.q(path, up_to_level=levels))
    else:
        path = "department_id"
        qs = qs.filter(targets.q(path))
    out: dict = {}
    grouped = qs.annotate(_k=targets.group(path))
    for row in grouped.values("_k", "kind", "media_level").annotate(n=Sum("count"), p=Sum("people")).order_by():
        for owner in _owners(targets, row["_k"]):
            acc = out.setdefault(owner, defaultdict(int))
            acc[row["kind"]] += row["n"] or 0
            acc[f"{row['kind']}.people"] += row["p"] or 0
            if row["media_level"]:
                acc[f"media_column.{row['media_level']}"] += row["n"] or 0
    return out


def figures_inspectors(targets, as_of: datetime.date, levels: int) -> dict:
    """`LD.inspectors` — a stock, not a flow: per region of L(R) (or L4(R)) the latest `inspector_headcount`
    record of its 党委政府 by `occurred_on` then `id`, on or before as_of; per department of D* the latest with
    that department. The value is Σ `people` of those latest records."""
    qs = Activity.objects.filter(kind=ActivityKind.INSPECTOR_HEADCOUNT, occurred_on__lte=as_of)
    if isinstance(targets, RegionTargets):
        qs = qs.filter(department__isnull=True, enterprise__isnull=True).filter(
            targets.q("region", up_to_level=levels))
        field = "region_id"
    else:
        qs = qs.filter(targets.q("department_id"))
        field = "department_id"
    latest: dict = {}
    for actor, people in qs.order_by("occurred_on", "id").values_list(field, "people"):
        latest[actor] = people
    out: dict = {}
    for actor, people in latest.items():
        for owner in _owners(targets, actor):
            out.setdefault(owner, defaultdict(int))["LD.inspectors"] += people
    return out


# Risks and problems (红河) ----------------------------------------------------------------------------------
def figures_risks(targets, window: Window, as_of: datetime.date) -> dict:
    """`RK.found`, `RK.controlled` (four lists completed by as_of), `PB.found`, `PB.root`, `PB.resolved`;
    R: home region ∈ sub(R); D: `department` ∈ D*."""
    start, end = window
    path = "region" if isinstance(targets, RegionTargets) else "department_id"
    risks = Risk.objects.filter(identified_on__gte=start, identified_on__lte=end).filter(targets.q(path))
    problems = Problem.objects.filter(identified_on__gte=start, identified_on__lte=end).filter(targets.q(path))
    return _merge(
        _rows(risks, targets, path, **{"RK.found": Count("pk"),
                                       "RK.controlled": Count("pk", filter=Q(lists_completed_on__lte=as_of))}),
        _rows(problems, targets, path, **{"PB.found": Count("pk"),
                                          "PB.root": Count("pk", filter=Q(root_measure_on__lte=as_of)),
                                          "PB.resolved": Count("pk", filter=Q(resolved_on__lte=as_of))}),
    )
