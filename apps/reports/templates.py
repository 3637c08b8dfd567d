"""The official forms as declarations (API.md "Report templates", REPORTS.md §1–§8).

A template names its cells in the order the form prints them; each cell names a metric of the catalogue
(`metrics.py`, resolved by `compute.py`) and, where the form says so, a window other than W. To change what a
cell counts, change its metric here or the metric's rule in `metrics.py` — nothing else computes figures.
"""
from __future__ import annotations

from dataclasses import dataclass, field

REGION, DEPARTMENT = "region", "department"


@dataclass(frozen=True)
class Cell:
    key: str
    label: str
    unit: str
    metric: str
    options: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Section:
    number: int
    title: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Template:
    code: str
    name: str
    title: str
    scopes: tuple[str, ...]
    sections: tuple[Section, ...] = ()
    window: str = "W"
    line: bool = False  # 福州: department scope is the line H(D), not D*
    list_form: bool = False
    notes: tuple[str, ...] = ()
    filer_max_level: int | None = None  # the lowest region level that files it (许昌 附件3: 县市区)

    @property
    def cells(self) -> list[Cell]:
        return [cell for section in self.sections for cell in section.cells]


def C(key, label, unit, metric, **options) -> Cell:
    return Cell(key, label, unit, metric, options)


HAZARD_CELLS = (
    C("1.1", "企业自查发现的重大事故隐患", "个", "HZ.self"),
    C("1.2", "企业自查发现重大事故隐患中已完成整改的", "个", "HZ.self_closed"),
    C("1.3", "部门检查发现的重大事故隐患", "个", "HZ.dept"),
    C("1.4", "部门检查发现重大事故隐患中已完成整改的", "个", "HZ.dept_closed"),
    C("1.5", "政府挂牌督办的重大事故隐患", "个", "HZ.gov_listed"),
    C("1.6", "挂牌督办重大事故隐患中已完成整改的", "个", "HZ.gov_listed_closed"),
)

SPOT_CHECK_CELLS = (
    C("2.2", "企业主要负责人未按要求亲自研究排查整治工作", "家", "SC.no_principal_study"),
    C("2.3", "企业主要负责人未带队检查", "家", "SC.principal_not_leading"),
    C("2.4", "企业未制定分管负责人职责清单", "家", "SC.no_duty_list"),
    C("2.5", "企业未依法建立安全管理机构和配足安全管理人员", "家", "SC.no_safety_body"),
    C("2.6", "电焊等特种作业岗位人员无证上岗作业", "家", "SC.uncertified_special_work"),
    C("2.7", "外包外租安全管理混乱", "家", "SC.outsourcing_disorder"),
    C("2.8", "未按规定开展应急演练、员工不熟悉逃生出口", "家", "SC.no_drill"),
)


def enforcement_cells(region_word: str, cases_word: str = "公布典型执法案例",
                      accountability_word: str = "责任倒查追责问责") -> tuple[Cell, ...]:
    return (
        C("3.1", f"帮扶指导{region_word}", "个次", "AS.region"),
        C("3.2", "帮扶指导重点企业", "家次", "AS.ent"),
        C("3.3.count", "行政处罚", "次", "EN.penalty.count"),
        C("3.3.amount", "行政处罚", "万元", "EN.penalty.amount"),
        C("3.4", "企业和企业主要负责人“一案双罚”", "次", "EN.dual"),
        C("3.5", "移送司法机关", "人", "EN.referral_persons"),
        C("3.6", "责令停产整顿", "家", "EN.stop_ent"),
        C("3.7", "曝光、约谈、联合惩戒企业", "家", "EN.expose_ent"),
        C("3.8", cases_word, "个", "EN.cases_published"),
        C("3.8.of_which", "其中危险作业罪案例", "个", "EN.cases_published.of_which"),
        C("3.9", accountability_word, "人", "AC.persons"),
        C("3.10", "约谈通报有关地区及部门", "次", "AC.summons_notice"),
    )


def _with_label(cells, **labels) -> tuple[Cell, ...]:
    return tuple(Cell(c.key, labels.get(c.key.replace(".", "_"), c.label), c.unit, c.metric, c.options)
                 for c in cells)


XUCHANG_COUNTY = Template(
    code="xuchang-county", name="许昌 附件3",
    title="全市重大事故隐患专项排查整治2023行动进展情况统计表（县市区）",
    scopes=(REGION,), filer_max_level=3,
    sections=(
        Section(1, "重大事故隐患排查整治情况", HAZARD_CELLS),
        Section(2, "部门抽查检查情况", (C("2.1", "部门抽查检查的企业总数", "家", "SC.ent"),) + SPOT_CHECK_CELLS),
        Section(3, "执法处罚情况", _with_label(
            enforcement_cells("重点乡镇办", accountability_word="责任倒查追究问责"),
            **{"3_10": "约谈通报有关乡镇办及部门"})),
        Section(4, "工作开展情况", (
            C("4.1", "县市区党委政府分别组织专题学习安全生产十五条硬措施", "次", "LD.study", levels=3),
            C("4.2", "县市区党委政府主要负责同志分别专题研究", "次", "LD.research", levels=3),
            C("4.3", "县市区政府负责同志分别现场督导检查", "次", "LD.site", levels=3),
            C("4.4", "县市区安委会成员单位负责同志分别到企业宣讲", "次", "LD.briefing", levels=3),
            C("4.5", "举报奖励", "万元", "TP.reward"),
            C("4.5.of_which", "其中匿名举报查实奖励", "万元", "TP.reward.of_which"),
            C("4.6", "是否在各级主流媒体播放安全生产专题栏目", "是否", "LD.media", media=(1, 2, 3), levels=3,
              as_flag=True),
            C("4.7", "县级配备专兼职技术检查员数量", "人", "LD.inspectors", levels=3),
            C("4.8", "组织开展考核巡查督导检查", "次", "LD.assessment", levels=3),
        )),
    ),
    notes=("每月月底前上报本月的累计情况。",),
)

XUCHANG_DEPARTMENT = Template(
    code="xuchang-department", name="许昌 附件4",
    title="全市重大事故隐患专项排查整治2023行动进展情况统计表（市安委会成员单位）",
    scopes=(DEPARTMENT,),
    sections=(
        Section(1, "重大事故隐患排查整治情况", (
            C("1.1", "部门检查发现的重大事故隐患", "个", "HZ.dept"),
            C("1.2", "部门检查发现重大事故隐患中已完成整改的", "个", "HZ.dept_closed"),
        )),
        Section(2, "抽查检查情况", (C("2.1", "抽查检查的企业总数", "家", "SC.ent"),) + SPOT_CHECK_CELLS),
        Section(3, "执法处罚情况", _with_label(enforcement_cells("重点县市区"),
                                                 **{"3_10": "约谈通报有关县市区及部门"})),
        Section(4, "工作开展情况", (
            C("4.1", "举报奖励", "万元", "TP.reward"),
            C("4.1.of_which", "其中匿名举报查实奖励", "万元", "TP.reward.of_which"),
            C("4.2", "是否在本级主流媒体播放安全生产专题栏目", "是否", "LD.media_own", as_flag=True),
        )),
    ),
    notes=("每月月底前上报本月的累计情况。",
           "填报数据仅限本单位抽查检查情况，不能包含地方相关部门检查数据。"),
)

XUCHANG_LIST = Template(
    code="xuchang-list", name="许昌 附件5", title="重大事故隐患专项排查整改清单",
    scopes=(REGION, DEPARTMENT), list_form=True,
    notes=("上级检查发现的重大事故隐患未列入清单的，将予以通报。",),
)

HAICHENG = Template(
    code="haicheng", name="海城 调度表", title="海城市重大事故隐患专项排查整治2023行动调度表",
    scopes=(REGION, DEPARTMENT),
    sections=(
        Section(1, "重大事故隐患排查整治情况", HAZARD_CELLS),
        Section(2, "部门抽查检查情况", (C("2.1", "部门抽查检查的企业总数", "家", "SC.ent"),) + SPOT_CHECK_CELLS),
        Section(3, "执法处罚情况", _with_label(enforcement_cells("", cases_word="公布典型案例"),
                                                 **{"3_1": "帮扶指导"})),
        Section(4, "工作开展情况", (
            C("4.1", "党委政府分别组织专题学习安全生产十五条硬措施", "次", "LD.study", levels=4),
            C("4.2", "党委政府主要负责同志分别专题研究", "次", "LD.research", levels=4),
            C("4.3", "政府负责同志分别现场督导检查", "次", "LD.site", levels=4),
            C("4.4", "市安委会成员单位负责同志分别到企业", "次", "LD.briefing", levels=3),
            C("4.5", "举报奖励", "万元", "TP.reward"),
            C("4.5.of_which", "其中匿名举报查实奖励", "万元", "TP.reward.of_which"),
            C("4.6", "是否在市级、县级主流媒体播放安全生产专题栏目", "是否", "LD.media", media=(2, 3), levels=4,
              as_flag=True),
            C("4.7", "配备专兼职技术检查员数量", "人", "LD.inspectors", levels=4),
            C("4.8", "组织开展考核巡查督导检查", "次", "LD.assessment", levels=4),
        )),
    ),
    notes=("每月25日报截至本月24日前的累计情况。", "市直各部门填报市本级数据，各镇区填报本地区全口径数据。"),
)

HONGHE_DISPATCH = Template(
    code="honghe-dispatch", name="红河 附件1", title="红河州重大事故隐患专项排查整治2023行动调度表",
    scopes=(REGION, DEPARTMENT), window="M5", filer_max_level=3,
    sections=(
        Section(1, "重大事故隐患排查整治情况", HAZARD_CELLS),
        Section(2, "部门抽查检查情况", (C("2.1", "部门抽查检查的企业总数", "家", "SC.ent"),) + SPOT_CHECK_CELLS),
        Section(3, "执法处罚情况", enforcement_cells("重点市、县")),
        Section(4, "工作开展情况", (
            C("4.1", "州、市、县、区党委政府分别组织专题学习安全生产十五条硬措施我省69项举措", "次", "LD.study",
              levels=3),
            C("4.2", "州、市、县、区党委政府主要负责同志分别专题研究", "次", "LD.research", levels=3),
            C("4.3", "州、市、县、区政府负责同志分别现场督导检查", "次", "LD.site", levels=3),
            C("4.4", "省、州、市、县、区安委会成员单位负责同志分别到企业宣讲", "次", "LD.briefing", levels=3),
            C("4.5", "举报奖励", "万元", "TP.reward"),
            C("4.5.of_which", "其中匿名举报查实奖励", "万元", "TP.reward.of_which"),
            C("4.6", "是否在省级主流媒体播放安全生产专题栏目", "是否", "LD.media", media=(1,), levels=3,
              as_flag=True),
            C("4.7", "市县两级配备专兼职技术检查员数量", "人", "LD.inspectors", levels=3),
            C("4.8", "组织开展考核巡查督导检查", "次", "LD.assessment", levels=3),
        )),
    ),
    notes=("调度表自5月份开始报送，每月25日前报5月以来累计情况。",),
)

FUZHOU_DISPATCH = Template(
    code="fuzhou-dispatch", name="福州 附件4", title="建设工程领域重大事故隐患专项排查整治2023行动调度表",
    scopes=(DEPARTMENT, REGION), line=True,
    sections=(
        Section(1, "重大事故隐患排查整治情况", (
            C("1.1", "辖区部门接报的企业自查发现的重大事故隐患", "个", "HZ.self"),
            C("1.2", "辖区部门接报的企业自查发现重大事故隐患中已完成整改的", "个", "HZ.self_closed"),
            C("1.3", "辖区部门检查发现的重大事故隐患", "个", "HZ.dept"),
            C("1.4", "辖区部门检查发现重大事故隐患中已完成整改的", "个", "HZ.dept_closed"),
            C("1.5", "辖区部门挂牌督办的重大事故隐患", "个", "HZ.dept_listed"),
            C("1.6", "辖区部门挂牌督办重大事故隐患中已完成整改的", "个", "HZ.dept_listed_closed"),
        )),
        Section(2, "部门抽查检查情况", (C("2.1", "辖区部门抽查检查的企业总数", "家", "SC.ent"),) + SPOT_CHECK_CELLS),
        Section(3, "执法处罚情况", _with_label(enforcement_cells("重点县市区", cases_word="公布典型案例"),
                                                 **{"3_10": "约谈通报 有关地区及部门"})),
        Section(4, "工作开展情况", (
            C("4.1", "辖区分管（联系）的党政领导现场督导检查", "次", "FZ.leader_site"),
            C("4.2", "辖区部门负责同志到企业宣讲", "次", "LD.briefing"),
            C("4.3", "辖区组织开展安全生产监管执法人员专题培训", "人次", "LD.training"),
            C("4.4", "辖区自专项行动开展以来核发的特种作业人员证书", "份", "LD.certificates"),
            C("4.5", "辖区举报奖励", "万元", "TP.reward"),
            C("4.5.of_which", "其中匿名举报查实奖励", "万元", "TP.reward.of_which"),
            C("4.6", "辖区在主流媒体播放安全生产专题栏目", "次", "LD.media", media=(1, 2, 3)),
            C("4.7", "辖区牵头建立部门间信息共享、联合执法检查、联合信用监管等协同机制的制度成果数量", "个",
              "LD.mechanisms"),
            C("4.8", "辖区组织开展考核巡查督导检查", "次", "LD.assessment"),
        )),
    ),
    notes=("每月 1 日前上报截至上月末的累计情况。",),
)

TEMPLATES: dict[str, Template] = {t.code: t for t in (
    XUCHANG_COUNTY, XUCHANG_DEPARTMENT, XUCHANG_LIST, HAICHENG, HONGHE_DISPATCH, FUZHOU_DISPATCH,
)}


def register(template: Template) -> Template:
    TEMPLATES[template.code] = template
    return template
