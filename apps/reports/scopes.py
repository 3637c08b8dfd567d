"""Whose records a report counts (REPORTS.md §0.2), for one filer or for many at once.

A `Targets` is the set of filers one computation answers for: one region, the children of a region (a city's
overview of its counties), one department, or many departments. Every metric is one grouped query over the
records of all targets together, so the number of queries does not grow with the number of targets:

- `RegionTargets` (全口径): a record belongs to the target whose division code prefixes the record's region code.
  All targets of one computation have codes of one length, so the group key is the first n characters of the
  record's region code — one indexed prefix filter and one GROUP BY, no per-region query.
- `DepartmentTargets` (本级 D*, or 福州's line H(D)): a target owns a set of department ids; records are grouped
  by their department and the groups are summed into every target whose set holds that department.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from django.db.models import F, Q
from django.db.models.functions import Substr
from django.db.models.lookups import In

from apps.regions.models import Department, Region


@dataclass
class RegionTargets:
    regions: list[Region]
    kind: str = field(default="region", init=False)

    def __post_init__(self):
        lengths = {len(r.code) for r in self.regions}
        if len(lengths) != 1:
            raise ValueError("一次计算的地区须属同一层级")
        self.length = lengths.pop()
        self.level = self.regions[0].level
        self.keys = [r.code for r in self.regions]

    def q(self, path: str, up_to_level: int | None = None) -> Q:
        """Records whose region (the relation at `path`, e.g. "region" or "department__region") lies in a
        target's subtree. With `up_to_level`, only the regions of `L(R)`/`L4(R)`: the target itself and the
        regions below it down to that level. Many targets: one prefix filter on their common prefix and the group
        key among the targets' codes — not one LIKE per target, which PostgreSQL plans for milliseconds each."""
        if up_to_level is not None and self.level >= up_to_level:
            return Q(**{f"{path}__in": self.keys})
        if len(self.keys) == 1:
            q = Q(**{f"{path}__code__under": self.keys[0]})
        else:
            q = Q(**{f"{path}__code__under": os.path.commonprefix(self.keys)}) & Q(
                In(self.group(path), self.keys))
        if up_to_level is not None:
            q &= Q(**{f"{path}__level__lte": up_to_level})
        return q

    def group(self, path: str):
        return Substr(F(f"{path}_id"), 1, self.length)

    def owners(self, key) -> list[str]:
        return [key] if key in self.keys else []


@dataclass
class DepartmentTargets:
    """`members[target id]` = the department ids whose records count for that target (D* or H(D))."""

    members: dict[int, set[int]]
    kind: str = field(default="department", init=False)

    def __post_init__(self):
        self.keys = list(self.members)
        self._owners: dict[int, list[int]] = {}
        for target, ids in self.members.items():
            for department_id in ids:
                self._owners.setdefault(department_id, []).append(target)

    def all_ids(self) -> list[int]:
        return sorted(self._owners)

    def q(self, path: str, up_to_level: int | None = None) -> Q:
        return Q(**{f"{path}__in": self.all_ids()})

    def group(self, path: str):
        return F(path)

    def owners(self, key) -> list[int]:
        return self._owners.get(key, [])


def _children_map() -> dict[int, list[int]]:
    """Every department's subordinate units, in one query (D* and H(D) for any number of targets)."""
    children: dict[int, list[int]] = {}
    for pk, parent in Department.objects.filter(parent__isnull=False).values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    return children


def _with_units(ids, children: dict[int, list[int]]) -> set[int]:
    result, stack = set(), list(ids)
    while stack:
        pk = stack.pop()
        if pk not in result:
            result.add(pk)
            stack.extend(children.get(pk, ()))
    return result


def own_work(departments: list[Department]) -> DepartmentTargets:
    """本级: each department with its subordinate units (D*)."""
    children = _children_map()
    return DepartmentTargets({d.pk: _with_units({d.pk}, children) for d in departments})


def lines(departments: list[Department]) -> DepartmentTargets:
    """福州 「辖区部门」 H(D) for each department: departments of D's kind in D's subtree, and their units."""
    children = _children_map()
    kinds = {d.kind for d in departments}
    same_kind = list(Department.objects.filter(kind__in=kinds).values_list("pk", "kind", "region_id"))
    return DepartmentTargets({
        d.pk: _with_units({pk for pk, kind, region in same_kind if kind == d.kind and region.startswith(d.region_id)},
                          children)
        for d in departments
    })


def lines_of_regions(regions: list[Region], kind: str) -> DepartmentTargets:
    """H(R) for regions filing the line form: departments of the campaign department's kind in sub(R)."""
    children = _children_map()
    same_kind = list(Department.objects.filter(kind=kind).values_list("pk", "region_id"))
    return DepartmentTargets({
        r.code: _with_units({pk for pk, region in same_kind if region.startswith(r.code)}, children)
        for r in regions
    })
