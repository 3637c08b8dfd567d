"""The ledger's pages show exactly what the acting membership may see (DESIGN.md "Scope"): the list is
`Hazard.objects.visible_to`, another's hazard does not exist (404), and every status chip counts exactly the
rows of the list it links to."""
import datetime
import html
import re

import pytest

from apps.hazards.models import Hazard, Listing, Status
from apps.regions.models import Department
from tests.pages import act_as
from tests.world import EXPECTED_ENTERPRISES

D = datetime.date
ROW = re.compile(r'<td class="hazard-title col-name"><a href="/hazards/(\d+)/">([^<]+)</a>')
CHIP = re.compile(r'<a class="status-chip[^"]*" href="([^"]*)" data-status="([^"]*)">[^<]*(?:<i[^>]*></i>[^<]*)?'
                  r'<span class="chip-count">(\d+)</span>')
COUNT = re.compile(r'<strong id="result-count">(\d+)</strong>')


def listed_ids(response) -> set[int]:
    assert response.status_code == 200, response.status_code
    return {int(pk) for pk, _ in ROW.findall(response.content.decode())}


def hazard(w, key, enterprise, sector, department, status=Status.REPORTED, level="general", region=None, **extra):
    today = datetime.date.today()
    h = Hazard.objects.create(
        enterprise=enterprise, region=region or enterprise.region, title=f"隐患-{key}", level=level,
        source="department", sector_id=sector, found_on=today - datetime.timedelta(days=10), department=department,
        status=status, closed_on=today if status == Status.CLOSED else None, **extra)
    setattr(w, f"h_{key}", h)
    return h


@pytest.fixture
def ledger(world):
    w = world
    today = datetime.date.today()
    far_department = Department.objects.create(name="郑州市应急管理局", kind="emergency", region=w.other_city)
    hazard(w, "chem_a", w.chem_a, "chemicals", w.a_emergency, level="major")
    hazard(w, "chem_a2", w.chem_a, "chemicals", w.a_emergency, Status.RECTIFYING,
           deadline=today - datetime.timedelta(days=1))
    hazard(w, "build_a", w.build_a, "construction.housing", w.a_housing, Status.AWAITING_ACCEPTANCE)
    hazard(w, "gas_a", w.gas_a, "gas", w.city_housing, level="major")
    hazard(w, "chem_b", w.chem_b, "chemicals", w.b_emergency, Status.RECTIFYING, level="major",
           deadline=today - datetime.timedelta(days=3))
    hazard(w, "plant", w.city_plant, "industry_trade", w.city_emergency, Status.AWAITING_ACCEPTANCE)
    hazard(w, "shop", w.town_shop, "industry_trade", w.township_office, Status.CLOSED)
    hazard(w, "lift", w.lift_b, "special_equipment", w.city_market)
    hazard(w, "far", w.far_away, "chemicals", far_department, level="major")
    hazard(w, "road", None, "industry_trade", w.a_emergency, region=w.county_a)
    # found by the county emergency bureau in the sibling county: it sees what it found
    hazard(w, "found", w.chem_b, "chemicals", w.b_emergency, found_by_department=w.a_emergency)
    Listing.objects.create(hazard=w.h_chem_b, authority_region=w.city, document_no="许安办督〔2026〕1号",
                           listed_on=today - datetime.timedelta(days=2), deadline=today + datetime.timedelta(days=30))
    return w


def memberships_of(user):
    return list(user.memberships.order_by("id")) or [None]


def expected_for(user, membership) -> set[int]:
    user = type(user).objects.get(pk=user.pk)
    user.acting_membership = membership
    return set(Hazard.objects.visible_to(user).values_list("pk", flat=True))


@pytest.mark.parametrize("user_key", sorted(EXPECTED_ENTERPRISES))
def test_ledger_shows_exactly_the_visible_hazards(client, ledger, user_key):
    user = getattr(ledger, user_key)
    client.force_login(user)
    for membership in memberships_of(user):
        if membership is not None:
            act_as(client, membership)
        assert listed_ids(client.get("/hazards/")) == expected_for(user, membership), (user_key, membership)


def test_the_scope_rules_hold_on_the_page(client, ledger):
    w = ledger
    cases = {
        w.ent_user: {w.h_chem_a, w.h_chem_a2},
        w.a_emergency_user: {w.h_chem_a, w.h_chem_a2, w.h_shop, w.h_road, w.h_found},
        w.office_city_user: {w.h_chem_a, w.h_chem_a2, w.h_build_a, w.h_gas_a, w.h_chem_b, w.h_plant, w.h_shop,
                             w.h_lift, w.h_road, w.h_found},
        w.city_housing_user: {w.h_build_a, w.h_gas_a},
        w.group_user: {w.h_chem_b, w.h_lift, w.h_found},
        w.nobody: set(),
    }
    for user, hazards in cases.items():
        client.force_login(user)
        assert listed_ids(client.get("/hazards/")) == {h.pk for h in hazards}, user.username
    client.force_login(w.ent_user)
    page = client.get("/hazards/").content.decode()
    assert "魏都化工有限公司" in page and "建安化工有限公司" not in page


@pytest.mark.parametrize("user_key", ["ent_user", "a_emergency_user", "office_a_user", "group_user",
                                      "city_housing_user"])
def test_anothers_hazard_does_not_exist(client, ledger, user_key):
    user = getattr(ledger, user_key)
    client.force_login(user)
    visible = expected_for(user, user.memberships.first())
    for h in Hazard.objects.all():
        if h.pk in visible:
            assert client.get(f"/hazards/{h.pk}/").status_code == 200
            continue
        for suffix in ("", "print/", "plan/", "submit/", "accept/", "reject/", "list/", "transfer/",
                       "fix-on-spot/", "delist/0/"):
            assert client.get(f"/hazards/{h.pk}/{suffix}").status_code == 404, (user_key, h.title, suffix)


@pytest.mark.parametrize("query", ["", "?level=major", "?region=411002", "?q=化工", "?listed=true",
                                   "?status=rectifying&overdue=true", "?overdue=false",
                                   "?status=reported&status=closed", "?overdue=true&level=general"])
def test_each_status_count_equals_the_rows_of_the_list_it_links_to(client, ledger, query):
    client.force_login(ledger.office_city_user)
    page = client.get(f"/hazards/{query}").content.decode()
    chips = CHIP.findall(page)
    assert {status for _, status, _ in chips} == {"", *Status.values, "overdue"}
    for href, status, count in chips:
        target = client.get(f"/hazards/{html.unescape(href)}")
        shown = int(COUNT.search(target.content.decode()).group(1))
        assert shown == int(count), (query, status, href)
        assert len(listed_ids(target)) == shown
    counts = {status: int(count) for _, status, count in chips}
    assert counts[""] == sum(counts[s] for s in Status.values)


def test_counts_of_the_whole_ledger(client, ledger):
    client.force_login(ledger.office_city_user)
    counts = {s: int(c) for _, s, c in CHIP.findall(client.get("/hazards/").content.decode())}
    assert counts == {"": 10, "reported": 5, "rectifying": 2, "awaiting_acceptance": 2, "closed": 1, "overdue": 2}


def test_ledger_columns_and_badges(client, ledger):
    client.force_login(ledger.office_city_user)
    page = client.get("/hazards/?region=411003").content.decode()
    row = page[page.index(f'data-hazard="{ledger.h_chem_b.pk}"'):]
    row = row[:row.index("</tr>")]
    for text in ("建安化工有限公司", "重大", "部门检查", ledger.h_chem_b.sector.name, "建安区应急管理局",
                 "逾期", "整改中", "挂牌"):
        assert text in row, text
    assert "text-bg-danger level-badge" in row


def test_htmx_answers_the_table_only_and_the_filters_work_without_js(client, ledger):
    client.force_login(ledger.office_city_user)
    full = client.get("/hazards/?level=major")
    assert "<html" in full.content.decode() and 'id="hazard-filter"' in full.content.decode()
    fragment = client.get("/hazards/?level=major", headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert "<html" not in body and 'id="hazard-table"' in body
    assert listed_ids(fragment) == {ledger.h_chem_a.pk, ledger.h_gas_a.pk, ledger.h_chem_b.pk}


def test_report_button_only_for_those_who_may_report(client, ledger):
    for user, shown in ((ledger.ent_user, True), (ledger.a_emergency_user, True), (ledger.office_a_user, True),
                        (ledger.group_user, True), (ledger.admin, True), (ledger.discipline_a_user, False),
                        (ledger.nobody, False)):
        client.force_login(user)
        assert ('href="/hazards/new/"' in client.get("/hazards/").content.decode()) is shown, user.username
        assert (client.get("/hazards/new/").status_code == 200) is shown, user.username


def test_nav_item_and_detail_sections(client, ledger):
    client.force_login(ledger.ent_user)
    page = client.get(f"/hazards/{ledger.h_chem_a.pk}/").content.decode()
    assert "隐患台账" in page and 'href="/hazards/"' in page
    for section in ("企业名称", "法定代表人", "所属行业", "主管部门", "隐患类型", "隐患性质", "隐患概况",
                    "隐患的治理方案", "验收销号", "挂牌督办", "移交", "处理记录"):
        assert section in page, section
    printed = client.get(f"/hazards/{ledger.h_chem_a.pk}/print/").content.decode()
    assert "重大事故隐患台账" in printed and "@media print" in printed and "navbar" not in printed


def test_the_filter_form_as_submitted_with_empty_fields(client, ledger):
    client.force_login(ledger.office_city_user)
    query = "?q=&level=major&source=&sector=&region=&department=&found_from=&found_to="
    response = client.get(f"/hazards/{query}")
    assert "筛选条件有误" not in response.content.decode()
    assert listed_ids(response) == {ledger.h_chem_a.pk, ledger.h_gas_a.pk, ledger.h_chem_b.pk}
