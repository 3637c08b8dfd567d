"""Running a Job's work: progress reporting, the actor as they were when they started it, and the outcome."""
from collections.abc import Callable

from django.utils import timezone

from .context import acting_from
from .models import Job, JobStatus


def progress_reporter(job: Job) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        Job.objects.filter(pk=job.pk).update(done=done, total=total, heartbeat_at=timezone.now())

    return report


def actor_of(job: Job):
    """The user who started the job, narrowed to the membership they were acting for then."""
    user = job.user
    if job.acting_membership_id:
        user.acting_membership = user.memberships.filter(pk=job.acting_membership_id).first()
    return user


def run(job_id: int, work: Callable[[Job, object, Callable[[int, int], None]], tuple[bool, dict, str]]) -> None:
    """Run `work(job, actor, progress)` for a queued job; it returns (ok, result, output_name). A job that is
    not queued any more (run twice, cancelled) is left alone."""
    started = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now()
    )
    if not started:
        return
    job = Job.objects.select_related("user").get(pk=job_id)
    try:
        with acting_from(ip=job.ip, source="web"):
            ok, result, output_name = work(job, actor_of(job), progress_reporter(job))
    except Exception as exc:  # reported on the job page instead of vanishing in a worker log
        Job.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED, finished_at=timezone.now(), message=f"处理失败：{exc}"
        )
        raise
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.SUCCEEDED if ok else JobStatus.FAILED, finished_at=timezone.now(), result=result,
        output_name=output_name or "",
    )
