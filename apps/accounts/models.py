"""People and what they belong to. A membership ties a person to one organisation with a role."""
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from apps.enterprises.models import Enterprise
from apps.regions.models import Department, InspectionGroup, Region
from apps.regions.scope import scope_for


class UserQuerySet(models.QuerySet):
    def visible_to(self, viewer):
        """Oneself; everyone with a membership on something inside one's safety-office or discipline subtree;
        the colleagues of one's own enterprise, department (with its units) or group."""
        if not getattr(viewer, "is_authenticated", False):
            return self.none()
        scope = scope_for(viewer)
        if scope.everything:
            return self.all()
        inside = models.Q(pk__in=[])
        for path in ("region", "department__region", "enterprise__region", "group__lead_department__region"):
            inside |= scope.region_q(path, scope.region_codes)
        inside |= models.Q(enterprise_id__in=scope.enterprise_ids) | models.Q(department_id__in=scope.department_ids)
        inside |= models.Q(group_id__in=scope.group_ids)
        members = Membership.objects.filter(inside).values("user_id")
        return self.filter(models.Q(pk=viewer.pk) | models.Q(pk__in=members))


class Manager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("手机号码", max_length=32, blank=True)

    objects = Manager()

    class Meta:
        ordering = ["username"]
        verbose_name = verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.name or self.username

    @property
    def display_name(self) -> str:
        return self.name or self.username


class MembershipKind(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    DEPARTMENT = "department", "部门"
    SAFETY_OFFICE = "safety_office", "安委办"
    GROUP = "group", "综合检查组"
    DISCIPLINE = "discipline", "纪委监委"


class Role(models.TextChoices):
    MEMBER = "member", "工作人员"
    LEADER = "leader", "负责人"


class Membership(models.Model):
    """One organisation a person acts for. `leader` adds signing, listing, publishing and submitting."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="memberships")
    kind = models.CharField("类别", max_length=16, choices=MembershipKind.choices)
    role = models.CharField("角色", max_length=8, choices=Role.choices, default=Role.MEMBER)
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="memberships")
    department = models.ForeignKey(Department, verbose_name="部门", null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="memberships")
    group = models.ForeignKey(InspectionGroup, verbose_name="检查组", null=True, blank=True,
                              on_delete=models.CASCADE, related_name="memberships")
    region = models.ForeignKey(Region, verbose_name="区划（安委办、纪委监委）", null=True, blank=True,
                               on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        ordering = ["user_id", "id"]
        verbose_name = verbose_name_plural = "成员身份"
        constraints = [
            models.CheckConstraint(
                name="membership_target_matches_kind",
                condition=(
                    models.Q(kind="enterprise", enterprise__isnull=False, department__isnull=True,
                             group__isnull=True, region__isnull=True)
                    | models.Q(kind="department", department__isnull=False, enterprise__isnull=True,
                               group__isnull=True, region__isnull=True)
                    | models.Q(kind="group", group__isnull=False, enterprise__isnull=True,
                               department__isnull=True, region__isnull=True)
                    | models.Q(kind__in=["safety_office", "discipline"], region__isnull=False,
                               enterprise__isnull=True, department__isnull=True, group__isnull=True)
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_name} · {self.get_role_display()}"

    @property
    def target(self):
        return {"enterprise": self.enterprise, "department": self.department, "group": self.group}.get(
            self.kind, self.region
        )

    @property
    def target_id(self):
        return {"enterprise": self.enterprise_id, "department": self.department_id, "group": self.group_id}.get(
            self.kind, self.region_id
        )

    @property
    def organisation_name(self) -> str:
        if self.kind == MembershipKind.SAFETY_OFFICE:
            return f"{self.region.name}安委办"
        if self.kind == MembershipKind.DISCIPLINE:
            return f"{self.region.name}纪委监委"
        return str(self.target)

    @property
    def region_code(self) -> str:
        """The region this membership acts in, shown beside the organisation."""
        if self.kind in (MembershipKind.SAFETY_OFFICE, MembershipKind.DISCIPLINE):
            return self.region_id
        if self.kind == MembershipKind.ENTERPRISE:
            return self.enterprise.region_id
        if self.kind == MembershipKind.DEPARTMENT:
            return self.department.region_id
        return self.group.lead_department.region_id
