"""Reads for the recruitment pages (STYLE.md rule 3): every selector takes the user first and starts
from ``visible_to(user)``, so candidate data stays with HR and the interviewers of an application
(issue 3 §10) and an out-of-scope object is a 404, the same answer as a missing one."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Mapping

from django.db.models import BooleanField, Case, Count, Exists, F, OuterRef, Prefetch, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from teams.models import User

from .choices import INTERVIEWER_ROLES, ApplicationStatus, Industry, OfferStatus, StageKind
from .filters import ApplicationFilterSet, InterviewFilterSet
from .models import Application, Candidate, Interview, JobPosting, Offer, PipelineStage, Scorecard, ScreeningResult, StageChange

APPLICATION_LIST_RELATED = ("candidate", "posting", "stage")
#: Industry tags that count as collection experience (the "total collection months" figure).
COLLECTION_INDUSTRIES = (Industry.CONSUMER_LOAN_COLLECTION, Industry.CREDIT_CARD_COLLECTION, Industry.OTHER_COLLECTION)
#: Stage kinds the board shows folded at its end, with their counts (issue 3 §4).
FOLDED_STAGE_KINDS = (StageKind.REJECTED, StageKind.WITHDRAWN)
BOARD_COLUMN_LIMIT = 100   # cards drawn per open column; the rest is a link to the filtered list
BOARD_FOLDED_LIMIT = 30    # most recent cards drawn per folded column


def _as_request(request, user: User):
    """The FilterSets resolve their choices (postings, stages) through ``request.user``; called
    without a request (a task, a test), the selector's user stands in."""
    return request if request is not None else SimpleNamespace(user=user)


# --- applications -----------------------------------------------------------------------------------

def application_list(*, user: User, filters: Mapping[str, Any] | None = None, request=None) -> QuerySet[Application]:
    """Applications the user may see (HR: all; panel members: those they interview on; approvers:
    those whose offer awaits them), narrowed by :class:`ApplicationFilterSet` (invalid filter values —
    e.g. a posting out of scope — give no rows; the page shows the error on the filter form), newest first, with candidate, posting and
    stage joined (one query per page whatever its length)."""
    queryset = Application.objects.visible_to(user)
    if filters:
        filterset = ApplicationFilterSet(data=filters, queryset=queryset, request=_as_request(request, user))
        queryset = filterset.qs if filterset.is_valid() else queryset.none()
    return queryset.select_related(*APPLICATION_LIST_RELATED).order_by("-created_at", "-id")


def application_get(*, user: User, pk: int | str) -> Application:
    """One application in the user's scope; ``Http404`` when missing *or* out of scope."""
    queryset = Application.objects.visible_to(user).select_related(
        "candidate", "posting__requisition__team", "stage", "referrer", "submitted_by", "hired_user",
    )
    return get_object_or_404(queryset, pk=pk)


def candidate_get(*, user: User, pk: int | str) -> Candidate:
    """One candidate with at least one application in the user's scope; ``Http404`` otherwise."""
    return get_object_or_404(Candidate.objects.visible_to(user), pk=pk)


def application_screening_results(*, application: Application) -> list[ScreeningResult]:
    """The stored result of each screening rule on the application, in rule order."""
    return list(application.screening_results.select_related("rule").order_by("rule__position", "rule_id"))


def application_stage_history(*, application: Application) -> list[StageChange]:
    """Stage history, newest first: from → to, who, when, note."""
    return list(application.stage_changes.select_related("from_stage", "to_stage", "actor").order_by("-at", "-id"))


def stages_passed(*, application: Application, history: list[StageChange], stages: list[PipelineStage]) -> set[int]:
    """Ids of the stages the application went through before its current one (the pipeline bar's
    ✓): stages it entered, and for an open application only those before its current position."""
    entered = {change.to_stage_id for change in history} | {change.from_stage_id for change in history if change.from_stage_id}
    if application.status != ApplicationStatus.ACTIVE:
        return entered - {application.stage_id}
    current = application.stage.position
    return {s.pk for s in stages if s.pk in entered and s.position < current}


def application_interviews(*, user: User, application: Application) -> list[Interview]:
    """The application's interviews the user may see (HR: all rounds; a panel member: their own),
    in time order, with interviewers and the number of submitted scorecards."""
    return list(
        Interview.objects.visible_to(user).filter(application=application)
        .annotate(scorecards_count=Count("scorecards", distinct=True))
        .prefetch_related("interviewers").order_by("starts_at", "id")
    )


def candidate_collection_months(*, candidate: Candidate) -> int:
    """Total months of the candidate's work-history lines tagged with a collection industry."""
    return sum(line.months for line in candidate.work_history.all() if line.industry in COLLECTION_INDUSTRIES)


def posting_stages(*, posting: JobPosting) -> list[PipelineStage]:
    return list(posting.stages.order_by("position", "id"))


def movable_stages(*, application: Application, stages: list[PipelineStage] | None = None) -> list[PipelineStage]:
    """Stages an open application can be moved to by ``pipeline.application_move``: every stage of its
    posting except the current one and those only their own verb enters (``pipeline.STAGE_VERBS``:
    offer, background check, hired, rejected, withdrawn). Empty for a closed application."""
    from .services.pipeline import STAGE_VERBS

    if application.status != ApplicationStatus.ACTIVE:
        return []
    stages = stages if stages is not None else posting_stages(posting=application.posting)
    return [s for s in stages if s.kind not in STAGE_VERBS and s.pk != application.stage_id]


# --- the posting's board ----------------------------------------------------------------------------

def posting_get(*, user: User, pk: int | str) -> JobPosting:
    """A posting the user may see (HR, director: all; supervisor: department's + open; others: open)."""
    return get_object_or_404(JobPosting.objects.visible_to(user).select_related("requisition__team__department", "created_by"), pk=pk)


@dataclass
class BoardColumn:
    """One stage of the board: its cards (at most the column limit), how many applications the stage
    holds in the user's scope, and the neighbours a card moves to with ← / →."""

    stage: PipelineStage
    count: int = 0
    cards: list[Application] = field(default_factory=list)
    folded: bool = False
    previous: PipelineStage | None = None
    next: PipelineStage | None = None
    targets: list[PipelineStage] = field(default_factory=list)  # the ⋯ menu: every stage a card here can move to

    @property
    def hidden(self) -> int:
        return max(0, self.count - len(self.cards))


def board_columns(*, user: User, posting: JobPosting) -> list[BoardColumn]:
    """The posting's pipeline as Kanban columns in stage position order, rejected and withdrawn
    folded at the end. Cards are the applications the user may see; open columns list the oldest
    arrivals in the stage first (longest waiting on top), folded ones the most recently closed.
    Four queries whatever the number of applications. ← / → neighbours skip hired and the folded
    stages (moves there go through their own verbs)."""
    stages = posting_stages(posting=posting)
    scoped = Application.objects.visible_to(user).filter(posting=posting)
    counts = dict(scoped.order_by().values("stage_id").annotate(n=Count("id", distinct=True)).values_list("stage_id", "n"))
    columns = [BoardColumn(stage=s, count=counts.get(s.pk, 0), folded=s.kind in FOLDED_STAGE_KINDS) for s in stages]
    columns.sort(key=lambda c: (c.folded, c.stage.position, c.stage.pk))
    by_stage = {c.stage.pk: c for c in columns}
    open_cards = scoped.exclude(stage__kind__in=FOLDED_STAGE_KINDS).select_related("candidate").order_by("stage_entered_at", "id")
    for application in open_cards:
        application.posting = posting  # already loaded: no query per card
        column = by_stage[application.stage_id]
        if len(column.cards) < BOARD_COLUMN_LIMIT:
            column.cards.append(application)
    folded_ids = [c.stage.pk for c in columns if c.folded and c.count]
    if folded_ids:
        closed = scoped.filter(stage_id__in=folded_ids).select_related("candidate").order_by("-closed_at", "-id")[: BOARD_FOLDED_LIMIT * len(folded_ids)]
        for application in closed:
            application.posting = posting
            column = by_stage[application.stage_id]
            if len(column.cards) < BOARD_FOLDED_LIMIT:
                column.cards.append(application)
    movable = [c.stage for c in columns if not c.folded and c.stage.kind != StageKind.HIRED]
    for column in columns:
        column.targets = [s for s in movable if s.pk != column.stage.pk] if column.stage in movable else []
        if column.stage in movable:
            i = movable.index(column.stage)
            column.previous = movable[i - 1] if i > 0 else None
            column.next = movable[i + 1] if i + 1 < len(movable) else None
    return columns


# --- interviews -------------------------------------------------------------------------------------

def interview_list(*, user: User, filters: Mapping[str, Any] | None = None, request=None, now: dt.datetime | None = None) -> QuerySet[Interview]:
    """Interviews the user may see (HR: all; others: the ones they sit on), narrowed by
    :class:`InterviewFilterSet`; upcoming first (soonest on top), then past ones (latest on top).
    Annotates ``is_upcoming``, ``scorecards_count`` and ``my_scorecard`` (the user submitted theirs);
    interviewers are prefetched."""
    now = now or timezone.now()
    queryset = Interview.objects.visible_to(user)
    if filters:
        filterset = InterviewFilterSet(data=filters, queryset=queryset, request=_as_request(request, user))
        queryset = filterset.qs if filterset.is_valid() else queryset.none()
    mine = Scorecard.objects.filter(interview=OuterRef("pk"), interviewer_id=user.pk)
    return (
        queryset.select_related("application__candidate", "application__posting", "application__stage")
        .prefetch_related(Prefetch("interviewers", queryset=User.objects.order_by("name", "username")))
        .annotate(
            scorecards_count=Count("scorecards", distinct=True), my_scorecard=Exists(mine),
            is_upcoming=Case(When(starts_at__gte=now, then=Value(True)), default=Value(False), output_field=BooleanField()),
        )
        .order_by(
            Case(When(starts_at__gte=now, then=F("starts_at"))).asc(nulls_last=True),
            Case(When(starts_at__lt=now, then=F("starts_at"))).desc(nulls_last=True),
            "id",
        )
    )


def interview_get(*, user: User, pk: int | str) -> Interview:
    """One interview the user may see (HR: any; others: one they sit on); ``Http404`` otherwise."""
    queryset = Interview.objects.visible_to(user).select_related(
        "application__candidate", "application__posting", "application__stage", "scheduled_by",
    ).prefetch_related("interviewers")
    return get_object_or_404(queryset, pk=pk)


def interviewer_choices() -> QuerySet[User]:
    """Active users whose role may sit on an interview panel (``INTERVIEWER_ROLES``)."""
    return User.objects.filter(is_active=True, role__in=INTERVIEWER_ROLES).order_by("role", "name", "username")


def application_accepted_offer(application: Application) -> Offer | None:
    """The offer the candidate accepted (the latest, should there be several), or ``None``."""
    return application.offers.filter(status=OfferStatus.ACCEPTED).order_by("-decided_at", "-id").first()
