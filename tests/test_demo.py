"""The demo world is what a newcomer meets first: it must hold what 许昌 附件1/附件2 describe and give every
demo login something to see."""

import io

import pytest
from django.core.management import call_command

from apps.accounts.models import User
from apps.audit.services import verify_chain
from apps.enterprises.models import Enterprise
from apps.regions.models import Department, InspectionGroup, Region

XUCHANG_UNITS = [
    "禹州市",
    "长葛市",
    "鄢陵县",
    "襄城县",
    "魏都区",
    "建安区",
    "城乡一体化示范区",
    "经济技术开发区",
    "东城区",
]


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


def test_the_regions_of_attachment_2_are_there_with_their_codes(demo):
    counties = {r.name: r for r in Region.objects.filter(parent_id="4110")}
    assert set(counties) == set(XUCHANG_UNITS)
    assert counties["禹州市"].code == "411081" and counties["魏都区"].code == "411002"
    assert {r.name for r in counties.values() if not r.official_code} == {
        "城乡一体化示范区",
        "经济技术开发区",
        "东城区",
    }
    assert all(Region.objects.filter(parent=c).count() >= 2 for c in counties.values())


def test_the_nine_groups_check_the_districts_the_plan_names(demo):
    groups = {g.name: g for g in InspectionGroup.objects.select_related("lead_department")}
    assert len(groups) == 9
    first = groups["第一组"]
    assert first.lead_department.name == "许昌市应急管理局"
    assert [a.region.name for a in first.assignments.all()] == ["禹州市"]
    assert groups["第九组"].assignments.get().region.name == "东城区"


def test_every_demo_login_sees_something_and_only_admins_see_everything(demo):
    total = Enterprise.objects.count()
    assert 200 <= total <= 600
    for user in User.objects.all():
        seen = Enterprise.objects.visible_to(user).count()
        assert seen > 0, user.username
        if user.username not in ("admin", "xc_leader", "xc_office", "xc_jw"):
            assert seen < total, user.username


def test_demo_codes_are_valid_and_the_audit_chain_is_whole(demo):
    from apps.core.uscc import uscc_error

    assert all(uscc_error(code) is None for code in Enterprise.objects.values_list("uscc", flat=True))
    assert Department.objects.filter(parent__isnull=False).exists()
    assert verify_chain() == []


def test_loading_twice_changes_nothing(demo):
    from apps.alerts.models import Alert
    from apps.audit.models import AuditEntry
    from apps.hazards.models import Hazard
    from apps.inspections.models import EnforcementAction, Inspection
    from apps.reports.models import Report
    from apps.tips.models import Tip
    from apps.work.models import Activity

    models = (Enterprise, User, Hazard, Inspection, EnforcementAction, Activity, Tip, Report, Alert, AuditEntry)
    before = {m: m.objects.count() for m in models}
    call_command("load_demo", stdout=io.StringIO())
    assert {m: m.objects.count() for m in models} == before


def test_the_demo_ledger_has_hazards_in_every_state_and_the_ent_login_sees_its_own(demo):
    from apps.hazards.models import Hazard, Status

    statuses = set(Hazard.objects.values_list("status", flat=True))
    assert statuses == {s.value for s in Status}
    assert Hazard.objects.listed().exists() and Hazard.objects.overdue().exists()
    for user in User.objects.filter(username__in=["ent_principal", "weidu_yjj", "xc_office"]):
        seen = Hazard.objects.visible_to(user)
        if user.username == "ent_principal":
            assert set(seen.values_list("enterprise", flat=True)) <= {user.memberships.get().enterprise_id}
    assert verify_chain() == []


def _campaign():
    from apps.campaigns.models import Campaign

    return Campaign.objects.get(slug="xuchang-demo")


def test_the_city_dispatch_form_has_figures_in_every_section(demo):
    from django.utils import timezone

    from apps.reports.compute import compute
    from apps.reports.templates import TEMPLATES

    city = Region.objects.get(code="4110")
    cells = compute("xuchang-county", _campaign(), timezone.localdate(), region=city)["cells"]
    for section in TEMPLATES["xuchang-county"].sections:
        assert any(cells[cell.key] for cell in section.cells), section.title
    # the spot-check findings, the enforcement and the leaders' work, cell by cell
    for key in ("2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "2.8", "3.1", "3.2", "3.3.count", "3.3.amount", "3.4",
                "3.5", "3.6", "3.7", "3.8", "3.8.of_which", "3.9", "3.10", "4.1", "4.2", "4.3", "4.4", "4.5",
                "4.5.of_which", "4.6", "4.7", "4.8", "1.5", "1.6"):
        assert cells[key], key


def test_the_compliance_board_shows_duties_met_and_missing(demo):
    from django.utils import timezone

    from apps.accounts.models import Membership
    from apps.work.views import board_rows

    enterprises = list(Enterprise.objects.filter(state="operating").order_by("region_id", "name"))
    rows = board_rows(enterprises, _campaign(), timezone.localdate())
    checks = [check.met for row in rows for check in row["checks"]]
    assert True in checks and False in checks  # ✓ and ✗
    assert 5 <= sum(row["met"] for row in rows) < len(rows)
    assert any(row["met"] for row in rows[:50]) and not all(row["met"] for row in rows[:50])  # the first page
    own = Membership.objects.get(user__username="ent_principal").enterprise
    assert board_rows([own], _campaign(), timezone.localdate())[0]["met"]


def test_the_demo_work_goes_through_every_step(demo):
    from apps.alerts.models import Alert
    from apps.audit.models import AuditEntry
    from apps.hazards.models import Source
    from apps.inspections.models import ActionKind, Answer, EnforcementAction, Inspection, InspectionKind
    from apps.reports.models import Report, ReportStatus
    from apps.reports.services import submission_board
    from apps.tips.models import Tip, TipStatus
    from apps.work.models import Activity, ActivityKind

    inspections = Inspection.objects.all()
    assert set(inspections.values_list("kind", flat=True)) == set(InspectionKind.values)
    assert {"unannounced", "covert", "joint"} <= set(inspections.values_list("mode", flat=True))
    on_site = inspections.filter(checklist__isnull=False)
    assert on_site.count() == 2 and all(i.signed_at for i in on_site)
    no = on_site.get(answers__answer=Answer.NO).answers.get(answer=Answer.NO)
    assert no.hazard.level == "major" and no.hazard in no.inspection.hazards.all()

    actions = EnforcementAction.objects.all()
    assert set(actions.values_list("kind", flat=True)) >= {ActionKind.PENALTY, ActionKind.STOP_RECTIFY,
                                                          ActionKind.JUDICIAL_REFERRAL, ActionKind.SUMMONS,
                                                          ActionKind.EXPOSURE}
    assert actions.filter(kind=ActionKind.PENALTY, against_principal=True).exists()
    published = actions.filter(published=True)
    assert published.count() == 2 and published.filter(dangerous_operation_crime=True).exists()
    publishers = set(AuditEntry.objects.filter(model="inspections.enforcementaction", action="update")
                     .values_list("username", flat=True))
    assert publishers == {"xc_yjj_leader"}

    duties = set(Activity.objects.filter(enterprise__isnull=False).values_list("kind", flat=True))
    assert duties == {"warning_education", "hot_work_review", "outsourcing_review", "drill", "duty_list",
                      "safety_body"}
    assert Activity.objects.filter(kind=ActivityKind.MEDIA_COLUMN).values("media_level").distinct().count() == 3

    tips = Tip.objects.all()
    assert set(tips.values_list("status", flat=True)) == set(TipStatus.values)
    assert {True, False} == set(tips.values_list("anonymous", flat=True))
    assert tips.filter(rewarded_on__isnull=False).count() == 2
    assert tips.get(hazard__isnull=False).hazard.source == Source.TIP
    assert all(t.reporter_name_token.startswith("gAAAA") for t in tips.filter(anonymous=False))  # Fernet tokens

    report = Report.objects.get(template="xuchang-department")
    assert report.status == ReportStatus.SUBMITTED and report.department.name == "许昌市应急管理局"
    board = submission_board("xuchang-county", _campaign(), Region.objects.get(code="4110"), report.as_of,
                             due=report.as_of)
    by_name = {row["filer"].name: row for row in board}
    assert by_name["禹州市"]["status"] == ReportStatus.RECEIVED and not by_name["禹州市"]["late"]
    assert by_name["长葛市"]["status"] == ReportStatus.SUBMITTED and not by_name["长葛市"]["late"]
    assert by_name["建安区"]["status"] == ReportStatus.SUBMITTED and by_name["建安区"]["late"]
    assert by_name["魏都区"]["status"] == ReportStatus.DRAFT and by_name["魏都区"]["report"].overrides
    assert by_name["襄城县"]["status"] == "missing"

    assert Alert.objects.exists()
    assert verify_chain() == []
