"""The hazard's life through the services: a major hazard from self-report to closure, with the sign-offs a
campaign asks, and the penalty waiver on the way."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.campaigns.models import Campaign
from apps.core.errors import NotAllowed, StaleWrite
from apps.hazards import services
from apps.hazards.models import Hazard, Status

D = datetime.date


def plan_data(**extra):
    return {"owner": "张三", "measures": "更换储罐阀门", "funds": Decimal("3.5"), "deadline": D(2026, 12, 31),
            "contingency": "应急预案已演练", "interim_controls": "停止相关作业", **extra}


@pytest.fixture
def self_reported(world):
    return services.hazard_report(actor=world.ent_user, data={
        "enterprise": world.chem_a, "title": "储罐区可燃气体报警器失效", "level": "major", "source": "self",
        "department": world.a_emergency, "found_on": D(2026, 5, 20)})


def test_a_self_reported_hazard_defaults_its_sector_and_region(world, self_reported):
    h = self_reported
    assert (h.region_id, h.sector_id, h.department, h.found_by_department) == (
        "411002", "chemicals", world.a_emergency, None)
    assert h.status == Status.REPORTED and h.version == 1


def test_major_hazard_from_report_to_closure_with_sign_offs(world, self_reported):
    Campaign.objects.create(slug="xc", name="许昌专项行动", region=world.city, start=D(2026, 5, 1),
                            end=D(2026, 12, 31), sign_offs=["acceptance_group", "county_department"])
    h = self_reported
    assert not services.penalty_waived(h)
    h = services.hazard_plan(actor=world.ent_user, hazard=h, plan=plan_data(planned_on=D(2026, 5, 22)), version=1)
    assert (h.status, h.deadline, h.planned_on) == (Status.RECTIFYING, D(2026, 12, 31), D(2026, 5, 22))
    assert services.penalty_waived(h)
    h = services.hazard_submit(actor=world.ent_user, hazard=h)
    assert h.status == Status.AWAITING_ACCEPTANCE
    with pytest.raises(NotAllowed):
        services.hazard_accept(actor=world.ent_user, hazard=h, accepted_on=D(2026, 6, 1), members=["李四"],
                               conclusion="合格")
    with pytest.raises(ValidationError) as missing:
        services.hazard_accept(actor=world.a_emergency_user, hazard=h, accepted_on=D(2026, 6, 1), members=["李四"],
                               conclusion="合格", sign_offs=[{"level": "acceptance_group", "name": "李四"}])
    assert "县市区行业主管部门" in str(missing.value)
    h = services.hazard_accept(actor=world.a_emergency_user, hazard=h, accepted_on=D(2026, 6, 1), members=["李四"],
                               conclusion="合格", sign_offs=[{"level": "acceptance_group", "name": "李四"},
                                                            {"level": "county_department", "name": "王五"}])
    assert (h.status, h.closed_on) == (Status.CLOSED, D(2026, 6, 1))
    assert [e.action for e in h.events.all()] == ["report", "plan", "submit", "accept"]
    assert services.penalty_waived(h)


def test_city_direct_enterprises_skip_the_county_sign_offs(world):
    Campaign.objects.create(slug="xc", name="许昌", region=world.city, start=D(2026, 1, 1), end=D(2026, 12, 31),
                            sign_offs=["acceptance_group", "county_department", "county_government",
                                       "city_department"])
    h = services.hazard_report(actor=world.city_emergency_user, data={
        "enterprise": world.city_plant, "title": "冲压设备防护缺失", "level": "major", "source": "department",
        "found_on": D(2026, 3, 1)})
    Hazard.objects.filter(pk=h.pk).update(status=Status.AWAITING_ACCEPTANCE)
    h.refresh_from_db()
    h = services.hazard_accept(actor=world.city_emergency_user, hazard=h, accepted_on=D(2026, 4, 1),
                               members=["甲"], conclusion="合格",
                               sign_offs=[{"level": "acceptance_group", "name": "甲"},
                                          {"level": "city_department", "name": "乙"}])
    assert h.status == Status.CLOSED


def test_a_stale_version_is_refused_and_nothing_changes(world, self_reported):
    services.hazard_plan(actor=world.ent_user, hazard=self_reported, plan=plan_data(), version=1)
    with pytest.raises(StaleWrite):
        services.hazard_submit(actor=world.ent_user, hazard=self_reported, version=1)
    assert Hazard.objects.get(pk=self_reported.pk).status == Status.RECTIFYING


def test_major_hazards_cannot_be_fixed_on_the_spot(world, self_reported):
    with pytest.raises(ValidationError, match="重大事故隐患不能立即整改"):
        services.hazard_fix_on_spot(actor=world.ent_user, hazard=self_reported)


def test_a_plan_needs_all_five_elements(world, self_reported):
    with pytest.raises(ValidationError, match="应急预案"):
        services.hazard_plan(actor=world.ent_user, hazard=self_reported, plan=plan_data(contingency=""))
    assert Hazard.objects.get(pk=self_reported.pk).status == Status.REPORTED


def test_transfer_moves_responsibility_and_visibility(world, self_reported):
    services.hazard_transfer(actor=world.a_emergency_user, hazard=self_reported, to_department=world.a_housing,
                             reason="属建设施工领域")
    h = Hazard.objects.get(pk=self_reported.pk)
    assert h.department == world.a_housing and h.transfers.get().from_department == world.a_emergency
    assert Hazard.objects.visible_to(world.multi_user).filter(pk=h.pk).exists()  # a_housing member


def test_government_listing_needs_the_office_leader(world, self_reported):
    with pytest.raises(NotAllowed):
        services.hazard_list(actor=world.office_a_user, hazard=self_reported, authority_region=world.county_a,
                             authority_department=None, document_no="魏安办〔2026〕1号", listed_on=D(2026, 6, 1),
                             deadline=D(2026, 8, 1))
    listing = services.hazard_list(actor=world.office_city_user, hazard=self_reported, authority_region=world.city,
                                   authority_department=None, document_no="许安办〔2026〕3号",
                                   listed_on=D(2026, 6, 1), deadline=D(2026, 8, 1))
    assert listing.is_government
    services.hazard_delist(actor=world.office_city_user, hazard=self_reported, index=0, delisted_on=D(2026, 7, 1))
    assert self_reported.listings.get().delisted_on == D(2026, 7, 1)


def test_hazards_follow_their_enterprise_to_another_region(world, self_reported):
    from apps.enterprises.services import enterprise_update

    enterprise_update(actor=world.office_city_user, enterprise=world.chem_a, data={"region": world.county_b})
    assert Hazard.objects.get(pk=self_reported.pk).region_id == "411003"
    assert not Hazard.objects.visible_to(world.office_a_user).filter(pk=self_reported.pk).exists()


def test_hazards_follow_an_enterprise_moved_by_an_import(world, self_reported):
    import io

    from openpyxl import load_workbook

    from apps.enterprises.models import Enterprise
    from apps.enterprises.spreadsheet import export_enterprises, import_enterprises

    book = load_workbook(io.BytesIO(export_enterprises(Enterprise.objects.filter(pk=world.chem_a.pk))))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    sheet.cell(2, header.index("所在区划代码") + 1).value = "411003"
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    result = import_enterprises(buffer, actor=world.admin)
    assert result.ok, result.errors
    assert Hazard.objects.get(pk=self_reported.pk).region_id == "411003"
