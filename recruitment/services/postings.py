"""Requisitions, job postings and their pipeline stages (issue 3 §1, §4).

A requisition (team, role, headcount, reason) is approved by a supervisor of the team's department
or a director, never by whoever requested it. A posting comes from an approved requisition, gets
the default pipeline and the role's default screening rules, and is checked for discriminatory
wording on every save (the publisher is warned; publishing is not blocked)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from common.audit import audit_event_record
from common.dates import local_today
from common.errors import RuleViolation
from teams.choices import Role
from teams.models import Team, User

from ..choices import TERMINAL_STAGE_KINDS, HiringRole, PostingStatus, RequisitionStatus, StageKind
from ..defaults import DEFAULT_STAGES
from ..models import JobPosting, PipelineStage, Requisition, StageChange
from ..wording import discriminatory_phrases

# Which status a posting may go to from which (closed is final).
POSTING_TRANSITIONS = {
    PostingStatus.DRAFT: {PostingStatus.OPEN, PostingStatus.CLOSED},
    PostingStatus.OPEN: {PostingStatus.PAUSED, PostingStatus.CLOSED},
    PostingStatus.PAUSED: {PostingStatus.OPEN, PostingStatus.CLOSED},
    PostingStatus.CLOSED: set(),
}
POSTING_STATUS_VERBS = {
    PostingStatus.OPEN: "posting_published",
    PostingStatus.PAUSED: "posting_paused",
    PostingStatus.CLOSED: "posting_closed",
}
# Fields ``posting_update`` may change.
POSTING_EDITABLE_FIELDS = ("title", "responsibilities", "requirements", "location", "salary_min", "salary_max", "closes_on")
_WORDING_FIELDS = ("title", "responsibilities", "requirements")


# --- Requisitions -----------------------------------------------------------------------------


@transaction.atomic
def requisition_create(*, actor: User, team: Team, role: str, headcount: int, reason: str) -> Requisition:
    """Create a pending requisition. Raises ``ValidationError`` (headcount < 1, role not a hiring
    role, empty reason)."""
    errors: dict[str, str] = {}
    if role not in HiringRole.values:
        errors["role"] = _("Role must be one the department hires for (collector, team lead, supervisor).")
    if not isinstance(headcount, int) or headcount < 1:
        errors["headcount"] = _("Headcount must be at least 1.")
    if not (reason or "").strip():
        errors["reason"] = _("Give the reason for the requisition.")
    if errors:
        raise ValidationError(errors)
    requisition = Requisition(team=team, role=role, headcount=headcount, reason=reason.strip(), requested_by=actor)
    requisition.full_clean()
    requisition.save()
    audit_event_record(actor=actor, verb="requisition_created", target=requisition, data={"team": team.code, "role": role, "headcount": headcount})
    return requisition


def requisition_can_decide(user: User, requisition: Requisition) -> bool:
    """A director, or a supervisor of the requisition team's department (not the requester: see
    ``requisition_decide``)."""
    if user.role == Role.DIRECTOR:
        return True
    return user.role == Role.SUPERVISOR and user.department_id is not None and user.department_id == requisition.team.department_id


@transaction.atomic
def requisition_decide(*, actor: User, requisition: Requisition, approve: bool, note: str = "") -> Requisition:
    """Approve or reject a pending requisition. Only a supervisor of the team's department or a
    director; never the requester. Raises ``RuleViolation`` (rule ``requisition_approver`` /
    ``requisition_not_pending`` / ``four_eyes``)."""
    locked = Requisition.objects.select_for_update().select_related("team").get(pk=requisition.pk)
    if locked.status != RequisitionStatus.PENDING:
        raise RuleViolation(
            _("This requisition is already decided (%(status)s).") % {"status": locked.get_status_display()}, rule="requisition_not_pending",
        )
    if not requisition_can_decide(actor, locked):
        raise RuleViolation(
            _("Only a supervisor of the team's department or a director may decide a requisition."), rule="requisition_approver",
        )
    if locked.requested_by_id is not None and locked.requested_by_id == actor.pk:
        raise RuleViolation(_("You requested this requisition; someone else must decide it (four-eyes rule)."), rule="four_eyes")
    locked.status = RequisitionStatus.APPROVED if approve else RequisitionStatus.REJECTED
    locked.decided_by, locked.decided_at, locked.decision_note = actor, timezone.now(), note.strip()
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_event_record(
        actor=actor, verb="requisition_approved" if approve else "requisition_rejected", target=locked, data={"note": locked.decision_note},
    )
    for name in ("status", "decided_by", "decided_by_id", "decided_at", "decision_note"):
        setattr(requisition, name, getattr(locked, name))
    return requisition


# --- Postings -------------------------------------------------------------------------------


def _posting_validate(posting: JobPosting, *, check_closes_on: bool) -> None:
    errors: dict[str, str] = {}
    for name in ("title", "responsibilities", "requirements", "location"):
        setattr(posting, name, (getattr(posting, name) or "").strip())
    if posting.salary_min is not None and posting.salary_min <= 0:
        errors["salary_min"] = _("The monthly salary from must be more than ¥0.")
    if posting.salary_min is not None and posting.salary_max is not None and posting.salary_max < posting.salary_min:
        errors["salary_max"] = _("The monthly salary to (¥%(max)s) is below the salary from (¥%(min)s).") % {
            "max": posting.salary_max, "min": posting.salary_min,
        }
    if check_closes_on and posting.closes_on is not None and posting.closes_on < local_today():
        errors["closes_on"] = _("The closing date %(date)s is in the past.") % {"date": posting.closes_on.isoformat()}
    try:
        posting.full_clean(exclude=list(errors))
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, messages)
    if errors:
        raise ValidationError(errors)


def posting_wording_warnings(posting: JobPosting) -> list[dict]:
    """The discriminatory phrases in the posting's title, responsibilities and requirements, each
    with the field it was found in."""
    warnings = []
    for name in _WORDING_FIELDS:
        for found in discriminatory_phrases(getattr(posting, name)):
            warnings.append({**found, "field": name})
    return warnings


@transaction.atomic
def posting_create(
    *, actor: User, requisition: Requisition, title: str, responsibilities: str, requirements: str, location: str,
    salary_min: Decimal, salary_max: Decimal, closes_on: dt.date | None = None,
) -> JobPosting:
    """Create a draft posting (role from the requisition), install the default pipeline stages and
    the default screening rules for the role, and store ``wording_warnings`` found by
    ``recruitment.wording.discriminatory_phrases``. Raises ``ValidationError`` (salary range) or
    ``RuleViolation`` (requisition not approved: rule ``requisition_not_approved``)."""
    from .screening import screening_rules_install_defaults

    requisition = Requisition.objects.select_for_update().get(pk=requisition.pk)
    if requisition.status != RequisitionStatus.APPROVED:
        raise RuleViolation(
            _("A posting needs an approved requisition (this one is: %(status)s).") % {"status": requisition.get_status_display()},
            rule="requisition_not_approved",
        )
    posting = JobPosting(
        requisition=requisition, role=requisition.role, title=title, responsibilities=responsibilities, requirements=requirements,
        location=location, salary_min=salary_min, salary_max=salary_max, closes_on=closes_on, status=PostingStatus.DRAFT, created_by=actor,
    )
    _posting_validate(posting, check_closes_on=True)
    posting.wording_warnings = posting_wording_warnings(posting)
    posting.save()
    pipeline_stages_install_default(posting=posting)
    screening_rules_install_defaults(posting=posting)
    audit_event_record(
        actor=actor, verb="posting_created", target=posting,
        data={"requisition": requisition.pk, "wording_warnings": [w["phrase"] for w in posting.wording_warnings]},
    )
    return posting


@transaction.atomic
def posting_update(*, actor: User, posting: JobPosting, **fields) -> JobPosting:
    """Edit text, location, salary range or closing date; re-runs the wording check. Raises
    ``ValidationError`` (an unknown or non-editable field, salary range, closing date in the past)
    or ``RuleViolation`` (``posting_closed``: a closed posting is final)."""
    unknown = sorted(set(fields) - set(POSTING_EDITABLE_FIELDS))
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    locked = JobPosting.objects.select_for_update().get(pk=posting.pk)
    if locked.status == PostingStatus.CLOSED:
        raise RuleViolation(_("This posting is closed; a closed posting cannot be edited."), rule="posting_closed")
    changed = [name for name, value in fields.items() if getattr(locked, name) != value]
    for name in changed:
        setattr(locked, name, fields[name])
    _posting_validate(locked, check_closes_on="closes_on" in changed)
    locked.wording_warnings = posting_wording_warnings(locked)
    locked.save(update_fields=[*changed, "wording_warnings"])
    audit_event_record(
        actor=actor, verb="posting_updated", target=locked,
        data={"fields": changed, "wording_warnings": [w["phrase"] for w in locked.wording_warnings]},
    )
    for name in (*POSTING_EDITABLE_FIELDS, "wording_warnings"):
        setattr(posting, name, getattr(locked, name))
    return posting


@transaction.atomic
def posting_set_status(*, actor: User, posting: JobPosting, status: str) -> JobPosting:
    """draft → open (publish: sets ``published_at``), open ↔ paused, any → closed. Opening needs an
    approved requisition. Raises ``RuleViolation`` (rule ``posting_status_transition``;
    ``requisition_not_approved`` when opening on a requisition that is no longer approved, e.g.
    filled) or ``ValidationError`` (``closes_on``: opening a posting whose closing date passed)."""
    locked = JobPosting.objects.select_for_update().select_related("requisition").get(pk=posting.pk)
    if status not in POSTING_TRANSITIONS.get(locked.status, set()):
        raise RuleViolation(
            _("A posting cannot go from %(from)s to %(to)s.") % {
                "from": locked.get_status_display(), "to": PostingStatus(status).label if status in PostingStatus.values else status,
            },
            rule="posting_status_transition",
        )
    fields = ["status"]
    if status == PostingStatus.OPEN:
        if locked.requisition.status != RequisitionStatus.APPROVED:
            raise RuleViolation(
                _("A posting opens only on an approved requisition (this one is: %(status)s).") % {
                    "status": locked.requisition.get_status_display(),
                },
                rule="requisition_not_approved",
            )
        if locked.closes_on is not None and locked.closes_on < local_today():
            raise ValidationError({"closes_on": _("The closing date %(date)s has passed; change it before opening.") % {"date": locked.closes_on.isoformat()}})
        if locked.published_at is None:
            locked.published_at = timezone.now()
            fields.append("published_at")
    verb = "posting_reopened" if status == PostingStatus.OPEN and locked.status == PostingStatus.PAUSED else POSTING_STATUS_VERBS[status]
    previous = locked.status
    locked.status = status
    locked.save(update_fields=fields)
    audit_event_record(actor=actor, verb=verb, target=locked, data={"from": previous, "to": status})
    posting.status, posting.published_at = locked.status, locked.published_at
    return posting


# --- Pipeline stages --------------------------------------------------------------------------


@transaction.atomic
def pipeline_stages_install_default(*, posting: JobPosting) -> list[PipelineStage]:
    """applied → screening → interview → offer → background check → hired, then rejected, withdrawn.
    Idempotent: a posting that already has stages keeps them."""
    existing = list(posting.stages.order_by("position", "id"))
    if existing:
        return existing
    return PipelineStage.objects.bulk_create(
        [PipelineStage(posting=posting, name=name, kind=kind, position=index) for index, (name, kind) in enumerate(DEFAULT_STAGES)]
    )


def _stage_name_clean(posting: JobPosting, name: str, *, exclude: PipelineStage | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the stage a name.")})
    others = posting.stages.filter(name=name)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if others.exists():
        raise ValidationError({"name": _("This posting already has a stage named “%(name)s”.") % {"name": name}})
    return name


@transaction.atomic
def pipeline_stage_add(*, actor: User, posting: JobPosting, name: str, after: PipelineStage) -> PipelineStage:
    """Insert a custom stage after ``after`` (before hired/rejected/withdrawn). Raises
    ``ValidationError`` (``name`` empty or taken) or ``RuleViolation`` (``stage_of_other_posting``,
    ``stage_after_terminal``: nothing goes after hired/rejected/withdrawn, ``posting_closed``)."""
    posting = JobPosting.objects.select_for_update().get(pk=posting.pk)
    if posting.status == PostingStatus.CLOSED:
        raise RuleViolation(_("This posting is closed; its pipeline cannot change."), rule="posting_closed")
    if after.posting_id != posting.pk:
        raise RuleViolation(_("That stage belongs to another posting."), rule="stage_of_other_posting")
    if after.kind in TERMINAL_STAGE_KINDS:
        raise RuleViolation(_("Custom stages go before hired, rejected and withdrawn."), rule="stage_after_terminal")
    name = _stage_name_clean(posting, name)
    after = PipelineStage.objects.get(pk=after.pk)
    posting.stages.filter(position__gt=after.position).update(position=F("position") + 1)
    stage = PipelineStage(posting=posting, name=name, kind=StageKind.CUSTOM, position=after.position + 1)
    stage.full_clean()
    stage.save()
    audit_event_record(actor=actor, verb="pipeline_stage_added", target=posting, data={"stage": stage.pk, "name": name, "after": after.name})
    return stage


@transaction.atomic
def pipeline_stage_rename(*, actor: User, stage: PipelineStage, name: str) -> PipelineStage:
    """Rename a stage (any kind: the kind, not the name, carries the meaning). Raises
    ``ValidationError`` (``name`` empty or taken in the posting)."""
    stage = PipelineStage.objects.select_for_update().select_related("posting").get(pk=stage.pk)
    previous = stage.name
    stage.name = _stage_name_clean(stage.posting, name, exclude=stage)
    stage.full_clean()
    stage.save(update_fields=["name"])
    audit_event_record(actor=actor, verb="pipeline_stage_renamed", target=stage.posting, data={"stage": stage.pk, "from": previous, "to": stage.name})
    return stage


@transaction.atomic
def pipeline_stage_remove(*, actor: User, stage: PipelineStage) -> None:
    """Remove a custom stage that holds no application. Raises ``RuleViolation``
    (``stage_in_use`` / ``stage_required``: built-in kinds cannot be removed). A stage that
    applications passed through is kept too (``stage_in_use``): the stage history refers to it."""
    stage = PipelineStage.objects.select_for_update().select_related("posting").get(pk=stage.pk)
    if stage.kind != StageKind.CUSTOM:
        raise RuleViolation(
            _("“%(name)s” is a built-in %(kind)s stage; only custom stages can be removed.") % {"name": stage.name, "kind": stage.get_kind_display()},
            rule="stage_required",
        )
    if stage.applications.exists():
        raise RuleViolation(_("“%(name)s” still holds applications; move them first.") % {"name": stage.name}, rule="stage_in_use")
    if StageChange.objects.filter(to_stage=stage).exists() or StageChange.objects.filter(from_stage=stage).exists():
        raise RuleViolation(
            _("Applications have passed through “%(name)s”; it stays for their stage history.") % {"name": stage.name}, rule="stage_in_use",
        )
    posting, name, pk = stage.posting, stage.name, stage.pk
    stage.delete()
    audit_event_record(actor=actor, verb="pipeline_stage_removed", target=posting, data={"stage": pk, "name": name})
