"""API `auth/token/`, `users/` and `groups/` (API.md).

`groups/` lives here rather than in apps.regions.api: a group's `members` are Membership rows (this app), and
imports run one way — accounts sits above regions — so the one serializer that writes both the group (via
regions.services.group_save) and its members (via accounts.services.user_save, which checks the rights over
each person and audits their memberships) belongs to the upper layer."""
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import KeyListField, ScopedPrimaryKeyRelatedField, actor_of
from apps.enterprises.models import Enterprise
from apps.regions import services as region_services
from apps.regions.api import OrganisationWritesOrReadOnly
from apps.regions.models import Department, GroupAssignment, InspectionGroup, Region
from apps.regions.scope import scope_for

from .models import Membership, MembershipKind, Role, User
from .services import user_save

# --- auth/token/ -----------------------------------------------------------------------------------------------

class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label="用户名")
    password = serializers.CharField(label="密码", style={"input_type": "password"}, trim_whitespace=False)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(label="令牌", help_text="此后请求时发送 `Authorization: Token <token>`")


LOCKED_MESSAGE = "登录失败次数过多，账号已被暂时锁定，请稍后再试。"


class TokenView(APIView):
    """用户名和密码换取 API 令牌。认证经由 django.contrib.auth.authenticate（含 django-axes 失败锁定）。"""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    serializer_class = TokenRequestSerializer

    @extend_schema(
        operation_id="auth_token_create",
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(description="用户名或密码错误（{\"non_field_errors\": [\"…\"]}）"),
            429: OpenApiResponse(description="连续登录失败次数过多，账号已被暂时锁定（{\"detail\": \"…\"}）"),
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        http_request = request._request  # axes flags the Django request; the lockout must be seen there
        user = authenticate(request=http_request, username=serializer.validated_data["username"],
                            password=serializer.validated_data["password"])
        if getattr(http_request, "axes_locked_out", False):
            # Answer in JSON here instead of letting AxesMiddleware render the HTML lockout page.
            http_request.axes_locked_out = False
            return Response({"detail": LOCKED_MESSAGE}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        if user is None:
            raise serializers.ValidationError({"non_field_errors": ["用户名或密码错误。"]})
        user_logged_in.send(sender=user.__class__, request=http_request, user=user)  # axes resets the failures
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


# --- users/ ----------------------------------------------------------------------------------------------------

TARGET_MODELS = {
    MembershipKind.ENTERPRISE: (Enterprise, "enterprise", "企业"),
    MembershipKind.DEPARTMENT: (Department, "department", "部门"),
    MembershipKind.GROUP: (InspectionGroup, "group", "检查组"),
    MembershipKind.SAFETY_OFFICE: (Region, "region", "区划"),
    MembershipKind.DISCIPLINE: (Region, "region", "区划"),
}


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}],
                      "description": "企业、部门、检查组的 id，或安委办、纪委监委所在区划的代码"})
class MembershipTargetField(serializers.Field):
    def to_representation(self, value):
        return value

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            raise serializers.ValidationError("应为编号或区划代码。")
        return data


class MembershipItemSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(label="类别", choices=MembershipKind.choices)
    target = MembershipTargetField(label="所属单位")
    role = serializers.ChoiceField(label="角色", choices=Role.choices, default=Role.MEMBER)


class MembershipsField(serializers.ListField):
    """`memberships`: [{"kind", "target", "role"}]. Each target resolves only among what the caller sees;
    errors name the item ("第2项：企业不存在")."""

    child = MembershipItemSerializer()

    def get_attribute(self, instance):
        return instance

    def to_representation(self, user):
        return [{"kind": m.kind, "target": m.target_id, "role": m.role} for m in user.memberships.all()]

    def to_internal_value(self, data):
        if not isinstance(data, list):
            raise serializers.ValidationError("应为身份列表。")
        viewer = actor_of(self)
        errors: list[str] = []
        result: list[Membership] = []
        seen = set()
        for i, raw in enumerate(data, start=1):
            item = MembershipItemSerializer(data=raw)
            if not item.is_valid():
                for name, messages in item.errors.items():
                    label = item.fields[name].label if name in item.fields else ""
                    errors += [f"第{i}项：{label}{m}" for m in messages]
                continue
            kind, target, role = (item.validated_data[k] for k in ("kind", "target", "role"))
            model, field, label = TARGET_MODELS[kind]
            obj = None
            if model is Region:
                obj = Region.objects.visible_to(viewer).filter(code=str(target)).first()
            elif isinstance(target, int) or (isinstance(target, str) and target.isdigit()):
                obj = model.objects.visible_to(viewer).filter(pk=int(target)).first()
            if obj is None:
                errors.append(f"第{i}项：{label}不存在")
                continue
            if (kind, obj.pk) in seen:
                errors.append(f"第{i}项：身份重复")
                continue
            seen.add((kind, obj.pk))
            result.append(Membership(kind=kind, role=role, **{field: obj}))
        if errors:
            raise serializers.ValidationError(errors)
        return result


class UserSerializer(serializers.ModelSerializer):
    password = serializers.CharField(label="密码", write_only=True, required=False, trim_whitespace=False,
                                     style={"input_type": "password"}, help_text="仅写入；按密码规则校验")
    memberships = MembershipsField(label="身份", required=False,
                                   help_text="[{\"kind\", \"target\", \"role\"}]；写入时整体替换")

    class Meta:
        model = User
        fields = ["id", "username", "password", "name", "phone", "memberships"]

    def validate(self, attrs):
        password = attrs.get("password")
        if password:
            probe = User(username=attrs.get("username", getattr(self.instance, "username", "")),
                         name=attrs.get("name", getattr(self.instance, "name", "")))
            try:
                password_validation.validate_password(password, user=probe)
            except DjangoValidationError as e:
                raise serializers.ValidationError({"password": list(e.messages)}) from e
        actor = actor_of(self)
        if self.instance is None and not getattr(actor, "is_superuser", False) and not attrs.get("memberships"):
            raise serializers.ValidationError({"memberships": ["请至少填写一项身份（所属单位）。"]})
        return attrs

    def _save(self, user, validated_data):
        password = validated_data.pop("password", None)
        memberships = validated_data.pop("memberships", None)
        for key, value in validated_data.items():
            setattr(user, key, value)
        return user_save(actor=actor_of(self), user=user, password=password, memberships=memberships)

    def create(self, validated_data):
        return self._save(User(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)


class UsersWritePermission(permissions.BasePermission):
    """Only a safety office (inside its subtree, checked by user_save) or a system administrator writes users."""

    message = "只有安委办或系统管理员可以维护用户。"

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        scope = scope_for(request.user)
        return scope.everything or bool(scope.office_region_codes)


class UserViewSet(viewsets.ModelViewSet):
    """用户：可见范围内的用户；仅安委办（辖区内）或系统管理员可新增、修改。"""

    queryset = User.objects.all()
    serializer_class = UserSerializer
    permission_classes = [permissions.IsAuthenticated, UsersWritePermission]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    filterset_fields = ["username"]

    def get_queryset(self):
        return User.objects.visible_to(self.request.user).prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.order_by("id"))
        )


# --- groups/ ---------------------------------------------------------------------------------------------------

class AssignmentSerializer(serializers.Serializer):
    region = ScopedPrimaryKeyRelatedField(label="负责抽查的地区", label_name="区划", queryset=Region.objects.all(),
                                          help_text="区划代码")
    start = serializers.DateField(label="开始日期")
    end = serializers.DateField(label="结束日期")

    def validate(self, attrs):
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": ["结束日期不能早于开始日期。"]})
        return attrs


class GroupSerializer(serializers.ModelSerializer):
    lead_department = ScopedPrimaryKeyRelatedField(label="牵头部门", label_name="部门",
                                                   queryset=Department.objects.all())
    members = KeyListField(
        label="成员", required=False, help_text="成员的用户 id（持有该组身份的全部用户）；写入时整体替换",
        read=lambda group: sorted({m.user_id for m in group.memberships.all()}),
        child_relation=ScopedPrimaryKeyRelatedField(label_name="用户", queryset=User.objects.all()),
    )
    assignments = AssignmentSerializer(label="分工", many=True, required=False)

    class Meta:
        model = InspectionGroup
        fields = ["id", "name", "lead_department", "members", "assignments", "note"]

    @transaction.atomic
    def _save(self, group, validated_data):
        actor = actor_of(self)
        members = validated_data.pop("members", None)
        assignments = validated_data.pop("assignments", None)
        for key, value in validated_data.items():
            setattr(group, key, value)
        group = region_services.group_save(actor=actor, group=group, assignments=assignments)
        if members is not None:
            _replace_members(actor, group, members)
        return group

    def create(self, validated_data):
        return self._save(InspectionGroup(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)


def _copy(m: Membership) -> Membership:
    return Membership(kind=m.kind, role=m.role, enterprise_id=m.enterprise_id, department_id=m.department_id,
                      group_id=m.group_id, region_id=m.region_id)


def _replace_members(actor, group: InspectionGroup, users) -> None:
    """The group's members become exactly `users`: newcomers get a `member` membership, people left out lose
    theirs, and those who stay keep their role. Each person changes through user_save, which checks that the
    actor may manage them and writes their audit entry."""
    wanted = {u.pk: u for u in users}
    current = set(group.memberships.values_list("user_id", flat=True))
    changed = [u for pk, u in wanted.items() if pk not in current]
    changed += list(User.objects.filter(pk__in=current - set(wanted)))
    for user in changed:
        kept = [_copy(m) for m in user.memberships.order_by("id") if m.group_id != group.pk]
        if user.pk in wanted:
            kept.append(Membership(kind=MembershipKind.GROUP, role=Role.MEMBER, group=group))
        user_save(actor=actor, user=user, memberships=kept)


class GroupViewSet(viewsets.ModelViewSet):
    """综合检查组：所有登录用户可读；系统管理员，或牵头部门所在区划的本级及上级安委办可维护。"""

    queryset = InspectionGroup.objects.all()
    serializer_class = GroupSerializer
    permission_classes = [permissions.IsAuthenticated, OrganisationWritesOrReadOnly]
    filterset_fields = ["lead_department"]

    def get_queryset(self):
        return InspectionGroup.objects.visible_to(self.request.user).prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.only("id", "user_id", "group_id")),
            Prefetch("assignments", queryset=GroupAssignment.objects.order_by("start", "region_id")),
        )

    def perform_destroy(self, instance):
        region_services.group_delete(actor=self.request.user, group=instance)

