"""How the seeds' own sector lists map onto the sector tree. Campaign presets (issue 7) read these.

- 红河 附件2 rows (REPORTS.md §6): `HONGHE_ROWS`, each (code, label, parent row, sectors). A record falls in the
  deepest row whose sectors contain its sector or an ancestor of it; none → `other`.
- 海城's eleven focus lists (「三、部分行业领域排查整治工作重点」, seed 001): `HAICHENG_FOCUS`.
- Sectors a seed names that SECTORS.md does not: `SEED_SECTORS`, children `<parent>.<word>` added by a migration.
"""

SEED_SECTORS: list[tuple[str, str, str]] = [
    ("industry_trade.metallurgy", "冶金等工贸制造业", "industry_trade"),  # 海城 （八）
    ("other.network_security", "网络安全", "other"),  # 海城 （十一）
]

# (row code, 行业领域 label as printed, parent row or "", sectors)
HONGHE_ROWS: list[tuple[str, str, str, list[str]]] = [
    ("transport", "交通运输", "", ["transport.road", "transport.water", "fishing_vessels"]),
    ("road_facilities", "公路设施", "", ["transport.road_facilities"]),
    ("construction", "建设项目", "", ["construction"]),
    ("construction_housing", "其中：房屋市政", "construction", ["construction.housing"]),
    ("construction_highway", "公路", "construction", ["construction.highway"]),
    ("construction_railway", "铁路", "construction", ["construction.railway"]),
    ("construction_water", "水利", "construction", ["construction.water"]),
    ("construction_power", "电力", "construction", ["construction.power"]),
    ("parks", "各类园区", "", ["parks"]),
    ("coal", "煤矿", "", ["coal"]),
    ("non_coal_mine", "非煤矿山", "", ["non_coal_mine"]),
    ("self_built_housing", "自建房", "", ["self_built_housing"]),
    ("gas", "燃气设施", "", ["gas"]),
    ("special_equipment", "特种设备", "", ["special_equipment"]),
    ("chemicals", "化工和危化品", "", ["chemicals"]),
    ("tourism", "旅游", "", ["culture_tourism"]),
    ("fire", "消防", "", ["fire"]),
    ("industry_trade", "工贸", "", ["industry_trade"]),
    ("hydropower", "水电站", "", ["hydropower"]),
    ("hydropower_large", "其中：5万（含）以上", "hydropower", ["hydropower.large"]),
    ("hydropower_small", "5万以下", "hydropower", ["hydropower.small"]),
    ("flood", "防汛减灾", "", ["flood"]),
    ("old_installations", "老旧装置", "", ["old_installations"]),
    ("high_risk_installations", "高危装置", "", ["high_risk_installations"]),
    ("accident_prone", "事故易发多发企业", "", ["accident_prone"]),
    ("other", "其他", "", ["explosives", "school", "water_conservancy", "power", "commerce_logistics",
                          "slaughter_biogas", "health", "laboratory", "other"]),
]

# 海城 focus list (as printed) → sectors
HAICHENG_FOCUS: list[tuple[str, list[str]]] = [
    ("矿山领域", ["coal", "non_coal_mine"]),
    ("危化品领域", ["chemicals"]),
    ("道路交通领域", ["transport.road"]),
    ("建筑施工领域", ["construction"]),
    ("城镇燃气领域", ["gas"]),
    ("消防安全领域", ["fire"]),
    ("旅游领域", ["culture_tourism"]),
    ("冶金等工贸制造业", ["industry_trade.metallurgy", "industry_trade"]),
    ("特种设备", ["special_equipment"]),
    ("水上交通", ["transport.water"]),
    ("网络安全", ["other.network_security"]),
]
