"""一张图 and the public disclosure page.

- `/dashboard/`: the figures of `figures.build` for the acting membership, as tiles, tables and ECharts charts
  (static/js/dashboard.js draws them from json_script data: the CSP allows no inline script). Every number links
  to the list it counts; a chart's bar or slice opens the same link.
- `/public/cases/` (no sign-in): 典型执法案例 and 曝光的重大事故隐患 — see `public_cases`.
"""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch
from django.shortcuts import render

from apps.core.replica import reading_from_replica
from apps.hazards.models import Hazard, Level, Listing, Status, today
from apps.inspections.models import ActionKind, EnforcementAction
from apps.regions.models import CODE_LENGTHS, Region

from . import figures

PUBLIC_PAGE_SIZE = 20
TILED_KINDS = (ActionKind.PENALTY, ActionKind.STOP_RECTIFY, ActionKind.JUDICIAL_REFERRAL)  # shown as tiles


def _point(figure: figures.Figure) -> dict:
    return {"value": figure.value, "url": figure.url}


def _group_chart(rows: list[figures.GroupRow]) -> dict:
    return {
        "categories": [r.name for r in rows],
        "series": [
            {"name": "已销号", "data": [_point(r.closed) for r in rows]},
            {"name": "未整改", "data": [_point(r.open) for r in rows]},
        ],
        "overdue": [_point(r.overdue) for r in rows],
        "rates": [r.rate for r in rows],
    }


def chart_data(board: figures.Dashboard) -> dict:
    """What dashboard.js draws: each point carries the URL of its list."""
    regions = [*board.regions, *([board.own_region] if board.own_region and board.regions else [])]
    return {
        "status": [{"name": f.label.split("·")[-1], "value": f.value, "url": f.url} for f in board.major_statuses],
        "sectors": _group_chart(board.sectors),
        "regions": _group_chart(regions),
        "trend": {
            "categories": [m.label for m in board.trend],
            "found": [_point(m.found) for m in board.trend],
            "closed": [_point(m.closed) for m in board.trend],
            "rates": [m.cumulative_rate for m in board.trend],
        },
    }


@login_required
def dashboard(request):
    with reading_from_replica():
        board = figures.build(request.user, request.GET.get("campaign"))
    enforcement = {f.key.split(".", 1)[1]: f for f in board.enforcement}
    return render(request, "dashboard/index.html", {
        "board": board,
        "charts": chart_data(board),
        "choice": "all" if board.window.campaign is None else board.window.campaign.slug,
        "status_labels": Status.labels,
        "enforcement": enforcement,
        "enforcement_other": [f for f in board.enforcement if f.key.split(".", 1)[1] not in TILED_KINDS],
        "penalty_amount": format(board.penalty_amount.normalize(), "f"),
        "submission_columns": figures.SUBMISSION_COLUMNS,
    })


# --- the public page ----------------------------------------------------------------------------------------------

def region_labels(codes) -> dict[str, str]:
    """Full names (河南省许昌市魏都区) of the given region codes, in one query."""
    codes = set(codes)
    prefixes = {c[:n] for c in codes for n in CODE_LENGTHS.values() if n <= len(c)}
    names = dict(Region.objects.filter(code__in=prefixes).values_list("code", "name"))
    return {c: "".join(names[c[:n]] for n in CODE_LENGTHS.values() if n <= len(c) and c[:n] in names)
            for c in codes}


def exposed_hazards():
    """曝光的重大事故隐患: major hazards that a public act has already named —
    (1) under an active government listing (挂牌督办 by a 人民政府/安委会: `authority_department` empty, not
        delisted; a government listing is decided by the safety office's leader), or
    (2) the hazard of a 曝光 (`exposure`) enforcement action published by the department's leader
        (`published`).
    A department's own listing, an unpublished exposure or an enterprise's other hazards are not shown: nothing
    reaches this page without a leader's decision to make it public."""
    government_listing = Listing.objects.filter(hazard=OuterRef("pk"), delisted_on__isnull=True,
                                                authority_department__isnull=True)
    exposure = EnforcementAction.objects.filter(hazard=OuterRef("pk"), kind=ActionKind.EXPOSURE, published=True)
    return (Hazard.objects.filter(level=Level.MAJOR).filter(Exists(government_listing) | Exists(exposure))
            .select_related("enterprise")
            .prefetch_related(
                Prefetch("listings", to_attr="government_listings", queryset=Listing.objects.filter(
                    delisted_on__isnull=True, authority_department__isnull=True).select_related("authority_region")),
                Prefetch("enforcement_actions", to_attr="exposures", queryset=EnforcementAction.objects.filter(
                    kind=ActionKind.EXPOSURE, published=True).select_related("department")))
            .order_by("-found_on", "-id"))


def published_cases():
    """典型执法案例: enforcement actions a department's leader published (`published`)."""
    return (EnforcementAction.objects.filter(published=True).select_related("department", "enterprise")
            .order_by("-published_on", "-id"))


def public_cases(request):
    """The public disclosure page, open without sign-in. It shows organisations and decisions, never a person:
    no principal, legal representative, phone, inspector, case note or reporter."""
    cases = Paginator(published_cases(), PUBLIC_PAGE_SIZE).get_page(request.GET.get("cases_page"))
    hazards = Paginator(exposed_hazards(), PUBLIC_PAGE_SIZE).get_page(request.GET.get("hazards_page"))
    on = today()
    labels = region_labels([c.enterprise.region_id for c in cases] + [h.region_id for h in hazards])
    for case in cases:
        case.region_label = labels.get(case.enterprise.region_id, "")
    for hazard in hazards:
        hazard.region_label = labels.get(hazard.region_id, "")
        listing = hazard.government_listings[0] if hazard.government_listings else None
        exposure = hazard.exposures[0] if hazard.exposures else None
        hazard.public_listing = listing
        hazard.public_exposure = exposure
        deadline = listing.deadline if listing else hazard.deadline
        hazard.public_overdue = hazard.status != Status.CLOSED and deadline is not None and deadline < on
    return render(request, "dashboard/public_cases.html", {"cases": cases, "hazards": hazards})
