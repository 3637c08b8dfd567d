"""The synthetic province of DESIGN.md "Performance targets", at any fraction of its size, the same for a seed.

Full size (`fraction=1`): 1 province, 17 cities, 160 counties, 2,000 townships; 300,000 enterprises, 3,000,000
hazards (5 % major), 1,000,000 inspections, a year of enforcement, accountability, activities and tips. The
region tree, the departments and their sectors are always full size (the 调度表 of all 160 counties is what the
benchmark times); every record count is the full count × `fraction`, rounded.

Records are written the bulk way, batch by batch, each batch in its own transaction with one audit entry
(`audit.services.record_bulk`: the batch's ids and a digest of its rows, NOTES.md "Audit chain"): COPY on
PostgreSQL, executemany elsewhere. Ids are given, not drawn from the sequences (reset at the end), so that
children can name their parents without a round trip and so that one seed always gives the same rows.

What the rows keep true (tests/test_synthetic.py checks it):
- a hazard's `region` is its enterprise's region, its `sector` the enterprise's main sector, its `department`
  one of the enterprise's supervising departments; `closed_on` is set exactly when it is closed, never before it
  was found; `planned_on` is set exactly when it has a plan (`RectificationPlan`, whose deadline is the
  hazard's); a closed major hazard has its `Acceptance`; general hazards closed on the spot have
  `fixed_on_spot`; major hazards have their timeline (`HazardEvent`), general ones none (a simplification);
- listings (挂牌督办) by a government (`authority_department` null) or by the responsible department, delisted
  when the hazard is closed;
- inspections act through a department (none for 企业自查), spot-check findings only on spot-check kinds;
- enforcement: penalties and referrals carry a case number unique in their department, 一案双罚 as two
  penalties of one case (enterprise, then principal), published cases with their date;
- activities of 党委政府 (no department), of departments (with their region) and enterprises' duties;
- tips: triaged to a department before verification, rewards only on verified tips, named reporters' identity
  encrypted like the public form does.

`generate()` returns the counts and a digest over every generated row (the reporters' identity in clear, since
its ciphertext is salted), equal for equal seeds and fractions.
"""
from __future__ import annotations

import datetime
import hashlib
import json
import random
import sys
import time
from array import array
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction

from apps.accounts.models import Membership, User
from apps.audit.services import record_bulk
from apps.campaigns.models import Campaign
from apps.core.bulk import write_rows
from apps.core.uscc import make_uscc
from apps.enterprises.models import Enterprise, EnterpriseDepartment, EnterpriseSector
from apps.hazards.models import Acceptance, Hazard, HazardEvent, Listing, RectificationPlan
from apps.inspections.models import Accountability, EnforcementAction, Inspection
from apps.regions.models import Department, Region, SafetyOffice
from apps.regions.scope import bump_scope_version
from apps.tips.models import Tip
from apps.work.models import Activity

from .world import ENTERPRISE_KINDS, GIVEN, HAZARD_TITLES, NAME_WORDS, SURNAMES, TOWNSHIP_SECTORS

PROVINCE = "43"
PROVINCE_NAME = "合成省"
CITIES, COUNTIES, TOWNSHIPS = 17, 160, 2000
FULL = {
    "enterprises": 300_000,
    "hazards": 3_000_000,
    "inspections": 1_000_000,
    "enforcement": 60_000,
    "accountability": 3_000,
    "gov_activities": 40_000,
    "enterprise_activities": 120_000,
    "tips": 30_000,
}
MAJOR_SHARE = 0.05
BATCH = 20_000
USCC_BASE = 500_000_000  # credit-code bodies of the synthetic enterprises (the import benchmark uses others)
PASSWORD = "Yinhuan@2026"
USERS = {
    "syn_admin": "系统管理员（合成省）",
    "syn_province_office": "合成省安委办",
    "syn_county_inspector": "县应急管理局执法人员（合成省第1市第1县）",
}

# Departments of the province, of every city and of every county: suffix, kind, sectors supervised.
DEPARTMENTS = [
    ("应急管理局", "emergency", ["non_coal_mine", "chemicals", "industry_trade", "explosives"]),
    ("住房和城乡建设局", "housing", ["construction.housing", "gas", "self_built_housing"]),
    ("交通运输局", "transport", ["transport.road", "transport.road_facilities"]),
    ("市场监督管理局", "market", ["special_equipment"]),
    ("消防救援机构", "fire", ["fire"]),
    ("教育局", "education", ["school"]),
    ("卫生健康委员会", "health", ["health"]),
    ("商务局", "commerce", ["commerce_logistics"]),
    ("文化广电和旅游局", "culture_tourism", ["culture_tourism"]),
    ("民政局", "civil_affairs", ["elderly_care"]),
]
DEPT_KIND_OF_SECTOR = {"commerce_logistics": "commerce", "elderly_care": "civil_affairs",
                       "culture_tourism": "culture_tourism"}
GENERIC_TITLES = ["安全管理制度不落实", "应急预案未演练", "安全警示标志缺失"]
SOURCES = (["self"] * 55 + ["department"] * 30 + ["supervision"] * 5 + ["expert"] * 4 + ["tip"] * 2
           + ["assigned"] * 2 + ["review"] * 2)
INSPECTION_KINDS = (["self"] * 35 + ["enforcement"] * 25 + ["supervision"] * 10 + ["expert"] * 5
                    + ["assistance"] * 10 + ["review"] * 15)
MODES = ["unannounced", "covert", "out_of_area", "cross_check", "joint", ""]
FINDING_FLAGS = ["no_principal_study", "principal_not_leading", "no_duty_list", "no_safety_body",
                 "uncertified_special_work", "outsourcing_disorder", "no_drill"]
SPOT_KINDS = frozenset({"enforcement", "supervision", "expert", "review"})
ACTION_KINDS = (["penalty"] * 45 + ["stop_rectify"] * 12 + ["summons"] * 10 + ["exposure"] * 6
                + ["joint_sanction"] * 4 + ["judicial_referral"] * 6 + ["licence"] * 3 + ["closure"] * 3
                + ["industry_ban"] * 2)
GOV_KINDS = (["special_study"] * 3 + ["special_research"] * 3 + ["site_supervision"] * 4
             + ["assessment_inspection"] * 2 + ["media_column"] * 2 + ["inspector_headcount"] * 1
             + ["assistance_region"] * 2 + ["summons_notice"] * 1 + ["mobilisation_meeting"] * 1
             + ["supervision_team"] * 1 + ["expert_service"] * 1)
DEPT_ACTIVITY_KINDS = (["enterprise_briefing"] * 4 + ["enforcement_training"] * 2 + ["certificates_issued"] * 1
                       + ["coordination_mechanism"] * 1 + ["media_column"] * 1 + ["summons_notice"] * 1
                       + ["assistance_region"] * 1)
ENTERPRISE_DUTIES = ["drill", "warning_education", "hot_work_review", "outsourcing_review", "duty_list",
                     "safety_body", "commitment", "post_responsibility"]
PEOPLE_KINDS = frozenset({"inspector_headcount", "enforcement_training", "expert_service"})


def scaled(name: str, fraction: float) -> int:
    return int(round(FULL[name] * fraction))


@dataclass
class Summary:
    seed: int
    fraction: float
    counts: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)
    digests: dict = field(default_factory=dict)

    @property
    def digest(self) -> str:
        h = hashlib.sha256()
        for name in sorted(self.digests):
            h.update(f"{name}:{self.counts.get(name)}:{self.digests[name]};".encode())
        return h.hexdigest()


class Progress:
    """A one-line progress bar on stderr (a line per stage when stderr is not a terminal)."""

    def __init__(self, label: str, total: int, stream=None, quiet: bool = False):
        self.label, self.total, self.stream, self.quiet = label, max(total, 1), stream or sys.stderr, quiet
        self.start = self.last = time.monotonic()
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.done = 0

    def update(self, done: int) -> None:
        self.done = done
        now = time.monotonic()
        if self.quiet or not self.tty or now - self.last < 0.2:
            return
        self.last = now
        self._draw(now)

    def _draw(self, now) -> None:
        share = min(self.done / self.total, 1.0)
        bar = "#" * int(share * 30)
        rate = self.done / max(now - self.start, 1e-9)
        self.stream.write(f"\r{self.label:<22} [{bar:<30}] {share:6.1%} {self.done:>10,}/{self.total:,} "
                          f"{rate:>9,.0f}/s")
        self.stream.flush()

    def finish(self) -> float:
        elapsed = time.monotonic() - self.start
        if not self.quiet:
            if self.tty:
                self._draw(time.monotonic())
                self.stream.write("\n")
            else:
                self.stream.write(f"{self.label:<22} {self.done:>10,} rows in {elapsed:7.1f} s\n")
            self.stream.flush()
        return elapsed


class Table:
    """Bulk rows of one model: the columns given per row, every other column its field's default (computed
    once). COPY on PostgreSQL, executemany elsewhere; one transaction and one audit entry per batch."""

    def __init__(self, gen: Generator, model: type[models.Model], columns: list[str], *, digest_skip=(),
                 parent: Table | None = None):
        """A table with a `parent` is written only right after its parent's batch, in the same transaction: its
        rows name parents of that batch or of earlier ones, so every batch commits with its references whole."""
        self.gen, self.model = gen, model
        self.children: list[Table] = []
        self.parent = parent
        if parent is not None:
            parent.children.append(self)
        self.columns = columns
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(columns) - set(fields)
        if unknown:
            raise ValueError(f"{model.__name__}: no columns {unknown}")
        self.defaults = []
        for attname, f in fields.items():
            if attname in columns:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = gen.stamp
            else:
                value = f.get_default()
            self.defaults.append((f.column, f.get_db_prep_save(value, connection)))
        self.db_columns = [fields[c].column for c in columns] + [c for c, _ in self.defaults]
        self.tail = tuple(v for _, v in self.defaults)
        self.json_columns = [i for i, c in enumerate(columns) if isinstance(fields[c], models.JSONField)]
        self.datetime_columns = {i: fields[c] for i, c in enumerate(columns)
                                 if isinstance(fields[c], models.DateTimeField)}
        self.digest_skip = {columns.index(c) for c in digest_skip}
        self.hash = hashlib.sha256()
        self.count = 0
        self.pending: list[tuple] = []
        self.next_id = (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1

    def take_id(self) -> int:
        pk = self.next_id
        self.next_id += 1
        return pk

    def add(self, row: tuple) -> None:
        self.pending.append(row)
        if len(self.pending) >= BATCH and self.parent is None:
            self.flush()

    def flush(self) -> None:
        rows, self.pending = self.pending, []
        if not rows:
            for child in self.children:
                child.flush()
            return
        batch = hashlib.sha256()
        skip = self.digest_skip
        for row in rows:
            text = repr(tuple(v for i, v in enumerate(row) if i not in skip) if skip else row).encode()
            batch.update(text)
            self.hash.update(text)
        if self.json_columns or self.datetime_columns:
            json_columns, datetime_columns = self.json_columns, self.datetime_columns
            rows = [tuple(json.dumps(v, ensure_ascii=False) if i in json_columns
                          else datetime_columns[i].get_db_prep_save(v, connection) if i in datetime_columns else v
                          for i, v in enumerate(row)) for row in rows]
        with transaction.atomic():
            self.gen.write(self.model._meta.db_table, self.db_columns, rows, self.tail)
            ids = [row[0] for row in rows] if self.columns[0] == self.model._meta.pk.attname else []
            record_bulk(self.gen.actor, self.model, ids,
                        [{"rows": len(rows), "sha256": batch.hexdigest(), "synthetic": self.gen.seed}])
            for child in self.children:
                child.flush()
        self.count += len(rows)

    def close(self) -> None:
        self.flush()
        self.gen.summary.counts[self.model._meta.label_lower] = self.count
        self.gen.summary.digests[self.model._meta.label_lower] = self.hash.hexdigest()


class Generator:
    def __init__(self, fraction: float, seed: int, *, start: datetime.date, stream=None, quiet=False):
        self.fraction, self.seed, self.start = fraction, seed, start
        self.end = start.replace(year=start.year + 1) - datetime.timedelta(days=1)
        self.first = start - datetime.timedelta(days=60)  # some records predate the campaign
        self.days = [self.first + datetime.timedelta(days=i) for i in range((self.end - self.first).days + 1)]
        self.span = len(self.days)
        self.stamp = datetime.datetime.combine(self.end, datetime.time(12), tzinfo=datetime.UTC)
        self.stream, self.quiet = stream or sys.stderr, quiet
        self.summary = Summary(seed=seed, fraction=fraction)
        self.progress: Progress | None = None
        self.actor = None
        self.postgres = connection.vendor == "postgresql"

    def rng(self, section: str) -> random.Random:
        return random.Random(f"yinhuan-synthetic:{self.seed}:{section}")

    def day_index(self, day: datetime.date) -> int:
        return (day - self.first).days

    def day(self, index: int) -> datetime.date:
        return self.days[min(max(index, 0), self.span - 1)]

    # --- writing --------------------------------------------------------------------------------------------
    def write(self, table: str, columns: list[str], rows: list[tuple], tail: tuple) -> None:
        write_rows(table, columns, [row + tail for row in rows])

    def stage(self, label: str, total: int):
        self.progress = Progress(label, total, self.stream, self.quiet)
        return self.progress

    def end_stage(self, label: str) -> None:
        self.progress.done = self.progress.total
        self.summary.seconds[label] = round(self.progress.finish(), 2)
        self.progress = None

    # --- the whole province ---------------------------------------------------------------------------------
    def run(self) -> Summary:
        if Region.objects.filter(code=PROVINCE).exists():
            raise ValueError(f"区划 {PROVINCE}（{PROVINCE_NAME}）已存在：请在空数据库中生成合成省")
        started = time.monotonic()
        self.directory()
        self.enterprises()
        self.hazards()
        self.inspections()
        self.enforcement()
        self.accountability()
        self.activities()
        self.tips()
        self.reset_sequences()
        self.tallies()
        bump_scope_version()  # memberships and departments written by COPY: scopes cached before are stale
        self.summary.seconds["total"] = round(time.monotonic() - started, 2)
        return self.summary

    def directory(self) -> None:
        """Regions, safety offices, departments with their sectors, the campaign, three users."""
        self.stage("regions & departments", CITIES + COUNTIES + TOWNSHIPS)
        with transaction.atomic():
            self.actor = User.objects.create(username="syn_admin", name=USERS["syn_admin"],
                                             password=make_password(PASSWORD), is_superuser=True, is_staff=True)
        regions = Table(self, Region, ["code", "name", "level", "parent_id", "kind", "official_code"])
        regions.add((PROVINCE, PROVINCE_NAME, 1, None, "administrative", False))
        self.cities: list[str] = []
        self.counties: list[str] = []
        self.townships: dict[str, list[str]] = {}
        self.names: dict[str, str] = {PROVINCE: PROVINCE_NAME}
        county_no = township_no = 0
        for c in range(CITIES):
            city = f"{PROVINCE}{c + 1:02d}"
            self.cities.append(city)
            self.names[city] = f"第{c + 1}市"
            regions.add((city, self.names[city], 2, PROVINCE, "administrative", False))
            for k in range(COUNTIES // CITIES + (1 if c < COUNTIES % CITIES else 0)):
                county = f"{city}{k + 1:02d}"
                county_no += 1
                self.counties.append(county)
                self.names[county] = f"{self.names[city]}第{k + 1}县"
                regions.add((county, self.names[county], 3, city, "administrative", False))
                towns = TOWNSHIPS // COUNTIES + (1 if county_no <= TOWNSHIPS % COUNTIES else 0)
                self.townships[county] = []
                for t in range(towns):
                    code = f"{county}{t + 1:03d}"
                    township_no += 1
                    self.townships[county].append(code)
                    self.names[code] = f"{self.names[county]}第{t + 1}镇"
                    regions.add((code, self.names[code], 4, county, "administrative", False))
        regions.close()
        offices = Table(self, SafetyOffice, ["region_id", "name", "phone"])
        for code in [PROVINCE, *self.cities, *self.counties]:
            offices.add((code, f"{self.names[code]}安委会办公室", ""))
        offices.close()

        departments = Table(self, Department, ["id", "name", "kind", "region_id", "parent_id", "committee_member"])
        links = Table(self, Department.sectors.through, ["id", "department_id", "sector_id"], parent=departments)
        self.dept: dict[tuple[str, str], int] = {}
        self.town_office: dict[str, int] = {}
        self.depts_of_region: dict[str, list[int]] = {}

        def department(name, kind, region, sectors, parent=None):
            pk = departments.take_id()
            departments.add((pk, name, kind, region, parent, parent is None))
            for sector in sectors:
                links.add((links.take_id(), pk, sector))
            self.depts_of_region.setdefault(region, []).append(pk)
            return pk

        for region in [PROVINCE, *self.cities, *self.counties]:
            for suffix, kind, sectors in DEPARTMENTS:
                self.dept[(region, kind)] = department(f"{self.names[region]}{suffix}", kind, region, sectors)
            if len(region) == 4:  # a city's construction safety station under its 住建局 (a subordinate unit)
                department(f"{self.names[region]}建设工程安全监督站", "housing", region, ["construction.housing"],
                           parent=self.dept[(region, "housing")])
        for county in self.counties:
            for town in self.townships[county]:
                self.town_office[town] = department(f"{self.names[town]}应急办", "township_office", town,
                                                    TOWNSHIP_SECTORS)
        departments.close()
        links.close()

        with transaction.atomic():
            self.campaign = Campaign.objects.create(
                slug=f"synthetic-{PROVINCE}", name=f"{PROVINCE_NAME}重大事故隐患专项排查整治行动（合成数据）",
                region_id=PROVINCE, department_id=self.dept[(PROVINCE, "emergency")],
                issuer=f"{PROVINCE_NAME}安全生产委员会", document_no="合安〔合成〕1号",
                start=self.start, end=self.end, sign_offs=[])
            password = self.actor.password
            office = User.objects.create(username="syn_province_office", name=USERS["syn_province_office"],
                                         password=password)
            Membership.objects.create(user=office, kind="safety_office", region_id=PROVINCE, role="leader")
            inspector = User.objects.create(username="syn_county_inspector", name=USERS["syn_county_inspector"],
                                            password=password)
            Membership.objects.create(user=inspector, kind="department", role="member",
                                      department_id=self.dept[(self.counties[0], "emergency")])
            record_bulk(self.actor, User, [self.actor.pk, office.pk, inspector.pk],
                        [{"synthetic": self.seed, "users": sorted(USERS)}])
        self.end_stage("regions & departments")

    def enterprises(self) -> None:
        rng = self.rng("enterprises")
        n = scaled("enterprises", self.fraction)
        self.stage("enterprises", n)
        table = Table(self, Enterprise, [
            "id", "name", "uscc", "region_id", "address", "legal_representative", "principal_name",
            "principal_phone", "high_risk", "state_owned", "above_scale", "labour_intensive", "crowded_place",
            "key_supervision", "city_direct", "state"])
        sectors = Table(self, EnterpriseSector, ["id", "enterprise_id", "sector_id", "order"], parent=table)
        departments = Table(self, EnterpriseDepartment, ["id", "enterprise_id", "department_id"], parent=table)
        self.e_id = array("q")
        self.e_region: list[str] = []
        self.e_sector: list[str] = []
        self.e_dept = array("q")
        self.e_city_dept = array("q")
        self.e_town = array("q")
        counties, townships, names = self.counties, self.townships, self.names
        surnames, given = SURNAMES, GIVEN

        def person():
            return rng.choice(surnames) + "".join(rng.choice(given) for _ in range(1 + (rng.random() < 0.6)))

        for i in range(n):
            if not i & 1023:
                self.progress.update(i)
            county = counties[rng.randrange(len(counties))]
            in_town = rng.random() < 0.6
            region = rng.choice(townships[county]) if in_town else county
            sector, endings, dept_kind, flags = ENTERPRISE_KINDS[rng.randrange(len(ENTERPRISE_KINDS))]
            dept_kind = dept_kind or DEPT_KIND_OF_SECTOR[sector]
            city = county[:4]
            city_direct = sector in ("chemicals", "transport.road") and rng.random() < 0.2
            pk = table.take_id()
            responsible = self.dept[(city, dept_kind)] if city_direct else self.dept[(county, dept_kind)]
            links = [responsible]
            town_office = self.town_office[region] if in_town else 0
            if in_town and sector in TOWNSHIP_SECTORS:
                links.append(town_office)
            crowded = bool(flags.get("crowded_place"))
            table.add((
                pk, f"{names[county]}{rng.choice(NAME_WORDS)}{rng.choice(NAME_WORDS)}{rng.choice(endings)}",
                make_uscc(USCC_BASE + pk, region), region,
                f"{names[region]}{rng.choice(NAME_WORDS)}路{rng.randint(1, 399)}号", person(), person(),
                "1" + rng.choice("3578") + f"{rng.randrange(10 ** 9):09d}",
                bool(flags.get("high_risk")), rng.random() < 0.1, rng.random() < 0.35,
                bool(flags.get("labour_intensive")), crowded,
                bool(flags.get("high_risk")) or rng.random() < 0.1, city_direct,
                "operating" if rng.random() > 0.06 else rng.choice(("suspended", "closed")),
            ))
            sectors.add((sectors.take_id(), pk, sector, 0))
            if crowded and sector != "fire":
                sectors.add((sectors.take_id(), pk, "fire", 1))
            for d in links:
                departments.add((departments.take_id(), pk, d))
            self.e_id.append(pk)
            self.e_region.append(region)
            self.e_sector.append(sector)
            self.e_dept.append(responsible)
            self.e_city_dept.append(self.dept[(city, dept_kind)])
            self.e_town.append(town_office)
        table.close()
        sectors.close()
        departments.close()
        self.end_stage("enterprises")

    def hazards(self) -> None:
        rng = self.rng("hazards")
        n = scaled("hazards", self.fraction)
        ne = len(self.e_id)
        if not ne:
            return
        self.stage("hazards", n)
        hazards = Table(self, Hazard, [
            "id", "enterprise_id", "region_id", "title", "level", "location", "description", "source", "sector_id",
            "found_on", "found_by_department_id", "found_by", "department_id", "status", "deadline", "planned_on",
            "closed_on", "fixed_on_spot", "closure_reported_on"])
        plans = Table(self, RectificationPlan, [
            "id", "hazard_id", "goal", "measures", "funds", "owner", "deadline", "contingency", "interim_controls",
            "planned_on"], parent=hazards)
        acceptances = Table(self, Acceptance, ["id", "hazard_id", "accepted_on", "members", "conclusion"],
                            parent=hazards)
        listings = Table(self, Listing, ["id", "hazard_id", "authority_region_id", "authority_department_id",
                                         "document_no", "listed_on", "deadline", "delisted_on"], parent=hazards)
        events = Table(self, HazardEvent, ["id", "hazard_id", "action", "from_status", "to_status", "on",
                                           "username", "note"], parent=hazards)
        self.major = array("q")
        day, span = self.day, self.span
        titles = {s: HAZARD_TITLES.get(s, GENERIC_TITLES) for s in set(self.e_sector)}
        locations = ["生产车间", "仓库", "办公楼", "厂区道路", "储罐区", "配电室", "宿舍楼"]
        random_, randrange = rng.random, rng.randrange
        gov_doc = dept_doc = 0
        year = self.start.year
        for i in range(n):
            if not i & 1023:
                self.progress.update(i)
            e = randrange(ne)
            pk = hazards.take_id()
            region, sector = self.e_region[e], self.e_sector[e]
            department = self.e_dept[e]
            source = SOURCES[randrange(len(SOURCES))]
            finder = None
            if source != "self":
                roll = random_()
                finder = department if roll < 0.8 else self.e_city_dept[e] if roll < 0.95 or not self.e_town[e] \
                    else self.e_town[e]
            found = randrange(span)
            title = rng.choice(titles[sector])
            major = random_() < MAJOR_SHARE
            deadline = planned = closed = reported = None
            fixed = False
            if not major:
                roll = random_()
                if roll < 0.85:
                    status, closed, fixed = "closed", day(found), True
                    if random_() < 0.7:
                        reported = day(found + randrange(4))
                elif roll < 0.95:
                    status, deadline = "rectifying", day(found + 30)
                else:
                    status, deadline = "reported", day(found + 15)
                hazards.add((pk, self.e_id[e], region, title, "general", rng.choice(locations), f"{title}。",
                             source, sector, day(found), finder, "", department, status, deadline, planned, closed,
                             fixed, reported))
                continue
            self.major.append(pk)
            roll = random_()
            status = "reported" if roll < 0.1 else "rectifying" if roll < 0.4 else \
                "awaiting_acceptance" if roll < 0.55 else "closed"
            events.add((events.take_id(), pk, "report", "", "reported", day(found), "system", ""))
            if status == "reported":
                deadline = day(found + 7)
            else:
                p = found + 1 + randrange(5)
                planned, deadline = day(p), day(p + rng.choice((30, 45, 60, 90)))
                plans.add((plans.take_id(), pk, "消除隐患，达到相关标准要求", f"针对“{title}”制定整改措施并组织实施",
                           Decimal(randrange(10, 50000)) / 100, "企业主要负责人", deadline,
                           "落实专人监护，制定专项应急处置方案", "设置警戒区域，停止相关作业", planned))
                events.add((events.take_id(), pk, "plan", "reported", "rectifying", planned, "system", ""))
                if status in ("awaiting_acceptance", "closed"):
                    submitted = p + 5 + randrange(60)
                    events.add((events.take_id(), pk, "submit", "rectifying", "awaiting_acceptance",
                                day(submitted), "system", ""))
                    if status == "closed":
                        c = min(submitted + 1 + randrange(10), span - 1)
                        closed = day(c)
                        if random_() < 0.8:
                            reported = day(c + randrange(4))
                        acceptances.add((acceptances.take_id(), pk, closed, ["验收组成员甲", "验收组成员乙"],
                                         "整改到位，同意销号"))
                        events.add((events.take_id(), pk, "accept", "awaiting_acceptance", "closed", closed,
                                    "system", ""))
                roll = random_()
                if roll < 0.25:  # listed: by the government of the county (mostly) or of the city
                    gov_doc += 1
                    authority = region[:6] if random_() < 0.8 else region[:4]
                    listings.add((listings.take_id(), pk, authority, None, f"{self.names[authority]}安办督〔{year}〕"
                                  f"{gov_doc}号", planned, deadline, day(c + 1) if closed else None))
                elif roll < 0.3:
                    dept_doc += 1
                    listings.add((listings.take_id(), pk, department_region(self, department), department,
                                  f"督办〔{year}〕{dept_doc}号", planned, deadline, day(c + 1) if closed else None))
            hazards.add((pk, self.e_id[e], region, title, "major", rng.choice(locations), f"{title}，现场检查发现。",
                         source, sector, day(found), finder, "", department, status, deadline, planned, closed,
                         False, reported))
        for table in (hazards, plans, acceptances, listings, events):
            table.close()
        self.end_stage("hazards")

    def inspections(self) -> None:
        rng = self.rng("inspections")
        n = scaled("inspections", self.fraction)
        ne = len(self.e_id)
        if not ne:
            return
        self.stage("inspections", n)
        table = Table(self, Inspection, [
            "id", "enterprise_id", "kind", "mode", "department_id", "inspected_on", "led_by_principal",
            *FINDING_FLAGS, "note", "signed_at"])
        # non-self inspections, for enforcement actions to follow: (id, enterprise index, department, day)
        self.i_id, self.i_e, self.i_dept, self.i_day = array("q"), array("q"), array("q"), array("q")
        random_, randrange = rng.random, rng.randrange
        province_dept = self.dept
        signed = self.stamp
        for i in range(n):
            if not i & 1023:
                self.progress.update(i)
            e = randrange(ne)
            pk = table.take_id()
            kind = INSPECTION_KINDS[randrange(len(INSPECTION_KINDS))]
            found = randrange(self.span)
            if kind == "self":
                table.add((pk, self.e_id[e], kind, "", None, self.day(found), random_() < 0.5,
                           *([False] * 7), "", signed))
                continue
            roll = random_()
            if roll < 0.7:
                department = self.e_dept[e]
            elif roll < 0.9 or not self.e_town[e]:
                department = self.e_city_dept[e]
            elif roll < 0.95:
                department = self.e_town[e]
            else:
                department = province_dept[(PROVINCE, "emergency")]
            spot = kind in SPOT_KINDS
            flags = [spot and random_() < 0.06 for _ in FINDING_FLAGS]
            table.add((pk, self.e_id[e], kind, MODES[randrange(6)], department, self.day(found), False, *flags,
                       "", signed if random_() < 0.9 else None))
            self.i_id.append(pk)
            self.i_e.append(e)
            self.i_dept.append(department)
            self.i_day.append(found)
        table.close()
        self.end_stage("inspections")

    def enforcement(self) -> None:
        rng = self.rng("enforcement")
        n = scaled("enforcement", self.fraction)
        if not len(self.i_id):
            return
        self.stage("enforcement", n)
        table = Table(self, EnforcementAction, [
            "id", "enterprise_id", "department_id", "kind", "decided_on", "amount", "against_principal", "case_no",
            "inspection_id", "persons", "dangerous_operation_crime", "published", "published_on", "waiver_reason",
            "note"])
        case_numbers: dict[int, int] = {}
        random_, randrange = rng.random, rng.randrange
        written = 0
        year = self.start.year
        while written < n:
            self.progress.update(written)
            i = randrange(len(self.i_id))
            e, department, decided = self.i_e[i], self.i_dept[i], self.i_day[i] + randrange(15)
            kind = ACTION_KINDS[randrange(len(ACTION_KINDS))]
            enterprise, inspection = self.e_id[e], self.i_id[i]
            published = random_() < 0.05
            published_on = self.day(decided + 10) if published else None
            if kind in ("penalty", "judicial_referral"):
                case_numbers[department] = case_numbers.get(department, 0) + 1
                case_no = f"罚〔{year}〕{department}-{case_numbers[department]}号"
                rows = []
                if kind == "penalty":
                    rows.append(("penalty", decided, Decimal(randrange(5, 50000)) / 100, False, 0, False))
                    if random_() < 0.3:  # 一案双罚: the principal too, the same day or a little later
                        rows.append(("penalty", decided + randrange(20), Decimal(randrange(1, 500)) / 100, True, 0,
                                     False))
                    if random_() < 0.1:  # the case goes on to a referral
                        rows.append(("judicial_referral", decided + 5 + randrange(30), None, False,
                                     1 + randrange(3), random_() < 0.5))
                else:
                    rows.append(("judicial_referral", decided, None, False, 1 + randrange(3), random_() < 0.4))
                for k, (kind_, day_, amount, principal, persons, crime) in enumerate(rows):
                    table.add((table.take_id(), enterprise, department, kind_, self.day(day_), amount, principal,
                               case_no, inspection, persons, crime, published and k == 0,
                               published_on if k == 0 else None, "", ""))
                written += len(rows)
                continue
            table.add((table.take_id(), enterprise, department, kind, self.day(decided), None, False, "",
                       inspection, 0, False, published, published_on, "", ""))
            written += 1
        table.close()
        self.end_stage("enforcement")

    def accountability(self) -> None:
        rng = self.rng("accountability")
        n = scaled("accountability", self.fraction)
        self.stage("accountability", n)
        table = Table(self, Accountability, ["id", "region_id", "department_id", "decided_on", "persons",
                                             "outcome", "note"])
        organs = [PROVINCE, *self.cities, *self.counties]
        for i in range(n):
            if not i & 1023:
                self.progress.update(i)
            region = self.counties[rng.randrange(len(self.counties))] if rng.random() < 0.8 else rng.choice(organs)
            department = rng.choice(self.depts_of_region[region]) if rng.random() < 0.5 else None
            table.add((table.take_id(), region, department, self.day(rng.randrange(self.span)),
                       1 + rng.randrange(5), "诫勉谈话", ""))
        table.close()
        self.end_stage("accountability")

    def activities(self) -> None:
        rng = self.rng("activities")
        n_gov = scaled("gov_activities", self.fraction)
        n_ent = scaled("enterprise_activities", self.fraction)
        self.stage("activities", n_gov + n_ent)
        table = Table(self, Activity, ["id", "kind", "region_id", "department_id", "enterprise_id", "sector_id",
                                       "media_level", "occurred_on", "count", "people", "note"])
        all_towns = [t for c in self.counties for t in self.townships[c]]
        for i in range(n_gov):
            if not i & 1023:
                self.progress.update(i)
            roll = rng.random()
            region = PROVINCE if roll < 0.03 else rng.choice(self.cities) if roll < 0.12 else \
                rng.choice(self.counties) if roll < 0.85 else rng.choice(all_towns)
            level = {2: 1, 4: 2, 6: 3}.get(len(region), 4)
            if rng.random() < 0.35:
                department, kind = rng.choice(self.depts_of_region[region]), rng.choice(DEPT_ACTIVITY_KINDS)
            else:
                department, kind = None, rng.choice(GOV_KINDS)
            people = 5 + rng.randrange(60) if kind in PEOPLE_KINDS else 0
            media = min(level, 3) if kind == "media_column" else None
            count = 1 if kind in PEOPLE_KINDS or rng.random() < 0.8 else 2 + rng.randrange(3)
            table.add((table.take_id(), kind, region, department, None, None, media,
                       self.day(rng.randrange(self.span)), count, people, ""))
        ne = len(self.e_id)
        for i in range(n_ent if ne else 0):
            if not i & 1023:
                self.progress.update(i + n_gov)
            e = rng.randrange(ne)
            table.add((table.take_id(), rng.choice(ENTERPRISE_DUTIES), self.e_region[e], None, self.e_id[e],
                       None, None, self.day(rng.randrange(self.span)), 1, 0, ""))
        table.close()
        self.end_stage("activities")

    def tips(self) -> None:
        from apps.tips.crypto import encrypt

        rng = self.rng("tips")
        n = scaled("tips", self.fraction)
        ne = len(self.e_id)
        self.stage("tips", n)
        # the reporter's name and phone in clear are digested; their (salted) ciphertext is not
        table = Table(self, Tip, [
            "id", "receipt", "region_id", "enterprise_id", "enterprise_name", "place", "description", "anonymous",
            "reporter_name_token", "reporter_phone_token", "received_on", "department_id", "triaged_on", "status",
            "verified_on", "verification_reason", "reward_amount", "rewarded_on", "hazard_id"],
            digest_skip=("reporter_name_token", "reporter_phone_token"))
        all_towns = [t for c in self.counties for t in self.townships[c]]
        clear = hashlib.sha256()
        for i in range(n):
            if not i & 1023:
                self.progress.update(i)
            if ne and rng.random() < 0.85:
                e = rng.randrange(ne)
                region, enterprise, department = self.e_region[e], self.e_id[e], self.e_dept[e]
            else:
                region, enterprise = rng.choice(all_towns), None
                department = self.town_office[region]
            received = rng.randrange(self.span)
            roll = rng.random()
            status = "received" if roll < 0.15 else "triaged" if roll < 0.35 else "verified" if roll < 0.8 \
                else "unfounded"
            triaged = verified = reward = rewarded = None
            if status != "received":
                triaged = received + 1 + rng.randrange(3)
            if status in ("verified", "unfounded"):
                verified = triaged + 3 + rng.randrange(20)
            if status == "verified" and rng.random() < 0.6:
                reward, rewarded = Decimal(rng.randrange(2, 200)) / 100, verified + 5 + rng.randrange(20)
            anonymous = rng.random() < 0.6
            name = phone = ""
            if not anonymous:
                name = rng.choice(SURNAMES) + rng.choice(GIVEN)
                phone = "1" + rng.choice("3578") + f"{rng.randrange(10 ** 9):09d}"
                clear.update(f"{i}:{name}:{phone};".encode())
            table.add((
                table.take_id(), f"SYN{self.seed:04d}{i:010d}", region, enterprise, "", "", "举报存在重大事故隐患",
                anonymous, encrypt(name) if name else "", encrypt(phone) if phone else "", self.day(received),
                department if triaged is not None else None, self.day(triaged) if triaged is not None else None,
                status, self.day(verified) if verified is not None else None,
                "经核查情况属实" if status == "verified" else "", reward,
                self.day(rewarded) if rewarded is not None else None, None))
        table.hash.update(clear.digest())
        table.close()
        self.end_stage("tips")

    def tallies(self) -> None:
        """The report forms' maintained tallies, which COPY bypassed (apps/reports/tallies.py)."""
        from apps.reports import tallies

        progress = self.stage("tallies", tallies.campaign_size(self.campaign))
        seen = {}

        def step(record, count):
            seen[record] = count
            progress.update(sum(seen.values()))

        self.summary.counts["reports.tallyfact"] = tallies.rebuild(self.campaign, progress=step)
        with connection.cursor() as cursor:  # planner statistics: without them SQLite picks the sector index
            cursor.execute("ANALYZE")        # for the ledger (3 s a page at full size instead of 60 ms)
        self.end_stage("tallies")

    def reset_sequences(self) -> None:
        models_ = [Region, SafetyOffice, Department, Department.sectors.through, Enterprise, EnterpriseSector,
                   EnterpriseDepartment, Hazard, RectificationPlan, Acceptance, Listing, HazardEvent, Inspection,
                   EnforcementAction, Accountability, Activity, Tip]
        statements = connection.ops.sequence_reset_sql(no_style(), models_)
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


def department_region(gen: Generator, department: int) -> str:
    if not hasattr(gen, "_dept_region"):
        gen._dept_region = {pk: region for region, ids in gen.depts_of_region.items() for pk in ids}
    return gen._dept_region[department]


def generate(fraction: float = 0.01, seed: int = 1, *, start: datetime.date = datetime.date(2024, 1, 1),
             stream=None, quiet: bool = False) -> Summary:
    """Generate the synthetic province into the default database (which must not hold it yet)."""
    if not 0 < fraction <= 1:
        raise ValueError("fraction 须在 (0, 1] 之内")
    return Generator(fraction, seed, start=start, stream=stream, quiet=quiet).run()
