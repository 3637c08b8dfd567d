"""Writes to people: only a safety office (inside its subtree) or a system administrator."""
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.audit.models import Action
from apps.audit.services import record, snapshot
from apps.core.errors import NotAllowed
from apps.regions.permissions import can_manage_users

from .models import Membership, User


def membership_region(m: Membership) -> str:
    return m.region_code


def _memberships_snapshot(user: User) -> list[dict]:
    return [{"kind": m.kind, "target": m.target_id, "role": m.role} for m in user.memberships.order_by("id")]


def user_snapshot(user: User) -> dict:
    data = snapshot(user, exclude=("password", "user_permissions", "groups", "last_login"))
    data["memberships"] = _memberships_snapshot(user)
    return data


def _validate_memberships(memberships: Sequence[Membership]) -> None:
    seen = set()
    for i, m in enumerate(memberships):
        key = (m.kind, m.target_id)
        if m.target_id is None:
            raise ValidationError({"memberships": f"第{i + 1}项身份缺少所属单位"})
        if key in seen:
            raise ValidationError({"memberships": f"第{i + 1}项身份重复"})
        seen.add(key)


@transaction.atomic
def user_save(*, actor, user: User, password: str | None = None,
              memberships: Sequence[Membership] | None = None) -> User:
    """Create or update `user`; `memberships` (unsaved Membership objects) replace the current ones."""
    existing = User.objects.filter(pk=user.pk).first() if user.pk else None
    regions = [membership_region(m) for m in (existing.memberships.all() if existing else [])]
    if memberships is not None:
        _validate_memberships(memberships)
        regions += [membership_region(m) for m in memberships]
    if not can_manage_users(actor, regions) or (user.is_superuser and not getattr(actor, "is_superuser", False)):
        raise NotAllowed("只有安委办（在其辖区内）或系统管理员可以维护用户。")
    before = user_snapshot(existing) if existing else None
    if password:
        user.set_password(password)
    elif not user.pk:
        user.set_unusable_password()
    user.save()
    if memberships is not None:
        user.memberships.all().delete()
        for m in memberships:
            m.user = user
            m.save()
    record(actor=actor, action=Action.UPDATE if before else Action.CREATE, instance=user, before=before,
           after=user_snapshot(user))
    return user

