"""The home page: a short overview of what the acting membership sees; `/healthz/` for monitoring."""
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from apps.core.replica import replica_lag
from apps.enterprises.models import Enterprise, EnterpriseState


@login_required
def home(request):
    enterprises = Enterprise.objects.visible_to(request.user)
    totals = enterprises.aggregate(
        total=Count("pk"),
        high_risk=Count("pk", filter=Q(high_risk=True)),
        key_supervision=Count("pk", filter=Q(key_supervision=True)),
        **{state.value: Count("pk", filter=Q(state=state.value)) for state in EnterpriseState},
    )
    by_state = [(state.value, state.label, totals[state.value]) for state in EnterpriseState]
    return render(request, "core/home.html", {"totals": totals, "by_state": by_state})


@never_cache
def healthz(request):
    """For nginx, a load balancer or a monitor: "ok" when the app answers and the primary database does (503
    otherwise). With a read replica configured, a second line says how it is; a replica that is down does not make
    the app unhealthy (reports then read the primary, apps/core/replica.py)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain; charset=utf-8")
    body = "ok\n"
    lag = replica_lag()
    if lag is not None:
        if not lag["reachable"]:
            body += "replica unreachable\n"
        else:
            body += "replica ok" + (f", last transaction replayed {lag['lag_seconds']:.0f} s ago"
                                    if lag["lag_seconds"] is not None and lag["standby"] else "") + "\n"
    return HttpResponse(body, content_type="text/plain; charset=utf-8")
