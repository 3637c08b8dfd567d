"""Every write to a tip, and the one audited read of its reporter (DESIGN.md "Tip"; API.md `tips/`, `public/tips/`).

A tip comes in through the public form (`submit_tip`, no sign-in, with up to 5 photos checked by `photo_problems`)
or, for past records, from an administrator (`submit_tip` with an actor and a `received_on`). Then: 分办
(`tip_triage`, a safety office over the tip's region), 核查 (`tip_verify`, the department it was triaged to; a 查实
tip names the hazard it led to, or brings it into the ledger in the same step with source 举报), 奖励 (`tip_reward`,
the same department, only for a 查实 tip).

Each step runs in one transaction that locks the tip, refuses a stale `version` (StaleWrite → 409), checks the
actor's role (NotAllowed → 403) and then the state (ValidationError → 400), and writes the audit entry. The role
comes first, as for hazards; an administrator passes the role checks, never the state checks. Business dates may
lie in the past, never in the future, and never before the step they follow.

The reporter's name and phone are kept only as Fernet tokens (crypto.py). No audit entry carries them, not even
as tokens (`tip_snapshot`), and the public submission's entry carries no address either: the audit trail is read
by people who must not be able to trace a whistleblower. `reveal_identity` is the only way back to the plain text:
a per-person permission, the tip in the reader's scope, and an audit entry for every call."""
import datetime
import secrets
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from apps.audit.models import Action
from apps.audit.services import record, snapshot
from apps.core.context import acting_from
from apps.core.errors import NotAllowed, StaleWrite
from apps.enterprises.models import Enterprise
from apps.hazards.models import Hazard, Level, Source
from apps.hazards.services import evidence_type, hazard_report
from apps.regions.models import Department, Region
from apps.regions.scope import scope_for, today

from . import crypto
from .models import Tip, TipPhoto, TipStatus

# No 0/O, 1/I/L: a receipt is read aloud over the phone and copied by hand. 31 symbols, 16 places ≈ 79 bits.
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECEIPT_LENGTH = 16
IDENTITY_FIELDS = ("reporter_name_token", "reporter_phone_token")
REVEAL_PERMISSION = "tips.view_reporter_identity"
REVEAL_LABEL = "查看举报人身份"


# --- receipts -------------------------------------------------------------------------------------------------

def new_receipt() -> str:
    """A random, unguessable receipt code that no tip has yet."""
    for _ in range(10):
        code = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
        if not Tip.objects.filter(receipt=code).exists():
            return code
    raise RuntimeError("could not draw a fresh receipt code")  # 31**16 codes: never in practice


def normalize_receipt(text: str) -> str:
    """What a person types back: case, spaces and dashes do not matter."""
    return "".join(ch for ch in str(text).upper() if ch not in " -\t")


def tip_by_receipt(text: str) -> Tip | None:
    code = normalize_receipt(text)
    if not code or len(code) > 32:
        return None
    return Tip.objects.filter(receipt=code).first()


# --- who the actor is -----------------------------------------------------------------------------------------

def is_admin(actor) -> bool:
    return bool(getattr(actor, "is_superuser", False)) and getattr(actor, "acting_membership", None) is None


def _offices_over(actor, region_code: str) -> list[str]:
    """The safety-office subtrees of the actor that hold `region_code`."""
    return [r for r in scope_for(actor).office_region_codes if region_code.startswith(r)]


def _triager(actor, tip: Tip) -> bool:
    return bool(_offices_over(actor, tip.region_id))


def _handler(actor, tip: Tip) -> bool:
    """Verify and reward: the department the tip was triaged to, with its superiors (D* holds the department)."""
    return tip.department_id is not None and tip.department_id in scope_for(actor).department_ids


ROLE_CHECKS = {"triage": _triager, "verify": _handler, "reward": _handler}


def may(actor, action: str, tip: Tip) -> bool:
    """May the actor take `action` on `tip` as far as their role goes? (Pages ask it to show their buttons.)"""
    check = ROLE_CHECKS.get(action)
    return is_admin(actor) or bool(check and check(actor, tip))


def may_reveal(user, tip: Tip) -> bool:
    return (getattr(user, "is_authenticated", False) and user.has_perm(REVEAL_PERMISSION)
            and Tip.objects.visible_to(user).filter(pk=tip.pk).exists())


def _allowed(actor, check: bool, message: str) -> None:
    if not (is_admin(actor) or check):
        raise NotAllowed(message)


# --- shared steps ---------------------------------------------------------------------------------------------

def tip_snapshot(tip: Tip) -> dict:
    """The tip for the audit trail: never the reporter's identity, not even encrypted."""
    return snapshot(tip, exclude=IDENTITY_FIELDS)


def _locked(tip: Tip, version: int | None) -> Tip:
    current_tip = Tip.objects.select_for_update().get(pk=tip.pk)
    if version is not None and int(version) != current_tip.version:
        raise StaleWrite()
    return current_tip


def _not_in_future(field: str, day: datetime.date) -> None:
    if day > today():
        raise ValidationError({field: "日期不能晚于今天。"})


def _not_before(field: str, day: datetime.date, earliest: datetime.date | None, what: str) -> None:
    if earliest is not None and day < earliest:
        raise ValidationError({field: f"日期不能早于{what}（{earliest.isoformat()}）。"})


def _save(actor, tip: Tip, before: dict, step: str) -> Tip:
    tip.version = F("version") + 1
    tip.save()
    tip.refresh_from_db()
    record(actor=actor, action=Action.TRANSITION, instance=tip, before=before,
           after=tip_snapshot(tip) | {"action": step})
    return tip


# --- photos ---------------------------------------------------------------------------------------------------

PHOTO_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_COUNT = 5


def photo_problems(photos: Sequence) -> list[str]:
    """What is wrong with the photos of a public tip, in Chinese, one line per problem (empty: they may be kept):
    at most 5, each at most 10 MB, each a JPG, PNG or WebP by its first bytes (the browser's word is not taken).
    The page form and `submit_tip` both ask it."""
    problems = []
    if len(photos) > PHOTO_MAX_COUNT:
        problems.append(f"照片最多 {PHOTO_MAX_COUNT} 张，您选择了 {len(photos)} 张。")
    for upload in photos:
        if upload.size > PHOTO_MAX_BYTES:
            problems.append(f"照片“{upload.name}”超过 10 MB，请压缩后再上传。")
        elif evidence_type(upload) not in PHOTO_TYPES:
            problems.append(f"文件“{upload.name}”不是 JPG、PNG 或 WebP 格式的照片。")
    return problems


def _save_photos(tip: Tip, photos: Sequence) -> None:
    for number, upload in enumerate(photos, start=1):
        kind = evidence_type(upload)
        photo = TipPhoto(tip=tip, name=f"照片{number}.{PHOTO_TYPES[kind]}", content_type=kind, size=upload.size)
        photo.file.save(photo.name, upload, save=False)
        photo.save()


# --- submit ---------------------------------------------------------------------------------------------------

def submit_tip(*, region: Region, description: str, enterprise_name: str = "", anonymous: bool = True,
               reporter_name: str = "", reporter_phone: str = "", received_on: datetime.date | None = None,
               actor=None, place: str = "", photos: Sequence = ()) -> Tip:
    """受理一条举报. From the public form (`actor` None): received today, no address in the audit entry. From an
    administrator loading past records: `received_on` may be given (not in the future).

    An anonymous tip keeps no name or phone, even if some were typed: the reporter chose not to be known. A named
    tip (anonymous false) needs a name or a phone, both encrypted at rest. The enterprise stays unlinked: the
    safety office links it when it triages (a name typed by the public is no proof of which enterprise it is).
    `photos` (uploads) are checked by `photo_problems` and kept as TipPhoto rows in the same transaction; the audit
    entry counts them."""
    if actor is not None and not is_admin(actor):
        raise NotAllowed("举报只能通过公众举报渠道提交；系统管理员可导入历史举报。")
    received_on = received_on or today()
    _not_in_future("received_on", received_on)
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": "请填写举报内容。"})
    reporter_name = (reporter_name or "").strip()
    reporter_phone = (reporter_phone or "").strip()
    if anonymous:
        reporter_name = reporter_phone = ""
    elif not (reporter_name or reporter_phone):
        raise ValidationError({"reporter_name": "实名举报请至少填写姓名或联系电话；不愿留下身份请选择匿名举报。"})
    photos = list(photos)
    problems = photo_problems(photos)
    if problems:
        raise ValidationError({"photos": problems})
    tip = Tip(
        receipt=new_receipt(), region=region, enterprise_name=(enterprise_name or "").strip(),
        place=(place or "").strip(), description=description, anonymous=bool(anonymous), received_on=received_on,
        reporter_name_token=crypto.encrypt(reporter_name), reporter_phone_token=crypto.encrypt(reporter_phone),
        status=TipStatus.RECEIVED,
    )
    if actor is None:
        # The public reporter: the audit entry names no person and no address, and gets a request id of its own.
        with acting_from(ip="", source="public"), transaction.atomic():
            tip.save()
            _save_photos(tip, photos)
            record(actor="public", action=Action.CREATE, instance=tip, before=None,
                   after=tip_snapshot(tip) | {"named": not tip.anonymous, "photos": len(photos)})
        return tip
    with transaction.atomic():
        tip.save()
        _save_photos(tip, photos)
        record(actor=actor, action=Action.CREATE, instance=tip, before=None,
               after=tip_snapshot(tip) | {"named": not tip.anonymous, "photos": len(photos)})
    return tip


# --- triage, verify, reward -----------------------------------------------------------------------------------

@transaction.atomic
def tip_triage(*, actor, tip: Tip, department: Department, enterprise: Enterprise | None = None,
               triaged_on: datetime.date | None = None, version: int | None = None) -> Tip:
    """分办: a safety office over the tip's region hands it to a department of its subtree, and may link the
    enterprise (of the same subtree): the tip's region becomes the enterprise's. Again from `triaged` (re-triage),
    never once verified."""
    tip = _locked(tip, version)
    offices = _offices_over(actor, tip.region_id)
    _allowed(actor, bool(offices), "只有举报所在地区（或上级）的安委办可以分办举报。")
    if not is_admin(actor):
        if not any(department.region_id.startswith(r) for r in offices):
            raise ValidationError({"department": "承办部门须为本安委办辖区内的部门。"})
        if enterprise is not None and not any(enterprise.region_id.startswith(r) for r in offices):
            raise ValidationError({"enterprise": "被举报企业须在本安委办辖区内。"})
    if tip.status not in (TipStatus.RECEIVED, TipStatus.TRIAGED):
        raise ValidationError({"status": f"举报已核查（{tip.get_status_display()}），不能再分办。"})
    triaged_on = triaged_on or today()
    _not_in_future("triaged_on", triaged_on)
    _not_before("triaged_on", triaged_on, tip.received_on, "受理日期")
    before = tip_snapshot(tip)
    tip.department = department
    tip.triaged_on = triaged_on
    if enterprise is not None:
        tip.enterprise = enterprise
        tip.region_id = enterprise.region_id
        if not tip.enterprise_name:
            tip.enterprise_name = enterprise.name
    tip.status = TipStatus.TRIAGED
    return _save(actor, tip, before, "triage")


@transaction.atomic
def tip_verify(*, actor, tip: Tip, outcome: str, verified_on: datetime.date | None = None,
               hazard: Hazard | None = None, reason: str = "", version: int | None = None,
               new_hazard: dict | None = None) -> Tip:
    """核查: the department it was triaged to finds it true (查实, optionally naming the hazard it led to) or
    unfounded (不属实, with the reason). A 查实 tip may instead bring its hazard into the ledger in the same step
    (`new_hazard`: title, level, and optionally sector, location, description; see `_hazard_from_tip`)."""
    tip = _locked(tip, version)
    _allowed(actor, _handler(actor, tip), "只有举报分办到的承办部门可以核查。")
    if tip.status != TipStatus.TRIAGED:
        raise ValidationError({"status": f"举报当前状态为“{tip.get_status_display()}”，只有已分办的举报可以核查。"})
    if outcome not in (TipStatus.VERIFIED, TipStatus.UNFOUNDED):
        raise ValidationError({"outcome": "核查结果须为 verified（查实）或 unfounded（不属实）。"})
    reason = (reason or "").strip()
    if outcome == TipStatus.UNFOUNDED:
        if not reason:
            raise ValidationError({"reason": "核查不属实须说明理由。"})
        if hazard is not None or new_hazard is not None:
            raise ValidationError({"hazard": "不属实的举报不能关联隐患。"})
    if hazard is not None and new_hazard is not None:
        raise ValidationError({"hazard": "关联已有隐患与登记新隐患只能选择一项。"})
    verified_on = verified_on or today()
    _not_in_future("verified_on", verified_on)
    _not_before("verified_on", verified_on, tip.triaged_on or tip.received_on, "分办日期")
    if new_hazard is not None:
        hazard = _hazard_from_tip(actor, tip, new_hazard, verified_on)
    before = tip_snapshot(tip)
    tip.status = outcome
    tip.verified_on = verified_on
    tip.verification_reason = reason
    tip.hazard = hazard
    return _save(actor, tip, before, "verify")


def _hazard_from_tip(actor, tip: Tip, data: dict, found_on: datetime.date) -> Hazard:
    """登记隐患 from a 查实 tip, source 举报, through hazards.services.hazard_report: found on the verification day by
    the department the tip was triaged to, which becomes responsible for it. The hazard hangs on the tip's
    enterprise when one is linked, else on the tip's region with a sector given. Nothing of the tip is copied
    over: the enterprise reads its own hazards, and the tip's words or photos could point at the whistleblower."""
    if tip.enterprise is None and data.get("sector") is None:
        raise ValidationError({"sector": "未关联企业的举报登记为隐患时须选择行业领域。"})
    if (data.get("level") or "") not in Level.values:
        raise ValidationError({"level": "请选择隐患等级（一般隐患或重大事故隐患）。"})
    if not (data.get("title") or "").strip():
        raise ValidationError({"title": "请填写隐患名称。"})
    return hazard_report(actor=actor, for_tip_department=tip.department, data={
        "enterprise": tip.enterprise, "region": None if tip.enterprise else tip.region, "source": Source.TIP,
        "found_on": found_on, "sector": data.get("sector"), "department": tip.department,
        "title": data["title"].strip(), "level": data["level"],
        "location": (data.get("location") or "").strip(), "description": (data.get("description") or "").strip(),
    })


@transaction.atomic
def tip_reward(*, actor, tip: Tip, amount: Decimal, rewarded_on: datetime.date | None = None,
               version: int | None = None) -> Tip:
    """奖励 (万元): only a 查实 tip, by the department it was triaged to, once."""
    tip = _locked(tip, version)
    _allowed(actor, _handler(actor, tip), "只有举报分办到的承办部门可以发放奖励。")
    if tip.status != TipStatus.VERIFIED:
        raise ValidationError({"status": f"举报当前状态为“{tip.get_status_display()}”，只有查实的举报可以奖励。"})
    if tip.rewarded_on is not None:
        raise ValidationError({"status": f"该举报已于 {tip.rewarded_on.isoformat()} 发放奖励。"})
    if amount is None or Decimal(amount) <= 0:
        raise ValidationError({"amount": "奖励金额须大于 0（万元）。"})
    rewarded_on = rewarded_on or today()
    _not_in_future("rewarded_on", rewarded_on)
    _not_before("rewarded_on", rewarded_on, tip.verified_on, "核查日期")
    before = tip_snapshot(tip)
    tip.reward_amount = Decimal(amount)
    tip.rewarded_on = rewarded_on
    return _save(actor, tip, before, "reward")


# --- the reporter's identity ----------------------------------------------------------------------------------

def reveal_identity(user, tip: Tip) -> dict:
    """The reporter's name and phone in plain text, for the interface only (never the API): to a holder of the
    per-person permission `tips.view_reporter_identity`, for a tip in their scope. Every call is audited (查看举报人
    身份), a refused one too, so that 纪委 can see who tried; the entry never holds the identity itself."""
    allowed = may_reveal(user, tip)
    with transaction.atomic():
        record(actor=user, action=Action.READ_SECRET, model=Tip._meta.label_lower, object_id=str(tip.pk),
               object_repr=f"{REVEAL_LABEL}：{tip}", after={"what": REVEAL_LABEL, "allowed": allowed})
    if not allowed:
        raise NotAllowed("您无权查看举报人身份。")
    fresh = Tip.objects.only("anonymous", *IDENTITY_FIELDS).get(pk=tip.pk)
    return {
        "anonymous": fresh.anonymous,
        "reporter_name": crypto.decrypt(fresh.reporter_name_token),
        "reporter_phone": crypto.decrypt(fresh.reporter_phone_token),
    }


# --- records that follow the enterprise -----------------------------------------------------------------------

def follow_enterprise(sender, enterprise, new_region, **kwargs) -> None:
    """A linked tip's region is its enterprise's (DESIGN.md "Scope"): when the enterprise moves, its tips move.
    Connected to apps.enterprises.signals.enterprise_moved (see admin.py)."""
    Tip.objects.filter(enterprise=enterprise).update(region_id=new_region)

