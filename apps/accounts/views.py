"""Signing in and out, and choosing the membership the interface acts for."""
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .forms import LoginForm, SwitchMembershipForm
from .middleware import SESSION_KEY
from .models import Membership


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5): a link cannot sign anybody out."""


def _back(request, target: str) -> str:
    """Where to go after switching: back to the page, unless it shows one record (it may be out of the new
    scope), then home."""
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                         require_https=request.is_secure()):
        return "home"
    try:
        match = resolve(target.split("?")[0])
    except Resolver404:
        return "home"
    return "home" if match.kwargs else target


@require_POST
@login_required
def switch_membership(request):
    form = SwitchMembershipForm(request.POST)
    if not form.is_valid():
        raise Http404
    membership_id = form.cleaned_data["membership"]
    if membership_id is None:
        # Only an administrator may act without a membership (for everything).
        if not request.user.is_superuser:
            raise Http404
        request.session.pop(SESSION_KEY, None)
        messages.success(request, "已切换为：系统管理员（全部）")
        return redirect(_back(request, form.cleaned_data["next"]))
    try:
        membership = Membership.objects.get(pk=membership_id, user=request.user)
    except Membership.DoesNotExist:
        raise Http404("没有这个身份") from None
    request.session[SESSION_KEY] = membership.pk
    messages.success(request, f"已切换为：{membership.organisation_name} · {membership.get_role_display()}")
    return redirect(_back(request, form.cleaned_data["next"]))
