"""Maintained tallies (apps/reports/tallies.py) always equal the raw counts of metrics.py: after every kind of
change that moves a record between cells (NOTES.md "Performance"), at every level and at as-of dates on both sides
of each record's days; and the state kept by the changes equals a rebuild from raw rows."""
from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from apps.campaigns.models import Campaign
from apps.enterprises.models import Enterprise
from apps.enterprises.signals import enterprise_moved
from apps.hazards.models import Hazard, Level, Listing, Source, Status
from apps.inspections.models import Accountability, ActionKind, EnforcementAction, Inspection, InspectionKind
from apps.regions.models import Region
from apps.reports import tallies
from apps.reports.compute import computation, compute
from apps.reports.models import Tally, TallyFirstSeen
from apps.reports.templates import TEMPLATES
from apps.tips.models import Tip
from apps.work.models import Activity, ActivityKind
from tests.report_world import AS_OF, END, START, build_report_world, d

pytestmark = pytest.mark.django_db

DATES = [START - datetime.timedelta(days=1), START, d(5, 31), d(6, 1), d(6, 15), AS_OF, d(7, 1), d(7, 31),
         d(8, 1), END]


@pytest.fixture
def rw():
    return build_report_world()


def levels(w):
    return [[w.province], [w.city, w.zc], [w.a, w.b], [w.a1, w.b1]]


def assert_agrees(w, campaign=None):
    campaign = campaign or w.xuchang
    assert tallies.is_ready(campaign)
    for as_of in DATES:
        for regions in levels(w):
            regions = [r for r in regions if r.code.startswith(campaign.region_id)]
            if regions:
                assert tallies.check(campaign, as_of, regions) == [], (as_of, [r.code for r in regions])


def kept_state(campaign):
    tally = {(r.prefix, r.metric, r.node): r.value
             for r in Tally.objects.filter(campaign=campaign).exclude(value=0)}
    first = {(r.prefix, r.metric, r.enterprise_id): r.day for r in TallyFirstSeen.objects.filter(campaign=campaign)}
    return tally, first


def assert_equals_rebuild(campaign):
    before = kept_state(campaign)
    tallies.rebuild(campaign)
    assert kept_state(campaign) == before


def test_the_forms_read_the_tallies_and_they_agree_with_the_raw_counts(rw):
    comp = computation(TEMPLATES["xuchang-county"], rw.xuchang, AS_OF, regions=[rw.a, rw.b])
    kept = comp._tallied("W")
    assert kept is not None and kept["411002"]["HZ.self"] == 3  # report_world's 1.1 of county A
    assert compute("xuchang-county", rw.xuchang, AS_OF, region=rw.a)["cells"]["1.1"] == 3
    assert_agrees(rw)
    assert_agrees(rw, rw.fuzhou)  # a campaign of one city: its tallies start at the city
    assert not Tally.objects.filter(campaign=rw.fuzhou, prefix="41").exists()


def test_every_change_that_moves_a_record_between_cells(rw):
    h, w = rw.h, rw
    hazard = Hazard.objects.get(pk=h.h1.pk)
    steps = []

    def step(label, change):
        change()
        steps.append(label)
        assert_agrees(w)

    step("reopen", lambda: _save(Hazard, hazard.pk, closed_on=None, status=Status.RECTIFYING))
    step("close later", lambda: _save(Hazard, hazard.pk, closed_on=d(7, 3), status=Status.CLOSED))
    step("plan", lambda: _save(Hazard, hazard.pk, planned_on=d(6, 2)))
    step("level down", lambda: _save(Hazard, hazard.pk, level=Level.GENERAL))
    step("level up", lambda: _save(Hazard, hazard.pk, level=Level.MAJOR))
    step("source", lambda: _save(Hazard, hazard.pk, source=Source.DEPARTMENT))
    step("found earlier than the start", lambda: _save(Hazard, hazard.pk, found_on=START - datetime.timedelta(1)))
    step("found again in W", lambda: _save(Hazard, hazard.pk, found_on=d(6, 1)))
    step("government listing", lambda: Listing.objects.create(hazard=hazard, authority_region=w.a,
                                                              listed_on=d(6, 20), deadline=d(9, 1)))
    step("department listing", lambda: Listing.objects.create(hazard=hazard, authority_region=w.a,
                                                              authority_department=w.a_em, listed_on=d(5, 20),
                                                              deadline=d(9, 1)))
    step("delist", lambda: Listing.objects.filter(hazard=hazard, authority_department__isnull=True).delete())
    step("enterprise moves to another county", lambda: _move(w.ea1, w.b1))
    step("enterprise moves back", lambda: _move(w.ea1, w.a))
    step("hazard deleted", lambda: Hazard.objects.filter(pk=h.h2.pk).delete())

    inspection = Inspection.objects.filter(department=w.a_em).exclude(kind=InspectionKind.SELF).first()
    step("finding set", lambda: _save(Inspection, inspection.pk, no_drill=True, no_duty_list=True))
    step("finding cleared", lambda: _save(Inspection, inspection.pk, no_drill=False))
    step("inspected earlier", lambda: _save(Inspection, inspection.pk, inspected_on=d(5, 16)))
    step("inspected later", lambda: _save(Inspection, inspection.pk, inspected_on=d(7, 2)))
    step("kind to assistance", lambda: _save(Inspection, inspection.pk, kind=InspectionKind.ASSISTANCE))
    step("kind to self", lambda: _save(Inspection, inspection.pk, kind=InspectionKind.SELF))
    step("second spot-check of the same enterprise", lambda: Inspection.objects.create(
        enterprise=inspection.enterprise, kind=InspectionKind.ENFORCEMENT, department=w.t_off,
        inspected_on=d(5, 20), no_drill=True))
    step("inspection deleted", lambda: Inspection.objects.filter(pk=inspection.pk).delete())
    step("department moves", lambda: _save(type(w.t_off), w.t_off.pk, region=w.b1))

    action = EnforcementAction.objects.filter(kind=ActionKind.PENALTY).exclude(amount=None).first()
    cases = dict(EnforcementAction.objects.values_list("pk", "case_no"))

    def action_case(a):
        return cases[a.pk]
    step("amount", lambda: _save(EnforcementAction, action.pk, amount=Decimal("1.2345")))
    step("decided later", lambda: _save(EnforcementAction, action.pk, decided_on=d(7, 15)))
    step("kind", lambda: _save(EnforcementAction, action.pk, kind=ActionKind.STOP_RECTIFY))
    step("referral", lambda: EnforcementAction.objects.create(
        enterprise=w.ea3, department=w.t_off, kind=ActionKind.JUDICIAL_REFERRAL, decided_on=d(6, 3), persons=2,
        case_no="T-1"))
    step("action deleted", lambda: EnforcementAction.objects.filter(pk=action.pk).delete())
    dual = EnforcementAction.objects.filter(against_principal=True).exclude(case_no="").first()
    step("the principal's penalty later", lambda: _save(EnforcementAction, dual.pk, decided_on=d(7, 2)))
    step("the principal's penalty back in W", lambda: _save(EnforcementAction, dual.pk, decided_on=d(6, 29)))
    step("moved to another case", lambda: _save(EnforcementAction, dual.pk, case_no="ANOTHER"))
    step("published with a crime", lambda: _save(EnforcementAction, dual.pk, published=True,
                                                 published_on=d(6, 12), dangerous_operation_crime=True))
    step("published after the decision", lambda: _save(EnforcementAction, dual.pk, decided_on=d(6, 20)))
    step("back to its case", lambda: _save(EnforcementAction, dual.pk, case_no=action_case(dual)))
    step("a single published action", lambda: EnforcementAction.objects.create(
        enterprise=w.ea3, department=w.t_off, kind=ActionKind.EXPOSURE, decided_on=d(6, 3), published=True,
        published_on=d(6, 4)))
    step("the case's principal penalty deleted", lambda: EnforcementAction.objects.filter(pk=dual.pk).delete())

    activity = Activity.objects.filter(department__isnull=True, enterprise__isnull=True,
                                       region=w.a).first()
    step("activity count", lambda: _save(Activity, activity.pk, count=4, people=9))
    step("activity to the township", lambda: _save(Activity, activity.pk, region=w.a1))
    step("activity by a department", lambda: _save(Activity, activity.pk, department=w.a_em, media_level=2))
    step("activity dated before the start", lambda: _save(Activity, activity.pk, occurred_on=d(5, 1)))
    step("activity deleted", lambda: Activity.objects.filter(pk=activity.pk).delete())
    step("a city activity", lambda: Activity.objects.create(kind=ActivityKind.SPECIAL_STUDY, region=w.city,
                                                            occurred_on=d(6, 11), count=2))

    tip = Tip.objects.filter(rewarded_on__isnull=False).first()
    step("reward", lambda: _save(Tip, tip.pk, reward_amount=Decimal("0.0125"), anonymous=False))
    step("reward later", lambda: _save(Tip, tip.pk, rewarded_on=d(7, 21)))
    step("tip to another department", lambda: _save(Tip, tip.pk, department=w.b_em, rewarded_on=d(6, 21)))
    step("tip deleted", lambda: Tip.objects.filter(pk=tip.pk).delete())

    held = Accountability.objects.first()
    step("persons", lambda: _save(Accountability, held.pk, persons=5))
    step("accountability elsewhere", lambda: _save(Accountability, held.pk, region=w.b1, decided_on=d(6, 30)))
    step("accountability deleted", lambda: Accountability.objects.filter(pk=held.pk).delete())
    assert len(steps) == 49
    assert_equals_rebuild(w.xuchang)


def _save(model, pk, **values):
    record = model.objects.get(pk=pk)
    for name, value in values.items():
        setattr(record, name, value)
    record.save()


def _move(enterprise: Enterprise, region: Region) -> None:
    """What enterprises.services.enterprise_update does when the region changes (an .update() and the signal)."""
    old = Enterprise.objects.get(pk=enterprise.pk).region_id
    Enterprise.objects.filter(pk=enterprise.pk).update(region=region)
    enterprise_moved.send(sender=Enterprise, enterprise=enterprise, old_region=old, new_region=region.code)


def test_a_campaign_whose_start_moves_is_rebuilt(rw):
    rw.xuchang.start = d(6, 1)
    rw.xuchang.save()
    assert_agrees(rw)


def test_a_large_new_campaign_is_counted_raw_until_the_worker_rebuilt_it(rw, monkeypatch,
                                                                          django_capture_on_commit_callbacks):
    monkeypatch.setattr(tallies, "SYNC_REBUILD_LIMIT", 0)
    with django_capture_on_commit_callbacks() as callbacks:
        late = Campaign.objects.create(slug="late", name="late", region=rw.province, start=START, end=END)
    assert not tallies.is_ready(late)
    comp = computation(TEMPLATES["xuchang-county"], late, AS_OF, regions=[rw.a])
    assert comp._tallied("W") is None
    raw = compute("xuchang-county", late, AS_OF, region=rw.a)["cells"]
    assert raw == compute("xuchang-county", rw.xuchang, AS_OF, region=rw.a)["cells"]
    assert len(callbacks) == 1
    callbacks[0]()  # the commit: the task runs (the immediate backend of the test settings)
    assert tallies.is_ready(late)
    assert compute("xuchang-county", late, AS_OF, region=rw.a)["cells"] == raw


def test_the_command_rebuilds_stale_campaigns(rw):
    Campaign.objects.filter(pk=rw.haicheng.pk).update(start=d(6, 1))  # an .update(): no signal, the state is stale
    rw.haicheng.refresh_from_db()
    assert not tallies.is_ready(rw.haicheng)
    call_command("rebuild_tallies", "--stale")
    assert tallies.is_ready(rw.haicheng)
    assert_agrees(rw, rw.haicheng)


def test_rebuild_command_checks_cell_by_cell(rw, capsys):
    call_command("rebuild_tallies", "--check", "--as-of", AS_OF.isoformat())
    out = capsys.readouterr().out
    assert "一致" in out and "不一致" not in out
    Tally.objects.filter(campaign=rw.xuchang, prefix="411002", metric="HZ.self").update(value=0)
    with pytest.raises(SystemExit):
        call_command("rebuild_tallies", "--check", "--as-of", AS_OF.isoformat(), "--campaign", str(rw.xuchang.pk))
    assert "不一致" in capsys.readouterr().out


def test_the_tree_of_days_sums_every_day_up_to_as_of():
    import random

    rng = random.Random(7)
    start = datetime.date(2024, 3, 9)
    days = [start + datetime.timedelta(days=rng.randrange(900)) for _ in range(400)]
    nodes: dict[int, int] = {}
    for day in days:
        for node in tallies.nodes_up(tallies.day_index(start, day)):
            nodes[node] = nodes.get(node, 0) + 1
    for offset in [-1, 0, 1, 2, 63, 64, 65, 364, 365, 899, 2000]:
        as_of = start + datetime.timedelta(days=offset)
        read = sum(nodes.get(n, 0) for n in tallies.nodes_down(tallies.day_index(start, as_of)))
        assert read == sum(1 for day in days if day <= as_of), as_of
        assert len(list(tallies.nodes_down(tallies.day_index(start, as_of)))) <= 12


def test_beyond_the_horizon_the_forms_count_raw_rows(rw):
    late = rw.xuchang.start + datetime.timedelta(days=tallies.HORIZON + 1)
    assert tallies.read(rw.xuchang, ["411002"], late) is None
    comp = computation(TEMPLATES["xuchang-county"], rw.xuchang, late, regions=[rw.a])
    assert comp._tallied("W") is None
    assert comp.cells()["411002"]["1.1"] == Hazard.objects.filter(
        level=Level.MAJOR, source=Source.SELF, region__code__startswith="411002",
        found_on__gte=rw.xuchang.start).count() > 0
