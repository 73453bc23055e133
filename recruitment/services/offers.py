"""Offers, negotiation and background checks (issue 3 §6).

Labour Contract Law of the PRC (2012 amendment) art. 19: probation ≤ 1 month for a fixed term of
3 months to under 1 year, ≤ 2 months for 1 to under 3 years, ≤ 6 months for 3 years or more and
open-ended; none for a term under 3 months. Art. 20: probation wage ≥ 80 % of the agreed wage
(and ≥ the local minimum wage, which HR checks)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from teams.models import User

from ..models import Application, BackgroundCheck, Offer


def probation_validate(*, contract_months: int | None, probation_months: int, monthly_wage: Decimal, probation_wage: Decimal | None) -> None:
    """Raise ``ValidationError`` keyed by ``probation_months`` / ``probation_wage`` naming the
    article when the terms break art. 19–20; ``contract_months`` ``None`` = open-ended."""
    raise NotImplementedError


def offer_create(
    *, actor: User, application: Application, monthly_wage: Decimal, contract_months: int | None, probation_months: int,
    probation_wage: Decimal | None, start_on: dt.date, expires_on: dt.date, note: str = "",
) -> Offer:
    """Draft an offer (first company proposal recorded). ``needs_approval`` when the wage is outside
    the posting's range. Moves the application to the offer stage. Raises ``ValidationError``
    (probation law, start/expiry in the past, expiry after start) or ``RuleViolation``
    (``application_closed``, ``open_offer_exists``)."""
    raise NotImplementedError


def offer_counter(*, actor: User, offer: Offer, party: str, monthly_wage: Decimal, note: str = "") -> Offer:
    """Record a proposal (candidate's counter or the company's new figure). A company proposal sets
    ``monthly_wage`` (re-checking probation and the approval need; an approval is cleared when the
    figure changes); a candidate's counter is history only."""
    raise NotImplementedError


def offer_approve(*, actor: User, offer: Offer) -> Offer:
    """A supervisor of the posting's department or a director approves an offer outside the range.
    Raises ``RuleViolation`` (``offer_approver``, ``offer_needs_no_approval``)."""
    raise NotImplementedError


def offer_send(*, actor: User, offer: Offer) -> Offer:
    """Draft/pending → sent. Refused while approval is needed and missing (``offer_approval_missing``)."""
    raise NotImplementedError


def offer_record_decision(*, actor: User, offer: Offer, accepted: bool, note: str = "") -> Offer:
    """Candidate accepted or declined a sent offer; declined rejects the application with reason
    ``offer_declined``. Accepted moves it to the background-check stage and opens the check."""
    raise NotImplementedError


def offer_withdraw(*, actor: User, offer: Offer, note: str = "") -> Offer:
    raise NotImplementedError


def offers_expire(*, today: dt.date | None = None) -> int:
    """Sent offers whose ``expires_on`` < local today become expired. Returns the count; safe twice."""
    raise NotImplementedError


def background_check_consent_record(*, actor: User, application: Application, consent_version: str) -> BackgroundCheck:
    """Record the candidate's separate consent; status → in progress."""
    raise NotImplementedError


def background_check_result_record(*, actor: User, check: BackgroundCheck, criminal_record: str, credit_record: str, note: str = "") -> BackgroundCheck:
    """Record results. Refused without consent (``background_check_consent``). Both clear → clear;
    any adverse → concern. Collectors need both records (collection guidelines)."""
    raise NotImplementedError
