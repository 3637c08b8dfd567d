"""信息公开 (`/public/cases/`): open without sign-in; it shows the typical enforcement cases a department's leader
published and the exposed major hazards (under an active government listing, or the hazard of a published
exposure), nothing else, and no person: no principal, legal representative, phone, inspector or note."""
import html
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.dashboard.views import PUBLIC_PAGE_SIZE
from apps.hazards.models import Listing, Status
from apps.inspections.models import ActionKind
from tests.test_dashboard import action, dashboard_world, day, hazard

CASE_ROW = re.compile(r'<tr class="public-case" data-case="(\d+)">')
HAZARD_ROW = re.compile(r'<tr class="exposed-hazard" data-hazard="(\d+)">')


@pytest.fixture
def public(db):
    w = dashboard_world()
    for n, e in enumerate([w.chem_a, w.chem_b, w.gas_a, w.build_a, w.far_away], start=1):
        e.principal_phone = f"1390000{n:04d}"
        e.legal_representative = f"法人代表{n}"
        e.save(update_fields=["principal_phone", "legal_representative"])
    w.penalty_a.note = "当事人张三（身份证号410000199001010000）对违法事实无异议"
    w.penalty_a.save(update_fields=["note"])
    # a general hazard under a government listing, a department's listing: neither is exposed
    w.h_general_listed = w.h_chem_general
    Listing.objects.create(hazard=w.h_general_listed, authority_region=w.city, document_no="许安办督〔2026〕5号",
                           listed_on=day(-3), deadline=day(30))
    return w


def page_of(client, query=""):
    response = client.get(f"/public/cases/{query}")
    assert response.status_code == 200, response.status_code
    return response, html.unescape(response.content.decode())


def test_the_page_needs_no_sign_in_and_shows_published_cases_only(client, public):
    w = public
    response, text = page_of(client)
    cases = {int(pk) for pk in CASE_ROW.findall(text)}
    assert cases == {w.penalty_a.pk, w.referral_b.pk, w.exposure_gas.pk, w.penalty_far.pk}
    assert w.penalty_b.pk not in cases and w.exposure_build.pk not in cases and w.stop_a.pk not in cases
    for name in ("魏都化工有限公司", "魏都区应急管理局", "行政处罚", "移送司法机关", "郑州某化工厂"):
        assert name in text
    assert "河南省许昌市魏都区" in text  # the region by its full name
    row = text[text.index(f'data-case="{w.referral_b.pk}"'):]
    row = row[:row.index("</tr>")]
    assert "是" in row  # 涉嫌危险作业罪


def test_exposed_major_hazards_are_the_government_listed_and_the_published_exposures(client, public):
    w = public
    _, text = page_of(client)
    exposed = {int(pk) for pk in HAZARD_ROW.findall(text)}
    # chem_b: the city government's listing; gas: a published exposure (its listing was delisted)
    assert exposed == {w.h_chem_b.pk, w.h_gas.pk}
    # not: the department's listing (build), the unpublished exposure (build), a general hazard, a closed record
    assert w.h_build.pk not in exposed and w.h_general_listed.pk not in exposed
    row = text[text.index(f'data-hazard="{w.h_chem_b.pk}"'):]
    row = row[:row.index("</tr>")]
    assert "反应釜安全阀未校验" in row and "许昌市人民政府挂牌督办" in row
    assert day(-60).isoformat() in row and day(-2).isoformat() in row  # listed on, listing deadline
    assert "整改中" in row and "逾期" in row  # the listing's deadline has passed
    row = text[text.index(f'data-hazard="{w.h_gas.pk}"'):]
    row = row[:row.index("</tr>")]
    assert "许昌市住房和城乡建设局曝光" in row and day(-10).isoformat() in row

    Listing.objects.filter(hazard=w.h_chem_b).update(delisted_on=day(0))
    _, text = page_of(client)
    assert {int(pk) for pk in HAZARD_ROW.findall(text)} == {w.h_gas.pk}


def test_no_personal_data_on_the_public_page(client, public):
    _, text = page_of(client)
    for n in range(1, 9):
        assert f"负责人{n}" not in text  # the principals (tests/world.py)
        assert f"1390000{n:04d}" not in text and f"法人代表{n}" not in text
    assert "张三" not in text and "身份证" not in text  # a case's note
    for user in ("office_city", "a_emergency", "ent_chem_a"):
        assert user not in text
    assert "魏应急罚1号" not in text  # case numbers stay inside
    assert 'href="/hazards/' not in text and 'href="/enforcement/' not in text


def test_the_public_page_pages_and_costs_a_fixed_number_of_queries(client, public):
    w = public
    with CaptureQueriesContext(connection) as first:
        page_of(client)
    for n in range(PUBLIC_PAGE_SIZE + 5):
        h = hazard(w.chem_b, f"挂牌隐患{n}", "chemicals", w.b_emergency, status=Status.RECTIFYING, found=-n - 1)
        Listing.objects.create(hazard=h, authority_region=w.county_b, document_no=f"建安办督〔2026〕{n}号",
                               listed_on=day(-1), deadline=day(10))
        action(w.chem_b, w.b_emergency, ActionKind.PENALTY, -n - 1, amount=Decimal("1"), case_no=f"罚{n}",
               published=True, published_on=day(-1))
    with CaptureQueriesContext(connection) as second:
        _, text = page_of(client)
    assert len(second.captured_queries) == len(first.captured_queries)
    assert len(CASE_ROW.findall(text)) == PUBLIC_PAGE_SIZE and len(HAZARD_ROW.findall(text)) == PUBLIC_PAGE_SIZE
    _, text = page_of(client, "?cases_page=2&hazards_page=2")
    assert len(CASE_ROW.findall(text)) == 4 + 5 and len(HAZARD_ROW.findall(text)) == 2 + 5
