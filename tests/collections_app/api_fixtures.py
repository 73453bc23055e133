"""Shared world for the API tests (imported by tests/collections_app/test_api_*.py).

Cases, by who may see them (personas from tests/conftest.py):

* ``mine``    — team A, collector ``collector``, creditor ``creditor`` (linked to ``integration``);
  debtor 张三 / ID 11010519490108002X / mobile +8613800138000.
* ``team_a``  — team A, collector ``collector_b``, ``other_creditor``.
* ``team_b``  — team B (``other_lead``), collector ``other_collector``, ``other_creditor``.
"""
from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from tests.factories import AccountFactory, CaseFactory, ContactPointFactory, CreditorFactory, DebtorFactory

DEBTOR_NAME = "张三"
DEBTOR_ID = "11010519490108002X"
DEBTOR_MOBILE = "+8613800138000"


def error_of(response) -> dict:
    """The ``error`` object of the one error shape, asserting the shape on the way."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert {"code", "message"} <= set(body["error"]), body
    return body["error"]


@pytest.fixture
def other_creditor(db):
    return CreditorFactory(code="other-cf", name="另一家消费金融")


@pytest.fixture
def world(team, other_team, collector, collector_b, other_collector, lead, other_lead, creditor, other_creditor):
    debtor = DebtorFactory(name=DEBTOR_NAME, id_number=DEBTOR_ID)
    mine = CaseFactory(
        debtor=debtor, creditor=creditor, team=team, collector=collector, bucket="M1", days_past_due=15,
        overdue_amount=Decimal("3000.00"), outstanding_balance=Decimal("8000.00"),
    )
    AccountFactory(case=mine, account_number="ACC-MINE-2", overdue_amount=Decimal("1000.00"))
    AccountFactory(case=mine, account_number="ACC-MINE-1", overdue_amount=Decimal("2000.00"))
    ContactPointFactory(debtor=debtor, kind="mobile", value=DEBTOR_MOBILE)
    team_a = CaseFactory(creditor=other_creditor, team=team, collector=collector_b, bucket="M2", days_past_due=40)
    team_b = CaseFactory(creditor=other_creditor, team=other_team, collector=other_collector, bucket="M3", days_past_due=70)
    return SimpleNamespace(mine=mine, team_a=team_a, team_b=team_b)
