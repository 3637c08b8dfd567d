"""What every API resource shares: pagination, the error mapping of API.md and fields that resolve ids inside
the caller's scope."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from .errors import NotAllowed, StaleWrite


class Pagination(PageNumberPagination):
    """`?page=N&page_size=M` (max 500), answering {count, next, previous, results} (API.md)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


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
