"""Background work of the enterprise registry: the .xlsx import runs in the worker, off the request."""
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django_tasks import task

from apps.core import jobs

ERRORS_KEPT = 500  # the job page lists the first of these; the annotated workbook carries them all

IMPORT_KIND = "enterprise_import"


def _import(job, actor, progress):
    from .spreadsheet import import_enterprises

    with default_storage.open(job.input_name, "rb") as uploaded:
        result = import_enterprises(uploaded, actor=actor, progress=progress)
    output = ""
    if result.annotated:
        output = default_storage.save(f"imports/annotated/{job.pk}.xlsx", ContentFile(result.annotated))
    default_storage.delete(job.input_name)
    summary = {
        "created": result.created,
        "updated": result.updated,
        "error_count": len(result.errors),
        "errors": [[e.row, e.column, e.message] for e in result.errors[:ERRORS_KEPT]],
    }
    return result.ok, summary, output


@task()
def import_enterprises_job(job_id: int) -> None:
    jobs.run(job_id, _import)
