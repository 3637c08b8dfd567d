"""API `tips/` (staff) and `public/tips/` (the public, no sign-in), as API.md fixes them.

`public/tips/` POST takes a tip from anyone and answers only its receipt code; `public/tips/{receipt}/` GET answers
only that tip's status. Both run without authentication (no session, hence no CSRF check, for any JSON client) and
are rate-limited per client address (DESIGN.md "Bad input and faults"), answering 429 with a Chinese message.

`tips/` is the staff view through `Tip.objects.visible_to(user)` (a tip outside the caller's scope answers 404 on
every path, actions included). No answer of either resource ever carries the reporter's name or phone: the
serializers have no such field to read, and the querysets do not even load the tokens. Tips come in through the
public form; only an administrator may POST `tips/` (loading past tips with their `received_on`), others get 405.
The actions triage/, verify/ and reward/ hand over to apps.tips.services (409 stale `version`, 403 role, 400
state), and answer the tip as it now is."""
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed, NotFound, Throttled
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from apps.core.api import ScopedPrimaryKeyRelatedField
from apps.enterprises.models import Enterprise
from apps.hazards.models import Hazard
from apps.regions.models import Department, Region

from . import services
from .filters import TipFilterSet
from .models import Tip, TipStatus

DESCRIPTION_MAX = 5000
STAFF_FIELDS = ["id", "receipt", "region", "enterprise", "enterprise_name", "description", "anonymous", "department",
                "status", "verified_on", "hazard", "reward_amount", "rewarded_on", "version"]
PUBLIC_STATUS_FIELDS = ["receipt", "status", "status_label", "received_on"]


def _enum(choices, description: str) -> dict:
    return {"type": "string", "enum": [value for value, _ in choices], "description": description}


# `status` is also a field of hazards and reports, with other values: a named component of its own.
@extend_schema_field(_enum(TipStatus.choices, "received 已受理，triaged 已分办，verified 查实，unfounded 不属实"),
                     component_name="TipStatus")
class TipStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=TipStatus.choices, **kwargs)


OUTCOMES = [(s.value, s.label) for s in (TipStatus.VERIFIED, TipStatus.UNFOUNDED)]


@extend_schema_field(_enum(OUTCOMES, "verified 查实，unfounded 不属实"), component_name="TipOutcome")
class TipOutcomeField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=OUTCOMES, **kwargs)


def _version_field() -> serializers.IntegerField:
    return serializers.IntegerField(label="版本", required=False, min_value=1,
                                    help_text="读取时的版本号；若举报已被他人修改则返回 409")


def _money_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(label="奖励金额（万元）", max_digits=12, decimal_places=4, coerce_to_string=True,
                                    help_text="万元，十进制字符串，如 \"0.5000\"", **kwargs)


# --- public/tips/ -----------------------------------------------------------------------------------------------

class PublicTipSerializer(serializers.Serializer):
    """What the public form takes. The name and phone are write-only: they are encrypted and never answered."""

    region = serializers.PrimaryKeyRelatedField(
        label="所在区划", queryset=Region.objects.all(), help_text="区划代码（被举报单位或隐患所在地）",
        error_messages={"does_not_exist": "区划“{pk_value}”不存在。", "required": "请选择所在区划。",
                        "null": "请选择所在区划。", "incorrect_type": "区划代码格式不正确（收到 {data_type}）。"})
    enterprise_name = serializers.CharField(
        label="被举报单位名称", max_length=200, required=False, allow_blank=True, default="",
        error_messages={"max_length": "被举报单位名称不能超过 {max_length} 字。"})
    description = serializers.CharField(
        label="举报内容", max_length=DESCRIPTION_MAX, help_text=f"不超过 {DESCRIPTION_MAX} 字",
        error_messages={"required": "请填写举报内容。", "blank": "请填写举报内容。",
                        "max_length": "举报内容不能超过 {max_length} 字。"})
    anonymous = serializers.BooleanField(
        label="匿名举报", required=False, default=True,
        help_text="默认匿名；匿名举报不保存姓名和电话（即使填写了）。实名举报须填写姓名或电话")
    reporter_name = serializers.CharField(
        label="举报人姓名", max_length=50, required=False, allow_blank=True, default="", write_only=True,
        help_text="实名举报时填写；加密保存，任何接口都不会返回",
        error_messages={"max_length": "姓名不能超过 {max_length} 字。"})
    reporter_phone = serializers.RegexField(
        r"^[0-9+()\- ]{5,32}$", label="举报人电话", required=False, allow_blank=True, default="", write_only=True,
        help_text="实名举报时填写；加密保存，任何接口都不会返回",
        error_messages={"invalid": "联系电话只能包含数字、空格、+、-、括号，5 至 32 位。"})

    def validate(self, attrs):
        if not attrs.get("anonymous", True) and not (attrs.get("reporter_name", "").strip()
                                                     or attrs.get("reporter_phone", "").strip()):
            raise serializers.ValidationError(
                {"reporter_name": ["实名举报请至少填写姓名或联系电话；不愿留下身份请选择匿名举报。"]})
        return attrs


class PublicTipReceiptSerializer(serializers.Serializer):
    receipt = serializers.CharField(label="回执码", read_only=True, help_text="凭此码查询办理状态，请妥善保存")


class PublicTipStatusSerializer(serializers.ModelSerializer):
    """A receipt shows its own tip's status, nothing else."""

    status = TipStatusField(label="状态", read_only=True)
    status_label = serializers.CharField(label="状态名称", source="get_status_display", read_only=True)

    class Meta:
        model = Tip
        fields = PUBLIC_STATUS_FIELDS
        read_only_fields = fields


class PublicTipSubmitThrottle(AnonRateThrottle):
    """Per client address, for the public form only; the rates live here, not in the global settings."""

    scope = "public_tip_submit"
    THROTTLE_RATES = {"public_tip_submit": "10/hour", "public_tip_status": "60/hour"}


class PublicTipStatusThrottle(PublicTipSubmitThrottle):
    scope = "public_tip_status"


class TooManyRequests(Throttled):
    default_detail = "操作过于频繁，请稍后再试。"
    extra_detail_singular = extra_detail_plural = "请 {wait} 秒后再试。"


THROTTLED = OpenApiResponse(description="操作过于频繁（{\"detail\": \"…\"}，并带 Retry-After 头）")


class PublicTipViewSet(viewsets.GenericViewSet):
    """公众举报：无需登录。提交举报得到回执码；凭回执码只能查询该举报的办理状态。按来源地址限制频率。"""

    queryset = Tip.objects.none()
    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    filter_backends: list = []
    pagination_class = None
    lookup_field = "receipt"
    lookup_value_regex = "[^/]+"

    def get_throttles(self):
        throttle = PublicTipStatusThrottle if self.action == "retrieve" else PublicTipSubmitThrottle
        return [throttle()]

    def throttled(self, request, wait):
        if self.action == "retrieve":
            raise TooManyRequests(wait, "查询过于频繁，请稍后再试。")
        raise TooManyRequests(wait, "提交过于频繁，请稍后再试。")

    def get_serializer_class(self):
        return PublicTipStatusSerializer if self.action == "retrieve" else PublicTipSerializer

    @extend_schema(summary="提交举报（无需登录）", request=PublicTipSerializer, auth=[],
                   responses={201: PublicTipReceiptSerializer,
                              400: OpenApiResponse(description="请求有误（{\"字段\": [\"说明\"]}）"), 429: THROTTLED})
    def create(self, request, *args, **kwargs):
        serializer = PublicTipSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tip = services.submit_tip(**serializer.validated_data)
        return Response({"receipt": tip.receipt}, status=status.HTTP_201_CREATED)

    @extend_schema(summary="凭回执码查询办理状态（无需登录）", auth=[],
                   responses={200: PublicTipStatusSerializer,
                              404: OpenApiResponse(description="回执码不存在"), 429: THROTTLED})
    def retrieve(self, request, receipt=None):
        tip = services.tip_by_receipt(receipt or "")
        if tip is None:
            raise NotFound("回执码不存在，请核对后重新输入。")
        return Response(PublicTipStatusSerializer(tip).data)


# --- tips/ ------------------------------------------------------------------------------------------------------

class TipSerializer(serializers.ModelSerializer):
    """The staff view of a tip: never the reporter's identity."""

    region = serializers.PrimaryKeyRelatedField(label="所在区划", read_only=True,
                                                help_text="区划代码：关联企业后为企业所在区划，否则为举报人选择的区划")
    enterprise = serializers.PrimaryKeyRelatedField(label="被举报企业", read_only=True, allow_null=True,
                                                    help_text="企业 id；分办时关联，未关联为 null")
    department = serializers.PrimaryKeyRelatedField(label="承办部门", read_only=True, allow_null=True,
                                                    help_text="部门 id；分办后确定")
    status = TipStatusField(label="状态", read_only=True)
    hazard = serializers.PrimaryKeyRelatedField(label="形成隐患", read_only=True, allow_null=True,
                                                help_text="隐患 id；查实后可关联")
    reward_amount = _money_field(read_only=True, allow_null=True)

    class Meta:
        model = Tip
        fields = STAFF_FIELDS
        read_only_fields = fields


class TipLoadSerializer(PublicTipSerializer):
    """POST `tips/` (system administrator only): a past tip, with the public form's fields and its date."""

    received_on = serializers.DateField(label="受理日期", required=False, help_text="不填为今天；可为过去的日期")


class TriageRequestSerializer(serializers.Serializer):
    department = ScopedPrimaryKeyRelatedField(label="承办部门", label_name="部门", queryset=Department.objects.all(),
                                              help_text="部门 id：本安委办辖区内的部门")
    enterprise = ScopedPrimaryKeyRelatedField(
        label="被举报企业", label_name="企业", queryset=Enterprise.objects.all(), allow_null=True, required=False,
        default=None, help_text="企业 id（可不填）；关联后举报的所在区划随企业")
    triaged_on = serializers.DateField(label="分办日期", required=False, help_text="不填为今天")
    version = _version_field()


class VerifyRequestSerializer(serializers.Serializer):
    outcome = TipOutcomeField(label="核查结果")
    verified_on = serializers.DateField(label="核查日期", required=False, help_text="不填为今天")
    hazard = ScopedPrimaryKeyRelatedField(label="形成隐患", label_name="隐患", queryset=Hazard.objects.all(),
                                          allow_null=True, required=False, default=None,
                                          help_text="隐患 id（查实时可填）")
    reason = serializers.CharField(label="核查说明", required=False, allow_blank=True, default="",
                                   help_text="核查不属实时必填")
    version = _version_field()

    def validate(self, attrs):
        if attrs["outcome"] == TipStatus.UNFOUNDED and not attrs.get("reason", "").strip():
            raise serializers.ValidationError({"reason": ["核查不属实须说明理由。"]})
        return attrs


class RewardRequestSerializer(serializers.Serializer):
    amount = _money_field()
    rewarded_on = serializers.DateField(label="奖励日期", required=False, help_text="不填为今天；不早于核查日期")
    version = _version_field()

    def validate_amount(self, value):
        if value <= 0:
            raise serializers.ValidationError("奖励金额须大于 0（万元）。")
        return value


ERRORS = {
    400: OpenApiResponse(description="请求有误或举报当前状态不允许此操作（{\"字段\": [\"说明\"]}）"),
    403: OpenApiResponse(description="可见但无权执行此操作（{\"detail\": \"…\"}）"),
    404: OpenApiResponse(description="举报不存在或不在调用者的可见范围内"),
    409: OpenApiResponse(description="`version` 已过期：举报已被他人修改（{\"detail\": \"…\"}）"),
}


def _step(request_serializer, summary: str):
    return extend_schema(summary=summary, request=request_serializer, responses={200: TipSerializer, **ERRORS})


class TipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """举报（工作人员视图）：仅返回调用者可见范围内的举报（安委办看本辖区，承办部门看分办给本部门的），从不返回举报人
    身份。举报经公众渠道（public/tips/）提交；只有系统管理员可在此导入历史举报。分办、核查、奖励通过各项操作进行。"""

    queryset = Tip.objects.all()
    serializer_class = TipSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_class = TipFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        # The identity tokens are never even loaded for an API answer.
        return Tip.objects.visible_to(self.request.user).defer(*services.IDENTITY_FIELDS)

    def _answer(self, tip, code=status.HTTP_200_OK) -> Response:
        """The tip as it now is (read afresh, unscoped: the caller has just acted on it)."""
        fresh = Tip.objects.defer(*services.IDENTITY_FIELDS).get(pk=tip.pk)
        return Response(TipSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    def _body(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    @extend_schema(summary="导入历史举报（仅系统管理员；其他用户 405，举报经 public/tips/ 提交）",
                   request=TipLoadSerializer,
                   responses={201: TipSerializer, 400: ERRORS[400],
                              405: OpenApiResponse(description="非系统管理员不能在此提交举报")})
    def create(self, request, *args, **kwargs):
        if not services.is_admin(request.user):
            raise MethodNotAllowed(request.method,
                                   detail="举报须通过公众举报渠道（public/tips/）提交；只有系统管理员可在此导入历史举报。")
        body = self._body(TipLoadSerializer)
        return self._answer(services.submit_tip(actor=request.user, **body), status.HTTP_201_CREATED)

    @_step(TriageRequestSerializer, "分办（举报所在地区或上级的安委办）→ triaged")
    @action(detail=True, methods=["post"])
    def triage(self, request, pk=None):
        tip = self.get_object()
        body = self._body(TriageRequestSerializer)
        return self._answer(services.tip_triage(
            actor=request.user, tip=tip, department=body["department"], enterprise=body["enterprise"],
            triaged_on=body.get("triaged_on"), version=body.get("version")))

    @_step(VerifyRequestSerializer, "核查（承办部门）→ verified / unfounded")
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        tip = self.get_object()
        body = self._body(VerifyRequestSerializer)
        return self._answer(services.tip_verify(
            actor=request.user, tip=tip, outcome=body["outcome"], verified_on=body.get("verified_on"),
            hazard=body["hazard"], reason=body["reason"], version=body.get("version")))

    @_step(RewardRequestSerializer, "奖励（承办部门；仅查实的举报）")
    @action(detail=True, methods=["post"])
    def reward(self, request, pk=None):
        tip = self.get_object()
        body = self._body(RewardRequestSerializer)
        return self._answer(services.tip_reward(
            actor=request.user, tip=tip, amount=body["amount"], rewarded_on=body.get("rewarded_on"),
            version=body.get("version")))
