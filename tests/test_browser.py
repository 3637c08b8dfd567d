"""The real interface in Debian's chromium (Playwright): two roles sign in through the login form and see
different enterprise lists — exactly their scope, and exactly what the API answers them. Screenshots of the
main pages land in screenshots/ at an office width and a phone width."""

import pytest

from tests.browser import DESKTOP, MARKS, PHONE, SCREENSHOTS, sign_in
from tests.world import EXPECTED_ENTERPRISES, build_world

pytestmark = MARKS




@pytest.fixture
def browser_world(db):
    return build_world()




def shown_names(page) -> set[str]:
    return {name.strip() for name in page.locator("#enterprise-table td.enterprise-name a").all_inner_texts()}


def api_names(page, live_server) -> set[str]:
    response = page.request.get(f"{live_server.url}/api/v1/enterprises/?page_size=500")
    assert response.ok, response.status
    return {row["name"] for row in response.json()["results"]}


def shot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("user_key, username", [("office_a_user", "office_a"), ("city_housing_user", "city_housing")])
def test_two_roles_see_their_own_lists_matching_the_api(browser, live_server, browser_world, user_key, username):
    w = browser_world
    expected = {getattr(w, key).name for key in EXPECTED_ENTERPRISES[user_key]}
    context, page = sign_in(browser, live_server, username)
    header = page.locator("#acting-scope").inner_text()
    assert w.__dict__[user_key].memberships.get().organisation_name in header
    shot(page, f"home-{username}-desktop")
    page.goto(f"{live_server.url}/enterprises/")
    assert shown_names(page) == expected
    assert api_names(page, live_server) == expected
    shot(page, f"enterprises-{username}-desktop")
    context.close()


def test_the_lists_differ_between_roles(browser, live_server, browser_world):
    seen = {}
    for username in ("office_a", "city_housing"):
        context, page = sign_in(browser, live_server, username)
        page.goto(f"{live_server.url}/enterprises/")
        seen[username] = shown_names(page)
        context.close()
    assert seen["office_a"] != seen["city_housing"]
    assert seen["office_a"] - seen["city_housing"]


def test_filter_updates_the_table_in_place_and_pushes_the_url(browser, live_server, browser_world):
    from playwright.sync_api import expect

    w = browser_world
    context, page = sign_in(browser, live_server, "office_city")
    page.goto(f"{live_server.url}/enterprises/")
    assert len(shown_names(page)) == len(EXPECTED_ENTERPRISES["office_city_user"])
    page.evaluate("window.__same_document = true")
    page.check("#id_high_risk")
    page.wait_for_url("**high_risk=true**")
    expect(page.locator("#enterprise-table td.enterprise-name")).to_have_count(2)
    assert shown_names(page) == {w.chem_a.name, w.chem_b.name}
    assert page.evaluate("window.__same_document") is True  # swapped by htmx, not reloaded
    assert "high_risk=true" in page.get_attribute("#export-link", "href")
    page.fill("#id_q", "建安")
    expect(page.locator("#enterprise-table td.enterprise-name")).to_have_count(1)
    assert shown_names(page) == {w.chem_b.name}
    shot(page, "enterprises-filtered-desktop")
    page.goto(f"{live_server.url}/enterprises/{w.chem_a.pk}/")
    shot(page, "enterprise-detail-desktop")
    page.goto(f"{live_server.url}/enterprises/{w.chem_a.pk}/edit/")
    shot(page, "enterprise-edit-desktop")
    page.goto(f"{live_server.url}/regions/")
    shot(page, "regions-desktop")
    page.goto(f"{live_server.url}/regions/groups/")
    shot(page, "groups-desktop")
    context.close()


def test_phone_layout_and_membership_switch(browser, live_server, browser_world):
    w = browser_world
    context, page = sign_in(browser, live_server, "multi", viewport=PHONE)
    page.goto(f"{live_server.url}/enterprises/")
    assert shown_names(page) == {w.chem_b.name}
    # the table scrolls inside its box; the page itself does not scroll sideways
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(page, "enterprises-multi-phone")
    page.click("button.navbar-toggler")
    page.wait_for_selector("#main-nav.show")
    page.click("#acting-scope > a")
    shot(page, "menu-multi-phone")
    page.click(f"#acting-scope button:has-text('{w.a_housing.name}')")
    page.wait_for_url(f"{live_server.url}/enterprises/")
    assert shown_names(page) == {w.build_a.name}
    assert w.a_housing.name in page.locator("#acting-scope > a").inner_text()
    page.goto(f"{live_server.url}/enterprises/{w.build_a.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(page, "enterprise-detail-phone")
    page.goto(f"{live_server.url}/")
    shot(page, "home-multi-phone")
    context.close()


def test_login_page_screenshots(browser, live_server, browser_world):
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", "office_a")
        page.fill("#id_password", "wrong")
        with page.expect_navigation():  # the refused login answers a new page: read it once it has loaded
            page.click("button[type=submit]")
        page.wait_for_selector("text=用户名或密码不正确")
        assert "用户名或密码不正确" in page.content()
        shot(page, f"login-error-{name}")
        context.close()
