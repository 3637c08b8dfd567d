"""API `hazards/` and its actions (API.md): the ledger line of 许昌 附件6 and each step of its life.

The queryset is always `Hazard.objects.visible_to(user)`, so a hazard outside the caller's scope answers 404 on
every path, actions included. Request bodies are checked by small serializers (references resolve only among
what the caller sees), then handed to apps.hazards.services, which refuses a stale `version` (409), checks the
role (403) and then the state (400), and writes the event and the audit entry in one transaction. Each action
answers the hazard as it now is (200).

Creating goes through `services.hazard_report`; PUT/PATCH correct the descriptive fields and the `level` and
`sector` through `services.hazard_update`; status, dates and the responsible department change only through the
actions (`department` through `transfer/`). There is no DELETE: a ledger line is never removed."""
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from apps.campaigns.models import SignOffLevel
from apps.core.api import ScopedPrimaryKeyRelatedField, actor_of
from apps.enterprises.models import Enterprise
from apps.regions.models import Department, Region, Sector

from . import services
from .filters import HazardFilterSet
from .models import (
    Acceptance,
    Hazard,
    Level,
    Listing,
    RectificationPlan,
    SignOff,
    Source,
    Status,
    Transfer,
    today,
)


def _enum(choices, description: str) -> dict:
    return {"type": "string", "enum": [value for value, _ in choices], "description": description}


# Choice fields whose names (`level`, `status`, `source`) other resources use for other values: each is a named
# component of its own, so that the OpenAPI document has no enum naming collisions.
@extend_schema_field(_enum(Level.choices, "major 重大事故隐患，general 一般隐患"), component_name="HazardLevel")
class LevelField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=Level.choices, **kwargs)


@extend_schema_field(_enum(Source.choices, "self 企业自查，department 部门检查，supervision 督导检查，expert 专家检查，"
                                           "tip 举报，assigned 上级交办，review 回头看"),
                     component_name="HazardSource")
class SourceField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=Source.choices, **kwargs)


@extend_schema_field(_enum(Status.choices, "reported 待整改，rectifying 整改中，awaiting_acceptance 待验收，"
                                           "closed 已销号"), component_name="HazardStatus")
class StatusField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=Status.choices, **kwargs)


@extend_schema_field(_enum(SignOffLevel.choices, "acceptance_group 验收组成员，county_department 县市区行业主管部门，"
                                                 "county_government 县市区政府，city_department 省辖市主管部门"),
                     component_name="SignOffLevel")
class SignOffLevelField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=SignOffLevel.choices, **kwargs)


def _version_field() -> serializers.IntegerField:
    return serializers.IntegerField(label="版本", required=False, min_value=1,
                                    help_text="读取时的版本号；若隐患已被他人修改则返回 409")


def _funds_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(label="资金（万元）", max_digits=12, decimal_places=4, coerce_to_string=True,
                                    help_text="万元，十进制字符串，如 \"3.5000\"", **kwargs)


# --- the nested, read-only parts --------------------------------------------------------------------------------

class RectificationPlanSerializer(serializers.ModelSerializer):
    funds = _funds_field(read_only=True)

    class Meta:
        model = RectificationPlan
        fields = ["owner", "measures", "funds", "deadline", "contingency", "interim_controls", "planned_on", "goal",
                  "requirements"]
        read_only_fields = fields


class SignOffSerializer(serializers.ModelSerializer):
    level = SignOffLevelField(label="签字层级", read_only=True)

    class Meta:
        model = SignOff
        fields = ["level", "name", "opinion", "signed_on"]
        read_only_fields = fields


class AcceptanceSerializer(serializers.ModelSerializer):
    members = serializers.ListField(label="验收组成员", child=serializers.CharField(), read_only=True)
    sign_offs = SignOffSerializer(label="签字", many=True, read_only=True)

    class Meta:
        model = Acceptance
        fields = ["accepted_on", "members", "conclusion", "sign_offs"]
        read_only_fields = fields


class ListingSerializer(serializers.ModelSerializer):
    authority_region = serializers.PrimaryKeyRelatedField(label="挂牌地区", read_only=True, help_text="区划代码")
    authority_department = serializers.PrimaryKeyRelatedField(
        label="挂牌部门", read_only=True, allow_null=True,
        help_text="部门 id；null 为挂牌地区的人民政府/安委会（政府挂牌督办）")

    class Meta:
        model = Listing
        fields = ["authority_region", "authority_department", "document_no", "listed_on", "deadline", "delisted_on"]
        read_only_fields = fields


class TransferSerializer(serializers.ModelSerializer):
    """{"from", "to", "reason", "transferred_on", "received_by"}: `from` is a Python keyword, hence get_fields."""

    to = serializers.PrimaryKeyRelatedField(label="接收部门", source="to_department", read_only=True)

    class Meta:
        model = Transfer
        fields = ["to", "reason", "transferred_on", "received_by"]
        read_only_fields = fields

    def get_fields(self):
        fields = super().get_fields()
        return {"from": serializers.PrimaryKeyRelatedField(label="移交部门", source="from_department", read_only=True),
                **fields}


# --- hazards/ ---------------------------------------------------------------------------------------------------

class HazardSerializer(serializers.ModelSerializer):
    """The hazard as read, and as POSTed to register it (services.hazard_report)."""

    enterprise = ScopedPrimaryKeyRelatedField(
        label="企业", label_name="企业", queryset=Enterprise.objects.all(), allow_null=True, required=False,
        help_text="企业 id；没有企业的隐患（道路、河岸）为 null，须填 `region`")
    enterprise_name = serializers.SerializerMethodField(
        label="企业名称", help_text="发现部门即使看不到企业档案，也能看到隐患所在企业的名称")
    region = ScopedPrimaryKeyRelatedField(
        label="所在区划", label_name="区划", queryset=Region.objects.all(), required=False,
        help_text="区划代码：企业所在区划（可不填）；没有企业时必填")
    level = LevelField(label="隐患等级")
    source = SourceField(label="隐患来源")
    sector = ScopedPrimaryKeyRelatedField(
        label="行业领域", label_name="行业领域", queryset=Sector.objects.all(), required=False,
        help_text="行业领域代码；不填时为企业的第一个由负责部门监管的行业领域，否则为企业的第一个行业领域")
    found_on = serializers.DateField(label="发现日期", required=False, help_text="不填为今天；可为过去的日期")
    found_by_department = ScopedPrimaryKeyRelatedField(
        label="发现部门", label_name="部门", queryset=Department.objects.all(), allow_null=True, required=False,
        help_text="部门 id；企业自查为 null；督导检查为检查组的牵头部门；不填时为登记人所在部门")
    department = ScopedPrimaryKeyRelatedField(
        label="负责部门", label_name="部门", queryset=Department.objects.all(), required=False,
        help_text="负责（接报/主管）部门 id：企业自查须为企业的主管部门之一；其他来源不填时为发现部门。"
                  "此后只能通过 transfer/ 变更")
    deadline = serializers.DateField(label="整改期限", required=False, allow_null=True,
                                     help_text="制定治理方案后为方案的治理时限")
    status = StatusField(label="状态", read_only=True)
    overdue = serializers.BooleanField(label="逾期", source="is_overdue", read_only=True,
                                       help_text="整改期限早于今天（北京时间）且未销号")
    listings = ListingSerializer(label="挂牌督办", many=True, read_only=True)
    transfers = TransferSerializer(label="移交", many=True, read_only=True)
    plan = RectificationPlanSerializer(label="治理方案", read_only=True, allow_null=True)
    acceptance = AcceptanceSerializer(label="验收销号", read_only=True, allow_null=True)
    penalty_waived = serializers.SerializerMethodField(label="依法不予行政处罚",
                                                       help_text="企业自查上报并按方案整改的重大事故隐患")

    class Meta:
        model = Hazard
        fields = [
            "id", "enterprise", "enterprise_name", "region", "title", "level", "source", "sector", "found_on",
            "found_by_department", "department", "description", "location", "status", "deadline", "overdue",
            "planned_on", "closed_on", "listings", "transfers", "version",
            "kind", "nature", "harm_analysis", "criterion", "found_by", "fixed_on_spot", "closure_reported_on",
            "plan", "acceptance", "penalty_waived",
        ]
        read_only_fields = ["planned_on", "closed_on", "version", "fixed_on_spot", "closure_reported_on"]

    def get_enterprise_name(self, hazard) -> str | None:
        return hazard.enterprise.name if hazard.enterprise_id else None

    def get_penalty_waived(self, hazard) -> bool:
        return services.penalty_waived(hazard)

    def validate(self, attrs):
        enterprise, region = attrs.get("enterprise"), attrs.get("region")
        if enterprise is not None and region is not None and region.pk != enterprise.region_id:
            raise serializers.ValidationError({"region": ["有企业的隐患，所在区划为企业所在区划。"]})
        if enterprise is None and region is None:
            raise serializers.ValidationError({"region": ["没有企业的隐患须填写所在区划。"]})
        deadline, found_on = attrs.get("deadline"), attrs.get("found_on") or today()
        if deadline is not None and deadline < found_on:
            raise serializers.ValidationError({"deadline": ["整改期限不能早于发现日期。"]})
        return attrs

    def create(self, validated_data):
        return services.hazard_report(actor=actor_of(self), data=validated_data)


# What PUT/PATCH may not change, and the field's own path of change.
FIXED = {
    "enterprise": ("enterprise_id", "企业不能修改。"),
    "region": ("region_id", "所在区划随企业确定，不能在此修改。"),
    "source": ("source", "隐患来源不能修改。"),
    "found_on": ("found_on", "发现日期不能修改。"),
    "found_by_department": ("found_by_department_id", "发现部门不能修改。"),
    "department": ("department_id", "负责部门只能通过移交（transfer/）变更。"),
    "status": ("status", "状态只能通过整改、验收等操作变更。"),
    "deadline": ("deadline", "整改期限随治理方案确定，不能在此修改。"),
    "planned_on": ("planned_on", "方案日期只能通过制定治理方案（plan/）确定。"),
    "closed_on": ("closed_on", "销号日期只能通过验收或立即整改确定。"),
}


class HazardUpdateSerializer(serializers.ModelSerializer):
    """PUT/PATCH: the descriptive fields of 附件6 and the corrections of `level` and `sector`
    (services.hazard_update). A whole record sent back as read is accepted as long as the fields that change only
    through an action keep their values."""

    level = LevelField(label="隐患等级")
    sector = ScopedPrimaryKeyRelatedField(label="行业领域", label_name="行业领域", queryset=Sector.objects.all(),
                                          required=False, help_text="行业领域代码")
    version = _version_field()

    class Meta:
        model = Hazard
        fields = ["title", "level", "sector", "description", "location", "kind", "nature", "harm_analysis",
                  "criterion", "found_by", "version"]

    def validate(self, attrs):
        errors = {}
        for name, (attname, message) in FIXED.items():
            if name in self.initial_data:
                sent, current = self.initial_data[name], getattr(self.instance, attname)
                current = current.isoformat() if hasattr(current, "isoformat") else current
                if (None if sent in ("", None) else str(sent)) != (None if current is None else str(current)):
                    errors[name] = [message]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def update(self, instance, validated_data):
        version = validated_data.pop("version", None)
        return services.hazard_update(actor=actor_of(self), hazard=instance, data=validated_data, version=version)


# --- the actions' bodies ----------------------------------------------------------------------------------------

class PlanRequestSerializer(serializers.Serializer):
    owner = serializers.CharField(label="责任人", max_length=200, help_text="负责治理的机构和人员")
    measures = serializers.CharField(label="治理方法和措施")
    funds = _funds_field(min_value=0)
    deadline = serializers.DateField(label="治理时限")
    contingency = serializers.CharField(label="安全措施和应急预案")
    interim_controls = serializers.CharField(label="管控措施", required=False, allow_blank=True, default="",
                                             help_text="限期整改、查封、停产等")
    planned_on = serializers.DateField(label="制定日期", required=False, help_text="不填为今天")
    goal = serializers.CharField(label="治理目标和主要任务", required=False, allow_blank=True, default="")
    requirements = serializers.CharField(label="时限和要求", required=False, allow_blank=True, default="")
    version = _version_field()


class FixOnSpotRequestSerializer(serializers.Serializer):
    note = serializers.CharField(label="整改说明", required=False, allow_blank=True, default="")
    fixed_on = serializers.DateField(label="整改日期", required=False, help_text="不填为今天；即销号日期")
    files = serializers.ListField(label="整改后佐证材料", child=serializers.FileField(), required=False, default=list,
                                  help_text="multipart 上传：JPG、PNG、WebP 图片或 PDF、Word 文档，每个不超过 10 MB")
    version = _version_field()


class SubmitRequestSerializer(serializers.Serializer):
    note = serializers.CharField(label="说明", required=False, allow_blank=True, default="")
    submitted_on = serializers.DateField(label="提请日期", required=False, help_text="不填为今天")
    version = _version_field()


class SignOffRequestSerializer(serializers.Serializer):
    level = SignOffLevelField(label="签字层级")
    name = serializers.CharField(label="签字人", max_length=100)
    opinion = serializers.CharField(label="意见", required=False, allow_blank=True, default="")
    signed_on = serializers.DateField(label="签字日期", required=False, help_text="不填为验收日期")


class AcceptRequestSerializer(serializers.Serializer):
    accepted_on = serializers.DateField(label="验收日期", required=False, help_text="不填为今天；即销号日期")
    members = serializers.ListField(label="验收组成员", child=serializers.CharField(max_length=100),
                                    allow_empty=False, help_text="姓名列表")
    conclusion = serializers.CharField(label="验收结论")
    sign_offs = SignOffRequestSerializer(label="签字", many=True, required=False, default=list,
                                         help_text="覆盖该地区的专项行动要求的签字层级缺一不可（多余的保留）")
    version = _version_field()


class RejectRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(label="不通过原因")
    rejected_on = serializers.DateField(label="验收日期", required=False, help_text="不填为今天")
    version = _version_field()


class ClosureReportRequestSerializer(serializers.Serializer):
    reported_on = serializers.DateField(label="上报日期", required=False, help_text="不填为今天；不早于销号日期")
    version = _version_field()


class ListRequestSerializer(serializers.Serializer):
    authority_region = ScopedPrimaryKeyRelatedField(label="挂牌地区", label_name="区划", queryset=Region.objects.all(),
                                                    help_text="区划代码")
    authority_department = ScopedPrimaryKeyRelatedField(
        label="挂牌部门", label_name="部门", queryset=Department.objects.all(), allow_null=True, required=False,
        default=None, help_text="部门 id；null 为挂牌地区的人民政府/安委会（政府挂牌督办）")
    document_no = serializers.CharField(label="督办文号", max_length=100)
    listed_on = serializers.DateField(label="挂牌日期", required=False, help_text="不填为今天")
    deadline = serializers.DateField(label="督办期限")
    version = _version_field()


class DelistRequestSerializer(serializers.Serializer):
    listing = serializers.IntegerField(label="挂牌督办", min_value=0, help_text="在 `listings` 中的序号（从 0 开始）")
    delisted_on = serializers.DateField(label="摘牌日期", required=False, help_text="不填为今天")
    version = _version_field()


class TransferRequestSerializer(serializers.Serializer):
    department = ScopedPrimaryKeyRelatedField(label="接收部门", label_name="部门", queryset=Department.objects.all())
    reason = serializers.CharField(label="移交原因")
    transferred_on = serializers.DateField(label="移交日期", required=False, help_text="不填为今天")
    version = _version_field()


ERRORS = {
    400: OpenApiResponse(description="请求有误或隐患当前状态不允许此操作（{\"字段\": [\"说明\"]}）"),
    403: OpenApiResponse(description="可见但无权执行此操作（{\"detail\": \"…\"}）"),
    404: OpenApiResponse(description="隐患不存在或不在调用者的可见范围内"),
    409: OpenApiResponse(description="`version` 已过期：隐患已被他人修改（{\"detail\": \"…\"}）"),
}


def _step(request_serializer, summary: str):
    return extend_schema(summary=summary, request=request_serializer, responses={200: HazardSerializer, **ERRORS})


def with_related(queryset):
    """Everything the representation reads, in a fixed number of queries for any page size."""
    return queryset.select_related("enterprise", "plan", "acceptance").prefetch_related(
        Prefetch("listings", queryset=Listing.objects.order_by("listed_on", "id")),
        Prefetch("transfers", queryset=Transfer.objects.order_by("transferred_on", "id")),
        Prefetch("acceptance__sign_offs", queryset=SignOff.objects.order_by("id")),
    )


class HazardViewSet(viewsets.ModelViewSet):
    """隐患台账：仅返回调用者可见范围内的隐患（范围外的隐患一律 404）。登记（POST）按来源区分登记人；修改（PUT/PATCH）
    仅限描述性字段及隐患等级、行业领域的更正；状态只能通过各项操作变更，负责部门只能通过移交变更；不提供删除。"""

    queryset = Hazard.objects.all()
    serializer_class = HazardSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_class = HazardFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    STEPS = {"plan", "fix_on_spot", "submit", "accept", "reject", "list_", "delist", "transfer"}

    def get_queryset(self):
        visible = Hazard.objects.visible_to(self.request.user)
        if self.action in self.STEPS:  # the service reads the row afresh under its lock
            return visible
        return with_related(visible)

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return HazardUpdateSerializer
        return HazardSerializer

    def _answer(self, hazard, code=status.HTTP_200_OK) -> Response:
        """The hazard as it now is (read afresh, unscoped: the caller has just acted on it, and a transfer may
        have taken it out of their sight)."""
        fresh = with_related(Hazard.objects.all()).get(pk=hazard.pk)
        return Response(HazardSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    def _body(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    @extend_schema(request=HazardSerializer, responses={201: HazardSerializer, **ERRORS})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._answer(serializer.save(), status.HTTP_201_CREATED)

    @extend_schema(request=HazardUpdateSerializer, responses={200: HazardSerializer, **ERRORS})
    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        serializer = HazardUpdateSerializer(self.get_object(), data=request.data, partial=partial,
                                            context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return self._answer(serializer.save())

    @extend_schema(request=HazardUpdateSerializer, responses={200: HazardSerializer, **ERRORS})
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @_step(PlanRequestSerializer, "制定治理方案 → rectifying（企业人员）")
    @action(detail=True, methods=["post"])
    def plan(self, request, pk=None):
        hazard = self.get_object()
        body = self._body(PlanRequestSerializer)
        version = body.pop("version", None)
        return self._answer(services.hazard_plan(actor=request.user, hazard=hazard, plan=body, version=version))

    @_step(FixOnSpotRequestSerializer, "立即整改 → closed（一般隐患；企业人员或发现部门）")
    @action(detail=True, methods=["post"], url_path="fix-on-spot",
            parser_classes=[JSONParser, MultiPartParser, FormParser])
    def fix_on_spot(self, request, pk=None):
        hazard = self.get_object()
        body = self._body(FixOnSpotRequestSerializer)
        return self._answer(services.hazard_fix_on_spot(
            actor=request.user, hazard=hazard, fixed_on=body.get("fixed_on"), note=body["note"],
            version=body.get("version"), files=body["files"]))

    @_step(SubmitRequestSerializer, "提请验收 → awaiting_acceptance（企业人员）")
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        hazard = self.get_object()
        body = self._body(SubmitRequestSerializer)
        return self._answer(services.hazard_submit(actor=request.user, hazard=hazard, note=body["note"],
                                                   version=body.get("version"),
                                                   submitted_on=body.get("submitted_on")))

    @_step(AcceptRequestSerializer, "验收销号 → closed（负责部门）")
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        hazard = self.get_object()
        body = self._body(AcceptRequestSerializer)
        return self._answer(services.hazard_accept(
            actor=request.user, hazard=hazard, accepted_on=body.get("accepted_on"), members=body["members"],
            conclusion=body["conclusion"], sign_offs=[dict(s) for s in body["sign_offs"]],
            version=body.get("version")))

    @_step(RejectRequestSerializer, "验收不通过 → rectifying（负责部门）")
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        hazard = self.get_object()
        body = self._body(RejectRequestSerializer)
        return self._answer(services.hazard_reject(actor=request.user, hazard=hazard, reason=body["reason"],
                                                   version=body.get("version"), rejected_on=body.get("rejected_on")))

    @_step(ClosureReportRequestSerializer, "上报销号情况（销号后3日内；企业人员或负责部门）——本平台附加")
    @action(detail=True, methods=["post"], url_path="closure-report")
    def closure_report(self, request, pk=None):
        hazard = self.get_object()
        body = self._body(ClosureReportRequestSerializer)
        return self._answer(services.hazard_report_closure(actor=request.user, hazard=hazard,
                                                           reported_on=body.get("reported_on"),
                                                           version=body.get("version")))

    @_step(ListRequestSerializer, "挂牌督办（政府挂牌：安委办负责人；部门挂牌：该部门负责人）")
    @action(detail=True, methods=["post"], url_path="list", url_name="list-action")
    def list_(self, request, pk=None):
        hazard = self.get_object()
        body = self._body(ListRequestSerializer)
        services.hazard_list(actor=request.user, hazard=hazard, authority_region=body["authority_region"],
                             authority_department=body["authority_department"], document_no=body["document_no"],
                             listed_on=body.get("listed_on"), deadline=body["deadline"], version=body.get("version"))
        return self._answer(hazard)

    @_step(DelistRequestSerializer, "摘牌（挂牌单位的负责人）")
    @action(detail=True, methods=["post"])
    def delist(self, request, pk=None):
        hazard = self.get_object()
        body = self._body(DelistRequestSerializer)
        services.hazard_delist(actor=request.user, hazard=hazard, index=body["listing"],
                               delisted_on=body.get("delisted_on"), version=body.get("version"))
        return self._answer(hazard)

    @_step(TransferRequestSerializer, "移交（负责部门或其上级安委办）")
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        hazard = self.get_object()
        body = self._body(TransferRequestSerializer)
        services.hazard_transfer(actor=request.user, hazard=hazard, to_department=body["department"],
                                 reason=body["reason"], transferred_on=body.get("transferred_on"),
                                 version=body.get("version"))
        return self._answer(hazard)
