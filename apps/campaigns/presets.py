"""The five campaign plans of ../shared/seeds as presets: plain data, every value traced to a sentence of its seed.

A comment `000:47` means seed file 000_ae7e6691d52b778f.txt, line 47 (seeds/README.md: 000 许昌, 001 海城,
002 红河, 003 桂村, 004 福州). Dates are ISO strings, as the JSON fields store them.

Representation (validated by apps.campaigns.services, read by apps.campaigns.schedule):
- phases: `{"code", "name", "start", "end", "summary"?, "tasks"?}`; `tasks` (红河 附件3) is a list of
  `{"section", "level", "items"}`, one block per phase × level in print order (REPORTS.md §7 numbers them).
- duties: `{"kind", "every", "times", "flags"}`; a rule binds the enterprises having every flag in `flags`
  (an empty list: every enterprise), so 「高危行业领域、人员密集场所、劳动密集型企业每半年至少1次」 is three rules.
- schedule: `{"template", "cutoff_days", "due_day", "reports_from"?}`; a cut-off day is 1–31 or "last" (the
  month's last day); the due date is the first day on or after the cut-off whose day of month is `due_day` (or
  one of them, when it is a list; "last" = month end), so 福州's cut-off "last" with due day 1 is due on the 1st of
  the next month. `reports_from`: periods due before that day are not filed (「自6月份开始上报」).
  No cut-off days (红河 附件3) = no schedule printed: the caller gives `as_of`.
- sector_rows: `{"code", "label", "parent", "order", "sectors"}` (REPORTS.md §6; rows `cum`/`month` are the two
  totals of the form and carry no sectors).
- focus: `{"label", "sectors", "items"}`: a focus list as printed, the sectors it maps to, its key items.
- deadlines: `{"code", "name", "due", "level", "note"?}`, level ∈ `DEADLINE_LEVELS`.

Dates a seed does not print are inferred, and the comment says from what: 海城 and 福州 print no issue date;
桂村 prints 「2023年11月30日前」 in a plan dated 2024-11-23 (read as 2024).
"""
from apps.regions.sector_maps import HAICHENG_FOCUS, HONGHE_ROWS

DEADLINE_LEVELS = {
    "enterprise": "企业",
    "region": "各地区（党委政府）",
    "department": "各部门",
    "region_department": "各地区、各部门",
}

# --- 许昌 (000) ------------------------------------------------------------------------------------------------

XUCHANG = {
    "label": "许昌市重大事故隐患专项排查整治2023行动",
    "seed": "000_ae7e6691d52b778f.txt",
    "issuer": "许昌市安全生产委员会",  # 000:3
    "name": "许昌市重大事故隐患专项排查整治2023行动",  # 000:4-5
    "document_no": "",  # 000:3-11: the notice prints no 文号
    "start": "2023-05-09",  # 000:11 dated 2023年5月9日; 000:15 「从即日起在全市开展」
    "end": "2023-12-31",  # 000:107 总结提高（2023年12月）
    "phases": [
        {"code": "mobilisation", "name": "动员部署", "start": "2023-05-09", "end": "2023-05-10",  # 000:101
         "summary": "制定印发专项行动方案，细化明确安全生产重大事故隐患判定标准或重点检查事项等，"
                    "召开专题会议动员部署。"},
        {"code": "self_check", "name": "企业自查自改和部门帮扶", "start": "2023-05-11", "end": "2023-08-31",  # 000:103
         "summary": "企业认真开展自查自改，建立安全生产重大事故隐患台账（附件6）。各县（市、区）各有关部门对重点乡镇"
                    "（街道）、重点企业开展帮扶，完成安全执法队伍专题培训。组织开展好“安全生产月”活动。"},
        {"code": "enforcement", "name": "部门精准执法", "start": "2023-09-01", "end": "2023-11-30",  # 000:105
         "summary": "各有关部门聚焦安全生产重大事故隐患和重点检查事项，聚焦第一责任人履职情况，深入企业、一线开展精准"
                    "执法检查，严查各类非法违法和违规违章行为。"},
        {"code": "summary", "name": "总结提高", "start": "2023-12-01", "end": "2023-12-31",  # 000:107
         "summary": "全面总结专项行动取得的成效，系统梳理好经验、好做法，健全完善长效工作机制。"},
    ],
    "duties": [
        # 000:35-37 「主要负责人每月要带队…至少开展 1 次检查（高危行业领域企业每月至少 2 次）」
        {"kind": "principal_inspection", "every": "month", "times": 1, "flags": []},
        {"kind": "principal_inspection", "every": "month", "times": 2, "flags": ["high_risk"]},
        # 000:47 「至少组织开展1次事故应急救援预案演练（高危行业领域、人员密集场所、劳动密集型企业每半年至少1次）」
        {"kind": "drill", "every": "campaign", "times": 1, "flags": []},
        {"kind": "drill", "every": "half_year", "times": 1, "flags": ["high_risk"]},
        {"kind": "drill", "every": "half_year", "times": 1, "flags": ["crowded_place"]},
        {"kind": "drill", "every": "half_year", "times": 1, "flags": ["labour_intensive"]},
    ],
    # 000:382-385 附件6: 验收组成员签字 / 县市区行业主管部门意见 / 县市区政府意见 / 省辖市主管部门意见
    "sign_offs": ["acceptance_group", "county_department", "county_government", "city_department"],
    "schedule": [
        # 000:322 附件3 「自 5 月份开始上报, 每月月底前上报本月的累计情况」
        {"template": "xuchang-county", "cutoff_days": ["last"], "due_day": "last", "reports_from": "2023-05-01"},
        # 000:341 附件4 「自 5 月份开始上报省安委办，每月月底前上报本月的累计情况」
        {"template": "xuchang-department", "cutoff_days": ["last"], "due_day": "last", "reports_from": "2023-05-01"},
        # 000:355 附件5 「此表格需与附件 3、附件 4 一同上报」
        {"template": "xuchang-list", "cutoff_days": ["last"], "due_day": "last", "reports_from": "2023-05-01"},
    ],
    "sector_rows": [],
    "focus": [
        # 000:19 the focus sectors; 000:71 「突出重点行业领域安全排查整治」 names the items
        {"label": "煤矿、非煤矿山", "sectors": ["coal", "non_coal_mine"],
         "items": ["矿山开采智能化、现场管理规范化、应急救援专业化“三项建设”", "严厉打击企业非法违法生产行为",
                   "矿长下井带班、交接班、隐患排查治理等各项制度规定落实"]},  # 000:71
        {"label": "危险化学品", "sectors": ["chemicals"],
         "items": ["危险化学品生产、储存、经营、运输、使用和废弃处置各环节的安全监管"]},  # 000:71
        {"label": "交通运输（含道路、铁路、水上交通运输）", "sectors": ["transport"],
         "items": ["严查非法营运、超员超载、农用车非法载客等行为",
                   "严厉打击“两客一危一货”、校车等重点车辆违法行为"]},  # 000:71
        {"label": "建筑施工（含隧道施工）", "sectors": ["construction"], "items": []},  # 000:19
        {"label": "消防", "sectors": ["fire"],
         "items": ["劳动密集型企业消防安全专项整治“回头看”", "医疗卫生机构消防安全专项检查",
                   "“九小”场所、沿街门店综合治理"]},  # 000:71
        {"label": "燃气", "sectors": ["gas"], "items": ["瓶装液化石油气专项整治"]},  # 000:71
        {"label": "经营性自建房", "sectors": ["self_built_housing"], "items": []},  # 000:19
        {"label": "渔业船舶", "sectors": ["fishing_vessels"], "items": []},  # 000:19
        {"label": "特种设备", "sectors": ["special_equipment"], "items": []},  # 000:19
        {"label": "文化旅游", "sectors": ["culture_tourism"], "items": []},  # 000:19
        {"label": "工贸", "sectors": ["industry_trade"], "items": []},  # 000:19
        {"label": "校园安全", "sectors": ["school"], "items": []},  # 000:19
        {"label": "医疗卫生", "sectors": ["health"], "items": []},  # 000:19
        {"label": "养老服务机构", "sectors": ["elderly_care"], "items": []},  # 000:19
        {"label": "新业态新领域", "sectors": ["new_business"], "items": []},  # 000:19 「兼顾新业态新领域」
    ],
    "deadlines": [
        # 000:41 「5 月 30 日前组织开展 1 次全员安全警示教育」
        {"code": "warning_education", "name": "全员安全警示教育", "due": "2023-05-30", "level": "enterprise"},
        # 000:43-45 「5 月 30 日前…外包外租…组织开展1次全面排查」
        {"code": "outsourcing_review", "name": "外包外租全面排查", "due": "2023-05-30", "level": "enterprise"},
        # 000:123 「于2023年5月14日前将专项行动方案和动员部署情况报送市安委会办公室」
        {"code": "plan_submission", "name": "报送专项行动方案和动员部署情况", "due": "2023-05-14",
         "level": "region_department"},
        # 000:123 「将贯彻落实情况分别于2023年8月21日前、2023年12月20日前报送」
        {"code": "midterm_report", "name": "报送贯彻落实情况（中期）", "due": "2023-08-21",
         "level": "region_department"},
        {"code": "summary_report", "name": "报送贯彻落实情况（总结）", "due": "2023-12-20",
         "level": "region_department"},
    ],
}

# --- 海城 (001) ------------------------------------------------------------------------------------------------

# 001:93-153 「三、部分行业领域排查整治工作重点」: the items of each list; its sectors come from HAICHENG_FOCUS.
_HAICHENG_ITEMS = {
    "矿山领域": [  # 001:95-97
        "灾害严重矿山、超大规模超深地下矿山、露天转井工矿山、“头顶库”等高风险矿山",
        "动火作业、探放水、敲帮问顶、隐蔽致灾因素普查治理、露天矿山边坡管理等关键部位关键环节",
        "严厉打击盗采、超层越界、隐蔽工作面开采、不按设计施工、以采代建等违法行为",
    ],
    "危化品领域": [  # 001:101
        "重大危险源装置设备带“病”运行", "涉及过氧化工艺企业风险排查治理", "老旧装置安全分类整治",
        "液化烃储罐区和油气储存企业安全风险防控", "涉及重大危险源的动火等特殊作业和检维修作业安全",
        "化工园区“十有两禁”整治提升",
    ],
    "道路交通领域": [  # 001:107
        "重型货车“百吨王”、轻型货车“大吨小标”、危险货物罐车“大罐小标”等违法行为",
        "农村公路安全生命防护工程建设", "马路市场、货车拉人等乱象",
    ],
    "建筑施工领域": [  # 001:113
        "防坍塌防坠落", "“危大工程”以及隧道（洞）施工等高风险作业环节", "转包、挂靠、违法分包等行为",
        "经营性自建房隐患整改，6月底前完成所有自建房排查任务",
    ],
    "城镇燃气领域": [  # 001:121
        "瓶装液化石油气安全监管", "燃气管道带病运行、被占压、穿越密闭空间等重大隐患",
        "居民用户燃气报警器、自闭阀和长寿命连接管安装（年底前基本完成）",
    ],
    "消防安全领域": [  # 001:127-129 「三类场所」「六类隐患」
        "人员密集场所、敏感特殊场所、混合生产经营场所“三类场所”", "消防设施设备不好用",
        "采用易燃可燃保温材料和装饰装修", "不符合安全疏散条件、疏散预案不完善", "违规电焊施工、用火用电",
        "电动自行车违规停放充电", "电缆井未按要求封堵等防火分隔不符合规范要求",
    ],
    "旅游领域": [  # 001:133
        "高空、高速、水上、探险等高风险项目", "乡村旅游、农家乐、民宿、剧本娱乐、室内冰雪等新兴涉旅行业",
        "旅游包车挂靠经营、“以包代管”",
    ],
    "冶金等工贸制造业": [  # 001:137
        "金属冶炼、工业煤气、涉爆粉尘工艺场所和有中毒风险有限空间作业的企业",
        "易燃易爆区域动火、工业煤气盲板抽堵等危险作业安全管理",
    ],
    "特种设备": [  # 001:143
        "小型锅炉“大容小标”、未按要求进行使用登记和定期检验", "高压氧气瓶和气瓶质量安全追溯体系专项排查整治",
        "客运架空索道故障应急处置能力",
    ],
    "水上交通": ["渡口渡船安全隐患自检自查", "严打非法渡运船舶"],  # 001:147-149
    "网络安全": ["将数据丢失、黑客攻击等纳入安全风险辨识和事故隐患排查范围"],  # 001:153
}

HAICHENG = {
    "label": "海城市重大事故隐患专项排查整治2023行动",
    "seed": "001_3eef55874dbc2be9.txt",
    "issuer": "海城市安全生产委员会",  # 001:3
    "name": "海城市重大事故隐患专项排查整治2023行动",  # 001:7, 001:19
    "document_no": "海安委〔2023〕3号",  # 001:5
    # 001:21 「从即日起至 2023 年底」; no issue date is printed, and 001:161 cites 「市政府5月19日召开的…会议」 as
    # past: the earliest day the plan can date from
    "start": "2023-05-19",
    "end": "2023-12-31",  # 001:21 「至 2023 年底」
    "phases": [
        {"code": "mobilisation", "name": "动员部署阶段", "start": "2023-05-19", "end": "2023-05-31",  # 001:159-161
         "summary": "各镇区、各部门制定印发专项行动方案，细化明确重点整治内容和检查事项，召开专题会议动员部署"
                    "（5月26日前），将专项行动的要求传达到每个企业。"},
        {"code": "clearance", "name": "隐患清零阶段", "start": "2023-06-01", "end": "2023-08-31",  # 001:163-171
         "summary": "企业自查自纠；部门指导帮扶；隐患整治回头看，确保整改率达到100%，重大隐患动态清零。"},
        {"code": "enforcement", "name": "执法督导阶段", "start": "2023-09-01", "end": "2023-11-30",  # 001:173-175
         "summary": "各负有安全监管职责的部门聚焦重大事故隐患、重点执法检查事项开展监督执法检查，倒查追责。"},
        {"code": "summary", "name": "总结提升阶段", "start": "2023-12-01", "end": "2023-12-31",  # 001:177-179
         "summary": "全面总结评估，复核、验收检查发现隐患问题的整改情况，形成总结评估报告。"},
    ],
    "duties": [
        # 001:39 「主要负责人每季度要带队…至少开展1次检查（高危行业领域企业每月至少1次）」
        {"kind": "principal_inspection", "every": "quarter", "times": 1, "flags": []},
        {"kind": "principal_inspection", "every": "month", "times": 1, "flags": ["high_risk"]},
        # 001:49 「至少组织开展1次事故应急救援预案演练（高危行业领域企业每半年至少1次）」
        {"kind": "drill", "every": "campaign", "times": 1, "flags": []},
        {"kind": "drill", "every": "half_year", "times": 1, "flags": ["high_risk"]},
    ],
    "sign_offs": [],  # 001 prints no sign-off form
    "schedule": [
        # 001:234 「调度表自6月份开始上报,每月25日报截至本月24日前的累计情况」;
        # 001:199 「每月 25 日上报截至本月 24 日的累计情况」
        {"template": "haicheng", "cutoff_days": [24], "due_day": 25, "reports_from": "2023-06-01"},
    ],
    "sector_rows": [],
    "focus": [{"label": label, "sectors": list(sectors), "items": _HAICHENG_ITEMS[label]}
              for label, sectors in HAICHENG_FOCUS]
    + [
        # 001:155 「民爆物品、水利、电力、商贸服务、仓储物流…以及新业态新领域…也要有针对性地明确排查整治重点」
        {"label": "其他重点领域及新业态新领域",
         "sectors": ["explosives", "water_conservancy", "power", "commerce_logistics", "new_business"], "items": []},
    ],
    "deadlines": [
        # 001:161 「召开专题会议动员部署（5月26日前）」
        {"code": "mobilisation_meeting", "name": "召开专题会议动员部署", "due": "2023-05-26",
         "level": "region_department"},
        # 001:199 「于 2023 年 5 月 30 日前将专项行动方案、动员部署和传达企业情况报市安委会办公室」
        {"code": "plan_submission", "name": "报送专项行动方案、动员部署和传达企业情况", "due": "2023-05-30",
         "level": "region_department"},
        # 001:113 「确保6月底前完成所有自建房排查任务」
        {"code": "self_built_housing_survey", "name": "完成所有自建房排查任务", "due": "2023-06-30",
         "level": "region_department"},
        # 001:199 「分别于 8 月 8 日、12 月 8 日前将隐患清零情况和总结评估报告报送」
        {"code": "midterm_report", "name": "报送隐患清零情况", "due": "2023-08-08", "level": "region_department"},
        {"code": "summary_report", "name": "报送总结评估报告", "due": "2023-12-08", "level": "region_department"},
    ],
}

# --- 红河 (002) ------------------------------------------------------------------------------------------------

HONGHE = {
    "label": "红河州重大事故隐患专项排查整治2023行动",
    "seed": "002_0e06f3bdcf0aa99b.txt",
    "issuer": "红河州安全生产委员会",  # 002:1
    "name": "红河州重大事故隐患专项排查整治2023行动",  # 002:2-3
    "document_no": "",  # 002 prints no 文号
    "start": "2023-05-15",  # 002:10 「从即日起」; 002:1226 「2023年5月15日印」 (REPORTS.md §5)
    "end": "2023-12-31",  # 002:83 总结提高（2023年12月）
    "phases": [
        {"code": "mobilisation", "name": "动员部署", "start": "2023-05-15", "end": "2023-05-20",  # 002:44, 002:1083
         "tasks": [
             {"section": 1, "level": "党委政府层面", "items": [  # 002:1084-1097
                 "1.各级安委会制定印发专项行动方案。",
                 "2.政府主要负责同志亲自组织召开专题会议进行动员部署。",
                 "3.建立健全专项行动组织领导和常态化督导检查机制。",
                 "4.专题学习国务院安全生产15条硬措施和省69项具体举措及州49项分解任务。"]},
             {"section": 2, "level": "部门层面", "items": [  # 002:1100-1105
                 "1.依托现有重大隐患判定标准，结合上级主管部门明确的重点检查事项以及本行业领域典型事故教训，"
                 "研究明确细化排查整治重点和整改、验收等相关内容。",
                 "2.制定印发本部门专项行动方案，按照全覆盖要求，通知到行业领域内所有企业单位，并采取多种方式广泛开展"
                 "宣传解读，强化针对性的动员部署，把整治措施落到最小单元。"]},
         ]},
        # 002:47, 002:1108 「2023年5月中下旬至6月底」: from the plan's own date, 5/15
        {"code": "self_check", "name": "自查自改和督导帮扶", "start": "2023-05-15", "end": "2023-06-30",
         "tasks": [
             {"section": 3, "level": "企业层面（企业主要负责人）", "items": [  # 002:1122-1148
                 "1.组织开展责任体系建设情况自查。",
                 "2.研究组织本企业重大事故隐患排查整治。",
                 "3.落实全员安全生产岗位责任，发挥管理团队和专家作用。",
                 "4.组织对动火等危险作业开展排查整治。",
                 "5.组织对外包外租等生产经营活动开展排查整治。",
                 "6.组织开展事故应急救援演练活动。"]},
             {"section": 4, "level": "党委政府和部门层面", "items": [  # 002:1151-1185
                 "1.深化主题教育。",
                 "2.开展监管执法人员专题培训。",
                 "3.组织开展好6月“安全生产月”专题活动。",
                 "4.深化重大风险普查行动。",
                 "5.深化重大隐患清除行动。",
                 "6.深化问题整改提升行动。",
                 "7.深化责任落实提升行动。",
                 "8.建立打非治违长效机制。",
                 "9.开展督导帮扶。"]},
         ]},
        {"code": "enforcement", "name": "精准执法", "start": "2023-06-01", "end": "2023-12-31",  # 002:65, 002:1187
         "tasks": [
             {"section": 5, "level": "党委政府层面", "items": [  # 002:1188-1201
                 "1.党委政府主要负责同志要定期听取工作进展情况汇报，研究解决安全生产重大问题。",
                 "2.政府其他负责同志按职责分工，定期开展现场督导检查。",
                 "3.在规划编制、项目准入等初始环节把好安全关。",
                 "4.大力实施源头治理、依法治理、工程治理、科技强安等治本之策，提高本质安全水平。"]},
             {"section": 6, "level": "部门层面（负有安全监管职责部门）", "items": [  # 002:1204-1214
                 "1.聚焦排查整治重点精准严格执法。",
                 "2.建立倒查机制严格问责问效。",
                 "3.创新监管和服务方式，切实提升监管执法效能。"]},
         ]},
        {"code": "summary", "name": "总结提高", "start": "2023-12-01", "end": "2023-12-31",  # 002:83, 002:1216
         "tasks": [
             {"section": 7, "level": "党委政府、部门、企业", "items": [  # 002:1217-1218
                 "全面总结专项行动取得的成效，系统梳理好经验、好做法，积极推动互学互鉴，不断完善安全生产制度措施，"
                 "健全完善长效工作机制。"]},
         ]},
    ],
    "duties": [
        # 002:50, 002:1132 「每季度带队…至少开展1次检查（高危行业领域企业每月至少1次）」
        {"kind": "principal_inspection", "every": "quarter", "times": 1, "flags": []},
        {"kind": "principal_inspection", "every": "month", "times": 1, "flags": ["high_risk"]},
        # 002:54, 002:1148 「至少组织开展1次事故应急救援预案演练（高危行业领域企业每半年至少1次）」
        {"kind": "drill", "every": "campaign", "times": 1, "flags": []},
        {"kind": "drill", "every": "half_year", "times": 1, "flags": ["high_risk"]},
    ],
    "sign_offs": [],  # 002 prints no sign-off form
    "schedule": [
        # 002:254 附件1 「调度表自5月份开始报送，每月25日前报5月以来累计情况」
        {"template": "honghe-dispatch", "cutoff_days": [24], "due_day": 25, "reports_from": "2023-05-01"},
        # 002:1071 附件2 「于每月5/15/25日前将今年以来累计数报至州安委会办公室」
        {"template": "honghe-statistics", "cutoff_days": [4, 14, 24], "due_day": [5, 15, 25]},
        # 002:1075 附件3 prints no schedule: the caller gives as_of
        {"template": "honghe-tasks", "cutoff_days": [], "due_day": None},
    ],
    # 002:341-1043 附件2 rows (REPORTS.md §6); the sector mapping is apps.regions.sector_maps.HONGHE_ROWS
    "sector_rows": [
        {"code": "cum", "label": "累计总计", "parent": None, "order": 1, "sectors": []},  # 002:341
        {"code": "month", "label": "本月总计", "parent": None, "order": 2, "sectors": []},  # 002:367
    ] + [
        {"code": code, "label": label, "parent": parent or None, "order": n, "sectors": list(sectors)}
        for n, (code, label, parent, sectors) in enumerate(HONGHE_ROWS, start=3)  # 002:393-1043
    ],
    "focus": [
        # 002:25-40 「三、整治重点」 (一)–(十五): the 重大隐患 of each list
        {"label": "煤矿", "sectors": ["coal"], "items": [  # 002:26
            "超能力、超强度或者超定员组织生产", "瓦斯超限作业", "有严重水患、未采取有效措施",
            "煤矿没有双回路供电系统"]},
        {"label": "非煤矿山", "sectors": ["non_coal_mine"], "items": [  # 002:27
            "地下矿山现状与实际图纸不符、采区与采空区重叠", "露天矿山未分台阶或者分层开采",
            "工作帮坡角大于设计工作帮坡角", "尾矿库安全度汛、露天矿山边坡“一面墙”开采"]},
        {"label": "非法盗采矿产资源", "sectors": ["illegal_mining"], "items": [  # 002:28
            "以各种工程建设名义盗采矿山资源", "以暗堡等形式秘密进行盗采矿山资源",
            "擅自启封已经关闭取缔矿井、废弃矿井等盗采矿山资源"]},
        {"label": "危险化学品", "sectors": ["chemicals"], "items": [  # 002:29
            "外部安全距离不足", "未实现紧急切断功能", "未配备独立的安全仪表系统", "未进行安全设计诊断",
            "地区架空电力线路违规穿越生产区且不符合国家标准要求", "未使用万向管道充装系统"]},
        {"label": "道路运输", "sectors": ["transport.road", "transport.road_facilities"], "items": [  # 002:30
            "未经评估加固提升的独柱墩桥梁", "没有安全防护设施的临水临崖路段", "事故易发多发的连续长陡下坡路段",
            "“百吨王”、轻型货车“大吨小标”、危货车辆非法改装、“两客一危”挂靠"]},
        {"label": "建筑施工", "sectors": ["construction"], "items": [  # 002:31
            "建筑施工企业无资质施工", "特种作业人员无证上岗", "未严格按照专项施工方案组织施工",
            "层层转包、违法分包"]},
        {"label": "消防", "sectors": ["fire"], "items": [  # 002:32
            "违反规定使用明火作业", "电器线路的敷设不符合规定", "占用、堵塞、封闭消防车通道、疏散通道、安全出口",
            "擅自停用消防设施、器材", "违规储存使用易燃易爆危险品"]},
        {"label": "自建房", "sectors": ["self_built_housing"], "items": [  # 002:33
            "自建房地基基础失稳、主体结构严重受损", "使用易燃可燃夹芯彩钢板私搭乱建",
            "违规改造、私自加层、擅自拆改主体结构"]},
        {"label": "城镇燃气", "sectors": ["gas"], "items": [  # 002:34
            "老化燃气管道带病运行", "高中压管道被占压", "燃气场站设施安全间距不符合要求", "燃气管网穿越密闭空间",
            "腐蚀泄漏点涉人员密集场所", "气瓶间违规设置"]},
        {"label": "旅游", "sectors": ["culture_tourism"], "items": [  # 002:35
            "景区景点滑（索）道、玻璃栈道、网红吊桥等特种设备和高风险旅游项目监管不到位",
            "景区景点超过最大承载量、使用“三点式”安全带、老旧设施带“病”运行、私设“景点”"]},
        {"label": "工贸", "sectors": ["industry_trade"], "items": [  # 002:36
            "承包承租单位管理混乱", "特种作业无证上岗", "电气焊违规动火作业", "检维修违法分包转包"]},
        {"label": "水上交通和渔业船舶", "sectors": ["transport.water", "fishing_vessels"], "items": [  # 002:37
            "运营船舶不满足安全技术条件、证书不全、配员不足、超载超航区航行、长期脱管脱检",
            "非法码头、非法运输、非法载客、非法捕捞作业"]},
        {"label": "民爆物品", "sectors": ["explosives"], "items": [  # 002:38
            "危险源（点）风险辨识和管控不到位", "混存混放、超量存储、违规操作", "图实不一、内外部安全距离不足",
            "10人以上危险作业场所"]},
        {"label": "学校", "sectors": ["school"], "items": [  # 002:39
            "防溺水、防欺凌、食品安全、交通安全等方面及校园周边安全"]},
        {"label": "其他重点领域", "sectors": [  # 002:40
            "special_equipment", "water_conservancy", "power", "commerce_logistics", "slaughter_biogas", "health",
            "laboratory"], "items": []},
    ],
    "deadlines": [
        # 002:90 「于2023年5月20日前将专项行动方案及动员部署情况报送州安委会办公室」
        {"code": "plan_submission", "name": "报送专项行动方案及动员部署情况", "due": "2023-05-20",
         "level": "region_department"},
        # 002:90 「于2023年6月25日前报送…《重大安全风险管控责任清单》」
        {"code": "risk_lists", "name": "报送《重大安全风险管控责任清单》", "due": "2023-06-25",
         "level": "region_department"},
        # 002:90 「于2023年8月15日前报送阶段工作情况、2023年12月15日前报送工作总结」
        {"code": "midterm_report", "name": "报送阶段工作情况", "due": "2023-08-15", "level": "region_department"},
        {"code": "summary_report", "name": "报送工作总结", "due": "2023-12-15", "level": "region_department"},
    ],
}

# --- 桂村 (003) ------------------------------------------------------------------------------------------------

GUICUN = {
    "label": "桂村乡2024今冬明春重大事故隐患专项排查整治",
    "seed": "003_d34ad99430926bf1.txt",
    "issuer": "桂村乡人民政府",  # 003:7
    "name": "桂村乡2024今冬明春重大事故隐患专项排查整治",  # 003:1
    "document_no": "",  # 003 prints no 文号
    "start": "2024-11-23",  # 003:9 dated 2024年11月23日; 003:15 「从即日起在全乡开展」
    "end": "2024-12-31",  # 003:76 总结提高（2024年12月）
    "phases": [
        # 003:70 prints 「2023年11月30日前」 in a plan dated 2024-11-23: read as 2024-11-30
        {"code": "mobilisation", "name": "动员部署", "start": "2024-11-23", "end": "2024-11-30",
         "summary": "乡级层面组织制定印发专项行动方案，细化明确安全生产重大事故隐患判定标准或重点检查事项等，"
                    "召开专题会议动员部署。"},
        {"code": "self_check", "name": "企业自查自改和部门帮扶", "start": "2024-12-01", "end": "2024-12-31",  # 003:72
         "summary": "企业认真开展自查自改，建立安全生产重大事故隐患台账。各行政村、乡直各单位对重点区域、重点企业开展"
                    "帮扶，完成安全监管执法队伍专题培训。"},
        # 003:74 「12月底前」, the same deadline as the phase before: the two run alongside
        {"code": "enforcement", "name": "部门精准执法", "start": "2024-12-01", "end": "2024-12-31",
         "summary": "各有关部门聚焦安全生产重大事故隐患和重点检查事项，聚焦第一责任人履职情况，深入企业、一线开展精准"
                    "执法检查。"},
        {"code": "summary", "name": "总结提高", "start": "2024-12-01", "end": "2024-12-31",  # 003:76
         "summary": "全面总结专项行动取得的成效，系统梳理好经验、好做法，健全完善长效工作机制。"},
    ],
    "duties": [
        # 003:28 「主要负责人每月要带队…至少开展1次检查（高危行业领域企业每月至少2次）」
        {"kind": "principal_inspection", "every": "month", "times": 1, "flags": []},
        {"kind": "principal_inspection", "every": "month", "times": 2, "flags": ["high_risk"]},
        # 003:36 「至少组织开展1次事故应急救援预案演练（高危行业领域、人员密集场所、劳动密集型企业每半年至少1次）」
        {"kind": "drill", "every": "campaign", "times": 1, "flags": []},
        {"kind": "drill", "every": "half_year", "times": 1, "flags": ["high_risk"]},
        {"kind": "drill", "every": "half_year", "times": 1, "flags": ["crowded_place"]},
        {"kind": "drill", "every": "half_year", "times": 1, "flags": ["labour_intensive"]},
    ],
    "sign_offs": [],  # 003 prints no form (seeds/README.md; REPORTS.md: 「桂村 (003) prints no form」)
    "schedule": [],  # 003:83 「乡政府将适时听取各村、各企业主体的回报」: no report form, no schedule
    "sector_rows": [],
    "focus": [
        # 003:18 the focus sectors (no 煤矿/非煤矿山, unlike 许昌); 003:49 the items
        {"label": "危险化学品", "sectors": ["chemicals"],
         "items": ["危险化学品生产、储存、经营、运输、使用和废弃处置各环节的安全监管"]},  # 003:49
        {"label": "交通运输（含道路、铁路、水上交通运输）", "sectors": ["transport"],
         "items": ["严查非法营运、超员超载、农用车非法载客等行为",
                   "严厉打击“两客一危一货”、校车等重点车辆违法行为"]},  # 003:49
        {"label": "建筑施工（含隧道施工）", "sectors": ["construction"], "items": []},  # 003:18
        {"label": "消防", "sectors": ["fire"],
         "items": ["劳动密集型企业消防安全专项整治“回头看”", "医疗卫生机构消防安全专项检查",
                   "“九小”场所、沿街门店综合治理"]},  # 003:49
        {"label": "燃气", "sectors": ["gas"], "items": ["瓶装液化石油气专项整治"]},  # 003:49
        {"label": "经营性自建房", "sectors": ["self_built_housing"], "items": []},  # 003:18
        {"label": "渔业船舶", "sectors": ["fishing_vessels"], "items": []},  # 003:18
        {"label": "特种设备", "sectors": ["special_equipment"], "items": []},  # 003:18
        {"label": "文化旅游", "sectors": ["culture_tourism"], "items": []},  # 003:18
        {"label": "工贸", "sectors": ["industry_trade"], "items": []},  # 003:18
        {"label": "校园安全", "sectors": ["school"], "items": []},  # 003:18
        {"label": "医疗卫生", "sectors": ["health"], "items": []},  # 003:18
        {"label": "养老服务机构", "sectors": ["elderly_care"], "items": []},  # 003:18
        {"label": "有限空间等关键作业环节", "sectors": ["confined_space"],
         "items": ["电气焊等特种作业、有限空间作业、粉尘清扫作业等关键环节"]},  # 003:49
        {"label": "新业态新领域", "sectors": ["new_business"], "items": []},  # 003:18 「兼顾新业态新领域」
    ],
    "deadlines": [
        # 003:32 「6月15日前组织开展1次全员安全警示教育活动」 and 003:34 「6月15日前…外包外租…组织开展1次全面排查」:
        # the first 15 June after the plan's date (2024-11-23); the plan copies a spring text, so it falls after
        # the 总结提高 month it prints (003:76)
        {"code": "warning_education", "name": "全员安全警示教育", "due": "2025-06-15", "level": "enterprise",
         "note": "方案印发于2024年11月23日，「6月15日前」按其后的6月15日理解，"
                 "晚于方案所列的总结提高阶段（2024年12月）"},
        {"code": "outsourcing_review", "name": "外包外租全面排查", "due": "2025-06-15", "level": "enterprise",
         "note": "同上"},
    ],
}

# --- 福州 (004) ------------------------------------------------------------------------------------------------

FUZHOU = {
    "label": "福州市建设系统重大事故隐患专项排查整治2023行动",
    "seed": "004_bced4c741a718fdd.txt",
    "issuer": "福州市城乡建设局",  # 004:3 (the campaign's `department`: the 市建设局, REPORTS.md §8)
    "name": "福州市建设系统重大事故隐患专项排查整治2023行动",  # 004:7, 004:19
    "document_no": "榕建质安〔2023〕73号",  # 004:5
    # 004:21 「从即日起」; no issue date is printed: the first deadline is 2023年5月20日 (004:107) and the first
    # report covers May (004:226 「自 6 月份开始上报…截至上月末的累计情况」): read as from 1 May 2023
    "start": "2023-05-01",
    "end": "2023-12-31",  # 004:113 总结提高（2023年12月31日前）
    "phases": [
        {"code": "mobilisation", "name": "动员部署", "start": "2023-05-01", "end": "2023-05-20",  # 004:107
         "summary": "各单位结合实际明确工作要求，进行动员部署，传达排查整治标准要求。"},
        # 004:109
        {"code": "self_check", "name": "企业自查自改和主管部门帮扶", "start": "2023-05-21", "end": "2023-07-10",
         "summary": "企业认真开展自查自改，建立安全生产重大事故隐患台账。各县（市）区建设局对重点地区、"
                    "重点企业开展帮扶，完成安全执法队伍专题培训。组织开展好“安全生产月”活动。"},
        {"code": "enforcement", "name": "部门精准执法", "start": "2023-07-11", "end": "2023-11-15",  # 004:111
         "summary": "聚焦安全生产重大事故隐患和重点检查事项，聚焦第一责任人履职情况，深入企业、一线开展精准执法检查。"},
        {"code": "summary", "name": "总结提高", "start": "2023-11-16", "end": "2023-12-31",  # 004:113-115
         "summary": "全面总结专项行动取得的成效，系统梳理好经验、好做法，健全完善长效工作机制。"},
    ],
    "duties": [
        # 004:37 「企业主要负责人每月要带队对本单位重大事故隐患排查整治情况开展至少1次检查」
        {"kind": "principal_inspection", "every": "month", "times": 1, "flags": []},
        # 004:49 「每半年至少组织 1 次事故应急救援预案演练」: every enterprise
        {"kind": "drill", "every": "half_year", "times": 1, "flags": []},
    ],
    "sign_offs": [],  # 004 prints no sign-off form
    "schedule": [
        # 004:226 附件4 「本表自 6 月份开始上报，每月 1 日前上报截至上月末的累计情况」; 004:129 「每月按照(附件4)填报」
        {"template": "fuzhou-dispatch", "cutoff_days": ["last"], "due_day": 1, "reports_from": "2023-06-01"},
    ],
    "sector_rows": [],
    "focus": [
        {"label": "燃气", "sectors": ["gas"], "items": [  # 004:93, 附件1 004:142-144
            "厂站设施老旧、人员配置及安全投入不足、隐患排查不到位等企业管理问题", "不具备安全用气条件的餐饮场所",
            "管道被占压圈围等易导致事故突出问题"]},
        {"label": "建筑施工", "sectors": ["construction"], "items": [  # 004:95-97, 附件2
            "基坑工程、模板工程、脚手架工程、建筑起重机械及吊装工程、临时施工用电、有限空间作业",
            "责任主体未带队（班）检查、不执行“安全日志”制度", "危大工程、高处作业、施工消防安全管控不到位",
            "地铁、隧道工程违章指挥、强令冒险作业、违反操作规程", "在用公共建筑装饰装修工程未按规定开展质量安全监督"]},
        {"label": "有限空间作业", "sectors": ["confined_space"], "items": [  # 004:99, 附件3
            "无项目台账", "作业队伍和人员底数不清", "管理不规范", "人员无培训"]},
    ],
    "deadlines": [
        # 004:129 「于2023年5月30日前将动员部署情况报送市建设局」
        {"code": "plan_submission", "name": "报送动员部署情况", "due": "2023-05-30", "level": "department"},
        # 004:129 「将贯彻落实情况分别于2023年8月5日、2023年12月5日前发送至市建设局邮箱」
        {"code": "midterm_report", "name": "报送贯彻落实情况（中期）", "due": "2023-08-05", "level": "department"},
        {"code": "summary_report", "name": "报送贯彻落实情况（总结）", "due": "2023-12-05", "level": "department"},
    ],
}

PRESETS: dict[str, dict] = {
    "xuchang-2023": XUCHANG,
    "haicheng-2023": HAICHENG,
    "honghe-2023": HONGHE,
    "guicun-2024": GUICUN,
    "fuzhou-2023": FUZHOU,
}

PRESET_CHOICES = [(code, preset["label"]) for code, preset in PRESETS.items()]

# The keys a preset supplies to a campaign (API.md: "it supplies what follows, and start/end … unless given").
SUPPLIED = ["name", "issuer", "document_no", "start", "end", "phases", "duties", "sign_offs", "schedule",
            "sector_rows", "focus", "deadlines"]
