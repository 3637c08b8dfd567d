#!/usr/bin/env bash
# Stops a replica started by scripts/start-replica.sh and removes its folder.
#
#   scripts/stop-replica.sh [FOLDER]     # default: $YINHUAN_REPLICA_DIR, else every replica it started
#
# When no replica of ours is left, it also removes the pg_hba.conf line start-replica.sh may have added to the
# primary (marked "yinhuan-replica") and reloads the primary's configuration. Nothing else on the primary changes.
set -euo pipefail

say() { echo "stop-replica: $*" >&2; }
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER
if [ "$(id -u)" = 0 ]; then as_postgres() { runuser -u postgres -- "$@"; }; else as_postgres() { "$@"; }; fi

dirs=()
if [ $# -ge 1 ]; then
  dirs=("$1")
elif [ -n "${YINHUAN_REPLICA_DIR:-}" ]; then
  dirs=("$YINHUAN_REPLICA_DIR")
else
  for pointer in "${TMPDIR:-/tmp}"/yinhuan-replica-*.dir; do
    [ -f "$pointer" ] && dirs+=("$(cat "$pointer")")
  done
fi
[ ${#dirs[@]} -gt 0 ] || say "no replica to stop"

for dir in "${dirs[@]}"; do
  if [ ! -f "$dir/.yinhuan-replica" ]; then
    say "$dir is not a folder made by start-replica.sh: left alone"
    continue
  fi
  port=""; bindir=""
  if [ -f "$dir/replica.env" ]; then
    port=$(sed -n 's/^YINHUAN_REPLICA_PORT=//p' "$dir/replica.env")
    bindir=$(sed -n 's/^YINHUAN_REPLICA_BINDIR=//p' "$dir/replica.env")
  fi
  if [ -n "$bindir" ] && [ -f "$dir/data/postmaster.pid" ]; then
    say "stopping the standby in $dir (port $port)"
    as_postgres "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >&2 || say "pg_ctl stop failed (see $dir/replica.log)"
  fi
  rm -rf "$dir"
  [ -n "$port" ] && rm -f "${TMPDIR:-/tmp}/yinhuan-replica-$port.dir"
  say "removed $dir"
done

# the pg_hba.conf line, once no replica of ours remains
if ! compgen -G "${TMPDIR:-/tmp}/yinhuan-replica-*.dir" >/dev/null; then
  hba=$(psql -X -q -At -d postgres -c "SHOW hba_file" 2>/dev/null || true)
  if [ -n "$hba" ] && [ -w "$hba" ] && grep -q '# yinhuan-replica' "$hba"; then
    kept=$(grep -v '# yinhuan-replica (scripts/start-replica.sh)$' "$hba")
    printf '%s\n' "$kept" > "$hba"  # in place: the file keeps its owner and mode
    psql -X -q -At -d postgres -c "SELECT pg_reload_conf()" >/dev/null
    say "removed the replication line from $hba and reloaded the primary"
  fi
fi
