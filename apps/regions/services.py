"""Writes to the organisation: regions and sectors (administrators), departments and groups (safety offices)."""
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.audit.models import Action
from apps.audit.services import record, record_change, record_delete, snapshot
from apps.core.errors import NotAllowed

from .models import CODE_LENGTHS, Department, GroupAssignment, InspectionGroup, Region, Sector
from .permissions import can_manage_directory, can_manage_organisation


def region_code_error(code: str, level: int, parent: Region | None) -> str | None:
    if not code.isdigit():
        return "区划代码只能由数字组成"
    if CODE_LENGTHS.get(level) != len(code):
        return f"{level}级区划的代码应为{CODE_LENGTHS.get(level)}位"
    if level == 1 and parent is not None:
        return "省级区划没有上级区划"
    if level > 1:
        if parent is None:
            return "请填写上级区划"
        if parent.level != level - 1:
            return "上级区划的层级应比本级高一级"
        if not code.startswith(parent.code):
            return f"区划代码应以上级区划代码 {parent.code} 开头"
    return None


@transaction.atomic
def region_save(*, actor, region: Region) -> Region:
    if not can_manage_directory(actor):
        raise NotAllowed("只有系统管理员可以维护行政区划。")
    error = region_code_error(region.code, region.level, region.parent)
    if error:
        raise ValidationError({"code": error})
    existing = Region.objects.filter(pk=region.pk).first()
    before = snapshot(existing) if existing else None
    region.save()
    record_change(actor, region, before)
    return region


@transaction.atomic
def sector_save(*, actor, sector: Sector) -> Sector:
    if not can_manage_directory(actor):
        raise NotAllowed("只有系统管理员可以维护行业领域。")
    existing = Sector.objects.filter(pk=sector.pk).first()
    before = snapshot(existing) if existing else None
    sector.save()
    record_change(actor, sector, before)
    return sector


def _check_department_parent(department: Department) -> None:
    parent = department.parent
    seen = {department.pk}
    while parent is not None:
        if parent.pk in seen:
            raise ValidationError({"parent": "上级单位不能形成循环"})
        seen.add(parent.pk)
        parent = parent.parent


@transaction.atomic
def department_save(*, actor, department: Department, sectors: Sequence | None = None) -> Department:
    existing = Department.objects.filter(pk=department.pk).first() if department.pk else None
    for code in {department.region_id} | ({existing.region_id} if existing else set()):
        if not can_manage_organisation(actor, code):
            raise NotAllowed("只有本级或上级安委办、系统管理员可以维护部门。")
    if department.parent_id and department.parent_id == department.pk:
        raise ValidationError({"parent": "上级单位不能是本单位"})
    _check_department_parent(department)
    before = snapshot(existing) if existing else None
    department.save()
    if sectors is not None:
        department.sectors.set(sectors)
    record_change(actor, department, before)
    return department


@transaction.atomic
def group_save(*, actor, group: InspectionGroup, assignments: Sequence[dict] | None = None) -> InspectionGroup:
    existing = InspectionGroup.objects.filter(pk=group.pk).first() if group.pk else None
    regions = {group.lead_department.region_id} | ({existing.lead_department.region_id} if existing else set())
    for code in regions:
        if not can_manage_organisation(actor, code):
            raise NotAllowed("只有本级或上级安委办、系统管理员可以维护检查组。")
    before = snapshot(existing) if existing else None
    if before is not None:
        before["assignments"] = _assignment_rows(existing)
    group.save()
    if assignments is not None:
        group.assignments.all().delete()
        for row in assignments:
            if row["end"] < row["start"]:
                raise ValidationError({"assignments": "结束日期不能早于开始日期"})
            GroupAssignment.objects.create(group=group, region=row["region"], start=row["start"], end=row["end"])
    after = snapshot(group) | {"assignments": _assignment_rows(group)}
    record(actor=actor, action=Action.UPDATE if before else Action.CREATE, instance=group, before=before, after=after)
    return group


def _assignment_rows(group: InspectionGroup) -> list[dict]:
    return [{"region": a.region_id, "start": a.start.isoformat(), "end": a.end.isoformat()}
            for a in group.assignments.order_by("start", "region_id")]


@transaction.atomic
def department_delete(*, actor, department: Department) -> None:
    if not can_manage_organisation(actor, department.region_id):
        raise NotAllowed("只有本级或上级安委办、系统管理员可以删除部门。")
    record_delete(actor, department)
    department.delete()


@transaction.atomic
def region_delete(*, actor, region: Region) -> None:
    if not can_manage_directory(actor):
        raise NotAllowed("只有系统管理员可以删除行政区划。")
    record_delete(actor, region)
    region.delete()


@transaction.atomic
def sector_delete(*, actor, sector: Sector) -> None:
    if not can_manage_directory(actor):
        raise NotAllowed("只有系统管理员可以删除行业领域。")
    record_delete(actor, sector)
    sector.delete()


@transaction.atomic
def group_delete(*, actor, group: InspectionGroup) -> None:
    """Deleting a group ends its assignments and its members' group memberships: the entry keeps both."""
    if not can_manage_organisation(actor, group.lead_department.region_id):
        raise NotAllowed("只有本级或上级安委办、系统管理员可以删除检查组。")
    before = snapshot(group) | {
        "assignments": _assignment_rows(group),
        "members": sorted(group.memberships.values_list("user_id", flat=True)),
    }
    record(actor=actor, action=Action.DELETE, instance=group, before=before, after=None)
    group.delete()
