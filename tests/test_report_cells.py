"""Issue 7 acceptance: every cell of 许昌 附件3 (`xuchang-county`), 附件4 (`xuchang-department`), 附件5
(`xuchang-list`), 海城 (`haicheng`), 红河 附件1 (`honghe-dispatch`) and 福州 附件4 (`fuzhou-dispatch`), over the
world of `tests/report_world.py` where the right value of each is known by construction from REPORTS.md.

Scopes: county A and county B (region); the city (region) as its own organs' figures plus Σ counties where the form
is additive (REPORTS.md §0.2, §0.4), with the 家 / 是否 / stock cells checked directly; the city 住建局 C_HS with its
监督站 C_ST (D* = both; the county 住建局 is another id); 福州 filed by the county 住建局 A_HS (its line H(D): A_HS, its
unit A_ST, the township's same-kind T_HS) and by regions (H(R), `campaign.department` = C_HS).

The expected values below are written by hand from the rules; a comment names the records that make a value where
it is not obvious (labels H*, I*, E*, AC*, T* as in `report_world.py`). Where the engine disagrees with REPORTS.md,
the test keeps what REPORTS.md says.
"""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.reports.compute import ScopeError, compute, compute_many
from tests.report_world import AFTER, AS_OF, add_county, add_day_after, build_report_world

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def rw():
    return build_report_world()


# 许昌 附件3 — xuchang-county (window W = [05-15, 06-30]) ---------------------------------------------------------
XC_A = {
    "1.1": 3,  # H1, H2, H13 (H7 found 03-01, H9 07-01, H10 general)
    "1.2": 1,  # H1 (H2, H13 open)
    "1.3": 6,  # H3 (05-15, by the city station: territorial), H4, H5, H8 (no enterprise), H12 (镇街), H14
    "1.4": 3,  # H3 (closed on as_of), H12, H14; H4 awaiting acceptance, H5 closed 07-01
    "1.5": 3,  # H6 (found 05-10, listed 05-20), H4 (by the city government), H8 (摘牌 06-25: still listed in W);
    # H7 listed 04-10 (回头看), H11 listed 05-08, H9 07-01
    "1.6": 1,  # H6
    "2.1": 5,  # EA1 (I1, I2), EA2 (I3), EA3 (I4, by the 镇街), EA4 (I17), EZ1 in 郑州 (I22, acting region A);
    # the city group's I12 is the city's, 郑州's I21 on EA1 is 郑州's
    "2.2": 2,  # EA1 (I1), EA3 (I4); I19 is a self-inspection
    "2.3": 1,  # EA1 (I2)
    "2.4": 2,  # EA2 (I3), EA3 (I24, on as_of); I18 is assistance
    "2.5": 2,  # EA3 (I4), EZ1 (I22)
    "2.6": 1,  # EA4 (I17); I5 is 07-01
    "2.7": 0,  # I6 self, I7 05-10, I21 by 郑州
    "2.8": 1,  # EA1 (I1)
    "3.1": 5,  # GOV A 2 + A_EM 1 + T_OFF 1 + A_HS 1
    "3.2": 3,  # I8, I9 (the same enterprise twice: 家次), I18
    "3.3.count": 2,  # E2 (05-20), E8; E1 05-10, E10 07-01
    "3.3.amount": D("1.55"),  # 0.35 + 1.2
    "3.4": 1,  # case 魏应急罚1: enterprise 05-10, principal 05-20 → complete on 05-20 ∈ W
    "3.5": 3,  # E3 2 + E4 1 (one case, three referrals: E3a 05-10 is outside W)
    "3.6": 2,  # EA1 (E5; E5b 07-01), EA4 (E13)
    "3.7": 3,  # EA1 (E7 summons, E11 sanction), EA3 (E9 exposure), EA4 (E14 summons)
    "3.8": 2,  # E7 (no case_no), E8
    "3.8.of_which": 1,  # E8
    "3.9": 6,  # AC1 2 + AC2 1 (镇街) + AC6 1 + AC7 2
    "3.10": 1,
    "4.1": 2,  # GOV A 06-01 ×2; GOV A1 (镇街) and A_EM are not 县市区党委政府; GOV A 05-10 before W
    "4.2": 1,  # the 动员部署 meeting (×4) is not 专题研究; GOV A1 excluded
    "4.3": 5,  # GOV A 3 + 1 + 1
    "4.4": 3,  # A_EM 2 + A_HS 1; T_OFF and T_HS are 镇街 organs, GOV A is not a member unit
    "4.5": D("1.05"),  # T1 0.5 + T2 0.3 + T5 0.2 (T_HS, 镇街) + T10 0.05 (05-15); T3 went to the city station
    "4.5.of_which": D("0.75"),  # T1 + T5 + T10
    "4.6": 0,  # media only by the 镇街 (GOV A1, T_HS) and A_EM's of 07-01
    "4.7": 13,  # GOV A: the later of the two 06-15 records; the 07-01 record and A_EM's (a department) ignored
    "4.8": 2,  # GOV A 06-20 and 05-15
}
XC_B = {
    "1.1": 1, "1.2": 1,  # H20
    "1.3": 2,  # H21 (found by the city station), H22
    "1.4": 1,  # H22; H21 awaiting acceptance
    "1.5": 1, "1.6": 0,  # H21 (county government listing 06-10)
    "2.1": 2, "2.2": 1, "2.3": 0, "2.4": 0, "2.5": 1, "2.6": 1, "2.7": 0, "2.8": 0,  # EB1 (I10), EB2 (I11)
    "3.1": 0, "3.2": 0,
    "3.3.count": 1, "3.3.amount": D("3"),  # E20; E21 07-01
    "3.4": 0,  # case 建应急罚1 completes only on 07-01
    "3.5": 0, "3.6": 1,  # EB1 (E22)
    "3.7": 0,
    "3.8": 0, "3.8.of_which": 0,  # E22 published 07-01
    "3.9": 0,  # AC5 05-10
    "3.10": 2,  # B_EM
    "4.1": 0, "4.2": 0, "4.3": 1, "4.4": 0,  # B_HS's briefing is 05-10
    "4.5": 0, "4.5.of_which": 0,  # T4 07-01
    "4.6": 1,  # GOV B, province-level media
    "4.7": 7,  # GOV B 05-01: a stock has no lower bound
    "4.8": 0,  # GOV B1 is a 镇街
}
# The city's own organs (additive cells only): hazards homed at the city, work of the city's own organs.
XC_CITY_OWN = {
    "1.1": 2, "1.2": 1,  # H30, H32
    "1.3": 1, "1.4": 1,  # H31
    "1.5": 2, "1.6": 2,  # H31, H32
    "3.1": 3,  # C_HS; GOV city 05-05 and 07-01 outside
    "3.2": 1,  # I15 (C_ST); I16 05-05
    "3.3.count": 4, "3.3.amount": D("7"),  # E30 5 + E31 1 + E32 0.8 + E33 0.2 (E30 on a county enterprise)
    "3.4": 1,  # (C_HS, 许建罚1); 许建罚2 has its two penalties in two departments' cases
    "3.5": 5,  # E35 4 + E35b 1
    "3.8": 2, "3.8.of_which": 1,  # case 许建移1 (published by E35, crime on E35b), E37; E38 published 05-10
    "3.9": 3,  # AC3; AC4 07-01
    "3.10": 1,  # C_ST; GOV city 07-01
    "4.1": 1,  # GOV city; C_HS's study is a department's, the province's is above
    "4.2": 0, "4.3": 2, "4.4": 2,  # C_HS's briefing
    "4.5": D("1.25"), "4.5.of_which": D("0.25"),  # T3 (named) + T9 (anonymous)
    "4.8": 3,
}
XC_CITY_DIRECT = {  # not additive: 家, 是否, stock
    "2.1": 9,  # EA1–EA4, EB1, EB2, EC1, EC2, EZ1: EA1 checked by A_EM and by the city group is one 家
    "2.2": 3,  # EA1, EA3, EB1
    "2.3": 2,  # EA1, EC2
    "2.4": 3,  # EA2, EA3, EC2
    "2.5": 4,  # EA3, EZ1, EB2, EC1
    "2.6": 3,  # EA4, EB1, EC2
    "2.7": 1,  # EA1 (I12)
    "2.8": 2,  # EA1, EB2; I15 (assistance) on EB1 does not count
    "3.6": 3,  # EA1 (E5 and E34), EA4, EB1
    "3.7": 4,  # EA1, EA3, EA4, EC1
    "4.6": 1,  # GOV B and C_HS (province-level), C_EM (city-level)
    "4.7": 40,  # city 20 + A 13 + B 7; 镇街 excluded
}

# 许昌 附件4 — xuchang-department -----------------------------------------------------------------------------------
XD_C_HS = {  # D* = 市住建局 + 市建设工程安全监督站
    "1.1": 4,  # H3, H21 (found by C_ST), H8, H31 (C_HS); H10 general; A_HS's H4 is another id
    "1.2": 2,  # H3, H31
    "2.1": 3,  # EA1 (I12, the group it leads), EB2 (I13), EC2 (I20)
    "2.2": 1, "2.3": 1, "2.4": 1, "2.5": 0, "2.6": 1, "2.7": 1, "2.8": 1,
    "3.1": 3, "3.2": 1,  # I15
    "3.3.count": 4, "3.3.amount": D("7"),
    "3.4": 1,  # (C_HS, 许建罚1) only: (C_ST, 许建罚2) and (C_HS, 许建罚2) are two cases
    "3.5": 5,  # E35 4 + E35b 1
    "3.6": 1, "3.7": 1,  # EA1 (E34), EA1 (E37); E36 is C_EM's
    "3.8": 2, "3.8.of_which": 1,  # case 许建移1 (crime on E35b), E37
    "3.9": 3, "3.10": 1,
    "4.1": D("1.25"), "4.1.of_which": D("0.25"),  # T3 (C_ST) + T9 (C_HS, anonymous); T7 has no reward
    "4.2": 0,  # D*'s media are province- (C_HS) and county-level (C_ST): none at the city level
}
XD_C_EM = {
    "1.1": 0, "1.2": 0,
    "2.1": 1, "2.2": 0, "2.3": 0, "2.4": 0, "2.5": 1, "2.6": 0, "2.7": 0, "2.8": 0,  # EC1 (I14)
    "3.1": 0, "3.2": 0, "3.3.count": 0, "3.3.amount": 0, "3.4": 0, "3.5": 0, "3.6": 0,
    "3.7": 1,  # EC1 (E36)
    "3.8": 0, "3.8.of_which": 0,
    "3.9": 0,  # AC4 07-01
    "3.10": 0, "4.1": 0, "4.1.of_which": 0,
    "4.2": 1,  # city-level media
}

# 海城 — haicheng: sections 1–3 are the same metrics and window as 许昌 附件3; 4.1–4.3, 4.6–4.8 over L4(R) ---------
_S123 = [k for k in XC_A if not k.startswith("4.")]
HC_A = {k: XC_A[k] for k in _S123} | {
    "4.1": 3,  # GOV A 2 + GOV A1 1
    "4.2": 3,  # GOV A 1 + GOV A1 2
    "4.3": 6,  # GOV A 5 + GOV A1 1
    "4.4": 3,  # DEPT(L(R)): A_EM 2 + A_HS 1
    "4.5": D("1.05"), "4.5.of_which": D("0.75"),
    "4.6": 1,  # GOV A1 county-level media
    "4.7": 18,  # A 13 + A1 5
    "4.8": 4,  # GOV A 2 + GOV A1 2
}
HC_B = {k: XC_B[k] for k in _S123} | {
    "4.1": 0, "4.2": 0, "4.3": 1, "4.4": 0, "4.5": 0, "4.5.of_which": 0,
    "4.6": 0,  # only province-level media
    "4.7": 7,
    "4.8": 4,  # GOV B1
}
HC_CITY_OWN = {k: v for k, v in XC_CITY_OWN.items()}
HC_CITY_DIRECT = {k: XC_CITY_DIRECT[k] for k in XC_CITY_DIRECT if not k.startswith("4.")} | {
    "4.6": 1,  # C_EM city-level; also the 镇街's
    "4.7": 45,  # city 20 + A 13 + A1 5 + B 7
}
HC_C_HS = {
    "1.1": 1, "1.2": 1,  # H32 reported to C_ST
    "1.3": 4, "1.4": 2,
    "1.5": 2, "1.6": 2,  # H31, H32 (`department` ∈ D*); H8, H21 are county departments' responsibility
    **{k: XD_C_HS[k] for k in XD_C_HS if k[0] in "23"},
    "4.1": 1,  # C_HS
    "4.2": 1,  # C_ST
    "4.3": 2,  # C_ST
    "4.4": 2,  # C_HS
    "4.5": D("1.25"), "4.5.of_which": D("0.25"),
    "4.6": 1,  # C_ST county-level media
    "4.7": 10,  # latest of each department of D*: C_HS 6 (06-03) + C_ST 4
    "4.8": 1,
}

HC_A1 = {  # a 镇街 filing 海城's form: L4(A1) = L(A1) = A1 alone
    "1.1": 0, "1.2": 0,
    "1.3": 2, "1.4": 2,  # H12 (EA3), H14 (EA4)
    "1.5": 0, "1.6": 0,
    "2.1": 2, "2.2": 1, "2.3": 0, "2.4": 0, "2.5": 1, "2.6": 1, "2.7": 0, "2.8": 0,  # EA3 (I4), EA4 (I17)
    "3.1": 1,  # T_OFF
    "3.2": 0,  # I18 is the county station's
    "3.3.count": 0, "3.3.amount": 0, "3.4": 0, "3.5": 0,
    "3.6": 1,  # EA4 (E13, T_HS)
    "3.7": 0,  # E12 is a licence action; E9 (A_EM) and E14 (A_ST) are the county's
    "3.8": 0, "3.8.of_which": 0,
    "3.9": 3,  # AC2 1 + AC7 2
    "3.10": 0,
    "4.1": 1, "4.2": 2, "4.3": 1,
    "4.4": 2,  # the 镇街's own member units: T_OFF 1 + T_HS 1
    "4.5": D("0.2"), "4.5.of_which": D("0.2"),  # T5
    "4.6": 1, "4.7": 5, "4.8": 2,
}

# 红河 附件1 — honghe-dispatch (window M5 = [05-01, 06-30]) ----------------------------------------------------------
HH_A = {
    "1.1": 3, "1.2": 1,
    "1.3": 8,  # + H6 (05-10), H11 (05-06)
    "1.4": 5,  # H3, H6, H11, H12, H14
    "1.5": 4,  # H4, H6, H8, H11 (listed 05-08); H7's listing 04-10
    "1.6": 2,  # H6, H11
    "2.1": 5, "2.2": 2, "2.3": 1, "2.4": 2, "2.5": 2, "2.6": 1,
    "2.7": 1,  # EA2 (I7, 05-10)
    "2.8": 1,
    "3.1": 5, "3.2": 3,
    "3.3.count": 3, "3.3.amount": D("4.05"),  # E1 2.5 + E2 0.35 + E8 1.2
    "3.4": 1,
    "3.5": 8,  # E3a 5 (05-10) + E3 2 + E4 1
    "3.6": 2, "3.7": 3, "3.8": 2, "3.8.of_which": 1, "3.9": 6, "3.10": 1,
    "4.1": 3,  # GOV A 2 + 1 (05-10)
    "4.2": 1, "4.3": 5, "4.4": 3,
    "4.5": D("1.45"), "4.5.of_which": D("0.75"),  # + T6 0.4 (05-10, named)
    "4.6": 0, "4.7": 13, "4.8": 2,
}
HH_B = {k: XC_B[k] for k in XC_B} | {
    "3.9": 4,  # AC5 05-10
    "4.4": 1,  # B_HS 05-10
}
HH_CITY_OWN = {
    "1.1": 2, "1.2": 1, "1.3": 1, "1.4": 1, "1.5": 2, "1.6": 2,
    "3.1": 4,  # C_HS 3 + GOV city 05-05
    "3.2": 2,  # I15, I16
    "3.3.count": 6, "3.3.amount": D("14.1"),  # + E38 7 + E39 0.1
    "3.4": 2,  # + (C_HS, 许建罚4) complete on 05-08
    "3.5": 5,
    "3.8": 3, "3.8.of_which": 1,  # + E38 published 05-10
    "3.9": 3, "3.10": 1,
    "4.1": 1, "4.2": 0, "4.3": 2, "4.4": 2,
    "4.5": D("1.25"), "4.5.of_which": D("0.25"),
    "4.8": 3,
}
HH_CITY_DIRECT = XC_CITY_DIRECT | {
    "2.7": 2,  # EA1 (I12), EA2 (I7)
    "4.6": 1,  # GOV B, C_HS: province-level
}
HH_C_HS = {
    "1.1": 1, "1.2": 1, "1.3": 4, "1.4": 2, "1.5": 2, "1.6": 2,
    **{k: XD_C_HS[k] for k in XD_C_HS if k[0] == "2"},
    "3.1": 3, "3.2": 2,  # I15, I16 (05-05)
    "3.3.count": 6, "3.3.amount": D("14.1"),
    "3.4": 2, "3.5": 5, "3.6": 1, "3.7": 1,
    "3.8": 3, "3.8.of_which": 1,  # 许建移1, E37, E38
    "3.9": 3, "3.10": 1,
    "4.1": 1, "4.2": 1, "4.3": 2, "4.4": 2,
    "4.5": D("1.25"), "4.5.of_which": D("0.25"),
    "4.6": 1,  # C_HS province-level media
    "4.7": 10, "4.8": 1,
}

# 福州 附件4 — fuzhou-dispatch (line scope; W) -----------------------------------------------------------------------
FZ_A_HS = {  # H(A_HS) = A_HS, its unit A_ST (kind `other`), the 镇街's T_HS
    "1.1": 1,  # H13 reported to A_ST; H7 found 03-01
    "1.2": 0,
    "1.3": 2,  # H4 (A_HS), H14 (T_HS)
    "1.4": 1,  # H14
    "1.5": 2,  # H7 (A_HS, 06-15: whenever found), H14 (A_ST); H4's listing 05-10; H5's by A_EM
    "1.6": 1,  # H14
    "2.1": 2, "2.2": 0, "2.3": 0, "2.4": 1, "2.5": 0, "2.6": 1, "2.7": 0, "2.8": 0,  # EA2 (I3), EA4 (I17)
    "3.1": 1,  # A_HS
    "3.2": 1,  # I18 (A_ST)
    "3.3.count": 1, "3.3.amount": D("1.2"),  # E8
    "3.4": 0, "3.5": 0,
    "3.6": 1,  # EA4 (E13, T_HS)
    "3.7": 1,  # EA4 (E14, A_ST)
    "3.8": 1, "3.8.of_which": 1,  # E8
    "3.9": 3,  # AC6 1 + AC7 2
    "3.10": 0,
    "4.1": 4,  # GOV A 3 (房屋市政) + GOV A1 1 (建筑施工); the 危化 and 燃气 visits are outside A_HS's sectors
    "4.2": 2,  # A_HS 1 + T_HS 1
    "4.3": 42,  # A_HS 30 + T_HS 12 people
    "4.4": 5,  # A_ST
    "4.5": D("0.2"), "4.5.of_which": D("0.2"),  # T5; T6 05-10
    "4.6": 1,  # T_HS
    "4.7": 1,
    "4.8": 2,  # A_HS
}
FZ_A = FZ_A_HS | {"4.1": 5}  # region A: sectors of campaign.department (C_HS: 建筑施工, 燃气) → + the 燃气 visit
FZ_B = {  # H(B) = B_HS
    "1.1": 0, "1.2": 0, "1.3": 1, "1.4": 1, "1.5": 0, "1.6": 0,  # H22
    "2.1": 1, "2.2": 0, "2.3": 0, "2.4": 0, "2.5": 1, "2.6": 0, "2.7": 0, "2.8": 0,  # EB2 (I11)
    "3.1": 0, "3.2": 0, "3.3.count": 0, "3.3.amount": 0, "3.4": 0, "3.5": 0, "3.6": 0, "3.7": 0,
    "3.8": 0, "3.8.of_which": 0,
    "3.9": 0,  # AC5 05-10
    "3.10": 0,
    "4.1": 0,  # GOV B's visit has no sector
    "4.2": 0, "4.3": 0, "4.4": 0,  # B_HS's certificates 07-01
    "4.5": 0, "4.5.of_which": 0, "4.6": 0,
    "4.7": 2,
    "4.8": 0,
}
FZ_CITY_OWN = {  # C_HS + C_ST (additive cells)
    "1.1": 1, "1.2": 1,  # H32
    "1.3": 4, "1.4": 2,  # H3, H8, H21, H31
    "1.5": 2, "1.6": 0,  # H8 (06-20), H21 (06-10)
    "3.1": 3, "3.2": 1,
    "3.3.count": 4, "3.3.amount": D("7"), "3.4": 1, "3.5": 5,
    "3.8": 2, "3.8.of_which": 1, "3.9": 3, "3.10": 1,
    "4.1": 2,  # GOV city (建筑施工)
    "4.2": 2, "4.3": 40, "4.4": 7,
    "4.5": D("1.25"), "4.5.of_which": D("0.25"),
    "4.6": 3,  # C_HS 1 + C_ST 2 (Σ count)
    "4.7": 0, "4.8": 1,
}
FZ_CITY_DIRECT = {
    "2.1": 5,  # EA1, EA2, EA4, EB2 (I11 and I13), EC2
    "2.2": 1,  # EA1
    "2.3": 1,  # EC2
    "2.4": 2,  # EA2, EC2
    "2.5": 1,  # EB2
    "2.6": 2,  # EA4, EC2
    "2.7": 1,  # EA1
    "2.8": 1,  # EB2
    "3.6": 2,  # EA1 (E34), EA4 (E13)
    "3.7": 2,  # EA1 (E37), EA4 (E14)
}



def city_expected(own: dict, direct: dict, *counties: dict) -> dict:
    """value(city) = the city's own + Σ counties for additive cells; the others as checked directly."""
    keys = set(counties[0])
    assert set(own) | set(direct) == keys and not set(own) & set(direct)
    out = {k: own[k] + sum(c[k] for c in counties) for k in own}
    return out | direct


XC_CITY = city_expected(XC_CITY_OWN, XC_CITY_DIRECT, XC_A, XC_B)
# The province over its whole tree (L(R) down to county level): its own + 许昌 + 郑州.
XC_ZC = {  # 郑州 (additive cells): GOV ZC's activities ×6 each, H40, Z_EM's penalty (published, crime), AC 8, tip 3
    "1.1": 0, "1.2": 0, "1.3": 1, "1.4": 0, "1.5": 1, "1.6": 0,
    "3.1": 6, "3.2": 0, "3.3.count": 1, "3.3.amount": D("100"), "3.4": 0, "3.5": 0, "3.8": 1, "3.8.of_which": 1,
    "3.9": 8, "3.10": 6, "4.1": 6, "4.2": 6, "4.3": 6, "4.4": 0, "4.5": D("3"), "4.5.of_which": D("3"), "4.8": 6,
}
XC_PROVINCE_OWN = {k: 0 for k in XC_CITY_OWN} | {"4.1": 1}  # GOV 河南省 06-07
XC_PROVINCE_DIRECT = XC_CITY_DIRECT | {
    "2.2": 4,  # + EZ1 (I23)
    "2.8": 3,  # + EZ1 (I23)
    "4.7": 117,  # 许昌 20 + A 13 + B 7 + 郑州 77; 镇街 excluded
}
XC_PROVINCE = city_expected(XC_PROVINCE_OWN, XC_PROVINCE_DIRECT, XC_CITY, XC_ZC)
HC_CITY = city_expected(HC_CITY_OWN, HC_CITY_DIRECT, HC_A, HC_B)
HH_CITY = city_expected(HH_CITY_OWN, HH_CITY_DIRECT, HH_A, HH_B)
FZ_CITY = city_expected(FZ_CITY_OWN, FZ_CITY_DIRECT, FZ_A, FZ_B)
FZ_C_HS = FZ_CITY  # H(C_HS) = every housing department of the city and its units = H(city); 4.1 the same sectors

# (template, campaign, scope kind, scope attribute, expected)
CASES = {
    "xuchang-county/A": ("xuchang-county", "xuchang", "region", "a", XC_A),
    "xuchang-county/B": ("xuchang-county", "xuchang", "region", "b", XC_B),
    "xuchang-county/city": ("xuchang-county", "xuchang", "region", "city", XC_CITY),
    "xuchang-county/province": ("xuchang-county", "xuchang", "region", "province", XC_PROVINCE),
    "xuchang-department/C_HS": ("xuchang-department", "xuchang", "department", "c_hs", XD_C_HS),
    "xuchang-department/C_EM": ("xuchang-department", "xuchang", "department", "c_em", XD_C_EM),
    "haicheng/A": ("haicheng", "haicheng", "region", "a", HC_A),
    "haicheng/B": ("haicheng", "haicheng", "region", "b", HC_B),
    "haicheng/city": ("haicheng", "haicheng", "region", "city", HC_CITY),
    "haicheng/C_HS": ("haicheng", "haicheng", "department", "c_hs", HC_C_HS),
    "haicheng/A1": ("haicheng", "haicheng", "region", "a1", HC_A1),
    "honghe-dispatch/A": ("honghe-dispatch", "honghe", "region", "a", HH_A),
    "honghe-dispatch/B": ("honghe-dispatch", "honghe", "region", "b", HH_B),
    "honghe-dispatch/city": ("honghe-dispatch", "honghe", "region", "city", HH_CITY),
    "honghe-dispatch/C_HS": ("honghe-dispatch", "honghe", "department", "c_hs", HH_C_HS),
    "fuzhou-dispatch/A_HS": ("fuzhou-dispatch", "fuzhou", "department", "a_hs", FZ_A_HS),
    "fuzhou-dispatch/C_HS": ("fuzhou-dispatch", "fuzhou", "department", "c_hs", FZ_C_HS),
    "fuzhou-dispatch/region-A": ("fuzhou-dispatch", "fuzhou", "region", "a", FZ_A),
    "fuzhou-dispatch/region-B": ("fuzhou-dispatch", "fuzhou", "region", "b", FZ_B),
    "fuzhou-dispatch/region-city": ("fuzhou-dispatch", "fuzhou", "region", "city", FZ_CITY),
}

KEYS = {
    "xuchang-county": 35, "xuchang-department": 25, "haicheng": 35, "honghe-dispatch": 35, "fuzhou-dispatch": 35,
}


def run(rw, template, campaign, kind, attr, as_of=AS_OF):
    return compute(template, getattr(rw, campaign), as_of, **{kind: getattr(rw, attr)})["cells"]


def same(got, expected) -> bool:
    if isinstance(expected, Decimal):
        return got is not None and not isinstance(got, bool) and Decimal(str(got)) == expected
    return type(got) is not bool and got == expected


def differences(got: dict, expected: dict) -> list[str]:
    lines = [f"{k}: expected {expected[k]}, got {got.get(k, '<missing>')}" for k in expected
             if k not in got or not same(got[k], expected[k])]
    lines += [f"{k}: unexpected key (value {got[k]})" for k in got if k not in expected]
    return lines


def test_expected_tables_are_complete():
    for name, (template, *_rest, expected) in CASES.items():
        assert len(expected) == KEYS[template], name


@pytest.mark.parametrize("case", list(CASES))
def test_every_cell(rw, case):
    template, campaign, kind, attr, expected = CASES[case]
    got = run(rw, template, campaign, kind, attr)
    diffs = differences(got, expected)
    assert not diffs, f"{case}:\n" + "\n".join(diffs)


def test_every_cell_is_nonzero_somewhere():
    """The world is rich enough: each cell of each template has a non-zero expected value in some scope."""
    for template in KEYS:
        tables = [exp for (t, *_r, exp) in CASES.values() if t == template]
        zero = [k for k in tables[0] if not any(table[k] for table in tables)]
        assert not zero, f"{template}: {zero}"


def test_a_department_excludes_the_same_kind_department_below_it(rw):
    """D* = C_HS + C_ST: the station's work is the bureau's own; the county 住建局 (A_HS) is another id."""
    bureau = run(rw, "xuchang-department", "xuchang", "department", "c_hs")
    station = run(rw, "xuchang-department", "xuchang", "department", "c_st")
    county = run(rw, "xuchang-department", "xuchang", "department", "a_hs")
    assert bureau["1.1"] == 4 and station["1.1"] == 2  # the station found H3, H21
    assert county["1.1"] == 1  # H4 only; A_HS's finds are never in the city bureau's figure


@pytest.mark.parametrize("template,kind,attr,campaign", [
    ("xuchang-county", "department", "c_hs", "xuchang"),
    ("xuchang-department", "region", "a", "xuchang"),
])
def test_scope_the_template_does_not_take(rw, template, kind, attr, campaign):
    with pytest.raises(ScopeError):
        run(rw, template, campaign, kind, attr)


# as_of ---------------------------------------------------------------------------------------------------------
def test_a_record_dated_the_day_after_as_of_never_counts(rw):
    before = {case: run(rw, t, c, k, a) for case, (t, c, k, a, _e) in CASES.items()}
    rows_before = {scope: compute("xuchang-list", rw.xuchang, AS_OF, **{scope: getattr(rw, attr)})["rows"]
                   for scope, attr in (("region", "a"), ("department", "c_hs"))}
    add_day_after(rw)
    for case, (t, c, k, a, _e) in CASES.items():
        after = run(rw, t, c, k, a)
        diffs = [f"{key}: {before[case][key]} → {after[key]}" for key in after if after[key] != before[case][key]]
        assert not diffs, f"{case}:\n" + "\n".join(diffs)
    for scope, attr in (("region", "a"), ("department", "c_hs")):
        assert compute("xuchang-list", rw.xuchang, AS_OF, **{scope: getattr(rw, attr)})["rows"] == rows_before[scope]
    # the same records count from their own day on
    moved = run(rw, "xuchang-county", "xuchang", "region", "a", as_of=AFTER)
    assert moved["1.3"] > before["xuchang-county/A"]["1.3"]
    assert moved["3.3.count"] > before["xuchang-county/A"]["3.3.count"]


# compute_many ---------------------------------------------------------------------------------------------------
REGION_TEMPLATES = [("xuchang-county", "xuchang"), ("haicheng", "haicheng"), ("honghe-dispatch", "honghe"),
                    ("fuzhou-dispatch", "fuzhou")]


@pytest.mark.parametrize("template,campaign", REGION_TEMPLATES)
def test_compute_many_equals_compute_per_county(rw, template, campaign):
    c = add_county(rw, "411004", "鄢陵县", 3)
    dd = add_county(rw, "411005", "襄城县", 4)
    counties = [rw.a, rw.b, c, dd]
    many = compute_many(template, getattr(rw, campaign), AS_OF, counties)
    assert set(many) == {r.code for r in counties}
    for county in counties:
        one = compute(template, getattr(rw, campaign), AS_OF, region=county)["cells"]
        diffs = [f"{k}: compute {one[k]}, compute_many {many[county.code].get(k)}" for k in one
                 if many[county.code].get(k) != one[k]]
        assert not diffs, f"{template} {county.name}:\n" + "\n".join(diffs)


@pytest.mark.parametrize("template,campaign", REGION_TEMPLATES)
def test_compute_many_does_not_grow_with_the_number_of_regions(rw, template, campaign):
    c = add_county(rw, "411004", "鄢陵县", 3)
    dd = add_county(rw, "411005", "襄城县", 4)
    with CaptureQueriesContext(connection) as two:
        compute_many(template, getattr(rw, campaign), AS_OF, [rw.a, rw.b])
    with CaptureQueriesContext(connection) as four:
        compute_many(template, getattr(rw, campaign), AS_OF, [rw.a, rw.b, c, dd])
    assert len(four) == len(two), f"{template}: {len(two)} queries for 2 counties, {len(four)} for 4"


# 许昌 附件5 — xuchang-list ------------------------------------------------------------------------------------------
def _row(seq, hazard, ent, found, controls, listing, remark):
    return {
        "seq": seq, "hazard": hazard.pk, "enterprise_name": ent.name if ent else "",
        "principal_name": ent.principal_name if ent else "", "content": hazard.title, "assigned_on": found,
        "controls": controls, "listing_document": listing, "remark": remark,
    }


def test_list_rows_of_a_county(rw):
    """HZ.all of A: every major hazard homed in A found in W, closed ones included, by found_on then id."""
    h = rw.h
    expected = [
        _row(1, h.h3, rw.ea2, "2023-05-15", "已整改销号", "", "已销号（2023-06-30）"),  # closed on as_of itself
        _row(2, h.h1, rw.ea1, "2023-05-20", "已整改销号", "", "已销号（2023-06-20）"),
        # H13 and H4 share 06-01: H13 has the smaller id. Its plan is dated 07-01: neither controls nor deadline.
        _row(3, h.h13, rw.ea2, "2023-06-01", "", "", ""),
        _row(4, h.h4, rw.ea2, "2023-06-01",
             "设置警戒区域，停止相关作业；限期整改（2023-06-20前）；关闭取缔（2023-06-05）",
             "魏建督〔2023〕1号；许政督〔2023〕3号", "逾期"),  # awaiting acceptance: not closed; 06-20 < as_of
        # H5: the hazard's deadline, never the listing's (06-18+30); both stop orders in date order; E5b (07-01)
        # left out; closed 07-01 → not closed at as_of; deadline = as_of is not 逾期
        _row(5, h.h5, rw.ea1, "2023-06-05",
             "停止动火作业；限期整改（2023-06-30前）；责令停产整顿（2023-06-07）；责令停产整顿（2023-06-13）",
             "魏应急督〔2023〕5号", ""),
        _row(6, h.h8, None, "2023-06-12", "", "魏政督〔2023〕2号；许建督〔2023〕1号", ""),  # 07-01 listing left out
        _row(7, h.h12, rw.ea3, "2023-06-18", "已整改销号", "", "已销号（2023-06-29）"),
        _row(8, h.h14, rw.ea4, "2023-06-22", "已整改销号", "魏建站督〔2023〕1号", "已销号（2023-06-28）"),
        _row(9, h.h2, rw.ea1, "2023-06-25", "限期整改（2023-06-29前）", "", "逾期"),  # a plan without interim controls
    ]
    result = compute("xuchang-list", rw.xuchang, AS_OF, region=rw.a)
    assert result["cells"] == {}
    assert result["rows"] == expected


def test_list_rows_of_a_department(rw):
    """C_HS (D* with its station): found_by ∈ D* or department ∈ D*, found in W; never A_HS's own finds."""
    h = rw.h
    expected = [
        _row(1, h.h3, rw.ea2, "2023-05-15", "已整改销号", "", "已销号（2023-06-30）"),  # found by C_ST
        # H32: reported to C_ST
        _row(2, h.h32, rw.ec2, "2023-05-30", "已整改销号", "许政督〔2023〕1号", "已销号（2023-06-12）"),
        _row(3, h.h31, rw.ec1, "2023-06-04", "已整改销号", "许政督〔2023〕2号", "已销号（2023-06-15）"),
        _row(4, h.h21, rw.eb2, "2023-06-08", "限期整改（2023-07-31前）", "许建督〔2023〕3号；建政督〔2023〕1号", ""),
        _row(5, h.h8, None, "2023-06-12", "", "魏政督〔2023〕2号；许建督〔2023〕1号", ""),  # found by C_HS for A
    ]
    result = compute("xuchang-list", rw.xuchang, AS_OF, department=rw.c_hs)
    assert result["cells"] == {}
    assert result["rows"] == expected
