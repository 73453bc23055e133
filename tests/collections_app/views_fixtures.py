"""Shared world for the HTML view tests (imported by tests/collections_app/test_views*.py).

``mine``: a case of team A held by ``collector`` (debtor 张三, ID 11010519491231002X, mobile
13800138000 and a do-not-contact emergency contact). ``theirs``: a case of team B held by
``other_collector``. ``unassigned``: a case without a team.
"""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client

from collections_app.models import ContactPoint, Placement
from tests.factories import AccountFactory, CaseFactory, CreditorFactory, DebtorFactory

FULL_NAME = "张三"
FULL_ID = "11010519491231002X"
MASKED_ID = "110105********002X"
MOBILE = "+8613800138000"
MASKED_MOBILE = "138****8000"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def mine(team, collector, creditor):
    debtor = DebtorFactory(name=FULL_NAME, id_number=FULL_ID)
    case = CaseFactory(debtor=debtor, creditor=creditor, team=team, collector=collector, overdue_amount=Decimal("12345.60"))
    AccountFactory(case=case, account_number="LN-0001")
    ContactPoint.objects.create(debtor=debtor, kind="mobile", value=MOBILE)
    ContactPoint.objects.create(debtor=debtor, kind="mobile", value="+8613900139000", party="emergency_contact", contact_name="李四", do_not_contact=True)
    return case


@pytest.fixture
def theirs(other_team, other_collector, creditor):
    debtor = DebtorFactory(name="王五")
    return CaseFactory(debtor=debtor, creditor=creditor, team=other_team, collector=other_collector, bucket="M3", days_past_due=75)


@pytest.fixture
def unassigned(creditor):
    return CaseFactory(debtor=DebtorFactory(name="赵六"), creditor=creditor)


@pytest.fixture
def placement(creditor, supervisor):
    return Placement.objects.create(
        creditor=creditor, profile="standard", source_file="placements/test.csv", original_filename="test.csv",
        status="succeeded", rows_total=3, rows_processed=3, created_by=supervisor,
        counts={"rows_read": 3, "cases_created": 2, "rejected": 1},
    )


@pytest.fixture
def other_creditor_placement(db):
    other = CreditorFactory(code="other-lender", name="其他银行")
    return Placement.objects.create(creditor=other, profile="standard", source_file="placements/o.csv", original_filename="o.csv")


@pytest.fixture
def client_as():
    """``client_as(user)`` → a Django test client logged in as ``user`` (``None`` = anonymous).

    English by default, so assertions on page text survive the later zh-hans translation pass."""

    def make(user, *, language: str = "en") -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        if user is not None:
            client.force_login(user)
        return client

    return make
