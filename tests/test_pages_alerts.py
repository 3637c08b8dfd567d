"""The inbox (提醒): a person sees their own alerts only, unread first; marks one or all read; opening an alert's
link marks it read and leads to the object; the nav badge counts the unread ones.

The pages live under `alerts/`; until config/urls.py includes them, this module's URLconf adds them."""
import datetime
import html
import re

import pytest
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.urls import include, path
from django.utils import timezone

from apps.alerts.models import Alert, Kind
from config.urls import urlpatterns as site_urlpatterns
from tests.pages import act_as

WIRED = any(getattr(p, "namespace", None) == "alerts" for p in site_urlpatterns)
urlpatterns = site_urlpatterns if WIRED else [path("alerts/", include("apps.alerts.urls")), *site_urlpatterns]
pytestmark = pytest.mark.urls(__name__)

D = timezone.localdate()
ROW = re.compile(r'data-alert="(\d+)" data-unread="([01])"')


def signed_in(client, user):
    client.force_login(user)
    memberships = list(user.memberships.all())
    if memberships:
        act_as(client, memberships[0])
    return client


def alert(user, key, *, title=None, day=D, read=False, url="/hazards/1/", kind=Kind.HAZARD_OVERDUE):
    return Alert.objects.create(user=user, kind=kind, key=key, title=title or key, body=f"{key} 的说明", url=url,
                                created_on=day, read_at=timezone.now() if read else None)


def rows(response) -> list[tuple[int, bool]]:
    assert response.status_code == 200, response.status_code
    return [(int(pk), unread == "1") for pk, unread in ROW.findall(response.content.decode())]


@pytest.fixture
def inbox(world):
    mine = [
        alert(world.ent_user, "old-unread", day=D - datetime.timedelta(days=3)),
        alert(world.ent_user, "new-read", read=True),
        alert(world.ent_user, "new-unread", kind=Kind.DUTY_DUE, url="/work/activities/new/"),
    ]
    theirs = alert(world.a_emergency_user, "someone-else", title="别人的提醒")
    return mine, theirs


def test_the_inbox_shows_ones_own_alerts_unread_first(client, world, inbox):
    (old_unread, new_read, new_unread), theirs = inbox
    response = signed_in(client, world.ent_user).get("/alerts/")
    assert rows(response) == [(new_unread.pk, True), (old_unread.pk, True), (new_read.pk, False)]
    page = html.unescape(response.content.decode())
    assert "别人的提醒" not in page and "2 条未读" in page
    assert "new-unread 的说明" in page and "企业履职待完成" in page


def test_the_inbox_filters_unread_and_kind(client, world, inbox):
    (old_unread, _new_read, new_unread), _ = inbox
    signed_in(client, world.ent_user)
    assert rows(client.get("/alerts/?show=unread")) == [(new_unread.pk, True), (old_unread.pk, True)]
    assert rows(client.get(f"/alerts/?kind={Kind.DUTY_DUE}")) == [(new_unread.pk, True)]
    assert rows(client.get("/alerts/?show=nonsense&kind=nonsense"))  # unknown filters are ignored


def test_mark_one_read_and_only_ones_own(client, world, inbox):
    (old_unread, _, _), theirs = inbox
    signed_in(client, world.ent_user)
    response = client.post(f"/alerts/{old_unread.pk}/read/", {"next": "/alerts/?show=unread"})
    assert response.status_code == 302 and response["Location"] == "/alerts/?show=unread"
    old_unread.refresh_from_db()
    assert old_unread.read_at is not None
    assert client.post(f"/alerts/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.get(f"/alerts/{old_unread.pk}/read/").status_code == 405
    # an off-site `next` is not followed
    response = client.post(f"/alerts/{old_unread.pk}/read/", {"next": "https://evil.example/"})
    assert response["Location"] == "/alerts/"


def test_mark_all_read(client, world, inbox):
    _, theirs = inbox
    signed_in(client, world.ent_user)
    response = client.post("/alerts/read-all/", follow=True)
    assert "已将 2 条提醒标为已读" in response.content.decode()
    assert not Alert.objects.filter(user=world.ent_user, read_at__isnull=True).exists()
    assert Alert.objects.get(pk=theirs.pk).read_at is None


def test_opening_an_alert_marks_it_read_and_leads_to_the_object(client, world, inbox):
    (_, _, new_unread), theirs = inbox
    signed_in(client, world.ent_user)
    response = client.get(f"/alerts/{new_unread.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/work/activities/new/"
    new_unread.refresh_from_db()
    assert new_unread.read_at is not None
    assert client.get(f"/alerts/{theirs.pk}/open/").status_code == 404
    off_site = alert(world.ent_user, "off-site", url="https://evil.example/")
    assert client.get(f"/alerts/{off_site.pk}/open/")["Location"] == "/alerts/"


def test_the_inbox_needs_sign_in_and_is_empty_for_someone_without_alerts(client, world, inbox):
    response = client.get("/alerts/")
    assert response.status_code == 302 and "/login" in response["Location"]
    response = signed_in(client, world.nobody).get("/alerts/")
    assert rows(response) == [] and "暂无提醒" in response.content.decode()


def test_the_nav_badge_counts_ones_unread_alerts(world, inbox):
    template = Template("{% load alert_tags %}{% unread_alert_count as n %}[{{ n }}]")
    for user, expected in ((world.ent_user, "[2]"), (world.a_emergency_user, "[1]"), (world.nobody, "[0]")):
        request = RequestFactory().get("/")
        request.user = user
        assert template.render(RequestContext(request)) == expected
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert template.render(RequestContext(request)) == "[0]"


def test_the_nav_shows_the_badge_once_base_html_has_it(client, world, inbox):
    from django.template.loader import get_template

    if "unread_alert_count" not in get_template("base.html").template.source:
        pytest.skip("templates/base.html has no alerts badge yet")
    page = signed_in(client, world.ent_user).get("/alerts/").content.decode()
    assert re.search(r'id="unread-alert-count"[^>]*>2<', page)
    page = signed_in(client, world.nobody).get("/alerts/").content.decode()
    assert 'id="nav-alerts"' in page and 'id="unread-alert-count"' not in page
