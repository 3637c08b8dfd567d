"""The daily job and the inbox's writes.

`run_daily(day)`:
1. claims the day: inserts the day's `AlertRun` row. The unique `day` is the lock — a second start, concurrent or
   later, fails the insert and does nothing (on PostgreSQL a concurrent insert waits for the first to commit, then
   fails). A run whose heartbeat stopped for STALE_AFTER (a crash, a restart) is taken over by the next start,
   under `SELECT … FOR UPDATE`, and resumes: every step below is idempotent. A run that failed with an error
   gives the day back at once (the error is kept in `counts`), so running the command again resumes it.
2. runs every rule of `rules.RULES` and inserts the alerts whose (user, key) is new (looked up in batches, then
   inserted with ignore-conflicts as the last guard), dated `created_on = day`;
3. sends each user with an e-mail address one message (django.core.mail.send_mail, the EMAIL_* settings)
   summarising the alerts created that day and not yet e-mailed, and stamps them `emailed_at`. Users are handled
   in batches of EMAIL_BATCH: a crash between sending a batch and stamping it re-sends that batch on resume (at
   most EMAIL_BATCH messages twice), never loses one;
4. records the counts and `finished_at`.
"""
from __future__ import annotations

import datetime
import logging
from collections import Counter

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from .models import Alert, AlertRun, Kind
from .rules import RULES, Candidate, Directory

log = logging.getLogger(__name__)

STALE_AFTER = datetime.timedelta(minutes=10)
INSERT_BATCH = 1000
EMAIL_BATCH = 200
EMAIL_MAX_LINES = 50  # alerts listed in one message; the rest are counted and wait in the inbox


def today() -> datetime.date:
    return timezone.localdate()  # Asia/Shanghai


# --- the lock -------------------------------------------------------------------------------------------------------

def claim(day: datetime.date) -> AlertRun | None:
    """The day's run for this caller to do, or None when another start did it or is doing it."""
    now = timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                return AlertRun.objects.create(day=day, started_at=now, heartbeat_at=now)
        except IntegrityError:
            pass
        run = AlertRun.objects.select_for_update().get(day=day)
        if run.finished_at is None and run.heartbeat_at < now - STALE_AFTER:
            run.attempts += 1
            run.heartbeat_at = now
            run.save(update_fields=["attempts", "heartbeat_at"])
            return run
        return None


def _beat(run: AlertRun) -> None:
    AlertRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now())


# --- creating alerts ------------------------------------------------------------------------------------------------

def _insert(kind: str, batch: list[Candidate], day: datetime.date) -> int:
    keys = {c.key for c in batch}
    existing = set(Alert.objects.filter(key__in=keys).values_list("user_id", "key"))
    fresh: dict[tuple[int, str], Alert] = {}
    for c in batch:
        ident = (c.user_id, c.key)
        if ident in existing or ident in fresh:
            continue
        fresh[ident] = Alert(user_id=c.user_id, kind=kind, key=c.key[:200], title=c.title[:300], body=c.body,
                             url=c.url[:300], created_on=day)
    if fresh:
        Alert.objects.bulk_create(fresh.values(), ignore_conflicts=True)
    return len(fresh)


def create_alerts(kind: str, candidates, day: datetime.date) -> int:
    """Insert the candidates of one rule that are new for their user; returns how many were new."""
    created, batch = 0, []
    with transaction.atomic():
        for candidate in candidates:
            batch.append(candidate)
            if len(batch) >= INSERT_BATCH:
                created += _insert(kind, batch, day)
                batch = []
        if batch:
            created += _insert(kind, batch, day)
    return created


# --- e-mail ---------------------------------------------------------------------------------------------------------

def _absolute(url: str) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{base}{url}" if url and url.startswith("/") else url


def digest(day: datetime.date, name: str, alerts: list[dict]) -> tuple[str, str]:
    """The subject and body of one user's message for the day."""
    subject = f"【隐患排查整治平台】{day:%Y-%m-%d} 有 {len(alerts)} 条新提醒"
    lines = [f"{name}：", "", f"平台 {day:%Y-%m-%d} 为您生成了 {len(alerts)} 条新提醒：", ""]
    labels = dict(Kind.choices)
    for n, alert in enumerate(alerts[:EMAIL_MAX_LINES], start=1):
        lines.append(f"{n}. 【{labels.get(alert['kind'], alert['kind'])}】{alert['title']}")
        if alert["body"]:
            lines.append(f"   {alert['body']}")
        if alert["url"]:
            lines.append(f"   {_absolute(alert['url'])}")
    if len(alerts) > EMAIL_MAX_LINES:
        lines += ["", f"另有 {len(alerts) - EMAIL_MAX_LINES} 条，请登录平台查看。"]
    inbox = _absolute(_inbox_url())
    lines += ["", f"全部提醒：{inbox}" if inbox else "全部提醒请登录平台查看。", "",
              "本邮件由系统自动发送，请勿回复。"]
    return subject, "\n".join(lines)


def _inbox_url() -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("alerts:inbox")
    except NoReverseMatch:
        return ""


def send_emails(day: datetime.date, run: AlertRun | None = None) -> dict:
    """One message per user with an e-mail address for the day's alerts not yet e-mailed."""
    pending = Alert.objects.filter(created_on=day, emailed_at__isnull=True, user__is_active=True).exclude(
        user__email="")
    user_ids = sorted(set(pending.order_by().values_list("user_id", flat=True)))
    sent = failed = 0
    connection = get_connection()
    for start in range(0, len(user_ids), EMAIL_BATCH):
        batch = user_ids[start:start + EMAIL_BATCH]
        rows = pending.filter(user_id__in=batch).order_by("user_id", "kind", "id").values(
            "pk", "user_id", "user__email", "user__name", "user__username", "kind", "title", "body", "url")
        by_user: dict[int, list[dict]] = {}
        for row in rows:
            by_user.setdefault(row["user_id"], []).append(row)
        done: list[int] = []
        for user_id, alerts in by_user.items():
            first = alerts[0]
            subject, message = digest(day, first["user__name"] or first["user__username"], alerts)
            try:
                send_mail(subject, message, None, [first["user__email"]], connection=connection)
            except Exception:  # one bad address or a refused message must not stop the others
                log.exception("alert e-mail to user %s failed", user_id)
                failed += 1
                continue
            sent += 1
            done.extend(a["pk"] for a in alerts)
        if done:
            Alert.objects.filter(pk__in=done).update(emailed_at=timezone.now())
        if run is not None:
            _beat(run)
    return {"emails": sent, "email_failures": failed}


# --- the job --------------------------------------------------------------------------------------------------------

def run_daily(day: datetime.date | None = None) -> AlertRun | None:
    """Create the day's alerts and send the day's e-mails, once per day. Returns the finished run, or None when
    this start had nothing to do (the day was done or is being done by another start)."""
    day = day or today()
    run = claim(day)
    if run is None:
        return None
    try:
        directory = Directory()
        for kind, rule in RULES.items():
            create_alerts(kind, rule(day, directory), day)
            _beat(run)
        mail = send_emails(day, run)
    except BaseException as exc:
        # give the day back at once: the next start resumes it (what was done stays done), without waiting for
        # STALE_AFTER
        AlertRun.objects.filter(pk=run.pk).update(
            heartbeat_at=timezone.now() - STALE_AFTER - datetime.timedelta(seconds=1),
            counts={"error": f"{type(exc).__name__}: {exc}"[:500]})
        raise
    created = Counter(dict(Alert.objects.filter(created_on=day).order_by().values_list("kind").annotate(
        n=Count("id"))))
    counts = {str(kind): created.get(kind, 0) for kind in RULES}
    counts |= {"alerts": sum(counts.values()),
               "users": Alert.objects.filter(created_on=day).values("user_id").distinct().count(), **mail}
    run.counts = counts
    run.finished_at = timezone.now()
    run.heartbeat_at = run.finished_at
    run.save(update_fields=["counts", "finished_at", "heartbeat_at"])
    return run


# --- the inbox ------------------------------------------------------------------------------------------------------

def mark_read(user, ids=None) -> int:
    """Mark the user's unread alerts read (only `ids` when given); another user's alerts are never touched."""
    alerts = Alert.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        alerts = alerts.filter(pk__in=list(ids))
    return alerts.update(read_at=timezone.now())


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Alert.objects.filter(user=user, read_at__isnull=True).count()
