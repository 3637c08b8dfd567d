"""What a person's memberships mean for a query: worked out here once, asked by every `visible_to`.

DESIGN.md "Scope": an enterprise member sees their enterprise; a department member sees the enterprises of its
region subtree that it supervises (listed among the enterprise's departments, or a sector at or below one of
the department's sectors), and what its subordinate units see; a safety office (and a discipline
membership, read-only) sees its region subtree; an inspection group sees its assigned regions while today is
inside the assignment's dates. The API answers the union of all memberships; the interface narrows to the
membership the person acts for (`user.acting_membership`, set by middleware).
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache as shared_cache
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .models import Department, GroupAssignment, Sector

ENTERPRISE, DEPARTMENT, SAFETY_OFFICE, GROUP, DISCIPLINE = (
    "enterprise", "department", "safety_office", "group", "discipline"
)


@dataclass(frozen=True)
class DepartmentReach:
    """One department of D* (the member's department or one of its subordinate units)."""

    department_id: int
    region_code: str
    sector_codes: frozenset[str]


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    enterprise_ids: frozenset[int] = frozenset()
    region_codes: tuple[str, ...] = ()  # safety office and discipline subtrees
    office_region_codes: tuple[str, ...] = ()  # safety office subtrees only (write rights)
    departments: tuple[DepartmentReach, ...] = ()
    group_region_codes: tuple[str, ...] = ()  # assignments active today
    group_ids: frozenset[int] = frozenset()
    department_ids: frozenset[int] = field(default=frozenset())  # every department of every D*

    @property
    def nothing(self) -> bool:
        return not (self.everything or self.enterprise_ids or self.region_codes or self.departments
                    or self.group_region_codes)

    def covers_region(self, code: str) -> bool:
        """Is `code` inside a safety-office or discipline subtree of this scope?"""
        return self.everything or any(code.startswith(r) for r in self.region_codes)

    def manages_region(self, code: str) -> bool:
        """May act as the safety office for `code` (organisation and user writes)."""
        return self.everything or any(code.startswith(r) for r in self.office_region_codes)

    @staticmethod
    def region_q(region_path: str, codes) -> Q:
        """Records whose region (reached by `region_path`, a path to a Region) lies in any of the subtrees."""
        return subtrees_q(codes, region_path)

    def enterprise_q(self, prefix: str = "") -> Q:
        """The filter for enterprises (or, with `prefix` such as "enterprise__", records hanging on one)."""
        from django.apps import apps

        if self.everything:
            return Q()
        EnterpriseDepartment = apps.get_model("enterprises", "EnterpriseDepartment")
        EnterpriseSector = apps.get_model("enterprises", "EnterpriseSector")
        pk = f"{prefix}pk" if prefix else "pk"
        q = Q(**{f"{pk}__in": list(self.enterprise_ids)}) if self.enterprise_ids else Q(pk__in=[])
        q |= self.region_q(f"{prefix}region", self.region_codes + self.group_region_codes)
        ref = OuterRef(f"{prefix}pk" if prefix else "pk")
        for reach in self.departments:
            supervised = Exists(EnterpriseDepartment.objects.filter(enterprise=ref, department_id=reach.department_id))
            if reach.sector_codes:
                supervised |= Exists(EnterpriseSector.objects.filter(enterprise=ref,
                                                                     sector_id__in=sorted(reach.sector_codes)))
            q |= Q(**{f"{prefix}region__code__under": reach.region_code}) & supervised
        return q


def subtrees_q(codes, path: str = "") -> Q:
    """Regions (or, with `path`, records whose region is reached by it) inside any of the subtrees `codes`: one
    indexed `__under` filter per outermost code, nothing for no codes."""
    field = f"{path}__code__under" if path else "code__under"
    q = Q(pk__in=[])
    for code in _outermost(codes):
        q |= Q(**{field: code})
    return q


def visible(queryset, user, condition):
    """The one shape of every `visible_to`: an administrator sees everything, a person without memberships
    nothing, anyone else the records `condition(scope)` (a Q) selects."""
    scope = scope_for(user)
    if scope.everything:
        return queryset
    if scope.nothing:
        return queryset.none()
    return queryset.filter(condition(scope))


def _outermost(codes) -> list[str]:
    """Drop codes already covered by a shorter one, so filters stay small."""
    result: list[str] = []
    for code in sorted(set(codes), key=len):
        if not any(code.startswith(r) for r in result):
            result.append(code)
    return result


def today() -> datetime.date:
    return timezone.localdate()  # TIME_ZONE is Asia/Shanghai


def scope_for(user, on: datetime.date | None = None) -> Scope:
    """The scope of `user`: the union of their memberships, or only the one they act for in the interface."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    on = on or today()
    acting = getattr(user, "acting_membership", None)
    cache_key = (acting.pk if acting else None, on)
    cache = user.__dict__.setdefault("_scope_cache", {})
    if cache_key in cache:
        return cache[cache_key]
    if user.is_superuser and acting is None:
        scope = Scope(everything=True)
    else:
        scope = _shared_scope(user, acting, on)
    cache[cache_key] = scope
    return scope


# A scope costs five or six queries (memberships, units, their sectors, the sector tree, group assignments); with
# a shared cache (Redis) it is kept for SCOPE_CACHE_SECONDS under a version that every write to what it is made of
# bumps once committed (`bump_scope_version`, connected in regions.apps), so a change shows on the next request.
SCOPE_VERSION_KEY = "scope:version"


def _shared_scope(user, acting, on: datetime.date) -> Scope:
    seconds = settings.SCOPE_CACHE_SECONDS
    if not seconds:
        return _scope_of([acting] if acting is not None else list(user.memberships.all()), on)
    version = shared_cache.get(SCOPE_VERSION_KEY, 0)
    key = f"scope:{version}:{user.pk}:{acting.pk if acting is not None else 0}:{on.isoformat()}"
    scope = shared_cache.get(key)
    if scope is None:
        scope = _scope_of([acting] if acting is not None else list(user.memberships.all()), on)
        shared_cache.set(key, scope, seconds)
    return scope


def bump_scope_version(**kwargs) -> None:
    """Every cached scope is stale from the next committed write on: memberships, departments, their sectors,
    the sector tree, group assignments (and bulk writes that bypass the signals call it themselves)."""
    def bump():
        try:
            shared_cache.incr(SCOPE_VERSION_KEY)
        except ValueError:  # no version yet
            shared_cache.add(SCOPE_VERSION_KEY, 1, None) or shared_cache.incr(SCOPE_VERSION_KEY)
    transaction.on_commit(bump)


def _scope_of(memberships, on: datetime.date) -> Scope:
    enterprise_ids: set[int] = set()
    region_codes: list[str] = []
    office_codes: list[str] = []
    department_roots: set[int] = set()
    group_ids: set[int] = set()
    for m in memberships:
        if m.kind == ENTERPRISE and m.enterprise_id:
            enterprise_ids.add(m.enterprise_id)
        elif m.kind in (SAFETY_OFFICE, DISCIPLINE) and m.region_id:
            region_codes.append(m.region_id)
            if m.kind == SAFETY_OFFICE:
                office_codes.append(m.region_id)
        elif m.kind == DEPARTMENT and m.department_id:
            department_roots.add(m.department_id)
        elif m.kind == GROUP and m.group_id:
            group_ids.add(m.group_id)
    reaches: list[DepartmentReach] = []
    all_department_ids: set[int] = set()
    if department_roots:
        all_department_ids = Department.descendants_of(department_roots)
        departments = Department.objects.filter(pk__in=all_department_ids).prefetch_related("sectors")
        for d in departments:
            own = {s.code for s in d.sectors.all()}
            sectors = frozenset(Sector.with_descendants(own)) if own else frozenset()
            reaches.append(DepartmentReach(d.pk, d.region_id, sectors))
    group_regions: list[str] = []
    if group_ids:
        group_regions = list(
            GroupAssignment.objects.filter(group_id__in=group_ids, start__lte=on, end__gte=on)
            .values_list("region_id", flat=True)
        )
    return Scope(
        enterprise_ids=frozenset(enterprise_ids),
        region_codes=tuple(_outermost(region_codes)),
        office_region_codes=tuple(_outermost(office_codes)),
        departments=tuple(reaches),
        group_region_codes=tuple(_outermost(group_regions)),
        group_ids=frozenset(group_ids),
        department_ids=frozenset(all_department_ids),
    )
