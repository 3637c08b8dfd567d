"""Reads from a streaming replica (docs/deploy.md "Read replicas").

Report figures, dashboard figures and exports are heavy reads that may lag the primary by a moment: they wrap
themselves in `reading_from_replica()` (a context manager, or a decorator with the parentheses) and the router
(`config/routers.py`) then sends their reads to the `replica` alias. Everything else reads the primary, and every
write goes to the primary, inside the block too.

Without `DATABASE_REPLICA_URL` the block does nothing. It also does nothing:
- while the primary connection is inside a transaction (`atomic`): a read there may need to see the transaction's
  own uncommitted writes, which the replica never has (this is also why a test run inside a transaction always
  reads the primary);
- for the tables whose rows decide who is asking or what runs next (sessions, API tokens, login failures, the
  task queue): those must be exact, not a moment old;
- when the replica cannot be reached: the block logs a warning and reads the primary, and the replica is not
  tried again for `RETRY_AFTER` seconds, so a replica that is down slows no report by more than one connect
  timeout (3 s, config/settings.py).
"""
from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
RETRY_AFTER = 30.0
# apps whose reads always go to the primary, even inside the block
PRIMARY_ONLY_APPS = frozenset({"sessions", "authtoken", "axes", "django_tasks_db"})

_reading = ContextVar("yinhuan_reading_from_replica", default=False)
_down_until = 0.0


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def _reachable() -> bool:
    global _down_until
    if time.monotonic() < _down_until:
        return False
    connection = connections[REPLICA]
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except DatabaseError as exc:
        _down_until = time.monotonic() + RETRY_AFTER
        logger.warning("replica unreachable, reading the primary for %.0f s: %s", RETRY_AFTER, exc)
        connection.close()
        return False
    return True


@contextmanager
def reading_from_replica():
    """Reads inside go to the replica when one is configured and reachable; yields whether they do."""
    use = (replica_configured() and not connections[DEFAULT_DB_ALIAS].in_atomic_block and _reachable())
    token = _reading.set(use)
    try:
        yield use
    finally:
        _reading.reset(token)


def read_alias(app_label: str | None = None) -> str | None:
    """The alias a read goes to now: `replica` inside the block, else None (the router then has no opinion)."""
    if not _reading.get() or app_label in PRIMARY_ONLY_APPS:
        return None
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return None
    return REPLICA


def wait_for_replay(timeout: float = 30.0) -> float:
    """Waits until the replica has replayed everything the primary had written when called (PostgreSQL
    streaming replication: WAL positions); returns the seconds waited. At once without a replica, or when the
    `replica` alias is not a standby (the same server under another name, as in most test runs)."""
    if not replica_configured() or connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        return 0.0
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        if cursor.fetchone()[0]:
            raise RuntimeError("DATABASE_URL points at a standby: writes need the primary")
        cursor.execute("SELECT pg_current_wal_lsn()")
        target = cursor.fetchone()[0]
    started = time.monotonic()
    while True:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery(), coalesce(pg_last_wal_replay_lsn() >= %s::pg_lsn, false)",
                           [target])
            standby, replayed = cursor.fetchone()
        waited = time.monotonic() - started
        if not standby or replayed:
            return waited
        if waited > timeout:
            raise TimeoutError(f"the replica has not replayed the primary's WAL up to {target} in {timeout:.0f} s")
        time.sleep(0.02)


def replica_lag() -> dict | None:
    """For monitoring: whether the replica answers, is a standby, and its replay delay in seconds (None without
    a replica). The delay is the age of the last replayed transaction, so it grows while the primary is idle."""
    global _down_until
    if not replica_configured():
        return None
    if time.monotonic() < _down_until:
        return {"reachable": False, "standby": None, "lag_seconds": None}
    try:
        with connections[REPLICA].cursor() as cursor:
            if connections[REPLICA].vendor != "postgresql":
                return {"reachable": True, "standby": False, "lag_seconds": 0.0}
            cursor.execute("SELECT pg_is_in_recovery(), "
                           "extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float")
            standby, lag = cursor.fetchone()
    except DatabaseError:
        _down_until = time.monotonic() + RETRY_AFTER
        connections[REPLICA].close()
        return {"reachable": False, "standby": None, "lag_seconds": None}
    return {"reachable": True, "standby": standby, "lag_seconds": lag if standby else 0.0}
