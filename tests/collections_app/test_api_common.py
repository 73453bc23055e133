"""What every endpoint shares: knox token auth, the one error shape, the API root, the OpenAPI
schema (validated, no warnings) and Swagger UI served from drf-spectacular-sidecar (no CDN)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS
from knox.models import AuthToken
from rest_framework.test import APIClient

from .api_fixtures import error_of, other_creditor, world  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def token_client(key: str, prefix: str = "Token") -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{prefix} {key}")
    return client


# --- token auth -----------------------------------------------------------------------------------

def test_a_real_knox_key_authenticates_and_is_stored_hashed(token_for, integration, world):
    key = token_for(integration)
    response = token_client(key).get("/api/v1/cases/")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [world.mine.pk]
    row = AuthToken.objects.get(user=integration)
    assert key not in (row.digest, row.token_key)
    assert key.startswith(row.token_key)


@pytest.mark.parametrize("header", ["Token not-a-real-key", "Token ", "Bearer {key}", "Token {key}x"])
def test_a_wrong_key_is_401_in_the_error_shape(token_for, integration, header):
    key = token_for(integration)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header.format(key=key))
    response = client.get("/api/v1/cases/")
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


def test_an_expired_key_is_401(integration):
    _row, key = AuthToken.objects.create(user=integration, expiry=dt.timedelta(seconds=-1))
    assert token_client(key).get("/api/v1/cases/").status_code == 401


def test_a_key_of_a_deactivated_user_is_401(token_for, integration):
    key = token_for(integration)
    integration.is_active = False
    integration.save(update_fields=["is_active"])
    assert token_client(key).get("/api/v1/cases/").status_code == 401


def test_a_valid_key_of_a_role_without_access_is_403(token_for, hr):
    response = token_client(token_for(hr)).get("/api/v1/cases/")
    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"


def test_session_login_works_for_the_browsable_api(client, collector, world):
    client.force_login(collector)
    response = client.get("/api/v1/cases/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert "text/html" in response["Content-Type"]
    assert "110105********002X" in response.content.decode()
    assert "11010519490108002X" not in response.content.decode()


# --- root, schema, docs ---------------------------------------------------------------------------

def test_api_root_lists_every_endpoint(api_as, director):
    body = api_as(director).get("/api/v1/").json()
    assert set(body) == {
        "placements", "cases", "contact-attempts", "promises", "payments", "creditors", "users", "teams",
        "postings", "applications", "interviews", "offers",
    }
    assert body["users"].endswith("/api/v1/users/")


def test_api_root_is_401_for_anonymous(api_client):
    assert api_client.get("/api/v1/").status_code == 401


def test_schema_validates_without_warnings(tmp_path: Path):
    GENERATOR_STATS.reset()
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert not GENERATOR_STATS, "drf-spectacular reported warnings or errors"
    schema = yaml.safe_load(target.read_text())
    paths = schema["paths"]
    for path in [
        "/api/v1/placements/", "/api/v1/placements/{id}/rejected-rows/", "/api/v1/cases/", "/api/v1/cases/summary/",
        "/api/v1/cases/{id}/assign/", "/api/v1/contact-attempts/", "/api/v1/promises/{id}/cancel/", "/api/v1/payments/",
        "/api/v1/creditors/{id}/", "/api/v1/users/", "/api/v1/teams/",
    ]:
        assert path in paths, path
    assert "delete" not in paths["/api/v1/creditors/{id}/"]
    payment_params = {p["name"] for p in paths["/api/v1/payments/"]["post"]["parameters"]}
    assert "Idempotency-Key" in payment_params
    assert "multipart/form-data" in paths["/api/v1/placements/"]["post"]["requestBody"]["content"]
    assert {"409", "422"} <= set(paths["/api/v1/cases/{id}/assign/"]["post"]["responses"])
    amount = schema["components"]["schemas"]["PaymentRecordInputRequest"]["properties"]["amount"]
    assert amount["type"] == "string" and amount["format"] == "decimal"


def test_schema_and_docs_need_a_signed_in_user(client):
    assert client.get("/api/schema/").status_code in (401, 403)
    assert client.get("/api/docs/").status_code in (401, 403)


def test_swagger_ui_is_served_from_sidecar_without_a_cdn(client, supervisor):
    client.force_login(supervisor)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn.jsdelivr" not in html and "unpkg.com" not in html
