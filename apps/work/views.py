"""The work pages: activities (工作开展情况), risks (重大安全风险) and problems (突出问题) — a filtered list and a form
for each, through the same FilterSets and services as the API — and the compliance board (企业履职看板) of a
department or a safety office.

The services are the authority on every write: a ValidationError goes back on the form, a NotAllowed (a
PermissionDenied) shows the 403 page with its message, a StaleWrite answers 409 with the input kept. Opening a form
the person could never submit answers 403 at once."""
from collections import defaultdict
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from apps.campaigns.models import Campaign
from apps.core.errors import NotAllowed, StaleWrite
from apps.core.forms import add_service_errors
from apps.core.http import list_query, stored_file_response
from apps.enterprises.models import FLAGS, Enterprise, EnterpriseState
from apps.hazards.services import acting_memberships, is_admin
from apps.inspections.models import Inspection, InspectionKind
from apps.regions.scope import DEPARTMENT, SAFETY_OFFICE, today

from . import services
from .duties import DUTIES, PRINCIPAL_INSPECTION, duty_status, rule_text
from .filters import ActivityFilterSet, ProblemFilterSet, RiskFilterSet
from .forms import (
    ActivityFilterForm,
    ActivityForm,
    ProblemFilterForm,
    ProblemForm,
    RegisterFilterForm,
    RiskForm,
)
from .models import Activity, Problem, Risk

PAGE_SIZE = 50


@dataclass(frozen=True)
class Kind:
    """One kind of work record and the pieces its pages use."""

    model: type
    noun: str
    url: str  # URL name prefix
    filterset: type
    filter_form: type
    form: type
    may_write: object
    may_create: object
    create: object
    update: object
    delete: object
    template: str


def _may_create_activity(user) -> bool:
    return bool(services.recordable_kinds(user))


KINDS = {
    "activity": Kind(Activity, "工作开展情况", "activities", ActivityFilterSet, ActivityFilterForm, ActivityForm,
                     services.may_write_activity, _may_create_activity, services.activity_create,
                     lambda *, actor, record, data, version: services.activity_update(
                         actor=actor, activity=record, data=data, version=version),
                     lambda *, actor, record, version: services.activity_delete(
                         actor=actor, activity=record, version=version),
                     "work/activity_list.html"),
    "risk": Kind(Risk, "重大安全风险", "risks", RiskFilterSet, RegisterFilterForm, RiskForm,
                 services.may_write_risk, services.may_keep_registers, services.risk_create,
                 lambda *, actor, record, data, version: services.risk_update(
                     actor=actor, risk=record, data=data, version=version),
                 lambda *, actor, record, version: services.risk_delete(actor=actor, risk=record, version=version),
                 "work/risk_list.html"),
    "problem": Kind(Problem, "突出问题", "problems", ProblemFilterSet, ProblemFilterForm, ProblemForm,
                    services.may_write_problem, services.may_keep_registers, services.problem_create,
                    lambda *, actor, record, data, version: services.problem_update(
                        actor=actor, problem=record, data=data, version=version),
                    lambda *, actor, record, version: services.problem_delete(
                        actor=actor, problem=record, version=version),
                    "work/problem_list.html"),
}
CREATE_REFUSALS = {
    "activity": "您无权登记工作开展情况：需要企业、部门或安委办的身份。",
    "risk": "您无权登记重大安全风险：需要部门或安委办的身份。",
    "problem": "您无权登记突出问题：需要部门或安委办的身份。",
}


def _list(request, key: str):
    kind = KINDS[key]
    user = request.user
    visible = kind.model.objects.visible_to(user)
    filterset = kind.filterset(list_query(request.GET), queryset=visible)
    queryset = filterset.qs if filterset.is_valid() else visible.none()
    queryset = queryset.select_related("region", "department__region", "enterprise", "sector")
    paginator = Paginator(queryset, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = [(record, kind.may_write(user, record)) for record in page.object_list]
    return render(request, kind.template, {
        "page": page, "paginator": paginator, "rows": rows, "filter_errors": filterset.errors,
        "form": kind.filter_form(request.GET or None), "may_create": kind.may_create(user), "noun": kind.noun,
        "filtered": any(v for k, v in request.GET.items() if k != "page"),
    })


def _form(request, key: str, pk: int | None = None):
    kind = KINDS[key]
    user = request.user
    instance = None
    if pk is None:
        if not kind.may_create(user):
            raise NotAllowed(CREATE_REFUSALS[key])
    else:
        instance = get_object_or_404(kind.model.objects.visible_to(user), pk=pk)
        if not kind.may_write(user, instance):
            raise NotAllowed(f"您无权修改该{kind.noun}记录：只能修改本单位登记的记录。")
    form = kind.form(request.POST or None, request.FILES or None, user=user, instance=instance)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                if instance is None:
                    kind.create(actor=user, data=form.service_data())
                else:
                    kind.update(actor=user, record=instance, data=form.service_data(),
                                version=form.cleaned_data.get("version"))
        except StaleWrite as exc:
            form.add_error(None, exc.message)
            status = 409
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已{'登记' if instance is None else '修改'}{kind.noun}。")
            return redirect(f"work:{kind.url}")
    return render(request, "work/form.html", {
        "form": form, "instance": instance, "noun": kind.noun, "list_url": f"work:{kind.url}",
        "delete_url": f"work:{kind.url}-delete" if instance is not None else None,
    }, status=status)


def _delete(request, key: str, pk: int):
    kind = KINDS[key]
    record = get_object_or_404(kind.model.objects.visible_to(request.user), pk=pk)
    version = request.POST.get("version")
    try:
        kind.delete(actor=request.user, record=record, version=int(version) if (version or "").isdigit() else None)
    except StaleWrite as exc:
        messages.error(request, exc.message)
        return redirect(f"work:{kind.url}-edit", pk=pk)
    messages.success(request, f"已删除{kind.noun}记录。")
    return redirect(f"work:{kind.url}")


@login_required
def activity_list(request):
    return _list(request, "activity")


@login_required
def activity_create(request):
    return _form(request, "activity")


@login_required
def activity_edit(request, pk: int):
    return _form(request, "activity", pk)


@login_required
def activity_evidence(request, pk: int):
    """An activity's 佐证材料, only to those who see the activity (never a public media URL)."""
    from apps.hazards.services import evidence_type

    activity = get_object_or_404(Activity.objects.visible_to(request.user), pk=pk)
    if not activity.evidence:
        return stored_file_response(activity.evidence, "", "")  # 404: no file
    with activity.evidence.open("rb") as handle:
        kind = evidence_type(handle)
    return stored_file_response(activity.evidence, kind, activity.evidence.name.rsplit("/", 1)[-1])


@require_POST
@login_required
def activity_delete(request, pk: int):
    return _delete(request, "activity", pk)


@login_required
def risk_list(request):
    return _list(request, "risk")


@login_required
def risk_create(request):
    return _form(request, "risk")


@login_required
def risk_edit(request, pk: int):
    return _form(request, "risk", pk)


@require_POST
@login_required
def risk_delete(request, pk: int):
    return _delete(request, "risk", pk)


@login_required
def problem_list(request):
    return _list(request, "problem")


@login_required
def problem_create(request):
    return _form(request, "problem")


@login_required
def problem_edit(request, pk: int):
    return _form(request, "problem", pk)


@require_POST
@login_required
def problem_delete(request, pk: int):
    return _delete(request, "problem", pk)


# --- the compliance board -------------------------------------------------------------------------------------------

def _board_region(user) -> str | None:
    """The region whose campaigns the board reads: the acting membership's (None: an administrator, every campaign
    running today)."""
    memberships = acting_memberships(user)
    return memberships[0].region_code if memberships else None


def _may_see_board(user) -> bool:
    return is_admin(user) or any(m.kind in (DEPARTMENT, SAFETY_OFFICE) for m in acting_memberships(user))


def board_campaigns(user, on):
    region = _board_region(user)
    if region is None:
        return Campaign.objects.filter(start__lte=on, end__gte=on)
    return Campaign.objects.covering(region, on)


def board_rows(enterprises, campaign, as_of) -> list[dict]:
    """Each enterprise with its duties' checks: two queries for the whole page."""
    ids = [e.pk for e in enterprises]
    inspections = defaultdict(list)
    for row in Inspection.objects.filter(enterprise_id__in=ids, kind=InspectionKind.SELF, led_by_principal=True,
                                         inspected_on__lte=as_of).values(
            "enterprise_id", "kind", "led_by_principal", "inspected_on"):
        inspections[row["enterprise_id"]].append(row)
    activities = defaultdict(list)
    kinds = [code for code in DUTIES if code != PRINCIPAL_INSPECTION]
    for row in Activity.objects.filter(enterprise_id__in=ids, kind__in=kinds, occurred_on__lte=as_of).values(
            "enterprise_id", "kind", "occurred_on", "count"):
        activities[row["enterprise_id"]].append(row)
    rows = []
    for enterprise in enterprises:
        checks = duty_status(enterprise, campaign, as_of, inspections[enterprise.pk], activities[enterprise.pk])
        rows.append({"enterprise": enterprise, "checks": list(checks.values()),
                     "flags": [label for flag, label in FLAGS.items() if flag != "city_direct"
                               and getattr(enterprise, flag)],
                     "met": all(c.met for c in checks.values())})
    return rows


@login_required
def compliance(request):
    """企业履职看板: per operating enterprise in scope, the duties the campaign asks and whether each is met today."""
    user = request.user
    if not _may_see_board(user):
        raise NotAllowed("企业履职看板供监管部门和安委办使用。")
    as_of = today()
    campaigns = list(board_campaigns(user, as_of))
    chosen = request.GET.get("campaign")
    campaign = next((c for c in campaigns if c.slug == chosen), campaigns[0] if campaigns else None)
    enterprises = Enterprise.objects.visible_to(user).filter(state=EnterpriseState.OPERATING).select_related(
        "region").order_by("region_id", "name")
    query = (request.GET.get("q") or "").strip()
    if query:
        enterprises = enterprises.filter(name__icontains=query)
    paginator = Paginator(enterprises, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = board_rows(list(page.object_list), campaign, as_of) if campaign is not None else []
    rules = []
    if campaign is not None:
        rules = [(DUTIES[r.get("kind")], rule_text(r)) for r in campaign.duties
                 if isinstance(r, dict) and r.get("kind") in DUTIES]
    return render(request, "work/compliance.html", {
        "campaigns": campaigns, "campaign": campaign, "as_of": as_of, "page": page, "paginator": paginator,
        "rows": rows, "duties": list(DUTIES.values()), "rules": rules, "query": query,
    })
