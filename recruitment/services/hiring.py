"""Hire → a working collector (issue 3 §7).

One transaction turns an application with an accepted offer into a person the collections app
can work with: the user account (role from the posting, unusable password until the first-login
link is used), the membership of the requisition's team from the offer's start date, for a
collector a junior ``CollectorProfile`` in onboarding (allocation gives them low-risk cases only,
DOMAIN.md allocation step 2), the enrolment in the team's onboarding training, the hired stage,
and the requisition marked filled once its headcount is reached (its postings close).

Hiring a team lead gives them a membership of the team but does not make them ``Team.lead``:
replacing a lead is a deliberate change made on the team (an existing lead may still be in place).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from common.audit import audit_event_record
from common.errors import RuleViolation
from teams import services as people
from teams.models import TrainingAttendance, User
from teams.services.accounts import JUNIOR_CAPACITY, JUNIOR_DAILY_NEW_CASE_CAP  # noqa: F401 - re-exported: a hire's allocation limits

from ..choices import ApplicationStatus, BackgroundCheckStatus, HiringRole, PostingStatus, RequisitionStatus, StageKind
from ..models import Application, BackgroundCheck, JobPosting, Requisition
from ..selectors import application_accepted_offer
from . import pipeline
from .offers import candidate_id_number_require

_USERNAME_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]")


@dataclass(frozen=True)
class HireResult:
    user: User
    first_login_path: str  # /welcome/<uidb64>/<token>/ — set a password, then log in
    training: TrainingAttendance | None


def hire_username(*, application: Application, wanted: str = "") -> str:
    """``wanted`` when given (validated, must be free: ``ValidationError`` keyed ``username``);
    otherwise the ASCII part of the candidate's e-mail local part, or ``hire<application id>``,
    with a number appended until it is free."""
    if wanted and wanted.strip():
        return people.username_check(wanted)
    local = (application.candidate.email or "").split("@", 1)[0]
    base = _USERNAME_UNSAFE.sub("", local).strip("._+-").lower()[:60] or f"hire{application.pk}"
    name, n = base, 1
    while User.objects.filter(username__iexact=name).exists():
        n += 1
        name = f"{base}{n}"
    return name


def _refuse(application: Application) -> None:
    if application.status == ApplicationStatus.HIRED or application.hired_user_id:
        raise RuleViolation(_("This candidate has already been hired."), rule="already_hired")
    if application.status != ApplicationStatus.ACTIVE:
        raise RuleViolation(
            _("This application is closed (%(status)s); it cannot be hired.") % {"status": application.get_status_display()},
            rule="application_closed",
        )


@transaction.atomic
def application_hire(*, actor: User, application: Application, username: str = "") -> HireResult:
    """Mark hired: create the user (role from the posting, name and e-mail from the candidate,
    unusable password), the membership of the requisition's team from the offer's start date, for a
    collector a ``CollectorProfile`` junior + ``in_onboarding``, enrol the hire in the team's
    onboarding training (``teams.services.training_enrol_onboarding``), move the application to the
    hired stage, mark the requisition filled when its headcount is reached, e-mail the first-login
    link. Refuses (``RuleViolation``): no accepted offer (``hire_needs_accepted_offer``), background
    check not clear for a collector (``hire_needs_background_check``), already hired.

    Also refuses: a closed application (``application_closed``), a requisition already filled
    (``requisition_filled``), and with ``ValidationError`` a missing or invalid ID number
    (``id_number``, required from the offer stage) or a taken/invalid ``username``."""
    from ..tasks import hire_welcome_email_send_task

    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("candidate", "posting__requisition__team__department", "stage")
        .get(pk=application.pk)
    )
    _refuse(application)
    posting: JobPosting = application.posting
    requisition = Requisition.objects.select_for_update().get(pk=posting.requisition_id)
    team = posting.requisition.team
    offer = application_accepted_offer(application)
    if offer is None:
        raise RuleViolation(_("Hire a candidate only after they accepted an offer."), rule="hire_needs_accepted_offer")
    if posting.role == HiringRole.COLLECTOR:
        check = BackgroundCheck.objects.filter(application=application).first()
        if check is None or check.status != BackgroundCheckStatus.CLEAR:
            raise RuleViolation(
                _("A collector is hired only with a clear background check (no-criminal-record certificate and credit record; "
                  "collection guidelines). Current status: %(status)s.")
                % {"status": check.get_status_display() if check else _("not started")},
                rule="hire_needs_background_check",
            )
    if requisition.status == RequisitionStatus.FILLED:
        raise RuleViolation(
            _("The requisition's headcount (%(n)s) is already filled.") % {"n": requisition.headcount}, rule="requisition_filled",
        )
    candidate = application.candidate
    candidate_id_number_require(candidate)

    user = people.employee_onboard(
        actor=actor, username=hire_username(application=application, wanted=username), name=candidate.name, email=candidate.email,
        role=posting.role, team=team, start_on=offer.start_on,
    )
    training = people.training_enrol_onboarding(actor=actor, user=user, team=team, start_on=offer.start_on)

    hired_stage = pipeline.posting_stage(posting, StageKind.HIRED)
    pipeline.application_enter_stage(
        actor=actor, application=application, stage=hired_stage, note=_("Hired as %(user)s") % {"user": user.username}, verb="application_hired",
    )
    application.hired_user = user
    application.save(update_fields=["hired_user"])
    audit_event_record(
        actor=actor, verb="candidate_hired", target=application,
        data={"user_id": user.pk, "username": user.username, "role": user.role, "team": team.code, "offer_id": offer.pk,
              "start_on": offer.start_on.isoformat(), "collector_profile": posting.role == HiringRole.COLLECTOR, "training_attendance_id": training.pk if training else None},
    )
    _requisition_fill_if_reached(actor=actor, requisition=requisition)

    path = people.first_login_path(user)
    user_id = user.pk
    transaction.on_commit(lambda: hire_welcome_email_send_task.delay(user_id))
    return HireResult(user=user, first_login_path=path, training=training)


def _requisition_fill_if_reached(*, actor: User, requisition: Requisition) -> None:
    """Headcount reached → requisition ``filled`` and its postings ``closed`` (they take no more
    applications; active applications stay for HR to close with reason ``position_filled``)."""
    hired = Application.objects.filter(posting__requisition=requisition, status=ApplicationStatus.HIRED).count()
    if hired < requisition.headcount:
        return
    requisition.status = RequisitionStatus.FILLED
    requisition.save(update_fields=["status"])
    audit_event_record(actor=actor, verb="requisition_filled", target=requisition, data={"headcount": requisition.headcount, "hired": hired})
    for posting in JobPosting.objects.select_for_update().filter(requisition=requisition).exclude(status=PostingStatus.CLOSED):
        before = posting.status
        posting.status = PostingStatus.CLOSED
        posting.save(update_fields=["status"])
        audit_event_record(actor=actor, verb="posting_closed", target=posting, data={"before": before, "reason": "requisition_filled"})


def hire_welcome_email_send(*, user_id: int) -> bool:
    """E-mail a new hire their first-login link (``SITE_URL`` + ``first_login_path``). False when
    the user is gone, inactive, has no e-mail, or has already chosen a password (the link would
    not work any more), so running it twice after the first login sends nothing."""
    user = User.objects.filter(pk=user_id).first()
    if user is None or not user.is_active or not user.email or user.has_usable_password():
        return False
    link = settings.SITE_URL.rstrip("/") + people.first_login_path(user)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Welcome to %(company)s: set your password") % {"company": settings.COMPANY_NAME}
        body = _(
            "Dear %(name)s,\n\nwelcome aboard. Your user name is %(username)s.\n\n"
            "Open this link to choose your password and sign in for the first time:\n%(link)s\n\n"
            "The link works once and expires in %(days)s days. If it has expired, ask HR for a new one.\n\n%(company)s"
        ) % {
            "name": user.display_name, "username": user.username, "link": link,
            "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400), "company": settings.COMPANY_NAME,
        }
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    audit_event_record(actor=None, verb="first_login_link_sent", target=user, data={})  # never the link itself
    return True


__all__ = ["HireResult", "application_hire", "hire_username", "hire_welcome_email_send"]

