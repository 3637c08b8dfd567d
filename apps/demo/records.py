"""The demo world's work on top of the ledger: inspections, enforcement, accountability, work records, tips, filed
reports and the day's alerts, so that every page of the platform has something to show on `make run`.

Every record goes through its service (apps.inspections.services and .onsite, apps.work.services, apps.tips.services,
apps.reports.services, apps.hazards.services), so the rules, the versions and the audit chain hold as they would for
people using the platform. Who acts: the demo login that would do it in real life where there is one (xc_yjj for
the 市应急管理局, weidu_yjj for the 魏都区应急管理局, weidu_office for the 魏都区安委办, the group leaders, the
enterprise login for its own enterprise, xc_yjj_leader to publish typical cases and submit the department's form,
xc_office to triage tips and receive reports …), else `admin`, loading the past on behalf of an organisation
without a login (the county departments, the other enterprises), as world.py does for the ledger.

Dates lie between the campaign's start and today; a fixed random seed decides the rest, so the same day gives the
same world.

The filing history (a period filed on time beside one filed late) is loaded by the administrator with the past
submission and receipt times (`at=` of reports.services, for loading history only).
"""
from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from apps.accounts.models import Membership, User
from apps.campaigns.models import Campaign
from apps.enterprises.models import Enterprise, EnterpriseDepartment, EnterpriseSector
from apps.hazards.models import Hazard, Source, Status
from apps.inspections.models import FINDINGS, ActionKind, Answer, Checklist, Inspection, InspectionKind
from apps.regions.models import Department, GroupAssignment, InspectionGroup, Region, Sector
from apps.work.duties import periods_ended
from apps.work.models import ActivityKind as K

from .world import _person, _phone

FLAGS = list(FINDINGS)
MODES = ["unannounced", "", "covert", "joint", "", "unannounced", "cross_check", "", "out_of_area", "joint"]
PENALTY_AMOUNTS = ["1.5", "3", "5", "2.8", "10", "0.8", "4.5", "20"]
KIND_WORDS = {"emergency": "应急", "housing": "建", "transport": "交", "market": "市监", "fire": "消",
              "education": "教", "health": "卫", "township_office": "综执"}
PLACES = ["生产车间", "仓库", "配电室", "危化品库房", "厂区道路", "办公楼", "储罐区", "食堂"]
ENTERPRISE_DUTIES = [K.WARNING_EDUCATION, K.HOT_WORK_REVIEW, K.OUTSOURCING_REVIEW, K.DUTY_LIST, K.SAFETY_BODY]
DUTY_NOTES = {
    K.WARNING_EDUCATION: "组织全员观看事故警示教育片，开展“安全生产十五条硬措施”宣讲",
    K.HOT_WORK_REVIEW: "对电气焊设备和动火作业人员全面排查，核对特种作业操作证",
    K.OUTSOURCING_REVIEW: "对外包外租单位全面排查，补签安全生产管理协议",
    K.DUTY_LIST: "印发分管负责人安全生产职责清单",
    K.SAFETY_BODY: "设立安全生产管理机构，配备专职安全管理人员",
}
DRILLS = ["火灾疏散逃生演练", "危险化学品泄漏处置演练", "有限空间作业事故救援演练", "触电事故应急处置演练"]


@dataclass
class Ctx:
    rng: random.Random
    today: datetime.date
    campaign: Campaign
    city: Region
    counties: dict[str, Region]
    city_departments: dict[str, Department]
    county_departments: dict[tuple[str, str], Department]
    groups: dict[str, InspectionGroup]
    users: dict[str, User]
    enterprises: list[Enterprise]  # operating, by pk
    links: dict[int, list[Department]]
    sectors: dict[int, list[str]]
    members: dict[int, User]  # department id → a login that acts for it
    diligent: list[Enterprise] = field(default_factory=list)
    partial: list[Enterprise] = field(default_factory=list)

    @property
    def admin(self) -> User:
        return self.users["admin"]

    @property
    def start(self) -> datetime.date:
        return self.campaign.start

    def day(self, n: int) -> datetime.date:
        return self.today - datetime.timedelta(days=n)

    def between(self, a: datetime.date, b: datetime.date) -> datetime.date:
        """A day in [a, b] clipped to the campaign's days up to today."""
        a, b = max(a, self.start), min(b, self.today)
        if a >= b:
            return b
        return a + datetime.timedelta(days=self.rng.randint(0, (b - a).days))

    def after(self, a: datetime.date, low: int, high: int) -> datetime.date:
        return self.between(a + datetime.timedelta(days=low), a + datetime.timedelta(days=high))

    def actor_for(self, department: Department) -> User:
        return self.members.get(department.pk, self.admin)

    def inspectors_for(self, department: Department) -> list[User]:
        user = self.members.get(department.pk)
        return [user] if user is not None else []


def load_records(*, seed: int, today: datetime.date, city: Region, counties: dict[str, Region],
                 city_departments: dict[str, Department], county_departments: dict[tuple[str, str], Department],
                 groups: dict[str, InspectionGroup]) -> None:
    ctx = _context(seed, today, city, counties, city_departments, county_departments, groups)
    _pick_enterprise_duty_sets(ctx)
    spot = _spot_checks(ctx)
    _group_inspections(ctx)
    _assistance(ctx)
    _onsite(ctx)
    _self_duties(ctx)
    _enforcement(ctx, spot)
    _close_a_listed_hazard(ctx)
    _accountability(ctx)
    _government_work(ctx)
    _department_work(ctx)
    _tips(ctx)
    _risks_and_problems(ctx)
    _reports(ctx)
    from apps.alerts.services import run_daily

    run_daily(today)


def _context(seed, today, city, counties, city_departments, county_departments, groups) -> Ctx:
    users = {u.username: u for u in User.objects.filter(memberships__isnull=False).distinct()}
    users["admin"] = User.objects.get(username="admin")
    members: dict[int, User] = {}
    roles: dict[int, str] = {}
    for m in Membership.objects.filter(kind="department").select_related("user").order_by("id"):
        if m.department_id not in members or (roles[m.department_id] == "leader" and m.role != "leader"):
            members[m.department_id], roles[m.department_id] = m.user, m.role  # a member before a leader
    departments = {d.pk: d for d in Department.objects.select_related("region")}
    links: dict[int, list[Department]] = {}
    for enterprise_id, department_id in EnterpriseDepartment.objects.order_by("id").values_list(
            "enterprise_id", "department_id"):
        links.setdefault(enterprise_id, []).append(departments[department_id])
    sectors: dict[int, list[str]] = {}
    for enterprise_id, code in EnterpriseSector.objects.order_by("enterprise_id", "order").values_list(
            "enterprise_id", "sector_id"):
        sectors.setdefault(enterprise_id, []).append(code)
    return Ctx(
        rng=random.Random(seed * 31 + 7), today=today, campaign=Campaign.objects.get(slug="xuchang-demo"), city=city,
        counties=counties, city_departments=city_departments, county_departments=county_departments, groups=groups,
        users=users, enterprises=list(Enterprise.objects.filter(state="operating").order_by("pk")), links=links,
        sectors=sectors, members=members,
    )


def _sector(e: Enterprise, ctx: Ctx) -> str:
    return ctx.sectors[e.pk][0]


def _in(e: Enterprise, code: str) -> bool:
    return e.region_id.startswith(code)


def _chem(ctx: Ctx) -> Enterprise:
    return Membership.objects.get(user=ctx.users["ent_principal"], kind="enterprise").enterprise


COUNTY_SHORT = {"411002": "魏", "411003": "建", "411024": "鄢", "411025": "襄", "411081": "禹", "411082": "长",
                "411091": "示范", "411092": "经开", "411093": "东城"}


def _case_no(department: Department, decided_on: datetime.date, n: int, word: str = "罚") -> str:
    """（许禹）应急罚〔2026〕14号: the city, the county (a township's is its county's), the department, the kind."""
    short = "许" + COUNTY_SHORT.get(department.region_id[:6], "")
    return f"（{short}）{KIND_WORDS.get(department.kind, '')}{word}〔{decided_on.year}〕{n}号"


# --- who self-inspects ------------------------------------------------------------------------------------------

def _pick_enterprise_duty_sets(ctx: Ctx) -> None:
    """Per county one diligent enterprise (every duty met, every month) and three with gaps, among those homed at
    the county itself (they head each county's block on the compliance board); the enterprise login's own
    enterprise is diligent."""
    chem = _chem(ctx)
    for code in ctx.counties:
        homed = [e for e in ctx.enterprises if e.region_id == code and e.pk in ctx.links and e.pk != chem.pk]
        chosen = ctx.rng.sample(homed, min(4, len(homed)))
        ctx.diligent += chosen[:1]
        ctx.partial += chosen[1:]
    ctx.diligent.append(chem)


# --- inspections ------------------------------------------------------------------------------------------------

def _findings(ctx: Ctx, n: int, enterprise: Enterprise) -> list[str]:
    if enterprise in ctx.diligent:
        return []
    if n < len(FLAGS):  # each of the seven at least once
        extra = [ctx.rng.choice(FLAGS)] if ctx.rng.random() < 0.4 else []
        return sorted({FLAGS[n], *extra}, key=FLAGS.index)
    if ctx.rng.random() < 0.45:
        return sorted(set(ctx.rng.sample(FLAGS, ctx.rng.choice((1, 1, 2)))), key=FLAGS.index)
    return []


def _note(kind: str, findings: list[str]) -> str:
    what = {"enforcement": "执法检查", "expert": "专家检查", "review": "回头看检查", "supervision": "督导检查"}[kind]
    checked = f"{what}：检查企业主要负责人履职及重大事故隐患自查自改情况"
    if findings:
        return f"{checked}，发现{'；'.join(FINDINGS[f] for f in findings)}。"
    return f"{checked}，未发现第一责任人履职方面的问题。"


def _sign_all(inspection: Inspection, users: list[User]) -> None:
    from apps.inspections.onsite import sign_as_inspector

    for user in users:
        sign_as_inspector(actor=user, inspection=inspection)


def _spot_checks(ctx: Ctx) -> list[Inspection]:
    """Department spot-checks: one on the day each of 26 department-found hazards was found (the hazard linked),
    the 市应急管理局's, 市住建局's and 市市场监管局's own, and 回头看 of closed hazards."""
    from apps.inspections.services import inspection_create

    made: list[Inspection] = []
    seen: set[int] = set()
    n = 0

    def create(enterprise, department, kind, on, actor, inspectors, hazards=(), reviewed=(), sign=True):
        nonlocal n
        findings = _findings(ctx, n, enterprise) if kind != InspectionKind.REVIEW else []
        inspection = inspection_create(actor=actor, data={
            "enterprise": enterprise, "kind": kind, "department": department, "mode": MODES[n % len(MODES)],
            "inspected_on": on, "findings": findings, "inspectors": inspectors, "hazards": list(hazards),
            "reviewed_hazards": list(reviewed), "note": _note(kind, findings),
        })
        n += 1
        seen.add(enterprise.pk)
        if sign and inspectors:
            _sign_all(inspection, inspectors)
        made.append(inspection)
        return inspection

    found = (Hazard.objects.filter(source=Source.DEPARTMENT, enterprise__state="operating",
                                   found_by_department__isnull=False)
             .select_related("enterprise", "found_by_department").order_by("id"))
    for h in found:
        if len(made) >= 26:
            break
        if h.enterprise_id in seen:
            continue
        department = h.found_by_department
        kind = InspectionKind.EXPERT if len(made) % 6 == 5 else InspectionKind.ENFORCEMENT
        create(h.enterprise, department, kind, h.found_on, ctx.actor_for(department), ctx.inspectors_for(department),
               hazards=[h])

    # the city departments' own spot-checks, dated well inside the last filed period
    last_as_of = _last_period(ctx)[0] if _last_period(ctx) else ctx.today
    for name, sectors, count in (("许昌市应急管理局", ("chemicals", "industry_trade"), 6),
                                 ("许昌市住房和城乡建设局", ("construction.housing", "gas"), 3),
                                 ("许昌市市场监督管理局", ("special_equipment",), 2)):
        department = ctx.city_departments[name]
        pool = [e for e in ctx.enterprises if _sector(e, ctx) in sectors and e.pk not in seen
                and e not in ctx.diligent]
        for e in ctx.rng.sample(pool, count):
            kind = InspectionKind.EXPERT if name == "许昌市应急管理局" and e.high_risk and ctx.rng.random() < 0.3 \
                else InspectionKind.ENFORCEMENT
            on = ctx.between(ctx.start + datetime.timedelta(days=20), last_as_of - datetime.timedelta(days=25))
            create(e, department, kind, on, ctx.actor_for(department), ctx.inspectors_for(department))

    # 回头看: closed hazards checked again by the department responsible for them
    closed = (Hazard.objects.filter(status=Status.CLOSED, enterprise__state="operating",
                                    closed_on__lte=ctx.day(7)).select_related("enterprise", "department")
              .order_by("id"))
    for h in list(closed)[:4]:
        create(h.enterprise, h.department, InspectionKind.REVIEW, ctx.after(h.closed_on, 5, 20),
               ctx.actor_for(h.department), ctx.inspectors_for(h.department), reviewed=[h])
    return made


def _group_inspections(ctx: Ctx) -> None:
    """督导检查 by the 综合检查组 in the districts they are assigned to (附件2), within the assignment."""
    from apps.inspections.services import inspection_create

    taken = set(Inspection.objects.values_list("enterprise_id", flat=True))
    for number, name, member, count in ((1, "第一组", "group1_expert", 3), (2, "第二组", "group2_member1", 2)):
        group = ctx.groups[name]
        assignment = GroupAssignment.objects.filter(group=group).first()
        leader, other = ctx.users[f"group{number}_leader"], ctx.users[member]
        pool = [e for e in ctx.enterprises if _in(e, assignment.region_id) and e.pk not in taken
                and e not in ctx.diligent]
        for i, e in enumerate(ctx.rng.sample(pool, count)):
            findings = [FLAGS[(number + i) % 7]] + ([FLAGS[(number + i + 3) % 7]] if i == 0 else [])
            inspection = inspection_create(actor=leader, data={
                "enterprise": e, "kind": InspectionKind.SUPERVISION, "group": group,
                "mode": "unannounced" if i % 2 == 0 else "covert",
                "inspected_on": ctx.between(assignment.start, ctx.day(3)), "findings": findings,
                "inspectors": [leader, other], "note": _note("supervision", findings),
            })
            _sign_all(inspection, [leader, other])


def _assistance(ctx: Ctx) -> None:
    """帮扶指导 of key enterprises by the county departments."""
    from apps.inspections.services import inspection_create

    pool = [e for e in ctx.enterprises if e.region_id[6:] and e.pk in ctx.links]  # township enterprises
    for e in ctx.rng.sample(pool, 6):
        department = next((d for d in ctx.links[e.pk] if d.region.level == 3), ctx.links[e.pk][0])
        inspectors = ctx.inspectors_for(department)
        inspection = inspection_create(actor=ctx.actor_for(department), data={
            "enterprise": e, "kind": InspectionKind.ASSISTANCE, "department": department,
            "inspected_on": ctx.between(ctx.start + datetime.timedelta(days=10), ctx.day(5)),
            "inspectors": inspectors,
            "note": "帮扶指导企业对照判定标准开展自查自改，建立重大事故隐患台账，明确主要负责人带队检查频次。",
        })
        if inspectors:
            _sign_all(inspection, inspectors)


def _onsite(ctx: Ctx) -> None:
    """Two inspections on site with a shipped checklist, answered item by item and signed: the 魏都区应急管理局
    on an industry enterprise (工贸 判定标准, one 否 → a major hazard in the ledger), the 市住建局 with the
    监督站 on a gas company (福州 燃气 list, all 是)."""
    from apps.inspections.onsite import answer_item
    from apps.inspections.services import inspection_create

    def checklist(code):
        return Checklist.objects.filter(code=code, active=True).order_by("-version").first()

    weidu_yjj = ctx.users["weidu_yjj"]
    department = ctx.county_departments[("411002", "emergency")]
    chem = _chem(ctx)
    taken = set(Inspection.objects.values_list("enterprise_id", flat=True))
    factory = next(e for e in ctx.enterprises if _in(e, "411002") and _sector(e, ctx) == "industry_trade"
                   and department in ctx.links.get(e.pk, []) and e.pk not in taken and e.pk != chem.pk)
    gongmao = checklist("national-gongmao-2023-general")
    on = ctx.day(4)
    inspection = inspection_create(actor=weidu_yjj, data={
        "enterprise": factory, "kind": InspectionKind.ENFORCEMENT, "department": department, "mode": "unannounced",
        "inspected_on": on, "checklist": gongmao, "project": "生产车间、机修车间", "inspectors": [weidu_yjj],
        "findings": ["uncertified_special_work"], "note": "按《工贸企业重大事故隐患判定标准》逐项检查。",
    })
    items = {item.number: item for item in gongmao.items.all()}
    answer_item(actor=weidu_yjj, inspection=inspection, item=items[1], answer=Answer.YES,
                note="已与承包单位签订安全生产管理协议，纳入统一管理")
    answer_item(actor=weidu_yjj, inspection=inspection, item=items[2], answer=Answer.NO,
                description="机修车间2名电焊作业人员未取得特种作业操作证上岗作业",
                requirement="立即停止无证人员作业，组织培训取证后方可上岗",
                deadline=ctx.today + datetime.timedelta(days=26))
    answer_item(actor=weidu_yjj, inspection=inspection, item=items[3], answer=Answer.NOT_APPLICABLE,
                note="非金属冶炼企业")
    _sign_all(inspection, [weidu_yjj])

    xc_zjj, xc_azz = ctx.users["xc_zjj"], ctx.users["xc_azz"]
    gas_list = checklist("fuzhou-2023-gas")
    gas = next(e for e in ctx.enterprises if _sector(e, ctx) == "gas" and e.pk not in taken)
    inspection = inspection_create(actor=xc_zjj, data={
        "enterprise": gas, "kind": InspectionKind.ENFORCEMENT,
        "department": ctx.city_departments["许昌市住房和城乡建设局"],
        "mode": "joint", "inspected_on": ctx.day(9), "checklist": gas_list, "project": "液化气储配站",
        "inspectors": [xc_zjj, xc_azz], "note": "与市建设工程安全监督站联合检查。",
    })
    for item in gas_list.items.all():
        answer_item(actor=xc_zjj, inspection=inspection, item=item, answer=Answer.YES)
    _sign_all(inspection, [xc_zjj, xc_azz])


def _self_duties(ctx: Ctx) -> None:
    """企业自查 led by the principal, month by month (高危 twice a month), and the enterprise duties (警示教育,
    动火作业排查, 外包外租排查, 职责清单, 安全管理机构, 演练): the diligent enterprises every month and every duty,
    the others with months and duties missing, so the compliance board shows both ✓ and ✗."""
    from apps.inspections.services import inspection_create
    from apps.work.services import activity_create

    chem = _chem(ctx)
    months, running = periods_ended("month", ctx.start, ctx.today)
    halves, _ = periods_ended("half_year", ctx.start, ctx.today)
    start = ctx.start

    def inspect(e, on, hazards=()):
        actor = ctx.users["ent_principal"] if e.pk == chem.pk else ctx.admin
        inspection_create(actor=actor, data={
            "enterprise": e, "kind": InspectionKind.SELF, "led_by_principal": True, "inspected_on": on,
            "hazards": list(hazards),
            "note": f"主要负责人{e.principal_name}带队检查{ctx.rng.choice(PLACES)}、{ctx.rng.choice(PLACES)}",
        })

    def duty(e, kind, on, **extra):
        actor = ctx.users["ent_safety"] if e.pk == chem.pk else ctx.admin
        activity_create(actor=actor, data={"kind": kind, "enterprise": e, "occurred_on": on,
                                           "note": extra.pop("note", DUTY_NOTES.get(kind, "")), **extra})

    def duty_day(kind) -> datetime.date:
        low, high = {K.DUTY_LIST: (0, 12), K.SAFETY_BODY: (0, 12), K.WARNING_EDUCATION: (3, 20),
                     K.OUTSOURCING_REVIEW: (5, 21), K.HOT_WORK_REVIEW: (10, 60)}[kind]
        return ctx.after(start, low, high)

    def drills(e):
        windows = halves or [(start, ctx.today)]
        for a, b in windows:
            duty(e, K.DRILL, ctx.between(a, b), people=ctx.rng.randint(25, 160),
                 note=f"组织开展{ctx.rng.choice(DRILLS)}")

    self_hazards: dict[int, list[Hazard]] = {}
    for h in Hazard.objects.filter(source=Source.SELF, found_on__gte=start).order_by("id"):
        self_hazards.setdefault(h.enterprise_id, []).append(h)

    for e in ctx.diligent:
        for a, b in months:
            times = 2 if e.high_risk else 1
            for on in sorted({ctx.between(a, b) for _ in range(times)} | ({b} if times == 2 else set()))[:times]:
                inspect(e, on)
        if running is not None and ctx.today > running[0]:
            inspect(e, ctx.between(running[0], ctx.today))
        for kind in ENTERPRISE_DUTIES:
            duty(e, kind, duty_day(kind))
        drills(e)
        for h in self_hazards.get(e.pk, [])[:1]:
            inspect(e, h.found_on, hazards=[h])
    for e in ctx.partial:
        skipped = set(ctx.rng.sample(range(len(months)), min(len(months) - 1, ctx.rng.randint(1, 3)))) \
            if len(months) > 1 else set()
        for i, (a, b) in enumerate(months):
            if i not in skipped:
                inspect(e, ctx.between(a, b))
        for kind in ctx.rng.sample(ENTERPRISE_DUTIES, ctx.rng.randint(1, 3)):
            duty(e, kind, duty_day(kind))
        if ctx.rng.random() < 0.5:
            drills(e)
        for h in self_hazards.get(e.pk, [])[:1]:
            inspect(e, h.found_on, hazards=[h])


# --- enforcement and accountability -----------------------------------------------------------------------------

def _enforcement(ctx: Ctx, spot: list[Inspection]) -> None:
    """Penalties with case numbers and amounts, one 一案双罚 case and one judicial referral for 危险作业罪 by the
    市应急管理局 (both published as typical cases by its leader), a stop-rectify order, summons and an exposure."""
    from apps.inspections.services import action_create, action_update

    numbers: dict[int, int] = {}

    def case_no(department, on, word="罚"):
        numbers[department.pk] = numbers.get(department.pk, 10 + ctx.rng.randint(0, 20)) + ctx.rng.randint(1, 4)
        return _case_no(department, on, numbers[department.pk], word)

    def act(inspection, kind, on=None, **data):
        department = inspection.department
        on = on or ctx.after(inspection.inspected_on, 6, 25)
        if kind in (ActionKind.PENALTY, ActionKind.JUDICIAL_REFERRAL) and "case_no" not in data:
            data["case_no"] = case_no(department, on, "移" if kind == ActionKind.JUDICIAL_REFERRAL else "罚")
        return action_create(actor=data.pop("actor", ctx.actor_for(department)), data={
            "enterprise": inspection.enterprise, "department": department, "kind": kind, "decided_on": on,
            "inspection": inspection, **data})

    def first_hazard(inspection):
        return next((h for h in inspection.hazards.all() if h.source != Source.SELF), None)

    city_emergency = ctx.city_departments["许昌市应急管理局"]
    county = [i for i in spot if i.department.region.level >= 3 and i.kind != InspectionKind.REVIEW and i.findings]
    city = [i for i in spot if i.department_id == city_emergency.pk]
    amounts = iter(PENALTY_AMOUNTS)
    for inspection in county[:6]:
        act(inspection, ActionKind.PENALTY, amount=Decimal(next(amounts)), hazard=first_hazard(inspection),
            note="依据《安全生产法》第一百零二条，对未采取措施消除事故隐患的行为予以处罚")
    # 一案双罚: the enterprise and its principal in one case
    dual = city[0]
    on = ctx.after(dual.inspected_on, 8, 15)
    number = case_no(city_emergency, on)
    penalty = act(dual, ActionKind.PENALTY, on=on, case_no=number, amount=Decimal("8"),
                  note="重大事故隐患未按规定排查治理，对企业处以罚款")
    act(dual, ActionKind.PENALTY, on=on, case_no=number, amount=Decimal("1.6"), against_principal=True,
        note="主要负责人未履行安全生产管理职责，对其处上一年年收入百分之四十的罚款")
    # 移送司法机关, 危险作业罪
    referral_from = city[1]
    referral = act(referral_from, ActionKind.JUDICIAL_REFERRAL, on=ctx.after(referral_from.inspected_on, 5, 12),
                   persons=2, dangerous_operation_crime=True,
                   note="企业在重大事故隐患被责令停产停业后拒不执行，擅自组织生产，涉嫌危险作业罪，移送公安机关")
    leader = ctx.users["xc_yjj_leader"]
    for action in (penalty, referral):
        action_update(actor=leader, action=action, data={
            "published": True, "published_on": ctx.after(action.decided_on, 3, 10)})
    # 责令停产整顿 where a major hazard was found
    majors = [i for i in spot if i.department.region.level >= 3 and any(h.level == "major" for h in i.hazards.all())]
    for inspection in majors[:2]:
        act(inspection, ActionKind.STOP_RECTIFY, hazard=first_hazard(inspection),
            note="责令停产整顿，重大事故隐患整改验收合格前不得恢复生产")
    # 约谈, 曝光
    others = [i for i in county[6:] + majors[2:] if i.kind != InspectionKind.REVIEW]
    for inspection in others[:2]:
        act(inspection, ActionKind.SUMMONS, note="约谈企业主要负责人，督促落实重大事故隐患整改")
    exposed = next((i for i in majors[2:] if first_hazard(i) is not None), None)
    if exposed is not None:
        act(exposed, ActionKind.EXPOSURE, hazard=first_hazard(exposed), note="在许昌日报“曝光台”栏目曝光")


def _accountability(ctx: Ctx) -> None:
    """责任倒查问责: one by the 魏都区安委办 (区委区政府), one by the 市纪委监委."""
    from apps.inspections.services import accountability_create

    weidu = ctx.counties["411002"]
    overdue = Hazard.objects.overdue(ctx.today).filter(region__code__under="411002").order_by("id").first()
    accountability_create(actor=ctx.users["weidu_office"], data={
        "region": weidu, "decided_on": ctx.day(12), "persons": 2, "hazard": overdue,
        "outcome": "对区应急管理局执法大队负责人诫勉谈话，对分管副局长通报批评",
        "note": "重大事故隐患逾期未整改，属地监管部门督促不力",
    })
    listed = Hazard.objects.listed().exclude(status=Status.CLOSED).order_by("id").first()
    accountability_create(actor=ctx.users["xc_jw"], data={
        "region": ctx.city, "decided_on": ctx.day(25), "persons": 3, "hazard": listed,
        "outcome": "给予党内警告处分1人、政务记过处分1人，诫勉谈话1人",
        "note": "挂牌督办重大事故隐患整改推进不力，责任倒查",
    })


def _close_a_listed_hazard(ctx: Ctx) -> None:
    """A government-listed hazard rectified and accepted (调度表 1.6)."""
    from apps.hazards import services as hz

    hazard = (Hazard.objects.listed().filter(status=Status.RECTIFYING).select_related("enterprise")
              .order_by("id").first())
    if hazard is None:
        return
    submitted = max(hazard.planned_on, ctx.day(16))
    hazard = hz.hazard_submit(actor=ctx.admin, hazard=hazard, submitted_on=submitted, note="整改完毕，提请验收")
    accepted = min(submitted + datetime.timedelta(days=4), ctx.today)
    sign_offs = [{"level": "acceptance_group", "name": "验收组", "signed_on": accepted},
                 {"level": "city_department", "name": "市主管部门", "signed_on": accepted}]
    if not hazard.enterprise.city_direct:
        sign_offs += [{"level": "county_department", "name": "县区主管部门", "signed_on": accepted},
                      {"level": "county_government", "name": "县区政府", "signed_on": accepted}]
    hz.hazard_accept(actor=ctx.admin, hazard=hazard, accepted_on=accepted, members=["王工", "赵工", "孙工"],
                     conclusion="整改措施落实到位，经验收合格，同意销号并解除挂牌督办", sign_offs=sign_offs)


# --- work records -----------------------------------------------------------------------------------------------

def _office_actor(ctx: Ctx, code: str) -> User:
    return {"411002": ctx.users["weidu_office"], "411003": ctx.users["jianan_multi"]}.get(code, ctx.users["xc_office"])


def _government_work(ctx: Ctx) -> None:
    """What the 党委政府 of the city and of each county did (调度表 section 4, 3.10)."""
    from apps.work.services import activity_create

    def gov(region, kind, on, note, **extra):
        activity_create(actor=_office_actor(ctx, region.code), data={
            "kind": kind, "region": region, "occurred_on": on, "note": note, **extra})

    start, city = ctx.start, ctx.city
    sectors = {code: Sector.objects.get(code=code) for code in ("chemicals", "gas", "fire", "non_coal_mine")}
    gov(city, K.PLAN_ISSUED, start, "印发《许昌市重大事故隐患专项排查整治行动实施方案》")
    gov(city, K.MECHANISM_ESTABLISHED, ctx.after(start, 1, 3), "成立专项行动领导小组，建立常态化督导检查机制")
    gov(city, K.MOBILISATION_MEETING, ctx.after(start, 1, 2), "召开全市专项行动动员部署电视电话会议")
    for n in range(2):
        gov(city, K.SPECIAL_STUDY, ctx.after(start, 5 + 60 * n, 40 + 60 * n),
            "市委常委会、市政府常务会议专题学习安全生产十五条硬措施")
        gov(city, K.SPECIAL_RESEARCH, ctx.after(start, 10 + 70 * n, 50 + 70 * n),
            "市长主持召开专题会议研究排查整治工作")
    for code in ("chemicals", "gas", "non_coal_mine"):
        gov(city, K.SITE_SUPERVISION, ctx.between(start + datetime.timedelta(days=15), ctx.day(5)),
            "分管副市长带队现场督导检查", sector=sectors[code])
    for n in range(2):
        gov(city, K.ASSESSMENT_INSPECTION, ctx.after(start, 40 + 60 * n, 80 + 60 * n),
            "市安委会组织对各县市区开展考核巡查")
    gov(city, K.MEDIA_COLUMN, ctx.after(start, 20, 60), "许昌日报开设“隐患排查整治进行时”专栏", media_level=2)
    gov(city, K.MEDIA_COLUMN, ctx.after(start, 60, 120), "许昌广播电视台《安全许昌》专题栏目", media_level=2)
    gov(city, K.MEDIA_COLUMN, ctx.after(start, 30, 100), "河南广播电视台报道许昌市专项行动经验做法", media_level=1)
    gov(city, K.SUMMONS_NOTICE, ctx.between(start + datetime.timedelta(days=60), ctx.day(10)),
        "约谈重大事故隐患整改进度滞后的襄城县政府分管负责同志及县应急管理局")

    for i, county in enumerate(ctx.counties.values()):
        gov(county, K.MOBILISATION_MEETING, ctx.after(start, 2, 7), f"召开{county.name}专项行动动员部署会议")
        for _ in range(ctx.rng.randint(1, 2)):
            gov(county, K.SPECIAL_STUDY, ctx.after(start, 5, 120), "党委（党工委）会议专题学习安全生产十五条硬措施")
        for _ in range(ctx.rng.randint(1, 2)):
            gov(county, K.SPECIAL_RESEARCH, ctx.after(start, 10, 140), "主要负责同志主持专题研究排查整治工作")
        for _ in range(ctx.rng.randint(1, 3)):
            gov(county, K.SITE_SUPERVISION, ctx.between(start + datetime.timedelta(days=10), ctx.day(3)),
                "政府负责同志现场督导检查重点企业", sector=sectors[ctx.rng.choice(list(sectors))])
        if i % 2 == 0:
            gov(county, K.ASSESSMENT_INSPECTION, ctx.after(start, 45, 150), "组织对乡镇（街道）开展考核巡查")
        if i % 3 != 2:
            gov(county, K.MEDIA_COLUMN, ctx.after(start, 15, 120), f"{county.name}融媒体中心开设安全生产专题栏目",
                media_level=3)
        people = ctx.rng.randint(6, 24)
        gov(county, K.INSPECTOR_HEADCOUNT, ctx.after(start, 5, 20), "配备专兼职技术检查员", people=people)
        if i % 3 == 0:
            gov(county, K.INSPECTOR_HEADCOUNT, ctx.after(start, 90, 130), "新增聘用兼职技术检查员",
                people=people + ctx.rng.randint(2, 5))


def _department_work(ctx: Ctx) -> None:
    """What the departments did: 到企业宣讲, 执法人员专题培训, their media columns, 帮扶指导地区."""
    from apps.work.services import activity_create

    def dept(department, kind, on, note, **extra):
        activity_create(actor=ctx.actor_for(department), data={
            "kind": kind, "department": department, "occurred_on": on, "note": note, **extra})

    start = ctx.start
    city = ctx.city_departments
    for name in ("许昌市应急管理局", "许昌市住房和城乡建设局", "许昌市交通运输局", "许昌市市场监督管理局",
                 "许昌市消防救援支队", "许昌市教育局", "许昌市卫生健康委员会"):
        for _ in range(2 if name == "许昌市应急管理局" else 1):
            dept(city[name], K.ENTERPRISE_BRIEFING, ctx.after(start, 10, 150), "负责同志到企业宣讲专项行动要求")
    for code in ctx.counties:
        dept(ctx.county_departments[(code, "emergency")], K.ENTERPRISE_BRIEFING, ctx.after(start, 10, 150),
             "局领导到重点企业宣讲重大事故隐患判定标准")
        dept(ctx.county_departments[(code, "emergency")], K.ENFORCEMENT_TRAINING, ctx.after(start, 20, 80),
             "举办安全监管执法人员专题培训班", people=ctx.rng.randint(25, 60))
    for name, people in (("许昌市应急管理局", 120), ("许昌市住房和城乡建设局", 85), ("许昌市交通运输局", 60)):
        dept(city[name], K.ENFORCEMENT_TRAINING, ctx.after(start, 15, 60), "全市行业监管执法人员专题培训",
             people=people)
    dept(city["许昌市应急管理局"], K.MEDIA_COLUMN, ctx.after(start, 30, 90), "许昌广播电视台《应急之声》专题节目",
         media_level=2)
    dept(city["许昌市应急管理局"], K.ASSISTANCE_REGION, ctx.after(start, 30, 100), "帮扶指导禹州市、长葛市",
         count=2)
    for code in ("411002", "411003", "411081"):
        dept(ctx.county_departments[(code, "emergency")], K.ASSISTANCE_REGION, ctx.after(start, 30, 140),
             "帮扶指导重点乡镇（街道）", count=ctx.rng.randint(2, 4))


# --- tips -------------------------------------------------------------------------------------------------------

def _tips(ctx: Ctx) -> None:
    """Eight tips, anonymous and named, in every status: 已受理, 已分办, 查实 (one brought into the ledger as a hazard
    with source 举报), 不属实, and two rewarded."""
    from apps.tips import services as tips

    admin, office = ctx.admin, ctx.users["xc_office"]
    weidu_office, weidu_yjj, jianan = ctx.users["weidu_office"], ctx.users["weidu_yjj"], ctx.users["jianan_multi"]
    counties = ctx.counties

    def pick(code, sector=None, department=None):
        pool = [e for e in ctx.enterprises if _in(e, code) and (sector is None or _sector(e, ctx) == sector)
                and (department is None or department in ctx.links.get(e.pk, []))]
        return ctx.rng.choice(pool)

    def named():
        return {"anonymous": False, "reporter_name": _person(ctx.rng), "reporter_phone": _phone(ctx.rng)}

    def submit(region, text, days, name="", place="", **who):
        return tips.submit_tip(actor=admin, region=region, description=text, enterprise_name=name, place=place,
                               received_on=ctx.day(days), **({"anonymous": True} | who))

    # 已受理: one from the public form today, one named a few days ago
    tips.submit_tip(region=counties["411025"], enterprise_name="襄城县某石料厂", place="麦岭镇北山",
                    description="石料厂夜间违规爆破作业，爆破器材随意堆放在工棚内。")
    submit(counties["411024"], "花木市场内多家商户在室内集中给电动自行车充电，消防通道被占用。", 2,
           place="鄢陵县花木交易市场", **named())
    # 已分办
    e = pick("411082", "industry_trade")
    tip = submit(counties["411082"], "车间粉尘很大，除尘器经常不开，工人没有防护。", 12, name=e.name)
    tips.tip_triage(actor=office, tip=tip, department=ctx.county_departments[("411082", "emergency")], enterprise=e,
                    triaged_on=ctx.day(11))
    e = pick("411002", "fire")
    tip = submit(counties["411002"], "商场安全出口上锁，疏散指示灯不亮。", 9, name=e.name, **named())
    tips.tip_triage(actor=weidu_office, tip=tip, department=ctx.county_departments[("411002", "fire")], enterprise=e,
                    triaged_on=ctx.day(8))
    # 查实, brought into the ledger
    department = ctx.county_departments[("411002", "emergency")]
    e = pick("411002", "industry_trade", department)
    tip = submit(counties["411002"], "厂里清理污水池不通风、不检测就让工人下去作业。", 30, name=e.name, **named())
    tip = tips.tip_triage(actor=weidu_office, tip=tip, department=department, enterprise=e, triaged_on=ctx.day(29))
    tips.tip_verify(actor=weidu_yjj, tip=tip, outcome="verified", verified_on=ctx.day(26),
                    reason="现场核查属实：污水池清淤作业未履行有限空间作业审批",
                    new_hazard={"title": "有限空间作业未履行审批、未执行先通风再检测后作业", "level": "major",
                                "location": "污水处理站",
                                "description": "污水池清淤作业未审批，未配备气体检测仪和通风设备。"})
    # 查实 and rewarded (anonymous), by the 市应急管理局
    chem = _chem(ctx)
    tip = submit(ctx.city, "化工厂储罐区可燃气体报警器长期关闭，晚上还在装卸。", 75, name=chem.name)
    tip = tips.tip_triage(actor=office, tip=tip, department=ctx.city_departments["许昌市应急管理局"], enterprise=chem,
                          triaged_on=ctx.day(74))
    tip = tips.tip_verify(actor=ctx.users["xc_yjj"], tip=tip, outcome="verified", verified_on=ctx.day(66),
                          reason="查实：报警器被人为关闭，已责令立即恢复并立案调查")
    tips.tip_reward(actor=ctx.users["xc_yjj"], tip=tip, amount=Decimal("0.3"), rewarded_on=ctx.day(45))
    # 查实 and rewarded (named), by the 禹州市住房和城乡建设局
    department = ctx.county_departments[("411081", "housing")]
    e = pick("411081", "gas")
    tip = submit(counties["411081"], "液化气站给过期钢瓶充装，还卖给周边饭店。", 55, name=e.name, **named())
    tip = tips.tip_triage(actor=office, tip=tip, department=department, enterprise=e, triaged_on=ctx.day(54))
    tip = tips.tip_verify(actor=admin, tip=tip, outcome="verified", verified_on=ctx.day(48),
                          reason="查实：现场查获超期未检钢瓶23只，已依法处理")
    tips.tip_reward(actor=admin, tip=tip, amount=Decimal("0.5"), rewarded_on=ctx.day(30))
    # 不属实
    department = ctx.county_departments[("411003", "emergency")]
    e = pick("411003", "industry_trade")
    tip = submit(counties["411003"], "工厂晚上偷偷生产，没有任何安全措施。", 40, name=e.name)
    tip = tips.tip_triage(actor=jianan, tip=tip, department=department, enterprise=e, triaged_on=ctx.day(39))
    tips.tip_verify(actor=jianan, tip=tip, outcome="unfounded", verified_on=ctx.day(35),
                    reason="经现场核查及调阅监控，企业夜间为设备检修，未组织生产，安全措施落实到位。")


# --- risks and problems (红河-style) ------------------------------------------------------------------------------

def _risks_and_problems(ctx: Ctx) -> None:
    from apps.work.services import problem_create, risk_create

    start, chem = ctx.start, _chem(ctx)
    sector = {code: Sector.objects.get(code=code) for code in
              ("chemicals", "gas", "non_coal_mine", "self_built_housing", "industry_trade")}
    identified = ctx.after(start, 10, 30)
    risk_create(actor=ctx.users["xc_yjj"], data={
        "enterprise": chem, "department": ctx.city_departments["许昌市应急管理局"], "sector": sector["chemicals"],
        "name": "储罐区可燃液体泄漏火灾爆炸风险", "identified_on": identified,
        "basic": "甲类储罐4座，总容积2000立方米，构成三级重大危险源",
        "control": "可燃气体检测报警、紧急切断、罐区视频监控接入市应急平台",
        "responsibility": "企业主要负责人为第一责任人，市应急管理局危化科包联",
        "emergency": "储罐泄漏专项应急预案，每半年演练一次",
        "lists_completed_on": ctx.after(identified, 10, 20),
    })
    gas = next(e for e in ctx.enterprises if _sector(e, ctx) == "gas" and _in(e, "411002"))
    risk_create(actor=ctx.admin, data={
        "enterprise": gas, "department": ctx.county_departments[("411002", "housing")], "sector": sector["gas"],
        "name": "老旧燃气管网腐蚀泄漏爆炸风险", "identified_on": ctx.after(start, 20, 50),
        "basic": "城区老旧庭院管网12.6公里", "control": "分批更新改造，加密巡检频次",
    })
    mine = next((e for e in ctx.enterprises if _sector(e, ctx) == "non_coal_mine" and _in(e, "411081")), None)
    if mine is not None:
        identified = ctx.after(start, 15, 40)
        risk_create(actor=ctx.admin, data={
            "enterprise": mine, "department": ctx.county_departments[("411081", "emergency")],
            "sector": sector["non_coal_mine"], "name": "露天采场边坡失稳坍塌风险", "identified_on": identified,
            "basic": "采场最终边坡高度86米", "control": "边坡在线监测，分台阶开采",
            "responsibility": "矿长、技术负责人分级负责", "emergency": "边坡坍塌专项应急预案",
            "lists_completed_on": ctx.after(identified, 15, 30),
        })
    identified = ctx.after(start, 20, 45)
    problem_create(actor=ctx.users["xc_zjj"], data={
        "region": ctx.city, "department": ctx.city_departments["许昌市住房和城乡建设局"],
        "sector": sector["self_built_housing"], "title": "经营性自建房违规改扩建底数不清", "identified_on": identified,
        "root_measure": "建立经营性自建房信息化台账，实行安全鉴定和用途变更联审",
        "root_measure_on": ctx.after(identified, 30, 60),
    })
    identified = ctx.after(start, 30, 60)
    problem_create(actor=ctx.admin, data={
        "region": ctx.counties["411082"], "department": ctx.county_departments[("411082", "emergency")],
        "sector": sector["industry_trade"], "title": "粉尘涉爆企业除尘系统改造滞后", "source": "assigned",
        "identified_on": identified, "root_measure": "推行湿式除尘改造，纳入技改补助",
        "root_measure_on": ctx.after(identified, 20, 40), "resolved_on": ctx.after(identified, 60, 90),
    })


# --- reports ----------------------------------------------------------------------------------------------------

def _last_period(ctx: Ctx):
    """The last period of 许昌 附件3 whose cut-off has passed: (as_of, due), or None."""
    from apps.campaigns.schedule import periods

    past = [p for p in periods(ctx.campaign, "xuchang-county") if p[0] < ctx.today]
    return past[-1] if past else None


def _at(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    """A past moment of the filing history (never later than now)."""
    return min(timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute))), timezone.now())


def _reports(ctx: Ctx) -> None:
    """The last full period: 附件3 of 禹州市 (received by the city office), 长葛市 and 鄢陵县 on time, 建安区 late,
    魏都区 a draft with a correction, the others missing; 附件4 of the 市应急管理局 on time."""
    from apps.reports import services as reports

    period = _last_period(ctx)
    if period is None:
        return
    as_of, due = period
    admin, campaign = ctx.admin, ctx.campaign
    one_day = datetime.timedelta(days=1)

    def names():
        return {"preparer": _person(ctx.rng), "reviewer": _person(ctx.rng), "principal": _person(ctx.rng)}

    def file(code, day, hour, minute):
        report = reports.report_draft(actor=admin, template="xuchang-county", campaign=campaign, as_of=as_of,
                                      region=ctx.counties[code])
        return reports.report_submit(actor=admin, report=report, at=_at(day, hour, minute), **names())

    yuzhou = file("411081", due - one_day, 16, 20)
    reports.report_receive(actor=admin, report=yuzhou, at=_at(due + one_day, 9, 30))
    file("411082", due, 15, 10)
    file("411024", due, 10, 40)
    file("411003", due + 3 * one_day, 10, 5)  # late
    draft = reports.report_draft(actor=ctx.users["weidu_office"], template="xuchang-county", campaign=campaign,
                                 as_of=as_of, region=ctx.counties["411002"])
    reports.report_update(actor=ctx.users["weidu_office"], report=draft, data={
        "overrides": {"4.7": {"value": (draft.cells.get("4.7") or 0) + 3,
                              "reason": "区应急管理局新聘兼职技术检查员3人，聘用手续办结后录入平台"}},
        "preparer": _person(ctx.rng),
    })
    department = ctx.city_departments["许昌市应急管理局"]
    report = reports.report_draft(actor=ctx.users["xc_yjj"], template="xuchang-department", campaign=campaign,
                                  as_of=as_of, department=department)
    reports.report_submit(actor=admin, report=report, at=_at(due, 11, 30), **names())
