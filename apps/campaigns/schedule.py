"""报送安排: the submission periods of a campaign's report forms (REPORTS.md §0.1). Pure functions of the campaign's
`schedule`, `start` and `end`; no database.

A schedule item is `{"template", "cutoff_days", "due_day", "reports_from"?}`:
- `cutoff_days`: the days of each month whose data a report covers up to (its `as_of`): 1–31 (clamped to the
  month's length) or "last" (the month's last day; 0 is read as "last" too). Empty: the form prints no schedule
  (红河 附件3) and the caller gives `as_of`.
- `due_day`: a day of month (1–31 or "last"), or a list of them; a period is due on the first day on or after
  its cut-off whose day of month is one of them. So 许昌's "last"/"last" is due the day of its cut-off, 海城's
  24/25 the next day, 红河 附件2's 4, 14, 24 / [5, 15, 25] the day after each, and 福州's "last"/1 on the 1st of
  the next month (「每月 1 日前上报截至上月末的累计情况」).
- `reports_from` (optional, ISO date): periods due before it are not filed (「自6月份开始上报」).

`periods()` lists the periods whose cut-off falls in a window (the campaign's period unless given);
`default_as_of()` is the cut-off of the period being filed on a day: the first one due on or after that day.
"""
from __future__ import annotations

import calendar
import datetime

# The report templates of API.md, in its order, with the form each one is.
TEMPLATES: dict[str, str] = {
    "xuchang-county": "许昌 附件3 调度表（各县市区）",
    "xuchang-department": "许昌 附件4 调度表（各有关部门）",
    "xuchang-list": "许昌 附件5 重大事故隐患专项排查整改清单",
    "haicheng": "海城 附件 调度表",
    "honghe-dispatch": "红河 附件1 调度表",
    "honghe-statistics": "红河 附件2 工作情况统计表",
    "honghe-tasks": "红河 附件3 重点工作推进明细表",
    "fuzhou-dispatch": "福州 附件4 调度表",
}

LAST = "last"

Period = tuple[datetime.date, datetime.date]  # (as_of: the cut-off, due)


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _day_in(year: int, month: int, day) -> datetime.date:
    """The given day of a month: "last" (or 0) is the month's last day; a day past the month's end is clamped."""
    end = _month_end(year, month)
    if day == LAST or day == 0:
        return end
    return end.replace(day=min(int(day), end.day))


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _months(start: datetime.date, end: datetime.date):
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield year, month
        year, month = _next_month(year, month)


def schedule_item(campaign, template: str) -> dict | None:
    for item in campaign.schedule or []:
        if item.get("template") == template:
            return item
    return None


def due_date(item: dict, cutoff: datetime.date) -> datetime.date:
    """The first day on or after `cutoff` whose day of month is one of the item's due days."""
    due_days = item.get("due_day")
    if not isinstance(due_days, list):
        due_days = [due_days]
    candidates: list[datetime.date] = []
    year, month = cutoff.year, cutoff.month
    for _ in range(2):  # a due day is at most one month after its cut-off
        candidates += [d for d in (_day_in(year, month, day) for day in due_days) if d >= cutoff]
        year, month = _next_month(year, month)
    return min(candidates)


def _as_date(value) -> datetime.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def periods(campaign, template: str, start: datetime.date | None = None,
            end: datetime.date | None = None) -> list[Period]:
    """The (as_of, due) pairs of `template` whose cut-off lies in [start, end] (default: the campaign's own
    period), in date order; none when the campaign does not file the template or its form prints no schedule."""
    item = schedule_item(campaign, template)
    if item is None or not item.get("cutoff_days"):
        return []
    start = _as_date(start) or _as_date(campaign.start)
    end = _as_date(end) or _as_date(campaign.end)
    reports_from = _as_date(item.get("reports_from"))
    result: set[Period] = set()
    for year, month in _months(start, end):
        for day in item["cutoff_days"]:
            cutoff = _day_in(year, month, day)
            if not start <= cutoff <= end:
                continue
            due = due_date(item, cutoff)
            if reports_from is not None and due < reports_from:
                continue
            result.add((cutoff, due))
    return sorted(result)


def default_as_of(campaign, template: str, on: datetime.date) -> datetime.date | None:
    """The cut-off of the period being filed on the day `on`: the first period (of the campaign's) due on or
    after `on`; after the last one, the last one; None when the template has no schedule in this campaign."""
    all_periods = periods(campaign, template)
    if not all_periods:
        return None
    for as_of, due in all_periods:
        if due >= on:
            return as_of
    return all_periods[-1][0]


def due_for(campaign, template: str, as_of: datetime.date) -> datetime.date | None:
    """The due date of the period whose cut-off is `as_of`, or None when `as_of` is not one of its cut-offs."""
    for cutoff, due in periods(campaign, template, as_of, as_of):
        if cutoff == as_of:
            return due
    return None


def upcoming(campaign, on: datetime.date, count: int = 3) -> list[dict]:
    """For each scheduled template, its next `count` periods due on or after `on` (for the campaign page)."""
    rows = []
    for item in campaign.schedule or []:
        template = item.get("template")
        all_periods = periods(campaign, template)
        rows.append({
            "template": template,
            "form": TEMPLATES.get(template, template),
            "item": item,
            "total": len(all_periods),
            "next": [(as_of, due) for as_of, due in all_periods if due >= on][:count],
        })
    return rows


def describe(item: dict) -> str:
    """The schedule item in words, e.g. 「每月24日截止，25日前报送」."""
    def day(value) -> str:
        return "月末" if value in (LAST, 0) else f"{value}日"

    cutoffs = item.get("cutoff_days") or []
    if not cutoffs:
        return "未规定报送时间（按需指定统计截止日期）"
    due_days = item.get("due_day")
    due_days = due_days if isinstance(due_days, list) else [due_days]
    text = f"每月{'、'.join(day(d) for d in cutoffs)}截止，{'、'.join(day(d) for d in due_days)}前报送"
    if cutoffs == [LAST] and due_days in ([LAST], [0]):
        text = "每月月底前报送本月的累计情况"
    elif cutoffs == [LAST]:
        text = f"每月{'、'.join(day(d) for d in due_days)}前报送截至上月末的累计情况"
    if item.get("reports_from"):
        text += f"（{item['reports_from']} 起报送）"
    return text
