""".xlsx imports as background jobs, the same for every register (enterprises, the hazard ledger): the upload
form, the job's work in the worker, and the three pages — upload (with the person's recent imports), the job
page with its progress (polled by htmx) and its row-by-row result, and the annotated workbook.

A register describes its import once as an `ImportFlow` (kind, task, labels, template, URL namespace) and
adds `urlpatterns(flow)` to its URLs. Its import function takes `(fileobj, *, actor,
progress)` and returns a result with `ok`, `errors` (RowError-like: row, column, message) and `annotated`."""
from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse

from .forms import BootstrapMixin
from .http import xlsx_response
from .middleware import client_ip
from .models import Job

ERRORS_KEPT = 500  # the job keeps the first of these; the annotated workbook carries them all
ERRORS_SHOWN = 50  # the job page lists the first of these


class XlsxUploadForm(BootstrapMixin, forms.Form):
    """One .xlsx file, checked for name, size and zip signature before it is stored."""

    file = forms.FileField(label="Excel 文件（.xlsx）", widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))

    def __init__(self, *args, label: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["file"].label = label

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("请上传 .xlsx 格式的 Excel 文件（可先下载导入模板）。")
        if f.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(f"文件过大：不能超过 {settings.IMPORT_MAX_BYTES // (1024 * 1024)} MB。")
        head = f.read(4)
        f.seek(0)
        if head != b"PK\x03\x04":
            raise forms.ValidationError("文件不是有效的 .xlsx 工作簿。")
        return f


@dataclass(frozen=True)
class ImportFlow:
    kind: str  # Job.kind
    task: object  # a django-tasks task taking the job id
    namespace: str  # URL namespace with "import", "import-template", "import-job", "import-annotated"
    title: str  # 导入企业
    section: str  # the breadcrumb above: 企业
    section_url: str  # its URL name: enterprises:list
    file_label: str  # the upload field's label
    template_label: str  # the template's link text
    help_template: str  # the steps shown above the upload form
    annotated_filename: str
    annotated_ascii: str
    summary: Callable[[dict], str]  # the job's result → “导入完成：……”
    done_label: str  # the link after a successful import (to section_url)
    may_import: Callable[[object], bool]
    refusal: str  # the 403 message for those who may not import
    template: Callable[[], bytes]  # the empty import template workbook
    template_filename: str
    template_ascii: str

    def url(self, name: str, *args) -> str:
        return reverse(f"{self.namespace}:{name}", args=args)

    def context(self, **extra) -> dict:
        try:
            section_url = reverse(self.section_url)
        except NoReverseMatch:  # the register's list page is not there (yet): no link
            section_url = ""
        return {"flow": self, "section_url": section_url, "import_url": self.url("import"),
                "template_url": self.url("import-template"), "job_url_name": f"{self.namespace}:import-job",
                **extra}


# ------------------------------------------------------------------------------------------------ the work

def run_import(job: Job, actor, progress, importer, counts: Callable[[object], dict]) -> tuple[bool, dict, str]:
    """A job's work (for `apps.core.jobs.run`): import the stored upload as `actor`, keep the annotated workbook
    if there is one, delete the upload, and summarise — `counts(result)` plus the errors."""
    with default_storage.open(job.input_name, "rb") as uploaded:
        result = importer(uploaded, actor=actor, progress=progress)
    output = ""
    if result.annotated:
        output = default_storage.save(f"imports/annotated/{job.pk}.xlsx", ContentFile(result.annotated))
    default_storage.delete(job.input_name)
    summary = {
        **counts(result),
        "error_count": len(result.errors),
        "errors": [[e.row, e.column, e.message] for e in result.errors[:ERRORS_KEPT]],
    }
    return result.ok, summary, output


# ----------------------------------------------------------------------------------------------- the pages

def upload_page(request, flow: ImportFlow):
    """Upload: the file is kept, a job is queued for the worker (after the commit), and the person follows it
    on the job page."""
    if not flow.may_import(request.user):
        raise PermissionDenied(flow.refusal)
    form = XlsxUploadForm(request.POST or None, request.FILES or None, label=flow.file_label)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        acting = getattr(request.user, "acting_membership", None)
        with transaction.atomic():
            job = Job.objects.create(
                kind=flow.kind, user=request.user, acting_membership_id=acting.pk if acting else None,
                ip=client_ip(request), input_label=upload.name[:255],
                input_name=default_storage.save(f"imports/uploads/{secrets.token_hex(16)}.xlsx", upload),
            )
            transaction.on_commit(lambda: flow.task.enqueue(job.pk))
        return redirect(flow.url("import-job", job.pk))
    recent = Job.objects.filter(user=request.user, kind=flow.kind)[:5]
    return render(request, "core/import.html", flow.context(form=form, recent=recent))


def own_job(request, flow: ImportFlow, pk: int) -> Job:
    """A person sees only the jobs they started (of this kind); a job cut off by a restart is reported."""
    job = get_object_or_404(Job, pk=pk, user=request.user, kind=flow.kind)
    job.mark_stale()
    return job


def job_page(request, flow: ImportFlow, pk: int):
    job = own_job(request, flow, pk)
    errors = job.result.get("errors", [])
    context = flow.context(
        job=job,
        job_url=flow.url("import-job", job.pk),
        annotated_url=flow.url("import-annotated", job.pk),
        summary=flow.summary(job.result) if job.status == "succeeded" else "",
        errors=errors[:ERRORS_SHOWN],
        more_errors=max(0, job.result.get("error_count", 0) - ERRORS_SHOWN),
    )
    template = "core/import_job.html#progress" if request.htmx else "core/import_job.html"
    return render(request, template, context)


def annotated_file(request, flow: ImportFlow, pk: int):
    job = own_job(request, flow, pk)
    if not job.output_name or not default_storage.exists(job.output_name):
        raise Http404("标注文件不存在或已过期，请重新导入。")
    with default_storage.open(job.output_name, "rb") as f:
        content = f.read()
    return xlsx_response(content, flow.annotated_filename, flow.annotated_ascii)


def template_file(request, flow: ImportFlow):
    return xlsx_response(flow.template(), flow.template_filename, flow.template_ascii)


def urlpatterns(flow: ImportFlow) -> list:
    """The four import URLs of a register, under its namespace: import, import-template, import-job,
    import-annotated."""
    def view(page):
        return login_required(functools.partial(page, flow=flow))

    return [
        path("import/", view(upload_page), name="import"),
        path("import/template/", view(template_file), name="import-template"),
        path("import/jobs/<int:pk>/", view(job_page), name="import-job"),
        path("import/jobs/<int:pk>/annotated/", view(annotated_file), name="import-annotated"),
    ]
