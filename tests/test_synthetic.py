"""The synthetic province (apps/demo/synthetic.py) at a tiny fraction: the same rows for a seed, the invariants
the ledger and the reports rely on, counts that follow the fraction, and the 调度表 equal to the benchmark's
hand-written recount (bench/recount.py) on it."""
import datetime
import hashlib
import importlib.util
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q

from apps.audit.models import Action, AuditEntry
from apps.audit.services import verify_chain
from apps.campaigns.models import Campaign
from apps.demo.synthetic import FULL, PROVINCE, generate
from apps.enterprises.models import Enterprise, EnterpriseDepartment, EnterpriseSector
from apps.hazards.models import Acceptance, Hazard, Listing, RectificationPlan
from apps.inspections.models import EnforcementAction, Inspection
from apps.regions.models import Department, Region
from apps.tips.models import Tip
from apps.work.models import Activity

FRACTION = 0.0002  # 60 enterprises, 600 hazards, 200 inspections
SEED = 5
CHECKED = [Region, Department, Enterprise, EnterpriseSector, EnterpriseDepartment, Hazard, RectificationPlan,
           Acceptance, Listing, Inspection, EnforcementAction, Activity, Tip]
SKIP = {"created_at", "updated_at", "reporter_name_token", "reporter_phone_token"}


class Rollback(Exception):
    pass


def db_digest() -> str:
    """Every stored row of the generated tables (but the salted ciphertext and the write timestamps)."""
    h = hashlib.sha256()
    for model in CHECKED:
        names = [f.attname for f in model._meta.concrete_fields if f.attname not in SKIP]
        for row in model.objects.order_by("pk").values_list(*names):
            h.update(repr(row).encode())
    return h.hexdigest()


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in CHECKED}


def run_and_roll_back(fraction, seed):
    out = {}
    try:
        with transaction.atomic():
            out["summary"] = generate(fraction, seed, quiet=True)
            out["db"] = db_digest()
            out["counts"] = counts()
            raise Rollback
    except Rollback:
        pass
    assert not Region.objects.filter(code=PROVINCE).exists()
    return out


@pytest.fixture(scope="module")
def province(django_db_setup, django_db_blocker):
    """Three runs: the seed (undone), twice the fraction (undone), the seed again (kept for the module)."""
    with django_db_blocker.unblock(), transaction.atomic():
        first = run_and_roll_back(FRACTION, SEED)
        double = run_and_roll_back(2 * FRACTION, SEED)
        summary = generate(FRACTION, SEED, quiet=True)
        yield {"first": first, "double": double, "summary": summary, "db": db_digest(), "counts": counts()}
        transaction.set_rollback(True)


def test_same_seed_same_rows(province, db):
    assert province["summary"].digest == province["first"]["summary"].digest
    assert province["db"] == province["first"]["db"]
    assert province["counts"] == province["first"]["counts"]


def test_counts_follow_the_fraction(province, db):
    one, two = province["first"]["counts"], province["double"]["counts"]
    assert one["Enterprise"] == round(FULL["enterprises"] * FRACTION) == 60
    assert one["Hazard"] == round(FULL["hazards"] * FRACTION) == 600
    assert one["Inspection"] == round(FULL["inspections"] * FRACTION) == 200
    for name in ("Enterprise", "Hazard", "Inspection", "Tip"):
        assert two[name] == 2 * one[name], name
    assert one["Region"] == two["Region"] == 1 + 17 + 160 + 2000  # the tree is always full size
    assert Region.objects.filter(code__startswith=PROVINCE, level=3).count() == 160


def test_hazards_keep_the_ledger_invariants(province, db):
    hazards = Hazard.objects.filter(region__code__startswith=PROVINCE)
    assert hazards.count() == 600
    assert not hazards.exclude(region_id=F("enterprise__region_id")).exists()
    assert not hazards.filter(status="closed", closed_on__isnull=True).exists()
    assert not hazards.exclude(status="closed").filter(closed_on__isnull=False).exists()
    assert not hazards.filter(closed_on__lt=F("found_on")).exists()
    assert not hazards.filter(planned_on__isnull=False, plan__isnull=True).exists()
    assert not hazards.filter(planned_on__isnull=True, plan__isnull=False).exists()
    assert not hazards.filter(plan__isnull=False).exclude(deadline=F("plan__deadline")).exists()
    assert not hazards.filter(level="major", status="closed", acceptance__isnull=True).exists()
    assert not hazards.filter(fixed_on_spot=True).exclude(level="general", status="closed").exists()
    supervised = EnterpriseDepartment.objects.filter(enterprise=OuterRef("enterprise"),
                                                     department=OuterRef("department"))
    assert not hazards.exclude(Exists(supervised)).exists()
    main = EnterpriseSector.objects.filter(enterprise=OuterRef("enterprise"), order=0, sector=OuterRef("sector"))
    assert not hazards.exclude(Exists(main)).exists()
    assert not hazards.filter(source="self", found_by_department__isnull=False).exists()
    assert not hazards.exclude(source="self").filter(found_by_department__isnull=True).exists()
    major = hazards.filter(level="major").count()
    assert 0.01 * 600 <= major <= 0.12 * 600
    assert not Listing.objects.exclude(hazard__level="major").exists()
    assert not Listing.objects.filter(hazard__status="closed", delisted_on__isnull=True).exists()
    assert Hazard.objects.filter(level="major").exclude(events=None).count() == major


def test_enforcement_inspections_tips_activities(province, db):
    assert not Inspection.objects.filter(kind="self", department__isnull=False).exists()
    assert not Inspection.objects.exclude(kind="self").filter(department__isnull=True).exists()
    findings = Q(no_principal_study=True) | Q(no_drill=True) | Q(outsourcing_disorder=True)
    assert not Inspection.objects.filter(findings, kind__in=["self", "assistance"]).exists()
    actions = EnforcementAction.objects.all()
    assert actions.exists()
    assert not actions.filter(kind__in=["penalty", "judicial_referral"], case_no="").exists()
    per_case = actions.exclude(case_no="").values("department", "case_no").annotate(
        firms=Count("enterprise", distinct=True))
    assert all(case["firms"] == 1 for case in per_case)
    assert not actions.filter(published=True, published_on__isnull=True).exists()
    assert not Tip.objects.filter(rewarded_on__isnull=False).exclude(status="verified").exists()
    assert not Tip.objects.filter(rewarded_on__isnull=False, department__isnull=True).exists()
    assert not Tip.objects.filter(department__isnull=False, triaged_on__isnull=True).exists()
    assert not Tip.objects.filter(anonymous=False, reporter_name_token="").exists()
    assert not Activity.objects.filter(enterprise__isnull=False).exclude(region_id=F("enterprise__region_id")).exists()
    assert not Activity.objects.filter(department__isnull=False).exclude(
        region_id=F("department__region_id")).exists()


def test_one_audit_entry_per_batch_and_the_chain_holds(province, db):
    bulk = AuditEntry.objects.filter(action=Action.BULK_CREATE)
    hazard_entries = bulk.filter(model="hazards.hazard")
    assert hazard_entries.count() == 1  # 600 rows: one batch
    assert len(hazard_entries.get().after["ids"]) == 600
    assert bulk.count() < 40  # one per table and batch, never one per row
    assert verify_chain() == []


def test_the_report_equals_the_hand_written_recount(province, db):
    """bench/recount.py (raw SQL from REPORTS.md) and compute_many agree on every cell of every county."""
    from apps.reports.compute import compute_many

    spec = importlib.util.spec_from_file_location("recount", Path(__file__).parent.parent / "bench" / "recount.py")
    recount = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(recount)
    campaign = Campaign.objects.get(slug=f"synthetic-{PROVINCE}")
    counties = list(Region.objects.filter(level=3, code__startswith=PROVINCE))
    as_of = datetime.date(2024, 9, 30)
    platform = compute_many("xuchang-county", campaign, as_of, counties)
    recounted = recount.recount(connection, campaign.start, as_of, [r.code for r in counties], PROVINCE)
    assert recount.compare(platform, recounted) == []
    assert sum(cells["1.1"] + cells["1.3"] for cells in recounted.values()) > 0
