"""许昌 附件5 重大事故隐患专项排查整改清单 (REPORTS.md §3): one line per major hazard found in W."""
from __future__ import annotations

import datetime

from django.db.models import Prefetch, Q

from apps.campaigns.models import Campaign
from apps.hazards.models import Hazard, Level, Listing
from apps.inspections.models import ActionKind, EnforcementAction
from apps.regions.models import Department, Region

CONTROL_WORDS = {ActionKind.STOP_RECTIFY: "责令停产整顿", ActionKind.CLOSURE: "关闭取缔"}


def _controls(hazard: Hazard, as_of: datetime.date) -> str:
    if hazard.closed_on and hazard.closed_on <= as_of:
        return "已整改销号"
    parts = []
    planned = hazard.planned_on is not None and hazard.planned_on <= as_of
    plan = getattr(hazard, "plan", None) if planned else None
    if plan is not None and plan.interim_controls.strip():
        parts.append(plan.interim_controls.strip())
    if planned and hazard.deadline:
        parts.append(f"限期整改（{hazard.deadline.isoformat()}前）")
    for action in hazard.control_actions:
        if action.decided_on <= as_of:
            parts.append(f"{CONTROL_WORDS[action.kind]}（{action.decided_on.isoformat()}）")
    return "；".join(parts)


def _remark(hazard: Hazard, as_of: datetime.date) -> str:
    if hazard.closed_on and hazard.closed_on <= as_of:
        return f"已销号（{hazard.closed_on.isoformat()}）"
    if hazard.deadline and hazard.deadline < as_of:
        return "逾期"
    return ""


def rectification_rows(campaign: Campaign, as_of: datetime.date, *, region: Region | None = None,
                       department: Department | None = None) -> list[dict]:
    qs = Hazard.objects.filter(level=Level.MAJOR, found_on__gte=campaign.start, found_on__lte=as_of)
    if region is not None:
        qs = qs.filter(region__code__under=region.code)
    else:
        ids = sorted(department.descendant_ids())
        qs = qs.filter(Q(found_by_department_id__in=ids) | Q(department_id__in=ids))
    qs = qs.select_related("enterprise", "plan").prefetch_related(
        Prefetch("listings", queryset=Listing.objects.order_by("listed_on", "id")),
        Prefetch("enforcement_actions", to_attr="control_actions",
                 queryset=EnforcementAction.objects.filter(kind__in=list(CONTROL_WORDS)).order_by("decided_on", "id")),
    ).order_by("found_on", "id")
    rows = []
    for seq, hazard in enumerate(qs, start=1):
        rows.append({
            "seq": seq,
            "hazard": hazard.pk,
            "enterprise_name": hazard.enterprise.name if hazard.enterprise else "",
            "principal_name": hazard.enterprise.principal_name if hazard.enterprise else "",
            "content": hazard.title,
            "assigned_on": hazard.found_on.isoformat(),
            "controls": _controls(hazard, as_of),
            "listing_document": "；".join(listing.document_no for listing in hazard.listings.all()
                                          if listing.listed_on <= as_of),
            "remark": _remark(hazard, as_of),
        })
    return rows
