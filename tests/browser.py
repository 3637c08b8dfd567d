"""What every browser test shares: the marks that skip without Debian's chromium, the viewports, and signing in
through the real login form. The `browser` fixture itself is in tests/conftest.py."""
from pathlib import Path

import pytest

from tests.world import PASSWORD

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

MARKS = [
    pytest.mark.browser,
    # live_server needs committed rows; serialized rollback restores the sectors the migrations seed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason=f"{CHROMIUM} is missing: apt-get install -y chromium fonts-noto-cjk to run browser tests",
    ),
]


def sign_in(browser, live_server, username, viewport=DESKTOP):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return context, page
