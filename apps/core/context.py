"""Who is acting and from where, for the audit trail, carried through one request (or one command)."""
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RequestContext:
    ip: str = ""
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    source: str = "system"  # web, api, command, system


_current: ContextVar[RequestContext | None] = ContextVar("yinhuan_request_context", default=None)


def current() -> RequestContext:
    return _current.get() or RequestContext()


@contextmanager
def acting_from(ip: str = "", source: str = "command"):
    token = _current.set(RequestContext(ip=ip, source=source))
    try:
        yield current()
    finally:
        _current.reset(token)
