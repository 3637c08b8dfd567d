"""提醒 (issue 8): what needs a person — hazards near and past their deadlines, listings near theirs, acceptances
waiting, closure reports due, reports due and missing, the enterprise duties of the current period. Each alert
belongs to one user and carries a stable `key` (kind, object, period), unique per user, so that the daily job
(`services.run_daily`) creating the same alert twice creates it once. `AlertRun` is one row per day: inserting it
is the lock that lets the job run once a day however often it is started."""
from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    HAZARD_DUE = "hazard_due", "隐患整改期限将至"
    HAZARD_OVERDUE = "hazard_overdue", "隐患逾期未整改"
    LISTING_DUE = "listing_due", "挂牌督办期限将至"
    ACCEPTANCE_WAITING = "acceptance_waiting", "隐患待验收"
    CLOSURE_REPORT_DUE = "closure_report_due", "销号情况待上报"
    REPORT_DUE = "report_due", "报表即将到期"
    REPORT_MISSING = "report_missing", "报表逾期未报"
    DUTY_DUE = "duty_due", "企业履职待完成"


class Alert(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE,
                             related_name="alerts")
    kind = models.CharField("类别", max_length=32, choices=Kind.choices)
    key = models.CharField("去重键", max_length=200,
                           help_text="类别:对象:时段，如 hazard-overdue:123:2026-11-24；同一接收人同一键只提醒一次")
    title = models.CharField("标题", max_length=300)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    created_on = models.DateField("提醒日期", help_text="产生该提醒的每日任务的日期")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_on", "-id"]
        verbose_name = verbose_name_plural = "提醒"
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="alert_unique_user_key")]
        indexes = [
            models.Index(fields=["user", "read_at"], name="alert_user_read"),
            models.Index(fields=["created_on", "emailed_at"], name="alert_day_emailed"),
            models.Index(fields=["key"], name="alert_key"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def unread(self) -> bool:
        return self.read_at is None


class AlertRun(models.Model):
    """One run of the daily job per day. The unique `day` is the lock: a second start finds the row and does
    nothing; a run cut off in the middle (no heartbeat for `services.STALE_AFTER`) is resumed by the next start."""

    day = models.DateField("日期", unique=True)
    started_at = models.DateTimeField("开始时间")
    heartbeat_at = models.DateTimeField("最近进展")
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("启动次数", default=1)
    counts = models.JSONField("统计", default=dict, blank=True)

    class Meta:
        ordering = ["-day"]
        verbose_name = verbose_name_plural = "每日提醒任务"

    def __str__(self) -> str:
        return f"{self.day} 提醒任务"

    @property
    def finished(self) -> bool:
        return self.finished_at is not None
