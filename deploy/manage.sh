#!/usr/bin/env bash
# manage.py with the production environment, as the service user (docs/deploy.md):
#
#   deploy/manage.sh check --deploy --fail-level WARNING
#   deploy/manage.sh migrate --noinput
#
# YINHUAN_ENV names the env file (default /etc/yinhuan/yinhuan.env), YINHUAN_USER the user (default yinhuan; when
# run as root the command runs as that user, otherwise as whoever runs it).
set -euo pipefail
env_file=${YINHUAN_ENV:-/etc/yinhuan/yinhuan.env}
user=${YINHUAN_USER:-yinhuan}
cd "$(dirname "$0")/.."
vars=()
while IFS='=' read -r key value || [ -n "$key" ]; do  # systemd EnvironmentFile syntax, read literally
  [[ "$key" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] && vars+=("$key=$value")
done < "$env_file"
if [ "$(id -u)" = 0 ]; then
  exec runuser -u "$user" -- env "${vars[@]}" .venv/bin/python manage.py "$@"
fi
exec env "${vars[@]}" .venv/bin/python manage.py "$@"
