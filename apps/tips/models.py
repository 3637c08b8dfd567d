"""举报 (DESIGN.md "Tip"; API.md `tips/`, `public/tips/`). The reporter's name and phone are stored only as
Fernet tokens (`crypto.py`, key from the environment); no API answer carries them, and every read in the
interface is audited."""
import uuid

from django.db import models
from django.db.models import Q

from apps.enterprises.models import Enterprise
from apps.hazards.models import Hazard
from apps.regions.models import Department, Region
from apps.regions.scope import visible


class TipStatus(models.TextChoices):
    RECEIVED = "received", "已受理"
    TRIAGED = "triaged", "已分办"
    VERIFIED = "verified", "查实"
    UNFOUNDED = "unfounded", "不属实"


class TipQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A safety office (and discipline) sees the tips of its subtree; a department those triaged to it
        (D*). Enterprises never see tips."""
        return visible(self, user, lambda scope: scope.region_q("region", scope.region_codes)
                       | Q(department_id__in=list(scope.department_ids)))


class Tip(models.Model):
    receipt = models.CharField("回执码", max_length=32, unique=True)
    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="tips",
                               help_text="关联企业后为企业所在区划，否则为举报人选择的区划")
    enterprise = models.ForeignKey(Enterprise, verbose_name="被举报企业", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="tips")
    enterprise_name = models.CharField("被举报单位名称", max_length=200, blank=True)
    place = models.CharField("地点", max_length=200, blank=True)
    description = models.TextField("举报内容")
    anonymous = models.BooleanField("匿名举报", default=True)
    reporter_name_token = models.TextField("举报人姓名（密文）", blank=True, editable=False)
    reporter_phone_token = models.TextField("举报人电话（密文）", blank=True, editable=False)
    received_on = models.DateField("受理日期")
    department = models.ForeignKey(Department, verbose_name="承办部门", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="tips")
    triaged_on = models.DateField("分办日期", null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=TipStatus.choices, default=TipStatus.RECEIVED)
    verified_on = models.DateField("核查日期", null=True, blank=True)
    verification_reason = models.TextField("核查说明", blank=True)
    hazard = models.ForeignKey(Hazard, verbose_name="形成隐患", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="tips")
    reward_amount = models.DecimalField("奖励金额（万元）", max_digits=12, decimal_places=4, null=True, blank=True)
    rewarded_on = models.DateField("奖励日期", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)

    objects = TipQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = verbose_name_plural = "举报"
        permissions = [("view_reporter_identity", "可查看举报人身份")]
        indexes = [
            models.Index(fields=["department", "rewarded_on"]),
            models.Index(fields=["region", "status"]),
        ]
        constraints = [
            models.CheckConstraint(name="reward_needs_verification",
                                   condition=Q(rewarded_on__isnull=True) | Q(status=TipStatus.VERIFIED)),
        ]

    def __str__(self) -> str:
        return f"举报 {self.receipt}"


def tip_photo_path(instance: "TipPhoto", filename: str) -> str:
    """A random stored name: the reporter's own file name never reaches the storage (it may name them)."""
    extension = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}.get(instance.content_type, "bin")
    return f"tips/{uuid.uuid4().hex}.{extension}"


class TipPhoto(models.Model):
    """A photo sent with a tip from the public form (at most 5, each ≤ 10 MB, JPG/PNG/WebP by its first bytes:
    services.photo_problems). Served only through the scoped page view, to staff who see the tip. `name` is a
    neutral one (照片1.jpg …), never the reporter's file name."""

    tip = models.ForeignKey(Tip, verbose_name="举报", on_delete=models.CASCADE, related_name="photos")
    file = models.FileField("文件", upload_to=tip_photo_path)
    name = models.CharField("名称", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")

    class Meta:
        ordering = ["tip", "id"]
        verbose_name = verbose_name_plural = "举报照片"

    def __str__(self) -> str:
        return self.name
