"""Signing in and out, choosing the membership the interface acts for, and the people pages of a safety office
(安委办) or an administrator: who may see whom is User.objects.visible_to; who may write is decided by
apps.accounts.services.user_save (its NotAllowed is the 403 page)."""
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from apps.core.forms import add_service_errors
from apps.regions.permissions import can_manage_users
from apps.regions.scope import scope_for

from .forms import LoginForm, MembershipFormSet, SwitchMembershipForm, UserFilterForm, UserForm, membership_initial
from .middleware import SESSION_KEY
from .models import Membership, User
from .services import user_save

PAGE_SIZE = 50
MAY_NOT_MANAGE = "只有安委办（在其辖区内）或系统管理员可以维护用户。"


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


# --- people ----------------------------------------------------------------------------------------------------

def may_manage_some_users(user) -> bool:
    """A safety office in the acting membership, or an administrator; which people exactly, user_save decides."""
    scope = scope_for(user)
    return scope.everything or bool(scope.office_region_codes)


def may_manage_user(actor, person: User) -> bool:
    if person.is_superuser and not actor.is_superuser:
        return False
    return can_manage_users(actor, [m.region_code for m in person.memberships.all()])


def _memberships_prefetch() -> Prefetch:
    return Prefetch("memberships", queryset=Membership.objects.select_related(
        "enterprise__region", "department__region", "group__lead_department", "region"))


@login_required
def user_list(request):
    people = User.objects.visible_to(request.user).prefetch_related(_memberships_prefetch())
    form = UserFilterForm(request.GET or None)
    if form.is_valid() and form.cleaned_data["q"].strip():
        q = form.cleaned_data["q"].strip()
        people = people.filter(Q(name__icontains=q) | Q(username__icontains=q) | Q(phone__icontains=q))
    paginator = Paginator(people.order_by("username"), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    may_create = may_manage_some_users(request.user)
    if may_create:
        for person in page.object_list:
            person.may_edit = may_manage_user(request.user, person)
    context = {"form": form, "page": page, "paginator": paginator, "may_create": may_create}
    template = "accounts/user_list.html#results" if request.htmx else "accounts/user_list.html"
    return render(request, template, context)


@login_required
def user_edit(request, pk: int | None = None):
    if pk is None:
        if not may_manage_some_users(request.user):
            raise PermissionDenied(MAY_NOT_MANAGE)
        person = User()
        initial = []
    else:
        person = get_object_or_404(User.objects.visible_to(request.user).prefetch_related(_memberships_prefetch()),
                                   pk=pk)
        if not may_manage_user(request.user, person):
            raise PermissionDenied(MAY_NOT_MANAGE)
        initial = membership_initial(person)
    form = UserForm(request.POST or None, instance=person)
    formset = MembershipFormSet(request.POST or None, initial=initial, prefix="memberships",
                                form_kwargs={"user": request.user},
                                require_one=not request.user.is_superuser)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            saved = user_save(actor=request.user, user=form.instance, password=form.cleaned_data["password"] or None,
                              memberships=formset.memberships())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已保存人员：{saved.display_name}（{saved.username}）")
            return redirect("users")
    return render(request, "accounts/user_form.html", {"form": form, "formset": formset, "person": person})
