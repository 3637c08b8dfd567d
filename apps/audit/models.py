from django.conf import settings
from django.db import models


class Action(models.TextChoices):
    CREATE = "create", "新增"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除"
    TRANSITION = "transition", "状态变更"
    BULK_CREATE = "bulk_create", "批量导入"
    READ_SECRET = "read_secret", "查看敏感信息"


class AuditEntry(models.Model):
    """One write, chained to the one before it by hash: editing or removing an entry breaks the chain."""

    seq = models.PositiveBigIntegerField("序号", unique=True)
    at = models.DateTimeField("时间")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL
    )
    username = models.CharField("操作人账号", max_length=150, blank=True)  # survives a deleted account
    ip = models.CharField("来源地址", max_length=64, blank=True)
    source = models.CharField("来源", max_length=16, blank=True)
    request_id = models.CharField("请求号", max_length=32, blank=True)
    action = models.CharField("操作", max_length=16, choices=Action.choices)
    model = models.CharField("对象类型", max_length=64)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-seq"]
        verbose_name = verbose_name_plural = "审计记录"
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.get_action_display()} {self.model} {self.object_repr}"


class AuditHead(models.Model):
    """The checkpoint of the chain: how many entries and the newest hash. Locked by every writer."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    count = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = verbose_name_plural = "审计链头"

    def __str__(self) -> str:
        return f"{self.count} 条，链尾 {self.last_hash[:12]}"
