"""The ledger's files: the .xlsx export of the filtered ledger, the .xlsx import (a background job, through
the import flow every register shares: apps/core/imports.py) with its template, and 附件6 as .docx."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404

from apps.core import imports
from apps.core.http import docx_response, xlsx_response

from . import services, tasks
from .filters import HazardFilterSet
from .models import Hazard
from .spreadsheet import export_hazards, hazard_template


def may_import(user) -> bool:
    """Whoever may report hazards of some source (the rows are then checked source by source)."""
    return bool(services.reportable_sources(user))


def _summary(result: dict) -> str:
    created, planned = result.get("created", 0), result.get("planned", 0)
    return f"导入完成：新增隐患 {created} 条，其中 {planned} 条含治理方案（整改中），{created - planned} 条待整改。"


IMPORT = imports.ImportFlow(
    kind=tasks.IMPORT_KIND, task=tasks.import_hazards_job, namespace="hazards", title="导入隐患台账",
    section="隐患台账", section_url="hazards:list", file_label="隐患台账（.xlsx）", template_label="隐患台账导入模板",
    help_template="hazards/files/import_help.html", annotated_filename="隐患台账导入错误标注.xlsx",
    annotated_ascii="hazard-import-errors.xlsx", summary=_summary, done_label="查看隐患台账",
    may_import=may_import, refusal="您无权导入隐患：只有企业、监管部门、检查组或安委办人员可以登记隐患。",
    template=hazard_template, template_filename="隐患台账导入模板.xlsx", template_ascii="hazard-template.xlsx",
)


@login_required
def hazard_export(request):
    """The visible ledger narrowed by the list's query string, exactly as the list and the API narrow it."""
    visible = Hazard.objects.visible_to(request.user)
    filterset = HazardFilterSet(request.GET, queryset=visible)
    queryset = filterset.qs if filterset.is_valid() else visible.none()

    return xlsx_response(export_hazards(queryset), "隐患台账.xlsx", "hazards.xlsx")



@login_required
def hazard_docx(request, pk: int):
    """附件6 for one hazard: only for those who see it (404 for everyone else)."""
    hazard = get_object_or_404(
        Hazard.objects.visible_to(request.user).select_related("enterprise", "region", "sector", "department"),
        pk=pk,
    )
    from .docx import docx_filename, hazard_docx

    return docx_response(hazard_docx(hazard), docx_filename(hazard), f"hazard-{hazard.pk}.docx")
