"""The home page: a short overview of what the acting membership sees."""
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render

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
