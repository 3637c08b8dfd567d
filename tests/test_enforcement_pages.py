"""The enforcement pages (DESIGN.md "Enforcement", "Who may do what"): the list shows what the acting membership
sees and filters like the API; only department members register actions, only a department leader publishes; the
form shows the fields of the kind and the services' errors beside the field, in Chinese; a penalty on a hazard that
is 依法不予行政处罚 asks for the reason; 一案双罚 is recognised only inside one case (one department, one case
number), as the report engine counts it; 责任倒查问责 is kept by safety offices and discipline.

The pages live under `enforcement/`."""
import datetime
import html
import re
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from apps.hazards import services as hazard_services
from apps.hazards.models import Hazard
from apps.inspections import services
from apps.inspections.cases import dual_cases, dual_keys, wan
from apps.inspections.models import Accountability, EnforcementAction
from apps.reports.metrics import figures_cases
from apps.reports.scopes import RegionTargets, own_work
from apps.work.models import Activity
from tests.pages import act_as
from tests.world import _user

TODAY = timezone.localdate


def days(n: int) -> datetime.date:
    return TODAY() + datetime.timedelta(days=n)


def signed_in(client, user):
    client.force_login(user)
    memberships = list(user.memberships.all())
    if memberships:
        act_as(client, memberships[0])
    return client


def rows(response, attr: str = "action") -> set[int]:
    assert response.status_code == 200, response.status_code
    return {int(pk) for pk in re.findall(rf'data-{attr}="(\d+)"', response.content.decode())}


def text(response) -> str:
    return html.unescape(response.content.decode())


def field_errors(response, name: str) -> list[str]:
    """The messages shown under the field `name` (includes/field.html)."""
    page = response.content.decode()
    start = page.index(f'class="mb-3 field-{name}"')
    block = page[start:page.index('<div class="mb-3 field-', start + 10) if '<div class="mb-3 field-' in page[
        start + 10:] else len(page)]
    return [html.unescape(m) for m in re.findall(r'<div class="invalid-feedback d-block">([^<]+)</div>', block)]


def has_field(response, name: str) -> bool:
    return f'name="{name}"' in response.content.decode()


def act(user, enterprise, **data) -> EnforcementAction:
    return services.action_create(actor=user, data={"enterprise": enterprise, **data})


def penalty(user, enterprise, case_no, *, principal=False, on=-10, amount="1", **data) -> EnforcementAction:
    return act(user, enterprise, kind="penalty", case_no=case_no, amount=Decimal(amount),
               against_principal=principal, decided_on=days(on), **data)


def waived_hazard(w) -> Hazard:
    """A major hazard the enterprise reported itself and rectifies under a plan: 依法不予行政处罚."""
    h = hazard_services.hazard_report(actor=w.ent_user, data={
        "enterprise": w.chem_a, "title": "储罐区报警器失效", "level": "major", "source": "self",
        "department": w.a_emergency, "found_on": days(-10)})
    return hazard_services.hazard_plan(actor=w.ent_user, hazard=h, plan={
        "owner": "张三", "measures": "更换", "funds": "1", "deadline": days(20), "contingency": "停用",
        "planned_on": days(-9)})


def plain_hazard(w, enterprise=None, *, level="major") -> Hazard:
    enterprise = enterprise or w.chem_a
    return Hazard.objects.create(enterprise=enterprise, region=enterprise.region, title="泄压阀失效", level=level,
                                 source="department", sector_id="chemicals", found_on=days(-5),
                                 department=w.a_emergency, found_by_department=w.a_emergency)


@pytest.fixture
def b_user(world):
    """A member of the other county's emergency bureau."""
    return _user("b_emergency", ("department", world.b_emergency, "member"))


@pytest.fixture
def housing_member(world):
    return _user("city_housing_member", ("department", world.city_housing, "member"))


@pytest.fixture
def actions(world):
    w = world
    w.p1 = penalty(w.a_emergency_user, w.chem_a, "魏应急罚〔2026〕1号", on=-40)
    w.p2 = penalty(w.a_emergency_user, w.chem_a, "魏应急罚〔2026〕1号", principal=True, on=-39, amount="0.5")
    w.summons = act(w.a_emergency_user, w.town_shop, kind="summons", decided_on=days(-3))
    w.b_closure = act(w.admin, w.chem_b, department=w.b_emergency, kind="closure", decided_on=days(-2))
    w.published = act(w.city_housing_user, w.build_a, kind="exposure", decided_on=days(-20), published=True,
                      published_on=days(-1))
    return w


# --- who sees and who may -----------------------------------------------------------------------------------------

def test_the_list_shows_the_acting_scope(client, actions):
    w = actions
    signed_in(client, w.a_emergency_user)
    assert rows(client.get("/enforcement/")) == {w.p1.pk, w.p2.pk, w.summons.pk}
    signed_in(client, w.ent_user)  # the decisions made about its enterprise
    assert rows(client.get("/enforcement/")) == {w.p1.pk, w.p2.pk}
    signed_in(client, w.office_city_user)
    assert rows(client.get("/enforcement/")) == {w.p1.pk, w.p2.pk, w.summons.pk, w.b_closure.pk, w.published.pk}
    signed_in(client, w.nobody)
    assert rows(client.get("/enforcement/")) == set()


def test_the_list_filters_by_kind_department_date_publication_and_case(client, actions):
    w = actions
    signed_in(client, w.office_city_user)

    def listed(**params):
        return rows(client.get("/enforcement/?" + urlencode(params)))

    assert listed(kind="penalty") == {w.p1.pk, w.p2.pk}
    assert listed(kind="", department="") == {w.p1.pk, w.p2.pk, w.summons.pk, w.b_closure.pk, w.published.pk}
    assert listed(department=w.b_emergency.pk) == {w.b_closure.pk}
    assert listed(decided_from=days(-5).isoformat()) == {w.summons.pk, w.b_closure.pk}
    assert listed(decided_to=days(-39).isoformat()) == {w.p1.pk, w.p2.pk}
    assert listed(published="true") == {w.published.pk}
    assert listed(published="false") == {w.p1.pk, w.p2.pk, w.summons.pk, w.b_closure.pk}
    assert listed(case_no="魏应急罚〔2026〕1号") == {w.p1.pk, w.p2.pk}
    page = text(client.get("/enforcement/?kind=penalty"))
    assert "1.5" not in page and ">1<" in page and ">0.5<" in page  # amounts as people write them


def test_only_department_members_open_the_action_form(client, world):
    for user in (world.ent_user, world.office_a_user, world.discipline_a_user, world.group_user, world.nobody):
        signed_in(client, user)
        answer = client.get("/enforcement/new/")
        assert answer.status_code == 403, user
        assert "只有执法部门人员可以登记执法措施" in text(answer)
        assert client.post("/enforcement/new/", {"enterprise": world.chem_a.pk, "kind": "summons"}).status_code == 403
        assert 'id="create-action"' not in client.get("/enforcement/").content.decode()
    assert EnforcementAction.objects.count() == 0
    signed_in(client, world.a_emergency_user)
    assert client.get("/enforcement/new/").status_code == 200
    assert 'id="create-action"' in client.get("/enforcement/").content.decode()
    client.logout()
    assert client.get("/enforcement/").status_code == 302  # to the sign-in page


def test_another_countys_department_gets_404(client, actions, b_user):
    w = actions
    signed_in(client, b_user)
    for url in (f"/enforcement/{w.p1.pk}/", f"/enforcement/{w.p1.pk}/edit/",
                f"/enforcement/cases/{w.a_emergency.pk}/?no=" + "魏应急罚〔2026〕1号"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/enforcement/{w.p1.pk}/edit/", {"kind": "summons"}).status_code == 404
    # its own county's decision it opens
    assert client.get(f"/enforcement/{w.b_closure.pk}/").status_code == 200
    # the enterprise reads the decision about it and may not change it
    signed_in(client, w.ent_user)
    assert client.get(f"/enforcement/{w.p1.pk}/").status_code == 200
    assert client.get(f"/enforcement/{w.p1.pk}/edit/").status_code == 403
    assert 'id="edit-action"' not in client.get(f"/enforcement/{w.p1.pk}/").content.decode()


# --- the form -----------------------------------------------------------------------------------------------------

def test_a_member_registers_a_penalty_through_the_form(client, world):
    signed_in(client, world.a_emergency_user)
    answer = client.post("/enforcement/new/", {
        "enterprise": world.chem_a.pk, "kind": "penalty", "decided_on": days(-2).isoformat(), "amount": "3.5",
        "case_no": "魏应急罚〔2026〕8号", "note": "储罐区报警器长期失效"})
    action = EnforcementAction.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/enforcement/{action.pk}/"
    assert (action.department, action.kind, action.amount, action.decided_on, action.against_principal) == (
        world.a_emergency, "penalty", Decimal("3.5"), days(-2), False)
    page = text(client.get(answer["Location"]))
    assert "3.5 万元" in page and "魏应急罚〔2026〕8号" in page


def test_the_services_errors_show_beside_the_field_in_chinese(client, world):
    signed_in(client, world.a_emergency_user)
    base = {"enterprise": world.chem_a.pk}
    answer = client.post("/enforcement/new/", {**base, "kind": "penalty"})
    assert answer.status_code == 200
    assert field_errors(answer, "case_no") == ["“行政处罚”须填写案件编号。"]
    assert 'name="case_no"' in answer.content.decode() and "is-invalid" in answer.content.decode()
    answer = client.post("/enforcement/new/", {**base, "kind": "penalty", "case_no": "1号", "amount": "0"})
    assert field_errors(answer, "amount") == ["行政处罚须填写罚款金额（万元，大于 0）。"]
    answer = client.post("/enforcement/new/", {**base, "kind": "judicial_referral", "case_no": "2号"})
    assert field_errors(answer, "persons") == ["移送司法机关须填写移送人数（至少 1 人）。"]
    answer = client.post("/enforcement/new/", {**base, "kind": "summons", "decided_on": days(1).isoformat()})
    assert field_errors(answer, "decided_on") == ["日期不能晚于今天。"]
    answer = client.post("/enforcement/new/", {"kind": "summons"})
    assert field_errors(answer, "enterprise") == ["请选择企业。"]
    answer = client.post("/enforcement/new/", {**base, "kind": "penalty", "case_no": "1号", "amount": "abc"})
    assert field_errors(answer, "amount") == ["输入一个数字。"]
    # an enterprise outside the department's reach is not offered, and refused
    answer = client.post("/enforcement/new/", {"enterprise": world.chem_b.pk, "kind": "summons"})
    assert field_errors(answer, "enterprise") == ["该企业不在您的监管范围内。"]
    assert EnforcementAction.objects.count() == 0


def test_the_form_shows_the_fields_of_the_kind(client, world):
    signed_in(client, world.a_emergency_user)
    answer = client.get("/enforcement/new/")  # a penalty by default
    assert has_field(answer, "amount") and has_field(answer, "against_principal")
    assert has_field(answer, "dangerous_operation_crime") and not has_field(answer, "persons")
    answer = client.get("/enforcement/new/?kind=judicial_referral")
    assert has_field(answer, "persons") and has_field(answer, "dangerous_operation_crime")
    assert not has_field(answer, "amount") and not has_field(answer, "against_principal")
    answer = client.get("/enforcement/new/?kind=summons")
    assert not any(has_field(answer, n) for n in ("amount", "persons", "dangerous_operation_crime", "waiver_reason"))
    # the htmx refresh keeps what was typed and redraws the kind's fields
    answer = client.get("/enforcement/new/?refresh=1&kind=judicial_referral&case_no=9号&enterprise="
                        f"{world.chem_a.pk}&note=x", HTTP_HX_REQUEST="true")
    assert answer.status_code == 200 and 'value="9号"' in answer.content.decode() and has_field(answer, "persons")
    # a member of one department does not choose it; the form says whom the hazards belong to
    assert not has_field(answer, "department")
    assert f'<option value="{world.chem_b.pk}"' not in answer.content.decode()


def test_changing_the_kind_clears_what_no_longer_applies(client, world):
    action = penalty(world.a_emergency_user, world.chem_a, "罚9号", principal=True, dangerous_operation_crime=True)
    signed_in(client, world.a_emergency_user)
    answer = client.post(f"/enforcement/{action.pk}/edit/", {"version": action.version, "kind": "summons",
                                                             "decided_on": action.decided_on.isoformat()})
    assert answer.status_code == 302, field_errors(answer, "kind")
    action.refresh_from_db()
    assert (action.kind, action.amount, action.against_principal, action.dangerous_operation_crime,
            action.case_no) == ("summons", None, False, False, "")


def test_a_stale_form_answers_409_and_keeps_the_input(client, world):
    action = act(world.a_emergency_user, world.chem_a, kind="summons", note="初稿")
    services.action_update(actor=world.a_emergency_user, action=action, data={"note": "他人修改"})
    signed_in(client, world.a_emergency_user)
    answer = client.post(f"/enforcement/{action.pk}/edit/", {"version": 1, "kind": "summons", "note": "我的修改"})
    assert answer.status_code == 409
    assert "该记录已被他人修改" in text(answer) and "我的修改" in text(answer)
    assert EnforcementAction.objects.get(pk=action.pk).note == "他人修改"


def test_a_penalty_on_a_waived_hazard_asks_for_the_reason(client, world):
    waived, plain = waived_hazard(world), plain_hazard(world)
    signed_in(client, world.a_emergency_user)
    answer = client.get(f"/enforcement/new/?enterprise={world.chem_a.pk}&kind=penalty&hazard={waived.pk}")
    assert has_field(answer, "waiver_reason") and 'id="waiver-explanation"' in answer.content.decode()
    assert "依法不予行政处罚" in text(answer) and "企业自查发现并报告" in text(answer)
    for query in (f"kind=penalty&hazard={plain.pk}", f"kind=stop_rectify&hazard={waived.pk}", "kind=penalty"):
        answer = client.get(f"/enforcement/new/?enterprise={world.chem_a.pk}&{query}")
        assert not has_field(answer, "waiver_reason") and 'id="waiver-explanation"' not in answer.content.decode()
    body = {"enterprise": world.chem_a.pk, "kind": "penalty", "case_no": "罚3号", "amount": "10", "hazard": waived.pk}
    answer = client.post("/enforcement/new/", body)
    assert answer.status_code == 200
    assert field_errors(answer, "waiver_reason") == [
        "该隐患依法不予行政处罚（企业自查上报并按方案整改的重大事故隐患），仍予处罚须说明理由。"]
    assert client.post("/enforcement/new/", {**body, "waiver_reason": "整改期间仍违规动火作业"}).status_code == 302
    assert EnforcementAction.objects.get().waiver_reason == "整改期间仍违规动火作业"
    # a hazard of another enterprise is not offered
    answer = client.post("/enforcement/new/", {**body, "enterprise": world.town_shop.pk})
    assert field_errors(answer, "hazard") == ["该隐患不属于所选企业，或不在您的可见范围内。"]


def test_a_member_cannot_publish_a_leader_can(client, world, housing_member):
    body = {"enterprise": world.build_a.pk, "kind": "exposure", "decided_on": days(-5).isoformat(),
            "published": "on", "published_on": days(-1).isoformat()}
    signed_in(client, housing_member)
    assert not has_field(client.get("/enforcement/new/"), "published")
    assert client.post("/enforcement/new/", body).status_code == 302
    by_member = EnforcementAction.objects.get()
    assert (by_member.published, by_member.published_on) == (False, None)  # not offered, not taken
    signed_in(client, world.city_housing_user)  # the bureau's leader
    assert has_field(client.get("/enforcement/new/"), "published")
    assert client.post("/enforcement/new/", {**body, "published_on": ""}).status_code == 302
    by_leader = EnforcementAction.objects.latest("pk")
    assert (by_leader.published, by_leader.published_on) == (True, TODAY())
    answer = client.get(f"/enforcement/{by_member.pk}/edit/")
    assert has_field(answer, "published")
    assert client.post(f"/enforcement/{by_member.pk}/edit/", {
        "version": by_member.version, "kind": "exposure", "published": "on",
        "published_on": days(-1).isoformat()}).status_code == 302
    by_member.refresh_from_db()
    assert (by_member.published, by_member.published_on) == (True, days(-1))
    # the member edits the published case without unpublishing it
    signed_in(client, housing_member)
    assert not has_field(client.get(f"/enforcement/{by_member.pk}/edit/"), "published")
    assert client.post(f"/enforcement/{by_member.pk}/edit/", {
        "version": by_member.version, "kind": "exposure", "note": "补充"}).status_code == 302
    by_member.refresh_from_db()
    assert (by_member.published, by_member.note) == (True, "补充")


# --- cases and 一案双罚 --------------------------------------------------------------------------------------------

@pytest.fixture
def cases(world):
    w = world
    w.dual_e = penalty(w.a_emergency_user, w.chem_a, "A1", on=-20)
    w.dual_p = penalty(w.a_emergency_user, w.chem_a, "A1", principal=True, on=-18)
    # the same number in another department is another case: not 一案双罚
    w.split_e = penalty(w.a_emergency_user, w.chem_a, "B1", on=-15)
    w.split_p = penalty(w.city_emergency_user, w.chem_a, "B1", principal=True, on=-15)
    # two numbers in one department: two cases
    w.two_e = penalty(w.a_emergency_user, w.chem_a, "C1", on=-12)
    w.two_p = penalty(w.a_emergency_user, w.chem_a, "C2", principal=True, on=-12)
    # a principal penalised twice in one case is not 一案双罚 either
    w.twice = [penalty(w.a_emergency_user, w.chem_a, "D1", principal=True, on=-8 + i) for i in range(2)]
    return w


def test_dual_penalty_only_inside_one_case(cases):
    w = cases
    summaries = {c.key: c for c in dual_cases(EnforcementAction.objects.all())}
    assert {key for key, c in summaries.items() if c.dual} == {(w.a_emergency.pk, "A1")}
    assert summaries[(w.a_emergency.pk, "A1")].dual_on == days(-18)
    assert summaries[(w.a_emergency.pk, "A1")].amount_text == "2"
    assert not summaries[(w.a_emergency.pk, "B1")].dual and not summaries[(w.city_emergency.pk, "B1")].dual
    assert dual_keys([(w.a_emergency.pk, "B1"), (w.a_emergency.pk, "A1"), (w.city_emergency.pk, "A1"), None]) == {
        (w.a_emergency.pk, "A1")}
    assert (wan(Decimal("10.0000")), wan(Decimal("0.0001")), wan(Decimal("3.5000")), wan(None)) == (
        "10", "0.0001", "3.5", "")


def test_the_list_and_the_case_page_show_the_dual_badge(client, cases):
    w = cases
    signed_in(client, w.office_city_user)
    page = client.get("/enforcement/").content.decode()
    badged = {int(pk) for pk, row in re.findall(r'<tr data-action="(\d+)">(.*?)</tr>', page, re.S)
              if "dual-badge" in row}
    assert badged == {w.dual_e.pk, w.dual_p.pk}
    case = client.get(f"/enforcement/cases/{w.a_emergency.pk}/?no=A1")
    assert rows(case) == {w.dual_e.pk, w.dual_p.pk} and "dual-badge" in case.content.decode()
    assert "构成“一案双罚”" in text(case)
    case = client.get(f"/enforcement/cases/{w.a_emergency.pk}/?no=B1")
    assert rows(case) == {w.split_e.pk} and "dual-badge" not in case.content.decode()
    assert "未处罚企业主要负责人" in text(case)
    assert rows(client.get(f"/enforcement/cases/{w.city_emergency.pk}/?no=B1")) == {w.split_p.pk}
    assert client.get(f"/enforcement/cases/{w.a_emergency.pk}/?no=ZZ").status_code == 404
    assert client.get(f"/enforcement/cases/{w.a_emergency.pk}/").status_code == 404
    # the case page offers its department the principal's penalty in the same case
    signed_in(client, w.a_emergency_user)
    case = text(client.get(f"/enforcement/cases/{w.a_emergency.pk}/?no=B1"))
    assert 'id="add-to-case"' in case and "case_no=B1" in case and "against_principal=on" in case


def test_the_pages_and_the_report_count_the_same_dual_penalties(cases):
    w = cases
    # one more dual case, at the city, outside a short window; and one decided after the cut-off
    penalty(w.city_emergency_user, w.city_plant, "E1", on=-60)
    penalty(w.city_emergency_user, w.city_plant, "E1", principal=True, on=-59)
    late = penalty(w.city_emergency_user, w.city_plant, "F1", on=-1)
    penalty(w.city_emergency_user, w.city_plant, "F1", principal=True, on=0)
    as_of = days(-1)
    assert late.decided_on == as_of

    def pages(queryset, window):
        start, end = window
        return sum(1 for c in dual_cases(queryset.filter(decided_on__lte=as_of))
                   if c.dual and start <= c.dual_on <= end)

    for window in ((days(-30), as_of), (days(-90), as_of), (days(-19), days(-17)), (days(-17), as_of)):
        for region in (w.city, w.county_a):
            report = figures_cases(RegionTargets([region]), window, as_of).get(region.code, {})
            mine = pages(EnforcementAction.objects.filter(department__region__code__startswith=region.code), window)
            assert report.get("EN.dual", 0) == mine, (region.code, window)
        for department in (w.a_emergency, w.city_emergency):
            report = figures_cases(own_work([department]), window, as_of).get(department.pk, {})
            mine = pages(EnforcementAction.objects.filter(department=department), window)
            assert report.get("EN.dual", 0) == mine, (department.name, window)
    assert pages(EnforcementAction.objects.all(), (days(-90), as_of)) == 2


# --- 责任倒查问责 ------------------------------------------------------------------------------------------------

def test_accountability_is_for_safety_offices_and_discipline(client, world):
    item = services.accountability_create(actor=world.office_a_user, data={
        "region": world.county_a, "department": world.a_emergency, "persons": 2, "outcome": "诫勉谈话",
        "note": "魏都区应急管理局执法人员张某：检查走过场"})
    notice = Activity.objects.create(kind="summons_notice", region=world.county_a, occurred_on=days(-2),
                                     note="约谈排查整治不力的西大街道")
    for user in (world.office_a_user, world.discipline_a_user, world.office_city_user):
        signed_in(client, user)
        answer = client.get("/enforcement/accountability/")
        assert rows(answer, "accountability") == {item.pk}, user
        assert rows(answer, "activity") == {notice.pk}  # 约谈通报 of regions and departments
        assert "诫勉谈话" in text(answer) and "张某" in text(answer)
        assert client.get("/enforcement/accountability/new/").status_code == 200
    for user in (world.a_emergency_user, world.ent_user, world.group_user, world.nobody):
        signed_in(client, user)
        assert client.get("/enforcement/accountability/").status_code == 403, user
        assert client.get("/enforcement/accountability/new/").status_code == 403, user
        assert client.post("/enforcement/accountability/new/", {"region": "411002", "persons": 1}).status_code == 403
    office_b = _user("office_b", ("safety_office", world.county_b, "member"))
    signed_in(client, office_b)
    assert rows(client.get("/enforcement/accountability/"), "accountability") == set()
    assert client.get(f"/enforcement/accountability/{item.pk}/edit/").status_code == 404
    assert Accountability.objects.count() == 1


def test_accountability_form_writes_through_the_service(client, world):
    h = plain_hazard(world)
    far = plain_hazard(world, world.far_away)
    signed_in(client, world.office_a_user)
    form = client.get(f"/enforcement/accountability/new/?hazard={h.pk}")
    assert f'value="{h.pk}"' in form.content.decode()
    assert '<option value="411003"' not in form.content.decode()  # the neighbouring county is not offered
    base = {"region": "411002", "persons": "1", "hazard": h.pk, "note": "张某，安监员：查出后跟踪整改不到位"}
    answer = client.post("/enforcement/accountability/new/", {**base, "department": world.b_emergency.pk})
    assert field_errors(answer, "department")  # another county's department is not even offered
    answer = client.post("/enforcement/accountability/new/", {**base, "persons": "0"})
    assert field_errors(answer, "persons") == ["问责人数至少为 1 人。"]
    answer = client.post("/enforcement/accountability/new/", {**base, "decided_on": days(1).isoformat()})
    assert field_errors(answer, "decided_on") == ["日期不能晚于今天。"]
    answer = client.post("/enforcement/accountability/new/", {**base, "hazard": far.pk})
    assert field_errors(answer, "hazard") == [f"没有编号为 {far.pk} 的隐患，或该隐患不在您的可见范围内。"]
    extra = _user("a_housing_leader", ("department", world.a_housing, "leader"))
    assert extra  # a department of the county is a valid deciding organ
    answer = client.post("/enforcement/accountability/new/", {**base, "department": world.a_housing.pk,
                                                                 "outcome": "通报批评"})
    assert answer.status_code == 302
    item = Accountability.objects.get()
    assert (item.region_id, item.department, item.persons, item.hazard, item.outcome, item.decided_on) == (
        "411002", world.a_housing, 1, h, "通报批评", TODAY())
    answer = client.post(f"/enforcement/accountability/{item.pk}/edit/", {
        "version": 1, "region": "411002", "persons": "3", "outcome": "党纪政务处分"})
    assert answer.status_code == 302
    item.refresh_from_db()
    assert (item.persons, item.outcome, item.version, item.department, item.hazard) == (3, "党纪政务处分", 2, None,
                                                                                        None)
    stale = client.post(f"/enforcement/accountability/{item.pk}/edit/", {"version": 1, "region": "411002",
                                                                         "persons": "4"})
    assert stale.status_code == 409 and "该记录已被他人修改" in text(stale)


def test_the_list_answers_in_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    signed_in(client, world.a_emergency_user)

    def load(n):
        for i in range(n):
            penalty(world.a_emergency_user, world.chem_a, f"Q{i}", principal=bool(i % 2), on=-i)

    def queries() -> int:
        with django_assert_max_num_queries(20) as captured:
            assert client.get("/enforcement/").status_code == 200
        return len(captured.captured_queries)

    load(2)
    small = queries()
    load(12)
    assert queries() == small
