"""Writing to and verifying the audit chain. Every service that changes a record calls `record` inside its
transaction, so the entry commits or rolls back with the change."""
import datetime
import decimal
import hashlib
import json
import uuid
from dataclasses import dataclass

from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from apps.core.context import current

from .models import Action, AuditEntry, AuditHead

GENESIS = "0" * 64


def _jsonable(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, FieldFile):  # an empty one raises on `.url`, so never ask it
        return value.name or ""
    return value


def snapshot(instance: models.Model, exclude: tuple[str, ...] = ("password",)) -> dict:
    """The record's fields as JSON-safe values, many-to-many fields as sorted lists of ids."""
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude:
            continue
        data[field.attname] = _jsonable(field.value_from_object(instance))
    if instance.pk is not None:
        for field in instance._meta.many_to_many:
            if field.name in exclude:
                continue
            data[field.name] = sorted(_jsonable(v) for v in field.value_from_object(instance))
    return data


def _digest(entry_fields: dict) -> str:
    canonical = json.dumps(entry_fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def entry_fields(entry: AuditEntry) -> dict:
    """What the hash covers: everything but the hash itself."""
    return {
        "seq": entry.seq,
        "at": entry.at.isoformat(),
        "user": entry.user_id,
        "username": entry.username,
        "ip": entry.ip,
        "source": entry.source,
        "request_id": entry.request_id,
        "action": entry.action,
        "model": entry.model,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "before": entry.before,
        "after": entry.after,
        "prev_hash": entry.prev_hash,
    }


def record(
    *,
    actor,
    action: str,
    instance: models.Model | None = None,
    model: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """Append one entry to the chain. Must run inside the writing transaction (it locks the chain head)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the transaction that makes the change")
    AuditHead.objects.get_or_create(id=1)
    head = AuditHead.objects.select_for_update().get(id=1)
    ctx = current()
    if instance is not None:
        model = model or instance._meta.label_lower
        object_id = object_id or str(instance.pk)
        object_repr = object_repr or str(instance)[:200]
    user = actor if getattr(actor, "is_authenticated", False) else None
    entry = AuditEntry(
        seq=head.count + 1,
        at=timezone.now(),
        user=user,
        username=getattr(user, "username", "") or ("system" if actor is None else str(actor)),
        ip=ctx.ip,
        source=ctx.source,
        request_id=ctx.request_id,
        action=action,
        model=model,
        object_id=object_id,
        object_repr=object_repr[:200],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        prev_hash=head.last_hash,
    )
    # Round-trip the JSON so the hash is over exactly what the database will hand back.
    entry.before = json.loads(json.dumps(entry.before, ensure_ascii=False)) if entry.before is not None else None
    entry.after = json.loads(json.dumps(entry.after, ensure_ascii=False)) if entry.after is not None else None
    entry.hash = _digest(entry_fields(entry))
    entry.save()
    head.count = entry.seq
    head.last_hash = entry.hash
    head.save(update_fields=["count", "last_hash"])
    return entry


def record_change(actor, instance: models.Model, before: dict | None) -> AuditEntry:
    """Create (before is None) or update of `instance`, snapshotting it as it is now."""
    return record(
        actor=actor,
        action=Action.CREATE if before is None else Action.UPDATE,
        instance=instance,
        before=before,
        after=snapshot(instance),
    )


def record_delete(actor, instance: models.Model) -> AuditEntry:
    return record(actor=actor, action=Action.DELETE, instance=instance, before=snapshot(instance), after=None)


def record_bulk(actor, model: type[models.Model], ids: list, digest_of: list[dict]) -> AuditEntry:
    """One entry for a batch of a bulk load: the batch's ids and a digest of the rows (NOTES.md)."""
    return record(
        actor=actor,
        action=Action.BULK_CREATE,
        model=model._meta.label_lower,
        object_id=f"{ids[0]}..{ids[-1]}" if ids else "",
        object_repr=f"{len(ids)} 条",
        after={"ids": [_jsonable(i) for i in ids], "digest": _digest(_jsonable(digest_of))},
    )


@dataclass
class ChainProblem:
    seq: int | None
    message: str


def verify_chain() -> list[ChainProblem]:
    """Every break in the chain, first one first. Empty when the chain is whole."""
    problems: list[ChainProblem] = []
    expected_prev = GENESIS
    expected_seq = 1
    last_hash = GENESIS
    count = 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        count += 1
        if entry.seq != expected_seq:
            problems.append(
                ChainProblem(expected_seq, f"第 {expected_seq} 至 {entry.seq - 1} 条记录缺失（已被删除）")
            )
        if entry.prev_hash != expected_prev:
            problems.append(ChainProblem(entry.seq, f"第 {entry.seq} 条记录的前序哈希与上一条不符（链被截断或改写）"))
        if _digest(entry_fields(entry)) != entry.hash:
            problems.append(ChainProblem(entry.seq, f"第 {entry.seq} 条记录的内容已被篡改（哈希不符）"))
        expected_prev = entry.hash
        expected_seq = entry.seq + 1
        last_hash = entry.hash
    head = AuditHead.objects.filter(id=1).first()
    head_count = head.count if head else 0
    head_hash = head.last_hash if head else GENESIS
    if head_count != expected_seq - 1 or head_hash != last_hash:
        problems.append(
            ChainProblem(
                expected_seq if head_count >= expected_seq else None,
                f"链头检查点记录 {head_count} 条，实际链尾为第 {expected_seq - 1} 条（共 {count} 条）："
                "末尾记录被删除或检查点被改写",
            )
        )
    return problems
