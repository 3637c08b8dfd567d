"""API `inspections/`, `enforcement-actions/` and `accountability/` (API.md).

The querysets are always `Model.objects.visible_to(user)`, so a record outside the caller's scope answers 404
on every path, `sign/` included. Request bodies are checked by the serializers (references resolve only among
what the caller sees: an invisible id answers 400 naming the field, as if it did not exist), then handed to
apps.inspections.services, which refuses a stale `version` (409), checks the role (403) and then the record
(400), and writes the audit entry in the same transaction. Every write answers the record as it now is.

There is no DELETE: an inspection, an enforcement decision or an accountability decision is never removed."""
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.accounts.models import User
from apps.core.api import KeyListField, ScopedPrimaryKeyRelatedField, actor_of
from apps.enterprises.models import Enterprise
from apps.hazards.models import Hazard
from apps.regions.models import Department, InspectionGroup, Region

from . import services
from .filters import AccountabilityFilterSet, EnforcementActionFilterSet, InspectionFilterSet
from .models import (
    FINDINGS,
    Accountability,
    ActionKind,
    Answer,
    Checklist,
    ChecklistItem,
    ChecklistLayout,
    EnforcementAction,
    Inspection,
    InspectionAnswer,
    InspectionKind,
    InspectionMode,
    InspectionSignature,
)


def _enum(choices, description: str) -> dict:
    return {"type": "string", "enum": [value for value, _ in choices], "description": description}


# Choice fields whose names (`kind`, `mode`) other resources use for other values: each is a named component.
@extend_schema_field(_enum(InspectionKind.choices, "self 企业自查，enforcement 执法检查，supervision 督导检查，"
                                                   "expert 专家检查，assistance 帮扶指导，review 回头看"),
                     component_name="InspectionKind")
class InspectionKindField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=InspectionKind.choices, **kwargs)


@extend_schema_field({**_enum(InspectionMode.choices, "null 未注明，unannounced 四不两直，covert 明查暗访，"
                                                      "out_of_area 异地执法，cross_check 交叉互检，joint 联合执法"),
                      "nullable": True}, component_name="InspectionMode")
class InspectionModeField(serializers.ChoiceField):
    """Stored as "" when not given; read and written as null."""

    def __init__(self, **kwargs):
        super().__init__(choices=InspectionMode.choices, allow_null=True, allow_blank=True, **kwargs)

    def to_representation(self, value):
        return value or None

    def to_internal_value(self, data):
        return super().to_internal_value(data) or None


@extend_schema_field(_enum([(code, label) for code, label in FINDINGS.items()],
                           "；".join(f"{code} {label}" for code, label in FINDINGS.items())),
                     component_name="InspectionFinding")
class FindingField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=list(FINDINGS.items()), **kwargs)


@extend_schema_field(_enum(ActionKind.choices, "penalty 行政处罚，stop_rectify 责令停产整顿，"
                                               "licence 暂扣吊销证照，closure 关闭取缔，industry_ban 行业禁入，"
                                               "judicial_referral 移送司法机关，summons 约谈，exposure 曝光，"
                                               "joint_sanction 联合惩戒"),
                     component_name="EnforcementActionKind")
class ActionKindField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=ActionKind.choices, **kwargs)


class FindingsField(serializers.ListField):
    """The seven spot-check flags, stored as seven boolean columns: written and read as the list of those set."""

    def __init__(self, **kwargs):
        super().__init__(child=FindingField(), **kwargs)

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        duplicates = sorted({v for v in values if values.count(v) > 1})
        if duplicates:
            raise serializers.ValidationError(f"“{duplicates[0]}”重复出现。")
        return values


def _version_field(what: str) -> serializers.IntegerField:
    return serializers.IntegerField(label="版本", required=False, min_value=1,
                                    help_text=f"读取时的版本号；若{what}已被他人修改则返回 409")


def _date_field(label: str, help_text: str = "不填为今天；可为过去的日期，不能晚于今天", **kwargs):
    return serializers.DateField(label=label, required=False, help_text=help_text, **kwargs)


def _users_field() -> KeyListField:
    return KeyListField(
        label="检查人员", required=False, help_text="用户 id 列表（谁检查、谁签名）",
        read=lambda i: sorted(u.pk for u in i.inspectors.all()),
        child_relation=ScopedPrimaryKeyRelatedField(label_name="用户", queryset=User.objects.all()))


def _hazards_field(label: str, help_text: str, attribute: str) -> KeyListField:
    return KeyListField(
        label=label, required=False, help_text=help_text,
        read=lambda i: sorted(h.pk for h in getattr(i, attribute).all()),
        child_relation=ScopedPrimaryKeyRelatedField(label_name="隐患", queryset=Hazard.objects.all()))


def _fixed_errors(serializer, fixed: dict) -> dict:
    """What PUT/PATCH may not change: a whole record sent back as read is accepted as long as those fields keep
    their values."""
    errors = {}
    for name, (attname, message) in fixed.items():
        if name in serializer.initial_data:
            sent, current = serializer.initial_data[name], getattr(serializer.instance, attname)
            current = current.isoformat() if hasattr(current, "isoformat") else current
            if (None if sent in ("", None) else str(sent)) != (None if current in ("", None) else str(current)):
                errors[name] = [message]
    return errors


ERRORS = {
    400: OpenApiResponse(description="请求有误（{\"字段\": [\"说明\"]}）"),
    403: OpenApiResponse(description="无权执行此操作（{\"detail\": \"…\"}）"),
    404: OpenApiResponse(description="记录不存在或不在调用者的可见范围内"),
    409: OpenApiResponse(description="`version` 已过期：记录已被他人修改（{\"detail\": \"…\"}）"),
}


class _AnsweringViewSet(viewsets.ModelViewSet):
    """Create and update through the service (in the serializer's create/update), answering the record as it
    now is, read afresh and unscoped (the caller has just written it)."""

    permission_classes = [permissions.IsAuthenticated]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    update_serializer_class: type[serializers.Serializer]

    def related(self, queryset):
        return queryset

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return self.update_serializer_class
        return self.serializer_class

    def _answer(self, instance, code=status.HTTP_200_OK) -> Response:
        fresh = self.related(type(instance).objects.all()).get(pk=instance.pk)
        return Response(self.serializer_class(fresh, context=self.get_serializer_context()).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._answer(serializer.save(), status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        serializer = self.update_serializer_class(self.get_object(), data=request.data, partial=partial,
                                                  context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return self._answer(serializer.save())

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


# --- inspections/ -----------------------------------------------------------------------------------------------

class InspectionAnswerSerializer(serializers.ModelSerializer):
    """One checklist item answered on site (read-only here; answered on the inspection's page)."""

    answer = serializers.ChoiceField(label="检查结果", choices=Answer.choices, read_only=True,
                                     help_text="yes 是，no 否（不符合，已登记隐患），na 不涉及")
    number = serializers.IntegerField(source="item.number", label="序号", read_only=True)
    hazard = serializers.PrimaryKeyRelatedField(label="登记的隐患", read_only=True, help_text="隐患 id；仅“否”")
    photo = serializers.SerializerMethodField(label="现场照片")

    class Meta:
        model = InspectionAnswer
        fields = ["item", "number", "answer", "description", "requirement", "deadline", "note", "photo", "hazard"]
        read_only_fields = fields

    def get_photo(self, obj) -> bool:
        """Whether a photo was taken (the file itself is served on the inspection's page)."""
        return bool(obj.photo)


class InspectionSignatureSerializer(serializers.ModelSerializer):
    class Meta:
        model = InspectionSignature
        fields = ["user", "name", "role", "signed_at"]
        read_only_fields = fields


class InspectionSerializer(serializers.ModelSerializer):
    """The inspection as read, and as POSTed to register it (services.inspection_create)."""

    enterprise = ScopedPrimaryKeyRelatedField(label="被检查企业", label_name="企业", queryset=Enterprise.objects.all(),
                                              help_text="企业 id")
    kind = InspectionKindField(label="检查类别")
    mode = InspectionModeField(label="检查方式", required=False)
    department = ScopedPrimaryKeyRelatedField(
        label="检查部门", label_name="部门", queryset=Department.objects.all(), allow_null=True, required=False,
        help_text="部门 id：企业自查为 null；部门检查为本人所在部门或其下属单位（只有一个部门时可不填）；"
                  "督导检查为检查组的牵头部门（自动填写）")
    group = ScopedPrimaryKeyRelatedField(
        label="检查组", label_name="检查组", queryset=InspectionGroup.objects.all(), allow_null=True, required=False,
        help_text="检查组 id：仅督导检查（本人所在的检查组；只有一个检查组时可不填）")
    inspected_on = _date_field("检查日期")
    led_by_principal = serializers.BooleanField(label="主要负责人带队", required=False,
                                                help_text="企业自查：主要负责人带队检查")
    inspectors = _users_field()
    findings = FindingsField(label="抽查发现的问题", required=False,
                             help_text="调度表的七类问题（部门抽查企业自查情况时发现），企业自查不填")
    hazards = _hazards_field("发现隐患", "隐患 id 列表，须为被检查企业的隐患", "hazards")
    reviewed_hazards = _hazards_field("回头看复查隐患", "隐患 id 列表；仅回头看检查", "reviewed_hazards")
    checklist = ScopedPrimaryKeyRelatedField(
        label="检查清单", label_name="检查清单", queryset=Checklist.objects.all(), allow_null=True, required=False,
        help_text="清单 id（某一版本，见 checklists/）")
    project = serializers.CharField(label="检查项目", max_length=200, required=False, allow_blank=True)
    answers = InspectionAnswerSerializer(label="检查事项结果", many=True, read_only=True)
    signatures = InspectionSignatureSerializer(label="签名", many=True, read_only=True,
                                               help_text="谁检查、谁签名、谁负责：每位检查人员本人的签名")
    signed_at = serializers.DateTimeField(label="签名时间", read_only=True, help_text="签名后记录锁定")
    created_by = serializers.PrimaryKeyRelatedField(label="登记人", read_only=True, help_text="用户 id")
    version = serializers.IntegerField(label="版本", read_only=True)

    class Meta:
        model = Inspection
        fields = ["id", "enterprise", "kind", "mode", "department", "group", "inspected_on", "led_by_principal",
                  "inspectors", "findings", "hazards", "reviewed_hazards", "note", "checklist", "project", "answers",
                  "signatures", "signed_at", "created_by", "version"]

    def create(self, validated_data):
        return services.inspection_create(actor=actor_of(self), data=validated_data)


INSPECTION_FIXED = {
    "enterprise": ("enterprise_id", "被检查企业不能修改。"),
    "kind": ("kind", "检查类别不能修改。"),
    "department": ("department_id", "检查部门不能修改。"),
    "group": ("group_id", "检查组不能修改。"),
}


class InspectionUpdateSerializer(serializers.ModelSerializer):
    """PUT/PATCH: the content of an unsigned inspection (services.inspection_update). A whole record sent back as
    read is accepted as long as `enterprise`, `kind`, `department` and `group` keep their values."""

    mode = InspectionModeField(label="检查方式", required=False)
    inspected_on = serializers.DateField(label="检查日期", required=False, help_text="不能晚于今天")
    led_by_principal = serializers.BooleanField(label="主要负责人带队", required=False)
    inspectors = _users_field()
    findings = FindingsField(label="抽查发现的问题", required=False)
    hazards = _hazards_field("发现隐患", "隐患 id 列表，须为被检查企业的隐患", "hazards")
    reviewed_hazards = _hazards_field("回头看复查隐患", "隐患 id 列表；仅回头看检查", "reviewed_hazards")
    version = _version_field("检查记录")

    class Meta:
        model = Inspection
        fields = ["mode", "inspected_on", "led_by_principal", "inspectors", "findings", "hazards",
                  "reviewed_hazards", "note", "version"]

    def validate(self, attrs):
        errors = _fixed_errors(self, INSPECTION_FIXED)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def update(self, instance, validated_data):
        version = validated_data.pop("version", None)
        return services.inspection_update(actor=actor_of(self), inspection=instance, data=validated_data,
                                          version=version)


class SignRequestSerializer(serializers.Serializer):
    version = _version_field("检查记录")


def inspections_related(queryset):
    return queryset.prefetch_related("inspectors", "hazards", "reviewed_hazards", "answers__item", "signatures")


class InspectionViewSet(_AnsweringViewSet):
    """检查记录：仅返回调用者可见范围内的检查（被检查企业可见，或本部门、本检查组实施的检查；范围外一律 404）。
    登记（POST）按检查类别区分登记人：企业人员登记企业自查；部门人员登记执法检查、专家检查、帮扶指导、回头看；
    检查组成员登记督导检查。修改（PUT/PATCH）限实施者、签名前；签名（sign/）后记录锁定。不提供删除。"""

    queryset = Inspection.objects.all()
    serializer_class = InspectionSerializer
    update_serializer_class = InspectionUpdateSerializer
    filterset_class = InspectionFilterSet

    def related(self, queryset):
        return inspections_related(queryset)

    def get_queryset(self):
        visible = Inspection.objects.visible_to(self.request.user)
        return visible if self.action == "sign" else inspections_related(visible)

    @extend_schema(request=InspectionSerializer, responses={201: InspectionSerializer, **ERRORS})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    @extend_schema(request=InspectionUpdateSerializer, responses={200: InspectionSerializer, **ERRORS})
    def update(self, request, *args, **kwargs):
        return super().update(request, *args, **kwargs)

    @extend_schema(request=InspectionUpdateSerializer, responses={200: InspectionSerializer, **ERRORS})
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    @extend_schema(summary="签名（检查人员本人；未列检查人员时为登记人）：签名后记录锁定",
                   request=SignRequestSerializer, responses={200: InspectionSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        inspection = self.get_object()
        body = SignRequestSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        return self._answer(services.inspection_sign(actor=request.user, inspection=inspection,
                                                     version=body.validated_data.get("version")))


# --- checklists/ ------------------------------------------------------------------------------------------------

class ChecklistItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistItem
        fields = ["id", "number", "category", "focus", "content", "major", "basis"]
        read_only_fields = fields


class ChecklistSerializer(serializers.ModelSerializer):
    layout = serializers.ChoiceField(label="版式", choices=ChecklistLayout.choices, read_only=True,
                                     help_text="focus 重点检查事项（福州 附件1、附件3 式）；detailed 检查内容及"
                                               "是否重大隐患（福州 附件2 式：检查人员逐项认定是否重大隐患，`major` 为"
                                               "默认值）")
    items = ChecklistItemSerializer(label="检查事项", many=True, read_only=True)

    class Meta:
        model = Checklist
        fields = ["id", "code", "version", "name", "sector", "layout", "source", "department", "campaign", "active",
                  "issued_on", "items"]
        read_only_fields = fields


class ChecklistViewSet(viewsets.ReadOnlyModelViewSet):
    """检查清单（判定标准、重点检查事项清单）：每个版本一条记录，`code` 相同者为同一清单的各版本，`active` 为现行版本。
    平台内置福州三张重点检查事项清单和国家重大事故隐患判定标准（每项注明依据）；部门编制的清单在页面上编制和修订。
    只读。"""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ChecklistSerializer
    queryset = Checklist.objects.all()

    def get_queryset(self):
        queryset = Checklist.objects.visible_to(self.request.user).prefetch_related("items")
        if self.request.query_params.get("active") in ("true", "1"):
            queryset = queryset.filter(active=True)
        code = self.request.query_params.get("code")
        return queryset.filter(code=code) if code else queryset


# --- enforcement-actions/ ---------------------------------------------------------------------------------------

def _amount_field() -> serializers.DecimalField:
    return serializers.DecimalField(label="罚款金额（万元）", max_digits=12, decimal_places=4, coerce_to_string=True,
                                    allow_null=True, required=False,
                                    help_text="万元，十进制字符串，如 \"3.5000\"；仅行政处罚，且须大于 0")


class _ActionFields(serializers.ModelSerializer):
    kind = ActionKindField(label="措施")
    decided_on = _date_field("决定日期")
    amount = _amount_field()
    case_no = serializers.CharField(label="案件编号", max_length=100, required=False, allow_blank=True,
                                    help_text="行政处罚和移送司法机关必填；一个案件为（执法部门，案件编号）")
    hazard = ScopedPrimaryKeyRelatedField(label="关联隐患", label_name="隐患", queryset=Hazard.objects.all(),
                                          allow_null=True, required=False, help_text="隐患 id，须为该企业的隐患")
    inspection = ScopedPrimaryKeyRelatedField(label="关联检查", label_name="检查", queryset=Inspection.objects.all(),
                                              allow_null=True, required=False, help_text="检查 id，须为对该企业的检查")
    persons = serializers.IntegerField(label="移送人数", min_value=0, required=False,
                                       help_text="仅移送司法机关，至少 1 人")
    published = serializers.BooleanField(label="公布为典型案例", required=False, help_text="仅部门负责人可以公布")
    published_on = _date_field("公布日期", "公布为典型案例时填写；不填为今天；不能晚于今天，不早于决定日期",
                               allow_null=True)
    waiver_reason = serializers.CharField(
        label="依法不予处罚隐患仍予处罚的理由", required=False, allow_blank=True,
        help_text="对依法不予行政处罚的隐患（企业自查上报并按方案整改的重大事故隐患）作出行政处罚时必填")


class EnforcementActionSerializer(_ActionFields):
    """The action as read, and as POSTed to register it (services.action_create)."""

    enterprise = ScopedPrimaryKeyRelatedField(label="企业", label_name="企业", queryset=Enterprise.objects.all(),
                                              help_text="企业 id")
    department = ScopedPrimaryKeyRelatedField(
        label="执法部门", label_name="部门", queryset=Department.objects.all(), required=False,
        allow_null=True, help_text="部门 id：本人所在部门或其下属单位（只有一个部门时可不填）")
    created_by = serializers.PrimaryKeyRelatedField(label="登记人", read_only=True, help_text="用户 id")
    version = serializers.IntegerField(label="版本", read_only=True)

    class Meta:
        model = EnforcementAction
        fields = ["id", "enterprise", "department", "kind", "decided_on", "amount", "against_principal", "case_no",
                  "hazard", "inspection", "persons", "dangerous_operation_crime", "published", "published_on",
                  "waiver_reason", "note", "created_by", "version"]

    def create(self, validated_data):
        return services.action_create(actor=actor_of(self), data=validated_data)


ACTION_FIXED = {
    "enterprise": ("enterprise_id", "企业不能修改。"),
    "department": ("department_id", "执法部门不能修改。"),
}


class EnforcementActionUpdateSerializer(_ActionFields):
    """PUT/PATCH (services.action_update): everything but `enterprise` and `department`, which a whole record sent
    back as read may carry unchanged."""

    kind = ActionKindField(label="措施", required=False)
    version = _version_field("执法措施")

    class Meta:
        model = EnforcementAction
        fields = ["kind", "decided_on", "amount", "against_principal", "case_no", "hazard", "inspection", "persons",
                  "dangerous_operation_crime", "published", "published_on", "waiver_reason", "note", "version"]

    def validate(self, attrs):
        errors = _fixed_errors(self, ACTION_FIXED)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def update(self, instance, validated_data):
        version = validated_data.pop("version", None)
        return services.action_update(actor=actor_of(self), action=instance, data=validated_data, version=version)


class EnforcementActionViewSet(_AnsweringViewSet):
    """执法措施：仅返回调用者可见范围内的执法措施（企业可见，或本部门作出的；范围外一律 404）。登记和修改限执法部门
    人员（本部门及下属单位）；公布典型案例限部门负责人。不提供删除。"""

    queryset = EnforcementAction.objects.all()
    serializer_class = EnforcementActionSerializer
    update_serializer_class = EnforcementActionUpdateSerializer
    filterset_class = EnforcementActionFilterSet

    def get_queryset(self):
        return EnforcementAction.objects.visible_to(self.request.user)

    @extend_schema(request=EnforcementActionSerializer, responses={201: EnforcementActionSerializer, **ERRORS})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    @extend_schema(request=EnforcementActionUpdateSerializer, responses={200: EnforcementActionSerializer, **ERRORS})
    def update(self, request, *args, **kwargs):
        return super().update(request, *args, **kwargs)

    @extend_schema(request=EnforcementActionUpdateSerializer, responses={200: EnforcementActionSerializer, **ERRORS})
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)


# --- accountability/ --------------------------------------------------------------------------------------------

class AccountabilitySerializer(serializers.ModelSerializer):
    """责任倒查追责问责, as read and as written (services.accountability_create / accountability_update)."""

    region = ScopedPrimaryKeyRelatedField(label="决定机关所在区划", label_name="区划", queryset=Region.objects.all(),
                                          help_text="区划代码")
    department = ScopedPrimaryKeyRelatedField(
        label="决定部门", label_name="部门", queryset=Department.objects.all(), allow_null=True, required=False,
        help_text="部门 id，须为 `region` 的部门；null 为该区划的党委、政府或纪委监委")
    decided_on = _date_field("决定日期")
    persons = serializers.IntegerField(label="问责人数", min_value=1)
    hazard = ScopedPrimaryKeyRelatedField(label="涉及隐患", label_name="隐患", queryset=Hazard.objects.all(),
                                          allow_null=True, required=False, help_text="隐患 id")
    inspection = ScopedPrimaryKeyRelatedField(label="涉及检查", label_name="检查", queryset=Inspection.objects.all(),
                                              allow_null=True, required=False, help_text="检查 id")
    created_by = serializers.PrimaryKeyRelatedField(label="登记人", read_only=True, help_text="用户 id")
    version = _version_field("问责记录")

    class Meta:
        model = Accountability
        fields = ["id", "region", "department", "decided_on", "persons", "hazard", "inspection", "outcome", "note",
                  "created_by", "version"]

    def create(self, validated_data):
        validated_data.pop("version", None)
        return services.accountability_create(actor=actor_of(self), data=validated_data)

    def update(self, instance, validated_data):
        version = validated_data.pop("version", None)
        return services.accountability_update(actor=actor_of(self), item=instance, data=validated_data,
                                              version=version)


class AccountabilityViewSet(_AnsweringViewSet):
    """责任倒查追责问责：安委办、纪委监委看到本辖区的记录，部门看到本部门作出的记录（范围外一律 404）。登记和修改
    限该区划或上级的安委办、纪委监委。不提供删除。"""

    queryset = Accountability.objects.all()
    serializer_class = AccountabilitySerializer
    update_serializer_class = AccountabilitySerializer
    filterset_class = AccountabilityFilterSet

    def get_queryset(self):
        return Accountability.objects.visible_to(self.request.user)

    @extend_schema(request=AccountabilitySerializer, responses={201: AccountabilitySerializer, **ERRORS})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    @extend_schema(request=AccountabilitySerializer, responses={200: AccountabilitySerializer, **ERRORS})
    def update(self, request, *args, **kwargs):
        return super().update(request, *args, **kwargs)

    @extend_schema(request=AccountabilitySerializer, responses={200: AccountabilitySerializer, **ERRORS})
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)
