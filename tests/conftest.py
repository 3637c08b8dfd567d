import pytest

from tests.browser import CHROMIUM
from tests.world import build_world


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def browser(monkeypatch):
    """Chromium for one test. Playwright's sync API runs an event loop in this thread, so the ORM calls made
    while it runs must be allowed — in these tests only, never in the rest of the suite."""
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync",
        ])
        yield browser
        browser.close()
