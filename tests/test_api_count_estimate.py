"""NOTES.md "Performance": a long list answers PostgreSQL's estimate of its count, says so in the header
`X-Count-Estimated`, and never makes a record unreachable; short lists and SQLite always count exactly."""
import pytest

from apps.core import api
from apps.enterprises.models import Enterprise
from tests.test_api_hazards import client_for

pytestmark = pytest.mark.django_db


def exact(world):
    return Enterprise.objects.visible_to(world.office_city_user).count()


def test_a_short_list_counts_exactly(world):
    response = client_for(world.office_city_user).get("/api/v1/enterprises/")
    assert response.status_code == 200
    assert response.json()["count"] == exact(world) == 7
    assert "X-Count-Estimated" not in response


def test_beyond_the_threshold_the_estimate_is_answered_and_said(world, settings, monkeypatch):
    settings.API_COUNT_ESTIMATE_ABOVE = 3
    monkeypatch.setattr(api, "estimated_rows", lambda queryset: 12)
    response = client_for(world.office_city_user).get("/api/v1/enterprises/?page_size=2")
    assert response.status_code == 200
    assert response["X-Count-Estimated"] == "true"
    assert response.json()["count"] == 12
    assert len(response.json()["results"]) == 2


def test_an_estimate_below_the_truth_never_hides_the_last_pages(world, settings, monkeypatch):
    settings.API_COUNT_ESTIMATE_ABOVE = 3
    monkeypatch.setattr(api, "estimated_rows", lambda queryset: 4)  # 2 pages of 2, the truth is 4 pages
    client = client_for(world.office_city_user)
    seen = []
    for page in (1, 2, 3, 4):
        response = client.get(f"/api/v1/enterprises/?page_size=2&page={page}")
        assert response.status_code == 200, page
        seen += [row["id"] for row in response.json()["results"]]
    assert len(set(seen)) == exact(world)
    assert "X-Count-Estimated" not in response  # the page past the estimate was answered from an exact count
    assert response.json()["count"] == exact(world)
    assert client.get("/api/v1/enterprises/?page_size=2&page=5").status_code == 404


def test_postgresql_estimates_without_scanning(world):
    from django.db import connection

    rows = api.estimated_rows(Enterprise.objects.all())
    if connection.vendor == "postgresql":
        assert isinstance(rows, int) and rows >= 1
    else:
        assert rows is None


def test_someone_who_sees_nothing_gets_an_empty_list(world):
    response = client_for(world.nobody).get("/api/v1/enterprises/")
    assert response.status_code == 200 and response.json()["count"] == 0
    assert api.estimated_rows(Enterprise.objects.none()) is None
    assert api.estimated_rows(Enterprise.objects.filter(pk__in=[])) is None  # empty without asking the database
