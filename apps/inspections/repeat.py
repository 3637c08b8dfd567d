"""屡查屡犯: the enterprises the platform finds for the measures the plans name — 「重大事故隐患长期存在并多次受到
处罚的，依法提请属地人民政府予以关闭，并落实企业主要负责人行业禁入规定」 (DESIGN.md "Enforcement").

`find_repeat_offenders(hazards, on)` looks among the hazards of `hazards` (a page passes the viewer's
`Hazard.objects.visible_to(user)`, so it lists what its viewer sees) as of the day `on` (default today) and answers
a list of `Finding`s, in a fixed number of queries (six at most) whatever the number of hazards. Two rules:

Rule 1 — 重大事故隐患多次处罚仍未消除 (`PERSISTING`). A hazard H is a finding when
  - H has an enterprise, is a major hazard (`level = major`), was found on or before `on` and is not closed
    (`status != closed`: 未销号);
  - the enterprise was penalised for it at least `REPEATED` (2) times since it was found: penalties P
    (`kind = penalty`) of H's enterprise with `H.found_on <= P.decided_on <= on`, linked to H (`P.hazard = H`)
    or to no hazard (`P.hazard` empty: a decision against the enterprise as a whole). A penalty linked to another
    hazard of the enterprise does not count for H. Penalties are counted by case (执法部门, 案件编号; see
    cases.py): the enterprise and its principal penalised in one case (一案双罚) are one penalty, not two; a
    penalty without a case number is a case of its own.
  It proposes both measures: 提请关闭 (`closure`) and 行业禁入 (`industry_ban`).

Rule 2 — 同一隐患销号后复现 (`RECURRING`). A hazard N is a finding when
  - N has an enterprise, is a major hazard and was found on or before `on` (whatever its status now);
  - another hazard C ≠ N among `hazards` is "the same hazard" and was closed before N was found:
    C has the same enterprise, the same sector (`sector` equal, not merely an ancestor), `status = closed` and
    `C.closed_on <= N.found_on` (销号 on or before the day N was found); C's level does not matter (a general hazard
    that comes back as a major one is the same hazard, worse);
  - "the same hazard" is either
    (a) the same title and the same location: `title` equal and `location` equal after `normal()` (Unicode NFKC,
        every whitespace character removed, case folded); two empty locations are equal; or
    (b) the same checklist item: an on-site answer (`InspectionAnswer.hazard`) recorded C and one recorded N
        against the same `ChecklistItem`, or against items of two versions of one checklist (same `Checklist.code`)
        whose `focus` is equal after `normal()`.
  The finding names the latest such C (the latest `closed_on`). It proposes 行业禁入 (`industry_ban`: 屡查屡犯的
  企业负责人), and 提请关闭 (`closure`) too when the pair has been penalised `REPEATED` times: penalty cases of the
  enterprise with `C.found_on <= decided_on <= on` linked to C, to N or to no hazard.

A proposal already carried out is shown as done, not offered again: an enforcement action of its kind against the
enterprise decided between the finding's first date (H's `found_on`; C's `found_on` for rule 2) and `on`, or for
closure an enterprise whose state is already 关闭. Penalties and actions of every department count (the rule is
about the enterprise, whoever penalised it)."""
from __future__ import annotations

import datetime
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q

from apps.enterprises.models import Enterprise, EnterpriseState
from apps.hazards.models import Hazard, Level, Status, today

from .models import ActionKind, EnforcementAction, InspectionAnswer

REPEATED = 2  # 多次受到处罚: at least this many penalty cases
PERSISTING, RECURRING = "persisting", "recurring"
RULE_LABELS = {PERSISTING: "重大事故隐患多次处罚仍未消除", RECURRING: "同一隐患销号后复现"}
SAME_TITLE_LOCATION, SAME_CHECKLIST_ITEM = "title_location", "checklist_item"
SAME_LABELS = {SAME_TITLE_LOCATION: "隐患名称和部位相同", SAME_CHECKLIST_ITEM: "同一检查事项"}
PROPOSAL_LABELS = {ActionKind.CLOSURE: "提请关闭", ActionKind.INDUSTRY_BAN: "行业禁入"}
MEASURES = (ActionKind.CLOSURE, ActionKind.INDUSTRY_BAN)


def normal(text: str | None) -> str:
    """What "equal" compares: NFKC (全角 and 半角 alike), no whitespace at all, case folded."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).casefold()


@dataclass(frozen=True)
class PenaltyCase:
    department_id: int
    department: str
    case_no: str
    decided_on: datetime.date  # its first penalty


@dataclass
class Proposal:
    kind: str  # ActionKind.CLOSURE or ActionKind.INDUSTRY_BAN
    reason: str
    done_by: int | None = None  # the enforcement action that carried it out
    done_note: str = ""  # or why it needs none (the enterprise is closed already)

    @property
    def label(self) -> str:
        return PROPOSAL_LABELS[self.kind]

    @property
    def done(self) -> bool:
        return self.done_by is not None or bool(self.done_note)


@dataclass
class Finding:
    rule: str
    enterprise: Enterprise
    hazard: Hazard  # H (rule 1) or N (rule 2)
    earlier: Hazard | None = None  # C (rule 2)
    same_by: str = ""  # rule 2: SAME_TITLE_LOCATION or SAME_CHECKLIST_ITEM
    penalty_cases: list[PenaltyCase] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)

    @property
    def rule_label(self) -> str:
        return RULE_LABELS[self.rule]

    @property
    def same_label(self) -> str:
        return SAME_LABELS.get(self.same_by, "")

    @property
    def since(self) -> datetime.date:
        """The first day the finding looks at: H found; for rule 2, C found."""
        return (self.earlier or self.hazard).found_on

    @property
    def open_proposals(self) -> list[Proposal]:
        return [p for p in self.proposals if not p.done]


# --- the pure parts --------------------------------------------------------------------------------------------

def penalty_cases(penalties, *, since: datetime.date, on: datetime.date, hazard_ids) -> list[PenaltyCase]:
    """The penalty cases among `penalties` (rows with department_id, department__name, case_no, hazard_id,
    decided_on, pk; all of one enterprise) decided in [since, on] and linked to one of `hazard_ids` or to no
    hazard: one per (department, case number), a penalty without a case number on its own."""
    cases: dict = {}
    for p in penalties:
        if not since <= p["decided_on"] <= on:
            continue
        if p["hazard_id"] is not None and p["hazard_id"] not in hazard_ids:
            continue
        key = (p["department_id"], p["case_no"]) if p["case_no"] else ("action", p["pk"])
        known = cases.get(key)
        if known is None or p["decided_on"] < known.decided_on:
            cases[key] = PenaltyCase(p["department_id"], p["department__name"], p["case_no"], p["decided_on"])
    return sorted(cases.values(), key=lambda c: (c.decided_on, c.department_id, c.case_no))


def item_keys(answers) -> set:
    """What identifies the checklist items an answer set recorded: the item itself, and (code, focus) for the
    same item in another version of the checklist."""
    keys = set()
    for a in answers:
        keys.add(("item", a["item_id"]))
        keys.add(("focus", a["item__checklist__code"], normal(a["item__focus"])))
    return keys


def same_hazard(earlier: Hazard, later: Hazard, items: dict) -> str:
    """How `later` is the same hazard as `earlier` ("" if it is not): SAME_TITLE_LOCATION, else
    SAME_CHECKLIST_ITEM (`items`: hazard id → item_keys of its answers). Enterprise, sector and dates are the
    caller's to check."""
    if normal(earlier.title) == normal(later.title) and normal(earlier.location) == normal(later.location):
        return SAME_TITLE_LOCATION
    if items.get(earlier.pk, set()) & items.get(later.pk, set()):
        return SAME_CHECKLIST_ITEM
    return ""


def _cases_text(cases: list[PenaltyCase]) -> str:
    return "、".join(f"{c.department}{c.case_no or '（无案件编号）'}" for c in cases)


def _mark_done(finding: Finding, actions: list[dict], on: datetime.date) -> None:
    for proposal in finding.proposals:
        if proposal.kind == ActionKind.CLOSURE and finding.enterprise.state == EnterpriseState.CLOSED:
            proposal.done_note = "企业已关闭"
            continue
        for a in actions:
            if a["kind"] == proposal.kind and finding.since <= a["decided_on"] <= on:
                proposal.done_by = a["pk"]
                break


# --- the queries ------------------------------------------------------------------------------------------------

def find_repeat_offenders(hazards=None, *, on: datetime.date | None = None) -> list[Finding]:
    """Both rules over `hazards` (default: every hazard) as of `on` (default today); see the module's text. Six
    queries at most; the findings ordered by enterprise, then rule 1 before rule 2, then the hazard's date."""
    on = on or today()
    hazards = Hazard.objects.all() if hazards is None else hazards
    majors = hazards.filter(level=Level.MAJOR, enterprise__isnull=False, found_on__lte=on)

    # rule 1 candidates: open, with at least one penalty that may count (the case count is checked below)
    counting = EnforcementAction.objects.filter(
        Q(hazard_id=OuterRef("pk")) | Q(hazard__isnull=True), enterprise_id=OuterRef("enterprise_id"),
        kind=ActionKind.PENALTY, decided_on__gte=OuterRef("found_on"), decided_on__lte=on)
    persisting = list(majors.exclude(status=Status.CLOSED).filter(Exists(counting)))

    # rule 2 candidates: a closed hazard of the same enterprise and sector, closed by the day it was found
    closed_before = hazards.filter(enterprise_id=OuterRef("enterprise_id"), sector_id=OuterRef("sector_id"),
                                   status=Status.CLOSED, closed_on__lte=OuterRef("found_on")).exclude(pk=OuterRef("pk"))
    recurring = list(majors.filter(Exists(closed_before)))
    if not persisting and not recurring:
        return []
    enterprise_ids = {h.enterprise_id for h in persisting} | {h.enterprise_id for h in recurring}
    earlier = defaultdict(list)  # (enterprise, sector) → closed hazards
    items: dict = {}  # hazard id → item_keys of its checklist answers
    if recurring:
        pairs = {(h.enterprise_id, h.sector_id) for h in recurring}
        for c in hazards.filter(enterprise_id__in={e for e, _ in pairs}, status=Status.CLOSED,
                                closed_on__isnull=False, closed_on__lte=on).order_by("-closed_on", "-pk"):
            if (c.enterprise_id, c.sector_id) in pairs:
                earlier[(c.enterprise_id, c.sector_id)].append(c)
        ids = {h.pk for h in recurring} | {c.pk for cs in earlier.values() for c in cs}
        answers = defaultdict(list)
        for a in InspectionAnswer.objects.filter(hazard_id__in=ids).values(
                "hazard_id", "item_id", "item__checklist__code", "item__focus"):
            answers[a["hazard_id"]].append(a)
        items = {pk: item_keys(rows) for pk, rows in answers.items()}

    penalties, measures = defaultdict(list), defaultdict(list)
    for a in EnforcementAction.objects.filter(
            enterprise_id__in=enterprise_ids, kind__in=[ActionKind.PENALTY, *MEASURES], decided_on__lte=on,
    ).values("pk", "enterprise_id", "kind", "department_id", "department__name", "case_no", "hazard_id",
             "decided_on").order_by("decided_on", "pk"):
        (penalties if a["kind"] == ActionKind.PENALTY else measures)[a["enterprise_id"]].append(a)
    enterprises = Enterprise.objects.select_related("region").in_bulk(enterprise_ids)

    findings: list[Finding] = []
    for h in persisting:
        cases = penalty_cases(penalties[h.enterprise_id], since=h.found_on, on=on, hazard_ids={h.pk})
        if len(cases) < REPEATED:
            continue
        why = (f"重大事故隐患“{h.title}”自{h.found_on:%Y-%m-%d}发现至今未销号，期间受到行政处罚{len(cases)}次"
               f"（{_cases_text(cases)}）")
        findings.append(Finding(PERSISTING, enterprises[h.enterprise_id], h, penalty_cases=cases, proposals=[
            Proposal(ActionKind.CLOSURE, f"{why}：重大事故隐患长期存在并多次受到处罚，依法提请属地人民政府予以关闭。"),
            Proposal(ActionKind.INDUSTRY_BAN, f"{why}：依法落实企业主要负责人行业禁入规定。"),
        ]))
    for n in recurring:
        match = next(((c, how) for c in earlier[(n.enterprise_id, n.sector_id)]
                      if c.pk != n.pk and c.closed_on <= n.found_on and (how := same_hazard(c, n, items))), None)
        if match is None:
            continue
        c, how = match
        cases = penalty_cases(penalties[n.enterprise_id], since=c.found_on, on=on, hazard_ids={c.pk, n.pk})
        why = (f"重大事故隐患“{n.title}”于{n.found_on:%Y-%m-%d}再次发现，该企业同一隐患“{c.title}”"
               f"已于{c.closed_on:%Y-%m-%d}销号（{SAME_LABELS[how]}）")
        proposals = [Proposal(ActionKind.INDUSTRY_BAN, f"{why}：屡查屡犯，依法落实企业主要负责人行业禁入规定。")]
        if len(cases) >= REPEATED:
            proposals.insert(0, Proposal(ActionKind.CLOSURE, f"{why}，其间受到行政处罚{len(cases)}次"
                                         f"（{_cases_text(cases)}）：依法提请属地人民政府予以关闭。"))
        findings.append(Finding(RECURRING, enterprises[n.enterprise_id], n, earlier=c, same_by=how,
                                penalty_cases=cases, proposals=proposals))
    for f in findings:
        _mark_done(f, measures[f.enterprise.pk], on)
    order = {PERSISTING: 0, RECURRING: 1}
    findings.sort(key=lambda f: (f.enterprise.name, f.enterprise.pk, order[f.rule], f.hazard.found_on, f.hazard.pk))
    return findings
