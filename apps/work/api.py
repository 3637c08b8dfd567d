"""API `activities/`, `risks/`, `problems/` (API.md; REPORTS.md §9.1).

The queryset is always `Model.objects.visible_to(user)`, so a record outside the caller's scope answers 404 on
every path. References resolve only among what the caller sees (an enterprise it cannot see is "不存在": 400 naming
the field). The serializers check the shape of a request; apps.work.services checks who acts (403) and the record
(400, naming each field), refuses a stale `version` (409) and writes the audit entry, for POST, PUT, PATCH and
DELETE alike."""
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.response import Response

from apps.core.api import ScopedPrimaryKeyRelatedField, actor_of
from apps.enterprises.models import Enterprise
from apps.regions.models import Department, Region, Sector

from . import services
from .filters import ActivityFilterSet, ProblemFilterSet, RiskFilterSet
from .models import Activity, ActivityKind, MediaLevel, Problem, ProblemSource, Risk


# Choice fields whose names (`kind`, `source`) other resources use for other values: each is a named component of
# its own, so that the OpenAPI document has no enum naming collisions.
@extend_schema_field({"type": "string", "enum": list(ActivityKind.values),
                      "description": "；".join(f"{k.value} {k.label}" for k in ActivityKind)},
                     component_name="ActivityKind")
class ActivityKindField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=ActivityKind.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": list(ProblemSource.values),
                      "description": "self 自行梳理，assigned 上级督查检查反馈"}, component_name="ProblemSource")
class ProblemSourceField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=ProblemSource.choices, **kwargs)


@extend_schema_field({"type": "integer", "enum": list(MediaLevel.values), "nullable": True,
                      "description": "1 省级，2 市级，3 县级；仅 media_column"}, component_name="MediaLevel")
class MediaLevelField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=MediaLevel.choices, **kwargs)


def _version_field() -> serializers.IntegerField:
    return serializers.IntegerField(label="版本", required=False, min_value=1,
                                    help_text="读取时的版本号；修改时发送，若记录已被他人修改则返回 409")


def _region_field(help_text: str) -> ScopedPrimaryKeyRelatedField:
    return ScopedPrimaryKeyRelatedField(label="所在区划", label_name="区划", queryset=Region.objects.all(),
                                        required=False, help_text=help_text)


def _enterprise_field(help_text: str) -> ScopedPrimaryKeyRelatedField:
    return ScopedPrimaryKeyRelatedField(label="企业", label_name="企业", queryset=Enterprise.objects.all(),
                                        allow_null=True, required=False, help_text=help_text)


def _department_field(label: str, **kwargs) -> ScopedPrimaryKeyRelatedField:
    return ScopedPrimaryKeyRelatedField(label=label, label_name="部门", queryset=Department.objects.all(), **kwargs)


def _sector_field(**kwargs) -> ScopedPrimaryKeyRelatedField:
    return ScopedPrimaryKeyRelatedField(label="行业领域", label_name="行业领域", queryset=Sector.objects.all(),
                                        help_text="行业领域代码", **kwargs)


class _WorkSerializer(serializers.ModelSerializer):
    """Create and update through the services; `version` goes to the lock, never onto the record."""

    create_service = update_service = None
    record_name = ""

    def create(self, validated_data):
        validated_data.pop("version", None)
        return type(self).create_service(actor=actor_of(self), data=validated_data)

    def update(self, instance, validated_data):
        version = validated_data.pop("version", None)
        return type(self).update_service(actor=actor_of(self), **{self.record_name: instance},
                                         data=validated_data, version=version)


class ActivitySerializer(_WorkSerializer):
    """工作开展情况：开展工作的机关（部门；企业；部门、企业均为空时为所在区划的党委、政府、安委会）及其工作事项。"""

    kind = ActivityKindField(label="工作事项", help_text="REPORTS.md §9.1 的事项代码")
    region = _region_field("开展工作的机关所在区划代码：有部门时为部门所在区划，有企业时为企业所在区划（可不填，"
                           "由部门或企业确定）；部门、企业均为空时即该区划的党委、政府（安委会、安委办）")
    department = _department_field("部门", allow_null=True, required=False,
                                   help_text="开展工作的部门 id；党委政府或企业开展的工作为 null")
    enterprise = _enterprise_field("开展工作的企业 id：企业履职事项必填；工作总结可填；其他事项为 null；"
                                   "不能与部门同时填写")
    sector = _sector_field(allow_null=True, required=False)
    media_level = MediaLevelField(label="媒体级别", allow_null=True, required=False,
                                  help_text="1 省级，2 市级，3 县级；media_column 必填，其他事项为 null")
    occurred_on = serializers.DateField(label="日期", required=False, help_text="不填为今天；不能晚于今天")
    count = serializers.IntegerField(label="次数", required=False, min_value=1, help_text="≥ 1，默认 1")
    people = serializers.IntegerField(label="人数", required=False, min_value=0,
                                      help_text="≥ 0；inspector_headcount、enforcement_training、expert_service 必填")
    note = serializers.CharField(label="说明", required=False, allow_blank=True)
    version = _version_field()

    create_service = staticmethod(services.activity_create)
    update_service = staticmethod(services.activity_update)
    record_name = "activity"

    class Meta:
        model = Activity
        fields = ["id", "kind", "region", "department", "enterprise", "sector", "media_level", "occurred_on", "count",
                  "people", "note", "version"]


class RiskSerializer(_WorkSerializer):
    """重大安全风险及其“4个清单”（基础、防控、责任、应急）。"""

    region = _region_field("区划代码：有企业时为企业所在区划（可不填）；没有企业时必填")
    enterprise = _enterprise_field("企业 id 或 null")
    department = _department_field("负责部门", help_text="负责部门 id")
    sector = _sector_field()
    identified_on = serializers.DateField(label="排查日期", required=False, help_text="不填为今天")
    basic = serializers.CharField(label="基础清单", required=False, allow_blank=True)
    control = serializers.CharField(label="防控清单", required=False, allow_blank=True)
    responsibility = serializers.CharField(label="责任清单", required=False, allow_blank=True)
    emergency = serializers.CharField(label="应急清单", required=False, allow_blank=True)
    lists_completed_on = serializers.DateField(label="“4个清单”落实日期", required=False, allow_null=True,
                                               help_text="四个清单均填写后才能登记；不早于排查日期")
    version = _version_field()

    create_service = staticmethod(services.risk_create)
    update_service = staticmethod(services.risk_update)
    record_name = "risk"

    class Meta:
        model = Risk
        fields = ["id", "region", "enterprise", "department", "sector", "name", "identified_on", "basic", "control",
                  "responsibility", "emergency", "lists_completed_on", "version"]


class ProblemSerializer(_WorkSerializer):
    """突出问题及其治本措施。"""

    region = _region_field("区划代码：有企业时为企业所在区划（可不填）；没有企业时必填")
    enterprise = _enterprise_field("企业 id 或 null")
    department = _department_field("负责部门", help_text="负责部门 id")
    sector = _sector_field()
    source = ProblemSourceField(label="来源", required=False,
                                help_text="self 自行梳理（默认），assigned 上级督查检查反馈")
    identified_on = serializers.DateField(label="梳理日期", required=False, help_text="不填为今天")
    root_measure = serializers.CharField(label="治本措施", required=False, allow_blank=True)
    root_measure_on = serializers.DateField(label="治本措施落实日期", required=False, allow_null=True,
                                            help_text="须先填写治本措施；不早于梳理日期")
    resolved_on = serializers.DateField(label="整改完成日期", required=False, allow_null=True,
                                        help_text="不早于梳理日期")
    version = _version_field()

    create_service = staticmethod(services.problem_create)
    update_service = staticmethod(services.problem_update)
    record_name = "problem"

    class Meta:
        model = Problem
        fields = ["id", "region", "enterprise", "department", "sector", "title", "source", "identified_on",
                  "root_measure", "root_measure_on", "resolved_on", "version"]


ERRORS = {
    400: OpenApiResponse(description="请求有误（{\"字段\": [\"说明\"]}）"),
    403: OpenApiResponse(description="无权登记、修改或删除该记录（{\"detail\": \"…\"}）"),
    404: OpenApiResponse(description="记录不存在或不在调用者的可见范围内"),
    409: OpenApiResponse(description="`version` 已过期：记录已被他人修改（{\"detail\": \"…\"}）"),
}


def _schemas(serializer):
    return extend_schema_view(
        create=extend_schema(responses={201: serializer, **ERRORS}),
        update=extend_schema(responses={200: serializer, **ERRORS}),
        partial_update=extend_schema(responses={200: serializer, **ERRORS}),
        destroy=extend_schema(
            parameters=[OpenApiParameter("version", int, required=False,
                                         description="读取时的版本号（可选）；若记录已被他人修改则返回 409")],
            responses={204: None, **ERRORS}),
    )


class _WorkViewSet(viewsets.ModelViewSet):
    permission_classes = [permissions.IsAuthenticated]
    model = None
    delete_service = None
    record_name = ""

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)

    def _answer(self, record, code=status.HTTP_200_OK) -> Response:
        """The record as it now is (read afresh, unscoped: the caller has just written it)."""
        fresh = self.model.objects.get(pk=record.pk)
        return Response(self.get_serializer_class()(fresh, context=self.get_serializer_context()).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._answer(serializer.save(), status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return self._answer(serializer.save())

    def destroy(self, request, *args, **kwargs):
        version = request.query_params.get("version")
        if version is not None and not version.isdigit():
            raise serializers.ValidationError({"version": ["版本号应为正整数。"]})
        type(self).delete_service(actor=request.user, **{self.record_name: self.get_object()}, version=version)
        return Response(status=status.HTTP_204_NO_CONTENT)


@_schemas(ActivitySerializer)
class ActivityViewSet(_WorkViewSet):
    """工作开展情况（REPORTS.md §9.1）：仅返回调用者可见范围内的记录（范围外一律 404）。各单位登记本单位开展的工作：
    企业人员登记本企业的履职事项和工作总结；部门人员登记本部门及下属单位的工作；安委办登记辖区内党委政府（安委会）
    和部门的工作。修改须发送 `version`（过期返回 409）；删除限有权登记该记录者（`?version=` 可选）。"""

    queryset = Activity.objects.all()
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilterSet
    model = Activity
    delete_service = staticmethod(services.activity_delete)
    record_name = "activity"


@_schemas(RiskSerializer)
class RiskViewSet(_WorkViewSet):
    """重大安全风险及其“4个清单”：负责部门（含下属单位）或所在区划的安委办登记、修改、删除；
    四个清单均填写后才能登记“4个清单”落实日期。"""

    queryset = Risk.objects.all()
    serializer_class = RiskSerializer
    filterset_class = RiskFilterSet
    model = Risk
    delete_service = staticmethod(services.risk_delete)
    record_name = "risk"


@_schemas(ProblemSerializer)
class ProblemViewSet(_WorkViewSet):
    """突出问题及其治本措施：负责部门（含下属单位）或所在区划的安委办登记、修改、删除。"""

    queryset = Problem.objects.all()
    serializer_class = ProblemSerializer
    filterset_class = ProblemFilterSet
    model = Problem
    delete_service = staticmethod(services.problem_delete)
    record_name = "problem"
