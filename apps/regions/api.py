"""API `regions/`, `sectors/`, `departments/` (API.md): a directory every signed-in user reads; regions and
sectors are written by a system administrator, departments also by a safety office for its region and below.
Every write goes through apps.regions.services (rights, validation and the audit entry in one transaction).

`groups/` lives in apps.accounts.api: its `members` are memberships, and accounts sits above regions."""
import django_filters
from rest_framework import permissions, serializers, viewsets

from apps.core.api import ScopedPrimaryKeyRelatedField, actor_of

from . import services
from .models import Department, DepartmentKind, Region, RegionKind, RegionLevel, Sector
from .permissions import is_admin
from .scope import scope_for


class AdminWritesOrReadOnly(permissions.BasePermission):
    """Regions and sectors: every signed-in user reads; only a system administrator writes."""

    message = "只有系统管理员可以维护行政区划和行业领域。"

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or is_admin(request.user)


class OrganisationWritesOrReadOnly(permissions.BasePermission):
    """Departments and groups: every signed-in user reads; a safety office or an administrator may write (the
    services then check the region). Refusing here first keeps a 403 from hiding behind a 400."""

    message = "只有安委办或系统管理员可以维护部门和检查组。"

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        scope = scope_for(request.user)
        return scope.everything or bool(scope.office_region_codes)


# --- regions ---------------------------------------------------------------------------------------------------

class RegionSerializer(serializers.ModelSerializer):
    code = serializers.CharField(label="区划代码", max_length=12,
                                 help_text="区划代码：省2位、市4位、县6位、乡镇9位、村12位，以上级代码开头")
    level = serializers.ChoiceField(label="层级", choices=RegionLevel.choices,
                                    help_text="1 省，2 市（州），3 县（市、区），4 乡镇（街道），5 村（社区）")
    parent = ScopedPrimaryKeyRelatedField(label="上级区划", label_name="上级区划", queryset=Region.objects.all(),
                                          allow_null=True, required=False, help_text="上级区划代码；省级为 null")
    kind = serializers.ChoiceField(label="类别", choices=RegionKind.choices, required=False)

    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent", "kind", "official_code"]

    def validate_code(self, value):
        value = value.strip()
        if self.instance is not None and value != self.instance.code:
            raise serializers.ValidationError("区划代码不能修改。")
        if self.instance is None and Region.objects.filter(code=value).exists():
            raise serializers.ValidationError(f"区划代码“{value}”已存在。")
        return value

    def create(self, validated_data):
        return services.region_save(actor=actor_of(self), region=Region(**validated_data))

    def update(self, instance, validated_data):
        for key, value in validated_data.items():
            setattr(instance, key, value)
        return services.region_save(actor=actor_of(self), region=instance)


class RegionFilter(django_filters.FilterSet):
    parent = django_filters.CharFilter(label="上级区划代码", field_name="parent_id",
                                       help_text="直接下级：上级区划代码")
    level = django_filters.NumberFilter(label="层级", field_name="level")
    within = django_filters.CharFilter(label="区划代码前缀（本级及下级）", field_name="code",
                                       lookup_expr="startswith")
    kind = django_filters.ChoiceFilter(label="类别", choices=RegionKind.choices)
    q = django_filters.CharFilter(label="名称包含", field_name="name", lookup_expr="icontains")

    class Meta:
        model = Region
        fields = ["parent", "level", "within", "kind", "q"]


class RegionViewSet(viewsets.ModelViewSet):
    """行政区划：所有登录用户可读；仅系统管理员可新增、修改、删除。"""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    permission_classes = [permissions.IsAuthenticated, AdminWritesOrReadOnly]
    filterset_class = RegionFilter
    lookup_field = "code"
    lookup_value_regex = "[0-9A-Za-z]+"

    def get_queryset(self):
        return Region.objects.visible_to(self.request.user)

    def perform_destroy(self, instance):
        services.region_delete(actor=self.request.user, region=instance)


# --- sectors ---------------------------------------------------------------------------------------------------

class SectorSerializer(serializers.ModelSerializer):
    code = serializers.RegexField(label="代码", regex=r"^[^\s/]+$", max_length=64,
                                  error_messages={"invalid": "代码不能含有空格或“/”。"})
    parent = ScopedPrimaryKeyRelatedField(label="上级领域", label_name="上级领域", queryset=Sector.objects.all(),
                                          allow_null=True, required=False)

    class Meta:
        model = Sector
        fields = ["code", "name", "parent", "order"]

    def validate_code(self, value):
        if self.instance is not None and value != self.instance.code:
            raise serializers.ValidationError("行业领域代码不能修改。")
        if self.instance is None and Sector.objects.filter(code=value).exists():
            raise serializers.ValidationError(f"行业领域代码“{value}”已存在。")
        return value

    def validate_parent(self, parent):
        code = self.instance.code if self.instance else self.initial_data.get("code")
        seen = set()
        node = parent
        while node is not None and node.code not in seen:
            if node.code == code:
                raise serializers.ValidationError("上级领域不能是本领域或其下级领域。")
            seen.add(node.code)
            node = node.parent
        return parent

    def create(self, validated_data):
        return services.sector_save(actor=actor_of(self), sector=Sector(**validated_data))

    def update(self, instance, validated_data):
        for key, value in validated_data.items():
            setattr(instance, key, value)
        return services.sector_save(actor=actor_of(self), sector=instance)


class SectorFilter(django_filters.FilterSet):
    parent = django_filters.CharFilter(label="上级领域代码", field_name="parent_id")

    class Meta:
        model = Sector
        fields = ["parent"]


class SectorViewSet(viewsets.ModelViewSet):
    """行业领域：所有登录用户可读；仅系统管理员可新增、修改、删除。"""

    queryset = Sector.objects.all()
    serializer_class = SectorSerializer
    permission_classes = [permissions.IsAuthenticated, AdminWritesOrReadOnly]
    filterset_class = SectorFilter
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return Sector.objects.visible_to(self.request.user)

    def perform_destroy(self, instance):
        services.sector_delete(actor=self.request.user, sector=instance)


# --- departments -----------------------------------------------------------------------------------------------

class DepartmentSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(label="类别", choices=DepartmentKind.choices)
    region = ScopedPrimaryKeyRelatedField(label="所属区划", label_name="区划", queryset=Region.objects.all(),
                                          help_text="区划代码")
    sectors = ScopedPrimaryKeyRelatedField(label="监管行业领域", label_name="行业领域", queryset=Sector.objects.all(),
                                           many=True, required=False, help_text="行业领域代码")
    parent = ScopedPrimaryKeyRelatedField(label="上级单位", label_name="上级单位", queryset=Department.objects.all(),
                                          allow_null=True, required=False,
                                          help_text="所属的上级部门（如住建局下属的安全监督站）；没有则为 null")

    class Meta:
        model = Department
        fields = ["id", "name", "kind", "region", "sectors", "parent", "committee_member"]
        validators: list = []  # the (region, name) uniqueness is checked in validate() with a clear message

    def validate_sectors(self, sectors):
        codes = [s.pk for s in sectors]
        if len(set(codes)) != len(codes):
            raise serializers.ValidationError("行业领域不能重复。")
        return sectors

    def validate(self, attrs):
        name = attrs.get("name", getattr(self.instance, "name", None))
        region = attrs.get("region", getattr(self.instance, "region", None))
        same = Department.objects.filter(region=region, name=name)
        if self.instance is not None:
            same = same.exclude(pk=self.instance.pk)
        if same.exists():
            raise serializers.ValidationError({"name": [f"{region.name}已有名为“{name}”的部门。"]})
        parent = attrs.get("parent")
        if parent is not None and self.instance is not None and parent.pk in self.instance.descendant_ids():
            raise serializers.ValidationError({"parent": ["上级单位不能是本单位或其下属单位。"]})
        return attrs

    def _save(self, department, validated_data):
        sectors = validated_data.pop("sectors", None)
        for key, value in validated_data.items():
            setattr(department, key, value)
        return services.department_save(actor=actor_of(self), department=department, sectors=sectors)

    def create(self, validated_data):
        validated_data.setdefault("sectors", [])
        return self._save(Department(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)


class DepartmentFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(label="区划（含下级）", field_name="region__code", lookup_expr="startswith",
                                       help_text="区划代码前缀：本级及下级区划的部门")
    region_exact = django_filters.CharFilter(label="区划（仅本级）", field_name="region_id")
    kind = django_filters.ChoiceFilter(label="类别", choices=DepartmentKind.choices)
    parent = django_filters.NumberFilter(label="上级单位", field_name="parent_id")
    sector = django_filters.CharFilter(label="监管行业领域", field_name="sectors__code")
    q = django_filters.CharFilter(label="名称包含", field_name="name", lookup_expr="icontains")

    class Meta:
        model = Department
        fields = ["region", "region_exact", "kind", "parent", "sector", "q"]


class DepartmentViewSet(viewsets.ModelViewSet):
    """部门：所有登录用户可读；系统管理员，或本级及上级安委办可维护。"""

    queryset = Department.objects.all()
    serializer_class = DepartmentSerializer
    permission_classes = [permissions.IsAuthenticated, OrganisationWritesOrReadOnly]
    filterset_class = DepartmentFilter

    def get_queryset(self):
        return Department.objects.visible_to(self.request.user).prefetch_related("sectors").distinct()

    def perform_destroy(self, instance):
        services.department_delete(actor=self.request.user, department=instance)
