"""The demo world: 河南省 > 许昌市 as the 许昌 plan (seed 000) describes it.

Regions: the six counties and districts with their real division codes (4110xx) and the three zones of 附件2
(城乡一体化示范区, 经济技术开发区, 东城区), which have no official code: they get unused numbers inside 4110
(411091–411093), marked `official_code=False`. Townships are a few real names per county; their 9-digit
codes are numbered here (not verified against the official list) and marked `official_code=False` too.
Departments: the 市安委会 member units of 附件1 with the sectors they supervise, a few subordinate units, and
the usual county and township regulators. Groups: the nine 综合检查组 of 附件2, each led by the department the
plan names and assigned to the district it names. Enterprises: a few hundred across the seed sectors, with
valid credit codes. People: one demo user for every role, all with the same password. A ledger of hazards in
every state; then (records.py) the inspections, enforcement actions, accountability, work records, tips, filed
reports and the day's alerts of the campaign so far.
"""

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Membership, User
from apps.audit.services import record_bulk
from apps.core.uscc import make_uscc
from apps.enterprises.models import Contractor, Enterprise, EnterpriseDepartment, EnterpriseSector
from apps.regions.models import Department, GroupAssignment, InspectionGroup, Region, RegionKind, SafetyOffice

DEMO_PASSWORD = "Yinhuan@2026"
CITY = "4110"

# code, name, kind, official, townships
COUNTIES = [
    ("411002", "魏都区", RegionKind.ADMINISTRATIVE, True, ["西大街道", "东大街道", "南关街道", "北大街道"]),
    ("411003", "建安区", RegionKind.ADMINISTRATIVE, True, ["桂村乡", "尚集镇", "苏桥镇", "灵井镇"]),
    ("411024", "鄢陵县", RegionKind.ADMINISTRATIVE, True, ["安陵镇", "马栏镇", "柏梁镇"]),
    ("411025", "襄城县", RegionKind.ADMINISTRATIVE, True, ["城关镇", "颍桥回族镇", "麦岭镇"]),
    ("411081", "禹州市", RegionKind.ADMINISTRATIVE, True, ["钧台街道", "夏都街道", "神垕镇"]),
    ("411082", "长葛市", RegionKind.ADMINISTRATIVE, True, ["建设路街道", "长兴路街道", "后河镇"]),
    ("411091", "城乡一体化示范区", RegionKind.ZONE, False, ["祖师街道", "尚德街道"]),
    ("411092", "经济技术开发区", RegionKind.ZONE, False, ["长村张街道", "魏武路街道"]),
    ("411093", "东城区", RegionKind.ZONE, False, ["邓庄街道", "东城街道"]),
]

# 市安委会 member units (许昌 附件1) and the sectors each supervises.
CITY_DEPARTMENTS = [
    ("许昌市应急管理局", "emergency", ["coal", "non_coal_mine", "chemicals", "industry_trade", "explosives"]),
    ("许昌市住房和城乡建设局", "housing", ["construction.housing", "gas", "self_built_housing"]),
    (
        "许昌市交通运输局",
        "transport",
        ["transport.road", "transport.road_facilities", "transport.water", "construction.highway"],
    ),
    ("许昌市市场监督管理局", "market", ["special_equipment"]),
    ("许昌市消防救援支队", "fire", ["fire"]),
    ("许昌市教育局", "education", ["school"]),
    ("许昌市卫生健康委员会", "health", ["health"]),
    ("许昌市文化广电和旅游局", "culture_tourism", ["culture_tourism"]),
    ("许昌市工业和信息化局", "industry", ["power", "old_installations"]),
    ("许昌市商务局", "commerce", ["commerce_logistics"]),
    ("许昌市农业农村局", "agriculture", ["fishing_vessels", "slaughter_biogas"]),
    ("许昌市水利局", "water", ["water_conservancy", "construction.water", "hydropower"]),
    ("许昌市城市管理局", "urban", []),
    ("许昌市公安局", "public_security", []),
    ("许昌市民政局", "civil_affairs", ["elderly_care"]),
    ("许昌市民族宗教事务局", "ethnic_religious", []),
    ("中共许昌市委宣传部", "propaganda", []),
    ("许昌市纪委监委", "discipline", []),
]
CITY_UNITS = [
    ("许昌市建设工程安全监督站", "housing", ["construction.housing"], "许昌市住房和城乡建设局"),
    ("许昌市道路运输服务中心", "transport", ["transport.road"], "许昌市交通运输局"),
    ("许昌市文化市场综合行政执法支队", "culture_tourism", ["culture_tourism"], "许昌市文化广电和旅游局"),
]
COUNTY_DEPARTMENTS = [
    ("应急管理局", "emergency", ["non_coal_mine", "chemicals", "industry_trade", "explosives"]),
    ("住房和城乡建设局", "housing", ["construction.housing", "gas", "self_built_housing"]),
    ("交通运输局", "transport", ["transport.road", "transport.road_facilities"]),
    ("市场监督管理局", "market", ["special_equipment"]),
    ("消防救援大队", "fire", ["fire"]),
    ("教育局", "education", ["school"]),
    ("卫生健康委员会", "health", ["health"]),
]
TOWNSHIP_SECTORS = ["industry_trade", "self_built_housing", "fire"]

# 许昌 附件2: the nine groups, the department that leads each and the district it spot-checks.
GROUPS = [
    ("第一组", "许昌市应急管理局", "411081"),
    ("第二组", "许昌市市场监督管理局", "411082"),
    ("第三组", "许昌市文化广电和旅游局", "411024"),
    ("第四组", "许昌市公安局", "411025"),
    ("第五组", "许昌市卫生健康委员会", "411002"),
    ("第六组", "许昌市交通运输局", "411003"),
    ("第七组", "许昌市教育局", "411091"),
    ("第八组", "许昌市工业和信息化局", "411092"),
    ("第九组", "许昌市住房和城乡建设局", "411093"),
]

# sector → (name endings, the kind of county department that supervises it, flags)
ENTERPRISE_KINDS = [
    ("chemicals", ["化工有限公司", "精细化工有限公司", "危险化学品储运有限公司"], "emergency", {"high_risk": True}),
    (
        "industry_trade",
        ["发制品有限公司", "机械制造有限公司", "铝业有限公司", "钧瓷有限公司", "食品有限公司"],
        "emergency",
        {"labour_intensive": True},
    ),
    ("non_coal_mine", ["石料厂", "建材矿业有限公司"], "emergency", {"high_risk": True}),
    ("construction.housing", ["建筑工程有限公司", "建设集团有限公司"], "housing", {}),
    ("gas", ["燃气有限公司", "液化气站"], "housing", {"high_risk": True}),
    ("self_built_housing", ["商住楼（经营性自建房）"], "housing", {"crowded_place": True}),
    ("transport.road", ["运输有限公司", "客运有限公司"], "transport", {}),
    ("special_equipment", ["电梯维保有限公司", "锅炉有限公司"], "market", {}),
    ("fire", ["商贸城", "大酒店", "购物中心"], "fire", {"crowded_place": True}),
    ("school", ["实验中学", "第一小学"], "education", {"crowded_place": True}),
    ("health", ["人民医院", "中医院"], "health", {"crowded_place": True}),
    ("commerce_logistics", ["物流有限公司", "仓储有限公司"], None, {}),
    ("elderly_care", ["养老服务中心"], None, {"crowded_place": True}),
    ("culture_tourism", ["旅游景区", "文化演艺有限公司"], None, {"crowded_place": True}),
]
NAME_WORDS = [
    "瑞丰",
    "恒信",
    "德润",
    "华宇",
    "金泰",
    "宏达",
    "永安",
    "鑫源",
    "三昌",
    "佳和",
    "中原",
    "汇通",
    "新兴",
    "隆盛",
    "安泰",
    "福瑞",
    "天成",
    "长青",
    "博远",
    "嘉禾",
    "众诚",
    "顺发",
    "明德",
    "兴业",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国志刚海燕俊峰"

ENTERPRISES_PER_COUNTY = 32


# The logins `make run` prints, with the role each demonstrates.
ROLE_LABELS = {
    "admin": "系统管理员",
    "xc_leader": "党委政府领导（市安委会）",
    "xc_office": "市安委办（调度）",
    "weidu_office": "县区安委办",
    "xc_yjj": "市应急管理局执法人员",
    "xc_yjj_leader": "市应急管理局负责人",
    "xc_zjj": "市住建局执法人员",
    "xc_azz": "市建设工程安全监督站（下属单位）",
    "weidu_yjj": "县区应急管理局执法人员",
    "guicun_yjb": "乡镇应急办",
    "group1_leader": "综合检查组组长",
    "group1_expert": "综合检查组专家",
    "ent_principal": "企业主要负责人",
    "ent_safety": "企业安全管理人员",
    "xc_jw": "纪委监委",
    "jianan_multi": "多重身份（县安委办 + 县应急局）",
}


@dataclass
class DemoLogin:
    username: str
    role: str
    acts_for: str


def demo_logins() -> list[DemoLogin]:
    users = User.objects.filter(username__in=ROLE_LABELS).prefetch_related(
        "memberships__enterprise", "memberships__department", "memberships__group", "memberships__region"
    )
    by_name = {u.username: u for u in users}
    logins = [
        DemoLogin(name, label, "、".join(str(m) for m in by_name[name].memberships.all()) or "全部")
        for name, label in ROLE_LABELS.items()
        if name in by_name
    ]
    logins.append(DemoLogin("groupN_leader", "第二至第九组组长、成员", "groupN_leader、groupN_member1、groupN_member2"))
    return logins


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("3578") + "".join(rng.choice("0123456789") for _ in range(9))


def demo_exists() -> bool:
    return Region.objects.filter(code=CITY).exists()


@transaction.atomic
def load_demo(actor=None, seed: int = 2023) -> None:
    rng = random.Random(seed)
    today = timezone.localdate()
    province = Region.objects.create(code="41", name="河南省", level=1)
    city = Region.objects.create(code=CITY, name="许昌市", level=2, parent=province)
    counties: dict[str, Region] = {}
    townships: dict[str, list[Region]] = {}
    for code, name, kind, official, towns in COUNTIES:
        county = Region.objects.create(code=code, name=name, level=3, parent=city, kind=kind, official_code=official)
        counties[code] = county
        townships[code] = [
            Region.objects.create(code=f"{code}{i:03d}", name=town, level=4, parent=county, official_code=False)
            for i, town in enumerate(towns, start=1)
        ]
    for region in [city, *counties.values()]:
        SafetyOffice.for_region(region)

    def department(name, kind, region, sectors, parent=None):
        d = Department.objects.create(name=name, kind=kind, region=region, parent=parent)
        d.sectors.set(sectors)
        return d

    city_departments = {name: department(name, kind, city, sectors) for name, kind, sectors in CITY_DEPARTMENTS}
    for name, kind, sectors, parent in CITY_UNITS:
        city_departments[name] = department(name, kind, city, sectors, parent=city_departments[parent])
    county_departments: dict[tuple[str, str], Department] = {}
    for code, county in counties.items():
        for suffix, kind, sectors in COUNTY_DEPARTMENTS:
            county_departments[(code, kind)] = department(f"{county.name}{suffix}", kind, county, sectors)
    township_offices: dict[str, Department] = {}
    for towns in townships.values():
        for town in towns:
            township_offices[town.code] = department(f"{town.name}应急办", "township_office", town, TOWNSHIP_SECTORS)
    guicun = next(t for t in townships["411003"] if t.name == "桂村乡")
    department("桂村乡综合行政执法大队", "township_office", guicun, ["self_built_housing", "fire"])

    groups = {}
    for name, lead, region_code in GROUPS:
        group = InspectionGroup.objects.create(
            name=name, lead_department=city_departments[lead], note=f"{lead}负责抽查{counties[region_code].name}"
        )
        GroupAssignment.objects.create(
            group=group,
            region=counties[region_code],
            start=today - datetime.timedelta(days=60),
            end=today + datetime.timedelta(days=120),
        )
        groups[name] = group

    enterprises = _enterprises(rng, counties, townships, county_departments, township_offices, city_departments)
    _users(
        rng,
        city,
        counties,
        townships,
        city_departments,
        county_departments,
        township_offices,
        groups,
        enterprises,
        actor,
    )
    _campaign_and_hazards(rng, city, enterprises, city_departments, today)
    # inspections, enforcement, work records, tips, reports and the day's alerts (records.py)
    from apps.demo.records import load_records

    load_records(seed=seed, today=today, city=city, counties=counties, city_departments=city_departments,
                 county_departments=county_departments, groups=groups)


def _enterprises(rng, counties, townships, county_departments, township_offices, city_departments):
    rows: list[tuple[Enterprise, list[str], list[Department]]] = []
    number = 0
    by_kind_city = {d.kind: d for d in city_departments.values() if d.parent_id is None}
    for code, county in counties.items():
        for _ in range(ENTERPRISES_PER_COUNTY):
            number += 1
            sector, endings, dept_kind, flags = ENTERPRISE_KINDS[number % len(ENTERPRISE_KINDS)]
            in_township = rng.random() < 0.4
            region = rng.choice(townships[code]) if in_township else county
            name = f"许昌{rng.choice(NAME_WORDS)}{rng.choice(NAME_WORDS)}{rng.choice(endings)}"
            city_direct = sector in ("chemicals", "transport.road") and rng.random() < 0.2
            departments = []
            if city_direct:
                departments.append(by_kind_city[dept_kind])
            elif dept_kind and (code, dept_kind) in county_departments:
                departments.append(county_departments[(code, dept_kind)])
            if in_township and sector in TOWNSHIP_SECTORS:
                departments.append(township_offices[region.code])
            sectors = [sector] + (["fire"] if flags.get("crowded_place") and sector != "fire" else [])
            state = "operating" if rng.random() > 0.06 else rng.choice(["suspended", "closed"])
            rows.append(
                (
                    Enterprise(
                        name=name,
                        uscc=make_uscc(number * 7919 % 999_999_999, region.code),
                        region=region,
                        address=f"{county.name}{rng.choice(NAME_WORDS)}路{rng.randint(1, 399)}号",
                        legal_representative=_person(rng),
                        principal_name=_person(rng),
                        principal_phone=_phone(rng),
                        state_owned=rng.random() < 0.1,
                        above_scale=rng.random() < 0.35,
                        key_supervision=flags.get("high_risk", False) or rng.random() < 0.1,
                        city_direct=city_direct,
                        state=state,
                        **{k: v for k, v in flags.items()},
                    ),
                    sectors,
                    departments,
                )
            )
    # 九小场所 and small workshops that the township 应急办 supervises itself
    for towns in townships.values():
        for town in towns:
            for ending, sector, flags in (
                ("五金加工厂", "industry_trade", {}),
                ("农家饭店", "fire", {"crowded_place": True}),
            ):
                number += 1
                rows.append(
                    (
                        Enterprise(
                            name=f"{town.name}{rng.choice(NAME_WORDS)}{ending}",
                            uscc=make_uscc(number * 7919, town.code),
                            region=town,
                            address=f"{town.full_name}{rng.choice(NAME_WORDS)}村",
                            principal_name=_person(rng),
                            legal_representative=_person(rng),
                            principal_phone=_phone(rng),
                            **flags,
                        ),
                        [sector],
                        [township_offices[town.code]],
                    )
                )
    # names must be unique enough to read: add a counter on collisions
    seen: dict[str, int] = {}
    for e, _, _ in rows:
        seen[e.name] = seen.get(e.name, 0) + 1
        if seen[e.name] > 1:
            e.name = e.name.replace("许昌", f"许昌{seen[e.name]}", 1)
    created = Enterprise.objects.bulk_create([e for e, _, _ in rows], batch_size=500)
    if created and created[0].pk is None:  # backends that do not return ids
        by_uscc = dict(Enterprise.objects.values_list("uscc", "pk"))
        for e in created:
            e.pk = by_uscc[e.uscc]
    EnterpriseSector.objects.bulk_create(
        EnterpriseSector(enterprise=e, sector_id=s, order=i) for e, sectors, _ in rows for i, s in enumerate(sectors)
    )
    EnterpriseDepartment.objects.bulk_create(
        EnterpriseDepartment(enterprise=e, department=d) for e, _, departments in rows for d in departments
    )
    for e, _, _ in rows[::9]:
        Contractor.objects.create(
            enterprise=e,
            name=f"许昌{rng.choice(NAME_WORDS)}劳务有限公司",
            kind="outsource",
            scope=rng.choice(["厂房维修", "设备安装", "保洁及绿化", "仓库外租"]),
            safety_agreement=rng.random() < 0.7,
            qualified=rng.random() < 0.8,
            unified_management=rng.random() < 0.6,
        )
    return [e for e, _, _ in rows]


def _users(
    rng, city, counties, townships, city_departments, county_departments, township_offices, groups, enterprises, actor
) -> None:
    password = make_password(DEMO_PASSWORD)  # hashed once: argon2 for every user would take seconds

    def user(username, name, *memberships, superuser=False):
        u = User.objects.create(
            username=username,
            name=name,
            password=password,
            phone=_phone(rng),
            is_superuser=superuser,
            is_staff=superuser,
        )
        for kind, target, role in memberships:
            field = {"safety_office": "region", "discipline": "region"}.get(kind, kind)
            Membership.objects.create(user=u, kind=kind, role=role, **{field: target})
        return u

    weidu, jianan = counties["411002"], counties["411003"]
    guicun = next(t for t in townships["411003"] if t.name == "桂村乡")
    chem = next(e for e in enterprises if "化工" in e.name and e.region_id.startswith("411002"))
    user("admin", "系统管理员", superuser=True)
    user("xc_leader", _person(rng), ("safety_office", city, "leader"))
    user("xc_office", _person(rng), ("safety_office", city, "member"))
    user("weidu_office", _person(rng), ("safety_office", weidu, "member"))
    user("xc_yjj", _person(rng), ("department", city_departments["许昌市应急管理局"], "member"))
    user(
        "xc_yjj_leader",
        _person(rng),
        ("department", city_departments["许昌市应急管理局"], "leader"),
    )
    user("xc_zjj", _person(rng), ("department", city_departments["许昌市住房和城乡建设局"], "member"))
    user(
        "xc_azz",
        _person(rng),
        ("department", city_departments["许昌市建设工程安全监督站"], "member"),
    )
    user(
        "weidu_yjj",
        _person(rng),
        ("department", county_departments[("411002", "emergency")], "member"),
    )
    user("guicun_yjb", _person(rng), ("department", township_offices[guicun.code], "member"))
    user("group1_leader", _person(rng), ("group", groups["第一组"], "leader"))
    user("group1_expert", _person(rng), ("group", groups["第一组"], "member"))
    # the other eight groups: a leader and two members each (附件2), not printed one by one
    for n, group in enumerate(list(groups.values())[1:], start=2):
        for suffix, role in (("leader", "leader"), ("member1", "member"), ("member2", "member")):
            u = User.objects.create(
                username=f"group{n}_{suffix}", name=_person(rng), password=password, phone=_phone(rng)
            )
            Membership.objects.create(user=u, kind="group", group=group, role=role)
    user("ent_principal", chem.principal_name, ("enterprise", chem, "leader"))
    user("ent_safety", _person(rng), ("enterprise", chem, "member"))
    user("xc_jw", _person(rng), ("discipline", city, "member"))
    user(
        "jianan_multi",
        _person(rng),
        ("safety_office", jianan, "member"),
        ("department", county_departments[("411003", "emergency")], "member"),
    )
    ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
    record_bulk(actor, Enterprise, ids, [{"demo": "许昌", "enterprises": len(ids)}])


HAZARD_TITLES = {
    "chemicals": ["储罐区可燃气体报警器失效", "装卸区未设置静电接地", "重大危险源未实施在线监测"],
    "industry_trade": ["粉尘涉爆车间除尘系统未按规定设置", "有限空间作业未审批", "冲压设备安全防护装置缺失"],
    "non_coal_mine": ["露天采场边坡超高超陡", "爆破器材库安全距离不足"],
    "construction.housing": ["深基坑支护未按方案施工", "高大模板支撑体系未验收即使用"],
    "gas": ["燃气管道被占压", "液化气钢瓶超期未检"],
    "self_built_housing": ["经营性自建房擅自加层", "承重墙体开裂未处置"],
    "transport.road": ["危险货物运输车辆动态监控失效", "驾驶员超时驾驶未纠正"],
    "special_equipment": ["电梯限速器超期未校验", "锅炉安全阀失效"],
    "fire": ["疏散通道堵塞", "消防控制室无人值守", "电动自行车室内充电"],
    "school": ["宿舍楼安全出口锁闭"],
    "health": ["病房楼防火分隔不符合要求"],
    "industry_trade.metallurgy": ["熔融金属吊运设备不符合要求"],
}


def _campaign_and_hazards(rng, city, enterprises, city_departments, today) -> None:
    """The demo campaign (the 许昌 sign-off chain, dated around today so that the demo is alive) and a ledger:
    general hazards fixed on the spot, major ones planned, awaiting acceptance, accepted with the sign-offs,
    a few listed by the city government, a few overdue."""
    from apps.campaigns import services as campaigns
    from apps.hazards import services as hz

    admin = User.objects.get(username="admin")
    # the 许昌 plan (preset xuchang-2023: phases, duties, schedule, sign-offs, deadlines) moved by whole months to
    # start on the 9th (the plan's day) five to six months ago, so that its month ends stay month ends
    start = (today - datetime.timedelta(days=180)).replace(day=9)
    if start < today - datetime.timedelta(days=180):
        start = (start + datetime.timedelta(days=31)).replace(day=9)
    campaigns.campaign_create(actor=admin, data={
        "slug": "xuchang-demo",
        "preset": "xuchang-2023",
        "name": "许昌市重大事故隐患专项排查整治行动（演示）",
        "region": city,
        "document_no": "许安〔2023〕演示",
        "start": start,
    })
    day = lambda n: today - datetime.timedelta(days=n)  # noqa: E731
    candidates = [e for e in enterprises if e.department_links.exists()]
    rng.shuffle(candidates)
    listed = 0
    for n, e in enumerate(candidates[:140]):
        sector = e.ordered_sector_codes()[0]
        title = rng.choice(HAZARD_TITLES.get(sector, ["安全管理制度不落实", "应急预案未演练"]))
        department = e.department_links.first().department
        major = n % 3 == 0
        source = "self" if n % 2 == 0 else "department"
        found = day(rng.randint(20, 140))
        h = hz.hazard_report(
            actor=admin,
            data={
                "enterprise": e,
                "title": title,
                "level": "major" if major else "general",
                "source": source,
                "department": department,
                "found_by_department": None if source == "self" else department,
                "found_on": found,
                "location": rng.choice(["生产车间", "仓库", "办公楼", "厂区道路", "储罐区"]),
                "description": f"{title}，现场检查发现。",
                "found_by": e.principal_name if source == "self" else "",
            },
        )
        if not major:
            if n % 4 != 1:
                hz.hazard_fix_on_spot(actor=admin, hazard=h, fixed_on=found, note="现场立即整改完毕")
            continue
        stage = n % 5
        deadline = found + datetime.timedelta(days=rng.choice([30, 45, 60, 90]))
        planned = found + datetime.timedelta(days=2)
        h = hz.hazard_plan(
            actor=admin,
            hazard=h,
            plan={
                "owner": f"{e.principal_name}（主要负责人）",
                "measures": f"针对“{title}”制定整改措施并组织实施",
                "funds": rng.choice(["2.5", "8", "15.6", "30"]),
                "deadline": deadline,
                "contingency": "落实专人监护，制定专项应急处置方案",
                "interim_controls": "设置警戒区域，停止相关作业",
                "planned_on": planned,
                "goal": "消除隐患，达到相关标准要求",
            },
        )
        if listed < 6 and stage in (1, 2):
            listed += 1
            hz.hazard_list(
                actor=admin,
                hazard=h,
                authority_region=city,
                authority_department=None,
                document_no=f"许安办〔{today.year}〕{10 + listed}号",
                listed_on=planned,
                deadline=deadline,
            )
        if stage >= 3:
            h = hz.hazard_submit(actor=admin, hazard=h, submitted_on=min(deadline, day(5)))
        if stage == 4:
            signed = min(deadline, day(3))
            sign_offs = [
                {"level": "acceptance_group", "name": "验收组", "signed_on": signed},
                {"level": "city_department", "name": "市主管部门", "signed_on": signed},
            ]
            if not e.city_direct:
                sign_offs += [
                    {"level": "county_department", "name": "县区主管部门", "signed_on": signed},
                    {"level": "county_government", "name": "县区政府", "signed_on": signed},
                ]
            hz.hazard_accept(
                actor=admin,
                hazard=h,
                accepted_on=signed,
                members=["张工", "李工"],
                conclusion="整改到位，同意销号",
                sign_offs=sign_offs,
            )
