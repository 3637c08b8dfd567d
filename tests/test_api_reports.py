"""`reports/compute/` and the filing life of a report: draft → corrections with reasons → submitted (frozen) →
received by the level above; who may do each step; the submission board and 催报."""
import datetime

import pytest
from rest_framework.test import APIClient

from apps.audit.models import AuditEntry
from apps.campaigns.models import Campaign
from apps.core.errors import NotAllowed
from apps.hazards.models import Hazard, Level, Source, Status
from apps.reports import services
from apps.reports.models import Report, ReportStatus
from tests.world import _user

pytestmark = pytest.mark.django_db

START = datetime.date(2023, 5, 15)
AS_OF = datetime.date(2023, 6, 30)


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _hazard(w, enterprise, found_on, source=Source.SELF, closed_on=None, department=None, finder=None):
    return Hazard.objects.create(
        enterprise=enterprise, region=enterprise.region, title="隐患", level=Level.MAJOR, source=source,
        sector_id=enterprise.ordered_sector_codes()[0], found_on=found_on,
        department=department or w.a_emergency, found_by_department=finder,
        status=Status.CLOSED if closed_on else Status.REPORTED, closed_on=closed_on,
    )


@pytest.fixture
def campaign(world):
    return Campaign.objects.create(slug="xc", name="许昌专项行动", region=world.city, start=START,
                                  end=datetime.date(2023, 12, 31))


@pytest.fixture
def leaders(world):
    return {
        "a": _user("office_a_leader", ("safety_office", world.county_a, "leader")),
        "b": _user("office_b_leader", ("safety_office", world.county_b, "leader")),
    }


def compute_url(**params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/api/v1/reports/compute/?{query}"


def test_compute_answers_the_cells_of_a_county(world, campaign):
    _hazard(world, world.chem_a, datetime.date(2023, 6, 1))
    _hazard(world, world.chem_a, datetime.date(2023, 6, 2), closed_on=datetime.date(2023, 6, 20))
    _hazard(world, world.chem_a, datetime.date(2023, 7, 2))  # after as_of
    _hazard(world, world.chem_b, datetime.date(2023, 6, 2))  # the other county
    response = client_for(world.office_a_user).get(
        compute_url(template="xuchang-county", campaign="xc", region="411002", as_of="2023-06-30"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["template"] == "xuchang-county" and body["as_of"] == "2023-06-30"
    assert body["scope"]["region"] == "411002"
    assert body["cells"]["1.1"] == 2 and body["cells"]["1.2"] == 1
    assert len(body["cells"]) == 35


@pytest.mark.parametrize("params, field", [
    ({"template": "nope", "campaign": "xc", "region": "411002"}, "template"),
    ({"template": "xuchang-county", "campaign": "nope", "region": "411002"}, "campaign"),
    ({"template": "xuchang-county", "campaign": "xc"}, "region"),
    ({"template": "xuchang-county", "campaign": "xc", "region": "999999"}, "region"),
    ({"template": "xuchang-county", "campaign": "xc", "region": "411002", "as_of": "2023-13-01"}, "as_of"),
    ({"template": "xuchang-county", "campaign": "xc", "region": "4101"}, "region"),  # outside the campaign
])
def test_compute_names_the_bad_parameter(world, campaign, params, field):
    response = client_for(world.admin).get(compute_url(**params))
    assert response.status_code == 400
    assert field in response.json()


def test_a_form_refuses_the_scope_it_does_not_take(world, campaign):
    admin = client_for(world.admin)
    county_by_department = admin.get(compute_url(template="xuchang-county", campaign="xc",
                                                 department=world.city_housing.pk))
    department_by_region = admin.get(compute_url(template="xuchang-department", campaign="xc", region="411002"))
    assert county_by_department.status_code == 400 and "department" in county_by_department.json()
    assert department_by_region.status_code == 400 and "region" in department_by_region.json()


def test_compute_is_refused_outside_the_callers_scope(world, campaign):
    other_county = client_for(world.office_a_user).get(
        compute_url(template="xuchang-county", campaign="xc", region="411003"))
    enterprise = client_for(world.ent_user).get(
        compute_url(template="xuchang-county", campaign="xc", region="411002"))
    other_department = client_for(world.a_emergency_user).get(
        compute_url(template="xuchang-department", campaign="xc", department=world.city_housing.pk))
    assert other_county.status_code == enterprise.status_code == other_department.status_code == 403
    own = client_for(world.city_housing_user).get(
        compute_url(template="xuchang-department", campaign="xc", department=world.city_housing.pk))
    assert own.status_code == 200


def test_draft_correct_submit_receive(world, campaign, leaders):
    _hazard(world, world.chem_a, datetime.date(2023, 6, 1))
    office_a, leader_a = client_for(world.office_a_user), client_for(leaders["a"])
    created = office_a.post("/api/v1/reports/", {"template": "xuchang-county", "campaign": "xc",
                                                 "region": "411002", "as_of": "2023-06-30"}, format="json")
    assert created.status_code == 201, created.content
    report = created.json()
    assert report["status"] == "draft" and report["cells"]["1.1"] == 1

    no_reason = office_a.patch(f"/api/v1/reports/{report['id']}/",
                               {"overrides": {"1.1": {"value": 2, "reason": ""}}}, format="json")
    unknown = office_a.patch(f"/api/v1/reports/{report['id']}/",
                             {"overrides": {"9.9": {"value": 2, "reason": "x"}}}, format="json")
    assert no_reason.status_code == 400 and "理由" in str(no_reason.json()["overrides"])
    assert unknown.status_code == 400 and "9.9" in str(unknown.json()["overrides"])
    corrected = office_a.patch(f"/api/v1/reports/{report['id']}/",
                               {"overrides": {"1.1": {"value": 2, "reason": "一处隐患补录在纸质台账"}},
                                "preparer": "张三", "version": report["version"]}, format="json")
    assert corrected.status_code == 200, corrected.content
    assert corrected.json()["cells"]["1.1"] == 1  # the computed value stays beside the correction
    assert corrected.json()["overrides"]["1.1"]["value"] == 2

    stale = office_a.patch(f"/api/v1/reports/{report['id']}/", {"reviewer": "李四", "version": report["version"]},
                           format="json")
    assert stale.status_code == 409

    member_submits = office_a.post(f"/api/v1/reports/{report['id']}/submit/",
                                   {"reviewer": "李四", "principal": "王五"}, format="json")
    assert member_submits.status_code == 403  # a member drafts, the leader submits
    unsigned = leader_a.post(f"/api/v1/reports/{report['id']}/submit/", {}, format="json")
    assert unsigned.status_code == 400 and {"reviewer", "principal"} <= set(unsigned.json())
    submitted = leader_a.post(f"/api/v1/reports/{report['id']}/submit/",
                              {"reviewer": "李四", "principal": "王五"}, format="json")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted" and submitted.json()["submitted_at"]

    frozen_edit = office_a.patch(f"/api/v1/reports/{report['id']}/", {"preparer": "赵六"}, format="json")
    assert frozen_edit.status_code == 400

    own_receives = leader_a.post(f"/api/v1/reports/{report['id']}/receive/", {}, format="json")
    sibling_receives = client_for(leaders["b"]).post(f"/api/v1/reports/{report['id']}/receive/", {}, format="json")
    assert own_receives.status_code == 403
    assert sibling_receives.status_code == 404  # another county does not see it at all
    received = client_for(world.office_city_user).post(f"/api/v1/reports/{report['id']}/receive/", {},
                                                      format="json")
    assert received.status_code == 200 and received.json()["status"] == "received"
    assert AuditEntry.objects.filter(model="reports.report", object_id=str(report["id"])).count() == 4


def test_a_submitted_report_never_changes_and_shows_the_difference(world, campaign, leaders):
    _hazard(world, world.chem_a, datetime.date(2023, 6, 1))
    report = services.report_draft(actor=world.office_a_user, template="xuchang-county", campaign=campaign,
                                   as_of=AS_OF, region=world.county_a)
    services.report_submit(actor=leaders["a"], report=report, preparer="张三", reviewer="李四", principal="王五")
    late = _hazard(world, world.chem_a, datetime.date(2023, 6, 10))  # entered after submission, dated before
    report.refresh_from_db()
    assert report.cells["1.1"] == 1
    detail = client_for(world.office_a_user).get(f"/api/v1/reports/{report.pk}/").json()
    assert detail["cells"]["1.1"] == 1
    assert detail["difference"] == {"1.1": {"submitted": 1, "now": 2}}
    late.delete()
    assert services.difference(Report.objects.get(pk=report.pk)) == {}


def test_department_report_is_received_by_its_own_regions_office(world, campaign):
    report = services.report_draft(actor=world.city_housing_user, template="xuchang-department",
                                   campaign=campaign, as_of=AS_OF, department=world.city_housing)
    services.report_submit(actor=world.city_housing_user, report=report, preparer="甲", reviewer="乙",
                           principal="丙")
    with pytest.raises(NotAllowed):
        services.report_receive(actor=world.office_a_user, report=report)
    services.report_receive(actor=world.office_city_user, report=report)
    assert Report.objects.get(pk=report.pk).status == ReportStatus.RECEIVED


def test_a_unit_cannot_draft_for_another_department_and_one_draft_per_period(world, campaign):
    response = client_for(world.a_emergency_user).post(
        "/api/v1/reports/", {"template": "xuchang-department", "campaign": "xc",
                             "department": world.city_housing.pk, "as_of": "2023-06-30"}, format="json")
    assert response.status_code == 403
    client = client_for(world.city_housing_user)
    body = {"template": "xuchang-department", "campaign": "xc", "department": world.city_housing.pk,
            "as_of": "2023-06-30"}
    assert client.post("/api/v1/reports/", body, format="json").status_code == 201
    again = client.post("/api/v1/reports/", body, format="json")
    assert again.status_code == 400 and "as_of" in again.json()


def test_submission_board_shows_submitted_late_and_missing(world, campaign, leaders):
    due = datetime.date(2023, 6, 30)
    on_time = services.report_draft(actor=world.office_a_user, template="xuchang-county", campaign=campaign,
                                    as_of=AS_OF, region=world.county_a)
    services.report_submit(actor=leaders["a"], report=on_time, preparer="甲", reviewer="乙", principal="丙")
    board = services.submission_board("xuchang-county", campaign, world.city, AS_OF, due=due,
                                      today=datetime.date(2023, 7, 3))
    by_code = {row["filer"].code: row for row in board}
    assert set(by_code) == {"411002", "411003"}
    assert by_code["411002"]["status"] == "submitted" and not by_code["411002"]["missing"]
    assert by_code["411003"]["missing"] and by_code["411003"]["late"]
    services.remind(actor=world.office_city_user, template="xuchang-county", campaign=campaign, as_of=AS_OF,
                    region=world.county_b, note="请于今日报送")
    with pytest.raises(NotAllowed):
        services.remind(actor=world.office_a_user, template="xuchang-county", campaign=campaign, as_of=AS_OF,
                        region=world.county_b)
    board = services.submission_board("xuchang-county", campaign, world.city, AS_OF, due=due,
                                      today=datetime.date(2023, 7, 3))
    assert next(r for r in board if r["filer"].code == "411003")["reminder"].note == "请于今日报送"


def test_county_office_board_lists_no_townships_for_the_county_form_and_reminds_once_a_day(world, campaign):
    from django.core.exceptions import ValidationError

    filers = services.expected_filers("xuchang-county", world.county_a, campaign)
    assert world.township_a not in filers  # 「仅限各县市区填报」
    city_filers = services.expected_filers("xuchang-department", world.city, campaign)
    assert world.city_housing in city_filers and world.city_housing_station not in city_filers
    services.remind(actor=world.office_city_user, template="xuchang-county", campaign=campaign, as_of=AS_OF,
                    region=world.county_b)
    with pytest.raises(ValidationError):
        services.remind(actor=world.office_city_user, template="xuchang-county", campaign=campaign, as_of=AS_OF,
                        region=world.county_b)


def test_only_the_filer_recomputes_a_draft(world, campaign):
    report = services.report_draft(actor=world.office_a_user, template="xuchang-county", campaign=campaign,
                                   as_of=AS_OF, region=world.county_a)
    with pytest.raises(NotAllowed):
        services.report_recompute(actor=world.office_city_user, report=report)
    assert services.report_recompute(actor=world.office_a_user, report=report).status == ReportStatus.DRAFT


def test_only_an_administrator_loading_history_gives_a_past_submission_time(world, campaign, leaders):
    import zoneinfo

    past = datetime.datetime(2023, 7, 3, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    report = services.report_draft(actor=world.office_a_user, template="xuchang-county", campaign=campaign,
                                   as_of=AS_OF, region=world.county_a)
    with pytest.raises(NotAllowed):
        services.report_submit(actor=leaders["a"], report=report, preparer="甲", reviewer="乙", principal="丙", at=past)
    services.report_submit(actor=world.admin, report=report, preparer="甲", reviewer="乙", principal="丙", at=past)
    board = services.submission_board("xuchang-county", campaign, world.city, AS_OF, due=datetime.date(2023, 6, 30),
                                      today=datetime.date(2023, 7, 5))
    assert next(r for r in board if r["filer"].code == "411002")["late"]  # submitted 7-03, due 6-30
