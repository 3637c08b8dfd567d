"""The 许昌 附件3 (`xuchang-county`) cells of every county, recounted from the raw rows in hand-written SQL.

Written from REPORTS.md §0 and §1 alone, without the ORM and without apps/reports, so that the benchmark can check
the platform's figures cell for cell against an independent reading of the rules, and time the platform against a
plain recount on the same data. The SQL runs unchanged on SQLite and PostgreSQL.

The rules, for a county R (code of 6 digits) and the window W = [campaign start, as_of]:
- home region of a hazard: its enterprise's region, else its own (§0.2), so the recount joins the enterprise;
- acting region of a spot-check, an assistance visit, an enforcement action or a rewarded tip: the region of the
  department that acted (the tip's: the department it was triaged to); of accountability and activities: the
  record's own region;
- sub(R) is "code starts with R"; GOV(L(R)) and DEPT(L(R)) for a county are R itself (L(R) = R alone);
- 家 cells count distinct enterprises; a case is (department, case_no), an action without case_no a case alone.
"""
from __future__ import annotations

import datetime
import time
from decimal import Decimal

CELLS = ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "2.8", "3.1",
         "3.2", "3.3.count", "3.3.amount", "3.4", "3.5", "3.6", "3.7", "3.8", "3.8.of_which", "3.9", "3.10", "4.1",
         "4.2", "4.3", "4.4", "4.5", "4.5.of_which", "4.6", "4.7", "4.8"]
FLAGS = ["no_principal_study", "principal_not_leading", "no_duty_list", "no_safety_body",
         "uncertified_special_work", "outsourcing_disorder", "no_drill"]
SPOT = "('enforcement', 'supervision', 'expert', 'review')"

# Every query answers (county, cell columns…); %(s)s = campaign start, %(a)s = as_of, %(p)s = 'province%'.
QUERIES = {
    # 1.1–1.4: major hazards found in W by home region, self-reported or found by a government body; closed by as_of
    "hazards": ("""
        SELECT substr(COALESCE(e.region_id, h.region_id), 1, 6) AS county,
               SUM(CASE WHEN h.source = 'self' THEN 1 ELSE 0 END),
               SUM(CASE WHEN h.source = 'self' AND h.closed_on <= %(a)s THEN 1 ELSE 0 END),
               SUM(CASE WHEN h.source <> 'self' THEN 1 ELSE 0 END),
               SUM(CASE WHEN h.source <> 'self' AND h.closed_on <= %(a)s THEN 1 ELSE 0 END)
        FROM hazards_hazard h LEFT JOIN enterprises_enterprise e ON e.id = h.enterprise_id
        WHERE h.level = 'major' AND h.found_on >= %(s)s AND h.found_on <= %(a)s
          AND COALESCE(e.region_id, h.region_id) LIKE %(p)s
        GROUP BY 1""", ["1.1", "1.2", "1.3", "1.4"]),
    # 1.5–1.6: distinct major hazards with a government listing (no authority department) listed in W
    "gov_listed": ("""
        SELECT substr(COALESCE(e.region_id, h.region_id), 1, 6) AS county,
               COUNT(*), SUM(CASE WHEN h.closed_on <= %(a)s THEN 1 ELSE 0 END)
        FROM hazards_hazard h LEFT JOIN enterprises_enterprise e ON e.id = h.enterprise_id
        WHERE h.level = 'major' AND COALESCE(e.region_id, h.region_id) LIKE %(p)s
          AND h.id IN (SELECT l.hazard_id FROM hazards_listing l
                       WHERE l.authority_department_id IS NULL AND l.listed_on >= %(s)s AND l.listed_on <= %(a)s)
        GROUP BY 1""", ["1.5", "1.6"]),
    # 2.1–2.8: distinct enterprises spot-checked in W by a department of the county; 3.2: assistance visits
    "inspections": (f"""
        SELECT substr(d.region_id, 1, 6) AS county,
               COUNT(DISTINCT CASE WHEN i.kind IN {SPOT} THEN i.enterprise_id END),
               {", ".join(f"COUNT(DISTINCT CASE WHEN i.kind IN {SPOT} AND i.{flag} THEN i.enterprise_id END)"
                          for flag in FLAGS)},
               SUM(CASE WHEN i.kind = 'assistance' THEN 1 ELSE 0 END)
        FROM inspections_inspection i JOIN regions_department d ON d.id = i.department_id
        WHERE i.kind <> 'self' AND i.inspected_on >= %(s)s AND i.inspected_on <= %(a)s AND d.region_id LIKE %(p)s
        GROUP BY 1""", ["2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "2.8", "3.2"]),
    # 3.3 penalties (each decision one 次, Σ 万元), 3.5 persons referred, 3.6 / 3.7 distinct enterprises
    "enforcement": ("""
        SELECT substr(d.region_id, 1, 6) AS county,
               SUM(CASE WHEN a.kind = 'penalty' THEN 1 ELSE 0 END),
               SUM(CASE WHEN a.kind = 'penalty' THEN a.amount ELSE 0 END),
               SUM(CASE WHEN a.kind = 'judicial_referral' THEN a.persons ELSE 0 END),
               COUNT(DISTINCT CASE WHEN a.kind = 'stop_rectify' THEN a.enterprise_id END),
               COUNT(DISTINCT CASE WHEN a.kind IN ('exposure', 'summons', 'joint_sanction') THEN a.enterprise_id END)
        FROM inspections_enforcementaction a JOIN regions_department d ON d.id = a.department_id
        WHERE a.decided_on >= %(s)s AND a.decided_on <= %(a)s AND d.region_id LIKE %(p)s
        GROUP BY 1""", ["3.3.count", "3.3.amount", "3.5", "3.6", "3.7"]),
    # 3.4 一案双罚: cases whose first enterprise penalty and first principal penalty both exist, counted on the
    # later of the two days, when it falls in W
    "dual": ("""
        SELECT substr(d.region_id, 1, 6) AS county, COUNT(*)
        FROM (SELECT a.department_id,
                     MIN(CASE WHEN a.kind = 'penalty' AND NOT a.against_principal THEN a.decided_on END) AS ent,
                     MIN(CASE WHEN a.kind = 'penalty' AND a.against_principal THEN a.decided_on END) AS pri
              FROM inspections_enforcementaction a
              WHERE a.case_no <> '' AND a.decided_on <= %(a)s
              GROUP BY a.department_id, a.case_no) c
        JOIN regions_department d ON d.id = c.department_id
        WHERE c.ent IS NOT NULL AND c.pri IS NOT NULL AND d.region_id LIKE %(p)s
          AND (CASE WHEN c.ent > c.pri THEN c.ent ELSE c.pri END) >= %(s)s
          AND (CASE WHEN c.ent > c.pri THEN c.ent ELSE c.pri END) <= %(a)s
        GROUP BY 1""", ["3.4"]),
    # 3.8: distinct cases with an action published in W; of which: cases with a 危险作业罪 action (decided by as_of)
    "published": ("""
        SELECT substr(d.region_id, 1, 6) AS county, COUNT(*), SUM(c.crime)
        FROM (SELECT a.department_id,
                     MAX(CASE WHEN a.published AND a.published_on >= %(s)s AND a.published_on <= %(a)s
                              THEN 1 ELSE 0 END) AS pub,
                     MAX(CASE WHEN a.dangerous_operation_crime AND a.decided_on <= %(a)s THEN 1 ELSE 0 END) AS crime
              FROM inspections_enforcementaction a
              WHERE a.case_no <> ''
              GROUP BY a.department_id, a.case_no
              UNION ALL
              SELECT a.department_id, 1, CASE WHEN a.dangerous_operation_crime THEN 1 ELSE 0 END
              FROM inspections_enforcementaction a
              WHERE a.case_no = '' AND a.published AND a.published_on >= %(s)s AND a.published_on <= %(a)s
                AND a.decided_on <= %(a)s) c
        JOIN regions_department d ON d.id = c.department_id
        WHERE c.pub = 1 AND d.region_id LIKE %(p)s
        GROUP BY 1""", ["3.8", "3.8.of_which"]),
    # 3.9 Σ persons held accountable by organs of the county (the record's own region)
    "accountability": ("""
        SELECT substr(region_id, 1, 6) AS county, SUM(persons)
        FROM inspections_accountability
        WHERE decided_on >= %(s)s AND decided_on <= %(a)s AND region_id LIKE %(p)s
        GROUP BY 1""", ["3.9"]),
    # 3.1 帮扶指导地区 and 3.10 约谈通报: Σ count by the activity's region in sub(R)
    "activities_sub": ("""
        SELECT substr(region_id, 1, 6) AS county,
               SUM(CASE WHEN kind = 'assistance_region' THEN "count" ELSE 0 END),
               SUM(CASE WHEN kind = 'summons_notice' THEN "count" ELSE 0 END)
        FROM work_activity
        WHERE kind IN ('assistance_region', 'summons_notice') AND occurred_on >= %(s)s AND occurred_on <= %(a)s
          AND region_id LIKE %(p)s
        GROUP BY 1""", ["3.1", "3.10"]),
    # 4.1–4.3, 4.8: the county's own 党委政府 (no department, no enterprise, region = R); 4.6 their media columns
    "activities_gov": ("""
        SELECT region_id AS county,
               SUM(CASE WHEN kind = 'special_study' THEN "count" ELSE 0 END),
               SUM(CASE WHEN kind = 'special_research' THEN "count" ELSE 0 END),
               SUM(CASE WHEN kind = 'site_supervision' THEN "count" ELSE 0 END),
               SUM(CASE WHEN kind = 'assessment_inspection' THEN "count" ELSE 0 END),
               SUM(CASE WHEN kind = 'media_column' AND media_level IN (1, 2, 3) THEN 1 ELSE 0 END)
        FROM work_activity
        WHERE department_id IS NULL AND enterprise_id IS NULL AND occurred_on >= %(s)s AND occurred_on <= %(a)s
          AND length(region_id) = 6 AND region_id LIKE %(p)s
        GROUP BY 1""", ["4.1", "4.2", "4.3", "4.8", "media_gov"]),
    # 4.4: the county's own departments' briefings; 4.6 their media columns
    "activities_dept": ("""
        SELECT d.region_id AS county,
               SUM(CASE WHEN a.kind = 'enterprise_briefing' THEN a."count" ELSE 0 END),
               SUM(CASE WHEN a.kind = 'media_column' AND a.media_level IN (1, 2, 3) THEN 1 ELSE 0 END)
        FROM work_activity a JOIN regions_department d ON d.id = a.department_id
        WHERE a.occurred_on >= %(s)s AND a.occurred_on <= %(a)s AND length(d.region_id) = 6
          AND d.region_id LIKE %(p)s
        GROUP BY 1""", ["4.4", "media_dept"]),
    # 4.5: rewards paid in W on tips triaged to a department of the county (Σ 万元), of which anonymous
    "tips": ("""
        SELECT substr(d.region_id, 1, 6) AS county, SUM(t.reward_amount),
               SUM(CASE WHEN t.anonymous THEN t.reward_amount ELSE 0 END)
        FROM tips_tip t JOIN regions_department d ON d.id = t.department_id
        WHERE t.rewarded_on >= %(s)s AND t.rewarded_on <= %(a)s AND d.region_id LIKE %(p)s
        GROUP BY 1""", ["4.5", "4.5.of_which"]),
    # 4.7: the headcount of the latest record (by date, then id) of the county's 党委政府 on or before as_of
    "inspectors": ("""
        SELECT a.region_id AS county, a.people
        FROM work_activity a
        WHERE a.kind = 'inspector_headcount' AND a.department_id IS NULL AND a.enterprise_id IS NULL
          AND a.occurred_on <= %(a)s AND length(a.region_id) = 6 AND a.region_id LIKE %(p)s
          AND NOT EXISTS (SELECT 1 FROM work_activity b
                          WHERE b.kind = 'inspector_headcount' AND b.department_id IS NULL
                            AND b.enterprise_id IS NULL AND b.region_id = a.region_id AND b.occurred_on <= %(a)s
                            AND (b.occurred_on > a.occurred_on OR (b.occurred_on = a.occurred_on AND b.id > a.id)))
        """, ["4.7"]),
}


def recount(connection, start: datetime.date, as_of: datetime.date, counties: list[str],
            province: str) -> dict[str, dict[str, object]]:
    """{county code: {cell key: value}} for every county given, every cell of xuchang-county."""
    out = {code: {cell: 0 for cell in CELLS} for code in counties}
    params = {"s": start, "a": as_of, "p": f"{province}%"}
    with connection.cursor() as cursor:
        for sql, columns in QUERIES.values():
            cursor.execute(sql, params)
            for county, *values in cursor.fetchall():
                if county not in out:
                    continue  # a city's or the province's own organs: not a county
                for column, value in zip(columns, values, strict=True):
                    out[county][column] = value or 0
    for cells in out.values():
        gov, dept = cells.pop("media_gov", 0), cells.pop("media_dept", 0)
        cells["4.6"] = 1 if gov or dept else 0
    return out


def timed_recount(connection, start, as_of, counties, province) -> tuple[float, dict]:
    began = time.perf_counter()
    result = recount(connection, start, as_of, counties, province)
    return time.perf_counter() - began, result


def same(a, b) -> bool:
    """Equal as exact decimals to 4 places (万元 amounts are 4-place decimals; SQLite sums them as floats)."""
    try:
        return Decimal(str(a or 0)).quantize(Decimal("0.0001")) == Decimal(str(b or 0)).quantize(Decimal("0.0001"))
    except ArithmeticError:
        return a == b


def compare(platform: dict, recounted: dict) -> list[str]:
    """Every cell where the platform and the recount differ, as readable lines (empty when all agree)."""
    problems = []
    for county in sorted(recounted):
        got = platform.get(county)
        if got is None:
            problems.append(f"{county}: the platform has no column for this county")
            continue
        for cell in CELLS:
            if not same(got.get(cell), recounted[county][cell]):
                problems.append(f"{county} cell {cell}: platform {got.get(cell)!r} != recount "
                                f"{recounted[county][cell]!r}")
    return problems
