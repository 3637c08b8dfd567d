"""The ledger's pages: the list (filtered by HazardFilterSet, like the API and the export), the hazard page with
its timeline, one form per transition (through the services), evidence, and the printable 附件6.

The services are the authority on every write: a ValidationError goes back on the form, a NotAllowed (a
PermissionDenied) shows the 403 page with its message, a StaleWrite answers 409 with the input kept. The buttons
and the early 403 on opening a form only mirror the rules, so nobody is offered a step they cannot take."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.campaigns.models import SignOffLevel, required_sign_offs
from apps.core.errors import NotAllowed, StaleWrite
from apps.core.forms import add_service_errors
from apps.core.http import list_query, stored_file_response

from . import services, workflow
from .filters import HazardFilterSet
from .forms import (
    AcceptForm,
    ClosureReportForm,
    DelistForm,
    EvidenceForm,
    FixOnSpotForm,
    HazardEditForm,
    HazardFilterForm,
    HazardReportForm,
    ListForm,
    PlanForm,
    RejectForm,
    SubmitForm,
    TransferForm,
    sign_off_rows_from,
)
from .models import Evidence, EvidenceStage, Hazard, Listing, Status, today
from .services import is_admin, reportable_sources

PAGE_SIZE = 50

# action → URL name of its form
ACTION_URLS = {"plan": "plan", "fix_on_spot": "fix-on-spot", "submit": "submit", "accept": "accept",
               "reject": "reject", "list": "supervise", "transfer": "transfer", "closure_report": "closure-report",
               "update": "edit"}
ACTION_STYLES = {"plan": "primary", "fix_on_spot": "success", "submit": "primary", "accept": "success",
                 "reject": "outline-danger", "list": "outline-warning", "transfer": "outline-secondary",
                 "closure_report": "primary", "update": "outline-secondary"}


def _visible(request):
    return Hazard.objects.visible_to(request.user)


def _hazard_or_404(request, pk: int) -> Hazard:
    return get_object_or_404(
        _visible(request).select_related("enterprise", "region", "sector", "department__region",
                                         "found_by_department"),
        pk=pk,
    )


# --- who may take which step: the services decide (services.may); the pages only ask ------------------------------

may = services.may


ROLE_MESSAGES = {
    "plan": "只有企业人员可以制定治理方案。",
    "submit": "只有企业人员可以提请验收。",
    "fix_on_spot": "只有企业人员或发现隐患的部门可以登记立即整改。",
    "accept": "只有该隐患的负责部门可以验收。",
    "reject": "只有该隐患的负责部门可以验收。",
    "list": "政府挂牌督办须由本级安委办负责人办理，部门挂牌督办须由该部门负责人办理。",
    "delist": "只有挂牌单位的负责人可以摘牌。",
    "transfer": "只有负责部门或其上级安委办可以移交隐患。",
    "closure_report": "只有企业人员或负责部门可以上报销号情况。",
    "update": "只有企业人员（销号前）、负责部门或发现部门可以修改隐患。",
}


def available_actions(user, hazard: Hazard) -> list[dict]:
    """The buttons of the hazard page: steps that make sense in this status, for this person."""
    actions = []
    for action, url_name in ACTION_URLS.items():
        if workflow.state_refusal(action, hazard.status, hazard.level) is None and may(user, action, hazard):
            actions.append({"action": action, "label": workflow.ACTION_LABELS[action],
                            "url": reverse(f"hazards:{url_name}", args=[hazard.pk]),
                            "style": ACTION_STYLES[action]})
    return actions


def may_report(user) -> bool:
    return bool(reportable_sources(user))


# --- the ledger ---------------------------------------------------------------------------------------------------

class CountedPaginator(Paginator):
    """A paginator told its count (already known from a grouped query) instead of counting again."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count


def _without(query, *keys):
    data = list_query(query)
    for key in keys:
        data.pop(key, None)
    data.pop("page", None)
    return data


@login_required
def hazard_list(request):
    visible = _visible(request)
    filterset = HazardFilterSet(list_query(request.GET), queryset=visible)
    queryset = filterset.qs if filterset.is_valid() else visible.none()
    active_listing = Listing.objects.filter(hazard=OuterRef("pk"), delisted_on__isnull=True)
    queryset = queryset.select_related("enterprise", "region", "sector", "department").annotate(
        is_listed=Exists(active_listing))
    # One grouped query over the other filters gives the status chips, the overdue figure and the page count
    # (the list is then scanned twice, not four times: docs/benchmarks.md).
    others = HazardFilterSet(_without(request.GET, "status"), queryset=visible)
    late = Q(deadline__lt=today()) & ~Q(status=Status.CLOSED)
    grouped = (others.qs.order_by().values("status").annotate(n=Count("id"), late=Count("id", filter=late))
               if others.is_valid() else [])
    counts = {row["status"]: row["n"] for row in grouped}
    lates = {row["status"]: row["late"] for row in grouped}
    chosen = request.GET.getlist("status")
    shown = chosen or Status.values
    if filterset.is_valid() and filterset.form.cleaned_data.get("overdue") is False:
        without_overdue = HazardFilterSet(_without(request.GET, "overdue"), queryset=visible)
        overdue_count = without_overdue.qs.overdue().count() if without_overdue.is_valid() else 0
    else:
        overdue_count = sum(lates.get(value, 0) for value in shown)
    total = sum(counts.get(value, 0) for value in shown) if filterset.is_valid() else 0
    paginator = CountedPaginator(queryset, PAGE_SIZE, count=total)
    page = paginator.get_page(request.GET.get("page"))
    status_chips = [{"value": value, "label": label, "count": counts.get(value, 0),
                     "active": chosen == [value]} for value, label in Status.choices]
    context = {
        "page": page,
        "paginator": paginator,
        "filter_errors": filterset.errors,
        "form": HazardFilterForm(request.GET or None, user=request.user, visible=visible),
        "status_chips": status_chips,
        "all_count": sum(counts.values()),
        "all_active": not chosen,
        "overdue_count": overdue_count,
        "overdue_active": request.GET.get("overdue", "").lower() in ("true", "1", "on"),
        "may_report": may_report(request.user),
        "filtered": any(v for k, v in request.GET.items() if k != "page"),
    }
    template = "hazards/list.html#results" if request.htmx and not request.htmx.boosted else "hazards/list.html"
    return render(request, template, context)


# --- report -------------------------------------------------------------------------------------------------------

@login_required
def hazard_create(request):
    if not may_report(request.user):
        raise NotAllowed("您无权登记隐患：需要企业、部门、检查组或安委办的身份。")
    form = HazardReportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                hazard = services.hazard_report(actor=request.user, data=form.service_data())
                for upload in form.cleaned_data["files"]:
                    services.add_evidence(actor=request.user, hazard=hazard, stage=EvidenceStage.BEFORE,
                                          upload=upload, _checked=True)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已登记隐患：{hazard.title}")
            return redirect("hazards:detail", pk=hazard.pk)
    return render(request, "hazards/form.html", {"form": form})


# --- the hazard page ------------------------------------------------------------------------------------------------

def _plan(hazard):
    try:
        return hazard.plan
    except Hazard.plan.RelatedObjectDoesNotExist:
        return None


def _acceptance(hazard):
    try:
        return hazard.acceptance
    except Hazard.acceptance.RelatedObjectDoesNotExist:
        return None


def _page_context(request, hazard: Hazard) -> dict:
    enterprise = hazard.enterprise
    evidence = list(hazard.evidence.all())
    listings = list(hazard.listings.select_related("authority_region", "authority_department"))
    for index, listing in enumerate(listings):
        listing.hazard = hazard
        listing.index = index
        listing.may_delist = listing.delisted_on is None and (
            is_admin(request.user)
            or services.may_list_as(request.user, listing.authority_region_id, listing.authority_department_id))
    acceptance = _acceptance(hazard)
    city_direct = bool(enterprise and enterprise.city_direct)
    pending_levels = [] if acceptance else required_sign_offs(hazard.region_id, today(), city_direct)
    labels = dict(SignOffLevel.choices)
    sign_offs = list(acceptance.sign_offs.all()) if acceptance else []
    for s in sign_offs:
        s.level_label = labels.get(s.level, s.level)
    statuses = dict(Status.choices)
    events = list(hazard.events.select_related("user"))
    for e in events:
        e.label = workflow.ACTION_LABELS.get(e.action, e.action)
        e.status_label = statuses.get(e.to_status, e.to_status)
    return {
        "hazard": hazard,
        "enterprise": enterprise,
        "enterprise_departments": [link.department for link in enterprise.department_links.select_related(
            "department")] if enterprise else [],
        "enterprise_sectors": [link.sector for link in enterprise.sector_links.select_related("sector")]
        if enterprise else [],
        "plan": _plan(hazard),
        "acceptance": acceptance,
        "sign_offs": sign_offs,
        "sign_off_by_level": {s.level: s for s in sign_offs},
        "pending_sign_offs": [SignOffLevel(level).label for level in pending_levels],
        "listings": listings,
        "transfers": list(hazard.transfers.select_related("from_department", "to_department")),
        "evidence_before": [e for e in evidence if e.stage == EvidenceStage.BEFORE],
        "evidence_after": [e for e in evidence if e.stage == EvidenceStage.AFTER],
        "evidence_documents": [e for e in evidence if e.stage == EvidenceStage.DOCUMENT],
        "events": events,
        "penalty_waived": services.penalty_waived(hazard),
        "region_chain": hazard.region.ancestors(include_self=True),
    }


@login_required
def hazard_detail(request, pk: int):
    hazard = _hazard_or_404(request, pk)
    context = _page_context(request, hazard)
    context["actions"] = available_actions(request.user, hazard)
    context["may_upload"] = hazard.status != Status.CLOSED and may(request.user, "evidence", hazard)
    context["evidence_form"] = EvidenceForm()
    return render(request, "hazards/detail.html", context)


@login_required
def hazard_print(request, pk: int):
    hazard = _hazard_or_404(request, pk)
    context = _page_context(request, hazard)
    context["printed_on"] = today()
    return render(request, "hazards/print.html", context)


# --- the transitions ------------------------------------------------------------------------------------------------

def _transition(request, pk: int, action: str, form_class, perform, *, template="hazards/transition.html",
                title: str | None = None, form_kwargs=None, role_check=None):
    """One form page per step: GET shows the form (403 at once for the wrong role, a notice for the wrong
    state); POST goes through the service."""
    hazard = _hazard_or_404(request, pk)
    allowed = role_check() if role_check else may(request.user, action, hazard)
    if request.method != "POST" and not allowed:
        raise NotAllowed(ROLE_MESSAGES[action])
    refusal = workflow.state_refusal(action, hazard.status, hazard.level)
    kwargs = {"hazard": hazard, "user": request.user, **(form_kwargs or {})}
    if request.method == "POST":
        form = form_class(request.POST, request.FILES or None, **kwargs)
    else:
        form = form_class(**kwargs)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                perform(hazard, form)
        except StaleWrite as exc:
            form.add_error(None, exc.message)
            status = 409
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已{title or workflow.ACTION_LABELS[action]}。")
            return redirect("hazards:detail", pk=hazard.pk)
    return render(request, template, {
        "hazard": hazard, "form": form, "action": action, "refusal": refusal,
        "title": title or workflow.ACTION_LABELS[action],
        "multipart": any(f.field.widget.needs_multipart_form for f in form),
    }, status=status)


@login_required
def hazard_plan(request, pk: int):
    def perform(hazard, form):
        services.hazard_plan(actor=request.user, hazard=hazard, plan=form.plan_data(),
                             version=form.cleaned_data["version"])
    return _transition(request, pk, "plan", PlanForm, perform)


@login_required
def hazard_fix_on_spot(request, pk: int):
    def perform(hazard, form):
        data = form.cleaned_data
        services.hazard_fix_on_spot(actor=request.user, hazard=hazard, fixed_on=data["fixed_on"], note=data["note"],
                                    version=data["version"], files=data["files"])
    return _transition(request, pk, "fix_on_spot", FixOnSpotForm, perform)


@login_required
def hazard_submit(request, pk: int):
    def perform(hazard, form):
        data = form.cleaned_data
        hazard = services.hazard_submit(actor=request.user, hazard=hazard, note=data["note"], version=data["version"],
                                        submitted_on=data["submitted_on"])
        for upload in data["files"]:
            services.add_evidence(actor=request.user, hazard=hazard, stage=EvidenceStage.AFTER, upload=upload)
    return _transition(request, pk, "submit", SubmitForm, perform)


@login_required
def hazard_accept(request, pk: int):
    if request.htmx and request.method == "GET" and "accepted_on" in request.GET:
        # the date changed: list the sign-off rows the campaigns require on that day, keeping what was typed
        hazard = _hazard_or_404(request, pk)
        form = AcceptForm(hazard=hazard, user=request.user, initial={
            "accepted_on": request.GET["accepted_on"], "sign_off_rows": sign_off_rows_from(request.GET)})
        return render(request, "hazards/accept.html#sign-offs", {"hazard": hazard, "form": form})

    def perform(hazard, form):
        data = form.cleaned_data
        services.hazard_accept(actor=request.user, hazard=hazard, accepted_on=data["accepted_on"],
                               members=form.member_list(), conclusion=data["conclusion"],
                               sign_offs=form.sign_off_list(), version=data["version"])
    return _transition(request, pk, "accept", AcceptForm, perform, template="hazards/accept.html")


@login_required
def hazard_reject(request, pk: int):
    def perform(hazard, form):
        data = form.cleaned_data
        services.hazard_reject(actor=request.user, hazard=hazard, reason=data["reason"], version=data["version"],
                               rejected_on=data["rejected_on"])
    return _transition(request, pk, "reject", RejectForm, perform)


@login_required
def hazard_supervise(request, pk: int):
    def perform(hazard, form):
        data = form.cleaned_data
        services.hazard_list(actor=request.user, hazard=hazard, document_no=data["document_no"],
                             listed_on=data["listed_on"], deadline=data["deadline"], version=data["version"],
                             **form.authority_args())
    return _transition(request, pk, "list", ListForm, perform)


@login_required
def hazard_delist(request, pk: int, index: int):
    hazard = _hazard_or_404(request, pk)
    listings = list(hazard.listings.order_by("listed_on", "id"))
    if not 0 <= index < len(listings):
        raise Http404("没有这条挂牌督办记录。")
    listing = listings[index]

    def role_check():
        return is_admin(request.user) or services.may_list_as(request.user, listing.authority_region_id,
                                                      listing.authority_department_id)

    def perform(hazard, form):
        data = form.cleaned_data
        services.hazard_delist(actor=request.user, hazard=hazard, index=index, delisted_on=data["delisted_on"],
                               version=data["version"])
    return _transition(request, pk, "delist", DelistForm, perform, role_check=role_check,
                       title=f"摘牌（{listing.document_no}）")


@login_required
def hazard_transfer(request, pk: int):
    def perform(hazard, form):
        data = form.cleaned_data
        services.hazard_transfer(actor=request.user, hazard=hazard, to_department=data["to_department"],
                                 reason=data["reason"], transferred_on=data["transferred_on"],
                                 version=data["version"])
    return _transition(request, pk, "transfer", TransferForm, perform)


@login_required
def hazard_closure_report(request, pk: int):
    def perform(hazard, form):
        services.hazard_report_closure(actor=request.user, hazard=hazard, reported_on=form.cleaned_data["reported_on"],
                                       version=form.cleaned_data["version"])
    return _transition(request, pk, "closure_report", ClosureReportForm, perform)


@login_required
def hazard_edit(request, pk: int):
    def perform(hazard, form):
        services.hazard_update(actor=request.user, hazard=hazard, data=form.changes(),
                               version=form.cleaned_data["version"])
    return _transition(request, pk, "update", HazardEditForm, perform, title="修改隐患信息")


# --- evidence -------------------------------------------------------------------------------------------------------

@require_POST
@login_required
def evidence_upload(request, pk: int):
    hazard = _hazard_or_404(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            with transaction.atomic():
                for upload in form.cleaned_data["files"]:
                    services.add_evidence(actor=request.user, hazard=hazard, stage=form.cleaned_data["stage"],
                                          upload=upload)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已上传 {len(form.cleaned_data['files'])} 个文件。")
            return redirect(reverse("hazards:detail", args=[pk]) + "#evidence")
    context = _page_context(request, hazard)
    context.update(actions=available_actions(request.user, hazard), may_upload=True, evidence_form=form)
    return render(request, "hazards/detail.html", context, status=400)


@login_required
def evidence_file(request, pk: int, evidence_pk: int):
    """The file, only to those who see the hazard; shown inline with its checked type, never sniffed."""
    hazard = get_object_or_404(_visible(request), pk=pk)
    evidence = get_object_or_404(Evidence, pk=evidence_pk, hazard=hazard)
    return stored_file_response(evidence.file, evidence.content_type, evidence.name)
