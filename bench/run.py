"""`make bench`: the performance targets of DESIGN.md, measured on SQLite and PostgreSQL.

For each database it makes a fresh one (an SQLite file under BENCH_WORKDIR, a PostgreSQL database dropped and
created again), migrates it, generates the synthetic province at BENCH_FRACTION (`manage.py generate_province`),
then measures, each in its own process:

1. the province-wide 调度表 (xuchang-county for all 160 counties, `compute_many`) at two as-of dates, against
   the hand-written SQL recount of bench/recount.py, which must agree cell for cell (a mismatch fails the run);
2. the hazard list and the hazard page for a county inspector (p50/p95, in-process through Django's test client);
3. read-API throughput: gunicorn on loopback (production settings: DEBUG off), loaded by wrk through
   bench/wrk.lua, and the peak RSS of each gunicorn worker under that load (VmHWM, /proc);
4. the import of BENCH_IMPORT_ROWS (100,000) enterprises from .xlsx through the import service, synchronously,
   with the importing process's peak RSS.

It prints a table and writes docs/benchmarks.md with the machine, the versions and the fraction; the notes on
each missed target come from bench/analysis.md. Environment:

    BENCH_FRACTION     size of the province, default 0.01 (1 = the full DESIGN.md province)
    BENCH_SEED         default 1
    BENCH_DATABASES    default "sqlite,postgresql"
    BENCH_PG_URL       default postgres://postgres@127.0.0.1:5432/yinhuan_bench (dropped and created again)
    BENCH_WORKDIR      default /tmp/yinhuan-bench (the SQLite file, the workbook, server logs)
    BENCH_IMPORT_ROWS  default 100000 (0 skips the import)
    BENCH_DURATION     seconds of load, default 20; BENCH_CONNECTIONS default 16
    BENCH_WORKERS      gunicorn workers, default 2 (one per core); BENCH_THREADS per worker, default 4
    BENCH_OUTPUT       default docs/benchmarks.md ("-" writes nothing)
"""
from __future__ import annotations

import datetime
import json
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PY = sys.executable
FRACTION = float(os.environ.get("BENCH_FRACTION", "0.01"))
SEED = int(os.environ.get("BENCH_SEED", "1"))
DATABASES = [d.strip() for d in os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",") if d.strip()]
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/yinhuan_bench")
WORKDIR = Path(os.environ.get("BENCH_WORKDIR", "/tmp/yinhuan-bench"))
IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
DURATION = int(os.environ.get("BENCH_DURATION", "20"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
OUTPUT = os.environ.get("BENCH_OUTPUT", str(ROOT / "docs" / "benchmarks.md"))

# DESIGN.md "Performance targets": (key, label, target, unit, "max" = at most / "min" = at least)
TARGETS = [
    ("report_ms", "调度表, 160 counties (compute_many, median)", 100, "ms", "max"),
    ("speedup", "…its speed-up over the SQL recount", 3, "×", "min"),
    ("agree", "…cells equal to the recount", None, "", "eq"),
    ("list_p95", "hazard list, county inspector, p95", 100, "ms", "max"),
    ("page_p95", "hazard page, county inspector, p95", 50, "ms", "max"),
    ("rps", "read API under load (wrk)", 500, "req/s", "min"),
    ("rss_mb", "peak RSS of one app process under load", 300, "MB", "max"),
    ("import_s", "import of 100,000 enterprises (.xlsx)", 60, "s", "max"),
]


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def django_env(url: str) -> dict:
    from cryptography.fernet import Fernet

    env = os.environ.copy()
    env.update({
        "DATABASE_URL": url, "DJANGO_DEBUG": "0", "DEBUG": "0", "SECRET_KEY": "bench-only-not-a-secret",
        "SECURE_COOKIES": "0", "SECURE_SSL_REDIRECT": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "LOG_LEVEL": "ERROR", "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "IMPORT_MAX_BYTES": str(64 * 1024 * 1024),
    })
    env.setdefault("TIP_ENCRYPTION_KEY", Fernet.generate_key().decode())
    env.pop("DATABASE_REPLICA_URL", None)
    env.pop("REDIS_URL", None)
    if cache_url := redis_url():
        env["REDIS_URL"] = cache_url
    return env


def redis_url() -> str:
    """The cache of a production deployment (DESIGN.md: Redis), emptied before each database's run; "" when no
    Redis answers (the app then keeps no scope across requests)."""
    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:  # noqa: BLE001 - any failure means: no Redis here
        return ""
    return url


def flush_redis() -> None:
    if cache_url := redis_url():
        import redis

        redis.Redis.from_url(cache_url).flushdb()


def run(args: list[str], env: dict, *, capture: bool = True, timeout: int | None = None) -> str:
    result = subprocess.run(args, cwd=ROOT, env=env, text=True, timeout=timeout,
                            stdout=subprocess.PIPE if capture else None)
    if result.returncode:
        raise RuntimeError(f"{' '.join(args)} failed with exit code {result.returncode}")
    return result.stdout or ""


LOADS: dict[str, list[float]] = {}


def wait_for_quiet(what: str) -> None:
    """Other work on the machine steals the cores the figures depend on: wait (up to BENCH_QUIET_WAIT seconds)
    for the 1-minute load average to fall under BENCH_QUIET_LOAD, and record it."""
    limit = float(os.environ.get("BENCH_QUIET_LOAD", "0.7"))
    deadline = time.monotonic() + float(os.environ.get("BENCH_QUIET_WAIT", "90"))
    while os.getloadavg()[0] > limit and time.monotonic() < deadline:
        time.sleep(5)
    LOADS.setdefault(what, []).append(round(os.getloadavg()[0], 2))
    if os.getloadavg()[0] > limit:
        log(f"the machine is busy (load {os.getloadavg()[0]:.2f} > {limit}) before {what}: figures will suffer")


def measure(what: str, env: dict, *args: str) -> dict:
    if what in ("reports", "pages", "import"):
        wait_for_quiet(what)
    out = run([PY, str(BENCH / "measure.py"), what, *args], env)
    return json.loads(out.strip().splitlines()[-1])


# --- databases -------------------------------------------------------------------------------------------------
def fresh_sqlite() -> str:
    path = WORKDIR / "bench.sqlite3"
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def fresh_postgres() -> str:
    import psycopg

    url = urlparse(PG_URL)
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG_URL


def postgres_version() -> str:
    import psycopg

    try:
        with psycopg.connect(urlparse(PG_URL)._replace(path="/postgres").geturl(), connect_timeout=3) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            settings = {name: conn.execute(f"SHOW {name}").fetchone()[0]
                        for name in ("shared_buffers", "work_mem", "max_parallel_workers_per_gather")}
            return f"{row[0]} ({', '.join(f'{k}={v}' for k, v in settings.items())})"
    except Exception as exc:  # noqa: BLE001 - reported, not hidden
        return f"unavailable: {exc}"


# --- the load test -----------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


INSTALLED: list[str] = []


def install_tools() -> None:
    """The load test needs wrk (Debian) and gunicorn (PyPI). Missing ones are installed when that is possible
    here (BENCH_INSTALL=0 to never try): wrk with apt-get as root, gunicorn into this virtualenv with pip."""
    if os.environ.get("BENCH_INSTALL", "1") == "0":
        return
    if not shutil.which("wrk") and shutil.which("apt-get") and os.geteuid() == 0:
        log("installing wrk (apt-get install -y wrk)")
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        if subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], **quiet).returncode:
            subprocess.run(["apt-get", "update", "-q"], **quiet)
            subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], **quiet)
        if shutil.which("wrk"):
            INSTALLED.append("wrk (apt-get)")
    if not gunicorn_command()[0]:
        log("installing gunicorn into the virtualenv (pip install gunicorn)")
        subprocess.run([PY, "-m", "pip", "install", "-q", "gunicorn"], stdout=subprocess.DEVNULL)
        if gunicorn_command()[0]:
            INSTALLED.append("gunicorn (pip, not in requirements.txt)")


def gunicorn_command() -> tuple[list[str], str]:
    venv_gunicorn = Path(PY).parent / "gunicorn"
    if venv_gunicorn.exists():
        return [str(venv_gunicorn)], "gunicorn"
    if shutil.which("gunicorn"):
        return [shutil.which("gunicorn")], "gunicorn (PATH)"
    return [], ""


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == master:
            pids.append(int(entry.name))
    return pids


def status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def get(url: str, token: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0


def load_test(env: dict) -> dict:
    wrk = shutil.which("wrk")
    command, server = gunicorn_command()
    if not wrk or not command:
        missing = " and ".join(name for name, ok in (("wrk (apt-get install wrk)", wrk),
                                                    ("gunicorn (pip install gunicorn)", command)) if not ok)
        log(f"load test skipped: {missing} not installed")
        return {"skipped": f"{missing} not installed"}
    paths_file = WORKDIR / "paths.txt"
    setup = measure("api-setup", env, str(paths_file))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server_log = open(WORKDIR / "gunicorn.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [*command, "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS),
         "--worker-class", "gthread", "--threads", str(THREADS), "--log-level", "warning", "--timeout", "120"],
        cwd=ROOT, env=env, stdout=server_log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while get(f"{base}/api/v1/sectors/", setup["token"]) != 200:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"gunicorn did not answer (see {WORKDIR / 'gunicorn.log'})")
            time.sleep(0.5)
        paths = [p for p in paths_file.read_text().splitlines() if p]
        failures = {p: code for p in sorted(set(paths)) if (code := get(base + p, setup["token"])) != 200}
        workers = worker_pids(process.pid)
        wrk_env = {**os.environ, "BENCH_TOKEN": setup["token"], "BENCH_PATHS": str(paths_file)}
        script = str(BENCH / "wrk.lua")
        subprocess.run([wrk, "-t2", f"-c{CONNECTIONS}", "-d3s", "-s", script, base], env=wrk_env,
                       capture_output=True, check=True)  # warm-up
        peak = {pid: 0 for pid in workers}
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                for pid in workers:
                    peak[pid] = max(peak[pid], status_kb(pid, "VmRSS"))
                stop.wait(0.25)

        wait_for_quiet("load")
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        cpu_before = sum(cpu_seconds(pid) for pid in workers)
        result = subprocess.run([wrk, "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--latency", "-s", script,
                                 base], env=wrk_env, capture_output=True, text=True, check=True)
        server_cpu = sum(cpu_seconds(pid) for pid in workers) - cpu_before
        stop.set()
        sampler.join()
        hwm = {pid: status_kb(pid, "VmHWM") for pid in workers}
        text = result.stdout
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
        non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
        errors = re.search(r"Socket errors:.*", text)
        latency = {m.group(1): m.group(2) for m in re.finditer(r"^\s+(50|90|99)%\s+(\S+)", text, re.M)}
        requests = int(re.search(r"(\d+) requests in", text).group(1))
        cpu_ms = 1000 * server_cpu / max(requests, 1)
        return {
            "requests": requests, "cpu_ms_per_request": cpu_ms,
            # what the app processes alone could answer on all the cores if nothing else ran (wrk and the
            # database not counted): the figure other work on a shared machine distorts least
            "rps_cpu_bound": os.cpu_count() * 1000 / cpu_ms if cpu_ms else None,
            "server": f"{server} {WORKERS} workers × {THREADS} threads (gthread), DEBUG off",
            "client": f"wrk -t2 -c{CONNECTIONS} -d{DURATION}s", "rps": rps, "latency": latency,
            "non_2xx": int(non2xx.group(1)) if non2xx else 0, "socket_errors": errors.group(0) if errors else "",
            "preflight_failures": failures, "paths": len(paths),
            "rss_mb": max(max(hwm.values(), default=0), max(peak.values(), default=0)) / 1024,
            "rss_each_mb": [round(max(hwm[p], peak[p]) / 1024, 1) for p in workers],
        }
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        server_log.close()


# --- one database -------------------------------------------------------------------------------------------------
def bench_database(kind: str) -> dict:
    log(f"{kind}: fresh database")
    url = fresh_sqlite() if kind == "sqlite" else fresh_postgres()
    flush_redis()
    env = django_env(url)
    run([PY, "manage.py", "migrate", "--noinput", "-v0"], env)
    log(f"{kind}: generating the province at fraction {FRACTION} (seed {SEED})")
    began = time.monotonic()
    generated = json.loads(run([PY, "manage.py", "generate_province", "--fraction", str(FRACTION), "--seed",
                                str(SEED), "--json"], env).strip().splitlines()[-1])
    generated["wall_seconds"] = time.monotonic() - began
    log(f"{kind}: generated in {generated['wall_seconds']:.1f} s; the 调度表 against the recount")
    out = {"kind": kind, "generated": generated}
    out["reports"] = measure("reports", env)
    if out["reports"]["mismatch_count"]:
        log("!" * 100)
        log(f"{kind}: THE PLATFORM AND THE RECOUNT DISAGREE IN {out['reports']['mismatch_count']} CELLS:")
        for line in out["reports"]["mismatches"][:40]:
            log(f"    {line}")
        log("!" * 100)
    log(f"{kind}: hazard list and page")
    out["pages"] = measure("pages", env)
    log(f"{kind}: read API under load")
    out["load"] = load_test(env)
    if IMPORT_ROWS:
        workbook = WORKDIR / f"import-{IMPORT_ROWS}.xlsx"
        if not workbook.exists():
            log(f"making the import workbook ({IMPORT_ROWS:,} rows)")
            measure("make-xlsx", env, str(workbook), str(IMPORT_ROWS))
        log(f"{kind}: importing {IMPORT_ROWS:,} enterprises")
        out["import"] = measure("import", env, str(workbook))
        out["import"]["rows"] = IMPORT_ROWS
    return out


def figures(result: dict) -> dict:
    """The measured value of each target."""
    reports, pages, load = result["reports"], result["pages"], result.get("load", {})
    imported = result.get("import", {})
    return {
        "report_ms": reports["platform_ms"],
        "speedup": reports["speedup"],
        "agree": reports["mismatch_count"] == 0,
        "list_p95": pages["list_ms"]["p95"],
        "page_p95": pages["page_ms"]["p95"],
        "rps": load.get("rps"),
        "rss_mb": load.get("rss_mb"),
        "import_s": imported.get("seconds") if imported.get("errors", 1) == 0 else None,
    }


def verdict(value, target, sense) -> tuple[str, str]:
    if value is None:
        return "—", "not measured"
    if sense == "eq":
        return ("all", "meets") if value else ("NO", "FAILS")
    ratio = value / target
    if sense == "max":
        return f"{ratio:.2f}", "meets" if ratio <= 1 else f"misses ({ratio:.1f}× the limit)"
    return f"{ratio:.2f}", "meets" if ratio >= 1 else f"misses ({ratio:.2f} of the target)"


def fmt(value, unit) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if unit == "×":
        return f"{value:.2f}×"
    if unit in ("ms", "s"):
        return f"{value:,.1f} {unit}"
    return f"{value:,.0f} {unit}"


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = 0
    try:
        ram = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) // 1024
    except (OSError, AttributeError):
        pass
    os_name = platform.platform()
    try:
        os_name = re.search(r'PRETTY_NAME="([^"]+)"', Path("/etc/os-release").read_text()).group(1)
    except (OSError, AttributeError):
        pass
    import django

    wrk = shutil.which("wrk")
    wrk_version = ""
    if wrk:
        text = subprocess.run([wrk, "--version"], capture_output=True, text=True).stdout
        wrk_version = text.split("[")[0].strip()
    command, _ = gunicorn_command()
    gunicorn_version = subprocess.run([*command, "--version"], capture_output=True, text=True).stdout.strip() \
        if command else "not installed"
    return {
        "CPU": f"{cpu}, {os.cpu_count()} cores", "RAM": f"{ram:,} MB", "OS": os_name,
        "Python": platform.python_version(), "Django": django.get_version(),
        "SQLite": sqlite3.sqlite_version, "PostgreSQL": postgres_version() if "postgresql" in DATABASES else "—",
        "gunicorn": gunicorn_version, "wrk": wrk_version or "not installed",
        "cache": f"Redis ({cache_url})" if (cache_url := redis_url()) else "none (no Redis answered: scopes not kept)",
        "installed by the bench": ", ".join(INSTALLED) or "nothing",
    }


def table(results: list[dict]) -> list[str]:
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    head = "| target | limit |" + "".join(f" {names[r['kind']]} | ratio | verdict |" for r in results)
    rule = "|---|---|" + "---|---|---|" * len(results)
    lines = [head, rule]
    values = [figures(r) for r in results]
    for key, label, target, unit, sense in TARGETS:
        limit = "all cells" if sense == "eq" else f"{'≤' if sense == 'max' else '≥'} {target:g} {unit}"
        row = f"| {label} | {limit} |"
        for v in values:
            ratio, says = verdict(v[key], target, sense)
            row += f" {fmt(v[key], unit)} | {ratio} | {says} |"
        lines.append(row)
    return lines


def details(results: list[dict]) -> list[str]:
    lines = []
    for r in results:
        g, rep, pages, load = r["generated"], r["reports"], r["pages"], r.get("load", {})
        name = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[r["kind"]]
        counts = g["counts"]
        lines += [f"### {name}", "",
                  f"- generation: {g['wall_seconds']:.1f} s wall ({g['seconds'].get('total', 0):.1f} s writing), "
                  f"hazards {counts.get('hazards.hazard', 0):,}, "
                  f"enterprises {counts.get('enterprises.enterprise', 0):,}, "
                  f"inspections {counts.get('inspections.inspection', 0):,}, digest `{g['digest'][:16]}…`; "
                  "stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in g["seconds"].items() if k != "total"),
                  f"- 调度表: {rep['counties']} counties × 35 cells at as_of "
                  + " and ".join(f"{d['as_of']} (platform {d['platform_ms']['median']:.1f} ms median / "
                                 f"{d['platform_ms']['best']:.1f} best, recount {d['recount_ms']['median']:.1f} / "
                                 f"{d['recount_ms']['best']:.1f} ms, {d['mismatches']} mismatches)"
                                 for d in rep["dates"])
                  + f"; {rep['cells_checked']:,} cells compared, {rep['cells_with_data']} of 35 cells non-zero "
                    "somewhere",
                  f"- pages ({pages['user']}, {pages['visible_hazards']:,} hazards visible, {pages['requests']} "
                  f"requests each): list p50 {pages['list_ms']['p50']:.1f} ms / p95 {pages['list_ms']['p95']:.1f} ms;"
                  f" page p50 {pages['page_ms']['p50']:.1f} ms / p95 {pages['page_ms']['p95']:.1f} ms; CPU time of "
                  f"the app process: list p50 {pages['cpu_ms']['list']['p50']:.1f} / p95 "
                  f"{pages['cpu_ms']['list']['p95']:.1f} ms, page p50 {pages['cpu_ms']['page']['p50']:.1f} / p95 "
                  f"{pages['cpu_ms']['page']['p95']:.1f} ms"]
        if load.get("skipped"):
            lines.append(f"- read API: skipped ({load['skipped']})")
        elif load:
            lines.append(
                f"- read API: {load['server']}; {load['client']} over {load['paths']} paths (hazard pages, "
                f"filtered ledger pages, enterprise pages, directory) as the county inspector's token: "
                f"{load['rps']:.0f} req/s, latency p50 {load['latency'].get('50', '?')} / p90 "
                f"{load['latency'].get('90', '?')} / p99 {load['latency'].get('99', '?')}, non-2xx "
                f"{load['non_2xx']}, {len(load['preflight_failures'])} paths failing before the load "
                f"{load['socket_errors']}; worker peak RSS {', '.join(f'{m} MB' for m in load['rss_each_mb'])}; "
                f"app CPU {load['cpu_ms_per_request']:.1f} ms per request, i.e. at most "
                f"{load['rps_cpu_bound']:.0f} req/s on {os.cpu_count()} cores if the app had them to itself")
        imp = r.get("import")
        if imp:
            lines.append(
                f"- import: {imp['rows']:,} rows in {imp['seconds']:.1f} s, created {imp['created']:,}, errors "
                f"{imp['errors']}{' (' + '; '.join(imp['first_errors']) + ')' if imp['errors'] else ''}, "
                f"peak RSS of the importing process {imp['peak_rss_mb']:.0f} MB "
                f"(Django loaded: {imp['rss_before_mb']:.0f} MB)")
        lines.append("")
    return lines


def write_doc(results: list[dict], info: dict, started: str, elapsed: float) -> str:
    analysis = BENCH / "analysis.md"
    lines = [
        "# Benchmarks",
        "",
        "Generated by `make bench` (bench/run.py); do not edit by hand: the notes at the end come from "
        "`bench/analysis.md`. Targets: DESIGN.md \"Performance targets\". Ratio = measured ÷ limit (≤ 1 meets an "
        "upper limit, ≥ 1 meets a lower one).",
        "",
        f"Run {started}, {elapsed / 60:.1f} min; fraction **{FRACTION:g}** of the DESIGN.md province "
        f"(seed {SEED}); `BENCH_FRACTION=1 make bench` for the full size.",
        "",
        "| machine | |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in info.items()],
        "",
        *table(results),
        "",
        *details(results),
    ]
    lines += ["1-minute load average of the machine just before each measurement (other processes on these "
              "cores steal from the figures): "
              + "; ".join(f"{what} {', '.join(str(v) for v in values)}" for what, values in LOADS.items()), ""]
    if analysis.exists():
        lines += [analysis.read_text().rstrip(), ""]
    return "\n".join(lines)


def main() -> int:
    WORKDIR.mkdir(parents=True, exist_ok=True)
    install_tools()
    started = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    began = time.monotonic()
    results = []
    failed = False
    for kind in DATABASES:
        if kind == "postgresql" and postgres_version().startswith("unavailable"):
            log(f"PostgreSQL skipped: {postgres_version()} (set BENCH_PG_URL)")
            continue
        results.append(bench_database(kind))
        failed |= results[-1]["reports"]["mismatch_count"] > 0
    (WORKDIR / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str))
    info = machine()
    print("\n".join(table(results)))
    print("\n".join(details(results)))
    if OUTPUT != "-":
        Path(OUTPUT).write_text(write_doc(results, info, started, time.monotonic() - began))
        log(f"wrote {OUTPUT}")
    if failed:
        log("FAILED: the platform's 调度表 and the recount disagree (see above)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
