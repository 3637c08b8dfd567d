"""The two small steps beside the life: 上报销号情况 (due within 3 days of 销号) and 修改 (corrections)."""
import datetime

import pytest

from apps.hazards import services
from apps.hazards.models import Hazard, Status
from apps.hazards.services import today


@pytest.fixture
def closed_general(world):
    h = services.hazard_report(actor=world.ent_user, data={
        "enterprise": world.chem_a, "title": "消防通道堆放杂物", "level": "general", "source": "self",
        "department": world.a_emergency, "found_on": today() - datetime.timedelta(days=5)})
    return services.hazard_fix_on_spot(actor=world.ent_user, hazard=h, fixed_on=today() - datetime.timedelta(days=4))


def test_the_closure_report_is_recorded_once_and_clears_the_overdue_flag(client, world, closed_general):
    assert closed_general.closure_report_overdue
    client.force_login(world.ent_user)
    page = client.get(f"/hazards/{closed_general.pk}/").content.decode()
    assert f"/hazards/{closed_general.pk}/closure-report/" in page
    response = client.post(f"/hazards/{closed_general.pk}/closure-report/",
                           {"version": closed_general.version, "reported_on": today().isoformat()})
    assert response.status_code == 302
    h = Hazard.objects.get(pk=closed_general.pk)
    assert h.closure_reported_on == today() and not h.closure_report_overdue
    assert h.events.last().action == "closure_report"
    again = client.post(f"/hazards/{h.pk}/closure-report/", {"version": h.version, "reported_on": today().isoformat()})
    assert again.status_code == 200 and "销号情况已于" in again.content.decode()


def test_the_closure_report_needs_a_closed_hazard_and_the_right_people(client, world, closed_general):
    client.force_login(world.office_a_user)
    assert client.get(f"/hazards/{closed_general.pk}/closure-report/").status_code == 403
    open_one = services.hazard_report(actor=world.ent_user, data={
        "enterprise": world.chem_a, "title": "未关闭", "level": "general", "source": "self",
        "department": world.a_emergency})
    with pytest.raises(Exception, match="不能上报销号情况"):
        services.hazard_report_closure(actor=world.ent_user, hazard=open_one)


def test_a_department_corrects_the_level_and_an_enterprise_may_not_lower_it(client, world):
    h = services.hazard_report(actor=world.ent_user, data={
        "enterprise": world.chem_a, "title": "管道腐蚀", "level": "major", "source": "self",
        "department": world.a_emergency})
    client.force_login(world.ent_user)
    form = {"version": h.version, "title": h.title, "level": "general", "sector": "chemicals"}
    assert client.post(f"/hazards/{h.pk}/edit/", form).status_code == 403
    assert Hazard.objects.get(pk=h.pk).level == "major"
    client.force_login(world.a_emergency_user)
    response = client.post(f"/hazards/{h.pk}/edit/", {**form, "description": "腐蚀减薄约30%"})
    assert response.status_code == 302
    h.refresh_from_db()
    assert (h.level, h.description, h.status) == ("general", "腐蚀减薄约30%", Status.REPORTED)
    assert h.events.last().action == "update"


def test_a_stale_edit_is_refused_and_keeps_the_input(client, world):
    h = services.hazard_report(actor=world.ent_user, data={
        "enterprise": world.chem_a, "title": "旧标题", "level": "general", "source": "self",
        "department": world.a_emergency})
    client.force_login(world.a_emergency_user)
    form = {"version": h.version, "title": "新标题", "level": "general", "sector": "chemicals"}
    services.hazard_update(actor=world.a_emergency_user, hazard=h, data={"location": "别处"})
    response = client.post(f"/hazards/{h.pk}/edit/", form)
    assert response.status_code == 409 and "新标题" in response.content.decode()
    assert Hazard.objects.get(pk=h.pk).title == "旧标题"
