"""The enterprise pages: list (filtered by EnterpriseFilterSet, like the API and the export), detail with
外包外租, create / edit through the services, .xlsx import and export."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.core import imports
from apps.core.errors import StaleWrite
from apps.core.forms import add_service_errors
from apps.core.http import xlsx_response
from apps.regions.permissions import can_write_enterprise

from . import services, tasks
from .filters import EnterpriseFilterSet
from .forms import ContractorForm, EnterpriseFilterForm, EnterpriseForm, may_write_some_enterprise
from .models import Contractor, Enterprise
from .spreadsheet import enterprise_template, export_enterprises

PAGE_SIZE = 50


def _visible(request):
    return Enterprise.objects.visible_to(request.user)


def _filtered(request):
    """The visible enterprises narrowed by the query string, exactly as the API and the export narrow them."""
    filterset = EnterpriseFilterSet(request.GET, queryset=_visible(request))
    return filterset, filterset.qs


def _may_write(user, enterprise: Enterprise) -> bool:
    return can_write_enterprise(
        user, enterprise.region_id,
        [link.department_id for link in enterprise.department_links.all()],
        [link.sector_id for link in enterprise.sector_links.all()],
    )


@login_required
def enterprise_list(request):
    visible = _visible(request)
    filterset, queryset = _filtered(request)
    if not filterset.is_valid():
        queryset = visible.none()
    queryset = queryset.select_related("region").prefetch_related("sector_links__sector")
    paginator = Paginator(queryset, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "page": page,
        "paginator": paginator,
        "filter_errors": filterset.errors,
        "form": EnterpriseFilterForm(request.GET or None, user=request.user, visible=visible),
        "may_create": may_write_some_enterprise(request.user),
        "filtered": any(v for k, v in request.GET.items() if k != "page"),
    }
    template = "enterprises/list.html#results" if request.htmx and not request.htmx.boosted else "enterprises/list.html"
    return render(request, template, context)


@login_required
def enterprise_export(request):
    filterset, queryset = _filtered(request)
    if not filterset.is_valid():
        queryset = _visible(request).none()

    return xlsx_response(export_enterprises(queryset), "企业名单.xlsx", "enterprises.xlsx")


@login_required
def enterprise_detail(request, pk: int):
    enterprise = get_object_or_404(
        _visible(request).select_related("region").prefetch_related("sector_links__sector",
                                                                    "department_links__department__region"),
        pk=pk,
    )
    contractors = list(enterprise.contractors.all())
    return render(request, "enterprises/detail.html", {
        "enterprise": enterprise,
        "sectors": [link.sector for link in enterprise.sector_links.all()],
        "departments": [link.department for link in enterprise.department_links.all()],
        "contractors": contractors,
        "disorderly_count": sum(1 for c in contractors if c.disorderly),
        "may_write": _may_write(request.user, enterprise),
        "region_chain": enterprise.region.ancestors(include_self=True),
    })


@login_required
def enterprise_create(request):
    if not may_write_some_enterprise(request.user):
        raise PermissionDenied("您无权登记企业：只有安委办、监管部门或系统管理员可以登记企业。")
    form = EnterpriseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.enterprise_create(
                actor=request.user, data=form.service_data(), sectors=form.ordered_sectors(),
                departments=list(form.cleaned_data["departments"]),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已登记企业：{enterprise.name}")
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(request, "enterprises/form.html", {"form": form, "enterprise": None})


@login_required
def enterprise_edit(request, pk: int):
    enterprise = get_object_or_404(_visible(request), pk=pk)
    if not _may_write(request.user, enterprise):
        raise PermissionDenied("您无权修改该企业：企业须在您的管辖区域内，且由您的部门监管。")
    # The form works on its own copy: the service compares against the record as stored.
    form = EnterpriseForm(request.POST or None, instance=Enterprise.objects.get(pk=pk), user=request.user)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.enterprise_update(
                actor=request.user, enterprise=enterprise, data=form.service_data(),
                version=form.cleaned_data["version"], sectors=form.ordered_sectors(),
                departments=list(form.cleaned_data["departments"]),
            )
        except StaleWrite as exc:
            form.add_error(None, exc.message)
            status = 409
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("enterprises:detail", pk=pk)
    return render(request, "enterprises/form.html", {"form": form, "enterprise": enterprise}, status=status)


def _writable_enterprise(request, pk: int) -> Enterprise:
    enterprise = get_object_or_404(_visible(request), pk=pk)
    if not _may_write(request.user, enterprise):
        raise PermissionDenied("您无权维护该企业的外包外租信息。")
    return enterprise


@login_required
def contractor_edit(request, pk: int, contractor_pk: int | None = None):
    enterprise = _writable_enterprise(request, pk)
    contractor = (get_object_or_404(Contractor, pk=contractor_pk, enterprise=enterprise) if contractor_pk
                  else Contractor(enterprise=enterprise))
    form = ContractorForm(request.POST or None, instance=contractor)
    if request.method == "POST" and form.is_valid():
        try:
            services.contractor_save(actor=request.user, contractor=form.instance)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已保存外包外租单位：{form.instance.name}")
            return redirect(reverse("enterprises:detail", args=[pk]) + "#contractors")
    return render(request, "enterprises/contractor_form.html",
                  {"form": form, "enterprise": enterprise, "contractor": contractor})


@require_POST
@login_required
def contractor_delete(request, pk: int, contractor_pk: int):
    enterprise = _writable_enterprise(request, pk)
    contractor = get_object_or_404(Contractor, pk=contractor_pk, enterprise=enterprise)
    services.contractor_delete(actor=request.user, contractor=contractor)
    messages.success(request, f"已删除外包外租单位：{contractor.name}")
    return redirect(reverse("enterprises:detail", args=[pk]) + "#contractors")


IMPORT = imports.ImportFlow(
    kind=tasks.IMPORT_KIND, task=tasks.import_enterprises_job, namespace="enterprises", title="导入企业",
    section="企业", section_url="enterprises:list", file_label="企业信息表（.xlsx）", template_label="企业信息导入模板",
    help_template="enterprises/import_help.html", annotated_filename="企业导入错误标注.xlsx",
    annotated_ascii="import-errors.xlsx",
    summary=lambda result: f"导入完成：新增 {result.get('created', 0)} 家，更新 {result.get('updated', 0)} 家。",
    done_label="查看企业名录", may_import=may_write_some_enterprise,
    refusal="您无权导入企业：只有安委办、监管部门或系统管理员可以导入企业。",
    template=enterprise_template, template_filename="企业信息导入模板.xlsx", template_ascii="enterprise-template.xlsx",
)

