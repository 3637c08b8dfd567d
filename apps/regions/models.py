"""The administrative tree (块), the sector tree (条), and the organs that act on them."""
from django.db import models

CODE_LENGTHS = {1: 2, 2: 4, 3: 6, 4: 9, 5: 12}


class DirectoryQuerySet(models.QuerySet):
    """Regions, sectors, departments and groups are a directory every signed-in user may read (DESIGN.md)."""

    def visible_to(self, user):
        return self if getattr(user, "is_authenticated", False) else self.none()


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, "省"
    CITY = 2, "市（州）"
    COUNTY = 3, "县（市、区）"
    TOWNSHIP = 4, "乡镇（街道）"
    VILLAGE = 5, "村（社区）"


class RegionKind(models.TextChoices):
    ADMINISTRATIVE = "administrative", "行政区"
    ZONE = "zone", "开发区/管委会"


class Region(models.Model):
    """行政区划. The division code is the key and the path: every region below starts with it."""

    code = models.CharField("区划代码", max_length=12, primary_key=True)
    name = models.CharField("名称", max_length=100)
    level = models.PositiveSmallIntegerField("层级", choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级区划", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    kind = models.CharField("类别", max_length=16, choices=RegionKind.choices, default=RegionKind.ADMINISTRATIVE)
    official_code = models.BooleanField("正式区划代码", default=True, help_text="开发区等无正式代码时为平台内编码")

    objects = DirectoryQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "行政区划"

    def __str__(self) -> str:
        return self.name

    @property
    def full_name(self) -> str:
        return "".join(r.name for r in self.ancestors(include_self=True))

    def ancestors(self, include_self: bool = False) -> list["Region"]:
        codes = [self.code[:n] for n in CODE_LENGTHS.values() if n < len(self.code)]
        found = {r.code: r for r in Region.objects.filter(code__in=codes)}
        chain = [found[c] for c in codes if c in found]
        return chain + [self] if include_self else chain

    def contains(self, code: str) -> bool:
        return code.startswith(self.code)


class Sector(models.Model):
    """行业领域. The codes of SECTORS.md ship with the platform; campaigns add children `<parent>.<word>`."""

    code = models.CharField("代码", max_length=64, primary_key=True)
    name = models.CharField("名称", max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name="上级领域", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    order = models.PositiveIntegerField("排序", default=0)

    objects = DirectoryQuerySet.as_manager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = verbose_name_plural = "行业领域"

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def with_descendants(codes) -> set[str]:
        """The given codes and every sector below them (the tree is small: one query)."""
        children: dict[str, list[str]] = {}
        for code, parent in Sector.objects.values_list("code", "parent_id"):
            children.setdefault(parent, []).append(code)
        result: set[str] = set()
        stack = list(codes)
        while stack:
            code = stack.pop()
            if code in result:
                continue
            result.add(code)
            stack.extend(children.get(code, ()))
        return result


class DepartmentKind(models.TextChoices):
    EMERGENCY = "emergency", "应急管理"
    HOUSING = "housing", "住房和城乡建设"
    TRANSPORT = "transport", "交通运输"
    FIRE = "fire", "消防救援"
    MARKET = "market", "市场监督管理"
    EDUCATION = "education", "教育"
    HEALTH = "health", "卫生健康"
    CULTURE_TOURISM = "culture_tourism", "文化广电和旅游"
    INDUSTRY = "industry", "工业和信息化"
    COMMERCE = "commerce", "商务"
    AGRICULTURE = "agriculture", "农业农村"
    WATER = "water", "水利"
    URBAN = "urban", "城市管理"
    NATURAL_RESOURCES = "natural_resources", "自然资源"
    ENERGY = "energy", "能源"
    PUBLIC_SECURITY = "public_security", "公安"
    TOWNSHIP_OFFICE = "township_office", "乡镇应急办/综合行政执法"
    CIVIL_AFFAIRS = "civil_affairs", "民政"
    PROPAGANDA = "propaganda", "宣传"
    ETHNIC_RELIGIOUS = "ethnic_religious", "民族宗教"
    DISCIPLINE = "discipline", "纪委监委"
    OTHER = "other", "其他"


class Department(models.Model):
    """部门/单位 of a region, with the sectors it supervises. A subordinate unit names its `parent`."""

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类别", max_length=32, choices=DepartmentKind.choices)
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="departments")
    sectors = models.ManyToManyField(Sector, verbose_name="监管行业领域", blank=True, related_name="departments")
    parent = models.ForeignKey(
        "self", verbose_name="上级单位", null=True, blank=True, on_delete=models.PROTECT, related_name="units"
    )
    committee_member = models.BooleanField("安委会成员单位", default=True)

    objects = DirectoryQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = verbose_name_plural = "部门"
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="department_unique_name_in_region")]

    def __str__(self) -> str:
        return self.name

    def descendant_ids(self) -> set[int]:
        """D*: this department and its subordinate units, at any depth (REPORTS.md §0.2)."""
        return Department.descendants_of({self.pk})

    @staticmethod
    def descendants_of(ids) -> set[int]:
        result = set(ids)
        frontier = set(ids)
        while frontier:
            frontier = set(Department.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - result
            result |= frontier
        return result


class SafetyOffice(models.Model):
    """安委会办公室 of a region: one per region, the dispatcher of the campaign."""

    region = models.OneToOneField(Region, verbose_name="区划", primary_key=True, on_delete=models.PROTECT,
                                  related_name="safety_office")
    name = models.CharField("名称", max_length=100)
    phone = models.CharField("联系电话", max_length=32, blank=True)

    objects = DirectoryQuerySet.as_manager()

    class Meta:
        ordering = ["region_id"]
        verbose_name = verbose_name_plural = "安委办"

    def __str__(self) -> str:
        return self.name

    @classmethod
    def for_region(cls, region: Region) -> "SafetyOffice":
        office, _ = cls.objects.get_or_create(region=region, defaults={"name": f"{region.name}安委会办公室"})
        return office


class InspectionGroup(models.Model):
    """综合检查组: led by a department, assigned to regions for dates (许昌 附件2). Members are memberships."""

    name = models.CharField("名称", max_length=100)
    lead_department = models.ForeignKey(Department, verbose_name="牵头部门", on_delete=models.PROTECT,
                                        related_name="led_groups")
    note = models.TextField("分工说明", blank=True)

    objects = DirectoryQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "综合检查组"

    def __str__(self) -> str:
        return self.name


class GroupAssignment(models.Model):
    group = models.ForeignKey(InspectionGroup, verbose_name="检查组", on_delete=models.CASCADE,
                              related_name="assignments")
    region = models.ForeignKey(Region, verbose_name="负责抽查的地区", on_delete=models.PROTECT,
                               related_name="group_assignments")
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")

    class Meta:
        ordering = ["start", "region_id"]
        verbose_name = verbose_name_plural = "检查组分工"
        constraints = [models.CheckConstraint(condition=models.Q(end__gte=models.F("start")),
                                              name="assignment_end_after_start")]

    def __str__(self) -> str:
        return f"{self.group} → {self.region}（{self.start}至{self.end}）"
