"""API.md: "every figure of every report form must be reproducible from records created through it alone". A
past campaign's records are loaded through the API with an administrator's token — past-dated, as another
platform would — and the 调度表 computed through `reports/compute/` counts them by the rules of REPORTS.md."""
from rest_framework.test import APIClient

from apps.core.uscc import make_uscc

PASSWORD = "Report-world-2026"


def created(answer) -> dict:
    assert answer.status_code in (200, 201), answer.json()
    return answer.json()


def test_a_campaigns_figures_from_records_loaded_through_the_api(db, django_user_model):
    django_user_model.objects.create_superuser("platform", password=PASSWORD)
    token = APIClient().post("/api/v1/auth/token/", {"username": "platform", "password": PASSWORD},
                             format="json").json()["token"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    def post(path, body):
        return created(api.post(f"/api/v1/{path}", body, format="json"))

    for code, name, level, parent in [("41", "河南省", 1, None), ("4110", "许昌市", 2, "41"),
                                      ("411002", "魏都区", 3, "4110"), ("411003", "建安区", 3, "4110")]:
        post("regions/", {"code": code, "name": name, "level": level, "parent": parent})
    city_emergency = post("departments/", {"name": "许昌市应急管理局", "kind": "emergency", "region": "4110",
                                           "sectors": ["chemicals", "industry_trade"]})["id"]
    county_emergency = post("departments/", {"name": "魏都区应急管理局", "kind": "emergency", "region": "411002",
                                             "sectors": ["chemicals", "industry_trade"]})["id"]
    chem = post("enterprises/", {"name": "魏都化工有限公司", "uscc": make_uscc(1, "411002"), "region": "411002",
                                 "sectors": ["chemicals"], "departments": [county_emergency]})["id"]
    plant = post("enterprises/", {"name": "魏都机械厂", "uscc": make_uscc(2, "411002"), "region": "411002",
                                  "sectors": ["industry_trade"], "departments": [county_emergency]})["id"]
    campaign = post("campaigns/", {"slug": "xc2023", "name": "许昌市重大事故隐患专项排查整治2023行动",
                                   "region": "4110", "preset": "xuchang-2023"})
    assert campaign["start"] <= "2023-05-15" and campaign["end"] == "2023-12-31"

    # hazards: one self-reported and closed through plan → submit → accept with the 附件6 sign-offs, one found by
    # the county department and still open, one found before the campaign (outside W)
    own = post("hazards/", {"enterprise": chem, "title": "液氯储罐区未设置泄漏报警", "level": "major", "source": "self",
                            "found_on": "2023-06-01", "department": county_emergency})
    post(f"hazards/{own['id']}/plan/", {"owner": "张厂长", "measures": "加装报警仪", "funds": "2.5",
                                        "deadline": "2023-06-20", "contingency": "停用储罐",
                                        "planned_on": "2023-06-02"})
    post(f"hazards/{own['id']}/submit/", {"note": "已整改"})
    closed = post(f"hazards/{own['id']}/accept/", {
        "accepted_on": "2023-06-18", "members": ["李工"], "conclusion": "合格",
        "sign_offs": [{"level": level, "name": "签字人", "opinion": "同意", "signed_on": "2023-06-18"}
                      for level in ("acceptance_group", "county_department", "county_government",
                                    "city_department")]})
    assert closed["status"] == "closed"
    post("hazards/", {"enterprise": plant, "title": "冲压机光电保护失效", "level": "major", "source": "department",
                      "found_on": "2023-06-05", "found_by_department": county_emergency})
    post("hazards/", {"enterprise": plant, "title": "旧隐患", "level": "major", "source": "department",
                      "found_on": "2023-04-01", "found_by_department": county_emergency})

    # a spot-check by the county department (2 findings), one by the city department of the same enterprise
    post("inspections/", {"enterprise": chem, "kind": "enforcement", "department": county_emergency,
                          "inspected_on": "2023-06-10", "findings": ["uncertified_special_work", "no_drill"]})
    post("inspections/", {"enterprise": chem, "kind": "enforcement", "department": city_emergency,
                          "inspected_on": "2023-06-11", "findings": ["no_drill"]})
    # 一案双罚 by the county department: enterprise and principal penalised in one case
    for against_principal, amount in ((False, "3"), (True, "0.5")):
        post("enforcement-actions/", {"enterprise": chem, "department": county_emergency, "kind": "penalty",
                                      "decided_on": "2023-06-12", "amount": amount, "case_no": "魏应急罚〔2023〕7号",
                                      "against_principal": against_principal})
    post("accountability/", {"region": "411002", "decided_on": "2023-06-20", "persons": 2, "note": "未发现隐患"})
    post("activities/", {"kind": "special_study", "region": "411002", "occurred_on": "2023-05-20"})
    post("activities/", {"kind": "enterprise_briefing", "department": county_emergency, "region": "411002",
                         "occurred_on": "2023-05-25", "count": 3})
    post("activities/", {"kind": "inspector_headcount", "region": "411002", "occurred_on": "2023-05-30",
                         "people": 12})
    tip = post("tips/", {"region": "411002", "enterprise_name": "魏都化工有限公司", "description": "夜间违规动火",
                         "anonymous": True, "received_on": "2023-06-01"})
    post(f"tips/{tip['id']}/triage/", {"department": county_emergency, "enterprise": chem, "triaged_on": "2023-06-02"})
    post(f"tips/{tip['id']}/verify/", {"outcome": "verified", "verified_on": "2023-06-05"})
    post(f"tips/{tip['id']}/reward/", {"amount": "0.2", "rewarded_on": "2023-06-10"})

    county = api.get("/api/v1/reports/compute/", {"template": "xuchang-county", "campaign": "xc2023",
                                                  "region": "411002", "as_of": "2023-06-30"}).json()["cells"]
    assert (county["1.1"], county["1.2"], county["1.3"], county["1.4"]) == (1, 1, 1, 0)
    assert (county["2.1"], county["2.6"], county["2.8"]) == (1, 1, 1)  # the city's own check is the city's
    assert (county["3.3.count"], county["3.3.amount"], county["3.4"]) == (2, 3.5, 1)
    assert (county["3.9"], county["4.1"], county["4.4"], county["4.7"]) == (2, 1, 3, 12)
    assert (county["4.5"], county["4.5.of_which"]) == (0.2, 0.2)

    city = api.get("/api/v1/reports/compute/", {"template": "xuchang-county", "campaign": "xc2023",
                                                "region": "4110", "as_of": "2023-06-30"}).json()["cells"]
    assert city["1.1"] == 1 and city["2.1"] == 1 and city["2.8"] == 1  # one enterprise, checked twice
    department = api.get("/api/v1/reports/compute/", {"template": "xuchang-department", "campaign": "xc2023",
                                                      "department": city_emergency,
                                                      "as_of": "2023-06-30"}).json()["cells"]
    assert department["2.1"] == 1 and department["2.6"] == 0 and department["3.3.count"] == 0
