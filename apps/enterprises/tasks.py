"""Background work of the enterprise registry: the .xlsx import runs in the worker, off the request."""
from django_tasks import task

from apps.core import imports, jobs

IMPORT_KIND = "enterprise_import"


def _import(job, actor, progress):
    from .spreadsheet import import_enterprises

    return imports.run_import(job, actor, progress, import_enterprises,
                              counts=lambda result: {"created": result.created, "updated": result.updated})


@task()
def import_enterprises_job(job_id: int) -> None:
    jobs.run(job_id, _import)
