"""Offers, negotiation and background checks (issue 3 §6).

Labour Contract Law of the PRC (2012 amendment) art. 19: probation ≤ 1 month for a fixed term of
3 months to under 1 year, ≤ 2 months for 1 to under 3 years, ≤ 6 months for 3 years or more and
open-ended; none for a term under 3 months. Art. 20: probation wage ≥ 80 % of the agreed wage
(and ≥ the local minimum wage, which HR checks).

Offer life cycle: ``draft`` (or ``pending_approval`` when the wage is outside the posting's range)
→ ``sent`` → ``accepted`` / ``declined`` / ``expired``; ``withdrawn`` from any open status. One
open offer per application (a database constraint backs the service check).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.audit import audit_event_record
from common.dates import local_today
from common.errors import RuleViolation
from common.validators import id_number_normalize
from teams.choices import Role
from teams.models import User

from ..choices import (
    OPEN_OFFER_STATUSES, ApplicationStatus, BackgroundCheckStatus, CheckResult, OfferStatus, ProposalParty, RefuseReason, StageKind,
)
from ..defaults import BACKGROUND_CHECK_CONSENT_VERSION
from ..models import Application, BackgroundCheck, Candidate, Offer, OfferProposal
from . import pipeline

PROBATION_WAGE_MIN_SHARE = Decimal("0.80")  # art. 20


def probation_max_months(contract_months: int | None) -> int:
    """Longest probation art. 19 allows for a contract of ``contract_months`` (``None`` = open-ended)."""
    if contract_months is None or contract_months >= 36:
        return 6
    if contract_months >= 12:
        return 2
    if contract_months >= 3:
        return 1
    return 0


def probation_validate(*, contract_months: int | None, probation_months: int, monthly_wage: Decimal, probation_wage: Decimal | None) -> None:
    """Raise ``ValidationError`` keyed by ``probation_months`` / ``probation_wage`` naming the
    article when the terms break art. 19–20; ``contract_months`` ``None`` = open-ended.

    Also keyed ``contract_months`` (a term under one month), ``monthly_wage`` (not positive)."""
    errors: dict[str, list[str]] = {}
    if contract_months is not None and contract_months < 1:
        errors["contract_months"] = [_("The contract term is at least one month; leave it empty for an open-ended contract.")]
    if monthly_wage is None or monthly_wage <= 0:
        errors["monthly_wage"] = [_("The monthly wage must be more than zero.")]
    if probation_months is None or probation_months < 0:
        errors["probation_months"] = [_("Probation is zero or more months.")]
    elif "contract_months" not in errors:
        limit = probation_max_months(contract_months)
        if probation_months > limit:
            if limit == 0:
                message = _(
                    "A contract of under 3 months cannot have a probation period (Labour Contract Law art. 19); "
                    "probation_months must be 0, got %(months)s."
                ) % {"months": probation_months}
            else:
                term = _("an open-ended contract") if contract_months is None else _("a %(n)s-month contract") % {"n": contract_months}
                message = _(
                    "Probation for %(term)s is at most %(limit)s month(s) (Labour Contract Law art. 19); "
                    "probation_months is %(months)s."
                ) % {"term": term, "limit": limit, "months": probation_months}
            errors["probation_months"] = [message]
    if probation_months and probation_months > 0:
        if probation_wage is None:
            errors["probation_wage"] = [_("Give the probation wage: with a probation period it is required (Labour Contract Law art. 20).")]
        elif probation_wage <= 0:
            errors["probation_wage"] = [_("The probation wage must be more than zero (Labour Contract Law art. 20).")]
        elif monthly_wage and monthly_wage > 0 and probation_wage < monthly_wage * PROBATION_WAGE_MIN_SHARE:
            errors["probation_wage"] = [
                _(
                    "The probation wage ¥%(wage)s is below 80%% of the agreed monthly wage (minimum ¥%(minimum)s; "
                    "Labour Contract Law art. 20)."
                ) % {"wage": probation_wage, "minimum": (monthly_wage * PROBATION_WAGE_MIN_SHARE).quantize(Decimal("0.01"))}
            ]
    if errors:
        raise ValidationError(errors)


def candidate_id_number_require(candidate: Candidate) -> None:
    """The ID number is optional until the offer and required from the offer stage on (offer,
    hire): ``ValidationError`` keyed ``id_number`` when it is missing or invalid. HR adds or
    corrects it with ``applications.candidate_update``."""
    try:
        id_number_normalize(candidate.id_number or "")
    except ValidationError as exc:
        raise ValidationError({"id_number": [
            _("The candidate's ID number is required from the offer stage: %(reason)s") % {"reason": " ".join(exc.messages)}
        ]}) from None


def offer_wage_outside_range(offer_wage: Decimal, application: Application) -> bool:
    """True when the monthly wage (CNY) is outside the posting's salary range: a supervisor of the
    department or a director must then approve the offer."""
    posting = application.posting
    return offer_wage < posting.salary_min or offer_wage > posting.salary_max


def _open_offer_required(offer: Offer) -> None:
    if offer.status not in OPEN_OFFER_STATUSES:
        raise RuleViolation(
            _("This offer is %(status)s; it can no longer be changed.") % {"status": offer.get_status_display()}, rule="offer_not_open",
        )


def _lock_offer(offer: Offer) -> Offer:
    return Offer.objects.select_for_update(of=("self",)).select_related("application__posting__requisition__team").get(pk=offer.pk)


def _move_forward_to(*, actor: User | None, application: Application, kind: str, note: str = "") -> None:
    """Move ``application`` to the stage of ``kind`` when it is before it (by position)."""
    stage = application.posting.stages.filter(kind=kind).order_by("position", "id").first()
    current = application.stage
    if stage is not None and current.position < stage.position:
        pipeline.application_enter_stage(actor=actor, application=application, stage=stage, note=note)


@transaction.atomic
def offer_create(
    *, actor: User, application: Application, monthly_wage: Decimal, contract_months: int | None, probation_months: int,
    probation_wage: Decimal | None, start_on: dt.date, expires_on: dt.date, note: str = "",
) -> Offer:
    """Draft an offer (first company proposal recorded). ``needs_approval`` when the wage is outside
    the posting's range. Moves the application to the offer stage. Raises ``ValidationError``
    (probation law, start/expiry in the past, expiry after start) or ``RuleViolation``
    (``application_closed``, ``open_offer_exists``).

    The candidate's ID number is optional until this point and required from here on
    (``ValidationError`` keyed ``id_number``). An offer needing approval starts as
    ``pending_approval``, otherwise ``draft``."""
    application = Application.objects.select_for_update(of=("self",)).select_related("candidate", "posting", "stage").get(pk=application.pk)
    if application.status != ApplicationStatus.ACTIVE:
        raise RuleViolation(
            _("This application is closed (%(status)s); no offer can be made.") % {"status": application.get_status_display()},
            rule="application_closed",
        )
    if application.offers.filter(status__in=OPEN_OFFER_STATUSES).exists():
        raise RuleViolation(
            _("This application already has an open offer; withdraw it before drafting another."), rule="open_offer_exists",
        )
    errors: dict[str, list[str]] = {}
    try:
        candidate_id_number_require(application.candidate)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    today = local_today()
    if start_on < today:
        errors["start_on"] = [_("The start date %(date)s is in the past.") % {"date": start_on.isoformat()}]
    if expires_on < today:
        errors["expires_on"] = [_("The answer-by date %(date)s is in the past.") % {"date": expires_on.isoformat()}]
    elif expires_on > start_on:
        errors["expires_on"] = [_("The answer-by date must be on or before the start date (%(date)s).") % {"date": start_on.isoformat()}]
    try:
        probation_validate(contract_months=contract_months, probation_months=probation_months, monthly_wage=monthly_wage, probation_wage=probation_wage)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)

    needs_approval = offer_wage_outside_range(monthly_wage, application)
    now = timezone.now()
    offer = Offer(
        application=application, status=OfferStatus.PENDING_APPROVAL if needs_approval else OfferStatus.DRAFT, monthly_wage=monthly_wage,
        contract_months=contract_months, probation_months=probation_months, probation_wage=probation_wage if probation_months else None,
        start_on=start_on, expires_on=expires_on, needs_approval=needs_approval, created_by=actor if getattr(actor, "pk", None) else None,
    )
    offer.full_clean()
    offer.save()
    OfferProposal.objects.create(offer=offer, party=ProposalParty.COMPANY, monthly_wage=monthly_wage, note=note, actor=offer.created_by, at=now)
    audit_event_record(
        actor=actor, verb="offer_created", target=offer,
        data={"application_id": application.pk, "monthly_wage": str(monthly_wage), "contract_months": contract_months,
              "probation_months": probation_months, "probation_wage": str(offer.probation_wage) if offer.probation_wage else None,
              "start_on": start_on.isoformat(), "expires_on": expires_on.isoformat(), "needs_approval": needs_approval},
    )
    _move_forward_to(actor=actor, application=application, kind=StageKind.OFFER)
    return offer


@transaction.atomic
def offer_counter(
    *, actor: User, offer: Offer, party: str, monthly_wage: Decimal, note: str = "", probation_wage: Decimal | None = None,
) -> Offer:
    """Record a proposal (candidate's counter or the company's new figure). A company proposal sets
    ``monthly_wage`` (re-checking probation and the approval need; an approval is cleared when the
    figure changes); a candidate's counter is history only.

    ``probation_wage`` (optional, company proposals only) replaces the probation wage together with
    the new figure, so a raise can keep art. 20's 80 % floor. A company figure that now needs
    approval puts the offer back to ``pending_approval`` (also a sent one: it must be approved and
    sent again)."""
    offer = _lock_offer(offer)
    _open_offer_required(offer)
    if party not in ProposalParty.values:
        raise ValidationError({"party": [_("Choose who proposed the figure: company or candidate.")]})
    if monthly_wage is None or monthly_wage <= 0:
        raise ValidationError({"monthly_wage": [_("The monthly wage must be more than zero.")]})
    now = timezone.now()
    before = {"monthly_wage": str(offer.monthly_wage), "status": offer.status, "approved": offer.approved_at is not None}
    fields: list[str] = []
    if party == ProposalParty.COMPANY:
        new_probation_wage = probation_wage if probation_wage is not None else offer.probation_wage
        probation_validate(
            contract_months=offer.contract_months, probation_months=offer.probation_months, monthly_wage=monthly_wage,
            probation_wage=new_probation_wage,
        )
        if monthly_wage != offer.monthly_wage or new_probation_wage != offer.probation_wage:
            offer.monthly_wage = monthly_wage
            offer.probation_wage = new_probation_wage if offer.probation_months else None
            offer.needs_approval = offer_wage_outside_range(monthly_wage, offer.application)
            offer.approved_by, offer.approved_at = None, None
            fields += ["monthly_wage", "probation_wage", "needs_approval", "approved_by", "approved_at"]
            if offer.needs_approval:
                offer.status = OfferStatus.PENDING_APPROVAL
            elif offer.status == OfferStatus.PENDING_APPROVAL:
                offer.status = OfferStatus.DRAFT
            fields.append("status")
            offer.full_clean()
            offer.save(update_fields=fields)
    elif probation_wage is not None:
        raise ValidationError({"probation_wage": [_("Only a company proposal changes the probation wage.")]})
    OfferProposal.objects.create(offer=offer, party=party, monthly_wage=monthly_wage, note=note, actor=actor if getattr(actor, "pk", None) else None, at=now)
    audit_event_record(
        actor=actor, verb="offer_countered", target=offer,
        data={"party": party, "proposed": str(monthly_wage), "before": before,
              "after": {"monthly_wage": str(offer.monthly_wage), "status": offer.status, "needs_approval": offer.needs_approval}},
    )
    return offer


def offer_may_approve(user: User, offer: Offer) -> bool:
    """A director, or a supervisor of the department of the posting's team."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.DIRECTOR:
        return True
    team = offer.application.posting.requisition.team
    return user.role == Role.SUPERVISOR and user.department_id is not None and user.department_id == team.department_id


@transaction.atomic
def offer_approve(*, actor: User, offer: Offer) -> Offer:
    """A supervisor of the posting's department or a director approves an offer outside the range.
    Raises ``RuleViolation`` (``offer_approver``, ``offer_needs_no_approval``, ``offer_not_open``).
    Approving an already approved offer changes nothing."""
    offer = _lock_offer(offer)
    _open_offer_required(offer)
    if not offer_may_approve(actor, offer):
        raise RuleViolation(
            _("Only a supervisor of this team's department or a director approves an offer outside the salary range."),
            rule="offer_approver",
        )
    if not offer.needs_approval:
        raise RuleViolation(_("This offer is within the posting's salary range; it needs no approval."), rule="offer_needs_no_approval")
    if offer.approved_at is not None:
        return offer
    offer.approved_by, offer.approved_at = actor, timezone.now()
    fields = ["approved_by", "approved_at"]
    if offer.status == OfferStatus.PENDING_APPROVAL:
        offer.status = OfferStatus.DRAFT
        fields.append("status")
    offer.save(update_fields=fields)
    posting = offer.application.posting
    audit_event_record(
        actor=actor, verb="offer_approved", target=offer,
        data={"monthly_wage": str(offer.monthly_wage), "salary_min": str(posting.salary_min), "salary_max": str(posting.salary_max)},
    )
    return offer


@transaction.atomic
def offer_send(*, actor: User, offer: Offer) -> Offer:
    """Draft/pending → sent. Refused while approval is needed and missing (``offer_approval_missing``),
    when the answer-by date has passed (``offer_expired``) or the application was closed
    (``application_closed``). The offer letter is e-mailed to the candidate on commit."""
    offer = _lock_offer(offer)
    if offer.status not in (OfferStatus.DRAFT, OfferStatus.PENDING_APPROVAL):
        raise RuleViolation(
            _("Only a draft offer can be sent; this one is %(status)s.") % {"status": offer.get_status_display()}, rule="offer_not_open",
        )
    if offer.application.status != ApplicationStatus.ACTIVE:
        raise RuleViolation(_("The application is closed; withdraw the offer instead."), rule="application_closed")
    if offer.needs_approval and offer.approved_at is None:
        raise RuleViolation(
            _("The wage ¥%(wage)s is outside the posting's range; a supervisor or director must approve the offer before it is sent.")
            % {"wage": offer.monthly_wage},
            rule="offer_approval_missing",
        )
    if offer.expires_on < local_today():
        raise RuleViolation(
            _("The answer-by date %(date)s has passed; draft a new offer.") % {"date": offer.expires_on.isoformat()}, rule="offer_expired",
        )
    offer.status = OfferStatus.SENT
    offer.save(update_fields=["status"])
    audit_event_record(actor=actor, verb="offer_sent", target=offer, data={"monthly_wage": str(offer.monthly_wage)})
    from ..tasks import offer_letter_send_task

    offer_id = offer.pk
    transaction.on_commit(lambda: offer_letter_send_task.delay(offer_id))
    return offer


def offer_letter_send(*, offer_id: int) -> bool:
    """E-mail the terms of a sent offer to the candidate (site language, plain text). False when
    the offer is no longer sent, or the candidate has no e-mail or was anonymised."""
    offer = Offer.objects.select_related("application__candidate", "application__posting").filter(pk=offer_id).first()
    if offer is None or offer.status != OfferStatus.SENT:
        return False
    candidate = offer.application.candidate
    if not candidate.email or candidate.anonymised_at is not None:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        term = _("open-ended") if offer.contract_months is None else _("%(n)s months") % {"n": offer.contract_months}
        probation = (
            _("%(n)s month(s) at ¥%(wage)s a month") % {"n": offer.probation_months, "wage": offer.probation_wage}
            if offer.probation_months else _("none")
        )
        subject = _("Offer from %(company)s: %(posting)s") % {"company": settings.COMPANY_NAME, "posting": offer.application.posting.title}
        body = _(
            "Dear %(candidate)s,\n\nwe are pleased to offer you the position %(posting)s.\n\n"
            "Monthly wage (gross): ¥%(wage)s\nContract term: %(term)s\nProbation: %(probation)s\nStart date: %(start)s\n\n"
            "Please give us your answer by %(expires)s.\n\n%(company)s"
        ) % {
            "candidate": candidate.name, "posting": offer.application.posting.title, "wage": offer.monthly_wage, "term": term,
            "probation": probation, "start": offer.start_on.isoformat(), "expires": offer.expires_on.isoformat(),
            "company": settings.COMPANY_NAME,
        }
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [candidate.email])
    audit_event_record(actor=None, verb="offer_letter_sent", target=offer, data={})
    return True


@transaction.atomic
def offer_record_decision(*, actor: User, offer: Offer, accepted: bool, note: str = "") -> Offer:
    """Candidate accepted or declined a sent offer; declined rejects the application with reason
    ``offer_declined``. Accepted moves it to the background-check stage and opens the check
    (awaiting the candidate's separate consent). Raises ``RuleViolation`` (``offer_not_sent``;
    ``offer_expired`` for an acceptance after the answer-by date; ``application_closed``)."""
    offer = _lock_offer(offer)
    if offer.status != OfferStatus.SENT:
        raise RuleViolation(
            _("Only a sent offer can be accepted or declined; this one is %(status)s.") % {"status": offer.get_status_display()},
            rule="offer_not_sent",
        )
    if offer.application.status != ApplicationStatus.ACTIVE:
        raise RuleViolation(_("The application is closed; withdraw the offer instead."), rule="application_closed")
    if accepted and offer.expires_on < local_today():
        raise RuleViolation(
            _("The answer-by date %(date)s has passed; the offer has lapsed.") % {"date": offer.expires_on.isoformat()}, rule="offer_expired",
        )
    offer.status = OfferStatus.ACCEPTED if accepted else OfferStatus.DECLINED
    offer.decided_at = timezone.now()
    offer.save(update_fields=["status", "decided_at"])
    audit_event_record(
        actor=actor, verb="offer_accepted" if accepted else "offer_declined", target=offer,
        data={"note": note, "monthly_wage": str(offer.monthly_wage)},
    )
    application = offer.application
    if not accepted:
        pipeline.application_reject(actor=actor, application=application, reason=RefuseReason.OFFER_DECLINED, note=note)
        return offer
    _move_forward_to(actor=actor, application=application, kind=StageKind.BACKGROUND_CHECK)
    check, created = BackgroundCheck.objects.get_or_create(application=application)
    if created:
        audit_event_record(actor=actor, verb="background_check_opened", target=check, data={"application_id": application.pk})
    return offer


@transaction.atomic
def offer_withdraw(*, actor: User, offer: Offer, note: str = "") -> Offer:
    """The company withdraws an open offer (draft, awaiting approval or sent). The application
    stays where it is: HR may draft a new offer or reject it. Raises ``RuleViolation``
    (``offer_not_open``)."""
    offer = _lock_offer(offer)
    _open_offer_required(offer)
    before = offer.status
    offer.status = OfferStatus.WITHDRAWN
    offer.decided_at = timezone.now()
    offer.save(update_fields=["status", "decided_at"])
    audit_event_record(actor=actor, verb="offer_withdrawn", target=offer, data={"before": before, "note": note})
    return offer


def offers_expire(*, today: dt.date | None = None) -> int:
    """Sent offers whose ``expires_on`` < local today become expired. Returns the count; safe twice.

    Rows are locked with ``skip_locked`` so a decision being recorded at the same moment wins; the
    application stays in the offer stage for HR to follow up."""
    today = today or local_today()
    expired = 0
    with transaction.atomic():
        offers = list(
            Offer.objects.select_for_update(skip_locked=True).filter(status=OfferStatus.SENT, expires_on__lt=today).order_by("pk")
        )
        now = timezone.now()
        for offer in offers:
            offer.status = OfferStatus.EXPIRED
            offer.decided_at = now
            offer.save(update_fields=["status", "decided_at"])
            audit_event_record(actor=None, verb="offer_expired", target=offer, data={"expires_on": offer.expires_on.isoformat(), "today": today.isoformat()})
            expired += 1
    return expired


# --- background checks ------------------------------------------------------------------------------

@transaction.atomic
def background_check_consent_record(*, actor: User, application: Application, consent_version: str) -> BackgroundCheck:
    """Record the candidate's separate consent; status → in progress. Raises ``ValidationError``
    (``consent_version`` not the current ``BACKGROUND_CHECK_CONSENT_VERSION``) or ``RuleViolation``
    (``background_check_not_open``: no accepted offer yet; ``application_closed``). Recording it a
    second time changes nothing."""
    if consent_version != BACKGROUND_CHECK_CONSENT_VERSION:
        raise ValidationError({"consent_version": [
            _("The candidate must consent to the current background-check notice (version %(current)s); got “%(given)s”.")
            % {"current": BACKGROUND_CHECK_CONSENT_VERSION, "given": consent_version}
        ]})
    check = BackgroundCheck.objects.select_for_update(of=("self",)).select_related("application").filter(application_id=application.pk).first()
    if check is None:
        raise RuleViolation(_("A background check opens when the candidate accepts the offer."), rule="background_check_not_open")
    if check.application.status != ApplicationStatus.ACTIVE:
        raise RuleViolation(_("The application is closed."), rule="application_closed")
    if check.consent_at is not None:
        return check
    check.consent_version, check.consent_at = consent_version, timezone.now()
    check.status = BackgroundCheckStatus.IN_PROGRESS
    check.full_clean()
    check.save(update_fields=["consent_version", "consent_at", "status"])
    audit_event_record(actor=actor, verb="background_check_consented", target=check, data={"consent_version": consent_version})
    return check


def background_check_status_of(criminal_record: str, credit_record: str) -> str:
    """Any adverse → concern; both clear → clear; otherwise still in progress."""
    results = (criminal_record, credit_record)
    if CheckResult.ADVERSE in results:
        return BackgroundCheckStatus.CONCERN
    if all(r == CheckResult.CLEAR for r in results):
        return BackgroundCheckStatus.CLEAR
    return BackgroundCheckStatus.IN_PROGRESS


@transaction.atomic
def background_check_result_record(*, actor: User, check: BackgroundCheck, criminal_record: str, credit_record: str, note: str = "") -> BackgroundCheck:
    """Record results. Refused without consent (``background_check_consent``). Both clear → clear;
    any adverse → concern. Collectors need both records (collection guidelines).

    A concern does not reject by itself: HR decides (``pipeline.application_reject`` with reason
    ``background_check``); ``hiring.application_hire`` refuses a collector whose check is not clear."""
    check = BackgroundCheck.objects.select_for_update(of=("self",)).select_related("application").get(pk=check.pk)
    if check.consent_at is None:
        raise RuleViolation(
            _("The candidate has not consented to the background check; nothing can be checked or recorded before that (PIPL art. 14)."),
            rule="background_check_consent",
        )
    if check.application.status != ApplicationStatus.ACTIVE:
        raise RuleViolation(_("The application is closed."), rule="application_closed")
    errors = {}
    for field, value in (("criminal_record", criminal_record), ("credit_record", credit_record)):
        if value not in CheckResult.values:
            errors[field] = [_("Choose pending, clear or adverse (got “%(value)s”).") % {"value": value}]
    if errors:
        raise ValidationError(errors)
    before = {"criminal_record": check.criminal_record, "credit_record": check.credit_record, "status": check.status}
    check.criminal_record, check.credit_record, check.note = criminal_record, credit_record, note or ""
    check.status = background_check_status_of(criminal_record, credit_record)
    check.completed_at = timezone.now() if check.status != BackgroundCheckStatus.IN_PROGRESS else None
    check.recorded_by = actor if getattr(actor, "pk", None) else None
    check.full_clean()
    check.save(update_fields=["criminal_record", "credit_record", "note", "status", "completed_at", "recorded_by"])
    audit_event_record(
        actor=actor, verb="background_check_recorded", target=check,
        data={"before": before, "after": {"criminal_record": criminal_record, "credit_record": credit_record, "status": check.status}},
    )
    return check
