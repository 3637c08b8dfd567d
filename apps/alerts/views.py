"""The inbox (提醒): the signed-in person's own alerts — unread first, newest first — with mark read and mark all
read, and a link that opens the object and marks the alert read. Alerts belong to the person, not to the
membership they act for: the inbox shows all of theirs, and nobody else's."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import services
from .models import Alert, Kind

PAGE_SIZE = 50
SHOW = {"all": "全部", "unread": "未读"}


def _mine(request):
    return Alert.objects.filter(user=request.user)


@login_required
def inbox(request):
    show = request.GET.get("show") if request.GET.get("show") in SHOW else "all"
    kind = request.GET.get("kind") if request.GET.get("kind") in Kind.values else ""
    alerts = _mine(request)
    if show == "unread":
        alerts = alerts.filter(read_at__isnull=True)
    if kind:
        alerts = alerts.filter(kind=kind)
    alerts = alerts.order_by(F("read_at").asc(nulls_first=True), "-created_on", "-id")
    paginator = Paginator(alerts, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "alerts/inbox.html", {
        "page": page, "paginator": paginator, "show": show, "shows": SHOW, "kind": kind, "kinds": Kind.choices,
        "unread": services.unread_count(request.user),
    })


def _back(request):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect("alerts:inbox")


@require_POST
@login_required
def read(request, pk: int):
    alert = get_object_or_404(_mine(request), pk=pk)
    services.mark_read(request.user, [alert.pk])
    return _back(request)


@require_POST
@login_required
def read_all(request):
    count = services.mark_read(request.user)
    messages.success(request, f"已将 {count} 条提醒标为已读。" if count else "没有未读的提醒。")
    return _back(request)


@login_required
def open_alert(request, pk: int):
    """Follow the alert's link, marking it read on the way (marking read is the only effect)."""
    alert = get_object_or_404(_mine(request), pk=pk)
    services.mark_read(request.user, [alert.pk])
    if alert.url and url_has_allowed_host_and_scheme(alert.url, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure()):
        return redirect(alert.url)
    return redirect("alerts:inbox")
