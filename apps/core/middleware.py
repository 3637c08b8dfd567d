from .context import RequestContext, _current


def client_ip(request) -> str:
    """The caller's address as DRF's throttles see it: behind `NUM_PROXIES` proxies, the address the nearest
    trusted proxy saw; with none, REMOTE_ADDR (a forged X-Forwarded-For changes nothing)."""
    from django.conf import settings

    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
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
