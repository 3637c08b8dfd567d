"""Every page that lists or opens enterprises shows exactly what the acting membership may see (DESIGN.md
"Scope"), and the export holds exactly the listed rows."""
import pytest

from apps.core.http import XLSX
from apps.enterprises.models import Enterprise
from tests.pages import act_as, listed_names, workbook_strings
from tests.world import EXPECTED_ENTERPRISES

WORLD_ENTERPRISES = ["chem_a", "build_a", "gas_a", "chem_b", "city_plant", "town_shop", "lift_b", "far_away"]


def names(world, keys) -> set[str]:
    return {getattr(world, key).name for key in keys}


def memberships_of(user):
    """Each membership the interface can act for (an administrator without one acts for everything)."""
    return list(user.memberships.order_by("id")) or [None]


@pytest.mark.parametrize("user_key", sorted(EXPECTED_ENTERPRISES))
def test_list_shows_exactly_what_the_user_may_see(client, world, user_key):
    user = getattr(world, user_key)
    client.force_login(user)
    shown: set[str] = set()
    for membership in memberships_of(user):
        if membership is not None:
            act_as(client, membership)
        shown |= listed_names(client.get("/enterprises/"))
    assert shown == names(world, EXPECTED_ENTERPRISES[user_key])


@pytest.mark.parametrize("user_key", sorted(EXPECTED_ENTERPRISES))
def test_other_enterprises_do_not_exist_for_the_user(client, world, user_key):
    user = getattr(world, user_key)
    client.force_login(user)
    expected = EXPECTED_ENTERPRISES[user_key]
    for membership in memberships_of(user):
        if membership is not None:
            act_as(client, membership)
        for key in WORLD_ENTERPRISES:
            enterprise = getattr(world, key)
            status = client.get(f"/enterprises/{enterprise.pk}/").status_code
            if key not in expected:
                assert status == 404, (user_key, key)
                assert client.get(f"/enterprises/{enterprise.pk}/edit/").status_code == 404
    # and what they may see opens (under the membership that sees it)
    for key in expected:
        ok = False
        for membership in memberships_of(user):
            if membership is not None:
                act_as(client, membership)
            ok = ok or client.get(f"/enterprises/{getattr(world, key).pk}/").status_code == 200
        assert ok, (user_key, key)


@pytest.mark.parametrize("user_key", sorted(EXPECTED_ENTERPRISES))
def test_export_holds_exactly_what_the_user_may_see(client, world, user_key):
    user = getattr(world, user_key)
    client.force_login(user)
    exported: set[str] = set()
    for membership in memberships_of(user):
        if membership is not None:
            act_as(client, membership)
        response = client.get("/enterprises/export/")
        assert response.status_code == 200
        assert response["Content-Type"] == XLSX
        assert "filename*=UTF-8''" in response["Content-Disposition"]
        exported |= workbook_strings(response.content) & {e.name for e in Enterprise.objects.all()}
    assert exported == names(world, EXPECTED_ENTERPRISES[user_key])


def test_switching_membership_changes_the_list(client, world):
    user = world.multi_user
    client.force_login(user)
    enterprise_m = user.memberships.get(kind="enterprise")
    department_m = user.memberships.get(kind="department")
    act_as(client, enterprise_m)
    assert listed_names(client.get("/enterprises/")) == {world.chem_b.name}
    assert client.get(f"/enterprises/{world.build_a.pk}/").status_code == 404
    act_as(client, department_m)
    assert listed_names(client.get("/enterprises/")) == {world.build_a.name}
    assert client.get(f"/enterprises/{world.chem_b.pk}/").status_code == 404
    assert client.get(f"/enterprises/{world.build_a.pk}/").status_code == 200


def test_filters_narrow_inside_the_scope(client, world):
    client.force_login(world.office_city_user)
    assert listed_names(client.get("/enterprises/", {"high_risk": "true"})) == {world.chem_a.name, world.chem_b.name}
    assert listed_names(client.get("/enterprises/", {"region": world.county_a.code})) == names(
        world, ["chem_a", "build_a", "gas_a", "town_shop"])
    assert listed_names(client.get("/enterprises/", {"q": "建安"})) == {world.chem_b.name, world.lift_b.name}
    assert listed_names(client.get("/enterprises/", {"q": "负责人5"})) == {world.city_plant.name}
    assert listed_names(client.get("/enterprises/", {"sector": "construction"})) == {world.build_a.name}
    assert listed_names(client.get("/enterprises/", {"department": world.a_emergency.pk})) == {world.chem_a.name}
    # a region outside the scope filters to nothing rather than widening it
    assert listed_names(client.get("/enterprises/", {"region": world.other_city.code})) == set()


def test_htmx_request_gets_only_the_table(client, world):
    client.force_login(world.office_a_user)
    response = client.get("/enterprises/", {"q": "化工"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body and 'id="enterprise-table"' in body
    assert listed_names(response) == {world.chem_a.name}
    assert "/enterprises/export/?q=%E5%8C%96%E5%B7%A5" in body  # the export link keeps the filters


def test_export_follows_the_filters(client, world):
    client.force_login(world.office_city_user)
    response = client.get("/enterprises/export/", {"high_risk": "true"})
    exported = workbook_strings(response.content) & {e.name for e in Enterprise.objects.all()}
    assert exported == {world.chem_a.name, world.chem_b.name}


def test_paging_keeps_the_filters(client, world):
    from apps.core.uscc import make_uscc

    for i in range(60):
        Enterprise.objects.create(name=f"魏都测试企业{i:02d}", uscc=make_uscc(1000 + i, world.county_a.code),
                                  region=world.county_a)
    client.force_login(world.office_a_user)
    first = client.get("/enterprises/", {"q": "测试企业"})
    assert len(listed_names(first)) == 50
    assert 'href="?q=%E6%B5%8B%E8%AF%95%E4%BC%81%E4%B8%9A&amp;page=2"' in first.content.decode()
    second = client.get("/enterprises/", {"q": "测试企业", "page": 2})
    assert len(listed_names(second)) == 10
    assert 'id="result-count">60<' in first.content.decode()


def test_home_counts_link_to_the_filtered_list(client, world):
    client.force_login(world.office_a_user)
    body = client.get("/").content.decode()
    assert "魏都区安委办" in body
    assert 'href="/enterprises/?high_risk=true"' in body
    assert listed_names(client.get("/enterprises/?high_risk=true")) == {world.chem_a.name}


def test_pages_require_sign_in(client, world):
    for url in ["/", "/enterprises/", f"/enterprises/{world.chem_a.pk}/", "/regions/", "/regions/departments/",
                "/regions/groups/", "/enterprises/export/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url
