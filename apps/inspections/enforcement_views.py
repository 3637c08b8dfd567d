"""The enforcement pages (DESIGN.md "Enforcement"): the list of 执法措施 with its filters and 一案双罚 badges, the
action's page, its form, the case page (one 执法部门 + 案件编号), 责任倒查问责 with the 约谈通报 of regions and
departments, and the repeat offenders (屡查屡犯) the platform finds.

Every list is `visible_to` the acting membership (a record outside it answers 404). The services are the authority
on every write: a ValidationError goes back on the form beside the field it names, a NotAllowed (a
PermissionDenied) shows the 403 page with its message, a StaleWrite answers 409 with the input kept. Opening a form
the person could never submit answers 403 at once."""
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from apps.core.errors import NotAllowed, StaleWrite
from apps.core.forms import add_service_errors
from apps.core.http import list_query
from apps.hazards.models import Hazard
from apps.hazards.services import acting_memberships, is_admin, penalty_waived
from apps.regions.scope import ENTERPRISE
from apps.work.models import Activity, ActivityKind

from . import services
from .cases import case_key, dual_cases, dual_keys, wan
from .enforcement_forms import (
    AccountabilityFilterForm,
    AccountabilityForm,
    ActionFilterForm,
    ActionForm,
    initial_from,
    may_create_action,
    may_edit_action,
    may_keep_accountability,
)
from .filters import AccountabilityFilterSet, EnforcementActionFilterSet
from .models import Accountability, EnforcementAction
from .repeat import find_repeat_offenders

PAGE_SIZE = 50


def show_errors(form, error: ValidationError) -> None:
    """A service's ValidationError on the form, the fields it names marked invalid as the form's own are."""
    add_service_errors(form, error)
    for name in form.errors:
        if name in form.fields:
            widget = form.fields[name].widget
            if "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
            widget.attrs["aria-invalid"] = "true"


def _visible_actions(request):
    return EnforcementAction.objects.visible_to(request.user)


def case_url(department_id: int, case_no: str) -> str:
    return f"{reverse('enforcement:case', args=[department_id])}?{urlencode({'no': case_no})}"


def _decorate(actions) -> list:
    """Each action with its case's link and 一案双罚 status (one query for the whole page)."""
    actions = list(actions)
    duals = dual_keys(case_key(a) for a in actions)
    for a in actions:
        key = case_key(a)
        a.case_dual = key in duals
        a.case_url = case_url(*key) if key else ""
        a.amount_text = wan(a.amount)
    return actions


# --- 执法措施 ---------------------------------------------------------------------------------------------------

@login_required
def action_list(request):
    visible = _visible_actions(request)
    filterset = EnforcementActionFilterSet(list_query(request.GET), queryset=visible)
    queryset = filterset.qs if filterset.is_valid() else visible.none()
    queryset = queryset.select_related("enterprise__region", "department__region", "hazard")
    paginator = Paginator(queryset, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "enforcement/list.html", {
        "page": page, "paginator": paginator, "actions": _decorate(page.object_list),
        "filter_errors": filterset.errors, "form": ActionFilterForm(request.GET or None, visible=visible),
        "may_create": may_create_action(request.user),
        "filtered": any(v for k, v in request.GET.items() if k != "page"),
    })


def _action_or_404(request, pk: int) -> EnforcementAction:
    return get_object_or_404(_visible_actions(request).select_related(
        "enterprise__region", "department__region", "hazard", "inspection__department", "created_by"), pk=pk)


@login_required
def action_detail(request, pk: int):
    action = _action_or_404(request, pk)
    action.amount_text = wan(action.amount)
    key = case_key(action)
    return render(request, "enforcement/detail.html", {
        "action": action, "case_dual": key in dual_keys([key]) if key else False,
        "case_url": case_url(*key) if key else "",
        "may_edit": may_edit_action(request.user, action),
        "hazard_waived": action.hazard is not None and penalty_waived(action.hazard),
    })


def _action_form(request, instance: EnforcementAction | None):
    user = request.user
    if request.method == "POST":
        form = ActionForm(request.POST, user=user, instance=instance)
    else:
        form = ActionForm(user=user, instance=instance,
                          initial=initial_from(request.GET, refresh="refresh" in request.GET))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                if instance is None:
                    action = services.action_create(actor=user, data=form.service_data())
                else:
                    action = services.action_update(actor=user, action=instance, data=form.service_data(),
                                                    version=form.cleaned_data.get("version"))
        except StaleWrite as exc:
            form.add_error(None, exc.message)
            status = 409
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            done = "登记" if instance is None else "修改"
            messages.success(request, f"已{done}执法措施：{action.get_kind_display()}。")
            return redirect("enforcement:detail", pk=action.pk)
    return render(request, "enforcement/form.html", {"form": form, "instance": instance}, status=status)


@login_required
def action_create(request):
    if not may_create_action(request.user):
        raise NotAllowed("只有执法部门人员可以登记执法措施。")
    return _action_form(request, None)


@login_required
def action_edit(request, pk: int):
    action = _action_or_404(request, pk)
    if not may_edit_action(request.user, action):
        raise NotAllowed("只有作出该执法措施的部门可以修改。")
    return _action_form(request, action)


@login_required
def case_detail(request, department_id: int):
    """One case: the actions one department decided under one case number (those the viewer sees)."""
    case_no = (request.GET.get("no") or "").strip()
    if not case_no:
        raise Http404("请指定案件编号。")
    actions = list(_visible_actions(request).filter(department_id=department_id, case_no=case_no)
                   .select_related("enterprise__region", "department__region", "hazard").order_by("decided_on", "pk"))
    if not actions:
        raise Http404("没有这个案件，或不在您的可见范围内。")
    for a in actions:
        a.amount_text = wan(a.amount)
    summary = dual_cases(EnforcementAction.objects.filter(pk__in=[a.pk for a in actions]))[0]
    return render(request, "enforcement/case.html", {
        "department": actions[0].department, "case_no": case_no, "actions": actions, "case": summary,
        "enterprises": list({a.enterprise_id: a.enterprise for a in actions}.values()),
        "may_create": may_create_action(request.user) and may_edit_action(request.user, actions[0]),
    })


# --- 屡查屡犯 -------------------------------------------------------------------------------------------------

def _may_see_repeat(user) -> bool:
    """Regulators: departments, safety offices, discipline, inspection groups (not enterprises)."""
    memberships = acting_memberships(user)
    return is_admin(user) or any(m.kind != ENTERPRISE for m in memberships)


@login_required
def repeat_offenders(request):
    if not _may_see_repeat(request.user):
        raise NotAllowed("屡查屡犯企业由监管部门、安委办、纪委监委和检查组查看。")
    findings = find_repeat_offenders(Hazard.objects.visible_to(request.user))
    may_create = may_create_action(request.user)
    for f in findings:
        for p in f.proposals:
            p.url = (f"{reverse('enforcement:create')}?" + urlencode(dict(
                enterprise=f.enterprise.pk, kind=p.kind, hazard=f.hazard.pk, note=p.reason))) if may_create else ""
    return render(request, "enforcement/repeat.html", {
        "findings": findings, "may_create": may_create,
        "enterprise_count": len({f.enterprise.pk for f in findings}),
    })


# --- 责任倒查问责 ---------------------------------------------------------------------------------------------

@login_required
def accountability_list(request):
    user = request.user
    if not may_keep_accountability(user):
        raise NotAllowed("责任倒查问责由安委办、纪委监委办理和查看。")
    visible = Accountability.objects.visible_to(user)
    filterset = AccountabilityFilterSet(list_query(request.GET), queryset=visible)
    queryset = filterset.qs if filterset.is_valid() else visible.none()
    queryset = queryset.select_related("region", "department", "hazard", "inspection__enterprise")
    paginator = Paginator(queryset, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = [(item, is_admin(user) or services.may_hold_accountable(user, item.region_id))
            for item in page.object_list]
    notices = (Activity.objects.visible_to(user).filter(kind=ActivityKind.SUMMONS_NOTICE)
               .select_related("region", "department").order_by("-occurred_on", "-pk"))
    return render(request, "enforcement/accountability_list.html", {
        "page": page, "paginator": paginator, "rows": rows, "filter_errors": filterset.errors,
        "form": AccountabilityFilterForm(request.GET or None),
        "filtered": any(v for k, v in request.GET.items() if k != "page"),
        "notices": notices[:10], "notice_count": notices.count(),
    })


def _accountability_form(request, instance: Accountability | None):
    user = request.user
    if request.method == "POST":
        form = AccountabilityForm(request.POST, user=user, instance=instance)
    else:
        form = AccountabilityForm(user=user, instance=instance, initial=initial_from(request.GET, AccountabilityForm))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                if instance is None:
                    services.accountability_create(actor=user, data=form.service_data())
                else:
                    services.accountability_update(actor=user, item=instance, data=form.service_data(),
                                                   version=form.cleaned_data.get("version"))
        except StaleWrite as exc:
            form.add_error(None, exc.message)
            status = 409
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, f"已{'登记' if instance is None else '修改'}责任倒查问责。")
            return redirect("enforcement:accountability")
    return render(request, "enforcement/accountability_form.html", {"form": form, "instance": instance},
                  status=status)


@login_required
def accountability_create(request):
    if not may_keep_accountability(request.user):
        raise NotAllowed("只有安委办、纪委监委可以登记责任倒查问责。")
    return _accountability_form(request, None)


@login_required
def accountability_edit(request, pk: int):
    item = get_object_or_404(Accountability.objects.visible_to(request.user).select_related("region"), pk=pk)
    if not (is_admin(request.user) or services.may_hold_accountable(request.user, item.region_id)):
        raise NotAllowed("只有该地区或上级的安委办、纪委监委可以修改责任倒查问责。")
    return _accountability_form(request, item)
