"""The inspection pages: the list (InspectionFilterSet, like the API), registering an inspection, the on-site page
(one card per checklist item, the seven findings with what the enterprise's records say, each inspector's
signature, the hazards it registered), the filled checklist as .xlsx; and the checklists: list, page with its
versions and the blank .xlsx, a department's own list (a new version on every revision).

The services are the authority on every write (apps.inspections.services, .onsite, .checklists): a ValidationError
goes back on the form, a NotAllowed (a PermissionDenied) shows the 403 page with its message, a StaleWrite answers
409 with the input kept. An answer posted by htmx answers its card alone; without JavaScript the same form posts
and comes back to the page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.core.errors import NotAllowed, StaleWrite
from apps.core.forms import add_service_errors
from apps.core.http import list_query, stored_file_response, xlsx_response
from apps.core.xlsx import workbook_bytes
from apps.hazards.models import Level
from apps.hazards.services import evidence_type

from . import checklist_xlsx, onsite, services
from . import checklists as checklist_services
from .filters import InspectionFilterSet
from .forms import (
    AnswerForm,
    ChecklistForm,
    ChecklistItemFormSet,
    FindingsForm,
    InspectionCreateForm,
    InspectionEditForm,
    InspectionFilterForm,
    SignForm,
)
from .models import FINDINGS, Answer, Checklist, ChecklistLayout, Inspection, InspectionAnswer, InspectionKind

PAGE_SIZE = 50
BLANK_ITEM_ROWS = 3


def _visible(request):
    return Inspection.objects.visible_to(request.user)


def _inspection_or_404(request, pk: int) -> Inspection:
    return get_object_or_404(
        _visible(request).select_related("enterprise__region", "department__region", "group", "checklist",
                                         "created_by"), pk=pk)


# --- the list -----------------------------------------------------------------------------------------------------

@login_required
def inspection_list(request):
    visible = _visible(request)
    query = list_query(request.GET)
    filterset = InspectionFilterSet(query, queryset=visible)
    queryset = filterset.qs if filterset.is_valid() else visible.none()
    q = (request.GET.get("q") or "").strip()
    if q:
        queryset = queryset.filter(enterprise__name__icontains=q)
    queryset = queryset.select_related("enterprise__region", "department", "group", "checklist").annotate(
        hazard_count=Count("hazards", distinct=True)).order_by("-inspected_on", "-id")
    paginator = Paginator(queryset, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "inspections/list.html", {
        "page": page, "paginator": paginator, "filter_errors": filterset.errors,
        "form": InspectionFilterForm(request.GET or None), "may_create": bool(services.inspection_kinds(request.user)),
        "filtered": any(v for k, v in request.GET.items() if k != "page"),
    })


# --- registering and editing --------------------------------------------------------------------------------------

@login_required
def inspection_create(request):
    if not services.inspection_kinds(request.user):
        raise NotAllowed("您无权登记检查：需要企业、部门或检查组的身份。")
    form = InspectionCreateForm(request.POST or None, user=request.user, initial=_create_initial(request))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                inspection = services.inspection_create(actor=request.user, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已登记检查，请逐项填写检查结果。")
            return redirect("inspections:detail", pk=inspection.pk)
    return render(request, "inspections/form.html", {"form": form, "title": "登记检查"})


def _create_initial(request) -> dict:
    initial = {}
    for key in ("enterprise", "checklist", "kind"):
        if request.GET.get(key):
            initial[key] = request.GET[key]
    return initial


@login_required
def inspection_edit(request, pk: int):
    inspection = _inspection_or_404(request, pk)
    if not services.may_edit_inspection(request.user, inspection):
        raise NotAllowed("只有登记该检查的企业、部门或检查组可以修改检查记录。")
    form = InspectionEditForm(request.POST or None, user=request.user, inspection=inspection)
    status = 200
    if inspection.signed_at is None and request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.inspection_update(actor=request.user, inspection=inspection, data=form.changes(),
                                           version=form.cleaned_data["version"])
        except StaleWrite as exc:
            form.add_error(None, exc.message)
            status = 409
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("inspections:detail", pk=inspection.pk)
    return render(request, "inspections/form.html", {"form": form, "title": "修改检查信息", "inspection": inspection},
                  status=status)


# --- the on-site page ---------------------------------------------------------------------------------------------

def _cards(request, inspection: Inspection, forms: dict | None = None) -> list[dict]:
    if inspection.checklist_id is None:
        return []
    answers = {a.item_id: a for a in inspection.answers.select_related("hazard")}
    may_answer = onsite.may_answer(request.user, inspection)
    chooses = onsite.chooses_major(inspection)
    return [_card(item, answers.get(item.pk), may_answer, chooses, (forms or {}).get(item.pk))
            for item in inspection.checklist.items.order_by("number")]


def _card(item, answer: InspectionAnswer | None, may_answer: bool, chooses_major: bool, form=None) -> dict:
    hazard = answer.hazard if answer is not None else None
    return {
        "item": item, "answer": answer, "hazard": hazard, "locked": hazard is not None,
        "may_answer": may_answer, "chooses_major": chooses_major, "form": form,
        "value": answer.answer if answer else (form.data.get("answer") if form is not None else ""),
        "major_default": "true" if item.major else "false",
        "hazard_major": hazard is not None and hazard.level == Level.MAJOR,
    }


def _page_context(request, inspection: Inspection, *, forms=None, findings_form=None, sign_form=None) -> dict:
    user = request.user
    cards = _cards(request, inspection, forms)
    answered = sum(1 for c in cards if c["answer"] is not None)
    signatures = list(inspection.signatures.select_related("user"))
    signed_ids = {s.user_id for s in signatures}
    unsigned = [u for u in inspection.inspectors.all() if u.pk not in signed_ids]
    may_edit = services.may_edit_inspection(user, inspection) and inspection.signed_at is None
    spot_check = inspection.kind != InspectionKind.SELF
    if findings_form is None and spot_check:
        findings_form = FindingsForm(initial={"version": inspection.version, "findings": inspection.findings,
                                              "note": inspection.note})
    roles = onsite.signing_roles(user, inspection)
    return {
        "inspection": inspection, "cards": cards, "answered": answered, "total": len(cards),
        "no_count": sum(1 for c in cards if c["value"] == Answer.NO and c["answer"] is not None),
        "hazards": list(inspection.hazards.select_related("sector").order_by("id")),
        "signatures": signatures, "unsigned": unsigned, "may_edit": may_edit, "spot_check": spot_check,
        "cross_checks": onsite.cross_check_findings(inspection) if spot_check else [],
        "findings_form": findings_form, "finding_labels": FINDINGS,
        "sign_roles": roles, "sign_form": sign_form or SignForm(initial={"version": inspection.version}),
        "detailed": inspection.checklist is not None and inspection.checklist.layout == ChecklistLayout.DETAILED,
    }


@login_required
def inspection_detail(request, pk: int):
    inspection = _inspection_or_404(request, pk)
    return render(request, "inspections/detail.html", _page_context(request, inspection))


@require_POST
@login_required
def answer(request, pk: int, item_pk: int):
    inspection = _inspection_or_404(request, pk)
    if inspection.checklist_id is None:
        raise Http404("该检查未选用检查清单。")
    item = get_object_or_404(inspection.checklist.items, pk=item_pk)
    if not services.may_edit_inspection(request.user, inspection):
        raise NotAllowed("只有实施该检查的企业、部门或检查组人员可以填写检查结果。")
    existing = inspection.answers.filter(item=item).select_related("hazard").first()
    form = AnswerForm(request.POST, request.FILES)
    saved = None
    if form.is_valid():
        try:
            with transaction.atomic():
                saved = onsite.answer_item(actor=request.user, inspection=inspection, item=item,
                                           **form.service_args(locked=bool(existing and existing.hazard_id)))
        except ValidationError as exc:
            _answer_errors(form, exc)
    if request.htmx:
        inspection.refresh_from_db()
        answer_row = inspection.answers.filter(item=item).select_related("hazard").first()
        card = _card(item, answer_row, onsite.may_answer(request.user, inspection), onsite.chooses_major(inspection),
                     None if saved else form)
        return _card_response(request, inspection, card, saved is not None)
    if saved is not None:
        if saved.hazard_id and (existing is None or existing.hazard_id is None):
            messages.success(request, f"第{item.number}项回答“否”，已登记隐患：{saved.hazard.title}")
        return redirect(reverse("inspections:detail", args=[inspection.pk]) + f"#item-{item.pk}")
    context = _page_context(request, inspection, forms={item.pk: form})
    return render(request, "inspections/detail.html", context, status=400)


def _card_response(request, inspection: Inspection, card: dict, saved: bool) -> HttpResponse:
    """The card, and with it the progress line and the hazard list (htmx out-of-band swaps)."""
    context = {"card": card, "inspection": inspection}
    html = render_to_string("inspections/detail.html#item-card", context, request=request)
    if saved:
        counts = inspection.answers.aggregate(answered=Count("id"), no=Count("id", filter=Q(answer=Answer.NO)))
        html += render_to_string("inspections/detail.html#progress", {
            "oob": True, "answered": counts["answered"], "no_count": counts["no"],
            "total": inspection.checklist.items.count()}, request=request)
        html += render_to_string("inspections/detail.html#hazard-list", {
            "oob": True, "hazards": list(inspection.hazards.order_by("id"))}, request=request)
    response = HttpResponse(html)
    if saved:
        response["HX-Trigger"] = "answer-saved"
    return response


def _answer_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@require_POST
@login_required
def findings(request, pk: int):
    inspection = _inspection_or_404(request, pk)
    if not services.may_edit_inspection(request.user, inspection):
        raise NotAllowed("只有实施该检查的部门或检查组人员可以填写抽查发现的问题。")
    form = FindingsForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            with transaction.atomic():
                services.inspection_update(actor=request.user, inspection=inspection,
                                           data={"findings": form.cleaned_data["findings"],
                                                 "note": form.cleaned_data["note"]},
                                           version=form.cleaned_data["version"])
        except StaleWrite as exc:
            form.add_error(None, exc.message)
            status = 409
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存抽查发现的问题。")
            return redirect(reverse("inspections:detail", args=[inspection.pk]) + "#findings")
    inspection.refresh_from_db()
    return render(request, "inspections/detail.html", _page_context(request, inspection, findings_form=form),
                  status=status)


@require_POST
@login_required
def sign(request, pk: int):
    inspection = _inspection_or_404(request, pk)
    form = SignForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            with transaction.atomic():
                onsite.sign_as_inspector(actor=request.user, inspection=inspection, role=form.cleaned_data["role"],
                                         version=form.cleaned_data["version"])
        except StaleWrite:
            form.add_error(None, "检查记录已被他人修改，请核对后再签名。")
            status = 409
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已签名。检查记录已锁定。")
            return redirect(reverse("inspections:detail", args=[inspection.pk]) + "#signatures")
    inspection.refresh_from_db()
    return render(request, "inspections/detail.html", _page_context(request, inspection, sign_form=form),
                  status=status)


@login_required
def inspection_export(request, pk: int):
    inspection = _inspection_or_404(request, pk)
    if inspection.checklist_id is None:
        raise Http404("该检查未选用检查清单。")
    content = workbook_bytes(checklist_xlsx.filled_workbook(inspection))
    return xlsx_response(content, checklist_xlsx.filename(inspection.checklist, inspection))


@login_required
def answer_photo(request, pk: int, answer_pk: int):
    inspection = _inspection_or_404(request, pk)
    row = get_object_or_404(InspectionAnswer, pk=answer_pk, inspection=inspection)
    if not row.photo:
        raise Http404("没有照片。")
    with row.photo.open("rb") as handle:
        kind = evidence_type(handle)
    return stored_file_response(row.photo, kind, row.photo.name.rsplit("/", 1)[-1])


# --- checklists ---------------------------------------------------------------------------------------------------

@login_required
def checklist_list(request):
    everything = request.GET.get("all") == "1"
    checklists = Checklist.objects.visible_to(request.user).select_related("sector", "department__region",
                                                                           "campaign")
    if not everything:
        checklists = checklists.filter(active=True)
    q = (request.GET.get("q") or "").strip()
    if q:
        checklists = checklists.filter(Q(name__icontains=q) | Q(source__icontains=q))
    checklists = checklists.annotate(item_count=Count("items", distinct=True),
                                     major_count=Count("items", filter=Q(items__major=True), distinct=True))
    shipped = [c for c in checklists.order_by("code", "-version") if c.department_id is None]
    own = [c for c in checklists.order_by("department_id", "code", "-version") if c.department_id is not None]
    return render(request, "inspections/checklist_list.html", {
        "shipped": shipped, "own": own, "everything": everything, "q": q,
        "may_write": checklist_services.may_write_checklists(request.user),
    })


def _checklist_or_404(request, pk: int) -> Checklist:
    return get_object_or_404(Checklist.objects.visible_to(request.user).select_related(
        "sector", "department__region", "campaign"), pk=pk)


@login_required
def checklist_detail(request, pk: int):
    checklist = _checklist_or_404(request, pk)
    versions = list(Checklist.objects.filter(code=checklist.code).order_by("-version")
                    .annotate(inspection_count=Count("inspections")))
    latest = versions[0]
    return render(request, "inspections/checklist_detail.html", {
        "checklist": checklist, "items": list(checklist.items.order_by("number")), "versions": versions,
        "is_latest": latest.pk == checklist.pk, "latest": latest,
        "may_revise": latest.pk == checklist.pk and checklist_services.may_revise(request.user, checklist),
        "may_write": checklist_services.may_write_checklists(request.user),
        "may_inspect": bool(services.inspection_kinds(request.user)) and checklist.active,
        "detailed": checklist.layout == ChecklistLayout.DETAILED,
    })


@login_required
def checklist_export(request, pk: int):
    checklist = _checklist_or_404(request, pk)
    return xlsx_response(workbook_bytes(checklist_xlsx.blank_workbook(checklist)), checklist_xlsx.filename(checklist))


def _item_initial(checklist: Checklist | None) -> list[dict]:
    if checklist is None:
        return []
    return [{"category": i.category, "focus": i.focus, "content": i.content, "major": i.major, "basis": i.basis}
            for i in checklist.items.order_by("number")]


HEADER_FIELDS = ("department", "name", "sector", "layout", "source", "campaign", "issued_on")
ITEM_FIELDS = ("category", "focus", "content", "major", "basis")


def _posted_rows(post) -> list[dict]:
    """The item rows as typed (for 增加行: shown again, not yet saved)."""
    try:
        total = int(post.get("items-TOTAL_FORMS", 0))
    except ValueError:
        total = 0
    rows = []
    for i in range(min(total, 300)):
        row = {f: post.get(f"items-{i}-{f}", "") for f in ITEM_FIELDS}
        row["major"] = row["major"] in ("on", "true", "1")
        if any(row[f] for f in ("category", "focus", "content", "basis")):
            rows.append(row)
    return rows


def _checklist_page(request, *, revising: Checklist | None, base: Checklist | None):
    """编制 (revising None; `base` prefills the items) or 修订 (a new version of `revising`)."""
    user = request.user
    adding = request.method == "POST" and "add_rows" in request.POST
    if request.method == "POST" and not adding:
        form = ChecklistForm(request.POST, user=user, revising=revising)
        items = ChecklistItemFormSet(request.POST, prefix="items")
    else:
        if adding:
            initial = {k: request.POST.get(k) for k in HEADER_FIELDS if request.POST.get(k)}
            rows = _posted_rows(request.POST)
        else:
            source = revising or base
            initial, rows = {}, _item_initial(source)
            if source is not None:
                initial = {"name": source.name if revising else f"{source.name}（本部门）",
                           "sector": source.sector_id, "layout": source.layout,
                           "source": source.source if revising else f"依据{source.source}",
                           "campaign": source.campaign_id if revising else None,
                           "issued_on": source.issued_on if revising else None}
        form = ChecklistForm(initial=initial, user=user, revising=revising)
        items = ChecklistItemFormSet(initial=rows + [{} for _ in range(BLANK_ITEM_ROWS)], prefix="items")
    if request.method == "POST" and not adding and form.is_valid() and items.is_valid():
        data = dict(form.cleaned_data)
        data["items"] = [f.cleaned_data for f in items.forms if f.cleaned_data]
        try:
            with transaction.atomic():
                if revising is None:
                    checklist = checklist_services.checklist_create(actor=user, data=data)
                else:
                    checklist = checklist_services.checklist_revise(actor=user, checklist=revising, data=data)
        except ValidationError as exc:
            errors = dict(exc.message_dict) if hasattr(exc, "error_dict") else {None: exc.messages}
            if "items" in errors:
                items._non_form_errors = items.error_class(errors.pop("items"))
            for field, field_errors in errors.items():
                form.add_error(field if field in form.fields else None, field_errors)
        else:
            if revising is not None and checklist.pk == revising.pk:
                messages.info(request, "内容没有变化，未生成新版本。")
            else:
                messages.success(request, f"已保存：{checklist}。")
            return redirect("inspections:checklist", pk=checklist.pk)
    return render(request, "inspections/checklist_form.html", {
        "form": form, "items": items, "revising": revising, "base": base,
        "title": f"修订清单（生成第{revising.version + 1}版）" if revising else "编制检查清单",
    })


@login_required
def checklist_create(request):
    if not checklist_services.may_write_checklists(request.user):
        raise NotAllowed("只有部门人员可以编制检查清单。")
    base = None
    if request.GET.get("from"):
        base = Checklist.objects.visible_to(request.user).filter(pk=request.GET["from"]).first()
    return _checklist_page(request, revising=None, base=base)


@login_required
def checklist_revise(request, pk: int):
    checklist = _checklist_or_404(request, pk)
    if not checklist_services.may_revise(request.user, checklist):
        raise NotAllowed(checklist_services.REVISE_REFUSAL)
    return _checklist_page(request, revising=checklist, base=None)
