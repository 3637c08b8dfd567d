"""Writes to the registry. Each runs in one transaction with its audit entry."""
from collections.abc import Sequence

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.audit.services import record_change, record_delete, snapshot
from apps.core.errors import NotAllowed, StaleWrite
from apps.regions.permissions import can_write_enterprise

from .models import Contractor, Enterprise, EnterpriseDepartment, EnterpriseSector
from .signals import enterprise_moved

FIELDS = (
    "name", "uscc", "region", "address", "legal_representative", "principal_name", "principal_phone",
    "high_risk", "state_owned", "above_scale", "labour_intensive", "crowded_place", "key_supervision",
    "city_direct", "state",
)


def _set_links(enterprise: Enterprise, sectors: Sequence, departments: Sequence) -> None:
    EnterpriseSector.objects.filter(enterprise=enterprise).delete()
    EnterpriseSector.objects.bulk_create(
        EnterpriseSector(enterprise=enterprise, sector_id=getattr(s, "pk", s), order=i) for i, s in enumerate(sectors)
    )
    EnterpriseDepartment.objects.filter(enterprise=enterprise).delete()
    EnterpriseDepartment.objects.bulk_create(
        EnterpriseDepartment(enterprise=enterprise, department_id=getattr(d, "pk", d)) for d in departments
    )


def _check_write(actor, region, sectors, departments) -> None:
    region_code = getattr(region, "pk", region)
    if not can_write_enterprise(actor, region_code, [getattr(d, "pk", d) for d in departments],
                                [getattr(s, "pk", s) for s in sectors]):
        raise NotAllowed("您无权登记或修改该企业：企业须在您的管辖区域内，且由您的部门监管。")


def enterprise_snapshot(enterprise: Enterprise) -> dict:
    data = snapshot(enterprise)
    data["sectors"] = enterprise.ordered_sector_codes()
    return data


@transaction.atomic
def enterprise_create(*, actor, data: dict, sectors: Sequence = (), departments: Sequence = ()) -> Enterprise:
    _check_write(actor, data["region"], sectors, departments)
    enterprise = Enterprise.objects.create(**{k: v for k, v in data.items() if k in FIELDS})
    _set_links(enterprise, sectors, departments)
    record_change(actor, enterprise, None)
    return enterprise


@transaction.atomic
def enterprise_update(
    *, actor, enterprise: Enterprise, data: dict, version: int | None = None,
    sectors: Sequence | None = None, departments: Sequence | None = None,
) -> Enterprise:
    """Update, refusing a stale version. Both the old and the new placement must be the actor's to write."""
    before = enterprise_snapshot(enterprise)
    old_sectors = before["sectors"]
    old_departments = before["departments"]
    _check_write(actor, enterprise.region_id, old_sectors, old_departments)
    new_sectors = old_sectors if sectors is None else [getattr(s, "pk", s) for s in sectors]
    new_departments = old_departments if departments is None else [getattr(d, "pk", d) for d in departments]
    for key, value in data.items():
        if key in FIELDS:
            setattr(enterprise, key, value)
    _check_write(actor, enterprise.region_id, new_sectors, new_departments)
    expected = enterprise.version if version is None else version
    fields = {k: getattr(enterprise, k) for k in FIELDS if k != "region"} | {"region_id": enterprise.region_id}
    updated = Enterprise.objects.filter(pk=enterprise.pk, version=expected).update(
        version=F("version") + 1, updated_at=timezone.now(), **fields
    )
    if not updated:
        raise StaleWrite()
    enterprise.refresh_from_db()
    if enterprise.region_id != before["region_id"]:
        enterprise_moved.send(sender=Enterprise, enterprise=enterprise, old_region=before["region_id"],
                              new_region=enterprise.region_id)
    if sectors is not None or departments is not None:
        _set_links(enterprise, new_sectors, new_departments)
    record_change(actor, enterprise, before)
    return enterprise


@transaction.atomic
def contractor_save(*, actor, contractor: Contractor) -> Contractor:
    enterprise = contractor.enterprise
    _check_write(actor, enterprise.region_id, enterprise.ordered_sector_codes(),
                 list(enterprise.department_links.values_list("department_id", flat=True)))
    before = snapshot(Contractor.objects.get(pk=contractor.pk)) if contractor.pk else None
    contractor.full_clean()
    contractor.save()
    record_change(actor, contractor, before)
    return contractor


@transaction.atomic
def contractor_delete(*, actor, contractor: Contractor) -> None:
    enterprise = contractor.enterprise
    _check_write(actor, enterprise.region_id, enterprise.ordered_sector_codes(),
                 list(enterprise.department_links.values_list("department_id", flat=True)))
    record_delete(actor, contractor)
    contractor.delete()
