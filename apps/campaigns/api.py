"""API `campaigns/` and `campaigns/{slug}/sector-rows/` (API.md).

Every signed-in user reads every campaign. Writes go through apps.campaigns.services: a system administrator,
a safety office for a campaign whose region lies in its subtree, or a department leader for a campaign issued
by its department (D*). `slug` is given on create and never changes; `preset` is written once and supplies
what the request leaves out (dated as its plan dates it, or moved to the `start` given). Every JSON structure
is validated; a 400 names the field and the item: `{"phases": ["第2项：结束日期早于开始日期"]}`. A stale
`version` answers 409. There is no DELETE (reports point at campaigns)."""
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api import ScopedPrimaryKeyRelatedField, actor_of
from apps.core.errors import NotAllowed
from apps.enterprises.models import FLAGS
from apps.regions.models import Department, Region

from . import services
from .models import Campaign, SignOffLevel
from .presets import DEADLINE_LEVELS, PRESET_CHOICES
from .schedule import TEMPLATES


def _array(item: dict, description: str) -> dict:
    return {"type": "array", "items": item, "description": description}


def _object(properties: dict, required: list[str]) -> dict:
    return {"type": "object", "properties": properties, "required": required}


_DATE = {"type": "string", "format": "date"}
_DAY = {"oneOf": [{"type": "integer", "minimum": 1, "maximum": 31}, {"type": "string", "enum": ["last"]}]}
_STRINGS = {"type": "array", "items": {"type": "string"}}

PHASES_SCHEMA = _array(_object({
    "code": {"type": "string"}, "name": {"type": "string"}, "start": _DATE, "end": _DATE,
    "summary": {"type": "string"},
    "tasks": {"type": "array", "items": _object({"section": {"type": "integer"}, "level": {"type": "string"},
                                                  "items": _STRINGS}, ["level", "items"])},
}, ["code", "name", "start", "end"]), "工作阶段；须在专项行动期间内。tasks：各层面重点工作（红河 附件3）")
DUTIES_SCHEMA = _array(_object({
    "kind": {"type": "string", "enum": list(services.DUTY_KINDS)},
    "every": {"type": "string", "enum": list(services.DUTY_PERIODS)},
    "times": {"type": "integer", "minimum": 1},
    "flags": {"type": "array", "items": {"type": "string", "enum": list(FLAGS)}},
}, ["kind", "every", "times"]), "企业履职频次：规则约束同时具备 flags 中全部类别的企业；flags 为空则约束全部企业")
SIGN_OFFS_SCHEMA = _array({"type": "string", "enum": list(SignOffLevel.values)}, "验收销号须具备的签字层级")
SCHEDULE_SCHEMA = _array(_object({
    "template": {"type": "string", "enum": list(TEMPLATES)},
    "cutoff_days": {"type": "array", "items": _DAY},
    "due_day": {"oneOf": [_DAY, {"type": "array", "items": _DAY}], "nullable": True},
    "reports_from": _DATE,
}, ["template", "cutoff_days"]), "报送安排：截止日为 1–31 或 \"last\"（月末）；报送日为截止日当天或之后"
                                 "第一个日期为 due_day 的日子（福州：截止上月末，1 日报送）；cutoff_days 为空表示"
                                 "未规定（红河 附件3）")
SECTOR_ROWS_SCHEMA = _array(_object({
    "code": {"type": "string"}, "label": {"type": "string"}, "parent": {"type": "string", "nullable": True},
    "order": {"type": "integer"}, "sectors": _STRINGS,
}, ["code", "label"]), "红河 附件2 行业领域行（REPORTS.md §6）；cum、month 为两行合计，不含行业领域")
FOCUS_SCHEMA = _array(_object({"label": {"type": "string"}, "sectors": _STRINGS, "items": _STRINGS}, ["label"]),
                      "整治重点：重点行业领域（按方案原文）、对应行业领域代码及重点事项")
DEADLINES_SCHEMA = _array(_object({
    "code": {"type": "string"}, "name": {"type": "string"}, "due": _DATE,
    "level": {"type": "string", "enum": list(DEADLINE_LEVELS)}, "note": {"type": "string"},
}, ["code", "name", "due", "level"]), "一次性节点任务（警示教育、方案、中期、总结报送等）")


def _json_field(schema: dict, name: str):
    @extend_schema_field(schema)
    class Field(serializers.JSONField):
        pass

    Field.__name__ = f"{name}Field"
    return Field


PhasesField = _json_field(PHASES_SCHEMA, "Phases")
DutiesField = _json_field(DUTIES_SCHEMA, "Duties")
SignOffsField = _json_field(SIGN_OFFS_SCHEMA, "SignOffs")
ScheduleField = _json_field(SCHEDULE_SCHEMA, "Schedule")
SectorRowsField = _json_field(SECTOR_ROWS_SCHEMA, "SectorRows")
FocusField = _json_field(FOCUS_SCHEMA, "Focus")
DeadlinesField = _json_field(DEADLINES_SCHEMA, "Deadlines")


class CampaignSerializer(serializers.ModelSerializer):
    slug = serializers.SlugField(label="标识", max_length=64, required=False,
                                 help_text="创建时指定，之后不能修改", error_messages={
                                     "invalid": "标识只能由字母、数字、“_”和“-”组成。"})
    name = serializers.CharField(label="名称", max_length=200, required=False)
    region = ScopedPrimaryKeyRelatedField(label="开展地区", label_name="区划", queryset=Region.objects.all(),
                                          required=False, help_text="区划代码")
    department = ScopedPrimaryKeyRelatedField(label="印发部门", label_name="部门", queryset=Department.objects.all(),
                                              allow_null=True, required=False,
                                              help_text="部门自行开展的专项行动的印发部门（如福州市城乡建设局）；"
                                                        "否则为 null")
    issuer = serializers.CharField(label="印发单位", max_length=100, required=False, allow_blank=True)
    document_no = serializers.CharField(label="文号", max_length=100, required=False, allow_blank=True)
    start = serializers.DateField(label="开始日期", required=False)
    end = serializers.DateField(label="结束日期", required=False)
    preset = serializers.ChoiceField(label="预设方案", choices=PRESET_CHOICES, required=False, allow_blank=True,
                                     help_text="只能在创建时指定；未给出的字段由预设方案按其方案原文提供")
    phases = PhasesField(label="工作阶段", required=False)
    duties = DutiesField(label="企业履职频次", required=False)
    sign_offs = SignOffsField(label="销号所需签字", required=False)
    schedule = ScheduleField(label="报送安排", required=False)
    sector_rows = SectorRowsField(label="统计表行业领域行", required=False)
    focus = FocusField(label="整治重点", required=False)
    deadlines = DeadlinesField(label="节点任务", required=False)
    version = serializers.IntegerField(label="版本", required=False, min_value=1,
                                       help_text="读取时的版本号；若已被他人修改则返回 409")

    class Meta:
        model = Campaign
        fields = ["slug", "name", "region", "department", "issuer", "document_no", "start", "end", "preset",
                  "phases", "duties", "sign_offs", "schedule", "sector_rows", "focus", "deadlines", "version"]

    def create(self, validated_data):
        validated_data.pop("version", None)
        return services.campaign_create(actor=actor_of(self), data=validated_data)

    def update(self, instance, validated_data):
        version = validated_data.pop("version", None)
        return services.campaign_update(actor=actor_of(self), campaign=instance, data=validated_data,
                                        version=version)


class SectorRowsRequestSerializer(serializers.Serializer):
    sector_rows = SectorRowsField(label="行业领域行")
    version = serializers.IntegerField(label="版本", required=False, min_value=1)


ERRORS = {
    400: OpenApiResponse(description="请求有误（{\"字段\": [\"第N项：说明\"]}）"),
    403: OpenApiResponse(description="无权维护该专项行动（{\"detail\": \"…\"}）"),
    409: OpenApiResponse(description="`version` 已过期：专项行动已被他人修改"),
}


class CampaignViewSet(viewsets.ModelViewSet):
    """专项行动：所有登录用户可读；系统管理员、开展地区（或其上级）安委办、印发部门负责人可维护。slug 创建后不能修改，
    preset 只能在创建时指定。不提供删除。"""

    queryset = Campaign.objects.all()
    serializer_class = CampaignSerializer
    permission_classes = [permissions.IsAuthenticated]
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return Campaign.objects.visible_to(self.request.user).select_related("region", "department")

    def _refuse_unless_writer(self, campaign: Campaign | None = None) -> None:
        """A 403 before any 400: someone who may not write gets the refusal, not a list of their mistakes."""
        user = self.request.user
        allowed = (services.may_write_some_campaign(user) if campaign is None
                   else services.can_write_campaign(user, campaign.region_id, campaign.department_id))
        if not allowed:
            raise NotAllowed(services.WRITE_REFUSED)

    @extend_schema(responses={201: CampaignSerializer, **ERRORS})
    def create(self, request, *args, **kwargs):
        self._refuse_unless_writer()
        data = request.data
        missing = {key: ["请填写此字段。"] for key in ("slug", "region") if not data.get(key)}
        if missing:
            raise serializers.ValidationError(missing)
        if not data.get("preset"):
            for key in ("name", "start", "end"):
                if not data.get(key):
                    missing[key] = ["未指定预设方案时必须填写。"]
            if missing:
                raise serializers.ValidationError(missing)
        return super().create(request, *args, **kwargs)

    @extend_schema(responses={200: CampaignSerializer, **ERRORS})
    def update(self, request, *args, **kwargs):
        self._refuse_unless_writer(self.get_object())
        return super().update(request, *args, **kwargs)

    @extend_schema(responses={200: CampaignSerializer, **ERRORS})
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    @extend_schema(methods=["GET"], summary="红河 附件2 行业领域行", responses={200: SECTOR_ROWS_SCHEMA})
    @extend_schema(methods=["PUT"], summary="整体替换行业领域行",
                   description="请求体为行列表本身，或 {\"sector_rows\": [...], \"version\": n}。",
                   request={"application/json": SECTOR_ROWS_SCHEMA}, responses={200: SECTOR_ROWS_SCHEMA, **ERRORS})
    @action(detail=True, methods=["get", "put"], url_path="sector-rows")
    def sector_rows(self, request, slug=None):
        campaign = self.get_object()
        if request.method == "PUT":
            self._refuse_unless_writer(campaign)
            body = request.data
            if isinstance(body, list):
                body = {"sector_rows": body}
            serializer = SectorRowsRequestSerializer(data=body)
            serializer.is_valid(raise_exception=True)
            campaign = services.campaign_set_sector_rows(
                actor=request.user, campaign=campaign, rows=serializer.validated_data["sector_rows"],
                version=serializer.validated_data.get("version"))
        return Response(campaign.sector_rows, status=status.HTTP_200_OK)
