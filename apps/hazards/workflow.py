"""The hazard's life as one table (DESIGN.md "The hazard's life"), and who may take each step.

reported ──plan──► rectifying ──submit──► awaiting_acceptance ──accept──► closed
   │                   ▲                          │
   │                   └───────── reject ◄────────┘
   └──fix-on-spot (general hazards only)──► closed

list / delist / transfer are events on the way: they do not change the status, and not once closed.
closure_report records that the closure was reported upward (due within 3 days of 销号, 许昌 附件6).
"""
from dataclasses import dataclass

from apps.regions.scope import DEPARTMENT, ENTERPRISE, GROUP, SAFETY_OFFICE

from .models import Level, Source, Status

R, P, A, C = Status.REPORTED, Status.RECTIFYING, Status.AWAITING_ACCEPTANCE, Status.CLOSED

# action → (states it may start from, the state it leads to; None = unchanged)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "plan": (frozenset({R}), P),
    "fix_on_spot": (frozenset({R}), C),
    "submit": (frozenset({P}), A),
    "accept": (frozenset({A}), C),
    "reject": (frozenset({A}), P),
    "list": (frozenset({R, P, A}), None),
    "delist": (frozenset({R, P, A, C}), None),
    "transfer": (frozenset({R, P, A}), None),
    "closure_report": (frozenset({C}), None),
    "update": (frozenset({R, P, A, C}), None),
}

ACTION_LABELS = {
    "report": "登记隐患",
    "plan": "制定治理方案",
    "fix_on_spot": "立即整改",
    "submit": "提请验收",
    "accept": "验收销号",
    "reject": "验收不通过",
    "list": "挂牌督办",
    "delist": "摘牌",
    "transfer": "移交",
    "update": "修改",
    "closure_report": "上报销号情况",
}

# Which sources each kind of membership may report (DESIGN.md "Who may do what").
REPORT_SOURCES: dict[str, frozenset[str]] = {
    ENTERPRISE: frozenset({Source.SELF}),
    DEPARTMENT: frozenset({Source.DEPARTMENT, Source.EXPERT, Source.REVIEW}),
    GROUP: frozenset({Source.SUPERVISION}),
    SAFETY_OFFICE: frozenset({Source.ASSIGNED, Source.TIP}),
}


@dataclass(frozen=True)
class Refusal:
    """Why an action is refused: `state` problems answer 400, `role` problems 403."""

    kind: str  # "state" or "role"
    message: str


def state_refusal(action: str, status: str, level: str) -> Refusal | None:
    allowed_from, _ = TRANSITIONS[action]
    if status not in allowed_from:
        label = Status(status).label
        return Refusal("state", f"隐患当前状态为“{label}”，不能{ACTION_LABELS[action]}。")
    if action == "fix_on_spot" and level == Level.MAJOR:
        return Refusal("state", "重大事故隐患不能立即整改销号，须制定治理方案。")
    return None


def next_status(action: str, status: str) -> str:
    return TRANSITIONS[action][1] or status
