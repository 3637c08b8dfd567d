"""API `enterprises/` (API.md): always `Enterprise.objects.visible_to(user)`, so an enterprise outside the
caller's scope answers 404; writes through apps.enterprises.services (who may write, optimistic locking with
`version`, the audit entry)."""
from rest_framework import permissions, serializers, viewsets
from rest_framework.validators import UniqueValidator

from apps.core.api import KeyListField, ScopedPrimaryKeyRelatedField, actor_of
from apps.core.uscc import normalise_uscc, validate_uscc
from apps.regions.models import Department, Region, Sector
from apps.regions.scope import scope_for

from . import services
from .filters import EnterpriseFilterSet
from .models import Enterprise, EnterpriseState


class UsccField(serializers.CharField):
    """统一社会信用代码: trimmed and upper-cased before its check character is verified."""

    def to_internal_value(self, data):
        return normalise_uscc(super().to_internal_value(data))


class EnterpriseWriters(permissions.BasePermission):
    """Reading is for whoever sees the enterprise (the queryset decides). Writing is for an administrator, a
    safety office, or a department (the services then check the enterprise's placement): an enterprise's own
    members, inspection groups and discipline inspectors read only."""

    message = "您无权登记或修改企业：只有安委办、监管部门或系统管理员可以维护企业信息。"

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        scope = scope_for(request.user)
        return scope.everything or bool(scope.office_region_codes) or bool(scope.departments)


class EnterpriseSerializer(serializers.ModelSerializer):
    uscc = UsccField(label="统一社会信用代码", max_length=18, validators=[
        validate_uscc,
        UniqueValidator(queryset=Enterprise.objects.all(), message="该统一社会信用代码已登记。"),
    ])
    region = ScopedPrimaryKeyRelatedField(label="所在区划", label_name="区划", queryset=Region.objects.all(),
                                          help_text="区划代码")
    sectors = KeyListField(
        label="行业领域", allow_empty=False, help_text="行业领域代码，有序：第一个为主行业领域",
        read=lambda e: [link.sector_id for link in sorted(e.sector_links.all(), key=lambda link: link.order)],
        child_relation=ScopedPrimaryKeyRelatedField(label_name="行业领域", queryset=Sector.objects.all()),
    )
    departments = KeyListField(
        label="主管部门", required=False, help_text="监管该企业的部门 id",
        read=lambda e: sorted(link.department_id for link in e.department_links.all()),
        child_relation=ScopedPrimaryKeyRelatedField(label_name="部门", queryset=Department.objects.all()),
    )
    state = serializers.ChoiceField(label="经营状态", choices=EnterpriseState.choices, required=False)
    version = serializers.IntegerField(
        label="版本", required=False, min_value=1,
        help_text="读取时的版本号；修改时发送，若已被他人修改则返回 409",
    )

    class Meta:
        model = Enterprise
        fields = [
            "id", "name", "uscc", "region", "address", "sectors", "departments", "legal_representative",
            "principal_name", "principal_phone", "high_risk", "state_owned", "above_scale", "labour_intensive",
            "crowded_place", "city_direct", "key_supervision", "state", "version",
        ]

    def _split(self, validated_data):
        sectors = validated_data.pop("sectors", None)
        departments = validated_data.pop("departments", None)
        version = validated_data.pop("version", None)
        return validated_data, sectors, departments, version

    def create(self, validated_data):
        data, sectors, departments, _ = self._split(validated_data)
        return services.enterprise_create(actor=actor_of(self), data=data, sectors=sectors,
                                          departments=departments or [])

    def update(self, instance, validated_data):
        data, sectors, departments, version = self._split(validated_data)
        return services.enterprise_update(actor=actor_of(self), enterprise=instance, data=data, version=version,
                                          sectors=sectors, departments=departments)


class EnterpriseViewSet(viewsets.ModelViewSet):
    """企业：仅返回调用者可见范围内的企业；安委办（辖区内）、监管部门（其监管的企业）或系统管理员可登记、修改。
    停业、关闭请修改 `state`，不提供删除。"""

    queryset = Enterprise.objects.all()
    serializer_class = EnterpriseSerializer
    permission_classes = [permissions.IsAuthenticated, EnterpriseWriters]
    filterset_class = EnterpriseFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return Enterprise.objects.visible_to(self.request.user).prefetch_related("sector_links", "department_links")
