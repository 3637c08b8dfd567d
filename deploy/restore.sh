#!/usr/bin/env bash
# Restores a backup made by deploy/backup.sh into the database DATABASE_URL names and the attachments into
# MEDIA_ROOT (or the bucket), then brings the schema up to the code (migrate) and checks the audit chain.
#
#   deploy/restore.sh BACKUP_FOLDER [/etc/yinhuan/yinhuan.env] [--force]
#
# Stop the web and worker units first (systemctl stop yinhuan-web yinhuan-worker). The target database must exist
# (createdb) and be empty; --force restores over an existing one (its tables are dropped and recreated). Run from
# the application folder (it calls .venv/bin/python manage.py). docs/deploy.md "Backups and restore".
set -euo pipefail

force=0
args=()
for arg in "$@"; do
  case "$arg" in --force) force=1;; *) args+=("$arg");; esac
done
[ ${#args[@]} -ge 1 ] || { sed -n '2,10p' "$0"; exit 2; }
backup=${args[0]}
load_env() {
  local key value
  while IFS='=' read -r key value || [ -n "$key" ]; do
    [[ "$key" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || continue
    export "$key=$value"
  done < "$1"
}
[ ${#args[@]} -ge 2 ] && load_env "${args[1]}"

app=$(cd "$(dirname "$0")/.." && pwd)
: "${DATABASE_URL:?DATABASE_URL is not set (give the env file as the second argument)}"
MEDIA_ROOT=${MEDIA_ROOT:-$app/media}
[ -f "$backup/db.dump" ] && [ -f "$backup/MANIFEST" ] || { echo "restore.sh: $backup is not a complete backup" >&2; exit 2; }
(cd "$backup" && tail -n 1 MANIFEST | sha256sum --check --quiet) || { echo "restore.sh: db.dump does not match its checksum" >&2; exit 2; }

tables=$(psql "$DATABASE_URL" -Atc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
if [ "$tables" != 0 ] && [ "$force" != 1 ]; then
  echo "restore.sh: the target database already has $tables tables; restore over it with --force" >&2
  exit 2
fi

echo "== database"
# --no-owner: the restoring role owns everything (the production role may be named differently here)
pg_restore --no-owner --no-privileges --clean --if-exists --exit-on-error --single-transaction \
  --dbname="$DATABASE_URL" "$backup/db.dump"

echo "== attachments"
if [ -n "${AWS_STORAGE_BUCKET_NAME:-}" ]; then
  command -v aws >/dev/null || { echo "restore.sh: the aws CLI is needed to fill the bucket" >&2; exit 2; }
  aws s3 sync --only-show-errors ${AWS_S3_ENDPOINT_URL:+--endpoint-url "$AWS_S3_ENDPOINT_URL"} ${AWS_S3_REGION_NAME:+--region "$AWS_S3_REGION_NAME"} \
    "$backup/media/" "s3://$AWS_STORAGE_BUCKET_NAME/${AWS_LOCATION:-}"
else
  mkdir -p "$MEDIA_ROOT"
  if command -v rsync >/dev/null; then rsync -a "$backup/media/" "$MEDIA_ROOT/"; else cp -a "$backup/media/." "$MEDIA_ROOT/"; fi
fi

echo "== schema and audit chain"
cd "$app"
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py verify_audit
# Scopes cached in Redis describe the database before the restore (apps/regions/scope.py).
.venv/bin/python manage.py shell -c "from apps.regions.scope import bump_scope_version; bump_scope_version()"
echo "restored $backup ($(grep '^created:' "$backup/MANIFEST" | cut -d' ' -f2)); audit head in the backup: $(grep '^audit head:' "$backup/MANIFEST" | cut -d' ' -f3-)"
