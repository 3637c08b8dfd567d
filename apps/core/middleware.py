from .context import RequestContext, _current


def client_ip(request) -> str:
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


class RequestContextMiddleware:
    """Remembers the caller's address and a request id so that audit entries can say where a write came from."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        source = "api" if request.path.startswith("/api/") else "web"
        token = _current.set(RequestContext(ip=client_ip(request), source=source))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
