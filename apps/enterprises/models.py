"""The registry of enterprises (企业; also schools, hospitals, shops: 各类生产经营场所)."""
from django.db import models

from apps.core.uscc import validate_uscc
from apps.regions.models import Department, Region, Sector
from apps.regions.scope import visible


class EnterpriseQuerySet(models.QuerySet):
    def visible_to(self, user):
        return visible(self, user, lambda scope: scope.enterprise_q())


class EnterpriseState(models.TextChoices):
    OPERATING = "operating", "在业"
    SUSPENDED = "suspended", "停产整顿"
    CLOSED = "closed", "关闭"


FLAGS = {
    "high_risk": "高危行业",
    "state_owned": "国有企业",
    "above_scale": "规上企业",
    "labour_intensive": "劳动密集型企业",
    "crowded_place": "人员密集场所",
    "key_supervision": "重点监管",
    "city_direct": "市直部门直管",
}


class Enterprise(models.Model):
    name = models.CharField("企业名称", max_length=200, db_index=True)
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True, validators=[validate_uscc])
    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="enterprises")
    address = models.CharField("联系地址", max_length=200, blank=True)
    sectors = models.ManyToManyField(Sector, verbose_name="行业领域", through="EnterpriseSector",
                                     related_name="enterprises")
    departments = models.ManyToManyField(Department, verbose_name="主管部门", through="EnterpriseDepartment",
                                         related_name="enterprises")
    legal_representative = models.CharField("法定代表人", max_length=50, blank=True)
    principal_name = models.CharField("主要负责人", max_length=50, blank=True)
    principal_phone = models.CharField("主要负责人电话", max_length=32, blank=True)
    high_risk = models.BooleanField(FLAGS["high_risk"], default=False)
    state_owned = models.BooleanField(FLAGS["state_owned"], default=False)
    above_scale = models.BooleanField(FLAGS["above_scale"], default=False)
    labour_intensive = models.BooleanField(FLAGS["labour_intensive"], default=False)
    crowded_place = models.BooleanField(FLAGS["crowded_place"], default=False)
    key_supervision = models.BooleanField(FLAGS["key_supervision"], default=False)
    city_direct = models.BooleanField(FLAGS["city_direct"], default=False,
                                      help_text="市直部门直管的企业，隐患销号时跳过县级签字（许昌 附件6）")
    state = models.CharField("经营状态", max_length=16, choices=EnterpriseState.choices,
                             default=EnterpriseState.OPERATING)
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = verbose_name_plural = "企业"
        indexes = [models.Index(fields=["region", "state"])]

    def __str__(self) -> str:
        return self.name

    def ordered_sector_codes(self) -> list[str]:
        return list(self.sector_links.order_by("order").values_list("sector_id", flat=True))

    @property
    def main_sector(self):
        link = self.sector_links.order_by("order").select_related("sector").first()
        return link.sector if link else None

    def flag_labels(self) -> list[str]:
        return [label for name, label in FLAGS.items() if getattr(self, name)]


class EnterpriseSector(models.Model):
    """The enterprise's sectors, ordered: the first is the main sector (API.md)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="sector_links")
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="enterprise_links")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "sector"], name="enterprise_sector_once")]
        indexes = [models.Index(fields=["sector", "enterprise"])]

    def __str__(self) -> str:
        return f"{self.enterprise_id}:{self.sector_id}"


class EnterpriseDepartment(models.Model):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="department_links")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="enterprise_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enterprise", "department"], name="enterprise_department_once")]
        indexes = [models.Index(fields=["department", "enterprise"])]

    def __str__(self) -> str:
        return f"{self.enterprise_id}:{self.department_id}"


class ContractKind(models.TextChoices):
    OUTSOURCE = "outsource", "外包"
    LEASE = "lease", "外租"
    ENTRUST = "entrust", "委托"
    COOPERATE = "cooperate", "合作"


class Contractor(models.Model):
    """外包外租: who, for what, whether a safety agreement is signed and the qualification held."""

    enterprise = models.ForeignKey(Enterprise, verbose_name="发包/出租企业", on_delete=models.CASCADE,
                                   related_name="contractors")
    name = models.CharField("承包/承租方名称", max_length=200)
    uscc = models.CharField("承包/承租方统一社会信用代码", max_length=18, blank=True, validators=[validate_uscc])
    kind = models.CharField("方式", max_length=16, choices=ContractKind.choices, default=ContractKind.OUTSOURCE)
    scope = models.CharField("外包外租的项目或场所", max_length=200)
    safety_agreement = models.BooleanField("已签订安全生产协议", default=False)
    qualified = models.BooleanField("具备安全生产条件和相应资质", default=False)
    qualification = models.CharField("资质证书", max_length=200, blank=True)
    unified_management = models.BooleanField("已纳入本企业统一管理", default=False)
    start = models.DateField("开始日期", null=True, blank=True)
    end = models.DateField("结束日期", null=True, blank=True)

    class Meta:
        ordering = ["enterprise_id", "id"]
        verbose_name = verbose_name_plural = "外包外租单位"

    def __str__(self) -> str:
        return self.name

    @property
    def disorderly(self) -> bool:
        """许昌 附件3 note 2: any of these makes 外包外租安全管理混乱."""
        return not (self.safety_agreement and self.qualified and self.unified_management)
