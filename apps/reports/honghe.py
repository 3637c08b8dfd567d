"""红河 附件2 `honghe-statistics` (REPORTS.md §6) and 附件3 `honghe-tasks` (REPORTS.md §7).

Both forms are grids that the generic cell loop of `compute.py` cannot fill (a sector row per record; an actor set per
task), so each template carries `compute_cells(computation)` → `{target key: {cell key: value}}`, which
`Computation.cells()` calls instead of reading metric by metric. Their layouts are module constants the exports read:

- `ROWS` (code, label, parent) — the 28 rows of 附件2 in print order; `COLUMNS` (number, group, name, unit, metric)
  — its 24 columns. Cell key `<row code>.<column number>`; the template's `sections` hold one Section per row with
  its 24 cells (`options`: `row`, `column`, `window`).
- `TASKS` — the 29 items of 附件3: (key, section, phase number, phase label, level label, printed text, actors).
  Cell keys `<s>.<i>` (how many actors or objects the task binds) and `<s>.<i>.of_which` (how many have done it).
  `SECTIONS` names the seven phase × level blocks; `PHASE_CODES` the `campaign.phases` code of each phase.

Queries: the statistics are a fixed dozen grouped queries (by target, sector and, for 家 and for inspections and
enforcement, by enterprise and department), whatever the number of targets, rows or records; rows are placed in
Python. The tasks are about twenty queries per target.
"""
from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import BigIntegerField, Case, Count, Exists, F, Max, OuterRef, Q, Sum, When

from apps.enterprises.models import FLAGS, Enterprise, EnterpriseDepartment, EnterpriseSector, EnterpriseState
from apps.hazards.models import Hazard, Level, Listing, Source
from apps.inspections.models import ActionKind, EnforcementAction, Inspection, InspectionKind, InspectionMode
from apps.regions.models import Department, Region, Sector
from apps.regions.sector_maps import HONGHE_ROWS
from apps.work.models import Activity, ActivityKind, Problem, ProblemSource, Risk

from . import metrics
from .scopes import RegionTargets
from .templates import DEPARTMENT, REGION, Cell, Section, Template, register

K = ActivityKind

# ======================================================================================================
# 附件2 全州重大事故隐患专项排查整治2023行动工作情况统计表
# ======================================================================================================

# (code, 行业领域 as printed, parent row or None), in print order (002:341-1043).
ROWS: list[tuple[str, str, str | None]] = [
    ("cum", "累计总计", None),
    ("month", "本月总计", None),
] + [(code, label, parent or None) for code, label, parent, _sectors in HONGHE_ROWS]
ROW_CODES = [code for code, _label, _parent in ROWS]
ROW_PARENT = {code: parent for code, _label, parent in ROWS}
TOTAL_ROWS = ("cum", "month")

# (number, group as printed in header row 1, column as printed in header row 2, unit, metric of REPORTS.md §0.4)
COLUMNS: list[tuple[int, str, str, str, str]] = [
    (1, "排查重大风险", "排查重大风险", "项", "RK.found"),
    (2, "排查重大风险", "已落实“4个清单”管控措施", "项", "RK.controlled"),
    (3, "排查重大风险", "管控率", "%", "rate(2/1)"),
    (4, "治理重大隐患", "发现重大隐患", "项", "HZ.all"),
    (5, "治理重大隐患", "落实治理措施", "项", "HZ.measured"),
    (6, "治理重大隐患", "其中：挂牌督办治理", "项", "HZ.measured_listed"),
    (7, "治理重大隐患", "已完成治理", "项", "HZ.all_closed"),
    (8, "治理重大隐患", "治理率", "%", "rate(7/4)"),
    (9, "解决突出问题", "梳理突出问题", "项", "PB.found"),
    (10, "解决突出问题", "其中：落实治本措施", "项", "PB.root"),
    (11, "解决突出问题", "已整改", "项", "PB.resolved"),
    (12, "解决突出问题", "整改率", "%", "rate(11/9)"),
    (13, "开展督导检查", "派出督导组", "个", "LD.teams"),
    (14, "开展督导检查", "组织专家技术服务", "人", "LD.experts"),
    (15, "开展督导检查", "检查服务企业单位", "家", "AS.service_ent"),
    (16, "执法处罚", "行政处罚", "次", "EN.penalty.count"),
    (17, "执法处罚", "责令停产整顿企业", "家", "EN.stop_ent"),
    (18, "执法处罚", "暂扣吊销证照企业", "家", "EN.licence_ent"),
    (19, "执法处罚", "关闭取缔企业", "家", "EN.closure_ent"),
    (20, "执法处罚", "罚款", "万", "EN.penalty.amount"),
    (21, "执法处罚", "移送司法机关", "人", "EN.referral_persons"),
    (22, "约谈警示", "约谈警示", "家", "EN.summons_ent"),
    (23, "联合惩戒", "联合惩戒", "家", "EN.sanction_ent"),
    (24, "行刑衔接", "行刑衔接", "件", "EN.referral_cases"),
]
RATES = {3: (2, 1), 8: (7, 4), 12: (11, 9)}  # column → (part, whole)
ENTERPRISE_COLUMNS = {15, 17, 18, 19, 22, 23}  # 家: distinct enterprises per row
# enforcement kinds of the 家 columns
ACTION_COLUMNS = {ActionKind.STOP_RECTIFY: 17, ActionKind.LICENCE: 18, ActionKind.CLOSURE: 19,
                  ActionKind.SUMMONS: 22, ActionKind.JOINT_SANCTION: 23}


def default_sector_rows() -> list[dict]:
    """The suggested mapping (apps.regions.sector_maps.HONGHE_ROWS), used when a campaign has no `sector_rows`."""
    return [{"code": code, "label": label, "parent": parent or None, "order": n, "sectors": list(sectors)}
            for n, (code, label, parent, sectors) in enumerate(HONGHE_ROWS, start=3)]


class RowMapper:
    """A record's row (REPORTS.md §6): its sector → the campaign's `sector_rows`, the deepest row (in the form's
    row tree) whose `sectors` contain the sector or an ancestor of it; among rows of equal depth the one naming
    the nearer sector, then the earlier printed. None → `other`. The row tree (parents) is the form's (`ROWS`);
    the campaign supplies only each row's sectors. One query: the sector tree."""

    def __init__(self, campaign):
        self.sector_parent: dict[str, str | None] = dict(Sector.objects.values_list("code", "parent_id"))
        self.children: dict[str | None, list[str]] = defaultdict(list)
        for code, parent in self.sector_parent.items():
            self.children[parent].append(code)
        rows = campaign.sector_rows or default_sector_rows()
        self.by_sector: dict[str, list[str]] = defaultdict(list)
        for row in rows:
            code = row.get("code") if isinstance(row, dict) else None
            if code not in ROW_PARENT or code in TOTAL_ROWS:
                continue
            for sector in row.get("sectors") or []:
                self.by_sector[sector].append(code)
        self._rows: dict[str | None, str] = {}
        self._supervised: dict[frozenset, set[str]] = {}

    @staticmethod
    def depth(row: str) -> int:
        n = 0
        while ROW_PARENT.get(row):
            row = ROW_PARENT[row]
            n += 1
        return n

    def row(self, sector: str | None) -> str:
        if sector not in self._rows:
            candidates = []
            code, distance = sector, 0
            while code is not None and distance < 50:
                for row in self.by_sector.get(code, ()):
                    candidates.append((-self.depth(row), distance, ROW_CODES.index(row), row))
                code, distance = self.sector_parent.get(code), distance + 1
            self._rows[sector] = min(candidates)[-1] if candidates else "other"
        return self._rows[sector]

    @staticmethod
    def chain(row: str) -> list[str]:
        """The row and its parent rows: a sub-row's records count in its parent too."""
        out = [row]
        while ROW_PARENT.get(out[-1]):
            out.append(ROW_PARENT[out[-1]])
        return out

    def below(self, codes) -> set[str]:
        """Sectors at or below the given ones (a department supervises its sectors and everything under them)."""
        key = frozenset(codes)
        if key not in self._supervised:
            result, stack = set(), list(key)
            while stack:
                code = stack.pop()
                if code not in result:
                    result.add(code)
                    stack.extend(self.children.get(code, ()))
            self._supervised[key] = result
        return self._supervised[key]


class _Grid:
    """Per target: Σ values and sets of enterprises per (row, column); `add` places one group of records."""

    def __init__(self, mapper: RowMapper):
        self.mapper = mapper
        self.sums: dict[str, dict[int, object]] = defaultdict(lambda: defaultdict(int))
        self.sets: dict[str, dict[int, set]] = defaultdict(lambda: defaultdict(set))

    def add(self, row: str, column: int, year_value, month_value) -> None:
        """`year_value` (window Y) goes into the row, its parents and `cum`; `month_value` (Mo) into `month`."""
        if year_value:
            for r in self.mapper.chain(row) + ["cum"]:
                self.sums[r][column] += year_value
        if month_value:
            self.sums["month"][column] += month_value

    def add_enterprise(self, row: str, column: int, enterprise_id, in_year: bool, in_month: bool) -> None:
        if in_year:
            for r in self.mapper.chain(row) + ["cum"]:
                self.sets[r][column].add(enterprise_id)
        if in_month:
            self.sets["month"][column].add(enterprise_id)

    def cells(self) -> dict:
        out = {}
        for row in ROW_CODES:
            values = {}
            for number, *_rest in COLUMNS:
                if number in ENTERPRISE_COLUMNS:
                    values[number] = len(self.sets[row][number]) if row in self.sets else 0
                elif number not in RATES:
                    values[number] = metrics.number(self.sums[row][number]) if row in self.sums else 0
            for number, (part, whole) in RATES.items():
                values[number] = metrics.rate(values[part], values[whole])
            for number, *_rest in COLUMNS:
                out[f"{row}.{number}"] = values[number]
        return out


def _keyed(qs, targets, path: str):
    """Annotate the target group key `_k` (region prefix or department id) of the records at `path`."""
    return qs.filter(targets.q(path)).annotate(_k=targets.group(path))


def _owners(targets, key):
    return metrics._owners(targets, key)


def statistics_cells(comp) -> dict:
    """附件2 for every target of `comp` (REPORTS.md §6). Sector rows and `cum` use window Y, `month` uses Mo."""
    targets, as_of = comp.targets, comp.as_of
    y_start, _ = comp.window("Y")
    m_start, _ = comp.window("Mo")
    region = isinstance(targets, RegionTargets)
    mapper = RowMapper(comp.campaign)
    grids = {key: _Grid(mapper) for key in targets.keys}

    def each(key):
        return [grids[owner] for owner in _owners(targets, key) if owner in grids]

    def month(field: str) -> Q:
        return Q(**{f"{field}__gte": m_start, f"{field}__lte": as_of})

    def year(field: str) -> Q:
        return Q(**{f"{field}__gte": y_start, f"{field}__lte": as_of})

    # Risks (1–3) and problems (9–12): home region ∈ sub(R) / department ∈ D*, by their own sector.
    path = "region" if region else "department_id"
    risks = _keyed(Risk.objects.filter(year("identified_on")), targets, path).values("_k", "sector_id").annotate(
        y1=Count("pk"), m1=Count("pk", filter=month("identified_on")),
        y2=Count("pk", filter=Q(lists_completed_on__lte=as_of)),
        m2=Count("pk", filter=month("identified_on") & Q(lists_completed_on__lte=as_of)),
    ).order_by()
    for g in risks:
        row = mapper.row(g["sector_id"])
        for grid in each(g["_k"]):
            grid.add(row, 1, g["y1"], g["m1"])
            grid.add(row, 2, g["y2"], g["m2"])
    problems = _keyed(Problem.objects.filter(year("identified_on")), targets, path).values(
        "_k", "sector_id").annotate(
        y9=Count("pk"), m9=Count("pk", filter=month("identified_on")),
        y10=Count("pk", filter=Q(root_measure_on__lte=as_of)),
        m10=Count("pk", filter=month("identified_on") & Q(root_measure_on__lte=as_of)),
        y11=Count("pk", filter=Q(resolved_on__lte=as_of)),
        m11=Count("pk", filter=month("identified_on") & Q(resolved_on__lte=as_of)),
    ).order_by()
    for g in problems:
        row = mapper.row(g["sector_id"])
        for grid in each(g["_k"]):
            for n in (9, 10, 11):
                grid.add(row, n, g[f"y{n}"], g[f"m{n}"])

    # Major hazards (4–8): R: home region ∈ sub(R); D: self-reported by `department` ∈ D*, the others by
    # `found_by_department` ∈ D*.
    hazards = Hazard.objects.filter(level=Level.MAJOR).filter(year("found_on")).annotate(
        _listed=Exists(Listing.objects.filter(hazard=OuterRef("pk"), listed_on__lte=as_of)))
    if region:
        hazards = _keyed(hazards, targets, "region")
    else:
        self_q = Q(source=Source.SELF)
        hazards = hazards.filter((self_q & targets.q("department_id")) | (~self_q & targets.q(
            "found_by_department_id"))).annotate(_k=Case(When(self_q, then=F("department_id")),
                                                         default=F("found_by_department_id"),
                                                         output_field=BigIntegerField()))
    closed = Q(closed_on__lte=as_of)
    measured = Q(planned_on__lte=as_of) | closed
    parts = {4: Q(), 5: measured, 6: measured & Q(_listed=True), 7: closed}
    aggregates = {}
    for n, condition in parts.items():
        aggregates[f"y{n}"] = Count("pk", filter=condition) if condition else Count("pk")
        aggregates[f"m{n}"] = Count("pk", filter=month("found_on") & condition)
    for g in hazards.values("_k", "sector_id").annotate(**aggregates).order_by():
        row = mapper.row(g["sector_id"])
        for grid in each(g["_k"]):
            for n in parts:
                grid.add(row, n, g[f"y{n}"], g[f"m{n}"])

    # 派出督导组 (13, Σ count) and 组织专家技术服务 (14, Σ people): R: activity region ∈ sub(R); D: department ∈ D*.
    activities = _keyed(Activity.objects.filter(kind__in=[K.SUPERVISION_TEAM, K.EXPERT_SERVICE]).filter(
        year("occurred_on")), targets, path).values("_k", "sector_id", "kind").annotate(
        yc=Sum("count"), mc=Sum("count", filter=month("occurred_on")),
        yp=Sum("people"), mp=Sum("people", filter=month("occurred_on")),
    ).order_by()
    for g in activities:
        row = mapper.row(g["sector_id"])
        for grid in each(g["_k"]):
            if g["kind"] == K.SUPERVISION_TEAM:
                grid.add(row, 13, g["yc"] or 0, g["mc"] or 0)
            else:
                grid.add(row, 14, g["yp"] or 0, g["mp"] or 0)

    # Inspections (15) and enforcement (16–24): by the acting department (R: its region ∈ sub(R); D: ∈ D*), in
    # the row of the enterprise's first sector that department supervises, else of its first sector.
    acting = "department__region" if region else "department_id"
    inspections = _keyed(Inspection.objects.filter(year("inspected_on"), department__isnull=False).exclude(
        kind=InspectionKind.SELF), targets, acting)
    actions = _keyed(EnforcementAction.objects.filter(year("decided_on")), targets, acting)
    first_referrals = _first_referrals(targets, acting, y_start, as_of)
    inspection_groups = list(inspections.values("_k", "enterprise_id", "department_id").annotate(
        m=Count("pk", filter=month("inspected_on"))).order_by())
    action_groups = list(actions.values("_k", "enterprise_id", "department_id", "kind").annotate(
        yn=Count("pk"), mn=Count("pk", filter=month("decided_on")),
        ya=Sum("amount"), ma=Sum("amount", filter=month("decided_on")),
        yp=Sum("persons"), mp=Sum("persons", filter=month("decided_on")),
    ).order_by())
    placed = _acting_rows(mapper, inspections, actions)  # first referrals lie in Y: `actions` holds them
    for g in inspection_groups:
        row = placed(g["enterprise_id"], g["department_id"])
        for grid in each(g["_k"]):
            grid.add_enterprise(row, 15, g["enterprise_id"], True, bool(g["m"]))
    for g in action_groups:
        row = placed(g["enterprise_id"], g["department_id"])
        kind = g["kind"]
        for grid in each(g["_k"]):
            if kind == ActionKind.PENALTY:
                grid.add(row, 16, g["yn"], g["mn"])
                grid.add(row, 20, g["ya"] or Decimal(0), g["ma"] or Decimal(0))
            elif kind == ActionKind.JUDICIAL_REFERRAL:
                grid.add(row, 21, g["yp"] or 0, g["mp"] or 0)
            elif kind in ACTION_COLUMNS:
                grid.add_enterprise(row, ACTION_COLUMNS[kind], g["enterprise_id"], True, bool(g["mn"]))
    for r in first_referrals:
        row = placed(r["enterprise_id"], r["department_id"])
        for grid in each(r["_k"]):
            grid.add(row, 24, 1, 1 if r["decided_on"] >= m_start else 0)

    return {key: grid.cells() for key, grid in grids.items()}


def _first_referrals(targets, acting: str, y_start: datetime.date, as_of: datetime.date) -> list[dict]:
    """行刑衔接 (24): one 件 per case (§0.3: (department, case_no); without case_no an action is its own case),
    dated and placed by its first referral (the earliest `decided_on`, then the lowest id). Only cases whose
    first referral falls in Y are fetched: referrals in Y of cases with no referral before Y."""
    earlier = EnforcementAction.objects.filter(
        kind=ActionKind.JUDICIAL_REFERRAL, department_id=OuterRef("department_id"), case_no=OuterRef("case_no"),
        decided_on__lt=y_start)
    qs = _keyed(EnforcementAction.objects.filter(kind=ActionKind.JUDICIAL_REFERRAL, decided_on__gte=y_start,
                                                 decided_on__lte=as_of), targets, acting)
    qs = qs.filter(Q(case_no="") | ~Exists(earlier))
    first: dict = {}
    for r in qs.values("pk", "_k", "enterprise_id", "department_id", "case_no", "decided_on").order_by(
            "decided_on", "pk"):
        case = (r["department_id"], r["case_no"]) if r["case_no"] else ("action", r["pk"])
        first.setdefault(case, r)
    return list(first.values())


def _acting_rows(mapper: RowMapper, *querysets):
    """(enterprise, department) → row, from two queries: the ordered sectors of every enterprise and the sectors of
    every department that the given querysets (inspections, enforcement actions) name."""
    enterprise_q = Q(pk__in=[])
    department_q = Q(pk__in=[])
    for qs in querysets:
        enterprise_q |= Q(enterprise_id__in=qs.values("enterprise_id"))
        department_q |= Q(department_id__in=qs.values("department_id"))
    ordered: dict[int, list[str]] = defaultdict(list)
    for enterprise_id, sector in EnterpriseSector.objects.filter(enterprise_q).order_by(
            "enterprise_id", "order", "id").values_list("enterprise_id", "sector_id"):
        ordered[enterprise_id].append(sector)
    supervises: dict[int, list[str]] = defaultdict(list)
    for department_id, sector in Department.sectors.through.objects.filter(department_q).values_list(
            "department_id", "sector_id"):
        supervises[department_id].append(sector)
    cache: dict = {}

    def placed(enterprise_id, department_id) -> str:
        key = (enterprise_id, department_id)
        if key not in cache:
            sectors = ordered.get(enterprise_id, [])
            supervised = mapper.below(supervises.get(department_id, ()))
            sector = next((s for s in sectors if s in supervised), sectors[0] if sectors else None)
            cache[key] = mapper.row(sector)
        return cache[key]

    return placed


def _statistics_sections() -> tuple[Section, ...]:
    sections = []
    for n, (code, label, _parent) in enumerate(ROWS, start=1):
        window = "Mo" if code == "month" else "Y"
        cells = tuple(Cell(f"{code}.{number}", f"{label}·{name}", unit, metric,
                           {"row": code, "column": number, "window": window})
                      for number, _group, name, unit, metric in COLUMNS)
        sections.append(Section(n, label, cells))
    return tuple(sections)


@dataclass(frozen=True)
class StatisticsTemplate(Template):
    def compute_cells(self, comp) -> dict:
        return statistics_cells(comp)


HONGHE_STATISTICS = register(StatisticsTemplate(
    code="honghe-statistics", name="红河 附件2", title="全州重大事故隐患专项排查整治2023行动工作情况统计表",
    scopes=(REGION, DEPARTMENT), window="Y", sections=_statistics_sections(),
    notes=("请各县市和州级各有关部门于每月5/15/25日前将今年以来累计数报至州安委会办公室。",
           "行业领域划分范围参照《红河州重大安全风险大排查方案》。",
           "报送数据必须实事求是，严禁弄虚作假。"),
))


# ======================================================================================================
# 附件3 红河州重大事故隐患专项排查整治2023行动重点工作推进明细表
# ======================================================================================================

# Phases as printed (工作阶段及完成时限), with the `campaign.phases` code the 红河 preset gives each.
PHASES: list[tuple[int, str, str, str]] = [
    (1, "mobilisation", "动员部署", "动员部署阶段（2023年5月20日前）"),
    (2, "self_check", "自查自改和督导帮扶", "自查自改和督导帮扶（2023年5月中下旬至6月底）"),
    (3, "enforcement", "精准执法", "精准执法（2023年6月至12月）"),
    (4, "summary", "总结提高", "总结提高（2023年12月）"),
]
PHASE_CODES = {n: code for n, code, _name, _label in PHASES}

# The seven phase × level blocks, in print order: (section, phase number, 层面区分 as printed).
SECTIONS: list[tuple[int, int, str]] = [
    (1, 1, "党委政府层面"),
    (2, 1, "部门层面"),
    (3, 2, "企业层面（企业主要负责人）"),
    (4, 2, "党委政府和部门层面"),
    (5, 3, "党委政府层面"),
    (6, 3, "部门层面（负有安全监管职责部门）"),
    (7, 4, "党委政府、部门、企业"),
]

# Actor sets of §7: REG regions of L(R), DEP top departments of L(R), DEPs those with sectors, ENT operating
# enterprises; "REG|DEP" a union; OBJ an object row.
REG, DEP, DEPS, ENT, OBJ = "REG", "DEP", "DEPs", "ENT", "OBJ"

# (key, section, printed text, actors)
_TASK_TEXT: list[tuple[str, int, str, tuple[str, ...]]] = [
    ("1.1", 1, "1.各级安委会制定印发专项行动方案。", (REG,)),
    ("1.2", 1, "2.政府主要负责同志亲自组织召开专题会议进行动员部署。", (REG,)),
    ("1.3", 1, "3.建立健全专项行动组织领导和常态化督导检查机制。", (REG,)),
    ("1.4", 1, "4.专题学习国务院安全生产15条硬措施和省69项具体举措及州49项分解任务。", (REG,)),
    ("2.1", 2, "1.依托现有重大隐患判定标准，结合上级主管部门明确的重点检查事项以及本行业领域典型事故教训，"
               "研究明确细化排查整治重点和整改、验收等相关内容。", (DEP,)),
    ("2.2", 2, "2.制定印发本部门专项行动方案，按照全覆盖要求，通知到行业领域内所有企业单位，并采取多种方式广泛开展"
               "宣传解读，强化针对性的动员部署，把整治措施落到最小单元。", (DEP,)),
    ("3.1", 3, "1.组织开展责任体系建设情况自查。（1）组织企业全员集体学习《云南省生产经营单位安全生产主体责任规定》。"
               "（2）对落实《规定》开展1次以“1个是否建立、4个是否落实”为重点的责任体系建设情况自查自改。"
               "（3）根据《规定》明确的事项，逐一抓好整改提升。", (ENT,)),
    ("3.2", 3, "2.研究组织本企业重大事故隐患排查整治。（1）学习研究本行业领域重大事故隐患判定标准或重点检查事项，"
               "组织研究开展对标对表自查自改。（2）组织建立企业重大事故隐患台账清单，实行闭环管理。"
               "（3）向负有安全监管职责的有关部门报告重大隐患。（4）汲取国内外发生的典型事故教训，迅速组织排查整治"
               "本企业同类事故隐患。（5）每季度带队对本单位重大事故隐患排查整治情况至少开展1次检查"
               "（高危行业领域企业每月至少1次）。", (ENT,)),
    ("3.3", 3, "3.落实全员安全生产岗位责任，发挥管理团队和专家作用。（1）建立健全全员安全生产岗位责任制。"
               "（2）建立安全生产承诺制度。（3）组织制定企业各分管负责人安全生产职责清单和本次专项行动工作清单。"
               "（4）按规定设置安全生产管理机构或者配备专兼职安全生产管理人员。（5）聘请行业领域安全生产专家强化"
               "技术指导。", (ENT,)),
    ("3.4", 3, "4.组织对动火等危险作业开展排查整治。（1）组织开展1次全员安全警示教育活动。（2）严格履行电气焊等动火"
               "作业审批手续，严格落实消防安全措施检查和作业过程监督。（3）组织对电气焊设备进行全面安全检查，严禁带"
               "“病”作业。（4）组织对动火等危险作业人员以及易产生重大事故隐患的其他关键岗位人员落实岗位责任情况进行"
               "1次全面排查。（5）明确“谁招请无证人员，谁负责任”的管理制度。", (ENT,)),
    ("3.5", 3, "5.组织对外包外租等生产经营活动开展排查整治。（1）针对本企业生产经营项目和场所外包外租情况组织开展1次"
               "全面排查。（2）将外包外租等生产经营活动纳入本企业安全生产管理体系，定期进行安全检查。", (ENT,)),
    ("3.6", 3, "6.组织开展事故应急救援演练活动。企业主要负责人至少组织开展1次事故应急救援预案演练（高危行业领域企业"
               "每半年至少1次。", (ENT,)),
    ("4.1", 4, "1.深化主题教育。单位负责同志要到风险大、隐患多的重点企业开展专项行动宣传活动和安全生产工作调研。",
     (DEP,)),
    ("4.2", 4, "2.开展监管执法人员专题培训。负有安全监管职责部门集中对监管执法人员开展安全生产专题培训。", (DEPS,)),
    ("4.3", 4, "3.组织开展好6月“安全生产月”专题活动。开设安全生产专题栏目，宣传典型经验做法，公开曝光重大事故隐患。",
     (REG, DEP)),
    ("4.4", 4, "4.深化重大风险普查行动。全面完成重点企业、重点项目、重点设施、重点场所、重点装置的清单化建档立档工作，"
               "100%建立《重大安全风险管控责任清单》，建成动态管控机制。", (OBJ,)),
    ("4.5", 4, "5.深化重大隐患清除行动。对实施安全生产专项整治三年行动计划以来挂牌督办的重大隐患进行“回头看”，"
               "对人员聚集公共场所、高层建筑封堵安全出口和疏散通道等隐患进行全面清查。", (OBJ,)),
    ("4.6", 4, "6.深化问题整改提升行动。对国务院和省安委会2022年以来督查检查反馈问题隐患、国家矿山安监局督导帮扶"
               "工作反馈问题隐患、省政府工作约谈会指出问题进行全面整改，确保100%整改到位。", (OBJ,)),
    ("4.7", 4, "7.深化责任落实提升行动。州安委会各成员单位内设安委会或安全生产工作领导机构，明确领导班子及成员、"
               "各科室（部门）安全生产职责清单，制定年度工作任务清单，建立完善督办、通报等工作机制。", (DEP,)),
    ("4.8", 4, "8.建立打非治违长效机制。由属地政府负责，在重点行业领域分别建立“打非治违”领导机构，建立健全常态化"
               "长效化工作机制。", (REG,)),
    ("4.9", 4, "9.开展督导帮扶。加大事故易发多发地区和小微企业安全生产帮扶服务，提供专家上门、技术帮助、法律咨询等"
               "多种服务。", (REG, DEP)),
    ("5.1", 5, "1.党委政府主要负责同志要定期听取工作进展情况汇报，研究解决安全生产重大问题。", (REG,)),
    ("5.2", 5, "2.政府其他负责同志按职责分工，定期开展现场督导检查。", (REG,)),
    ("5.3", 5, "3.在规划编制、项目准入等初始环节把好安全关。", (REG,)),
    ("5.4", 5, "4.大力实施源头治理、依法治理、工程治理、科技强安等治本之策，提高本质安全水平。", (REG,)),
    ("6.1", 6, "1.聚焦排查整治重点精准严格执法。（1）对企业自查查出的重大事故隐患，已按规定报告并正在采取有效措施"
               "消除的，依法不予行政处罚。（2）对排查整治不力导致重大事故隐患依然存在或发生事故的，依法实行“一案双罚”。"
               "（3）重大事故隐患长期存在并多次受到处罚的，依法提请地方人民政府予以关闭并落实企业主要负责人行业禁入"
               "规定；涉嫌犯罪的，依法追究刑事责任。（4）紧盯执法检查中发现的重大事故隐患不放，督促企业坚决整改落实"
               "到位。（5）定期通报一批、约谈一批、联合惩戒一批、停产整顿一批，并在政务网站或主流媒体公布典型执法"
               "案例。", (DEPS,)),
    ("6.2", 6, "2.建立倒查机制严格问责问效。（1）建立安全监管执法责任倒查机制。（2）开展约谈通报，情况严重的按规定予以"
               "问责处理。", (DEPS,)),
    ("6.3", 6, "3.创新监管和服务方式，切实提升监管执法效能。（1）积极运用“四不两直”、明查暗访、异地执法等工作方式"
               "不断提高执法质量。（2）依托“互联网+监管”等信息手段加强部门间互联互通，实施精准有效监管。（3）对于涉及"
               "多部门、区域性违法违规行为的，强化信息通报共享和部门协调联动，开展联合执法检查、联合信用监管。"
               "（4）组织专家对重点地区、重点企业帮扶指导。", (DEPS,)),
    ("7.1", 7, "全面总结专项行动取得的成效，系统梳理好经验、好做法，积极推动互学互鉴，不断完善安全生产制度措施，"
               "健全完善长效工作机制。", (REG, DEP, ENT)),
]

_SECTION = {s: (phase, level) for s, phase, level in SECTIONS}
_PHASE_LABEL = {n: label for n, _code, _name, label in PHASES}

# (key, section, phase number, phase label, level label, printed text, actors): the 29 items of 附件3.
TASKS: list[tuple[str, int, int, str, str, str, tuple[str, ...]]] = [
    (key, s, _SECTION[s][0], _PHASE_LABEL[_SECTION[s][0]], _SECTION[s][1], text, actors)
    for key, s, text, actors in _TASK_TEXT
]

ACTOR_UNITS = {REG: "个", DEP: "个", DEPS: "个", ENT: "家", OBJ: "项"}

# What marks a task done (`.of_which`), in words: the template's cell options carry it for the export and the API.
EVIDENCE = {
    "1.1": "plan_issued（州：专项行动本身）", "1.2": "mobilisation_meeting", "1.3": "mechanism_established",
    "1.4": "special_study", "2.1": "focus_items_defined", "2.2": "plan_issued",
    "3.1": "responsibility_selfcheck", "3.2": "主要负责人带队自查，满足 campaign.duties 频次",
    "3.3": "post_responsibility + commitment + duty_list + safety_body", "3.4": "warning_education + hot_work_review",
    "3.5": "outsourcing_review", "3.6": "drill，满足 campaign.duties 频次", "4.1": "enterprise_briefing",
    "4.2": "enforcement_training", "4.3": "safety_month + media_column",
    "4.4": "“4个清单”已落实", "4.5": "回头看复查（review 检查 reviewed_hazards）", "4.6": "已销号 / 已整改",
    "4.7": "internal_safety_body", "4.8": "anti_illegal_body",
    "4.9": "assistance_region / expert_service，或部门 assistance 检查", "5.1": "special_research（精准执法阶段起）",
    "5.2": "site_supervision（精准执法阶段起）", "5.3": "planning_safety_gate", "5.4": "root_cause_governance",
    "6.1": "执法检查或执法措施（精准执法阶段起）", "6.2": "accountability_mechanism",
    "6.3": "检查方式：四不两直、明查暗访、异地执法、交叉互检、联合执法", "7.1": "summary_report",
}


def _task_sections() -> tuple[Section, ...]:
    sections = []
    for s, phase, level in SECTIONS:
        cells = []
        for key, section, _phase, _phase_label, _level, text, actors in TASKS:
            if section != s:
                continue
            unit = ACTOR_UNITS[actors[0]] if len(actors) == 1 else "个"
            options = {"actors": "|".join(actors), "phase": phase, "phase_code": PHASE_CODES[phase],
                       "evidence": EVIDENCE[key]}
            cells.append(Cell(key, text, unit, "TASK", options))
            cells.append(Cell(f"{key}.of_which", "其中：已完成", unit, "TASK.of_which", options))
        sections.append(Section(s, f"{_PHASE_LABEL[phase]}·{level}", tuple(cells)))
    return tuple(sections)


def phase_start(campaign, number: int = 3) -> datetime.date:
    """The start of a phase of `campaign.phases`: the one whose `code` is PHASE_CODES[number] (红河 preset:
    `enforcement` for 精准执法), else whose `name` contains the printed name, else the number-th in the list;
    without any, `campaign.start`."""
    phases = [p for p in (campaign.phases or []) if isinstance(p, dict)]
    _n, code, name, _label = PHASES[number - 1]
    chosen = next((p for p in phases if p.get("code") == code), None) \
        or next((p for p in phases if name in (p.get("name") or "")), None) \
        or (phases[number - 1] if len(phases) >= number else None)
    value = chosen.get("start") if chosen else None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return campaign.start


REG_KINDS = [K.PLAN_ISSUED, K.MOBILISATION_MEETING, K.MECHANISM_ESTABLISHED, K.SPECIAL_STUDY, K.SAFETY_MONTH,
             K.MEDIA_COLUMN, K.ANTI_ILLEGAL_BODY, K.ASSISTANCE_REGION, K.EXPERT_SERVICE, K.SPECIAL_RESEARCH,
             K.SITE_SUPERVISION, K.PLANNING_SAFETY_GATE, K.ROOT_CAUSE_GOVERNANCE, K.SUMMARY_REPORT]
DEP_KINDS = [K.FOCUS_ITEMS_DEFINED, K.PLAN_ISSUED, K.ENTERPRISE_BRIEFING, K.ENFORCEMENT_TRAINING, K.SAFETY_MONTH,
             K.MEDIA_COLUMN, K.INTERNAL_SAFETY_BODY, K.ASSISTANCE_REGION, K.EXPERT_SERVICE,
             K.ACCOUNTABILITY_MECHANISM, K.SUMMARY_REPORT]
ENT_KINDS = [K.RESPONSIBILITY_SELFCHECK, K.POST_RESPONSIBILITY, K.COMMITMENT, K.DUTY_LIST, K.SAFETY_BODY,
             K.WARNING_EDUCATION, K.HOT_WORK_REVIEW, K.OUTSOURCING_REVIEW, K.SUMMARY_REPORT]
INNOVATIVE_MODES = [InspectionMode.UNANNOUNCED, InspectionMode.COVERT, InspectionMode.OUT_OF_AREA,
                    InspectionMode.CROSS_CHECK, InspectionMode.JOINT]


class _Evidence:
    """The latest dated evidence (≤ as_of) per actor and kind; `has(actor, kinds, since)` = every kind has some
    record in [since, as_of]."""

    def __init__(self):
        self.last: dict = {}

    def put(self, actor, kind, day) -> None:
        if day is not None and (self.last.get((actor, kind)) is None or day > self.last[(actor, kind)]):
            self.last[(actor, kind)] = day

    def has(self, actor, kinds, since: datetime.date) -> bool:
        return all((self.last.get((actor, kind)) or datetime.date.min) >= since for kind in kinds)

    def any(self, actor, kinds, since: datetime.date) -> bool:
        return any((self.last.get((actor, kind)) or datetime.date.min) >= since for kind in kinds)


def tasks_cells(comp) -> dict:
    return {key: _tasks_for(comp, key) for key in comp.targets.keys}


def _tasks_for(comp, key) -> dict:
    """附件3 for one target (REPORTS.md §7)."""
    from apps.work.duties import DRILL, PRINCIPAL_INSPECTION, duty_status

    campaign, as_of = comp.campaign, comp.as_of
    w_start = campaign.start
    enforcement_start = phase_start(campaign, 3)
    region_scope = isinstance(comp.targets, RegionTargets)

    # Actor sets ----------------------------------------------------------------------------------------
    if region_scope:
        region = next(r for r in comp.targets.regions if r.code == key)
        regions = list(Region.objects.filter(code__under=region.code).filter(
            Q(code=region.code) | Q(level__lte=3)).values_list("code", flat=True))
        tops = list(Department.objects.filter(region_id__in=regions, parent__isnull=True).annotate(
            n=Count("sectors")).values_list("id", "n"))
        deps = [d for d, _n in tops]
        deps_supervising = [d for d, n in tops if n]
        owner = _units_of(deps)  # department id → the top department (DEP) it belongs to
        enterprises = Enterprise.objects.filter(region__code__under=region.code,
                                                state=EnterpriseState.OPERATING)
        home = Q(region__code__under=region.code)
    else:
        department = comp.departments[key]
        members = comp.targets.members[key]
        regions = None
        deps = [department.pk]
        deps_supervising = [department.pk] if department.sectors.exists() else None
        owner = {d: department.pk for d in members}
        enterprises = Enterprise.objects.filter(state=EnterpriseState.OPERATING).filter(Exists(
            EnterpriseDepartment.objects.filter(enterprise=OuterRef("pk"), department_id__in=members)))
        home = Q(department_id__in=members)

    # Evidence ------------------------------------------------------------------------------------------
    gov = _Evidence()
    if regions:
        for g in Activity.objects.filter(kind__in=REG_KINDS, department__isnull=True, enterprise__isnull=True,
                                         region_id__in=regions, occurred_on__lte=as_of).values(
                "region_id", "kind").annotate(last=Max("occurred_on")).order_by():
            gov.put(g["region_id"], g["kind"], g["last"])
    dep = _Evidence()
    units = sorted(owner)
    if units:
        for g in Activity.objects.filter(kind__in=DEP_KINDS, department_id__in=units, occurred_on__lte=as_of).values(
                "department_id", "kind").annotate(last=Max("occurred_on")).order_by():
            dep.put(owner[g["department_id"]], g["kind"], g["last"])
        for g in Inspection.objects.filter(department_id__in=units, inspected_on__lte=as_of).values(
                "department_id").annotate(
                assistance=Max("inspected_on", filter=Q(kind=InspectionKind.ASSISTANCE)),
                enforcement=Max("inspected_on", filter=Q(kind=InspectionKind.ENFORCEMENT)),
                mode=Max("inspected_on", filter=Q(mode__in=INNOVATIVE_MODES))).order_by():
            for name in ("assistance", "enforcement", "mode"):
                dep.put(owner[g["department_id"]], f"inspection.{name}", g[name])
        for g in EnforcementAction.objects.filter(department_id__in=units, decided_on__lte=as_of).values(
                "department_id").annotate(last=Max("decided_on")).order_by():
            dep.put(owner[g["department_id"]], "action", g["last"])

    ent_flags = list(enterprises.values("id", *FLAGS))
    ent_ids = [e["id"] for e in ent_flags]
    ent = _Evidence()
    for g in Activity.objects.filter(kind__in=ENT_KINDS, enterprise__in=enterprises.values("pk"),
                                     occurred_on__gte=w_start, occurred_on__lte=as_of).values(
            "enterprise_id", "kind").annotate(last=Max("occurred_on")).order_by():
        ent.put(g["enterprise_id"], g["kind"], g["last"])
    # Duty periods may start before the campaign (the calendar quarter, month or half-year holding its start).
    since = datetime.date(w_start.year, 1, 1)
    drills: dict = defaultdict(list)
    for a in Activity.objects.filter(kind=K.DRILL, enterprise__in=enterprises.values("pk"), occurred_on__gte=since,
                                     occurred_on__lte=as_of).values("enterprise_id", "kind", "occurred_on", "count"):
        drills[a["enterprise_id"]].append(a)
    led: dict = defaultdict(list)
    for i in Inspection.objects.filter(kind=InspectionKind.SELF, led_by_principal=True,
                                       enterprise__in=enterprises.values("pk"), inspected_on__gte=since,
                                       inspected_on__lte=as_of).values(
            "enterprise_id", "kind", "led_by_principal", "inspected_on"):
        led[i["enterprise_id"]].append(i)
    for e in ent_flags:
        status = duty_status(e, campaign, as_of, led.get(e["id"], []), drills.get(e["id"], []))
        if status[PRINCIPAL_INSPECTION].met:
            ent.put(e["id"], "duty.principal_inspection", as_of)
        if status[DRILL].met:
            ent.put(e["id"], "duty.drill", as_of)

    # Items ---------------------------------------------------------------------------------------------
    def reg(done):
        if regions is None:
            return None
        return len(regions), sum(1 for r in regions if done(r))

    def dep_(done, actors):
        if actors is None:  # DEPs of a department without sectors: not applicable
            return None
        return len(actors), sum(1 for d in actors if done(d))

    def ent_(done):
        return len(ent_ids), sum(1 for e in ent_ids if done(e))

    def union(*parts):
        parts = [p for p in parts if p is not None]
        return sum(p[0] for p in parts), sum(p[1] for p in parts)

    def g(*kinds, since=w_start):
        return lambda r: gov.has(r, kinds, since)

    def d(*kinds, since=w_start):
        return lambda x: dep.has(x, kinds, since)

    def e(*kinds):
        return lambda x: ent.has(x, kinds, w_start)

    items = {
        "1.1": reg(lambda r: (r == campaign.region_id and campaign.start <= as_of) or gov.has(r, [K.PLAN_ISSUED],
                                                                                            w_start)),
        "1.2": reg(g(K.MOBILISATION_MEETING)),
        "1.3": reg(g(K.MECHANISM_ESTABLISHED)),
        "1.4": reg(g(K.SPECIAL_STUDY)),
        "2.1": dep_(d(K.FOCUS_ITEMS_DEFINED), deps),
        "2.2": dep_(d(K.PLAN_ISSUED), deps),
        "3.1": ent_(e(K.RESPONSIBILITY_SELFCHECK)),
        "3.2": ent_(lambda x: ent.has(x, ["duty.principal_inspection"], as_of)),
        "3.3": ent_(e(K.POST_RESPONSIBILITY, K.COMMITMENT, K.DUTY_LIST, K.SAFETY_BODY)),
        "3.4": ent_(e(K.WARNING_EDUCATION, K.HOT_WORK_REVIEW)),
        "3.5": ent_(e(K.OUTSOURCING_REVIEW)),
        "3.6": ent_(lambda x: ent.has(x, ["duty.drill"], as_of)),
        "4.1": dep_(d(K.ENTERPRISE_BRIEFING), deps),
        "4.2": dep_(d(K.ENFORCEMENT_TRAINING), deps_supervising),
        "4.3": union(reg(g(K.SAFETY_MONTH, K.MEDIA_COLUMN)), dep_(d(K.SAFETY_MONTH, K.MEDIA_COLUMN), deps)),
        "4.4": _risk_lists(home, as_of),
        "4.5": _listed_reviewed(home, w_start, as_of),
        "4.6": _assigned(home, as_of),
        "4.7": dep_(d(K.INTERNAL_SAFETY_BODY), deps),
        "4.8": reg(g(K.ANTI_ILLEGAL_BODY)),
        "4.9": union(reg(lambda r: gov.any(r, [K.ASSISTANCE_REGION, K.EXPERT_SERVICE], w_start)),
                     dep_(lambda x: dep.any(x, [K.ASSISTANCE_REGION, K.EXPERT_SERVICE, "inspection.assistance"],
                                            w_start), deps)),
        "5.1": reg(g(K.SPECIAL_RESEARCH, since=enforcement_start)),
        "5.2": reg(g(K.SITE_SUPERVISION, since=enforcement_start)),
        "5.3": reg(g(K.PLANNING_SAFETY_GATE)),
        "5.4": reg(g(K.ROOT_CAUSE_GOVERNANCE)),
        "6.1": dep_(lambda x: dep.any(x, ["inspection.enforcement", "action"], enforcement_start),
                    deps_supervising),
        "6.2": dep_(d(K.ACCOUNTABILITY_MECHANISM), deps_supervising),
        "6.3": dep_(d("inspection.mode"), deps_supervising),
        "7.1": union(reg(g(K.SUMMARY_REPORT)), dep_(d(K.SUMMARY_REPORT), deps), ent_(e(K.SUMMARY_REPORT))),
    }
    # Department scope: reg() answers None, so a REG row is null and REG adds nothing to a union ({D}).
    cells = {}
    for task_key, *_rest in TASKS:
        value = items[task_key]
        cells[task_key] = value[0] if value is not None else None
        cells[f"{task_key}.of_which"] = value[1] if value is not None else None
    return cells


def _units_of(tops: list[int]) -> dict[int, int]:
    """Each department of D* of each top department → that top department; one query per level of units."""
    owner = {d: d for d in tops}
    frontier = set(tops)
    while frontier:
        found = Department.objects.filter(parent_id__in=sorted(frontier)).values_list("id", "parent_id")
        frontier = set()
        for unit, parent in found:
            if unit not in owner:
                owner[unit] = owner[parent]
                frontier.add(unit)
    return owner


def _risk_lists(home: Q, as_of: datetime.date) -> tuple[int, int]:
    """4.4: risks in scope identified by as_of (no lower bound); done: four lists completed by as_of."""
    row = Risk.objects.filter(home, identified_on__lte=as_of).aggregate(
        whole=Count("pk"), done=Count("pk", filter=Q(lists_completed_on__lte=as_of)))
    return row["whole"], row["done"]


LISTED_SINCE = datetime.date(2020, 1, 1)  # 「三年行动计划（2020—2022年）以来」
ASSIGNED_SINCE = datetime.date(2022, 1, 1)  # 「2022年以来督查检查反馈问题隐患」


def _listed_reviewed(home: Q, w_start: datetime.date, as_of: datetime.date) -> tuple[int, int]:
    """4.5: major hazards in scope listed in [2020-01-01, as_of]; done: re-checked by a `review` inspection in W."""
    reviewed = Inspection.reviewed_hazards.through.objects.filter(
        hazard_id=OuterRef("pk"), inspection__kind=InspectionKind.REVIEW,
        inspection__inspected_on__gte=w_start, inspection__inspected_on__lte=as_of)
    row = Hazard.objects.filter(home, level=Level.MAJOR).filter(Exists(Listing.objects.filter(
        hazard=OuterRef("pk"), listed_on__gte=LISTED_SINCE, listed_on__lte=as_of))).annotate(
        _reviewed=Exists(reviewed)).aggregate(whole=Count("pk"), done=Count("pk", filter=Q(_reviewed=True)))
    return row["whole"], row["done"]


def _assigned(home: Q, as_of: datetime.date) -> tuple[int, int]:
    """4.6: hazards (any level) and problems handed down (`assigned`) since 2022-01-01, by as_of; done: closed /
    resolved by as_of."""
    hazards = Hazard.objects.filter(home, source=Source.ASSIGNED, found_on__gte=ASSIGNED_SINCE,
                                    found_on__lte=as_of).aggregate(
        whole=Count("pk"), done=Count("pk", filter=Q(closed_on__lte=as_of)))
    problems = Problem.objects.filter(home, source=ProblemSource.ASSIGNED, identified_on__gte=ASSIGNED_SINCE,
                                      identified_on__lte=as_of).aggregate(
        whole=Count("pk"), done=Count("pk", filter=Q(resolved_on__lte=as_of)))
    return hazards["whole"] + problems["whole"], hazards["done"] + problems["done"]


@dataclass(frozen=True)
class TasksTemplate(Template):
    def compute_cells(self, comp) -> dict:
        return tasks_cells(comp)


HONGHE_TASKS = register(TasksTemplate(
    code="honghe-tasks", name="红河 附件3", title="红河州重大事故隐患专项排查整治2023行动重点工作推进明细表",
    scopes=(REGION, DEPARTMENT), sections=_task_sections(),
    notes=("每项：<s>.<i> 为该项工作应完成的地区、部门、企业（或对象）数，<s>.<i>.of_which 为截至统计日已完成数。",),
))
