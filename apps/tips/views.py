"""The tip pages.

Public (public_urls.py, no sign-in): the form, the page that shows the receipt code once the tip is in, and the
receipt lookup that answers the tip's status and dates, nothing else. Both POSTs carry the CSRF token and are
rate-limited per client address with the API's own throttles (apps.tips.api), in the same buckets, so that the page
and the API together allow one address 10 tips an hour; a refusal answers 429 with a Chinese message and
Retry-After. The receipt never travels in a URL (it is a key): it goes from the form to its page in the session and
to the lookup in a POST body.

Staff (urls.py, signed in): the list and the tip page through `Tip.objects.visible_to` (out of scope: 404), the
steps 分办 / 核查 / 奖励 through apps.tips.services (ValidationError on the form, NotAllowed → 403, StaleWrite → 409),
the photos through a scoped view, and 查看举报人身份: a POST that asks services.reveal_identity (audited, refused or
not) and answers a page that is never cached. No other page ever loads the reporter's identity: every query here
defers its tokens."""
import math
import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.errors import NotAllowed, StaleWrite
from apps.core.forms import add_service_errors
from apps.core.http import stored_file_response
from apps.hazards.models import Hazard
from apps.regions.scope import ENTERPRISE, GROUP

from . import services
from .api import PublicTipStatusThrottle, PublicTipSubmitThrottle
from .filters import TipFilterSet
from .forms import PublicTipForm, ReceiptForm, RewardForm, TriageForm, VerifyForm
from .models import Tip, TipPhoto, TipStatus

PAGE_SIZE = 50
RECEIPT_SESSION_KEY = "public_tip_receipt"
RECEIPT_SHOWN_FOR = 30 * 60  # seconds: long enough to write it down, short for the next person at a shared computer


# --- the rate limit ---------------------------------------------------------------------------------------------

class PageThrottleMixin:
    """The API throttle keyed on the client address alone (NUM_PROXIES decides which one, as for the API): a
    signed-in person using the public page counts like anyone else."""

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PageSubmitThrottle(PageThrottleMixin, PublicTipSubmitThrottle):
    pass


class PageLookupThrottle(PageThrottleMixin, PublicTipStatusThrottle):
    pass


def _wait(request, throttle_class) -> int | None:
    """None if the request may go on (and is counted), else the seconds to wait."""
    throttle = throttle_class()
    if throttle.allow_request(request, None):
        return None
    return max(1, math.ceil(throttle.wait() or 1))


def _too_many(request, template: str, context: dict, wait: int, what: str):
    context["refusal"] = f"{what}过于频繁，请 {wait} 秒后再试。"
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(wait)
    return response


def _groups(receipt: str) -> list[str]:
    """The code in fours, as it is read aloud and written down (spaces do not matter when it is typed back)."""
    return [receipt[i:i + 4] for i in range(0, len(receipt), 4)]


# --- public pages -----------------------------------------------------------------------------------------------

@never_cache
@require_http_methods(["GET", "POST"])
def public_form(request):
    form = PublicTipForm(request.POST or None, request.FILES or None)
    context = {"form": form, "had_photos": bool(request.FILES)}
    if request.method == "POST":
        wait = _wait(request, PageSubmitThrottle)
        if wait:  # the text is kept, not checked: the refusal is the one message
            kept = {name: request.POST.get(name, "") for name in form.fields if name not in ("photos", "anonymous")}
            context["form"] = PublicTipForm(initial=kept | {"anonymous": "anonymous" in request.POST})
            return _too_many(request, "tips/public_form.html", context, wait, "提交")
        if form.is_valid():
            try:
                tip = services.submit_tip(**form.service_data())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                request.session[RECEIPT_SESSION_KEY] = {"receipt": tip.receipt, "at": time.time()}
                return redirect("public_tips:done")
    return render(request, "tips/public_form.html", context)


@never_cache
def public_done(request):
    """The receipt of the tip just filed from this browser, for half an hour; after that the form again."""
    kept = request.session.get(RECEIPT_SESSION_KEY)
    fresh = isinstance(kept, dict) and time.time() - float(kept.get("at", 0)) < RECEIPT_SHOWN_FOR
    tip = services.tip_by_receipt(kept["receipt"]) if fresh else None
    if tip is None:
        request.session.pop(RECEIPT_SESSION_KEY, None)
        return redirect("public_tips:form")
    return render(request, "tips/public_done.html", {"receipt": tip.receipt, "groups": _groups(tip.receipt),
                                                     "received_on": tip.received_on})


def _progress(tip: Tip) -> list[dict]:
    """The steps the reporter may see: what happened and when, never who or why."""
    outcome = tip.status in (TipStatus.VERIFIED, TipStatus.UNFOUNDED)
    return [
        {"label": "已受理", "on": tip.received_on, "done": True},
        {"label": "已分办", "on": tip.triaged_on, "done": tip.triaged_on is not None},
        {"label": f"核查结果：{tip.get_status_display()}" if outcome else "核查", "on": tip.verified_on,
         "done": outcome},
    ]


@never_cache
@require_http_methods(["GET", "POST"])
def public_receipt(request):
    form = ReceiptForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST":
        wait = _wait(request, PageLookupThrottle)
        if wait:
            return _too_many(request, "tips/public_receipt.html", context, wait, "查询")
        if form.is_valid():
            tip = services.tip_by_receipt(form.cleaned_data["receipt"])
            if tip is None:
                form.add_error("receipt", "回执码不存在，请核对后重新输入。")
            else:
                # Only what PublicTipStatusSerializer answers, and the dates of the steps.
                context.update(found={"receipt": tip.receipt, "grouped": " ".join(_groups(tip.receipt)),
                                      "status": tip.status, "status_label": tip.get_status_display(),
                                      "received_on": tip.received_on, "steps": _progress(tip)},
                               form=ReceiptForm())
    return render(request, "tips/public_receipt.html", context)


# --- staff pages: the list and the tip page ---------------------------------------------------------------------

def _visible(request):
    return Tip.objects.visible_to(request.user).defer(*services.IDENTITY_FIELDS)


def _tip_or_404(request, pk: int) -> Tip:
    return get_object_or_404(
        _visible(request).select_related("region", "enterprise__region", "department__region", "hazard"), pk=pk)


def _refuse_outsiders(user) -> None:
    """Enterprises never see tips (it would expose the whistleblower), nor inspection groups (DESIGN.md)."""
    acting = getattr(user, "acting_membership", None)
    if acting is not None and acting.kind in (ENTERPRISE, GROUP):
        raise NotAllowed("举报仅由安委办、承办部门和纪检监察机关办理和查阅；企业和检查组身份不能查看举报。")


@login_required
def tip_list(request):
    _refuse_outsiders(request.user)
    visible = _visible(request)
    filterset = TipFilterSet(request.GET, queryset=visible)
    queryset = filterset.qs if filterset.is_valid() else visible.none()
    queryset = queryset.select_related("region", "department", "enterprise")
    paginator = Paginator(queryset, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    counts = dict(visible.order_by().values_list("status").annotate(n=Count("id")))
    chosen = request.GET.getlist("status")
    chips = [{"value": value, "label": label, "count": counts.get(value, 0), "active": chosen == [value]}
             for value, label in TipStatus.choices]
    return render(request, "tips/list.html", {
        "page": page, "paginator": paginator, "chips": chips, "all_count": sum(counts.values()),
        "all_active": not chosen, "q": request.GET.get("q", ""), "filter_errors": filterset.errors,
    })


STEP_URLS = {"triage": "tips:triage", "verify": "tips:verify", "reward": "tips:reward"}
STEP_LABELS = {"triage": "分办", "verify": "核查", "reward": "奖励"}
ROLE_MESSAGES = {
    "triage": "只有举报所在地区（或上级）的安委办可以分办举报。",
    "verify": "只有举报分办到的承办部门可以核查。",
    "reward": "只有举报分办到的承办部门可以发放奖励。",
}


def state_refusal(action: str, tip: Tip) -> str | None:
    """Why the step cannot be taken in the tip's state (the services say the same in their ValidationErrors)."""
    label = tip.get_status_display()
    if action == "triage" and tip.status not in (TipStatus.RECEIVED, TipStatus.TRIAGED):
        return f"举报已核查（{label}），不能再分办。"
    if action == "verify" and tip.status != TipStatus.TRIAGED:
        return f"举报当前状态为“{label}”，只有已分办的举报可以核查。"
    if action == "reward":
        if tip.status != TipStatus.VERIFIED:
            return f"举报当前状态为“{label}”，只有查实的举报可以奖励。"
        if tip.rewarded_on is not None:
            return f"该举报已于 {tip.rewarded_on.isoformat()} 发放奖励。"
    return None


def available_steps(user, tip: Tip) -> list[dict]:
    return [{"action": action, "label": label, "url": reverse(STEP_URLS[action], args=[tip.pk])}
            for action, label in STEP_LABELS.items()
            if state_refusal(action, tip) is None and services.may(user, action, tip)]


@login_required
def tip_detail(request, pk: int):
    _refuse_outsiders(request.user)
    tip = _tip_or_404(request, pk)
    hazard_visible = tip.hazard_id is not None and Hazard.objects.visible_to(request.user).filter(
        pk=tip.hazard_id).exists()
    return render(request, "tips/detail.html", {
        "tip": tip,
        "photos": list(tip.photos.all()),
        "region_chain": tip.region.ancestors(include_self=True),
        "steps": available_steps(request.user, tip),
        "may_reveal": not tip.anonymous and services.may_reveal(request.user, tip),
        "hazard_visible": hazard_visible,
    })


@login_required
def tip_photo(request, pk: int, photo_pk: int):
    """A photo, only to those who see the tip; inline with its checked type, never sniffed, never cached publicly."""
    _refuse_outsiders(request.user)
    tip = get_object_or_404(_visible(request), pk=pk)
    photo = get_object_or_404(TipPhoto, pk=photo_pk, tip=tip)
    return stored_file_response(photo.file, photo.content_type, photo.name)


@never_cache
@require_POST
@login_required
def tip_identity(request, pk: int):
    """查看举报人身份: audited by services.reveal_identity whether it is allowed or not (403 then)."""
    _refuse_outsiders(request.user)
    tip = _tip_or_404(request, pk)
    identity = services.reveal_identity(request.user, tip)
    return render(request, "tips/identity.html", {"tip": tip, "identity": identity})


# --- staff pages: the steps --------------------------------------------------------------------------------------

def _step(request, pk: int, action: str, form_class, perform):
    """One form page per step: 403 at once for the wrong role; in the wrong state, the notice and the form
    disabled (a POST then answers 400 with the notice, unchecked); else the POST goes through the service, which
    checks role and state again under its lock."""
    _refuse_outsiders(request.user)
    tip = _tip_or_404(request, pk)
    if not services.may(request.user, action, tip):
        raise NotAllowed(ROLE_MESSAGES[action])
    refusal = state_refusal(action, tip)
    posted = request.method == "POST" and refusal is None
    form = form_class(request.POST if posted else None, tip=tip, user=request.user)
    status = 400 if request.method == "POST" and refusal else 200
    if posted and form.is_valid():
        try:
            perform(tip, form)
        except StaleWrite as exc:
            form.add_error(None, exc.message)
            status = 409
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已{STEP_LABELS[action]}。")
            return redirect("tips:detail", pk=tip.pk)
    return render(request, f"tips/{action}.html", {
        "tip": tip, "form": form, "action": action, "title": STEP_LABELS[action], "refusal": refusal,
    }, status=status)


@login_required
def tip_triage(request, pk: int):
    def perform(tip, form):
        data = form.cleaned_data
        services.tip_triage(actor=request.user, tip=tip, department=data["department"],
                            enterprise=data["enterprise"], triaged_on=data["triaged_on"], version=data["version"])
    return _step(request, pk, "triage", TriageForm, perform)


@login_required
def tip_verify(request, pk: int):
    def perform(tip, form):
        services.tip_verify(actor=request.user, tip=tip, **form.service_args())
    return _step(request, pk, "verify", VerifyForm, perform)


@login_required
def tip_reward(request, pk: int):
    def perform(tip, form):
        data = form.cleaned_data
        services.tip_reward(actor=request.user, tip=tip, amount=data["amount"], rewarded_on=data["rewarded_on"],
                            version=data["version"])
    return _step(request, pk, "reward", RewardForm, perform)
