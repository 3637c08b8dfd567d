"""The fixture world of the report acceptance tests (issue 7): every record is placed so that the right value of
every cell of the 许昌 附件3/4/5, 海城, 红河 附件1 and 福州 附件4 forms is known by construction (REPORTS.md §0–§8).
Built through the ORM only, deterministic: fixed dates, no `today()`.

Calendar (campaign 2023-05-15 … 2023-12-31, as_of 2023-06-30):
- W  = [05-15, 06-30]; M5 (红河 附件1) = [05-01, 06-30]. A record dated 05-01 … 05-14 counts in M5 only; one dated
  before 05-01 in neither; one dated 07-01 (as_of + 1) never.

Tree (codes): 河南省 41 > 许昌市 4110 > 魏都区 411002 (A) > 西大街道 411002001 (A1); 建安区 411003 (B) > 建安街道
411003001 (B1); 郑州市 4101 (another city: its records never count for 许昌).

Organs — city: 市应急局 C_EM, 市住建局 C_HS with its 市建设工程安全监督站 C_ST (`parent`); the inspection group 第一组
is led by C_HS. A: 区应急局 A_EM, 区住建局 A_HS with its 区建设工程质量安全站 A_ST (kind `other`, a unit of A_HS);
A1: 西大街道建设管理所 T_HS (kind housing, a same-kind department below A_HS), 西大街道应急办 T_OFF. B: B_EM, B_HS.

Record labels (H* hazards, I* inspections, E* enforcement actions, AC* accountability, T* tips) are the names the
test's comments use.
"""
from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

from apps.campaigns.models import Campaign
from apps.core.uscc import make_uscc
from apps.enterprises.models import Enterprise, EnterpriseDepartment, EnterpriseSector
from apps.hazards.models import Hazard, Level, Listing, RectificationPlan, Source, Status
from apps.inspections.models import Accountability, ActionKind, EnforcementAction, Inspection, InspectionKind
from apps.regions.models import Department, InspectionGroup, Region
from apps.tips.models import Tip, TipStatus
from apps.work.models import Activity
from apps.work.models import ActivityKind as K

START = datetime.date(2023, 5, 15)
END = datetime.date(2023, 12, 31)
AS_OF = datetime.date(2023, 6, 30)
AFTER = AS_OF + datetime.timedelta(days=1)  # 2023-07-01: never counts at AS_OF


def d(month: int, day: int) -> datetime.date:
    return datetime.date(2023, month, day)


# Builders -------------------------------------------------------------------------------------------------------
def _region(code, name, level, parent=None):
    return Region.objects.create(code=code, name=name, level=level, parent=parent)


def _department(name, kind, region, sectors=(), parent=None):
    dept = Department.objects.create(name=name, kind=kind, region=region, parent=parent)
    dept.sectors.set(sectors)
    return dept


def _enterprise(n, name, region, sectors, departments, principal):
    e = Enterprise.objects.create(name=name, uscc=make_uscc(700 + n, region.code), region=region,
                                  principal_name=principal)
    EnterpriseSector.objects.bulk_create(EnterpriseSector(enterprise=e, sector_id=s, order=i)
                                         for i, s in enumerate(sectors))
    EnterpriseDepartment.objects.bulk_create(EnterpriseDepartment(enterprise=e, department=x) for x in departments)
    return e


def _hazard(title, *, enterprise=None, region=None, source, found_on, found_by=None, department,
            level=Level.MAJOR, sector=None, status=None, closed_on=None, planned_on=None, deadline=None,
            interim="", listings=()):
    """A hazard with its plan (when `planned_on`) and listings `(authority_region, authority_department or None,
    document_no, listed_on)`. `region` is the enterprise's (API.md), given only when there is no enterprise."""
    if status is None:
        status = Status.CLOSED if closed_on else (Status.RECTIFYING if planned_on else Status.REPORTED)
    h = Hazard.objects.create(
        enterprise=enterprise, region=enterprise.region if enterprise else region, title=title, level=level,
        source=source, sector_id=sector or enterprise.ordered_sector_codes()[0], found_on=found_on,
        found_by_department=found_by, department=department, status=status, closed_on=closed_on,
        planned_on=planned_on, deadline=deadline,
    )
    if planned_on:
        RectificationPlan.objects.create(hazard=h, measures="整改措施", funds=Decimal("1"), owner="责任人",
                                         deadline=deadline, contingency="应急预案", interim_controls=interim,
                                         planned_on=planned_on)
    for authority_region, authority_department, document_no, listed_on in listings:
        Listing.objects.create(hazard=h, authority_region=authority_region,
                               authority_department=authority_department, document_no=document_no,
                               listed_on=listed_on, deadline=listed_on + datetime.timedelta(30))
    return h


def _inspection(department, kind, enterprise, on, *flags, group=None, led_by_principal=False):
    return Inspection.objects.create(department=department, kind=kind, enterprise=enterprise, inspected_on=on,
                                     group=group, led_by_principal=led_by_principal, **{f: True for f in flags})


def _action(department, kind, enterprise, on, *, case_no="", amount=None, principal=False, persons=0,
            hazard=None, published_on=None, crime=False):
    return EnforcementAction.objects.create(
        department=department, kind=kind, enterprise=enterprise, decided_on=on, case_no=case_no,
        amount=Decimal(amount) if amount is not None else None, against_principal=principal, persons=persons,
        hazard=hazard, published=published_on is not None, published_on=published_on,
        dangerous_operation_crime=crime,
    )


def _activity(kind, on, *, region=None, department=None, count=1, people=0, media_level=None, sector=None):
    """GOV of `region` when no department is given; a department's activity takes the department's region."""
    return Activity.objects.create(kind=kind, occurred_on=on, region=department.region if department else region,
                                   department=department, count=count, people=people, media_level=media_level,
                                   sector_id=sector)


_receipts = iter(range(1, 10_000))


def _tip(department, *, amount=None, rewarded_on=None, anonymous=True, enterprise=None):
    n = next(_receipts)
    region = enterprise.region if enterprise else department.region
    return Tip.objects.create(
        receipt=f"RPT{n:06d}", region=region, enterprise=enterprise, description="举报内容", anonymous=anonymous,
        received_on=d(5, 16), department=department, triaged_on=d(5, 17), status=TipStatus.VERIFIED,
        verified_on=d(5, 20), reward_amount=Decimal(amount) if amount is not None else None, rewarded_on=rewarded_on,
    )


# The world -----------------------------------------------------------------------------------------------------
def build_report_world() -> SimpleNamespace:
    w = SimpleNamespace()
    IK, AK, S = InspectionKind, ActionKind, Source

    # Regions
    w.province = _region("41", "河南省", 1)
    w.city = _region("4110", "许昌市", 2, w.province)
    w.a = _region("411002", "魏都区", 3, w.city)
    w.a1 = _region("411002001", "西大街道", 4, w.a)
    w.b = _region("411003", "建安区", 3, w.city)
    w.b1 = _region("411003001", "建安街道", 4, w.b)
    w.zc = _region("4101", "郑州市", 2, w.province)

    # Departments
    w.c_em = _department("许昌市应急管理局", "emergency", w.city, ["chemicals", "industry_trade"])
    w.c_hs = _department("许昌市住房和城乡建设局", "housing", w.city, ["construction", "gas"])
    w.c_st = _department("许昌市建设工程安全监督站", "housing", w.city, ["construction.housing"], parent=w.c_hs)
    w.a_em = _department("魏都区应急管理局", "emergency", w.a, ["chemicals", "industry_trade"])
    w.a_hs = _department("魏都区住房和城乡建设局", "housing", w.a, ["construction"])
    w.a_st = _department("魏都区建设工程质量安全站", "other", w.a, ["construction.housing"], parent=w.a_hs)
    w.t_hs = _department("西大街道建设管理所", "housing", w.a1, ["construction"])
    w.t_off = _department("西大街道应急办", "township_office", w.a1, ["industry_trade"])
    w.b_em = _department("建安区应急管理局", "emergency", w.b, ["chemicals", "industry_trade"])
    w.b_hs = _department("建安区住房和城乡建设局", "housing", w.b, ["construction"])
    w.z_em = _department("郑州市应急管理局", "emergency", w.zc, ["chemicals"])
    w.group = InspectionGroup.objects.create(name="第一综合检查组", lead_department=w.c_hs)

    # Enterprises
    w.ea1 = _enterprise(1, "魏都化工有限公司", w.a, ["chemicals"], [w.a_em, w.c_em], "王一")
    w.ea2 = _enterprise(2, "魏都建筑工程有限公司", w.a, ["construction.housing"], [w.a_hs, w.a_st], "王二")
    w.ea3 = _enterprise(3, "西大五金加工厂", w.a1, ["industry_trade"], [w.t_off], "王三")
    w.ea4 = _enterprise(4, "西大建筑劳务有限公司", w.a1, ["construction.housing"], [w.t_hs], "王四")
    w.eb1 = _enterprise(5, "建安化工有限公司", w.b, ["chemicals"], [w.b_em], "李一")
    w.eb2 = _enterprise(6, "建安建筑工程有限公司", w.b, ["construction.housing"], [w.b_hs, w.c_st], "李二")
    w.ec1 = _enterprise(7, "许昌机械厂", w.city, ["industry_trade"], [w.c_em], "赵一")
    w.ec2 = _enterprise(8, "许昌市直建筑集团", w.city, ["construction.housing"], [w.c_st], "赵二")
    w.ez1 = _enterprise(9, "郑州化工有限公司", w.zc, ["chemicals"], [w.z_em], "周一")

    # Campaigns: records carry none; a campaign gives dates (and 福州's issuing department).
    def campaign(slug, region, department=None):
        return Campaign.objects.create(slug=slug, name=slug, region=region, department=department, start=START,
                                       end=END)

    w.xuchang = campaign("xuchang-test", w.province)
    w.haicheng = campaign("haicheng-test", w.province)
    w.honghe = campaign("honghe-test", w.province)
    w.fuzhou = campaign("fuzhou-test", w.city, w.c_hs)

    # Hazards ----------------------------------------------------------------------------------------------------
    h = w.h = SimpleNamespace()
    # County A. H13 is created before H4 (same found_on) so that the list orders them by id.
    h.h1 = _hazard("储罐区可燃气体报警器失效", enterprise=w.ea1, source=S.SELF, found_on=d(5, 20), department=w.a_em,
                   planned_on=d(5, 25), deadline=d(6, 15), closed_on=d(6, 20))
    h.h2 = _hazard("反应釜安全阀未校验", enterprise=w.ea1, source=S.SELF, found_on=d(6, 25), department=w.a_em,
                   planned_on=d(6, 26), deadline=d(6, 29))
    h.h3 = _hazard("深基坑未按方案支护", enterprise=w.ea2, source=S.DEPARTMENT, found_on=START, found_by=w.c_st,
                   department=w.a_hs, planned_on=d(5, 16), deadline=d(6, 28), closed_on=AS_OF)
    h.h13 = _hazard("塔吊附着装置松动", enterprise=w.ea2, source=S.SELF, found_on=d(6, 1), department=w.a_st,
                    planned_on=AFTER, deadline=d(7, 15), interim="临时加固")
    h.h4 = _hazard("高支模未经专家论证", enterprise=w.ea2, source=S.DEPARTMENT, found_on=d(6, 1), found_by=w.a_hs,
                   department=w.a_hs, status=Status.AWAITING_ACCEPTANCE, planned_on=d(6, 2), deadline=d(6, 20),
                   interim="设置警戒区域，停止相关作业",
                   listings=[(w.a, w.a_hs, "魏建督〔2023〕1号", d(5, 10)),
                             (w.city, None, "许政督〔2023〕3号", d(6, 3))])
    h.h5 = _hazard("动火作业未审批", enterprise=w.ea1, source=S.TIP, found_on=d(6, 5), found_by=w.a_em,
                   department=w.a_em, planned_on=d(6, 6), deadline=AS_OF, closed_on=AFTER, interim="停止动火作业",
                   listings=[(w.a, w.a_em, "魏应急督〔2023〕5号", d(6, 8))])
    h.h6 = _hazard("防爆电气失爆", enterprise=w.ea1, source=S.EXPERT, found_on=d(5, 10), found_by=w.a_em,
                   department=w.a_em, planned_on=d(5, 11), deadline=d(6, 5), closed_on=d(6, 10),
                   listings=[(w.a, None, "魏政督〔2023〕1号", d(5, 20))])
    h.h7 = _hazard("外脚手架连墙件缺失", enterprise=w.ea2, source=S.SELF, found_on=d(3, 1), department=w.a_hs,
                   planned_on=d(3, 5), deadline=d(9, 30),
                   listings=[(w.city, None, "许政督〔2023〕0号", d(4, 10)),
                             (w.a, w.a_hs, "魏建督〔2023〕2号", d(6, 15))])
    h.h8 = _hazard("临水临崖路段无防护", region=w.a, sector="construction", source=S.ASSIGNED, found_on=d(6, 12),
                   found_by=w.c_hs, department=w.a_hs,
                   listings=[(w.a, None, "魏政督〔2023〕2号", d(6, 15)),
                             (w.city, w.c_hs, "许建督〔2023〕1号", d(6, 20)),
                             (w.a, None, "魏政督〔2023〕9号", AFTER)])
    # 摘牌 does not undo the listing
    Listing.objects.filter(hazard=h.h8, document_no="魏政督〔2023〕2号").update(delisted_on=d(6, 25))
    h.h9 = _hazard("装卸区静电接地缺失", enterprise=w.ea1, source=S.SELF, found_on=AFTER, department=w.a_em,
                   listings=[(w.a, None, "魏政督〔2023〕8号", AFTER)])
    h.h10 = _hazard("安全通道堆物（一般隐患）", enterprise=w.ea2, source=S.DEPARTMENT, found_on=d(6, 3),
                    found_by=w.c_st, department=w.a_hs, level=Level.GENERAL, closed_on=d(6, 3))
    h.h11 = _hazard("回头看：重大危险源监控缺失", enterprise=w.ea1, source=S.REVIEW, found_on=d(5, 6),
                    found_by=w.a_em, department=w.a_em, planned_on=d(5, 14), deadline=d(6, 25), closed_on=d(6, 26),
                    listings=[(w.a, None, "魏政督〔2023〕0号", d(5, 8))])
    h.h12 = _hazard("冲压设备无防护装置", enterprise=w.ea3, source=S.DEPARTMENT, found_on=d(6, 18), found_by=w.t_off,
                    department=w.t_off, planned_on=d(6, 18), deadline=d(6, 28), closed_on=d(6, 29))
    h.h14 = _hazard("施工升降机防坠器过期", enterprise=w.ea4, source=S.DEPARTMENT, found_on=d(6, 22),
                    found_by=w.t_hs, department=w.t_hs, planned_on=d(6, 22), deadline=d(6, 27), closed_on=d(6, 28),
                    listings=[(w.a, w.a_st, "魏建站督〔2023〕1号", d(6, 23))])
    # County B
    h.h20 = _hazard("光气化装置联锁摘除", enterprise=w.eb1, source=S.SELF, found_on=d(5, 25), department=w.b_em,
                    planned_on=d(5, 26), deadline=d(5, 31), closed_on=d(6, 1))
    h.h21 = _hazard("起重机械安装未验收", enterprise=w.eb2, source=S.DEPARTMENT, found_on=d(6, 8), found_by=w.c_st,
                    department=w.b_hs, status=Status.AWAITING_ACCEPTANCE, planned_on=d(6, 9), deadline=d(7, 31),
                    listings=[(w.city, w.c_hs, "许建督〔2023〕3号", d(6, 10)),
                              (w.b, None, "建政督〔2023〕1号", d(6, 10))])
    h.h22 = _hazard("模板支撑体系失稳", enterprise=w.eb2, source=S.DEPARTMENT, found_on=d(6, 20), found_by=w.b_hs,
                    department=w.b_hs, planned_on=d(6, 20), deadline=d(6, 24), closed_on=d(6, 25))
    # City's own enterprises
    h.h30 = _hazard("粉尘涉爆除尘系统缺陷", enterprise=w.ec1, source=S.SELF, found_on=d(6, 3), department=w.c_em)
    h.h31 = _hazard("燃气管道占压", enterprise=w.ec1, source=S.SUPERVISION, found_on=d(6, 4), found_by=w.c_hs,
                    department=w.c_hs, planned_on=d(6, 5), deadline=d(6, 14), closed_on=d(6, 15),
                    listings=[(w.city, None, "许政督〔2023〕2号", d(6, 5))])
    h.h32 = _hazard("超高层消防设施未联调", enterprise=w.ec2, source=S.SELF, found_on=d(5, 30), department=w.c_st,
                    planned_on=d(5, 31), deadline=d(6, 11), closed_on=d(6, 12),
                    listings=[(w.city, None, "许政督〔2023〕1号", d(5, 31))])
    # Another city
    h.h40 = _hazard("郑州隐患", enterprise=w.ez1, source=S.DEPARTMENT, found_on=d(6, 1), found_by=w.z_em,
                    department=w.z_em, listings=[(w.zc, None, "郑政督〔2023〕1号", d(6, 2))])

    # Inspections ------------------------------------------------------------------------------------------------
    i = w.i = SimpleNamespace()
    i.i1 = _inspection(w.a_em, IK.ENFORCEMENT, w.ea1, d(6, 1), "no_principal_study", "no_drill")
    i.i2 = _inspection(w.a_em, IK.REVIEW, w.ea1, d(6, 10), "principal_not_leading")
    i.i3 = _inspection(w.a_hs, IK.EXPERT, w.ea2, d(6, 15), "no_duty_list")
    i.i4 = _inspection(w.t_off, IK.ENFORCEMENT, w.ea3, d(6, 20), "no_safety_body", "no_principal_study")
    i.i5 = _inspection(w.a_em, IK.ENFORCEMENT, w.ea1, AFTER, "uncertified_special_work")
    i.i6 = _inspection(None, IK.SELF, w.ea2, d(6, 5), "outsourcing_disorder", led_by_principal=True)
    i.i7 = _inspection(w.a_em, IK.ENFORCEMENT, w.ea2, d(5, 10), "outsourcing_disorder")
    i.i8 = _inspection(w.a_em, IK.ASSISTANCE, w.ea1, d(6, 12))
    i.i9 = _inspection(w.a_em, IK.ASSISTANCE, w.ea1, d(6, 18))
    i.i10 = _inspection(w.b_em, IK.ENFORCEMENT, w.eb1, d(6, 5), "uncertified_special_work", "no_principal_study")
    i.i11 = _inspection(w.b_hs, IK.SUPERVISION, w.eb2, d(6, 6), "no_safety_body")
    i.i12 = _inspection(w.c_hs, IK.SUPERVISION, w.ea1, d(6, 8), "no_principal_study", "outsourcing_disorder",
                        group=w.group)
    i.i13 = _inspection(w.c_st, IK.ENFORCEMENT, w.eb2, d(6, 9), "no_drill")
    i.i14 = _inspection(w.c_em, IK.ENFORCEMENT, w.ec1, d(6, 10), "no_safety_body")
    i.i15 = _inspection(w.c_st, IK.ASSISTANCE, w.eb1, d(6, 11), "no_drill")
    i.i16 = _inspection(w.c_hs, IK.ASSISTANCE, w.ea2, d(5, 5))
    i.i17 = _inspection(w.t_hs, IK.ENFORCEMENT, w.ea4, d(6, 21), "uncertified_special_work")
    i.i18 = _inspection(w.a_st, IK.ASSISTANCE, w.ea4, d(6, 22), "no_duty_list")
    i.i19 = _inspection(None, IK.SELF, w.ea1, d(6, 2), "no_drill", "no_principal_study", led_by_principal=True)
    i.i20 = _inspection(w.c_st, IK.REVIEW, w.ec2, d(6, 16), "principal_not_leading", "no_duty_list",
                        "uncertified_special_work")
    i.i21 = _inspection(w.z_em, IK.ENFORCEMENT, w.ea1, d(6, 3), "outsourcing_disorder")  # 异地: acting region 郑州
    i.i22 = _inspection(w.a_em, IK.ENFORCEMENT, w.ez1, d(6, 4), "no_safety_body")  # 异地: acting region A
    i.i24 = _inspection(w.a_em, IK.ENFORCEMENT, w.ea3, AS_OF, "no_duty_list")  # on as_of itself
    i.i23 = _inspection(w.z_em, IK.ENFORCEMENT, w.ez1, d(6, 1), "no_principal_study", "no_drill")

    # Enforcement actions ----------------------------------------------------------------------------------------
    e = w.e = SimpleNamespace()
    e.e1 = _action(w.a_em, AK.PENALTY, w.ea1, d(5, 10), case_no="魏应急罚〔2023〕1号", amount="2.5")
    e.e2 = _action(w.a_em, AK.PENALTY, w.ea1, d(5, 20), case_no="魏应急罚〔2023〕1号", amount="0.35", principal=True)
    e.e3a = _action(w.a_em, AK.JUDICIAL_REFERRAL, w.ea1, d(5, 10), case_no="魏应急移〔2023〕1号", persons=5)
    e.e3 = _action(w.a_em, AK.JUDICIAL_REFERRAL, w.ea1, d(6, 2), case_no="魏应急移〔2023〕1号", persons=2)
    e.e4 = _action(w.a_em, AK.JUDICIAL_REFERRAL, w.ea1, d(6, 20), case_no="魏应急移〔2023〕1号", persons=1)
    e.e5 = _action(w.a_em, AK.STOP_RECTIFY, w.ea1, d(6, 7), hazard=h.h5)
    e.e5b = _action(w.a_em, AK.STOP_RECTIFY, w.ea1, AFTER, hazard=h.h5)
    e.e6 = _action(w.a_hs, AK.CLOSURE, w.ea2, d(6, 5), hazard=h.h4)
    e.e7 = _action(w.a_em, AK.SUMMONS, w.ea1, d(6, 6), published_on=d(6, 7))
    e.e8 = _action(w.a_hs, AK.PENALTY, w.ea2, d(6, 10), case_no="魏建罚〔2023〕1号", amount="1.2",
                   published_on=d(6, 12), crime=True)
    e.e9 = _action(w.a_em, AK.EXPOSURE, w.ea3, d(6, 15))
    e.e10 = _action(w.a_em, AK.PENALTY, w.ea1, AFTER, case_no="魏应急罚〔2023〕2号", amount="9")
    e.e11 = _action(w.a_em, AK.JOINT_SANCTION, w.ea1, d(6, 16))
    e.e12 = _action(w.t_off, AK.LICENCE, w.ea3, d(6, 17))
    e.e13 = _action(w.t_hs, AK.STOP_RECTIFY, w.ea4, d(6, 23))
    e.e14 = _action(w.a_st, AK.SUMMONS, w.ea4, d(6, 24))
    e.e20 = _action(w.b_em, AK.PENALTY, w.eb1, d(6, 5), case_no="建应急罚〔2023〕1号", amount="3")
    e.e21 = _action(w.b_em, AK.PENALTY, w.eb1, AFTER, case_no="建应急罚〔2023〕1号", amount="0.5", principal=True)
    e.e22 = _action(w.b_em, AK.STOP_RECTIFY, w.eb1, d(6, 6), published_on=AFTER)
    e.e30 = _action(w.c_hs, AK.PENALTY, w.ea1, d(6, 9), case_no="许建罚〔2023〕1号", amount="5")
    e.e31 = _action(w.c_hs, AK.PENALTY, w.ea1, d(6, 9), case_no="许建罚〔2023〕1号", amount="1", principal=True)
    e.e32 = _action(w.c_st, AK.PENALTY, w.eb2, d(6, 11), case_no="许建罚〔2023〕2号", amount="0.8")
    e.e33 = _action(w.c_hs, AK.PENALTY, w.eb2, d(6, 12), case_no="许建罚〔2023〕2号", amount="0.2", principal=True)
    e.e34 = _action(w.c_hs, AK.STOP_RECTIFY, w.ea1, d(6, 13), hazard=h.h5)
    e.e35 = _action(w.c_st, AK.JUDICIAL_REFERRAL, w.eb2, d(6, 14), case_no="许建移〔2023〕1号", persons=4,
                    published_on=d(6, 20))
    e.e35b = _action(w.c_st, AK.JUDICIAL_REFERRAL, w.eb2, d(6, 18), case_no="许建移〔2023〕1号", persons=1,
                     crime=True)  # the case's crime is on another action than the published one
    e.e36 = _action(w.c_em, AK.SUMMONS, w.ec1, d(6, 15))
    e.e37 = _action(w.c_hs, AK.EXPOSURE, w.ea1, d(6, 16), published_on=d(6, 16))
    e.e38 = _action(w.c_hs, AK.PENALTY, w.eb2, d(5, 5), case_no="许建罚〔2023〕4号", amount="7", published_on=d(5, 10))
    e.e39 = _action(w.c_hs, AK.PENALTY, w.eb2, d(5, 8), case_no="许建罚〔2023〕4号", amount="0.1", principal=True)
    _action(w.z_em, AK.PENALTY, w.ez1, d(6, 1), case_no="郑罚1", amount="100", published_on=d(6, 2), crime=True)

    # Accountability ---------------------------------------------------------------------------------------------
    Accountability.objects.create(region=w.a, decided_on=d(6, 10), persons=2)  # AC1
    Accountability.objects.create(region=w.a1, decided_on=d(6, 11), persons=1)  # AC2
    Accountability.objects.create(region=w.city, department=w.c_st, decided_on=d(6, 12), persons=3)  # AC3
    Accountability.objects.create(region=w.city, department=w.c_em, decided_on=AFTER, persons=5)  # AC4
    Accountability.objects.create(region=w.b, department=w.b_hs, decided_on=d(5, 10), persons=4)  # AC5
    Accountability.objects.create(region=w.a, department=w.a_hs, decided_on=d(6, 20), persons=1)  # AC6
    Accountability.objects.create(region=w.a1, department=w.t_hs, decided_on=d(6, 21), persons=2)  # AC7
    Accountability.objects.create(region=w.zc, decided_on=d(6, 1), persons=8)

    # Tips (rewarded ones are 查实) --------------------------------------------------------------------------------
    _tip(w.a_em, amount="0.5", rewarded_on=d(6, 10), anonymous=True)  # T1
    _tip(w.a_em, amount="0.3", rewarded_on=d(6, 11), anonymous=False)  # T2
    _tip(w.c_st, amount="1.0", rewarded_on=d(6, 12), anonymous=False, enterprise=w.ea2)  # T3: a county enterprise
    _tip(w.b_hs, amount="2", rewarded_on=AFTER, anonymous=False)  # T4
    _tip(w.t_hs, amount="0.2", rewarded_on=d(6, 13), anonymous=True)  # T5
    _tip(w.a_hs, amount="0.4", rewarded_on=d(5, 10), anonymous=False)  # T6
    _tip(w.c_hs)  # T7: 查实, no reward
    _tip(w.c_hs, amount="0.25", rewarded_on=d(6, 14), anonymous=True)  # T9
    _tip(w.a_em, amount="0.05", rewarded_on=START, anonymous=True)  # T10: on the campaign's first day
    _tip(w.z_em, amount="3", rewarded_on=d(6, 1), anonymous=True)

    # Activities -------------------------------------------------------------------------------------------------
    act = _activity
    # AS.region 帮扶指导地区
    act(K.ASSISTANCE_REGION, d(6, 1), region=w.a, count=2)
    act(K.ASSISTANCE_REGION, d(6, 2), department=w.a_em)
    act(K.ASSISTANCE_REGION, d(6, 3), department=w.t_off)
    act(K.ASSISTANCE_REGION, d(6, 5), department=w.a_hs)
    act(K.ASSISTANCE_REGION, d(6, 4), department=w.c_hs, count=3)
    act(K.ASSISTANCE_REGION, d(5, 5), region=w.city)
    act(K.ASSISTANCE_REGION, AFTER, region=w.city, count=4)
    # AC.summons_notice 约谈通报地区、部门
    act(K.SUMMONS_NOTICE, d(6, 10), region=w.a)
    act(K.SUMMONS_NOTICE, d(6, 11), department=w.b_em, count=2)
    act(K.SUMMONS_NOTICE, d(6, 12), department=w.c_st)
    act(K.SUMMONS_NOTICE, AFTER, region=w.city, count=9)
    # LD.study
    act(K.SPECIAL_STUDY, d(6, 1), region=w.a, count=2)
    act(K.SPECIAL_STUDY, d(6, 2), region=w.a1)
    act(K.SPECIAL_STUDY, d(6, 3), department=w.a_em)
    act(K.SPECIAL_STUDY, d(5, 10), region=w.a)
    act(K.SPECIAL_STUDY, d(6, 5), department=w.c_hs)
    act(K.SPECIAL_STUDY, d(6, 6), region=w.city)
    act(K.SPECIAL_STUDY, d(6, 7), region=w.province)
    # LD.research (and the 动员部署 meeting, which is not it)
    act(K.SPECIAL_RESEARCH, d(6, 5), region=w.a)
    act(K.MOBILISATION_MEETING, d(6, 5), region=w.a, count=4)
    act(K.SPECIAL_RESEARCH, d(6, 6), region=w.a1, count=2)
    act(K.SPECIAL_RESEARCH, d(6, 6), department=w.c_st)
    # LD.site (sector: 福州 4.1)
    act(K.SITE_SUPERVISION, d(6, 7), region=w.a, count=3, sector="construction.housing")
    act(K.SITE_SUPERVISION, d(6, 8), region=w.a1, sector="construction")
    act(K.SITE_SUPERVISION, d(6, 9), region=w.a, sector="chemicals")
    act(K.SITE_SUPERVISION, d(6, 11), region=w.a, sector="gas")
    act(K.SITE_SUPERVISION, d(6, 10), region=w.city, count=2, sector="construction")
    act(K.SITE_SUPERVISION, d(6, 7), department=w.c_st, count=2, sector="construction")
    act(K.SITE_SUPERVISION, d(6, 12), region=w.b)
    # LD.briefing 到企业宣讲
    act(K.ENTERPRISE_BRIEFING, d(6, 10), department=w.a_em, count=2)
    act(K.ENTERPRISE_BRIEFING, d(6, 11), department=w.t_off)
    act(K.ENTERPRISE_BRIEFING, d(6, 12), department=w.a_hs)
    act(K.ENTERPRISE_BRIEFING, d(6, 12), region=w.a, count=5)
    act(K.ENTERPRISE_BRIEFING, d(6, 13), department=w.t_hs)
    act(K.ENTERPRISE_BRIEFING, d(6, 14), department=w.c_hs, count=2)
    act(K.ENTERPRISE_BRIEFING, d(5, 10), department=w.b_hs)
    # LD.media 主流媒体专题栏目
    act(K.MEDIA_COLUMN, d(6, 1), region=w.a1, media_level=3)
    act(K.MEDIA_COLUMN, AFTER, department=w.a_em, media_level=1)
    act(K.MEDIA_COLUMN, d(6, 5), department=w.t_hs, media_level=3)
    act(K.MEDIA_COLUMN, d(6, 2), region=w.b, media_level=1)
    act(K.MEDIA_COLUMN, d(6, 3), department=w.c_hs, media_level=1)
    act(K.MEDIA_COLUMN, d(6, 4), department=w.c_st, media_level=3, count=2)
    act(K.MEDIA_COLUMN, d(6, 5), department=w.c_em, media_level=2)
    # LD.inspectors (a stock; the two A records of 06-15: the later id wins)
    act(K.INSPECTOR_HEADCOUNT, d(4, 1), region=w.a, people=10)
    act(K.INSPECTOR_HEADCOUNT, d(6, 15), region=w.a, people=12)
    act(K.INSPECTOR_HEADCOUNT, d(6, 15), region=w.a, people=13)
    act(K.INSPECTOR_HEADCOUNT, AFTER, region=w.a, people=99)
    act(K.INSPECTOR_HEADCOUNT, d(6, 1), region=w.a1, people=5)
    act(K.INSPECTOR_HEADCOUNT, d(5, 1), region=w.b, people=7)
    act(K.INSPECTOR_HEADCOUNT, d(6, 20), region=w.city, people=20)
    act(K.INSPECTOR_HEADCOUNT, d(6, 1), department=w.a_em, people=50)
    act(K.INSPECTOR_HEADCOUNT, d(5, 1), department=w.c_hs, people=3)
    act(K.INSPECTOR_HEADCOUNT, d(6, 3), department=w.c_hs, people=6)
    act(K.INSPECTOR_HEADCOUNT, d(6, 2), department=w.c_st, people=4)
    # LD.assessment 考核巡查督导检查
    act(K.ASSESSMENT_INSPECTION, d(6, 20), region=w.a)
    act(K.ASSESSMENT_INSPECTION, START, region=w.a)
    act(K.ASSESSMENT_INSPECTION, d(6, 21), region=w.a1, count=2)
    act(K.ASSESSMENT_INSPECTION, d(6, 20), region=w.b1, count=4)
    act(K.ASSESSMENT_INSPECTION, d(6, 22), region=w.city, count=3)
    act(K.ASSESSMENT_INSPECTION, d(6, 23), department=w.c_hs)
    act(K.ASSESSMENT_INSPECTION, d(6, 24), department=w.a_hs, count=2)
    # 福州 4.3 / 4.4 / 4.7
    act(K.ENFORCEMENT_TRAINING, d(6, 10), department=w.a_hs, people=30)
    act(K.ENFORCEMENT_TRAINING, d(6, 11), department=w.t_hs, people=12)
    act(K.ENFORCEMENT_TRAINING, d(6, 12), department=w.c_hs, people=40)
    act(K.ENFORCEMENT_TRAINING, d(6, 13), department=w.a_em, people=99)
    act(K.CERTIFICATES_ISSUED, d(6, 14), department=w.a_st, count=5)
    act(K.CERTIFICATES_ISSUED, d(6, 15), department=w.c_st, count=7)
    act(K.CERTIFICATES_ISSUED, AFTER, department=w.b_hs, count=3)
    act(K.COORDINATION_MECHANISM, d(6, 16), department=w.a_hs)
    act(K.COORDINATION_MECHANISM, d(6, 17), department=w.b_hs, count=2)
    # Another city's organs: never counted for 许昌
    for kind in (K.SPECIAL_STUDY, K.SPECIAL_RESEARCH, K.SITE_SUPERVISION, K.ASSESSMENT_INSPECTION,
                 K.ASSISTANCE_REGION, K.SUMMONS_NOTICE):
        act(kind, d(6, 1), region=w.zc, count=6, sector="construction")
    act(K.MEDIA_COLUMN, d(6, 1), region=w.zc, media_level=1)
    act(K.INSPECTOR_HEADCOUNT, d(6, 1), region=w.zc, people=77)
    return w


def add_day_after(w) -> None:
    """One more record of every kind the forms count, each dated as_of + 1 (its window date, its closing, its
    plan, its listing): none of them may change a cell computed at as_of."""
    x = AFTER
    _hazard("次日发现", enterprise=w.ea2, source=Source.DEPARTMENT, found_on=x, found_by=w.c_st, department=w.a_hs,
            planned_on=x, deadline=x, closed_on=x, listings=[(w.a, None, "次日1", x), (w.a, w.a_hs, "次日2", x)])
    # Hazards found in the window (H30 at the city, H8 in A) planned, closed and listed the day after
    for hazard, region in ((w.h.h30, w.city), (w.h.h8, w.a)):
        RectificationPlan.objects.create(hazard=hazard, measures="整改措施", funds=Decimal("1"), owner="责任人",
                                         deadline=x, contingency="应急预案", interim_controls="次日管控", planned_on=x)
        Hazard.objects.filter(pk=hazard.pk).update(planned_on=x, deadline=x, closed_on=x, status=Status.CLOSED)
        Listing.objects.create(hazard=hazard, authority_region=region, document_no="次日3", listed_on=x, deadline=x)
        Listing.objects.create(hazard=hazard, authority_region=region, authority_department=w.c_hs,
                               document_no="次日4", listed_on=x, deadline=x)
        _action(w.c_hs, ActionKind.STOP_RECTIFY, hazard.enterprise or w.ea1, x, hazard=hazard)
    for kind in (InspectionKind.ENFORCEMENT, InspectionKind.ASSISTANCE):
        for dept, ent in ((w.a_hs, w.ea2), (w.c_st, w.eb2), (w.t_hs, w.ea4)):
            _inspection(dept, kind, ent, x, "no_principal_study", "principal_not_leading", "no_duty_list",
                        "no_safety_body", "uncertified_special_work", "outsourcing_disorder", "no_drill")
    for dept, ent in ((w.a_hs, w.ea2), (w.c_hs, w.eb2), (w.t_hs, w.ea4)):
        _action(dept, ActionKind.PENALTY, ent, x, case_no=f"次日罚{dept.pk}", amount="1", published_on=x, crime=True)
        _action(dept, ActionKind.PENALTY, ent, x, case_no=f"次日罚{dept.pk}", amount="1", principal=True)
        _action(dept, ActionKind.JUDICIAL_REFERRAL, ent, x, case_no=f"次日移{dept.pk}", persons=3)
        for kind in (ActionKind.STOP_RECTIFY, ActionKind.SUMMONS, ActionKind.EXPOSURE, ActionKind.JOINT_SANCTION):
            _action(dept, kind, ent, x, hazard=None)
        Accountability.objects.create(region=dept.region, department=dept, decided_on=x, persons=2)
        _tip(dept, amount="0.5", rewarded_on=x, anonymous=True)
    # A case decided in the window (on an enterprise already counted) whose publication is the day after
    _action(w.a_em, ActionKind.SUMMONS, w.ea1, d(6, 29), published_on=x, crime=True)
    # The principal penalty completing a 一案双罚 the day after (the enterprise's penalty is in the window)
    _action(w.a_hs, ActionKind.PENALTY, w.ea2, x, case_no="魏建罚〔2023〕1号", amount="1", principal=True)
    for region, dept in ((w.a, w.a_hs), (w.a1, w.t_hs), (w.city, w.c_hs)):
        for kind in (K.SPECIAL_STUDY, K.SPECIAL_RESEARCH, K.SITE_SUPERVISION, K.ASSESSMENT_INSPECTION,
                     K.ASSISTANCE_REGION, K.SUMMONS_NOTICE):
            _activity(kind, x, region=region, count=3, sector="construction")
            _activity(kind, x, department=dept, count=3, sector="construction")
        for kind in (K.ENTERPRISE_BRIEFING, K.CERTIFICATES_ISSUED, K.COORDINATION_MECHANISM):
            _activity(kind, x, department=dept, count=3)
        _activity(K.ENFORCEMENT_TRAINING, x, department=dept, people=30)
        for level in (1, 2, 3):
            _activity(K.MEDIA_COLUMN, x, region=region, media_level=level)
            _activity(K.MEDIA_COLUMN, x, department=dept, media_level=level)
        _activity(K.INSPECTOR_HEADCOUNT, x, region=region, people=500)
        _activity(K.INSPECTOR_HEADCOUNT, x, department=dept, people=500)
    _activity(K.MEDIA_COLUMN, x, department=w.a_em, media_level=1)
    _activity(K.MEDIA_COLUMN, x, region=w.b, media_level=2)


def add_county(w, code: str, name: str, n: int) -> Region:
    """One more county of 许昌市 with a little of everything (for the compute_many tests)."""
    county = _region(code, name, 3, w.city)
    township = _region(f"{code}001", f"{name}街道", 4, county)
    em = _department(f"{name}应急管理局", "emergency", county, ["chemicals"])
    hs = _department(f"{name}住房和城乡建设局", "housing", county, ["construction"])
    ent = _enterprise(100 + n, f"{name}化工", county, ["chemicals"], [em], f"钱{n}")
    built = _enterprise(200 + n, f"{name}建筑", county, ["construction.housing"], [hs], f"孙{n}")
    _hazard(f"{name}自查", enterprise=ent, source=Source.SELF, found_on=d(6, 1), department=em, closed_on=d(6, 2))
    _hazard(f"{name}检查", enterprise=built, source=Source.DEPARTMENT, found_on=d(6, 3), found_by=hs, department=hs,
            listings=[(county, None, f"{name}政督", d(6, 4)), (county, hs, f"{name}建督", d(6, 5))])
    _inspection(em, InspectionKind.ENFORCEMENT, ent, d(6, 6), "no_drill")
    _inspection(hs, InspectionKind.ASSISTANCE, built, d(6, 7))
    _action(hs, ActionKind.PENALTY, built, d(6, 8), case_no=f"{name}罚", amount=str(n))
    _action(em, ActionKind.STOP_RECTIFY, ent, d(6, 9))
    Accountability.objects.create(region=county, decided_on=d(6, 10), persons=n)
    _tip(hs, amount="0.1", rewarded_on=d(6, 11))
    for kind in (K.SPECIAL_STUDY, K.SITE_SUPERVISION, K.ASSISTANCE_REGION):
        _activity(kind, d(6, 12), region=county, count=n, sector="construction")
        _activity(kind, d(6, 12), region=township, count=1, sector="construction")
    _activity(K.ENTERPRISE_BRIEFING, d(6, 13), department=hs, count=n)
    _activity(K.ENFORCEMENT_TRAINING, d(6, 13), department=hs, people=n)
    _activity(K.MEDIA_COLUMN, d(6, 14), region=county, media_level=1)
    _activity(K.INSPECTOR_HEADCOUNT, d(6, 15), region=county, people=n)
    return county
