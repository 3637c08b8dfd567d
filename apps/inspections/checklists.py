"""The checklists that ship with the platform (DESIGN.md "Checklist"), and the writes of a department's own list.

Shipped lists, as data (`SHIPPED`), loaded by `load_checklists()`:

- the three lists of 福州 (榕建质安〔2023〕73号, ../shared/seeds/004, lines 136–200), as they stand: 附件1 燃气 (3
  items) and 附件3 有限空间作业 (7 items) print a 重大隐患描述 column, so a "否" there is a major hazard; 附件2 建筑施工
  prints items 32–44 only (the seed holds no items 1–31; their numbers are kept as printed) with a 是否重大隐患
  column the inspector fills: its items that quote the national standard word for word (32–37: 第十条至第十三条 of
  建质规〔2022〕2号) default to major, the 消防安全 items (38–44) to general;
- national major-hazard criteria (判定标准), every item major, each with the article it comes from:
  《工贸企业重大事故隐患判定标准》（应急管理部令第10号）第三条, and
  《房屋市政工程生产安全重大事故隐患判定标准（2022版）》（建质规〔2022〕2号）第四条至第十三条.
  Left out on purpose: the 工贸 standard's 行业类 and 专项类 articles (第四条至第十三条) and the 房屋市政 catch-all
  articles (第十四条、第十五条), whose wording the team could not check against a source.

A list is versioned: a new version is a new row with the same `code`; the old one stays (inspections keep the
version they were answered on) and is marked no longer current. `load_checklists()` is idempotent: a list whose
current version already says what `SHIPPED` says is left alone; one that differs gets a new version. Migration
0003 loads a frozen copy of this data; when `SHIPPED` changes, add a data migration with the new copy (the test
suite fails until the migrated database agrees with this module).

A department writes its own list for a campaign (the plans ask each to 聚焦提炼 its focus items):
`checklist_create` and `checklist_revise` (a new version), by members of that department or of a department
above it.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.audit.models import Action
from apps.audit.services import record, snapshot
from apps.core.errors import NotAllowed
from apps.hazards.services import acting_memberships, is_admin
from apps.regions.models import Department
from apps.regions.scope import DEPARTMENT, scope_for

from .models import Checklist, ChecklistItem, ChecklistLayout

FOCUS, DETAILED = ChecklistLayout.FOCUS.value, ChecklistLayout.DETAILED.value

FUZHOU = "榕建质安〔2023〕73号《福州市建设系统重大事故隐患专项排查整治2023行动实施方案》"
GONGMAO = "《工贸企业重大事故隐患判定标准》（应急管理部令第10号，自2023年5月15日起施行）"
FANGWU = "《房屋市政工程生产安全重大事故隐患判定标准（2022版）》（建质规〔2022〕2号）"


@dataclass(frozen=True)
class Item:
    number: int
    category: str
    focus: str
    content: str = ""
    major: bool = True
    basis: str = ""

    def row(self) -> tuple:
        return (self.number, self.category, self.focus, self.content, self.major, self.basis)


@dataclass(frozen=True)
class Shipped:
    code: str
    name: str
    sector: str
    layout: str
    source: str
    items: tuple[Item, ...]
    issued_on: datetime.date | None = None


def _fangwu(article: str, category: str, texts: list[str]) -> list[tuple[str, str, str]]:
    if len(texts) == 1:
        return [(category, texts[0], f"{FANGWU}{article}")]
    numerals = "一二三四五六七八九十"
    return [(category, text, f"{FANGWU}{article}第（{numerals[i]}）项") for i, text in enumerate(texts)]


_FANGWU_ITEMS = [
    *_fangwu("第四条", "施工安全管理", [
        "建筑施工企业未取得安全生产许可证擅自从事建筑施工活动。",
        "施工单位的主要负责人、项目负责人、专职安全生产管理人员未取得安全生产考核合格证书从事相关工作。",
        "建筑施工特种作业人员未取得特种作业人员操作资格证书上岗作业。",
        "危险性较大的分部分项工程未编制、未审核专项施工方案，或未按规定组织专家对“超过一定规模的危险性较大的"
        "分部分项工程范围”的专项施工方案进行论证。",
    ]),
    *_fangwu("第五条", "基坑工程", [
        "对因基坑工程施工可能造成损害的毗邻重要建筑物、构筑物和地下管线等，未采取专项防护措施。",
        "基坑土方超挖且未采取有效措施。",
        "深基坑施工未进行第三方监测。",
        "有下列基坑坍塌风险预兆之一，且未及时处理：1.支护结构或周边建筑物变形值超过设计变形控制值；"
        "2.基坑侧壁出现大量漏水、流土；3.基坑底部出现管涌；4.桩间土流失孔洞深度超过桩径。",
    ]),
    *_fangwu("第六条", "模板工程", [
        "模板工程的地基基础承载力和变形不满足设计要求。",
        "模板支架承受的施工荷载超过设计值。",
        "模板支架拆除及滑模、爬模爬升时，混凝土强度未达到设计或规范要求。",
    ]),
    *_fangwu("第七条", "脚手架工程", [
        "脚手架工程的地基基础承载力和变形不满足设计要求。",
        "未设置连墙件或连墙件整层缺失。",
        "附着式升降脚手架未经验收合格即投入使用。",
        "附着式升降脚手架的防倾覆、防坠落或同步升降控制装置不符合设计要求、失效、被人为拆除破坏。",
        "附着式升降脚手架使用过程中架体悬臂高度大于架体高度的2/5或大于6米。",
    ]),
    *_fangwu("第八条", "起重机械及吊装工程", [
        "塔式起重机、施工升降机、物料提升机等起重机械设备未经验收合格即投入使用，或未按规定办理使用登记。",
        "塔式起重机独立起升高度、附着间距和最高附着以上的最大悬高及垂直度不符合规范要求。",
        "施工升降机附着间距和最高附着以上的最大悬高及垂直度不符合规范要求。",
        "起重机械安装、拆卸、顶升加节以及附着前未对结构件、顶升机构和附着装置以及高强度螺栓、销轴、定位板等连接件"
        "及安全装置进行检查。",
        "建筑起重机械的安全装置不齐全、失效或者被违规拆除、破坏。",
        "施工升降机防坠安全器超过定期检验有效期，标准节连接螺栓缺失或失效。",
        "建筑起重机械的地基基础承载力和变形不满足设计要求。",
    ]),
    *_fangwu("第九条", "高处作业", [
        "钢结构、网架安装用支撑结构地基基础承载力和变形不满足设计要求，钢结构、网架安装用支撑结构未按设计要求设置"
        "防倾覆装置。",
        "单榀钢桁架（屋架）安装时未采取防失稳措施。",
        "悬挑式操作平台的搁置点、拉结点、支撑点未设置在稳定的主体结构上，且未做可靠连接。",
    ]),
    *_fangwu("第十条", "施工临时用电", [
        "特殊作业环境（隧道、人防工程，高温、有导电灰尘、比较潮湿等作业环境）照明未按规定使用安全电压。",
    ]),
    *_fangwu("第十一条", "有限空间作业", [
        "有限空间作业未履行“作业审批制度”，未对施工人员进行专项安全教育培训，未执行“先通风、再检测、后作业”原则。",
        "有限空间作业时现场未有专人负责监护工作。",
    ]),
    *_fangwu("第十二条", "拆除工程", [
        "拆除施工作业顺序不符合规范和施工方案要求。",
    ]),
    *_fangwu("第十三条", "暗挖工程", [
        "作业面带水施工未采取相关措施，或地下水控制措施失效且继续施工。",
        "施工时出现涌水、涌沙、局部坍塌，支护结构扭曲变形或出现裂缝，且有不断增大趋势，未及时采取措施。",
    ]),
]

SHIPPED: tuple[Shipped, ...] = (
    Shipped(
        code="fuzhou-2023-gas", name="燃气重点检查事项清单", sector="gas", layout=FOCUS,
        source=f"{FUZHOU}附件1",
        items=(
            Item(1, "城镇燃气", "重点排查整治企业运维和人员配备不符、安全投入不足、安全检测和管网监测设备不足或失效、"
                 "重大危险源管理缺失、管线检查维护不到位、隐患排查治理不闭环、从业人员无证作业、安全操作规定不健全、"
                 "入户安检和安全宣传教育培训制度不落实、应急预案和演练流于形式等风险隐患。"),
            Item(2, "城镇燃气", "重点排查整治燃气管道被违规占压、穿越密闭空间，用气场所不通风，气瓶间违规设置在地下室"
                 "和半地下室室内、擅自将气瓶放置于室内用餐场所，使用不合格的气瓶、灶具、连接软管和减压阀，私接“三通”，"
                 "不安装燃气泄漏报警器或安装位置不正确、适用气种不符或功能过期失效，消防器材配备不到位等风险隐患。"),
            Item(3, "城镇燃气", "重点排查整治易导致重特大事故的老旧管道、高中压管道被占压圈围、燃气场站设施安全间距"
                 "不符合要求等突出问题隐患。"),
        ),
    ),
    Shipped(
        code="fuzhou-2023-construction", name="建筑施工重点检查事项清单", sector="construction.housing",
        layout=DETAILED, source=f"{FUZHOU}附件2（所据文本印有第32至44项）",
        items=(
            Item(32, "建筑施工", "有限空间作业", "有限空间作业未履行“作业审批制度”，未对施工人员进行专项安全教育培训，"
                 "未执行“先通风、再检测、后作业”原则", True, f"{FANGWU}第十一条第（一）项"),
            Item(33, "建筑施工", "有限空间作业", "有限空间作业时现场未有专人负责监护工作", True,
                 f"{FANGWU}第十一条第（二）项"),
            Item(34, "建筑施工", "施工临时用电", "特殊作业环境（隧道、人防工程，高温、有导电灰尘、比较潮湿等作业环境）"
                 "照明未按规定使用安全电压", True, f"{FANGWU}第十条"),
            Item(35, "建筑施工", "拆除工程", "拆除施工作业顺序不符合规范和施工方案要求", True, f"{FANGWU}第十二条"),
            Item(36, "建筑施工", "暗挖工程", "作业面带水施工未采取相关措施，或地下水控制措施失效且继续施工", True,
                 f"{FANGWU}第十三条第（一）项"),
            Item(37, "建筑施工", "暗挖工程", "施工时出现涌水、涌沙、局部坍塌，支护结构扭曲变形或出现裂缝，且有不断增大"
                 "趋势，未及时采取措施", True, f"{FANGWU}第十三条第（二）项"),
            Item(38, "建筑施工", "消防安全", "消防安全责任制的未落实：未按规定建立消防安全责任制度和考核、奖惩制度",
                 False),
            Item(39, "建筑施工", "消防安全", "未按要求编制消防预案；是否按规定组织应急演练。", False),
            Item(40, "建筑施工", "消防安全", "汲取近期违规动火引发的重特大事故教训，未组织开展1次全员安全警示教育活动",
                 False),
            Item(41, "建筑施工", "消防安全", "未落实动火审批管理；电焊工未持证作业；电工未持证作业（建筑电工）", False),
            Item(42, "建筑施工", "消防安全", "严格落实消防安全措施检查和作业过程监督", False),
            Item(43, "建筑施工", "消防安全", "未对电气焊设备进行全面安全检查，存在带病作业，用淘汰或危及安全的"
                 "电气焊设备", False),
            Item(44, "建筑施工", "消防安全", "施工现场消防设施、设备未设置：未按规定设置符合要求的消防设施、配备符合"
                 "标准的消防设备；未按规定设置防火警示标识", False),
        ),
    ),
    Shipped(
        code="fuzhou-2023-confined-space", name="有限空间作业重点检查事项清单", sector="confined_space", layout=FOCUS,
        source=f"{FUZHOU}附件3",
        items=(
            Item(1, "有限空间作业", "生产经营单位是否对有限空间进行风险辨识评估,重点筛查可能存在的危险有害因素,确定"
                 "有限空间的数量、位置以及危险有害因素等基本情况,进行分类标识,在显著位置设立安全警示标志或安全告知牌,建立管理台账"
                 "并及时更新。对坑、沟、槽、池、井、管、罐、箱、炉、室、仓(斗)、塔(釜)等有限空间是否进行全面排查,是否存在"
                 "有遗漏、有盲区现象。"),
            Item(2, "有限空间作业", "有限空间作业合同是否在签订后5个工作日内或作业前送所在地县级主管部门备查情况(乡镇"
                 "生活污水处理设施及管网有限空间作业应同时报属地乡镇人民政府)。"),
            Item(3, "有限空间作业", "城镇燃气、城市生活垃圾处理设施、城镇(含乡镇)生活污水处理设施及管网、供排水、城市"
                 "公园绿化管养项目(包括已竣工尚在质保检修期内或委托施工单位管养的项目等)有限空间作业生产经营单位,是否建立作业"
                 "队伍和人员台账。"),
            Item(4, "有限空间作业", "生产经营单位是否建立从业人员培训制度,对从事有限空间作业的现场负责人、监护人员、"
                 "作业人员、应急救援人员是否进行专项安全培训,安全培训是否有专门记录并经参加培训的人员签字确认,培训内容是否覆盖"
                 "有限空间安全知识、作业操作规范和应急处置流程等。"),
            Item(5, "有限空间作业", "生产经营单位是否根据本单位有限空间作业的特点，制定应急预案，定期进行演练。"),
            Item(6, "有限空间作业", "生产经营单位是否根据作业场所特点，分门别类配备相应的通风、检测、防护、救援设备"
                 "用品；所有设备用品是否实行清单式管理，定期检查更新。"),
            Item(7, "有限空间作业", "生产经营单位是否建立有限空间作业审批制；实施有限空间作业前，生产经营单位是否对"
                 "作业环境进行评估分析，制定有限空间作业方案，并按规定填写《申请表》和《作业票》，并经企业内部审批后留档备查。有限"
                 "空间作业是否严格遵守“先通风、再检测、后作业”的原则，通风时间是否大于30分钟，检测完成与作业开始的间隔时间"
                 "是否不大于30分钟。"),
        ),
    ),
    Shipped(
        code="national-gongmao-2023-general", name="工贸企业重大事故隐患判定标准（第三条 通用情形）",
        sector="industry_trade", layout=FOCUS, source=f"{GONGMAO}第三条",
        items=(
            Item(1, "管理类", "未对承包单位、承租单位的安全生产工作统一协调、管理，或者未定期进行安全检查的。",
                 basis=f"{GONGMAO}第三条第（一）项"),
            Item(2, "管理类", "特种作业人员未按照规定经专门的安全作业培训并取得相应资格，上岗作业的。",
                 basis=f"{GONGMAO}第三条第（二）项"),
            Item(3, "管理类", "金属冶炼企业主要负责人、安全生产管理人员未按照规定经考核合格的。",
                 basis=f"{GONGMAO}第三条第（三）项"),
        ),
    ),
    Shipped(
        code="national-housing-2022", name="房屋市政工程生产安全重大事故隐患判定标准（2022版）",
        sector="construction.housing", layout=FOCUS, source=f"{FANGWU}第四条至第十三条",
        items=tuple(Item(n, category, text, basis=basis)
                    for n, (category, text, basis) in enumerate(_FANGWU_ITEMS, start=1)),
    ),
)

SHIPPED_CODES = tuple(s.code for s in SHIPPED)
REVISE_REFUSAL = "只有编制该清单的部门（或其上级部门）可以修订；平台内置清单不能修订，可以之为基础编制本部门清单。"


# --- loading ------------------------------------------------------------------------------------------------------

def _content(name: str, sector: str | None, layout: str, source: str, rows) -> tuple:
    return (name, sector or None, layout, source, tuple(tuple(r) for r in rows))


def _current_content(checklist: Checklist) -> tuple:
    rows = checklist.items.order_by("number").values_list("number", "category", "focus", "content", "major", "basis")
    return _content(checklist.name, checklist.sector_id, checklist.layout, checklist.source, rows)


def current(code: str) -> Checklist | None:
    return Checklist.objects.filter(code=code).order_by("-version").first()


@transaction.atomic
def load_checklists(shipped: tuple[Shipped, ...] = SHIPPED) -> list[Checklist]:
    """Bring the shipped lists into the database: the versions created (none when all are current)."""
    from apps.regions.models import Sector

    sectors = set(Sector.objects.filter(code__in=[s.sector for s in shipped]).values_list("code", flat=True))
    created = []
    for s in shipped:
        sector = s.sector if s.sector in sectors else None
        wanted = _content(s.name, sector, s.layout, s.source, [i.row() for i in s.items])
        latest = current(s.code)
        if latest is not None and _current_content(latest) == wanted:
            continue
        created.append(_new_version(s.code, latest, name=s.name, sector_id=sector, layout=s.layout, source=s.source,
                                    issued_on=s.issued_on, department=None, campaign=None,
                                    items=[i.row() for i in s.items]))
    return created


def _new_version(code: str, latest: Checklist | None, *, items, **fields) -> Checklist:
    if latest is not None:
        Checklist.objects.filter(code=code, active=True).update(active=False)
    checklist = Checklist.objects.create(code=code, version=(latest.version + 1) if latest else 1, active=True,
                                         **fields)
    ChecklistItem.objects.bulk_create(
        ChecklistItem(checklist=checklist, number=n, category=c, focus=f, content=t, major=m, basis=b)
        for n, c, f, t, m, b in items)
    return checklist


# --- a department's own list ----------------------------------------------------------------------------------------

def writable_departments(actor) -> list[Department]:
    """The departments the actor may write a list for: their departments and the units below (D*)."""
    ids = scope_for(actor).department_ids
    if is_admin(actor):
        return list(Department.objects.select_related("region").order_by("region_id", "name"))
    return list(Department.objects.filter(pk__in=ids).select_related("region").order_by("region_id", "name"))


def may_write_checklists(actor) -> bool:
    return is_admin(actor) or any(m.kind == DEPARTMENT for m in acting_memberships(actor))


def may_revise(actor, checklist: Checklist) -> bool:
    """The compiling department (with the departments above it); a shipped list only by an administrator."""
    if is_admin(actor):
        return True
    return checklist.department_id is not None and checklist.department_id in scope_for(actor).department_ids


def _clean_items(items: list[dict]) -> list[tuple]:
    rows = []
    for item in items:
        focus = (item.get("focus") or "").strip()
        if not focus:
            continue
        rows.append((len(rows) + 1, (item.get("category") or "").strip()[:100], focus,
                     (item.get("content") or "").strip(), bool(item.get("major")),
                     (item.get("basis") or "").strip()[:300]))
    if not rows:
        raise ValidationError({"items": ["清单至少要有一项检查事项。"]})
    return rows


def _checklist_problems(data: dict) -> dict:
    errors = {}
    if not (data.get("name") or "").strip():
        errors["name"] = ["请填写清单名称。"]
    if not (data.get("source") or "").strip():
        errors["source"] = ["请填写依据或出处（如本部门文件文号、所依据的判定标准）。"]
    if data.get("layout", FOCUS) not in ChecklistLayout.values:
        errors["layout"] = ["未知的版式。"]
    return errors


def _next_code(department: Department) -> str:
    prefix = f"dept-{department.pk}-"
    taken = {c for c in Checklist.objects.filter(code__startswith=prefix).values_list("code", flat=True)}
    n = 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


def _fields(data: dict) -> dict:
    sector = data.get("sector")
    return {"name": data["name"].strip()[:200], "source": data["source"].strip()[:300],
            "layout": data.get("layout") or FOCUS, "sector_id": getattr(sector, "pk", sector) or None,
            "campaign": data.get("campaign"), "issued_on": data.get("issued_on")}


@transaction.atomic
def checklist_create(*, actor, data: dict) -> Checklist:
    """编制清单: by a department member, for their department or a unit below it. `data`: department, name, source,
    and optionally sector, layout, campaign, issued_on; items: [{category, focus, content, major, basis}]."""
    if not may_write_checklists(actor):
        raise NotAllowed("只有部门人员可以编制检查清单。")
    department = data.get("department")
    errors = _checklist_problems(data)
    if department is None:
        errors["department"] = ["请指定编制部门。"]
    elif not is_admin(actor) and department.pk not in scope_for(actor).department_ids:
        errors["department"] = ["编制部门应为本人所在部门或其下属单位。"]
    if errors:
        raise ValidationError(errors)
    rows = _clean_items(data.get("items") or [])
    checklist = _new_version(_next_code(department), None, items=rows, department=department, **_fields(data))
    record(actor=actor, action=Action.CREATE, instance=checklist, after=checklist_snapshot(checklist))
    return checklist


@transaction.atomic
def checklist_revise(*, actor, checklist: Checklist, data: dict) -> Checklist:
    """修订: a new version of the list (same code, version + 1); the old version stays with the inspections
    answered on it and is no longer offered. Only the current version may be revised."""
    latest = Checklist.objects.select_for_update().filter(code=checklist.code).order_by("-version").first()
    if not may_revise(actor, latest):
        raise NotAllowed(REVISE_REFUSAL)
    if latest.pk != checklist.pk:
        raise ValidationError({"version": [f"该清单已有第{latest.version}版，请在最新版本上修订。"]})
    errors = _checklist_problems(data)
    if errors:
        raise ValidationError(errors)
    rows = _clean_items(data.get("items") or [])
    fields = _fields(data)
    wanted = _content(fields["name"], fields["sector_id"], fields["layout"], fields["source"], rows)
    if wanted == _current_content(latest) and fields["campaign"] == latest.campaign \
            and fields["issued_on"] == latest.issued_on:
        return latest
    before = checklist_snapshot(latest)
    revised = _new_version(latest.code, latest, items=rows, department=latest.department, **fields)
    record(actor=actor, action=Action.CREATE, instance=revised, before=before, after=checklist_snapshot(revised))
    return revised


def checklist_snapshot(checklist: Checklist) -> dict:
    return snapshot(checklist) | {"items": [snapshot(i) for i in checklist.items.order_by("number")]}
