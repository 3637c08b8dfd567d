"""The enterprise registry as .xlsx: export, template and import (apps.enterprises.spreadsheet)."""
import io

from openpyxl import Workbook, load_workbook

from apps.audit.models import Action, AuditEntry
from apps.audit.services import verify_chain
from apps.core import xlsx
from apps.core.uscc import make_uscc
from apps.enterprises import spreadsheet
from apps.enterprises.models import FLAGS, Enterprise, EnterpriseDepartment, EnterpriseSector, EnterpriseState
from apps.enterprises.spreadsheet import (
    COLUMNS,
    MSG_TAKEN,
    NOTE_HEADER,
    enterprise_template,
    export_enterprises,
    import_enterprises,
)
from apps.regions.models import Department

HEADERS = [h for _, h in COLUMNS]
COL = {key: i for i, (key, _) in enumerate(COLUMNS, start=1)}  # field key → 1-based column
H = dict(COLUMNS)


def row(n, **values):
    """A good row for 魏都区 (411002) unless told otherwise."""
    data = {"name": f"导入企业{n}", "uscc": make_uscc(1000 + n, "411002"), "region": "411002",
            "sectors": "chemicals", "principal_phone": "13800000000"}
    data.update(values)
    return data


def book(rows, headers=HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    keys = {h: k for k, h in COLUMNS}
    for r in rows:
        ws.append([r.get(keys.get(h)) for h in headers])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def sheet_of(data: bytes):
    return load_workbook(io.BytesIO(data)).worksheets[0]


def state_of_registry() -> dict:
    """Every enterprise's data, ordered sectors and departments, without version and timestamps."""
    fields = [f.attname for f in Enterprise._meta.concrete_fields if f.name not in ("version", "updated_at")]
    result = {}
    for e in Enterprise.objects.all():
        result[e.uscc] = ({f: getattr(e, f) for f in fields}, e.ordered_sector_codes(),
                          sorted(e.department_links.values_list("department_id", flat=True)))
    return result


# ---------------------------------------------------------------------------------------------------- export

def test_export_of_a_filtered_list_has_exactly_those_enterprises_and_the_right_cells(world):
    EnterpriseSector.objects.filter(enterprise=world.gas_a).delete()
    EnterpriseSector.objects.create(enterprise=world.gas_a, sector_id="gas", order=0)
    EnterpriseSector.objects.create(enterprise=world.gas_a, sector_id="chemicals", order=1)
    EnterpriseSector.objects.create(enterprise=world.gas_a, sector_id="fire", order=2)
    Enterprise.objects.filter(pk=world.gas_a.pk).update(state=EnterpriseState.SUSPENDED, state_owned=True,
                                                        principal_phone="0374-1234567")

    ws = sheet_of(export_enterprises(Enterprise.objects.filter(region_id="411002")))

    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert ws.freeze_panes == "A2"
    assert all(c.font.b for c in ws[1])
    assert ws.column_dimensions["A"].width >= 20
    by_uscc = {r[COL["uscc"] - 1]: r for r in rows[1:]}
    assert set(by_uscc) == {world.chem_a.uscc, world.build_a.uscc, world.gas_a.uscc}

    chem = by_uscc[world.chem_a.uscc]
    assert chem[COL["name"] - 1] == "魏都化工有限公司"
    assert chem[COL["region"] - 1] == "411002"
    assert chem[COL["sectors"] - 1] == "危险化学品（化工和危化品）"
    assert chem[COL["departments"] - 1] == "魏都区应急管理局"
    assert chem[COL["principal_name"] - 1] == "负责人1"
    assert chem[COL["high_risk"] - 1] == "是"
    assert [chem[COL[f] - 1] for f in FLAGS if f != "high_risk"] == ["否"] * (len(FLAGS) - 1)
    assert chem[COL["state"] - 1] == "在业"

    gas = by_uscc[world.gas_a.uscc]
    assert gas[COL["sectors"] - 1] == "燃气（城镇燃气、燃气设施）、危险化学品（化工和危化品）、消防"  # in order
    assert gas[COL["departments"] - 1] is None
    assert gas[COL["state_owned"] - 1] == "是" and gas[COL["high_risk"] - 1] == "否"
    assert gas[COL["state"] - 1] == "停产整顿"
    assert gas[COL["principal_phone"] - 1] == "0374-1234567"


def test_export_keeps_formula_looking_text_as_text(world):
    Enterprise.objects.filter(pk=world.chem_a.pk).update(address='=HYPERLINK("http://x","y")')
    data = export_enterprises(Enterprise.objects.filter(pk=world.chem_a.pk))
    ws = sheet_of(data)
    cell = ws.cell(row=2, column=COL["address"])
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_export_then_import_by_an_admin_round_trips(world):
    # Two departments of the same name: the one in another county must come back as the same department.
    a_office = Department.objects.create(name="安全生产委员会办公室", kind="other", region=world.county_a)
    b_office = Department.objects.create(name="安全生产委员会办公室", kind="other", region=world.county_b)
    EnterpriseDepartment.objects.create(enterprise=world.chem_a, department=b_office)
    EnterpriseDepartment.objects.create(enterprise=world.build_a, department=a_office)
    EnterpriseSector.objects.create(enterprise=world.chem_a, sector_id="gas", order=1)
    Enterprise.objects.filter(pk=world.town_shop.pk).update(state=EnterpriseState.CLOSED, address="西大街1号")
    before = state_of_registry()
    versions = dict(Enterprise.objects.values_list("pk", "version"))
    data = export_enterprises(Enterprise.objects.all())
    ws = sheet_of(data)
    chem_row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[1] == world.chem_a.uscc)
    assert chem_row[COL["departments"] - 1] == "魏都区应急管理局、安全生产委员会办公室（411003）"

    result = import_enterprises(io.BytesIO(data), actor=world.admin)

    assert result.ok, result.errors
    assert (result.created, result.updated) == (0, len(before)) and result.annotated is None
    assert state_of_registry() == before
    assert all(v == versions[pk] + 1 for pk, v in Enterprise.objects.values_list("pk", "version"))
    entry = AuditEntry.objects.get(action=Action.UPDATE, model="enterprises.enterprise")
    assert sorted(entry.after["ids"]) == sorted(versions) and entry.after["changed"] == {}
    assert verify_chain() == []


def test_an_import_updates_a_visible_enterprise_and_audits_the_change(world):
    data = book([row(1, name="魏都化工（更名）", uscc=world.chem_a.uscc, sectors="消防、chemicals",
                     departments="魏都区应急管理局", high_risk="是", state="停产整顿")])
    result = import_enterprises(data, actor=world.office_a_user)
    assert result.ok, result.errors
    assert (result.created, result.updated) == (0, 1)
    world.chem_a.refresh_from_db()
    assert world.chem_a.name == "魏都化工（更名）" and world.chem_a.version == 2
    assert world.chem_a.state == EnterpriseState.SUSPENDED
    assert world.chem_a.ordered_sector_codes() == ["fire", "chemicals"]
    entry = AuditEntry.objects.get(action=Action.UPDATE)
    key = str(world.chem_a.pk)
    assert entry.before["changed"][key]["name"] == "魏都化工有限公司"
    assert entry.after["changed"][key]["name"] == "魏都化工（更名）"
    assert entry.after["changed"][key]["sectors"] == ["fire", "chemicals"]


# ---------------------------------------------------------------------------------------------------- errors

def test_one_bad_row_among_good_ones_writes_nothing_and_marks_exactly_the_wrong_cells(world):
    rows = [
        row(1),                                                  # 2: good
        row(2, uscc=make_uscc(1002, "411002")[:17] + "0"         # 3: bad check character
            if make_uscc(1002, "411002")[17] != "0" else make_uscc(1002, "411002")[:17] + "1"),
        row(3, region="419999"),                                 # 4: unknown region
        row(4, sectors="chemicals、不存在的行业"),                 # 5: unknown sector
        row(5, uscc=make_uscc(1001, "411002")),                  # 6: same code as row 2
        row(6, high_risk="有"),                                  # 7: not 是/否
        row(7, region="魏都区", sectors="燃气、消防"),              # 8: good (region and sectors by name)
    ]
    count = Enterprise.objects.count()
    audit = AuditEntry.objects.count()

    result = import_enterprises(book(rows), actor=world.admin)

    assert not result.ok and result.created == result.updated == 0
    assert Enterprise.objects.count() == count and AuditEntry.objects.count() == audit
    wrong = {(3, H["uscc"]), (4, H["region"]), (5, H["sectors"]), (6, H["uscc"]), (7, H["high_risk"])}
    assert {(e.row, e.column) for e in result.errors} == wrong
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert "校验位" in messages[(3, H["uscc"])]
    assert "419999" in messages[(4, H["region"])]
    assert "不存在的行业" in messages[(5, H["sectors"])]
    assert "第2行" in messages[(6, H["uscc"])]
    assert "是" in messages[(7, H["high_risk"])]

    ws = sheet_of(result.annotated)
    header = [c.value for c in ws[1]]
    assert header == HEADERS + [NOTE_HEADER]
    col_of = {h: i for i, h in enumerate(HEADERS, start=1)}
    wrong_cells = {(r, col_of[c]) for r, c in wrong}
    for r in range(2, 9):
        for c in range(1, len(HEADERS) + 1):
            cell = ws.cell(row=r, column=c)
            red = cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb == xlsx.ERROR_FILL.fgColor.rgb
            assert red == ((r, c) in wrong_cells), (r, c)
            assert (cell.comment is not None) == ((r, c) in wrong_cells), (r, c)
        note = ws.cell(row=r, column=len(HEADERS) + 1).value
        assert bool(note) == (r in {3, 4, 5, 6, 7}), r
    assert ws.cell(row=4, column=col_of[H["region"]]).comment.text == messages[(4, H["region"])]
    assert ws.cell(row=4, column=col_of[H["region"]]).value == "419999"  # the value is handed back
    assert H["region"] in ws.cell(row=4, column=len(HEADERS) + 1).value


def test_the_annotated_file_once_corrected_imports(world):
    first = import_enterprises(book([row(1), row(2, state="歇业")]), actor=world.admin)
    assert [(e.row, e.column) for e in first.errors] == [(3, H["state"])]
    wb = load_workbook(io.BytesIO(first.annotated))
    wb.worksheets[0].cell(row=3, column=COL["state"]).value = "关闭"
    buffer = io.BytesIO()
    wb.save(buffer)
    second = import_enterprises(buffer, actor=world.admin)  # the 错误说明 column is ignored
    assert second.ok, second.errors
    assert second.created == 2
    assert Enterprise.objects.get(name="导入企业2").state == EnterpriseState.CLOSED


def test_required_fields_lengths_phone_and_departments_are_checked(world):
    Department.objects.create(name="重名局", kind="other", region=world.county_b)
    Department.objects.create(name="重名局", kind="other", region=world.other_city)
    rows = [
        row(1, name=None),                          # 2
        row(2, sectors=""),                         # 3
        row(3, principal_phone="打电话给我"),          # 4
        row(4, address="长" * 201),                  # 5
        row(5, departments="不存在局"),               # 6
        row(6, departments="重名局"),                 # 7: in 411002 neither applies, two elsewhere
        row(7, departments="重名局（411003）", principal_phone="0374-1234567转8001"),  # 8: good
        row(8, uscc=""),                            # 9
    ]
    result = import_enterprises(book(rows), actor=world.admin)
    assert {(e.row, e.column) for e in result.errors} == {
        (2, H["name"]), (3, H["sectors"]), (4, H["principal_phone"]), (5, H["address"]),
        (6, H["departments"]), (7, H["departments"]), (9, H["uscc"]),
    }
    assert not Enterprise.objects.filter(name__startswith="导入企业").exists()


# ------------------------------------------------------------------------------------------------ permission

def test_a_county_office_cannot_import_into_the_sibling_county_but_can_into_its_own(world):
    count = Enterprise.objects.count()
    mixed = [row(1, departments="魏都区应急管理局"), row(2, region=world.county_b.code)]
    result = import_enterprises(book(mixed), actor=world.office_a_user)
    assert [(e.row, e.column) for e in result.errors] == [(3, H["region"])]
    assert "无权" in result.errors[0].message
    assert Enterprise.objects.count() == count and not AuditEntry.objects.exists()

    own = [row(1, departments="魏都区应急管理局"), row(2, region=world.township_a.code, sectors="工贸")]
    result = import_enterprises(book(own), actor=world.office_a_user)
    assert result.ok, result.errors
    assert (result.created, result.updated) == (2, 0)
    created = Enterprise.objects.filter(name__startswith="导入企业").order_by("pk")
    assert [e.region_id for e in created] == ["411002", "411002001"]
    assert list(created[0].departments.all()) == [world.a_emergency]
    assert created[1].ordered_sector_codes() == ["industry_trade"]
    entry = AuditEntry.objects.get(action=Action.BULK_CREATE)
    assert entry.model == "enterprises.enterprise" and entry.user == world.office_a_user
    assert entry.after["ids"] == [e.pk for e in created] and len(entry.after["digest"]) == 64
    assert verify_chain() == []


def test_one_audit_entry_per_batch_with_the_batch_ids(world, monkeypatch):
    monkeypatch.setattr(spreadsheet, "BATCH_SIZE", 2)
    result = import_enterprises(book([row(n) for n in range(5)]), actor=world.office_a_user)
    assert result.ok and result.created == 5
    entries = list(AuditEntry.objects.filter(action=Action.BULK_CREATE).order_by("seq"))
    assert [len(e.after["ids"]) for e in entries] == [2, 2, 1]
    ids = [i for e in entries for i in e.after["ids"]]
    created = Enterprise.objects.filter(name__startswith="导入企业").order_by("pk")
    assert ids == list(created.values_list("pk", flat=True))


def test_a_department_imports_only_what_it_would_supervise(world):
    rows = [row(1, sectors="chemicals"), row(2, sectors="construction")]
    result = import_enterprises(book(rows), actor=world.a_emergency_user)
    assert [(e.row, e.column) for e in result.errors] == [(3, H["region"])]
    result = import_enterprises(book(rows[:1]), actor=world.a_emergency_user)
    assert result.ok and result.created == 1


def test_a_code_registered_where_the_actor_cannot_see_is_refused_without_details(world):
    count = Enterprise.objects.count()
    result = import_enterprises(book([row(1), row(2, uscc=world.far_away.uscc, name="别的名字")]),
                                actor=world.office_a_user)
    assert [(e.row, e.column, e.message) for e in result.errors] == [(3, H["uscc"], MSG_TAKEN)]
    assert "郑州" not in result.errors[0].message
    assert Enterprise.objects.count() == count
    world.far_away.refresh_from_db()
    assert world.far_away.name == "郑州某化工厂" and world.far_away.version == 1


def test_a_visible_enterprise_the_actor_may_not_write_is_refused(world):
    # The city's market department sees 建安电梯维保公司 (listed department) but a group member only reads it.
    result = import_enterprises(book([row(1, uscc=world.lift_b.uscc, region=world.county_b.code,
                                         sectors="special_equipment")]), actor=world.group_user)
    assert [(e.row, e.column) for e in result.errors] == [(2, H["uscc"])]
    assert result.errors[0].message != MSG_TAKEN


def test_an_enterprise_edited_between_check_and_write_stops_the_whole_import(world, monkeypatch):
    resolve = spreadsheet._resolve

    def resolve_then_someone_edits(*args, **kwargs):
        resolve(*args, **kwargs)
        Enterprise.objects.filter(pk=world.chem_a.pk).update(version=5)

    monkeypatch.setattr(spreadsheet, "_resolve", resolve_then_someone_edits)
    result = import_enterprises(book([row(1), row(2, uscc=world.chem_a.uscc, name="新名字")]), actor=world.admin)
    assert [(e.row, e.column) for e in result.errors] == [(3, H["uscc"])]
    assert "他人修改" in result.errors[0].message and result.annotated
    assert not Enterprise.objects.filter(name__in=["导入企业1", "新名字"]).exists()
    assert not AuditEntry.objects.exists()


# --------------------------------------------------------------------------------------------- file problems

def test_not_an_xlsx_file_is_refused_with_a_message(world):
    for data in (b"name,uscc\n", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, b""):
        result = import_enterprises(io.BytesIO(data), actor=world.admin)
        assert not result.ok and result.annotated is None
        assert [(e.row, e.column) for e in result.errors] == [(0, "")]
        assert "xls" in result.errors[0].message or "空" in result.errors[0].message


def test_a_file_over_the_size_limit_is_refused(world, settings):
    settings.IMPORT_MAX_BYTES = 1000
    result = import_enterprises(book([row(n) for n in range(50)]), actor=world.admin)
    assert [(e.row, e.column) for e in result.errors] == [(0, "")]
    assert "过大" in result.errors[0].message
    assert not Enterprise.objects.filter(name__startswith="导入企业").exists()


def test_missing_headers_are_named(world):
    headers = [h for h in HEADERS if h not in ("行业领域", "经营状态")]
    result = import_enterprises(book([row(1)], headers=headers), actor=world.admin)
    assert len(result.errors) == 1 and result.errors[0].row == 0
    assert "行业领域" in result.errors[0].message and "经营状态" in result.errors[0].message
    assert "企业名称" not in result.errors[0].message

    empty = import_enterprises(book([]), actor=world.admin)
    assert empty.errors[0].row == 0 and "没有企业数据" in empty.errors[0].message


def test_progress_is_reported_and_only_grows(world, monkeypatch):
    monkeypatch.setattr(spreadsheet, "PROGRESS_EVERY", 1)
    monkeypatch.setattr(spreadsheet, "BATCH_SIZE", 2)
    calls = []
    result = import_enterprises(book([row(n) for n in range(5)]), actor=world.admin,
                                progress=lambda done, total: calls.append((done, total)))
    assert result.ok
    assert calls[0] == (0, 10) and calls[-1] == (10, 10)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls) and len(calls) >= 5


# ---------------------------------------------------------------------------------------------------- template

def test_the_template_has_the_headers_and_a_guide_listing_every_column_sector_and_state(world):
    wb = load_workbook(io.BytesIO(enterprise_template()))
    assert wb.sheetnames == ["企业名录", "填写说明"]
    sheet = wb["企业名录"]
    assert [c.value for c in sheet[1]] == HEADERS and sheet.max_row == 1
    assert all(c.comment is not None and "示例" in c.comment.text for c in sheet[1])
    text = "\n".join(str(v) for r in wb["填写说明"].iter_rows(values_only=True) for v in r if v)
    for header in HEADERS:
        assert header in text
    from apps.regions.models import Sector
    for code, name in Sector.objects.values_list("code", "name"):
        assert code in text and name in text
    for _, label in EnterpriseState.choices:
        assert label in text
    example = import_enterprises(enterprise_template(), actor=world.admin)
    assert "没有企业数据" in example.errors[0].message
