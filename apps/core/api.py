"""What every API resource shares: pagination, the error mapping of API.md and fields that resolve ids inside
the caller's scope."""
import json

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import EmptyPage, Paginator
from django.db import IntegrityError, connection
from django.db.models import ProtectedError, RestrictedError
from django.utils.functional import cached_property
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from .errors import NotAllowed, StaleWrite


class ListFilterBackend(DjangoFilterBackend):
    """The FilterSet narrows lists and list actions; a record's own URL (retrieve, update, its actions) is found
    through `get_queryset`'s scope alone, without building a FilterSet from the query string (about a millisecond
    a request, and a filter on a detail URL would only turn a visible record into a 404)."""

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "detail", False):
            return queryset
        return super().filter_queryset(request, queryset, view)


def estimated_rows(queryset) -> int | None:
    """PostgreSQL's estimate of the rows of `queryset` (planning only, no scan); None elsewhere."""
    if connection.vendor != "postgresql" or not hasattr(queryset, "explain") or queryset.query.is_empty():
        return None
    plan = queryset.explain(format="json")  # "" when Django knows the answer is empty without asking
    return int(json.loads(plan)[0]["Plan"]["Plan Rows"]) if plan else None


class EstimatingPaginator(Paginator):
    """NOTES.md "Performance": beyond `API_COUNT_ESTIMATE_ABOVE` rows (PostgreSQL's own estimate of the scoped,
    filtered list) the count is that estimate rather than a COUNT(*) over millions of rows. A page past the
    estimate's last is answered from an exact count, so no record becomes unreachable."""

    estimated = False

    @cached_property
    def count(self) -> int:
        threshold = settings.API_COUNT_ESTIMATE_ABOVE
        rows = estimated_rows(self.object_list) if threshold else None
        if rows is not None and rows > threshold:
            self.estimated = True
            return rows
        return super().count

    def validate_number(self, number):
        try:
            return super().validate_number(number)
        except EmptyPage:
            if not self.estimated:
                raise
            self.estimated = False
            self.__dict__["count"] = self.object_list.count()
            self.__dict__.pop("num_pages", None)
            return super().validate_number(number)


class Pagination(PageNumberPagination):
    """`?page=N&page_size=M` (max 500), answering {count, next, previous, results} (API.md); an estimated count
    is said so in the header `X-Count-Estimated: true`."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    django_paginator_class = EstimatingPaginator

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        if self.page.paginator.estimated:
            response["X-Count-Estimated"] = "true"
        return response


def _validation_body(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {field: list(messages) for field, messages in exc.message_dict.items()}
    return {api_settings.NON_FIELD_ERRORS_KEY: list(exc.messages)}


def exception_handler(exc, context):
    """DRF's handler, plus the project's own errors (API.md "Errors"):
    NotAllowed → 403 and StaleWrite → 409 with {"detail"}; a Django ValidationError raised by a service → 400
    with {"field": [messages]}; a delete blocked by records still pointing at it, or a write that collides with
    a unique key, → 400. Each answer rolls the request's transaction back like DRF's own errors do."""
    if isinstance(exc, NotAllowed):
        body, code = {"detail": exc.message}, status.HTTP_403_FORBIDDEN
    elif isinstance(exc, StaleWrite):
        body, code = {"detail": exc.message}, status.HTTP_409_CONFLICT
    elif isinstance(exc, DjangoValidationError):
        body, code = _validation_body(exc), status.HTTP_400_BAD_REQUEST
    elif isinstance(exc, ProtectedError | RestrictedError):
        body = {api_settings.NON_FIELD_ERRORS_KEY: ["该记录仍被其他记录引用，不能删除。"]}
        code = status.HTTP_400_BAD_REQUEST
    elif isinstance(exc, IntegrityError):
        body = {api_settings.NON_FIELD_ERRORS_KEY: ["与已有记录冲突（如重复登记），请检查后重试。"]}
        code = status.HTTP_400_BAD_REQUEST
    else:
        return drf_exception_handler(exc, context)
    set_rollback()
    return Response(body, status=code)


def actor_of(serializer_or_field):
    """The signed-in user of the request a serializer or field is working for (None outside a request)."""
    request = serializer_or_field.context.get("request")
    return getattr(request, "user", None)


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference by id (or by code, for models keyed by their code) that only resolves among the records the
    caller may see (`Model.objects.visible_to(user)`): anything else is "不存在", exactly as if it did not exist.
    The class-level `queryset` only serves the schema; lookups always go through `visible_to`."""

    def __init__(self, *, label_name: str = "", **kwargs):
        self.label_name = label_name
        super().__init__(**kwargs)
        name = label_name or "对象"
        self.error_messages["does_not_exist"] = f"{name}“{{pk_value}}”不存在。"
        self.error_messages["incorrect_type"] = f"{name}的编号格式不正确（收到 {{data_type}}）。"

    def get_queryset(self):
        model = super().get_queryset().model
        return model.objects.visible_to(actor_of(self))


class KeyListField(serializers.ManyRelatedField):
    """A list of references written through `child_relation` and read by `read(instance)` (so the list can come
    from prefetched link rows, in their own order, without one query per record)."""

    def __init__(self, *, read, **kwargs):
        self.read = read
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return self.read(instance)

    def to_representation(self, iterable):
        return list(iterable)

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        keys = [v.pk for v in values]
        if len(set(keys)) != len(keys):
            duplicate = next(k for k in keys if keys.count(k) > 1)
            raise serializers.ValidationError(f"“{duplicate}”重复出现。")
        return values
