"""案件 and 一案双罚, as the enforcement pages show them.

A case (案件) is the pair (执法部门, 案件编号): the actions one department decided under one case number. The same
case number in two departments is two cases; an action without a case number is a case of its own and is never
一案双罚. A case is 一案双罚 when it holds a penalty against the enterprise (`kind = penalty`,
`against_principal = False`) and a penalty against the enterprise's principal (`kind = penalty`,
`against_principal = True`); `dual_on` is the later of the first penalty against each, the day the case became
一案双罚.

This is the rule of the report engine (apps.reports.metrics._cases, which counts a case in the window holding its
`dual_on`, among the decisions made on or before the cut-off); the report keeps its own grouped counting for its
targets, this module serves the pages, and tests/test_enforcement_pages.py checks that both agree."""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Min, Q, Sum

from .models import ActionKind, EnforcementAction

PENALTY = Q(kind=ActionKind.PENALTY)


@dataclass(frozen=True)
class CaseSummary:
    department_id: int
    case_no: str
    actions: int
    penalties: int
    amount: Decimal  # 万元, the case's penalties together
    first_decided_on: datetime.date
    last_decided_on: datetime.date
    enterprise_penalty_on: datetime.date | None  # the first penalty against the enterprise
    principal_penalty_on: datetime.date | None  # the first penalty against its principal
    referral_persons: int
    crime: bool  # 危险作业罪
    published: bool  # 公布为典型案例

    @property
    def key(self) -> tuple[int, str]:
        return (self.department_id, self.case_no)

    @property
    def amount_text(self) -> str:
        return wan(self.amount)

    @property
    def dual(self) -> bool:
        """一案双罚: the enterprise and its principal both penalised in this case."""
        return self.enterprise_penalty_on is not None and self.principal_penalty_on is not None

    @property
    def dual_on(self) -> datetime.date | None:
        return max(self.enterprise_penalty_on, self.principal_penalty_on) if self.dual else None


def wan(amount: Decimal | None) -> str:
    """An amount in 万元 as people write it: 3.5, 10, 0.0001 (no trailing zeros, never an exponent)."""
    if amount is None:
        return ""
    text = format(Decimal(amount), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def case_key(action: EnforcementAction) -> tuple[int, str] | None:
    """The case an action belongs to; None for an action without a case number (a case of its own)."""
    return (action.department_id, action.case_no) if action.case_no else None


def dual_cases(queryset) -> list[CaseSummary]:
    """Every case among the actions of `queryset` (those with a case number), with its 一案双罚 status, in one
    grouped query; the latest cases first. Only the actions of `queryset` count: pass every action of the cases
    to judge them whole (see `dual_keys`)."""
    rows = (queryset.exclude(case_no="").order_by().values("department_id", "case_no").annotate(
        n=Count("pk"),
        n_penalties=Count("pk", filter=PENALTY),
        total=Sum("amount", filter=PENALTY),
        first=Min("decided_on"),
        last=Max("decided_on"),
        enterprise_first=Min("decided_on", filter=PENALTY & Q(against_principal=False)),
        principal_first=Min("decided_on", filter=PENALTY & Q(against_principal=True)),
        persons=Sum("persons", filter=Q(kind=ActionKind.JUDICIAL_REFERRAL)),
        crimes=Count("pk", filter=Q(dangerous_operation_crime=True)),
        publications=Count("pk", filter=Q(published=True)),
    ))
    cases = [CaseSummary(
        department_id=r["department_id"], case_no=r["case_no"], actions=r["n"], penalties=r["n_penalties"],
        amount=r["total"] or Decimal(0), first_decided_on=r["first"], last_decided_on=r["last"],
        enterprise_penalty_on=r["enterprise_first"], principal_penalty_on=r["principal_first"],
        referral_persons=r["persons"] or 0, crime=bool(r["crimes"]), published=bool(r["publications"]),
    ) for r in rows]
    cases.sort(key=lambda c: (c.last_decided_on, c.department_id, c.case_no), reverse=True)
    return cases


def dual_keys(keys) -> set[tuple[int, str]]:
    """Which of the cases named by `keys` ((department id, case number) pairs, e.g. those of one page of a list)
    are 一案双罚, judged on all their actions: one query."""
    keys = {k for k in keys if k and k[1]}
    if not keys:
        return set()
    q = Q(pk__in=[])
    for department_id, case_no in keys:
        q |= Q(department_id=department_id, case_no=case_no)
    return {c.key for c in dual_cases(EnforcementAction.objects.filter(q)) if c.dual}
