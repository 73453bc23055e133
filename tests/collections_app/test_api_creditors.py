"""/api/v1/creditors/: administrators create and edit (no delete), others in scope read."""
from __future__ import annotations

import pytest

from collections_app.models import Creditor
from common.models import AuditEvent

from .api_fixtures import error_of, other_creditor  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

CREDITORS = "/api/v1/creditors/"
NEW = {"code": "pingan-xf", "name": "平安消费金融", "default_product": "card"}


def test_anonymous_is_401(api_client, creditor):
    assert api_client.get(CREDITORS).status_code == 401
    assert api_client.post(CREDITORS, NEW, format="json").status_code == 401
    assert api_client.patch(f"{CREDITORS}{creditor.pk}/", {"name": "x"}, format="json").status_code == 401


@pytest.mark.parametrize("persona", ["collector", "lead", "supervisor", "director", "integration", "hr"])
def test_creating_or_editing_by_anyone_but_an_administrator_is_403(request, api_as, creditor, persona):
    client = api_as(request.getfixturevalue(persona))
    assert client.post(CREDITORS, NEW, format="json").status_code == 403
    assert client.patch(f"{CREDITORS}{creditor.pk}/", {"name": "改名"}, format="json").status_code == 403
    assert client.put(f"{CREDITORS}{creditor.pk}/", {"name": "改名", "default_product": "loan", "is_active": True}, format="json").status_code == 403
    creditor.refresh_from_db()
    assert creditor.name == "中银消费金融"
    assert not Creditor.objects.filter(code=NEW["code"]).exists()


@pytest.mark.parametrize("persona", ["hr", "legal"])
def test_reading_by_a_role_without_case_access_is_403(request, api_as, creditor, persona):
    client = api_as(request.getfixturevalue(persona))
    assert client.get(CREDITORS).status_code == 403
    assert client.get(f"{CREDITORS}{creditor.pk}/").status_code == 403


@pytest.mark.parametrize("persona", ["collector", "lead", "supervisor", "director", "administrator"])
def test_collections_roles_read_every_creditor(request, api_as, creditor, other_creditor, persona):
    rows = api_as(request.getfixturevalue(persona)).get(CREDITORS).json()["results"]
    assert {r["code"] for r in rows} == {"zhongyin-cf", "other-cf"}


def test_integration_client_reads_only_its_creditors(api_as, integration, creditor, other_creditor):
    client = api_as(integration)
    rows = client.get(CREDITORS).json()["results"]
    assert [(r["code"], r["name"], r["is_active"]) for r in rows] == [("zhongyin-cf", "中银消费金融", True)]
    assert "integration_clients" not in rows[0]
    assert client.get(f"{CREDITORS}{other_creditor.pk}/").status_code == 404


def test_administrator_creates_a_creditor_and_links_an_integration_client(api_as, administrator, integration):
    response = api_as(administrator).post(CREDITORS, {**NEW, "integration_clients": ["integration"]}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    created = Creditor.objects.get(code="pingan-xf")
    assert body == {
        "id": created.pk, "code": "pingan-xf", "name": "平安消费金融", "default_product": "card", "is_active": True,
        "created_at": body["created_at"], "integration_clients": ["integration"],
    }
    assert list(created.integration_clients.all()) == [integration]
    assert AuditEvent.objects.filter(verb="creditor_created", target_id=str(created.pk), actor=administrator).exists()


def test_duplicate_code_is_400_on_code(api_as, administrator, creditor):
    response = api_as(administrator).post(CREDITORS, {**NEW, "code": creditor.code}, format="json")
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["code"]


def test_linking_a_user_who_is_not_an_integration_client_is_400(api_as, administrator, collector):
    response = api_as(administrator).post(CREDITORS, {**NEW, "integration_clients": ["collector"]}, format="json")
    assert response.status_code == 400
    assert "integration_clients" in error_of(response)["fields"]


def test_administrator_deactivates_with_patch_and_replaces_with_put(api_as, administrator, creditor):
    client = api_as(administrator)
    response = client.patch(f"{CREDITORS}{creditor.pk}/", {"is_active": False}, format="json")
    assert response.status_code == 200
    assert (response.json()["is_active"], response.json()["name"]) == (False, "中银消费金融")
    response = client.put(f"{CREDITORS}{creditor.pk}/", {"name": "中银消费", "default_product": "card", "is_active": True}, format="json")
    assert response.status_code == 200
    creditor.refresh_from_db()
    assert (creditor.name, creditor.default_product, creditor.is_active, creditor.code) == ("中银消费", "card", True, "zhongyin-cf")


def test_put_needs_every_field(api_as, administrator, creditor):
    response = api_as(administrator).put(f"{CREDITORS}{creditor.pk}/", {"name": "x"}, format="json")
    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"default_product", "is_active"}


def test_the_code_cannot_be_changed(api_as, administrator, creditor):
    api_as(administrator).patch(f"{CREDITORS}{creditor.pk}/", {"code": "renamed"}, format="json")
    creditor.refresh_from_db()
    assert creditor.code == "zhongyin-cf"


def test_nobody_deletes_a_creditor(api_as, administrator, creditor):
    """No role has a ``delete`` entry in the table, so the permission check refuses it (403)
    before routing would answer 405; deactivate with ``is_active`` instead."""
    response = api_as(administrator).delete(f"{CREDITORS}{creditor.pk}/")
    assert response.status_code == 403
    assert Creditor.objects.filter(pk=creditor.pk).exists()


def test_list_query_count_does_not_grow_with_rows(api_as, administrator, integration, django_assert_max_num_queries):
    from tests.factories import CreditorFactory

    client = api_as(administrator)
    with django_assert_max_num_queries(4) as one:
        assert len(client.get(CREDITORS).json()["results"]) == 1  # the integration's creditor
    for i in range(19):
        CreditorFactory(code=f"qc-{i}").integration_clients.add(integration)
    with django_assert_max_num_queries(4) as twenty:
        assert len(client.get(CREDITORS).json()["results"]) == 20
    assert len(twenty.captured_queries) == len(one.captured_queries)
