#!/usr/bin/env bash
# Backs up Yinhuan: the PostgreSQL database (pg_dump, custom format) and the attachments (MEDIA_ROOT, or the
# object-storage bucket), into BACKUP_DIR/<UTC time>/, then drops backups older than BACKUP_KEEP_DAYS.
#
#   deploy/backup.sh [/etc/yinhuan/yinhuan.env]
#
# The env file (deploy/env.example) gives DATABASE_URL, MEDIA_ROOT or AWS_STORAGE_BUCKET_NAME (+ AWS_*), BACKUP_DIR
# and BACKUP_KEEP_DAYS; without one the current environment is used. A backup is complete only once its folder has
# lost the ".partial" suffix. Restore with deploy/restore.sh (docs/deploy.md "Backups and restore").
#
# Not in the backup, on purpose: SECRET_KEY and TIP_ENCRYPTION_KEY. Keep those in a separate safe place: a dump
# that leaks without its key does not reveal the tip reporters, and a restore needs the key to read them again.
set -euo pipefail

load_env() {  # systemd EnvironmentFile syntax (KEY=value, no quoting): read it literally, never `source` it
  local key value
  while IFS='=' read -r key value || [ -n "$key" ]; do
    [[ "$key" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || continue
    export "$key=$value"
  done < "$1"
}
[ $# -ge 1 ] && load_env "$1"

: "${DATABASE_URL:?DATABASE_URL is not set (give the env file as the first argument)}"
case "$DATABASE_URL" in postgres://*|postgresql://*) ;; *) echo "backup.sh: DATABASE_URL must be PostgreSQL" >&2; exit 2;; esac
BACKUP_DIR=${BACKUP_DIR:-/var/backups/yinhuan}
BACKUP_KEEP_DAYS=${BACKUP_KEEP_DAYS:-14}
MEDIA_ROOT=${MEDIA_ROOT:-$(cd "$(dirname "$0")/.." && pwd)/media}

stamp=$(date -u +%Y%m%dT%H%M%SZ)
umask 077
mkdir -p "$BACKUP_DIR"
work="$BACKUP_DIR/$stamp.partial"
mkdir "$work"
trap 'echo "backup.sh: failed, leaving $work for inspection" >&2' ERR

started=$(date +%s)
# 1. the database first: a file uploaded after the dump is only an extra file in the backup, never a missing one
pg_dump --format=custom --compress=6 --file="$work/db.dump" "$DATABASE_URL"
pg_restore --list "$work/db.dump" > /dev/null  # readable from end to end
head=$(psql "$DATABASE_URL" -Atc "SELECT count || ' ' || last_hash FROM audit_audithead WHERE id = 1" 2>/dev/null || true)

# 2. the attachments
if [ -n "${AWS_STORAGE_BUCKET_NAME:-}" ]; then
  command -v aws >/dev/null || { echo "backup.sh: the aws CLI is needed to copy the bucket (apt-get install awscli)" >&2; exit 2; }
  source_uri="s3://$AWS_STORAGE_BUCKET_NAME/${AWS_LOCATION:-}"
  aws s3 sync --only-show-errors ${AWS_S3_ENDPOINT_URL:+--endpoint-url "$AWS_S3_ENDPOINT_URL"} ${AWS_S3_REGION_NAME:+--region "$AWS_S3_REGION_NAME"} \
    "$source_uri" "$work/media/"
  media_from=$source_uri
else
  mkdir -p "$work/media"
  if [ -d "$MEDIA_ROOT" ]; then
    # unchanged files are hard links to the previous backup's copy: each night costs only what changed
    previous=$(find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name '20*Z' | sort | tail -n 1)
    if command -v rsync >/dev/null; then
      rsync -a ${previous:+--link-dest="$previous/media"} "$MEDIA_ROOT/" "$work/media/"
    else
      cp -a "$MEDIA_ROOT/." "$work/media/"
    fi
  fi
  media_from=$MEDIA_ROOT
fi

# 3. what this backup is
{
  echo "created: $stamp"
  echo "database: $(printf '%s' "$DATABASE_URL" | sed -E 's#://([^:@/]+):[^@]*@#://\1:***@#')"
  echo "attachments: $media_from ($(find "$work/media" -type f | wc -l) files)"
  echo "audit head: ${head:-unknown}"
  echo "code: $(git -C "$(dirname "$0")/.." rev-parse --short HEAD 2>/dev/null || echo unknown)"
  (cd "$work" && sha256sum db.dump)
} > "$work/MANIFEST"

mv "$work" "$BACKUP_DIR/$stamp"
trap - ERR

# 4. retention: complete backups older than BACKUP_KEEP_DAYS, and partial ones older than a day
find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name '20*Z' -mtime "+$BACKUP_KEEP_DAYS" -exec rm -rf {} +
find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name '20*Z.partial' -mtime +1 -exec rm -rf {} +

echo "backup $BACKUP_DIR/$stamp: $(du -sh "$BACKUP_DIR/$stamp" | cut -f1), $(( $(date +%s) - started )) s"
