"""屡查屡犯 (apps/inspections/repeat.py): rule 1, a major hazard still open after repeated penalties; rule 2, the
same hazard back after closure — each with the cases that must be found and those that must not, the measures
proposed (提请关闭, 行业禁入) and those already carried out, a bounded number of queries, and the page that lists
the findings in the viewer's scope with a button that pre-fills the proposed action."""
import datetime
import html
from decimal import Decimal

from django.utils import timezone

from apps.enterprises.models import EnterpriseState
from apps.hazards.models import Hazard, Status
from apps.inspections import services
from apps.inspections.models import Checklist, ChecklistItem, EnforcementAction, Inspection, InspectionAnswer
from apps.inspections.repeat import (
    PERSISTING,
    RECURRING,
    SAME_CHECKLIST_ITEM,
    SAME_TITLE_LOCATION,
    find_repeat_offenders,
    normal,
)
from tests.pages import act_as
from tests.world import _user


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def hazard(w, *, enterprise=None, title="储罐区可燃气体报警器失效", location="储罐区", level="major", found=-100,
           closed=None, sector="chemicals") -> Hazard:
    enterprise = enterprise or w.chem_a
    return Hazard.objects.create(
        enterprise=enterprise, region=enterprise.region, title=title, location=location, level=level,
        source="department", sector_id=sector, found_on=days(found), department=w.a_emergency,
        found_by_department=w.a_emergency, status=Status.CLOSED if closed is not None else Status.RECTIFYING,
        closed_on=days(closed) if closed is not None else None)


def penalty(w, case_no, *, on, h=None, principal=False, user=None, enterprise=None) -> EnforcementAction:
    return services.action_create(actor=user or w.a_emergency_user, data={
        "enterprise": enterprise or w.chem_a, "kind": "penalty", "amount": Decimal("1"), "case_no": case_no,
        "against_principal": principal, "decided_on": days(on), "hazard": h})


def measure(w, kind, *, on, enterprise=None) -> EnforcementAction:
    return services.action_create(actor=w.a_emergency_user, data={
        "enterprise": enterprise or w.chem_a, "kind": kind, "decided_on": days(on)})


def found(hazards=None):
    return {(f.rule, f.hazard.pk) for f in find_repeat_offenders(hazards)}


def only(hazards=None):
    findings = find_repeat_offenders(hazards)
    assert len(findings) == 1, findings
    return findings[0]


# --- rule 1: a major hazard that persists after repeated penalties -------------------------------------------------

def test_two_penalties_on_an_open_major_hazard_are_found(world):
    h = hazard(world)
    penalty(world, "罚1号", on=-60, h=h)
    assert found() == set()  # one penalty is not repeated
    penalty(world, "罚2号", on=-30, h=h)
    f = only()
    assert (f.rule, f.hazard, f.enterprise, f.earlier) == (PERSISTING, h, world.chem_a, None)
    assert [c.case_no for c in f.penalty_cases] == ["罚1号", "罚2号"]
    assert [p.kind for p in f.proposals] == ["closure", "industry_ban"]
    assert not any(p.done for p in f.proposals)
    assert "多次受到处罚，依法提请属地人民政府予以关闭" in f.proposals[0].reason
    assert "行业禁入" in f.proposals[1].reason and "罚1号" in f.proposals[1].reason


def test_a_dual_penalty_in_one_case_is_one_penalty(world):
    h = hazard(world)
    penalty(world, "罚1号", on=-60, h=h)
    penalty(world, "罚1号", on=-60, h=h, principal=True)  # 一案双罚: one case
    assert found() == set()
    # the same number in another department is another case
    penalty(world, "罚1号", on=-50, h=h, user=world.city_emergency_user)
    assert found() == {(PERSISTING, h.pk)}


def test_which_penalties_count_for_the_hazard(world):
    h = hazard(world, found=-100)
    other = hazard(world, title="反应釜温度报警失效", location="车间")
    penalty(world, "早1号", on=-120)  # before the hazard was found
    penalty(world, "他1号", on=-50, h=other)  # about another hazard
    services.action_create(actor=world.admin, data={  # another enterprise's
        "enterprise": world.chem_b, "department": world.b_emergency, "kind": "penalty", "amount": Decimal("1"),
        "case_no": "乙1号", "decided_on": days(-40)})
    assert found() == set()
    penalty(world, "企1号", on=-30)  # against the enterprise, no hazard named: counts for both
    assert found() == {(PERSISTING, other.pk)}  # the other hazard had its own penalty already
    penalty(world, "隐1号", on=-20, h=h)
    assert found() == {(PERSISTING, h.pk), (PERSISTING, other.pk)}
    mine = next(f for f in find_repeat_offenders() if f.hazard == h)
    assert [c.case_no for c in mine.penalty_cases] == ["企1号", "隐1号"]


def test_closed_general_or_enterpriseless_hazards_are_not_found(world):
    closed = hazard(world, closed=-5, title="已销号的")
    general = hazard(world, level="general", title="一般隐患")
    road = Hazard.objects.create(region=world.county_a, title="道路塌陷", level="major", source="department",
                                 sector_id="chemicals", found_on=days(-100), department=world.a_emergency)
    for h in (closed, general):
        penalty(world, f"{h.pk}-1", on=-60, h=h)
        penalty(world, f"{h.pk}-2", on=-30, h=h)
    assert road.enterprise is None
    assert found() == set()


def test_a_measure_already_taken_is_shown_done(world):
    h = hazard(world, found=-100)
    penalty(world, "罚1号", on=-60, h=h)
    penalty(world, "罚2号", on=-30, h=h)
    measure(world, "industry_ban", on=-150)  # before the hazard: not for it
    assert not any(p.done for p in only().proposals)
    ban = measure(world, "industry_ban", on=-5)
    closure, industry_ban = only().proposals
    assert (closure.done, industry_ban.done, industry_ban.done_by) == (False, True, ban.pk)
    world.chem_a.state = EnterpriseState.CLOSED
    world.chem_a.save()
    closure, _ = only().proposals
    assert (closure.done, closure.done_by, closure.done_note) == (True, None, "企业已关闭")


# --- rule 2: the same hazard back after closure --------------------------------------------------------------------

def test_the_same_title_and_location_after_closure_is_found(world):
    c = hazard(world, found=-200, closed=-100, level="general")
    n = hazard(world, found=-100, title=" 储罐区 可燃气体报警器失效", location="储罐区　")  # spaces, full-width
    f = only()
    assert (f.rule, f.hazard, f.earlier, f.same_by) == (RECURRING, n, c, SAME_TITLE_LOCATION)
    assert [p.kind for p in f.proposals] == ["industry_ban"]  # no repeated penalties: no closure proposed
    assert "屡查屡犯" in f.proposals[0].reason
    # closed again since: still a repeat offender
    Hazard.objects.filter(pk=n.pk).update(status=Status.CLOSED, closed_on=days(-1))
    assert found() == {(RECURRING, n.pk)}
    assert normal("ＡＢ c\u3000d") == "abcd"


def test_a_different_hazard_after_closure_is_not_the_same(world):
    hazard(world, found=-200, closed=-100)
    hazard(world, found=-50, title="反应釜温度报警失效")  # another title
    hazard(world, found=-50, location="装卸区")  # same title, another place
    hazard(world, found=-50, sector="industry_trade")  # another sector
    hazard(world, found=-50, enterprise=world.town_shop)  # another enterprise
    hazard(world, found=-50, level="general")  # not a major hazard
    hazard(world, found=-150)  # found before the other was closed: the same hazard, still there
    assert found() == set()


def test_the_same_checklist_item_after_closure_is_found(world):
    v1 = Checklist.objects.create(code="chem", version=1, name="危化品重点检查事项", source="测试")
    v2 = Checklist.objects.create(code="chem", version=2, name="危化品重点检查事项", source="测试")
    item1 = ChecklistItem.objects.create(checklist=v1, number=3, focus="可燃气体报警装置有效", major=True)
    item2 = ChecklistItem.objects.create(checklist=v2, number=5, focus="可燃 气体报警装置有效", major=True)
    other = ChecklistItem.objects.create(checklist=v2, number=6, focus="紧急切断装置有效", major=True)

    def answered(h, item, on):
        check = Inspection.objects.create(enterprise=world.chem_a, kind="enforcement", department=world.a_emergency,
                                          inspected_on=days(on))
        InspectionAnswer.objects.create(inspection=check, item=item, answer="no", hazard=h)

    c = hazard(world, found=-200, closed=-100, title="1号罐报警器坏")
    n = hazard(world, found=-50, title="2号罐报警器不报警", location="罐区东侧")
    answered(c, item1, -200)
    answered(n, other, -50)
    assert found() == set()  # titles differ, items differ
    answered(n, item2, -50)  # the same item in the list's next version
    f = only()
    assert (f.rule, f.hazard, f.earlier, f.same_by) == (RECURRING, n, c, SAME_CHECKLIST_ITEM)
    InspectionAnswer.objects.filter(item=item2).update(item=item1)  # the very same item
    assert only().same_by == SAME_CHECKLIST_ITEM


def test_a_recurrence_penalised_repeatedly_is_proposed_for_closure(world):
    c = hazard(world, found=-200, closed=-100)
    n = hazard(world, found=-90)
    penalty(world, "罚1号", on=-150, h=c)
    f = only()
    assert [p.kind for p in f.proposals] == ["industry_ban"]
    penalty(world, "罚2号", on=-80, h=n)
    findings = {f.rule: f for f in find_repeat_offenders()}
    assert set(findings) == {RECURRING}  # rule 1 counts penalties since N was found: one
    assert [p.kind for p in findings[RECURRING].proposals] == ["closure", "industry_ban"]
    assert [x.case_no for x in findings[RECURRING].penalty_cases] == ["罚1号", "罚2号"]
    penalty(world, "罚3号", on=-70, h=n)
    assert found() == {(PERSISTING, n.pk), (RECURRING, n.pk)}


def test_the_viewers_hazards_only_and_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    b_user = _user("b_emergency", ("department", world.b_emergency, "member"))
    for i in range(3):
        h = hazard(world, title=f"隐患{i}", location="")
        penalty(world, f"罚{i}-1", on=-60, h=h)
        penalty(world, f"罚{i}-2", on=-30, h=h)
        hazard(world, title=f"复现{i}", found=-300, closed=-200)
        hazard(world, title=f"复现{i}", found=-100)
    assert len(found(Hazard.objects.visible_to(world.a_emergency_user))) == 6
    assert found(Hazard.objects.visible_to(b_user)) == set()
    with django_assert_max_num_queries(6):
        assert len(find_repeat_offenders()) == 6
    for i in range(3, 8):
        h = hazard(world, title=f"隐患{i}", location="")
        penalty(world, f"罚{i}-1", on=-60, h=h)
        penalty(world, f"罚{i}-2", on=-30, h=h)
    with django_assert_max_num_queries(6):
        assert len(find_repeat_offenders()) == 11


# --- the page -----------------------------------------------------------------------------------------------------

def signed_in(client, user):
    client.force_login(user)
    memberships = list(user.memberships.all())
    if memberships:
        act_as(client, memberships[0])
    return client


def test_the_page_lists_the_findings_and_prefills_the_proposed_action(client, world):
    h = hazard(world)
    penalty(world, "罚1号", on=-60, h=h)
    penalty(world, "罚2号", on=-30, h=h)
    signed_in(client, world.a_emergency_user)
    page = html.unescape(client.get("/enforcement/repeat-offenders/").content.decode())
    assert f'data-finding="persisting-{h.pk}"' in page and world.chem_a.name in page
    assert "/enforcement/new/?enterprise=" in page and "拟提请关闭" in page and "拟行业禁入" in page
    link = page[page.index("/enforcement/new/?enterprise="):]
    link = link[:link.index('"')]
    form = client.get(link)
    assert form.status_code == 200
    body = form.content.decode()
    assert '<option value="closure" selected>' in body and f'<option value="{h.pk}" selected>' in body
    assert "依法提请属地人民政府予以关闭" in html.unescape(body)
    # a safety office sees the finding, and no button: it does not register enforcement
    signed_in(client, world.office_a_user)
    page = html.unescape(client.get("/enforcement/repeat-offenders/").content.decode())
    assert f'data-finding="persisting-{h.pk}"' in page and "/enforcement/new/" not in page and "建议提请关闭" in page
    # another county's department sees none of it; an enterprise is refused the page
    signed_in(client, _user("b_emergency", ("department", world.b_emergency, "member")))
    assert 'data-finding="' not in client.get("/enforcement/repeat-offenders/").content.decode()
    signed_in(client, world.ent_user)
    assert client.get("/enforcement/repeat-offenders/").status_code == 403
