"""One measurement of the benchmark, run by bench/run.py in its own process against the database that
DATABASE_URL names (a synthetic province already generated there). Prints one JSON object on stdout.

    python bench/measure.py reports   # 调度表 of all counties: platform vs the hand-written recount, cell for cell
    python bench/measure.py pages     # the hazard list and the hazard page for a county inspector (p50/p95)
    python bench/measure.py api-setup PATHS_FILE  # a token and the read-API paths the load test cycles through
    python bench/measure.py make-xlsx FILE ROWS   # an enterprise import workbook through the template's columns
    python bench/measure.py import FILE           # the import service, synchronously: time and peak memory
"""
from __future__ import annotations

import json
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from apps.accounts.models import User  # noqa: E402
from apps.campaigns.models import Campaign  # noqa: E402
from apps.demo.synthetic import PROVINCE  # noqa: E402
from apps.regions.models import Region  # noqa: E402

RUNS = int(os.environ.get("BENCH_REPEAT", "7"))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, int(round(share * (len(ordered) - 1)))))
    return ordered[index]


def campaign() -> Campaign:
    return Campaign.objects.get(slug=f"synthetic-{PROVINCE}")


def reports() -> dict:
    """compute_many(xuchang-county) for all counties at two as-of dates, against the recount; best and median
    of RUNS runs each, after one warm-up run of each (caches of the database, not of the platform: it keeps none
    across calls)."""
    from recount import compare, recount

    from apps.reports.compute import compute_many

    camp = campaign()
    counties = list(Region.objects.filter(level=3, code__startswith=PROVINCE).order_by("code"))
    codes = [r.code for r in counties]
    as_ofs = [camp.start + (camp.end - camp.start) / 2, camp.end]
    out = {"counties": len(codes), "as_of": [str(d) for d in as_ofs], "dates": []}
    mismatches: list[str] = []
    nonzero_cells = set()
    for as_of in as_ofs:
        platform_times, recount_times, platform_cpu = [], [], []
        platform = compute_many("xuchang-county", camp, as_of, counties)  # warm-up
        recounted = recount(connection, camp.start, as_of, codes, PROVINCE)
        for _ in range(RUNS):
            began, cpu = time.perf_counter(), time.process_time()
            platform = compute_many("xuchang-county", camp, as_of, counties)
            platform_times.append(time.perf_counter() - began)
            platform_cpu.append(time.process_time() - cpu)
            began = time.perf_counter()
            recounted = recount(connection, camp.start, as_of, codes, PROVINCE)
            recount_times.append(time.perf_counter() - began)
        problems = compare(platform, recounted)
        mismatches += [f"as_of {as_of}: {p}" for p in problems]
        for cells in recounted.values():
            nonzero_cells |= {cell for cell, value in cells.items() if value}
        out["dates"].append({
            "as_of": str(as_of),
            "platform_ms": {"median": 1000 * statistics.median(platform_times), "best": 1000 * min(platform_times),
                            "python_cpu_median": 1000 * statistics.median(platform_cpu)},
            "recount_ms": {"median": 1000 * statistics.median(recount_times), "best": 1000 * min(recount_times)},
            "mismatches": len(problems),
        })
    worst = max(out["dates"], key=lambda d: d["platform_ms"]["median"])
    out["platform_ms"] = worst["platform_ms"]["median"]
    out["recount_ms"] = worst["recount_ms"]["median"]
    out["speedup"] = out["recount_ms"] / out["platform_ms"] if out["platform_ms"] else None
    out["mismatches"] = mismatches[:200]
    out["mismatch_count"] = len(mismatches)
    out["cells_checked"] = 2 * len(codes) * 35
    out["cells_with_data"] = len(nonzero_cells)
    return out


def _inspector() -> User:
    return User.objects.get(username="syn_county_inspector")


def pages() -> dict:
    """The ledger list (several filters and pages) and hazard pages, as the county inspector, through Django's
    test client in this process (no network: the view, its queries and the template)."""
    from django.test import Client

    from apps.hazards.models import Hazard

    rng = random.Random(7)
    user = _inspector()
    client = Client()
    client.force_login(user)
    visible = list(Hazard.objects.visible_to(user).order_by("id").values_list("id", flat=True))
    list_urls = ["/hazards/", "/hazards/?status=rectifying", "/hazards/?level=major", "/hazards/?page=2",
                 "/hazards/?overdue=true", "/hazards/?source=self&level=general", "/hazards/?q=隐患",
                 "/hazards/?status=closed&page=3", "/hazards/?found_from=2024-03-01&found_to=2024-06-30"]
    n = int(os.environ.get("BENCH_PAGE_REQUESTS", "300"))

    cpu_times: dict[str, list[float]] = {"list": [], "page": []}

    def timed(url, kind=None):
        began, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        elapsed = time.perf_counter() - began
        if kind:
            cpu_times[kind].append(time.process_time() - cpu)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return elapsed

    for url in list_urls:  # warm-up
        timed(url)
    list_times = [timed(list_urls[i % len(list_urls)], "list") for i in range(n)]
    sample = [rng.choice(visible) for _ in range(n)] if visible else []
    for pk in sample[:10]:
        timed(f"/hazards/{pk}/")
    page_times = [timed(f"/hazards/{pk}/", "page") for pk in sample]
    return {
        "user": user.username, "visible_hazards": len(visible), "requests": n,
        "list_ms": {"p50": 1000 * percentile(list_times, 0.5), "p95": 1000 * percentile(list_times, 0.95)},
        "page_ms": {"p50": 1000 * percentile(page_times, 0.5), "p95": 1000 * percentile(page_times, 0.95)},
        # CPU time of this process (Python, and SQLite's own work; not PostgreSQL's): less sensitive to other
        # work on the machine than wall time
        "cpu_ms": {kind: {"p50": 1000 * percentile(v, 0.5), "p95": 1000 * percentile(v, 0.95)}
                   for kind, v in cpu_times.items()},
    }


def api_setup(paths_file: str) -> dict:
    """A token for the county inspector and the read paths the load test cycles through: hazard pages, ledger
    pages with filters, enterprise pages, the directory."""
    from rest_framework.authtoken.models import Token

    from apps.enterprises.models import Enterprise
    from apps.hazards.models import Hazard

    rng = random.Random(11)
    user = _inspector()
    token, _ = Token.objects.get_or_create(user=user)
    hazards = list(Hazard.objects.visible_to(user).order_by("id").values_list("id", flat=True))
    enterprises = list(Enterprise.objects.visible_to(user).order_by("id").values_list("id", flat=True))
    paths = []
    for i in range(400):
        roll = i % 10
        if roll < 4 and hazards:
            paths.append(f"/api/v1/hazards/{rng.choice(hazards)}/")
        elif roll < 6:
            paths.append(rng.choice(["/api/v1/hazards/?page_size=20", "/api/v1/hazards/?level=major&page_size=20",
                                     "/api/v1/hazards/?status=rectifying&page_size=20",
                                     "/api/v1/hazards/?page=2&page_size=20"]))
        elif roll < 9 and enterprises:
            paths.append(f"/api/v1/enterprises/{rng.choice(enterprises)}/")
        else:
            paths.append(rng.choice(["/api/v1/sectors/", f"/api/v1/regions/{PROVINCE}01/"]))
    Path(paths_file).write_text("\n".join(paths) + "\n")
    return {"token": token.key, "paths": len(paths), "user": user.username}


def make_xlsx(path: str, rows: int) -> dict:
    """`rows` new enterprises in the synthetic province, through the import template's columns (write-only)."""
    from openpyxl import Workbook

    from apps.core.uscc import make_uscc
    from apps.enterprises.spreadsheet import COLUMNS, SHEET_TITLE

    rng = random.Random(3)
    towns = list(Region.objects.filter(level=4, code__startswith=PROVINCE).values_list("code", flat=True))
    kinds = [("工贸", "应急管理局"), ("危险化学品（化工和危化品）", "应急管理局"), ("消防", "消防救援机构"),
             ("特种设备", "市场监督管理局"), ("房屋市政工程", "住房和城乡建设局")]
    names = dict(Region.objects.filter(code__startswith=PROVINCE, level=3).values_list("code", "name"))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.append([label for _, label in COLUMNS])
    fields = [name for name, _ in COLUMNS]
    began = time.perf_counter()
    for i in range(rows):
        town = rng.choice(towns)
        sector, department = rng.choice(kinds)
        values = {
            "name": f"导入测试{i:06d}有限公司", "uscc": make_uscc(600_000_000 + i, town), "region": town,
            "address": f"导入路{i % 999 + 1}号", "sectors": sector,
            "departments": f"{names[town[:6]]}{department}", "legal_representative": "张三",
            "principal_name": "李四", "principal_phone": f"139{i:08d}", "state": "在业",
        }
        sheet.append([values.get(name, "否" if name not in values else "") for name in fields])
    workbook.save(path)
    return {"rows": rows, "bytes": os.path.getsize(path), "seconds": time.perf_counter() - began}


def run_import(path: str) -> dict:
    """The import service as the worker runs it, here synchronously; peak RSS of this process."""
    from apps.core.context import acting_from
    from apps.enterprises.models import Enterprise
    from apps.enterprises.spreadsheet import import_enterprises

    actor = User.objects.get(username="syn_admin")
    before_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    count_before = Enterprise.objects.count()
    began = time.perf_counter()
    with open(path, "rb") as handle, acting_from(source="command"):
        result = import_enterprises(handle, actor=actor)
    seconds = time.perf_counter() - began
    return {
        "seconds": seconds, "created": result.created, "updated": result.updated, "errors": len(result.errors),
        "first_errors": [f"row {e.row} {e.column}: {e.message}" for e in result.errors[:5]],
        "enterprises_added": Enterprise.objects.count() - count_before,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_before_mb": before_rss / 1024,
    }


def main(argv: list[str]) -> None:
    what = argv[1]
    if what == "reports":
        result = reports()
    elif what == "pages":
        result = pages()
    elif what == "api-setup":
        result = api_setup(argv[2])
    elif what == "make-xlsx":
        result = make_xlsx(argv[2], int(argv[3]))
    elif what == "import":
        result = run_import(argv[2])
    else:
        raise SystemExit(__doc__)
    result["vendor"] = connection.vendor
    print(json.dumps(result, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main(sys.argv)
