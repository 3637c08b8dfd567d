"""Computing a form: `compute(template, campaign, as_of, region=… | department=…)` for one filer, and
`compute_many(template, campaign, as_of, regions=[…])` for a level's overview of all its subordinates at once.

A `Computation` caches each metric family per window, so a form costs one grouped query per family and window
(about a dozen), whatever the number of cells or of targets.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from apps.campaigns.models import Campaign
from apps.regions.models import Department, Region, Sector
from apps.regions.scope import subtrees_q
from apps.work.models import ActivityKind as K

from . import metrics, tallies
from .metrics import ACTIVITY_METRICS, ANY, DEPT, GOV
from .scopes import DepartmentTargets, RegionTargets, lines, lines_of_regions, own_work
from .templates import DEPARTMENT, REGION, TEMPLATES, Template

FAMILIES = (
    ("HZ.dept_listed", metrics.figures_department_listings),
    ("HZ.", metrics.figures_hazards),
    ("SC.", metrics.figures_inspections),
    ("AS.ent", metrics.figures_inspections),
    ("AS.service_ent", metrics.figures_inspections),
    ("EN.dual", metrics.figures_cases),
    ("EN.referral_cases", metrics.figures_cases),
    ("EN.cases_published", metrics.figures_cases),
    ("EN.", metrics.figures_enforcement),
    ("AC.persons", metrics.figures_accountability),
    ("TP.", metrics.figures_tips),
    ("RK.", metrics.figures_risks),
    ("PB.", metrics.figures_risks),
)


class ScopeError(ValidationError):
    pass


@dataclass
class Computation:
    template: Template
    campaign: Campaign
    as_of: datetime.date
    targets: object  # scopes.RegionTargets or scopes.DepartmentTargets
    departments: dict | None = None  # target key → Department (department targets)
    line_regions: dict | None = None  # 福州 called with regions: target key → Region, whose H(R) it counts

    def __post_init__(self):
        self._cache: dict = {}

    def window(self, name: str) -> tuple[datetime.date, datetime.date]:
        as_of = self.as_of
        if name == "W":
            return self.campaign.start, as_of
        if name == "Y":
            return datetime.date(as_of.year, 1, 1), as_of
        if name == "M5":
            return datetime.date(self.campaign.start.year, 5, 1), as_of
        if name == "Mo":
            return as_of.replace(day=1), as_of
        raise ValueError(name)

    def _family(self, function, window, *args) -> dict:
        key = (function.__name__, window, args)
        if key not in self._cache:
            self._cache[key] = function(self.targets, window, self.as_of, *args) if window is not None \
                else function(self.targets, self.as_of, *args)
        return self._cache[key]

    def metric(self, name: str, window_name: str, options: dict) -> dict:
        """{target key: value} of one metric."""
        window = self.window(window_name)
        levels = options.get("levels")
        if name in ACTIVITY_METRICS:
            kind, actor, read = ACTIVITY_METRICS[name]
            actor_levels = levels if actor != ANY else None
            if name in ("LD.training", "LD.certificates", "LD.mechanisms"):
                actor_levels = None  # DEPT(sub(R))
            figures = self._activities(window_name, actor, actor_levels)
            field = metrics.activity_field(kind, read)
            return {key: figures.get(key, {}).get(field, 0) for key in self.targets.keys}
        if name == "LD.media":
            levels_wanted = options["media"]
            gov = self._activities(window_name, GOV, levels)
            dept = self._activities(window_name, DEPT, levels)
            if isinstance(self.targets, DepartmentTargets):
                gov = {}
            out = {}
            for key in self.targets.keys:
                total = sum(part.get(key, {}).get(f"media_column.{level}", 0) for part in (gov, dept)
                            for level in levels_wanted)
                out[key] = (1 if total else 0) if options.get("as_flag") else total
            return out
        if name == "LD.media_own":
            figures = self._activities(window_name, DEPT, None)
            out = {}
            for key in self.targets.keys:
                level = min(self.departments[key].region.level, 3)
                out[key] = 1 if figures.get(key, {}).get(f"media_column.{level}", 0) else 0
            return out
        if name == "LD.inspectors":
            figures = self._family(metrics.figures_inspectors, None, levels or 3)
            return {key: figures.get(key, {}).get(name, 0) for key in self.targets.keys}
        if name == "FZ.leader_site":
            return self._leader_site(window)
        if name in tallies.METRICS:
            kept = self._tallied(window_name)
            if kept is not None:
                return {key: metrics.number(kept[key].get(name, 0)) for key in self.targets.keys}
        for prefix, function in FAMILIES:
            if name.startswith(prefix):
                figures = self._family(function, window)
                return {key: metrics.number(figures.get(key, {}).get(name, 0)) for key in self.targets.keys}
        raise KeyError(f"未知指标 {name}")

    def _tallied(self, window_name: str) -> dict | None:
        """The kept metrics of every target at as_of (tallies.py) for region targets and the window W, or None —
        another window, department targets, or the campaign's tallies not built: then the families count raw
        rows."""
        if window_name != "W" or not isinstance(self.targets, RegionTargets):
            return None
        if "tallies" not in self._cache:
            ready = tallies.is_ready(self.campaign)
            self._cache["tallies"] = tallies.read(self.campaign, self.targets.keys, self.as_of,
                                                  self._kept_names()) if ready else None
        return self._cache["tallies"]

    def _kept_names(self) -> set[str] | None:
        """The tally metrics the template's cells read (None: a grid form, which may read any)."""
        if hasattr(self.template, "compute_cells"):
            return None
        names: set[str] = set()
        for cell in self.template.cells:
            name = cell.metric
            if name in ACTIVITY_METRICS:
                kind, actor, read = ACTIVITY_METRICS[name]
                names |= tallies.activity_names(actor, metrics.activity_field(kind, read))
            elif name == "LD.media":
                for actor in (GOV, DEPT):
                    for level in cell.options["media"]:
                        names |= tallies.activity_names(actor, f"media_column.{level}")
            elif name in tallies.DERIVED:
                names.update(tallies.DERIVED[name])
            elif name in tallies.METRICS:
                names.add(name)
        return names

    def _activities(self, window_name: str, actor: str, levels: int | None) -> dict:
        """metrics.figures_activities, from the tallies where they serve."""
        kept = self._tallied(window_name)
        if kept is None:
            return self._family(metrics.figures_activities, self.window(window_name), actor, levels)
        return {key: tallies.activities(kept[key], actor, levels, self.targets.level) for key in self.targets.keys}

    def _leader_site(self, window) -> dict:
        """福州 4.1: site visits of the 党政领导 (no department) in each filer's subtree whose `sector` is at or
        below one of the filing department's sectors (for a region: the campaign department's). One query for
        the visits, one for the sector tree, one for the departments' sectors."""
        from django.db.models import Sum

        from apps.work.models import Activity

        start, end = window
        if self.line_regions:
            places = {key: region.code for key, region in self.line_regions.items()}
            owner_of = {key: self.campaign.department_id for key in self.targets.keys}
        else:
            places = {key: department.region_id for key, department in self.departments.items()}
            owner_of = {key: key for key in self.targets.keys}
        own: dict = {}
        for department_id, code in Department.sectors.through.objects.filter(
                department_id__in=set(owner_of.values())).values_list("department_id", "sector_id"):
            own.setdefault(department_id, set()).add(code)
        children: dict = {}
        for code, parent in Sector.objects.values_list("code", "parent_id"):
            children.setdefault(parent, []).append(code)

        def below(codes):
            result, stack = set(), list(codes)
            while stack:
                code = stack.pop()
                if code not in result:
                    result.add(code)
                    stack.extend(children.get(code, ()))
            return result

        sectors = {key: below(own.get(owner_of[key], ())) for key in self.targets.keys}
        visits = (Activity.objects.filter(subtrees_q(places.values(), "region"), kind=K.SITE_SUPERVISION,
                                          department__isnull=True, enterprise__isnull=True, occurred_on__gte=start,
                                          occurred_on__lte=end)
                  .values("region_id", "sector_id").annotate(n=Sum("count")).order_by())
        out = {key: 0 for key in self.targets.keys}
        for visit in visits:
            for key in self.targets.keys:
                if visit["region_id"].startswith(places[key]) and visit["sector_id"] in sectors[key]:
                    out[key] += visit["n"] or 0
        return out

    def cells(self) -> dict:
        """{target key: {cell key: value}} for every cell of the template."""
        if hasattr(self.template, "compute_cells"):  # a grid form computing itself (红河 附件2/附件3: honghe.py)
            return self.template.compute_cells(self)
        out = {key: {} for key in self.targets.keys}
        for cell in self.template.cells:
            window = cell.options.get("window", self.template.window)
            values = self.metric(cell.metric, window, cell.options)
            for key in self.targets.keys:
                out[key][cell.key] = values.get(key, 0)
        return out


def template_or_error(code: str) -> Template:
    if code not in TEMPLATES:
        raise ScopeError({"template": [f"没有报表“{code}”，可选：{'、'.join(TEMPLATES)}"]})
    return TEMPLATES[code]


def _check_inside(campaign: Campaign, code: str, field: str) -> None:
    if not code.startswith(campaign.region_id):
        raise ScopeError({field: [f"不在专项行动“{campaign.name}”的开展地区（{campaign.region.name}）内"]})


def computation(template: Template, campaign: Campaign, as_of: datetime.date, *, regions=None,
                departments=None) -> Computation:
    """Checks that the template takes the scope and that it lies inside the campaign's region."""
    if regions:
        if REGION not in template.scopes:
            raise ScopeError({"region": [f"{template.name}只能由部门填报，请给出 department"]})
        for region in regions:
            _check_inside(campaign, region.code, "region")
        if template.line:
            kind = campaign.department.kind if campaign.department else None
            if kind is None:
                raise ScopeError({"region": ["该专项行动没有印发部门，无法确定辖区部门"]})
            return Computation(template, campaign, as_of, lines_of_regions(regions, kind),
                               line_regions={r.code: r for r in regions})
        return Computation(template, campaign, as_of, RegionTargets(list(regions)))
    if departments:
        if DEPARTMENT not in template.scopes:
            raise ScopeError({"department": [f"{template.name}只能由地区填报，请给出 region"]})
        for department in departments:
            _check_inside(campaign, department.region_id, "department")
        targets = lines(departments) if template.line else own_work(departments)
        return Computation(template, campaign, as_of, targets, departments={d.pk: d for d in departments})
    raise ScopeError({"region": ["请给出 region 或 department"]})


def compute(template_code: str, campaign: Campaign, as_of: datetime.date, *, region: Region | None = None,
            department: Department | None = None) -> dict:
    """One filer's form: `{"cells": {...}}`, plus `"rows": [...]` for a list form."""
    template = template_or_error(template_code)
    if region is not None and department is not None:
        raise ScopeError({"region": ["region 与 department 只能给出一个"]})
    comp = computation(template, campaign, as_of, regions=[region] if region else None,
                       departments=[department] if department else None)
    if template.list_form:
        from .lists import rectification_rows

        return {"cells": {}, "rows": rectification_rows(campaign, as_of, region=region, department=department)}
    if hasattr(template, "compute"):
        return template.compute(comp)
    cells = comp.cells()
    return {"cells": cells[comp.targets.keys[0]]}


def compute_many(template_code: str, campaign: Campaign, as_of: datetime.date, regions: list[Region]) -> dict:
    """The same form for many regions of one level at once (a city's or the province's overview)."""
    template = template_or_error(template_code)
    comp = computation(template, campaign, as_of, regions=regions)
    return comp.cells()
