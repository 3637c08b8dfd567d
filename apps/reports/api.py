"""API `reports/compute/`, `reports/export/` and `reports/` (API.md "Report templates", `reports/`).

`compute/` answers a form's cells for a scope and a cut-off, computed now from the records; `export/` the same
as the official .xlsx. `reports/` are filed reports: POST makes a draft (cells computed), PATCH corrects cells
with a reason (`overrides`) or names the signers, `submit/` freezes it, `receive/` is the level above taking
it. A frozen report answers `difference` — how today's records would change its figures."""
import datetime

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.campaigns.models import Campaign
from apps.core.errors import NotAllowed
from apps.core.replica import reading_from_replica
from apps.hazards.models import today
from apps.regions.models import Department, Region

from . import services
from .compute import ScopeError, compute, template_or_error
from .models import Report, ReportStatus
from .templates import TEMPLATES

SCOPE_PARAMETERS = [
    OpenApiParameter("template", str, required=True, enum=list(TEMPLATES), description="报表模板"),
    OpenApiParameter("campaign", str, required=True, description="专项行动标识（slug）"),
    OpenApiParameter("region", str, description="填报地区代码（与 department 二选一）"),
    OpenApiParameter("department", int, description="填报部门 id（与 region 二选一）"),
    OpenApiParameter("as_of", OpenApiTypes.DATE, description="统计截止日期，默认今天"),
]


def _scope_from(params, user) -> dict:
    """Resolves template, campaign, region or department and as_of from query or body parameters; every
    problem is a 400 naming the parameter. Reading a scope one may not see is a 403."""
    errors = {}
    code = params.get("template") or ""
    try:
        template_or_error(code)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    campaign = Campaign.objects.visible_to(user).filter(slug=params.get("campaign") or "").first()
    if campaign is None:
        errors["campaign"] = ["没有这个专项行动"]
    region = department = None
    if params.get("region") and params.get("department"):
        errors["region"] = ["region 与 department 只能给出一个"]
    elif params.get("region"):
        region = Region.objects.filter(code=params["region"]).first()
        if region is None:
            errors["region"] = ["没有这个地区代码"]
    elif params.get("department"):
        department = Department.objects.filter(pk=str(params["department"])).first() \
            if str(params["department"]).isdigit() else None
        if department is None:
            errors["department"] = ["没有这个部门"]
    else:
        errors["region"] = ["请给出 region 或 department"]
    as_of = today()
    if params.get("as_of"):
        try:
            as_of = datetime.date.fromisoformat(str(params["as_of"]))
        except ValueError:
            errors["as_of"] = ["日期格式应为 YYYY-MM-DD"]
    if errors:
        raise ValidationError(errors)
    if not services.may_view_scope(user, region=region, department=department):
        raise NotAllowed("您无权查看该地区或部门的报表。")
    return {"template": code, "campaign": campaign, "region": region, "department": department, "as_of": as_of}


def _scope_label(scope: dict) -> dict:
    if scope["region"] is not None:
        return {"region": scope["region"].code, "name": scope["region"].name}
    return {"department": scope["department"].pk, "name": scope["department"].name}


class ComputeView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(operation_id="reports_compute", parameters=SCOPE_PARAMETERS,
                   responses={200: OpenApiResponse(OpenApiTypes.OBJECT,
                                                   description='{"template", "campaign", "scope", "as_of", "cells"}'
                                                               '（清单类报表另有 "rows"）')},
                   summary="按模板计算报表", tags=["reports"])
    def get(self, request):
        scope = _scope_from(request.query_params, request.user)
        try:
            with reading_from_replica():
                result = compute(scope["template"], scope["campaign"], scope["as_of"], region=scope["region"],
                                 department=scope["department"])
        except ScopeError as exc:
            raise ValidationError(exc.message_dict) from exc
        body = {"template": scope["template"], "campaign": scope["campaign"].slug, "scope": _scope_label(scope),
                "as_of": scope["as_of"].isoformat(), "cells": result["cells"]}
        if "rows" in result:
            body["rows"] = result["rows"]
        return Response(body)


class ExportView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(operation_id="reports_export", parameters=SCOPE_PARAMETERS,
                   responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
                              OpenApiTypes.BINARY},
                   summary="导出官方格式报表（.xlsx）", tags=["reports"])
    def get(self, request):
        from .exports import export_response

        scope = _scope_from(request.query_params, request.user)
        try:
            with reading_from_replica():
                result = compute(scope["template"], scope["campaign"], scope["as_of"], region=scope["region"],
                                 department=scope["department"])
        except ScopeError as exc:
            raise ValidationError(exc.message_dict) from exc
        return export_response(scope["template"], scope["campaign"], scope["region"] or scope["department"],
                               scope["as_of"], result)


@extend_schema_field({"type": "string", "enum": list(ReportStatus.values),
                      "description": "draft 草稿，submitted 已报送，received 已接收"}, component_name="ReportStatus")
class ReportStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=ReportStatus.choices, **kwargs)


class ReportSerializer(serializers.ModelSerializer):
    template = serializers.ChoiceField(choices=list(TEMPLATES), label="报表模板")
    campaign = serializers.SlugRelatedField(slug_field="slug", queryset=Campaign.objects.all(), label="专项行动")
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), required=False,
                                          allow_null=True, label="填报地区")
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), required=False,
                                                    allow_null=True, label="填报部门")
    status = ReportStatusField(read_only=True)
    cells = serializers.JSONField(read_only=True)
    rows = serializers.JSONField(read_only=True)
    overrides = serializers.JSONField(required=False, help_text='{"<key>": {"value", "reason"}}，值为 null 时撤销')
    version = serializers.IntegerField(required=False, min_value=1, help_text="读取时的版本号；过期返回 409")
    difference = serializers.SerializerMethodField(help_text="已报送报表：按今天的记录重算后与报送数不同的项")

    class Meta:
        model = Report
        fields = ["id", "template", "campaign", "region", "department", "as_of", "status", "cells", "rows",
                  "overrides", "preparer", "reviewer", "principal", "submitted_at", "received_at", "version",
                  "difference"]
        read_only_fields = ["submitted_at", "received_at"]
        validators = []  # one report per period is the service's check, with its own message

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_difference(self, report):
        if self.context.get("view") and getattr(self.context["view"], "action", "") == "retrieve":
            return services.difference(report)
        return None


class SignSerializer(serializers.Serializer):
    preparer = serializers.CharField(required=False, allow_blank=True, max_length=50, label="填表人")
    reviewer = serializers.CharField(required=False, allow_blank=True, max_length=50, label="审核人")
    principal = serializers.CharField(required=False, allow_blank=True, max_length=50, label="主要负责人")
    version = serializers.IntegerField(required=False, min_value=1)


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1)


@extend_schema(tags=["reports"])
class ReportViewSet(viewsets.ModelViewSet):
    serializer_class = ReportSerializer
    permission_classes = [permissions.IsAuthenticated]
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_fields = ["template", "status", "as_of"]

    def get_queryset(self):
        return (Report.objects.visible_to(self.request.user)
                .select_related("campaign", "region", "department", "department__region"))

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        scope = _scope_from({"template": data["template"], "campaign": data["campaign"].slug,
                             "region": data["region"].code if data.get("region") else None,
                             "department": data["department"].pk if data.get("department") else None,
                             "as_of": data.get("as_of") and data["as_of"].isoformat()}, request.user)
        try:
            report = services.report_draft(actor=request.user, template=scope["template"],
                                           campaign=scope["campaign"], as_of=scope["as_of"],
                                           region=scope["region"], department=scope["department"])
        except ScopeError as exc:
            raise ValidationError(exc.message_dict) from exc
        if "overrides" in data or any(name in data for name in ("preparer", "reviewer", "principal")):
            report = services.report_update(actor=request.user, report=report, data=data)
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        report = self.get_object()
        serializer = self.get_serializer(report, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items()
                if k in ("overrides", "preparer", "reviewer", "principal")}
        report = services.report_update(actor=request.user, report=report, data=data,
                                        version=serializer.validated_data.get("version"))
        return Response(self.get_serializer(report).data)

    @extend_schema(request=SignSerializer, responses=ReportSerializer, summary="报送（冻结数字）")
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = self.get_object()
        body = SignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        report = services.report_submit(actor=request.user, report=report, **body.validated_data)
        return Response(self.get_serializer(report).data)

    @extend_schema(request=VersionSerializer, responses=ReportSerializer, summary="上级接收")
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        report = self.get_object()
        body = VersionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        report = services.report_receive(actor=request.user, report=report, **body.validated_data)
        return Response(self.get_serializer(report).data)
