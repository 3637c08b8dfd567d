"""gunicorn settings for Yinhuan (docs/deploy.md). Run from the checkout:

    .venv/bin/gunicorn -c deploy/gunicorn.conf.py

Every value can be changed from the environment (the systemd unit reads /etc/yinhuan/yinhuan.env). The app is
stateless: more processes or more machines behind nginx scale it; sessions live in the database, the cache in Redis.
"""
import multiprocessing
import os

wsgi_app = "config.wsgi:application"

# Only nginx talks to gunicorn: listen on the loopback (or a unix socket: GUNICORN_BIND=unix:/run/yinhuan/web.sock).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Processes × threads. A process stays under 300 MB (DESIGN.md); the default is 2 per core + 1, with 2 threads each
# so that one slow export does not hold a whole process. Set GUNICORN_WORKERS from the memory you can give.
workers = int(os.environ.get("GUNICORN_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread" if threads > 1 else "sync"

# A report export over a whole province is the longest request; imports run in the background worker instead.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5

# Recycle a process now and then (a slow leak never grows for ever); the jitter keeps them from restarting together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10

# Uploads are buffered by nginx; headers from nginx only.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
limit_request_line = 8190

# Logs to stdout/stderr: journald (systemd) keeps them. The access log carries the client address nginx saw.
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
access_log_format = '%({x-forwarded-for}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# Heartbeat files in memory rather than on a disk that may stall.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

proc_name = "yinhuan"

# gunicorn 27 opens a control socket in the user's home by default; the service user has no home to write to
# (ProtectHome in deploy/systemd/yinhuan-web.service), and systemd does the controlling (reload = HUP).
control_socket_disable = True
