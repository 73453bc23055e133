"""Query-count guards (NetBox / Saleor habit): the queue pages cost the same number of queries for
1 case as for 20, and paging with the cursor keeps that constant."""
from __future__ import annotations

from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from collections_app.models import ContactPoint
from tests.factories import AccountFactory, CaseFactory

from .views_fixtures import client_as  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

MAX_QUEUE_QUERIES = 14  # session, user, filter choices, the page, the counts — none per row


def _cases(n, **kwargs):
    for i in range(n):
        case = CaseFactory(overdue_amount=Decimal(1000 + i), **kwargs)
        AccountFactory(case=case)
        ContactPoint.objects.create(debtor=case.debtor, kind="mobile", value=f"+8613{i:09d}")


def _count(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries), response


@pytest.mark.parametrize("params", [{}, {"risk_tier": ["low", "high"], "bucket": "M1", "status": "open"}])
def test_my_queue_query_count_is_constant(client_as, team, collector, params):
    client = client_as(collector)
    url = reverse("collections:my_queue")
    _cases(1, team=team, collector=collector)
    one, _response = _count(client, url, params)
    _cases(19, team=team, collector=collector)
    twenty, response = _count(client, url, params)
    assert response.content.decode().count('class="app-case-link') == 20
    assert twenty == one
    assert twenty <= MAX_QUEUE_QUERIES


def test_my_queue_next_page_costs_the_same(client_as, team, collector):
    client = client_as(collector)
    url = reverse("collections:my_queue")
    _cases(30, team=team, collector=collector)
    first, response = _count(client, url)
    html = response.content.decode()
    assert 'data-testid="next-page"' in html
    cursor = unquote(html.split("?after=", 1)[1].split('"', 1)[0])
    second, response = _count(client, url, {"after": cursor})
    assert second == first
    assert response.content.decode().count('class="app-case-link') == 5  # 25 + 5


def test_team_queue_query_count_is_constant(client_as, team, lead, collector, collector_b):
    client = client_as(lead)
    url = reverse("collections:team_queue")
    _cases(1, team=team, collector=collector)
    one, _response = _count(client, url)
    _cases(10, team=team, collector=collector)
    _cases(9, team=team, collector=collector_b)
    twenty, response = _count(client, url)
    assert response.content.decode().count('class="app-case-link') == 20
    assert twenty == one
