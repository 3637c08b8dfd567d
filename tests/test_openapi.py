"""The OpenAPI document serves the contract paths of this stage, and the browsable docs need no CDN."""
import re

import pytest

FOUNDATION_PATHS = ["auth/token/", "regions/", "users/", "departments/", "sectors/", "groups/", "enterprises/"]


@pytest.fixture
def schema(client, db):
    answer = client.get("/api/v1/schema/?format=json", HTTP_ACCEPT="application/json")
    assert answer.status_code == 200
    return answer.json()


def test_the_foundation_paths_of_the_contract_are_served(schema):
    served = {re.sub(r"\{[^}]+\}", "{id}", p.replace("/api/v1/", "", 1)) for p in schema["paths"]}
    assert set(FOUNDATION_PATHS) <= served


def test_the_docs_page_loads_swagger_from_our_own_static_files(client, db):
    page = client.get("/api/v1/docs/").content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page
    assert "cdn." not in page
