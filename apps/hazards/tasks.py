"""Background work of the hazard ledger: the .xlsx import runs in the worker, off the request."""
from django_tasks import task

from apps.core import imports, jobs

IMPORT_KIND = "hazard_import"


def _import(job, actor, progress):
    from .spreadsheet import import_hazards

    return imports.run_import(job, actor, progress, import_hazards,
                              counts=lambda result: {"created": result.created, "planned": result.planned})


@task()
def import_hazards_job(job_id: int) -> None:
    jobs.run(job_id, _import)
