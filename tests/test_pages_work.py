"""The work pages: the lists show what the acting membership sees, the forms offer only what it may record and
write through the services (errors on the form, 403, 409), and the compliance board shows each enterprise's duties
against the campaign covering the region today.

The pages live under `work/`; until config/urls.py includes them, this module's URLconf adds them."""
import datetime
import html
import re

import pytest
from django.utils import timezone

from apps.campaigns.models import Campaign
from apps.inspections.models import Inspection
from apps.work.models import Activity, Problem, Risk
from tests.pages import act_as

# config/urls.py may already include the pages: then this URLconf is the site's own.

TODAY = timezone.localdate
KIND_OPTION = re.compile(r'<option value="([a-z_]+)"')


def signed_in(client, user):
    client.force_login(user)
    memberships = list(user.memberships.all())
    if memberships:
        act_as(client, memberships[0])
    return client


def kind_options(response) -> set[str]:
    page = response.content.decode()
    select = page[page.index('name="kind"'):]
    return set(KIND_OPTION.findall(select[:select.index("</select>")]))


def rows(response, attr: str) -> set[int]:
    assert response.status_code == 200, response.status_code
    return {int(pk) for pk in re.findall(rf'data-{attr}="(\d+)"', response.content.decode())}


@pytest.fixture
def work(world):
    w = world
    today = TODAY()
    w.act_gov_a = Activity.objects.create(kind="special_study", region=w.county_a, occurred_on=today)
    w.act_gov_b = Activity.objects.create(kind="special_study", region=w.county_b, occurred_on=today)
    w.act_dept_a = Activity.objects.create(kind="enterprise_briefing", region=w.county_a, department=w.a_emergency,
                                           occurred_on=today - datetime.timedelta(days=20))
    w.act_drill = Activity.objects.create(kind="drill", region=w.county_a, enterprise=w.chem_a, occurred_on=today)
    w.risk_a = Risk.objects.create(region=w.county_a, enterprise=w.chem_a, department=w.a_emergency,
                                   sector_id="chemicals", name="液氯泄漏", identified_on=today)
    w.risk_b = Risk.objects.create(region=w.county_b, enterprise=w.chem_b, department=w.b_emergency,
                                   sector_id="chemicals", name="建安风险", identified_on=today)
    w.problem_a = Problem.objects.create(region=w.county_a, department=w.a_emergency, sector_id="chemicals",
                                         title="动火审批流于形式", identified_on=today)
    return w


# --- activities ----------------------------------------------------------------------------------------------------

def test_the_activity_list_shows_the_acting_scope_and_filters_by_kind_and_date(client, work):
    w = work
    signed_in(client, w.office_a_user)
    assert rows(client.get("/work/activities/"), "activity") == {w.act_gov_a.pk, w.act_dept_a.pk, w.act_drill.pk}
    assert rows(client.get("/work/activities/?kind=drill"), "activity") == {w.act_drill.pk}
    since = (TODAY() - datetime.timedelta(days=5)).isoformat()
    assert rows(client.get(f"/work/activities/?occurred_from={since}&kind="), "activity") == {
        w.act_gov_a.pk, w.act_drill.pk}
    until = (TODAY() - datetime.timedelta(days=5)).isoformat()
    assert rows(client.get(f"/work/activities/?occurred_to={until}"), "activity") == {w.act_dept_a.pk}
    signed_in(client, w.a_emergency_user)  # its own work, and the drills of the enterprises it supervises
    assert rows(client.get("/work/activities/"), "activity") == {w.act_dept_a.pk, w.act_drill.pk}


def test_the_activity_form_offers_only_the_kinds_the_membership_may_record(client, work):
    w = work
    enterprise_kinds = {"responsibility_selfcheck", "post_responsibility", "commitment", "duty_list", "safety_body",
                        "warning_education", "hot_work_review", "outsourcing_review", "drill"}
    signed_in(client, w.ent_user)
    assert kind_options(client.get("/work/activities/new/")) == enterprise_kinds | {"summary_report"}
    for user in (w.office_a_user, w.a_emergency_user):
        signed_in(client, user)
        offered = kind_options(client.get("/work/activities/new/"))
        assert "special_study" in offered and "summary_report" in offered and not offered & enterprise_kinds
    signed_in(client, w.group_user)
    assert client.get("/work/activities/new/").status_code == 403


def test_an_office_records_its_governments_work_and_a_department_its_own(client, work):
    w = work
    signed_in(client, w.office_a_user)
    answer = client.post("/work/activities/new/", {"kind": "site_supervision", "region": "411002", "count": 2,
                                                   "occurred_on": TODAY().isoformat(), "note": "检查化工园区"})
    assert answer.status_code == 302, answer.content.decode()
    made = Activity.objects.get(kind="site_supervision")
    assert (made.region_id, made.department_id, made.count, made.created_by) == ("411002", None, 2, w.office_a_user)

    signed_in(client, w.a_emergency_user)
    answer = client.post("/work/activities/new/", {"kind": "enforcement_training", "department": w.a_emergency.pk,
                                                   "count": 1, "occurred_on": TODAY().isoformat()})
    assert answer.status_code == 200
    assert "须填写人数" in html.unescape(answer.content.decode())  # the service's message, on the form
    answer = client.post("/work/activities/new/", {"kind": "enforcement_training", "department": w.a_emergency.pk,
                                                   "count": 1, "people": 35, "occurred_on": TODAY().isoformat()})
    assert answer.status_code == 302
    assert Activity.objects.get(kind="enforcement_training").region_id == "411002"


def test_an_enterprise_records_its_drill(client, work):
    w = work
    signed_in(client, w.ent_user)
    answer = client.post("/work/activities/new/", {"kind": "drill", "enterprise": w.chem_a.pk, "count": 1,
                                                   "occurred_on": TODAY().isoformat()})
    assert answer.status_code == 302
    assert Activity.objects.filter(kind="drill", enterprise=w.chem_a, created_by=w.ent_user).exists()


def test_editing_keeps_the_version_and_refuses_a_stale_form(client, work):
    w = work
    signed_in(client, w.office_a_user)
    url = f"/work/activities/{w.act_gov_a.pk}/edit/"
    assert client.get(url).status_code == 200
    data = {"kind": "special_study", "region": "411002", "count": 3, "occurred_on": TODAY().isoformat(),
            "version": 1}
    assert client.post(url, data).status_code == 302
    assert Activity.objects.get(pk=w.act_gov_a.pk).count == 3
    stale = client.post(url, {**data, "count": 5})
    assert stale.status_code == 409
    assert Activity.objects.get(pk=w.act_gov_a.pk).count == 3
    # the enterprise's drill is visible to the office but not its to change
    assert client.get(f"/work/activities/{w.act_drill.pk}/edit/").status_code == 403
    assert client.get(f"/work/activities/{w.act_gov_b.pk}/edit/").status_code == 404


def test_deleting_from_the_page(client, work):
    w = work
    signed_in(client, w.a_emergency_user)
    answer = client.post(f"/work/activities/{w.act_dept_a.pk}/delete/", {"version": 1})
    assert answer.status_code == 302
    assert not Activity.objects.filter(pk=w.act_dept_a.pk).exists()
    assert client.post(f"/work/activities/{w.act_gov_b.pk}/delete/").status_code == 404


# --- risks and problems ---------------------------------------------------------------------------------------------

def test_the_risk_and_problem_pages_for_a_department_and_an_office(client, work):
    w = work
    for user in (w.a_emergency_user, w.office_a_user):
        signed_in(client, user)
        assert rows(client.get("/work/risks/"), "risk") == {w.risk_a.pk}
        assert rows(client.get("/work/problems/"), "problem") == {w.problem_a.pk}
        assert client.get("/work/risks/new/").status_code == 200
        assert client.get("/work/problems/new/").status_code == 200
    signed_in(client, w.office_city_user)
    assert rows(client.get("/work/risks/"), "risk") == {w.risk_a.pk, w.risk_b.pk}
    assert rows(client.get("/work/risks/?q=建安"), "risk") == {w.risk_b.pk}


def test_a_department_registers_a_risk_and_the_four_lists_rule_shows_on_the_form(client, work):
    w = work
    signed_in(client, w.a_emergency_user)
    data = {"enterprise": w.chem_a.pk, "department": w.a_emergency.pk, "sector": "chemicals", "name": "重大危险源",
            "identified_on": TODAY().isoformat(), "basic": "储罐", "lists_completed_on": TODAY().isoformat()}
    answer = client.post("/work/risks/new/", data)
    assert answer.status_code == 200
    assert "尚缺防控清单、责任清单、应急清单" in html.unescape(answer.content.decode())
    answer = client.post("/work/risks/new/", {**data, "control": "巡检", "responsibility": "厂长", "emergency": "预案"})
    assert answer.status_code == 302
    risk = Risk.objects.get(name="重大危险源")
    assert (risk.region_id, risk.lists_completed_on) == ("411002", TODAY())


def test_an_office_registers_a_problem(client, work):
    w = work
    signed_in(client, w.office_a_user)
    answer = client.post("/work/problems/new/", {
        "region": "411002001", "department": w.township_office.pk, "sector": "industry_trade", "title": "小作坊",
        "source": "assigned", "identified_on": TODAY().isoformat()})
    assert answer.status_code == 302, answer.content.decode()
    assert Problem.objects.get(title="小作坊").source == "assigned"


def test_an_enterprise_reads_but_does_not_register_risks_or_problems(client, work):
    w = work
    signed_in(client, w.ent_user)
    assert rows(client.get("/work/risks/"), "risk") == {w.risk_a.pk}
    assert 'id="create-record"' not in client.get("/work/risks/").content.decode()
    assert client.get("/work/risks/new/").status_code == 403
    assert client.get("/work/problems/new/").status_code == 403
    assert client.get(f"/work/risks/{w.risk_a.pk}/edit/").status_code == 403


# --- the compliance board -------------------------------------------------------------------------------------------

@pytest.fixture
def campaign(work):
    w = work
    today = TODAY()
    c = Campaign.objects.create(slug="xuchang", name="许昌市专项行动", region=w.city,
                                start=today - datetime.timedelta(days=90), end=today + datetime.timedelta(days=90),
                                duties=[{"kind": "principal_inspection", "every": "campaign", "times": 1, "flags": []},
                                        {"kind": "drill", "every": "campaign", "times": 1, "flags": []}])
    Inspection.objects.create(enterprise=w.chem_a, kind="self", led_by_principal=True, inspected_on=today)
    return c


def board_cells(response) -> dict[int, dict[str, str]]:
    page = response.content.decode()
    cells: dict[int, dict[str, str]] = {}
    for pk, body in re.findall(r'<tr data-enterprise="(\d+)"[^>]*>(.*?)</tr>', page, re.S):
        cells[int(pk)] = dict(re.findall(r'duty duty-([a-z_]+)" data-met="([01])"', body))
    return cells


def test_the_compliance_board_for_an_office_and_a_department(client, work, campaign):
    w = work
    signed_in(client, w.office_a_user)
    answer = client.get("/work/compliance/")
    assert answer.status_code == 200
    cells = board_cells(answer)
    assert set(cells) == {w.chem_a.pk, w.build_a.pk, w.gas_a.pk, w.town_shop.pk}
    assert cells[w.chem_a.pk] == {"principal_inspection": "1", "warning_education": "0", "hot_work_review": "0",
                                  "outsourcing_review": "0", "drill": "1", "duty_list": "0", "safety_body": "0"}
    assert cells[w.build_a.pk]["principal_inspection"] == "0"
    assert "许昌市专项行动" in answer.content.decode()
    signed_in(client, w.a_emergency_user)
    assert set(board_cells(client.get("/work/compliance/"))) == {w.chem_a.pk, w.town_shop.pk}


def test_the_board_refuses_an_enterprise_and_says_when_no_campaign_runs(client, work):
    w = work
    signed_in(client, w.ent_user)
    assert client.get("/work/compliance/").status_code == 403
    signed_in(client, w.office_a_user)
    answer = client.get("/work/compliance/")
    assert answer.status_code == 200 and 'id="no-campaign"' in answer.content.decode()


def test_an_office_moves_a_department_record_and_its_region_follows(client, work):
    w = work
    signed_in(client, w.office_a_user)
    answer = client.post(f"/work/activities/{w.act_dept_a.pk}/edit/", {
        "kind": "enterprise_briefing", "region": "411002", "department": w.township_office.pk, "count": 1,
        "occurred_on": TODAY().isoformat(), "version": 1})
    assert answer.status_code == 302, answer.content.decode()
    moved = Activity.objects.get(pk=w.act_dept_a.pk)
    assert (moved.department_id, moved.region_id, moved.version) == (w.township_office.pk, "411002001", 2)


def test_the_admin_writes_work_records_through_the_audit_chain(client, work):
    from apps.audit.models import AuditEntry
    from apps.audit.services import verify_chain

    w = work
    client.force_login(w.admin)
    answer = client.post("/admin/work/activity/add/", {
        "kind": "safety_month", "region": "411002", "occurred_on": TODAY().isoformat(), "count": 1, "people": 0,
        "note": "", "media_level": ""})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    made = Activity.objects.get(kind="safety_month")
    assert AuditEntry.objects.filter(model="work.activity", object_id=str(made.pk), action="create").exists()
    assert made.created_by == w.admin and made.version == 1
    answer = client.post(f"/admin/work/activity/{made.pk}/change/", {
        "kind": "safety_month", "region": "411002", "occurred_on": TODAY().isoformat(), "count": 2, "people": 0,
        "note": "改", "media_level": ""})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    made.refresh_from_db()
    assert made.count == 2 and made.version == 2  # an admin edit makes open forms stale
    assert AuditEntry.objects.filter(model="work.activity", object_id=str(made.pk), action="update").exists()
    answer = client.post(f"/admin/work/activity/{made.pk}/delete/", {"post": "yes"})
    assert answer.status_code == 302
    assert AuditEntry.objects.filter(model="work.activity", object_id=str(made.pk), action="delete").exists()
    assert verify_chain() == []


def test_an_activity_carries_its_evidence_seen_only_by_those_who_see_the_activity(client, work):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.test_inspection_onsite import png

    w = work
    signed_in(client, w.office_a_user)
    form = {"kind": "special_study", "region": w.county_a.code, "occurred_on": TODAY().isoformat(), "count": 1}
    bad = client.post("/work/activities/new/", {
        **form, "evidence": SimpleUploadedFile("纪要.txt", b"just text", content_type="image/png")})
    assert bad.status_code == 200 and "佐证材料只能是" in html.unescape(bad.content.decode())
    before = Activity.objects.count()
    good = client.post("/work/activities/new/", {
        **form, "evidence": SimpleUploadedFile("会议照片.png", png(), content_type="image/png")})
    assert good.status_code == 302 and Activity.objects.count() == before + 1
    activity = Activity.objects.latest("pk")
    assert activity.evidence.name.endswith(".png") and "会议" not in activity.evidence.name
    assert client.get(f"/work/activities/{activity.pk}/evidence/").status_code == 200
    signed_in(client, w.ent_user)
    assert client.get(f"/work/activities/{activity.pk}/evidence/").status_code == 404
