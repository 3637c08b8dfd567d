#!/usr/bin/env bash
# Production-style smoke test (issue 9 part 3; docs/deploy.md): the app as a province runs it — DJANGO_DEBUG=0 and
# the settings of deploy/env.example, PostgreSQL, Redis for the cache, gunicorn with deploy/gunicorn.conf.py behind
# nginx with deploy/nginx.conf (TLS with a throw-away certificate) — on free ports, against a fresh database with the
# demo world; then a handful of requests through it with curl. Exits non-zero when a check fails.
#
#   scripts/smoke.sh              # PGHOST/PGPORT/PGUSER of the server (default 127.0.0.1, 5432, postgres)
#   SMOKE_NGINX=0 scripts/smoke.sh  # gunicorn alone (nginx missing and not installable)
#
# Installs what it needs: the venv (make), and nginx with apt-get when run as root and nginx is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
PY=.venv/bin/python
make -s .venv/.installed >/dev/null
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [ "${SMOKE_NGINX:-1}" = 1 ] && [ ! -x "$NGINX" ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "smoke: installing nginx"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
  else
    echo "smoke: nginx missing and not root: testing gunicorn alone" >&2
  fi
fi
use_nginx=0
[ "${SMOKE_NGINX:-1}" = 1 ] && [ -x "$NGINX" ] && use_nginx=1

free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/yinhuan-smoke.XXXXXX")
chmod 0755 "$tmp"
db="yinhuan_smoke_$$"
gunicorn_pid="" nginx_pid=""
cleanup() {
  status=$?
  [ -n "$gunicorn_pid" ] && kill -TERM "$gunicorn_pid" 2>/dev/null && wait "$gunicorn_pid" 2>/dev/null
  [ -n "$nginx_pid" ] && kill -QUIT "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  dropdb --if-exists "$db" 2>/dev/null || true
  rm -rf "$tmp"
  exit $status
}
trap cleanup EXIT
createdb "$db"

# --- the environment of deploy/env.example ---------------------------------------------------------------------
app_port=$(free_port)
unset DEBUG DATABASE_REPLICA_URL AWS_STORAGE_BUCKET_NAME
export DJANGO_DEBUG=0
export SECRET_KEY
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
export TIP_ENCRYPTION_KEY
TIP_ENCRYPTION_KEY=$("$PY" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')
export ALLOWED_HOSTS=localhost,127.0.0.1 NUM_PROXIES=1 LOG_LEVEL=WARNING
export SECURE_COOKIES=1 SECURE_SSL_REDIRECT=1 SECURE_HSTS_SECONDS=31536000 SECURE_HSTS_INCLUDE_SUBDOMAINS=1 \
  SECURE_HSTS_PRELOAD=1
export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$db"
export STATIC_ROOT="$tmp/static" MEDIA_ROOT="$tmp/media"
export GUNICORN_BIND="127.0.0.1:$app_port" GUNICORN_WORKERS=2 GUNICORN_THREADS=2
if "$PY" -c 'import socket; socket.create_connection(("127.0.0.1", 6379), 1).close()' 2>/dev/null; then
  export REDIS_URL=redis://127.0.0.1:6379/15
else
  echo "smoke: no Redis on 127.0.0.1:6379: the cache is per process" >&2
fi

failures=0
pass() { echo "  ok    $*"; }
fail() { echo "  FAIL  $*"; failures=$((failures + 1)); }

echo "== manage.py check --deploy (DJANGO_DEBUG=0, the variables of deploy/env.example)"
if "$PY" manage.py check --deploy --fail-level WARNING; then pass "check --deploy: no warnings"; else fail "check --deploy"; fi

echo "== database, static files, demo world"
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py collectstatic --noinput -v0
"$PY" manage.py load_demo > "$tmp/load_demo.log"
pass "migrated $db, collected $(find "$STATIC_ROOT" -type f | wc -l) static files, loaded the demo world"

echo "== gunicorn (deploy/gunicorn.conf.py) on 127.0.0.1:$app_port"
.venv/bin/gunicorn -c deploy/gunicorn.conf.py > "$tmp/gunicorn.log" 2>&1 &
gunicorn_pid=$!
if [ "$use_nginx" = 1 ]; then
  http_port=$(free_port) https_port=$(free_port)
  mkdir -p "$tmp/nginx/ssl" "$tmp/nginx/logs" "$tmp/nginx/tmp"
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost -keyout "$tmp/nginx/ssl/privkey.pem" \
    -out "$tmp/nginx/ssl/fullchain.pem" 2>/dev/null
  # deploy/nginx.conf itself, moved to these ports and folders
  sed -e "s#server 127.0.0.1:8000;#server 127.0.0.1:$app_port;#" \
      -e "s#listen 80;#listen 127.0.0.1:$http_port;#" -e "s#listen 443 ssl http2;#listen 127.0.0.1:$https_port ssl http2;#" \
      -e "/listen \[::\]/d" -e "s#/etc/ssl/yinhuan/#$tmp/nginx/ssl/#" -e "s#/srv/yinhuan/static/#$STATIC_ROOT/#" \
      -e "s#/var/log/nginx/#$tmp/nginx/logs/#" deploy/nginx.conf > "$tmp/nginx/site.conf"
  cat > "$tmp/nginx/nginx.conf" <<EOF
$([ "$(id -u)" = 0 ] && echo "user root;")
worker_processes 1;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log warn;
events { worker_connections 128; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path $tmp/nginx/tmp/body;
    proxy_temp_path $tmp/nginx/tmp/proxy;
    fastcgi_temp_path $tmp/nginx/tmp/fastcgi;
    uwsgi_temp_path $tmp/nginx/tmp/uwsgi;
    scgi_temp_path $tmp/nginx/tmp/scgi;
    include $tmp/nginx/site.conf;
}
EOF
  "$NGINX" -t -q -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/logs/error.log" \
    && pass "nginx -t accepts deploy/nginx.conf" || fail "nginx -t"
  "$NGINX" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/logs/error.log" -g "daemon off;" &
  nginx_pid=$!
  base="https://localhost:$https_port" plain="http://localhost:$http_port"
  curl_base=(curl -sk --max-time 30)
  echo "== nginx (deploy/nginx.conf) on https://localhost:$https_port and http://localhost:$http_port"
else
  base="http://127.0.0.1:$app_port" plain=""
  curl_base=(curl -s --max-time 30 -H "X-Forwarded-Proto: https")  # what nginx would add
fi

for _ in $(seq 150); do
  "${curl_base[@]}" -o /dev/null "$base/healthz/" 2>/dev/null && break
  sleep 0.2
done

# request METHOD PATH [curl args…]: sets $code, $body, $headers
request() {
  local method=$1 url=$2; shift 2
  : > "$tmp/headers"
  body=$("${curl_base[@]}" -X "$method" -D "$tmp/headers" -o - -w '\n%{http_code}' "$@" "$url" || true)
  code=${body##*$'\n'}
  body=${body%$'\n'*}
  headers=$(tr -d '\r' < "$tmp/headers")
}
expect() {  # expect WHAT CODE [grep -E pattern in the body]
  local what=$1 want=$2 pattern=${3:-}
  if [ "$code" != "$want" ]; then fail "$what: HTTP $code, expected $want"; return; fi
  if [ -n "$pattern" ] && ! grep -qE "$pattern" <<<"$body"; then fail "$what: body lacks /$pattern/"; return; fi
  pass "$what: HTTP $code${pattern:+, /$pattern/}"
}
has_header() {
  if grep -qiE "$2" <<<"$headers"; then pass "$1"; else fail "$1 (headers: $(tr '\n' ' ' <<<"$headers"))"; fi
}

echo "== requests"
request GET "$base/healthz/"
expect "GET /healthz/" 200 '^ok$'

request GET "$base/login/"
expect "GET /login/ (the sign-in page)" 200 'csrfmiddlewaretoken'
has_header "HSTS header" '^strict-transport-security: max-age=31536000; includeSubDomains; preload'
has_header "CSRF cookie is Secure" '^set-cookie: csrftoken=.*; Secure'
has_header "Content-Security-Policy header" "^content-security-policy: .*default-src 'self'"
has_header "X-Frame-Options DENY" '^x-frame-options: DENY'

request POST "$base/api/v1/auth/token/" -H "Content-Type: application/json" \
  --data '{"username": "admin", "password": "Yinhuan@2026"}'
expect "POST /api/v1/auth/token/" 200 '"token": ?"[0-9a-f]{40}"'
token=$(sed -E 's/.*"token": ?"([0-9a-f]+)".*/\1/' <<<"$body")

request GET "$base/api/v1/hazards/?page_size=5" -H "Authorization: Token $token"
expect "GET /api/v1/hazards/ with the token" 200 '"count": ?[1-9][0-9]*'
grep -qE '"results": ?\[\{' <<<"$body" && pass "  … with results" || fail "hazard list has no results"

request GET "$base/api/v1/hazards/"
expect "GET /api/v1/hazards/ without a token" 401

request GET "$base/api/v1/reports/compute/?template=xuchang-county&campaign=xuchang-demo&region=411002" \
  -H "Authorization: Token $token"
expect "GET /api/v1/reports/compute/ (许昌 附件3, 魏都区)" 200 '"cells": ?\{"'

request POST "$base/api/v1/auth/token/" -H "Content-Type: application/json" \
  --data '{"username": "admin", "password": "wrong"}'
expect "POST /api/v1/auth/token/ with a wrong password" 400 '用户名或密码错误'

if [ "$use_nginx" = 1 ]; then
  request GET "$plain/login/"
  expect "plain HTTP /login/ (nginx redirect)" 301
  has_header "  … to HTTPS" '^location: https://'
  request GET "$plain/healthz/"
  expect "plain HTTP /healthz/ (monitors)" 200 '^ok$'
  static_file=$(cd "$STATIC_ROOT" && find . -name '*.css' -path '*vendor*' | head -n 1 | sed 's#^\./##')
  request GET "$base/static/$static_file"
  expect "GET /static/$static_file (nginx from STATIC_ROOT)" 200
  has_header "  … cached by browsers" '^cache-control: .*public'
  request GET "$base/media/hazards/anything.jpg"
  expect "GET /media/… is not served (attachments are private)" 404
fi

if [ -n "${REDIS_URL:-}" ]; then
  echo "== cache"
  "$PY" manage.py shell -v0 -c "
from django.conf import settings; from django.core.cache import cache
assert settings.CACHES['default']['BACKEND'].endswith('RedisCache')
cache.set('yinhuan-smoke-$$', 'ok', 30); assert cache.get('yinhuan-smoke-$$') == 'ok'; cache.delete('yinhuan-smoke-$$')" \
    && pass "the app's cache is Redis ($REDIS_URL) and answers" || fail "Redis cache"
fi

echo "== background worker (manage.py db_worker --batch)"
if "$PY" manage.py db_worker --batch --no-startup-delay -v0; then pass "db_worker runs and exits"; else fail "db_worker"; fi

grep -q "Booting worker" "$tmp/gunicorn.log" && pass "gunicorn booted $(grep -c 'Booting worker' "$tmp/gunicorn.log") workers" \
  || fail "gunicorn log: $(tail -n 5 "$tmp/gunicorn.log")"
if [ "$failures" -gt 0 ]; then
  echo "== gunicorn log"; tail -n 40 "$tmp/gunicorn.log"
  [ "$use_nginx" = 1 ] && { echo "== nginx error log"; tail -n 20 "$tmp/nginx/logs/error.log"; }
  echo "smoke: $failures check(s) failed"
  exit 1
fi
echo "smoke: all checks passed"
