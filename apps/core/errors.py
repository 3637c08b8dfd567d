from django.core.exceptions import PermissionDenied


class StaleWrite(Exception):
    """The record changed since the form or API call read it (optimistic locking): answer 409, never overwrite."""

    message = "该记录已被他人修改，请刷新后重试。"


class NotAllowed(PermissionDenied):
    """The actor may see the record but may not do this to it: answer 403. A PermissionDenied, so a page that
    lets it through shows the 403 page with its message, and the API answers 403 with it."""

    def __init__(self, message: str = "您无权执行此操作。"):
        super().__init__(message)
        self.message = message
