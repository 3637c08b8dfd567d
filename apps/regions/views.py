"""The organisation directory: regions, departments and inspection groups. Every signed-in user may read it;
departments and groups are written by those allowed (apps.regions.permissions) through the services."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render

from apps.core.forms import add_service_errors
from apps.enterprises.models import Enterprise

from . import services
from .forms import AssignmentFormSet, DepartmentFilterForm, DepartmentForm, GroupForm, may_manage_some_organisation
from .models import Department, GroupAssignment, InspectionGroup, Region, SafetyOffice
from .permissions import can_manage_organisation
from .scope import today

PAGE_SIZE = 50


@login_required
def region_tree(request):
    """The tree down to townships, in code order (a region's code is a prefix of its children's, so code order
    is the tree's depth-first order)."""
    regions = Region.objects.visible_to(request.user).filter(level__lte=4).annotate(
        department_count=Count("departments")).order_by("code")
    return render(request, "regions/tree.html", {"regions": regions})


@login_required
def region_detail(request, code: str):
    region = get_object_or_404(Region.objects.visible_to(request.user), code=code)
    enterprise_count = Enterprise.objects.visible_to(request.user).filter(region__code__under=code).count()
    return render(request, "regions/region_detail.html", {
        "region": region,
        "ancestors": region.ancestors(),
        "children": region.children.order_by("code"),
        "departments": Department.objects.visible_to(request.user).filter(region=region).prefetch_related(
            "sectors").select_related("parent"),
        "office": SafetyOffice.objects.visible_to(request.user).filter(region=region).first(),
        "enterprise_count": enterprise_count,
        "may_manage": can_manage_organisation(request.user, region.code),
    })


@login_required
def department_list(request):
    departments = Department.objects.visible_to(request.user).select_related("region", "parent").prefetch_related(
        "sectors")
    form = DepartmentFilterForm(request.GET or None, user=request.user)
    if form.is_valid():
        if form.cleaned_data["region"]:
            departments = departments.filter(region__code__under=form.cleaned_data["region"])
        if form.cleaned_data["kind"]:
            departments = departments.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data["q"]:
            departments = departments.filter(name__icontains=form.cleaned_data["q"].strip())
    paginator = Paginator(departments.order_by("region_id", "name"), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "paginator": paginator,
               "may_create": may_manage_some_organisation(request.user)}
    template = "regions/department_list.html#results" if request.htmx else "regions/department_list.html"
    return render(request, template, context)


@login_required
def department_detail(request, pk: int):
    department = get_object_or_404(
        Department.objects.visible_to(request.user).select_related("region", "parent").prefetch_related("sectors"),
        pk=pk)
    return render(request, "regions/department_detail.html", {
        "department": department,
        "units": department.units.select_related("region").order_by("name"),
        "groups": department.led_groups.all(),
        "enterprise_count": Enterprise.objects.visible_to(request.user).filter(departments=department).count(),
        "may_manage": can_manage_organisation(request.user, department.region_id),
    })


@login_required
def department_edit(request, pk: int | None = None):
    if pk is None:
        if not may_manage_some_organisation(request.user):
            raise PermissionDenied("只有本级或上级安委办、系统管理员可以维护部门。")
        department = Department()
    else:
        department = get_object_or_404(Department.objects.visible_to(request.user), pk=pk)
        if not can_manage_organisation(request.user, department.region_id):
            raise PermissionDenied("只有本级或上级安委办、系统管理员可以维护部门。")
    initial = {"region": request.GET.get("region")} if pk is None and request.GET.get("region") else None
    form = DepartmentForm(request.POST or None, instance=department, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.department_save(actor=request.user, department=form.instance,
                                              sectors=list(form.cleaned_data["sectors"]))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已保存部门：{saved.name}")
            return redirect("regions:department", pk=saved.pk)
    return render(request, "regions/department_form.html", {"form": form, "department": department})


def _groups_with_details(user):
    return InspectionGroup.objects.visible_to(user).select_related("lead_department__region").prefetch_related(
        Prefetch("assignments", queryset=GroupAssignment.objects.select_related("region").order_by("start")),
        "memberships__user",
    )


@login_required
def group_list(request):
    groups = list(_groups_with_details(request.user))
    on = today()
    for group in groups:
        group.assignment_rows = [(a, a.start <= on <= a.end) for a in group.assignments.all()]
        group.active_now = any(active for _, active in group.assignment_rows)
        group.members = [m for m in group.memberships.all()]
        group.may_manage = can_manage_organisation(request.user, group.lead_department.region_id)
    return render(request, "regions/group_list.html", {
        "groups": groups, "today": on, "may_create": may_manage_some_organisation(request.user)})


@login_required
def group_edit(request, pk: int | None = None):
    if pk is None:
        if not may_manage_some_organisation(request.user):
            raise PermissionDenied("只有本级或上级安委办、系统管理员可以维护检查组。")
        group = InspectionGroup()
        initial = []
    else:
        group = get_object_or_404(InspectionGroup.objects.visible_to(request.user), pk=pk)
        if not can_manage_organisation(request.user, group.lead_department.region_id):
            raise PermissionDenied("只有本级或上级安委办、系统管理员可以维护检查组。")
        initial = [{"region": a.region, "start": a.start, "end": a.end} for a in group.assignments.all()]
    form = GroupForm(request.POST or None, instance=group, user=request.user)
    formset = AssignmentFormSet(request.POST or None, initial=initial, prefix="assignments",
                                form_kwargs={"user": request.user})
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        rows = [{"region": f.cleaned_data["region"], "start": f.cleaned_data["start"], "end": f.cleaned_data["end"]}
                for f in formset.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("region")]
        try:
            saved = services.group_save(actor=request.user, group=form.instance, assignments=rows)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已保存检查组：{saved.name}")
            return redirect("regions:groups")
    return render(request, "regions/group_form.html", {"form": form, "formset": formset, "group": group})


