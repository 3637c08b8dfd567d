"""Background jobs (imports now, exports and reminders later): what a person started, how far it got, and
what it produced, so a page can show progress and a restart in the middle is reported, never silently lost."""
import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

# A running job that has not reported progress for this long was cut off (a worker restart, a crash).
STALE_AFTER = datetime.timedelta(minutes=2)


class JobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    SUCCEEDED = "succeeded", "已完成"
    FAILED = "failed", "未通过"
    INTERRUPTED = "interrupted", "已中断"


class Job(models.Model):
    kind = models.CharField("类别", max_length=32)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.CASCADE,
                             related_name="jobs")
    acting_membership_id = models.BigIntegerField("发起时的身份", null=True, blank=True)
    ip = models.CharField("来源地址", max_length=64, blank=True)
    status = models.CharField("状态", max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField("已处理", default=0)
    total = models.PositiveIntegerField("总量", default=0)
    input_name = models.CharField("上传文件", max_length=255, blank=True)
    input_label = models.CharField("文件名", max_length=255, blank=True)
    output_name = models.CharField("结果文件", max_length=255, blank=True)
    result = models.JSONField("结果", default=dict, blank=True)
    message = models.TextField("说明", blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField("最近进展", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "后台任务"

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} {self.get_status_display()}"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.INTERRUPTED)

    @property
    def percent(self) -> int:
        return 100 if self.finished else (int(100 * self.done / self.total) if self.total else 0)

    def mark_stale(self) -> bool:
        """Report a running job that stopped reporting as interrupted (the worker restarted under it)."""
        if self.status == JobStatus.RUNNING and self.heartbeat_at and timezone.now() - self.heartbeat_at > STALE_AFTER:
            Job.objects.filter(pk=self.pk, status=JobStatus.RUNNING).update(
                status=JobStatus.INTERRUPTED, finished_at=timezone.now(),
                message="任务在执行中被中断（服务重启或进程退出），数据未写入，请重新提交。",
            )
            self.refresh_from_db()
            return True
        return False


class Recorded(models.Model):
    """What every business record carries: its optimistic-lock `version` (a stale write answers 409) and who
    entered it when."""

    version = models.PositiveIntegerField("版本", default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        abstract = True
