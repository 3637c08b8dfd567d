#!/usr/bin/env bash
# Starts a second local PostgreSQL as a streaming replica (hot standby) of the local primary, on another port, in a
# temporary folder: pg_basebackup -R, then the server of the same major version, run as the postgres user.
#
#   eval "$(scripts/start-replica.sh [DBNAME])"    # exports DATABASE_REPLICA_URL (and YINHUAN_REPLICA_DIR)
#   scripts/replica-check.py                       # proves the report reads go to it (docs/deploy.md)
#   scripts/stop-replica.sh                        # stops it and removes the folder
#
# Environment: PGHOST / PGPORT / PGUSER of the primary (default 127.0.0.1, 5432, postgres), REPLICA_PORT (default
# the first free port from 5433). Progress goes to stderr; stdout carries only the `export` lines.
#
# The primary must allow replication. If it does not, this script changes it only in ways that need no restart:
# one `host replication` line in pg_hba.conf for 127.0.0.1 (same method as the existing 127.0.0.1 line, marked
# "yinhuan-replica"; scripts/stop-replica.sh removes it) and a configuration reload. wal_level = minimal or
# max_wal_senders = 0 need a restart of the primary: the script says so and stops instead of doing it.
# No replication slot is created, so a replica that dies never makes the primary keep WAL for it.
set -euo pipefail

say() { echo "start-replica: $*" >&2; }
die() { say "$*"; exit 1; }

PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER
dbname=${1:-}
if [ -z "$dbname" ] && [ -n "${DATABASE_URL:-}" ]; then
  dbname=$(printf '%s' "$DATABASE_URL" | sed -E 's#^[a-z]+://[^/]*/([^?]*).*#\1#')
fi
dbname=${dbname:-yinhuan}

case "$PGHOST" in 127.0.0.1|localhost|::1) ;; *) die "the primary must be local (PGHOST=$PGHOST)";; esac
if [ "$(id -u)" = 0 ]; then
  as_postgres() { runuser -u postgres -- "$@"; }  # the server refuses to run as root
elif [ "$(id -un)" = postgres ]; then
  as_postgres() { "$@"; }
else
  die "run as root (the server is started as the postgres user with runuser) or as postgres"
fi
id postgres >/dev/null 2>&1 || die "no postgres user on this machine"

psql_primary() { psql -X -q -At -d postgres "$@"; }
psql_primary -c "SELECT 1" >/dev/null || die "cannot reach the primary at $PGHOST:$PGPORT as $PGUSER"

# --- the primary: can it feed a replica? ---------------------------------------------------------------------------
version_num=$(psql_primary -c "SHOW server_version_num")
major=$((version_num / 10000))
bindir=/usr/lib/postgresql/$major/bin
[ -x "$bindir/postgres" ] || bindir=$(dirname "$(command -v postgres 2>/dev/null || echo /nonexistent/postgres)")
[ -x "$bindir/postgres" ] && [ -x "$bindir/pg_ctl" ] || die "no PostgreSQL $major server binaries (looked in /usr/lib/postgresql/$major/bin)"
[ -x "$bindir/pg_basebackup" ] || die "no pg_basebackup in $bindir"
wal_level=$(psql_primary -c "SHOW wal_level")
senders=$(psql_primary -c "SHOW max_wal_senders")
[ "$(psql_primary -c 'SELECT pg_is_in_recovery()')" = f ] || die "$PGHOST:$PGPORT is itself a standby"
if [ "$wal_level" = minimal ] || [ "$senders" = 0 ]; then
  die "the primary has wal_level=$wal_level, max_wal_senders=$senders; a replica needs wal_level=replica and
  max_wal_senders>0, which take a restart of the primary. Do it when that is acceptable:
    psql -c \"ALTER SYSTEM SET wal_level = replica\" -c \"ALTER SYSTEM SET max_wal_senders = 10\"
    pg_ctlcluster $major main restart     # or: systemctl restart postgresql"
fi
say "primary $PGHOST:$PGPORT: PostgreSQL $major, wal_level=$wal_level, max_wal_senders=$senders"

replication_ok() { psql -X -q -At "host=$PGHOST port=$PGPORT user=$PGUSER dbname=postgres replication=true" \
  -c "IDENTIFY_SYSTEM" >/dev/null 2>&1; }
if ! replication_ok; then
  hba=$(psql_primary -c "SHOW hba_file")
  [ -w "$hba" ] || die "replication connections are refused and $hba is not writable here: add
    host replication all 127.0.0.1/32 <method>
  to it and run SELECT pg_reload_conf()"
  method=$(awk '$1 == "host" && $2 == "all" && $3 == "all" && $4 == "127.0.0.1/32" { print $5; exit }' "$hba")
  method=${method:-scram-sha-256}
  say "allowing replication connections from 127.0.0.1 in $hba (method $method) and reloading"
  printf 'host replication all 127.0.0.1/32 %s  # yinhuan-replica (scripts/start-replica.sh)\n' "$method" >> "$hba"
  psql_primary -c "SELECT pg_reload_conf()" >/dev/null
  for _ in $(seq 20); do replication_ok && break; sleep 0.2; done
  replication_ok || die "replication connections are still refused after the pg_hba.conf change"
fi

# --- the replica -----------------------------------------------------------------------------------------------
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=${REPLICA_PORT:-}
if [ -z "$port" ]; then
  port=5433
  while ! port_free "$port"; do port=$((port + 1)); done
else
  port_free "$port" || die "port $port is taken"
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/yinhuan-replica.XXXXXX")
chmod 0755 "$dir"
touch "$dir/.yinhuan-replica"
chown postgres: "$dir" 2>/dev/null || true
say "base backup into $dir/data"
as_postgres "$bindir/pg_basebackup" -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -D "$dir/data" -R -X stream \
  --checkpoint=fast --no-password >&2

# Debian keeps postgresql.conf and pg_hba.conf outside the data folder, so the copy has none: give it its own.
# Command-line options (below) win over postgresql.auto.conf, which the base backup copied from the primary.
as_postgres tee "$dir/data/postgresql.conf" >/dev/null <<EOF
# a temporary hot standby made by scripts/start-replica.sh
hot_standby = on
hot_standby_feedback = on          # long report queries are not cancelled by the primary's vacuum
max_standby_streaming_delay = 30s
shared_buffers = 64MB
logging_collector = off
EOF
# a hot standby needs these at least as high as the primary's, or recovery stops at once
for setting in max_connections max_worker_processes max_wal_senders max_prepared_transactions max_locks_per_transaction; do
  echo "$setting = $(psql_primary -c "SHOW $setting")"
done | as_postgres tee -a "$dir/data/postgresql.conf" >/dev/null
hba=$(psql_primary -c "SHOW hba_file")
ident=$(psql_primary -c "SHOW ident_file")
if [ -r "$hba" ]; then
  as_postgres tee "$dir/data/pg_hba.conf" < "$hba" >/dev/null
  if [ -r "$ident" ]; then as_postgres tee "$dir/data/pg_ident.conf" < "$ident" >/dev/null; fi
else
  printf 'local all all peer\nhost all all 127.0.0.1/32 scram-sha-256\n' | as_postgres tee "$dir/data/pg_hba.conf" >/dev/null
fi

cat > "$dir/replica.env" <<EOF
YINHUAN_REPLICA_DIR=$dir
YINHUAN_REPLICA_PORT=$port
YINHUAN_REPLICA_BINDIR=$bindir
EOF
printf '%s\n' "$dir" > "${TMPDIR:-/tmp}/yinhuan-replica-$port.dir"  # scripts/stop-replica.sh finds it there

say "starting the standby on 127.0.0.1:$port"
as_postgres "$bindir/pg_ctl" -D "$dir/data" -l "$dir/replica.log" -w -t 60 \
  -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c config_file=$dir/data/postgresql.conf -c hba_file=$dir/data/pg_hba.conf -c ident_file=$dir/data/pg_ident.conf -c cluster_name=yinhuan-replica" \
  start >&2 || { tail -n 20 "$dir/replica.log" >&2
                  die "the standby did not start (log: $dir/replica.log; scripts/stop-replica.sh $dir cleans up)"; }

# streaming from the primary, read-only
for _ in $(seq 100); do
  state=$(psql -X -q -At -h 127.0.0.1 -p "$port" -U "$PGUSER" -d postgres \
    -c "SELECT pg_is_in_recovery()::text || ' ' || coalesce((SELECT status FROM pg_stat_wal_receiver), 'none')" 2>/dev/null || true)
  [ "$state" = "true streaming" ] && break
  sleep 0.2
done
[ "$state" = "true streaming" ] || die "the standby is up but not streaming (state: ${state:-no answer}; log: $dir/replica.log)"
for _ in $(seq 50); do
  sender=$(psql_primary -c "SELECT client_addr || ' ' || state || ' ' || sync_state FROM pg_stat_replication
                            WHERE application_name = 'yinhuan-replica' AND state = 'streaming' LIMIT 1")
  [ -n "$sender" ] && break
  sleep 0.1
done
say "standby streaming; the primary's pg_stat_replication: yinhuan-replica ${sender:-(not yet listed)}"
say "log: $dir/replica.log"

url="postgres://$PGUSER@127.0.0.1:$port/$dbname"
say "DATABASE_REPLICA_URL=$url"
echo "export DATABASE_REPLICA_URL=$url"
echo "export YINHUAN_REPLICA_DIR=$dir"
