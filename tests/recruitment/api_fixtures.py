"""Shared world for the recruitment API tests (tests/recruitment/test_api_*.py).

Built from model rows (not services) so that each test starts from a known state:

* ``posting`` (open, team A, collector, ¥5,000–8,000), ``draft`` (draft) and ``closed`` (closed after
  having been published), all in ``department``;
* ``app`` on ``posting`` — candidate 王小明, mobile +8613800138000, ID 11010519491231002X, 18 months
  of consumer-loan collection; ``other_app`` on ``posting`` (someone else);
* ``interview`` on ``app`` with ``lead`` on the panel (so ``lead`` sees ``app``; ``other_lead`` does not);
* ``offer`` on ``app`` above the posting's range (``needs_approval``), so ``supervisor`` (same
  department) and ``director`` see it and ``app``; ``other_supervisor`` does not.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from common.dates import local_today
from recruitment.choices import OfferStatus, PostingStatus, ProposalParty
from recruitment.models import Interview, Offer, OfferProposal
from tests.recruitment.factories import future, make_application, make_posting

CANDIDATE_MOBILE = "+8613800138000"
CANDIDATE_ID = "11010519491231002X"
CANDIDATE_EMAIL = "wangxm@example.com"


def error_of(response) -> dict:
    """The ``error`` object of the one error shape, asserting the shape on the way."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert {"code", "message"} <= set(body["error"]), body
    return body["error"]


def token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def rworld(team, other_team, lead, other_lead, supervisor, other_supervisor, director, hr):
    posting = make_posting(team, by=hr)
    draft = make_posting(team, status=PostingStatus.DRAFT, title="催收组长（草稿）", by=hr)
    closed = make_posting(team, status=PostingStatus.CLOSED, title="已关闭的岗位", by=hr)
    closed.published_at = timezone.now() - dt.timedelta(days=30)
    closed.save(update_fields=["published_at"])
    app = make_application(
        posting, name="王小明", mobile=CANDIDATE_MOBILE, email=CANDIDATE_EMAIL, id_number=CANDIDATE_ID, months_collection=18,
    )
    other_app = make_application(posting, name="李四", mobile="+8613900139000", email="lisi@example.com")
    interview = Interview.objects.create(
        application=app, round_name="初试", starts_at=future(48), ends_at=future(49), location="深圳市南山区 3 楼会议室", scheduled_by=hr,
    )
    interview.interviewers.set([lead])
    today = local_today()
    offer = Offer.objects.create(
        application=app, monthly_wage=Decimal("9000.00"), contract_months=36, probation_months=3, probation_wage=Decimal("7200.00"),
        start_on=today + dt.timedelta(days=21), expires_on=today + dt.timedelta(days=7), needs_approval=True,
        status=OfferStatus.PENDING_APPROVAL, created_by=hr,
    )
    OfferProposal.objects.create(offer=offer, party=ProposalParty.COMPANY, monthly_wage=offer.monthly_wage, actor=hr, at=timezone.now())
    return SimpleNamespace(posting=posting, draft=draft, closed=closed, app=app, other_app=other_app, interview=interview, offer=offer)
