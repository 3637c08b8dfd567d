"""The enterprise duties a campaign asks (DESIGN.md "Activity": the 企业 six duties) and whether one enterprise has
met them by a day — the reading of REPORTS.md §7 (红河 附件3 tasks 3.2–3.6), written once so that the compliance
board and the report forms agree.

`duty_status` is a pure function: it reads only what it is given (the enterprise's flags, the campaign's `start`
and `duties`, the records) and never the database, so a caller fetches the records of a whole page of enterprises
in one query each and hands every enterprise its own. Records may be model instances or mappings (`.values()`
rows); records of other enterprises, of other kinds and dated after `as_of` are ignored.

The rules:
- W = [campaign.start, as_of] (REPORTS.md §0.1).
- 主要负责人带队检查 (`principal_inspection`): inspections with `kind` = `self` and `led_by_principal`: at least one in
  W and, for each applicable `duties` rule of that kind, at least `times` in every calendar period (month, quarter,
  half-year) whose end falls in W — counted over the whole calendar period —, or in W itself for `every` =
  `campaign`.
- 应急演练 (`drill`): `drill` activities, read the same way against the `drill` rules (an activity's `count` is how
  many drills it records).
- 警示教育, 动火作业排查, 外包外租排查, 分管负责人职责清单, 安全管理机构: at least one activity of that kind in W.
- A rule binds the enterprises having every flag in its `flags` (an empty list: every enterprise), as
  apps/campaigns/presets.py writes them: 许昌's 「高危行业领域、人员密集场所、劳动密集型企业每半年至少1次」 is
  three rules.
"""
from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from apps.enterprises.models import FLAGS

PRINCIPAL_INSPECTION = "principal_inspection"
DRILL = "drill"

# The duties in the order the board shows them: code → label. Apart from the principal's inspections, each code is
# an ActivityKind.
DUTIES: dict[str, str] = {
    PRINCIPAL_INSPECTION: "主要负责人带队检查",
    "warning_education": "全员安全警示教育",
    "hot_work_review": "动火等危险作业排查",
    "outsourcing_review": "外包外租排查",
    DRILL: "应急救援演练",
    "duty_list": "分管负责人职责清单",
    "safety_body": "安全管理机构或人员",
}
PERIODIC = (PRINCIPAL_INSPECTION, DRILL)  # the duties `campaign.duties` gives frequencies for

EVERY_LABELS = {"campaign": "专项行动期间", "half_year": "每半年", "quarter": "每季度", "month": "每月"}
PERIOD_MONTHS = {"month": 1, "quarter": 3, "half_year": 6}


@dataclass(frozen=True)
class PeriodCheck:
    """One window a rule asks `required` records in, and how many there are (`done`)."""

    start: datetime.date
    end: datetime.date
    required: int
    done: int

    @property
    def met(self) -> bool:
        return self.done >= self.required

    @property
    def label(self) -> str:
        return f"{self.start.isoformat()}至{self.end.isoformat()}"


@dataclass(frozen=True)
class DutyCheck:
    code: str
    label: str
    met: bool
    done: int  # records in W
    rules: tuple[str, ...]  # what is asked, in words
    periods: tuple[PeriodCheck, ...]  # every window that is asked (W included), met or not
    current: tuple[PeriodCheck, ...]  # the periods still running on as_of: shown, never required yet

    @property
    def missing(self) -> tuple[PeriodCheck, ...]:
        return tuple(p for p in self.periods if not p.met)


def _get(record, name: str, default=None):
    if isinstance(record, Mapping):
        return record.get(name, default)
    return getattr(record, name, default)


def _enterprise_id(record):
    value = _get(record, "enterprise_id")
    if value is None:
        enterprise = _get(record, "enterprise")
        value = _get(enterprise, "pk", enterprise) if enterprise is not None else None
    return value


def applies(rule: Mapping, enterprise) -> bool:
    flags = rule.get("flags") or []
    return all(bool(_get(enterprise, flag, False)) for flag in flags)


def rule_text(rule: Mapping) -> str:
    every = EVERY_LABELS.get(rule.get("every"), EVERY_LABELS["campaign"])
    flags = rule.get("flags") or []
    text = f"{every}至少{int(rule.get('times') or 1)}次"
    if flags:
        text += "（" + "、".join(FLAGS.get(f, f) for f in flags) + "）"
    return text


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


def period_of(day: datetime.date, every: str) -> tuple[datetime.date, datetime.date]:
    """The calendar month, quarter or half-year holding `day`."""
    months = PERIOD_MONTHS[every]
    first = datetime.date(day.year, (day.month - 1) // months * months + 1, 1)
    return first, _add_months(first, months) - datetime.timedelta(days=1)


def periods_ended(every: str, start: datetime.date, as_of: datetime.date):
    """The calendar periods whose end falls in [start, as_of], then the one running on as_of (or None)."""
    ended = []
    first, last = period_of(start, every)
    while last <= as_of:
        if last >= start:
            ended.append((first, last))
        first = last + datetime.timedelta(days=1)
        last = period_of(first, every)[1]
    running = (first, last) if first <= as_of < last else None
    return ended, running


def _count(dated: list[tuple[datetime.date, int]], start: datetime.date, end: datetime.date) -> int:
    return sum(n for day, n in dated if start <= day <= end)


def _check(code: str, dated, rules, start: datetime.date, as_of: datetime.date) -> DutyCheck:
    baseline = PeriodCheck(start, as_of, 1, _count(dated, start, as_of))
    periods = [baseline]
    current = []
    for rule in rules:
        times = int(rule.get("times") or 1)
        every = rule.get("every")
        if every not in PERIOD_MONTHS:  # "campaign" (an unknown word is read the same way)
            periods.append(PeriodCheck(start, as_of, times, baseline.done))
            continue
        ended, running = periods_ended(every, start, as_of)
        periods.extend(PeriodCheck(a, b, times, _count(dated, a, b)) for a, b in ended)
        if running is not None:
            current.append(PeriodCheck(running[0], running[1], times, _count(dated, running[0], as_of)))
    return DutyCheck(
        code=code, label=DUTIES[code], met=all(p.met for p in periods), done=baseline.done,
        rules=tuple(rule_text(r) for r in rules) or ("专项行动期间至少1次",), periods=tuple(periods),
        current=tuple(current),
    )


def duty_status(enterprise, campaign, as_of: datetime.date, inspections: Iterable,
                activities: Iterable) -> dict[str, DutyCheck]:
    """Each duty of DUTIES (in that order) → whether `enterprise` has met it under `campaign` by `as_of`.
    `inspections` and `activities` may hold other records too: only the enterprise's own count."""
    enterprise_id = _get(enterprise, "pk", _get(enterprise, "id"))
    start = _get(campaign, "start")
    rules = [r for r in (_get(campaign, "duties") or []) if isinstance(r, Mapping) and applies(r, enterprise)]

    def mine(record) -> bool:
        return enterprise_id is None or _enterprise_id(record) in (None, enterprise_id)

    dated: dict[str, list[tuple[datetime.date, int]]] = {code: [] for code in DUTIES}
    for inspection in inspections:
        day = _get(inspection, "inspected_on")
        if (mine(inspection) and _get(inspection, "kind") == "self" and _get(inspection, "led_by_principal")
                and day is not None and day <= as_of):
            dated[PRINCIPAL_INSPECTION].append((day, 1))
    for activity in activities:
        kind, day = _get(activity, "kind"), _get(activity, "occurred_on")
        if kind in dated and kind != PRINCIPAL_INSPECTION and mine(activity) and day is not None and day <= as_of:
            dated[kind].append((day, max(int(_get(activity, "count", 1) or 1), 1)))

    return {
        code: _check(code, dated[code], [r for r in rules if r.get("kind") == code] if code in PERIODIC else [],
                     start, as_of)
        for code in DUTIES
    }
