"""Recruitment: requisitions, postings, candidates and applications, screening, the pipeline,
interviews and scorecards, offers and background checks (issue 3; anchors: Frappe HR, Odoo
recruitment, Greenhouse structured hiring, Horilla).

Candidate data follows PIPL (DOMAIN.md "Candidate data"): consent version and time on every
application, a separate consent for background checks, no fields for marital status, children,
pregnancy, hepatitis B, ethnicity or religion, and no gender field at all (so it can never be a
screening filter). Money is CNY ``Decimal``, monthly gross wage.
"""
from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from common.storage import PrivateStorage

from .choices import (
    ApplicationSource, ApplicationStatus, BackgroundCheckStatus, CheckResult, EducationLevel, HiringRole, Industry,
    InterviewStatus, MandarinLevel, OfferStatus, PostingStatus, ProposalParty, Recommendation, RefuseReason,
    RequisitionStatus, ScreeningAction, ScreeningRuleKind, StageKind, StudyMode,
)
from .querysets import ApplicationQuerySet, CandidateQuerySet, InterviewQuerySet, JobPostingQuerySet, OfferQuerySet, RequisitionQuerySet


private_storage = PrivateStorage()  # resumes: outside MEDIA_ROOT, served only by a scoped, audited view


class Requisition(models.Model):
    """A request to hire ``headcount`` people of ``role`` into ``team``; approved by a supervisor
    (of the team's department) or a director before a posting can open."""

    team = models.ForeignKey("teams.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="requisitions")
    role = models.CharField(_("role"), max_length=32, choices=HiringRole.choices)
    headcount = models.PositiveSmallIntegerField(_("headcount"))
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=16, choices=RequisitionStatus.choices, default=RequisitionStatus.PENDING)
    requested_by = models.ForeignKey("teams.User", verbose_name=_("requested by"), null=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey("teams.User", verbose_name=_("decided by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RequisitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("requisition")
        verbose_name_plural = _("requisitions")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(headcount__gte=1), name="requisition_headcount_positive")]

    def __str__(self) -> str:
        return f"{self.team} · {self.get_role_display()} × {self.headcount}"


class JobPosting(models.Model):
    """A job posting (招聘岗位) from an approved requisition. Only ``open`` postings appear on
    /careers/ and take applications. ``wording_warnings`` holds the discriminatory phrases the
    last save found (the publisher is warned; HR decides)."""

    requisition = models.ForeignKey(Requisition, verbose_name=_("requisition"), on_delete=models.PROTECT, related_name="postings")
    title = models.CharField(_("title"), max_length=200)
    role = models.CharField(_("role"), max_length=32, choices=HiringRole.choices)
    responsibilities = models.TextField(_("responsibilities"))
    requirements = models.TextField(_("requirements"))
    location = models.CharField(_("location"), max_length=200)
    salary_min = models.DecimalField(_("monthly salary from (CNY)"), max_digits=10, decimal_places=2)
    salary_max = models.DecimalField(_("monthly salary to (CNY)"), max_digits=10, decimal_places=2)
    status = models.CharField(_("status"), max_length=16, choices=PostingStatus.choices, default=PostingStatus.DRAFT)
    wording_warnings = models.JSONField(_("wording warnings"), default=list, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    created_by = models.ForeignKey("teams.User", verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = JobPostingQuerySet.as_manager()

    class Meta:
        verbose_name = _("job posting")
        verbose_name_plural = _("job postings")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(salary_min__gt=0) & Q(salary_max__gte=F("salary_min")), name="posting_salary_range_valid"),
        ]
        indexes = [models.Index(fields=["status", "-published_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def team(self):
        return self.requisition.team


class PipelineStage(models.Model):
    """One stage of a posting's pipeline; ``kind`` gives it meaning (hire happens at ``hired``)."""

    posting = models.ForeignKey(JobPosting, verbose_name=_("job posting"), on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=StageKind.choices)
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        verbose_name = _("pipeline stage")
        verbose_name_plural = _("pipeline stages")
        ordering = ["posting", "position", "id"]

    def __str__(self) -> str:
        return self.name


class CandidateEmailTemplate(models.Model):
    """E-mail sent to a candidate on entering a stage of this kind (editable by HR). Subject and
    body are Django templates with ``candidate_name``, ``posting_title``, ``stage_name``,
    ``company_name`` and, for interviews, ``interview``. Inactive = nothing is sent."""

    stage_kind = models.CharField(_("stage kind"), max_length=20, choices=StageKind.choices, unique=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("candidate e-mail template")
        verbose_name_plural = _("candidate e-mail templates")
        ordering = ["stage_kind"]

    def __str__(self) -> str:
        return self.get_stage_kind_display()


class Candidate(models.Model):
    """A person who applied. ``mobile`` is E.164 (+86…), ``id_number`` the validated 18-character
    mainland ID (optional until offer). ``anonymised_at`` set = personal fields were erased by the
    retention task or on request; the row stays so funnel counts keep adding up."""

    name = models.CharField(_("name"), max_length=100)
    mobile = models.CharField(_("mobile"), max_length=20, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True, db_index=True)
    education_level = models.PositiveSmallIntegerField(_("education"), choices=EducationLevel.choices)
    study_mode = models.CharField(_("study mode"), max_length=16, choices=StudyMode.choices)
    mandarin_level = models.PositiveSmallIntegerField(_("Mandarin certificate"), choices=MandarinLevel.choices, default=MandarinLevel.NONE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class WorkHistoryLine(models.Model):
    candidate = models.ForeignKey(Candidate, verbose_name=_("candidate"), on_delete=models.CASCADE, related_name="work_history")
    employer = models.CharField(_("employer"), max_length=200)
    job_title = models.CharField(_("job title"), max_length=100)
    industry = models.CharField(_("industry"), max_length=32, choices=Industry.choices)
    months = models.PositiveSmallIntegerField(_("months"))

    class Meta:
        verbose_name = _("work history line")
        verbose_name_plural = _("work history")
        ordering = ["candidate", "id"]
        constraints = [models.CheckConstraint(condition=Q(months__gte=1) & Q(months__lte=600), name="work_history_months_range")]

    def __str__(self) -> str:
        return f"{self.employer} ({self.months})"


class Application(models.Model):
    """One candidate's application to one posting (应聘). ``stage`` is the current pipeline stage;
    ``status`` follows the stage kind (hired / rejected / withdrawn, else active). Consent to the
    PIPL notice is recorded with its version and time; the resume is stored privately."""

    candidate = models.ForeignKey(Candidate, verbose_name=_("candidate"), on_delete=models.CASCADE, related_name="applications")
    posting = models.ForeignKey(JobPosting, verbose_name=_("job posting"), on_delete=models.PROTECT, related_name="applications")
    stage = models.ForeignKey(PipelineStage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(_("status"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.ACTIVE)
    source = models.CharField(_("source"), max_length=16, choices=ApplicationSource.choices)
    source_detail = models.CharField(_("source detail"), max_length=200, blank=True, help_text=_("Job board name or referrer"))
    referrer = models.ForeignKey("teams.User", verbose_name=_("referred by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    submitted_by = models.ForeignKey("teams.User", verbose_name=_("entered by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    cover_note = models.TextField(_("cover note"), blank=True)
    resume = models.FileField(_("resume"), storage=private_storage, upload_to="resumes/%Y/%m/", blank=True)
    resume_name = models.CharField(_("resume file name"), max_length=200, blank=True)
    resume_type = models.CharField(_("resume type"), max_length=16, blank=True)
    consent_version = models.CharField(_("privacy notice version"), max_length=20)
    consent_at = models.DateTimeField(_("consented at"))
    screening_score = models.IntegerField(_("screening score"), default=0)
    screening_tags = models.JSONField(_("screening tags"), default=list, blank=True)
    screening_flagged = models.BooleanField(_("flagged by screening"), default=False)
    refuse_reason = models.CharField(_("refuse reason"), max_length=32, choices=RefuseReason.choices, blank=True)
    refuse_note = models.TextField(_("refuse note"), blank=True)
    stage_entered_at = models.DateTimeField(_("in stage since"))
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    hired_user = models.OneToOneField("teams.User", verbose_name=_("hired as"), null=True, blank=True, on_delete=models.SET_NULL, related_name="hired_from_application")

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["candidate", "posting"], name="one_application_per_candidate_posting")]
        indexes = [models.Index(fields=["posting", "status"]), models.Index(fields=["status", "closed_at"])]

    def __str__(self) -> str:
        return f"{self.candidate} → {self.posting}"


class StageChange(models.Model):
    """Stage history: who moved the application from which stage to which, when and why."""

    application = models.ForeignKey(Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.ForeignKey(PipelineStage, verbose_name=_("from stage"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_stage = models.ForeignKey(PipelineStage, verbose_name=_("to stage"), on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey("teams.User", verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["application", "at", "id"]

    def __str__(self) -> str:
        return f"{self.from_stage} → {self.to_stage}"


class ScreeningRule(models.Model):
    """A screening rule of a posting, evaluated on every application (issue 3 §3).

    - ``education_min``: candidate education ≥ ``education_level``;
    - ``experience_months``: total months of work-history lines tagged with one of ``industries``
      ≥ ``months``;
    - ``mandarin_min``: Mandarin certificate ≥ ``mandarin_level``.
    A failed rule flags the application (``flag``), adds ``tag`` (``tag``) or gives no points
    (``score``: a passed rule adds ``points``). ``auto_reject`` rejects on failure, only where HR
    turned it on for that rule."""

    posting = models.ForeignKey(JobPosting, verbose_name=_("job posting"), on_delete=models.CASCADE, related_name="screening_rules")
    kind = models.CharField(_("rule"), max_length=24, choices=ScreeningRuleKind.choices)
    education_level = models.PositiveSmallIntegerField(_("education at least"), choices=EducationLevel.choices, null=True, blank=True)
    industries = models.JSONField(_("industries"), default=list, blank=True)
    months = models.PositiveSmallIntegerField(_("months at least"), null=True, blank=True)
    mandarin_level = models.PositiveSmallIntegerField(_("Mandarin at least"), choices=MandarinLevel.choices, null=True, blank=True)
    action = models.CharField(_("action"), max_length=8, choices=ScreeningAction.choices, default=ScreeningAction.FLAG)
    tag = models.CharField(_("tag"), max_length=50, blank=True)
    points = models.SmallIntegerField(_("points"), default=0)
    auto_reject = models.BooleanField(_("reject automatically on failure"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("screening rule")
        verbose_name_plural = _("screening rules")
        ordering = ["posting", "position", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()


class ScreeningResult(models.Model):
    """The outcome of one rule on one application; ``detail`` holds the figures compared
    (``{"required": …, "actual": …}``) so the reason can be shown in either language."""

    application = models.ForeignKey(Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="screening_results")
    rule = models.ForeignKey(ScreeningRule, verbose_name=_("screening rule"), on_delete=models.CASCADE, related_name="results")
    passed = models.BooleanField(_("passed"))
    detail = models.JSONField(_("detail"), default=dict)
    evaluated_at = models.DateTimeField(_("evaluated at"), auto_now=True)

    class Meta:
        verbose_name = _("screening result")
        verbose_name_plural = _("screening results")
        ordering = ["application", "rule__position", "rule_id"]
        constraints = [models.UniqueConstraint(fields=["application", "rule"], name="one_result_per_application_rule")]

    def __str__(self) -> str:
        return f"{self.rule}: {'✓' if self.passed else '✗'}"


class Interview(models.Model):
    """One interview round. Interviewers come from ``INTERVIEWER_ROLES``; an interviewer cannot
    be booked into two overlapping interviews (service check); reminders go out by Celery."""

    application = models.ForeignKey(Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="interviews")
    round_name = models.CharField(_("round"), max_length=100)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    location = models.CharField(_("place"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    interviewers = models.ManyToManyField("teams.User", verbose_name=_("interviewers"), related_name="interviews")
    status = models.CharField(_("status"), max_length=16, choices=InterviewStatus.choices, default=InterviewStatus.SCHEDULED)
    scheduled_by = models.ForeignKey("teams.User", verbose_name=_("scheduled by"), null=True, on_delete=models.SET_NULL, related_name="+")
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = InterviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["starts_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="interview_ends_after_start")]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.round_name} · {self.application}"


class Scorecard(models.Model):
    """One interviewer's feedback on one interview: ``ratings`` maps each attribute of the posting's
    role (``choices.SCORECARD_ATTRIBUTES``) to 1–4 (no neutral), plus an overall recommendation.
    Others' scorecards are hidden from an interviewer until they have submitted their own."""

    interview = models.ForeignKey(Interview, verbose_name=_("interview"), on_delete=models.CASCADE, related_name="scorecards")
    interviewer = models.ForeignKey("teams.User", verbose_name=_("interviewer"), on_delete=models.PROTECT, related_name="scorecards")
    ratings = models.JSONField(_("ratings"))
    recommendation = models.PositiveSmallIntegerField(_("overall recommendation"), choices=Recommendation.choices)
    notes = models.TextField(_("notes"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        ordering = ["interview", "submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["interview", "interviewer"], name="one_scorecard_per_interviewer"),
            models.CheckConstraint(condition=Q(recommendation__gte=1) & Q(recommendation__lte=4), name="scorecard_recommendation_1_to_4"),
        ]

    def __str__(self) -> str:
        return f"{self.interviewer} · {self.interview}"


class Offer(models.Model):
    """An offer (录用). ``monthly_wage`` is the currently proposed monthly gross wage in CNY; the
    negotiation lives in ``proposals``. Contract term and probation follow the Labour Contract Law
    art. 19–20 (service check); outside the posting's salary range a supervisor must approve."""

    application = models.ForeignKey(Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="offers")
    status = models.CharField(_("status"), max_length=20, choices=OfferStatus.choices, default=OfferStatus.DRAFT)
    monthly_wage = models.DecimalField(_("monthly wage (CNY)"), max_digits=10, decimal_places=2)
    contract_months = models.PositiveSmallIntegerField(_("contract term (months)"), null=True, blank=True, help_text=_("Empty = open-ended contract"))
    probation_months = models.PositiveSmallIntegerField(_("probation (months)"), default=0)
    probation_wage = models.DecimalField(_("probation monthly wage (CNY)"), max_digits=10, decimal_places=2, null=True, blank=True)
    start_on = models.DateField(_("start date"))
    expires_on = models.DateField(_("answer by"))
    needs_approval = models.BooleanField(_("needs supervisor approval"), default=False)
    approved_by = models.ForeignKey("teams.User", verbose_name=_("approved by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_by = models.ForeignKey("teams.User", verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(monthly_wage__gt=0), name="offer_wage_positive"),
            models.UniqueConstraint(
                fields=["application"], condition=Q(status__in=["draft", "pending_approval", "sent"]), name="one_open_offer_per_application",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} · ¥{self.monthly_wage}"


class OfferProposal(models.Model):
    """One step of the salary negotiation: who proposed which monthly wage (CNY), and why."""

    offer = models.ForeignKey(Offer, verbose_name=_("offer"), on_delete=models.CASCADE, related_name="proposals")
    party = models.CharField(_("proposed by"), max_length=16, choices=ProposalParty.choices)
    monthly_wage = models.DecimalField(_("monthly wage (CNY)"), max_digits=10, decimal_places=2)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey("teams.User", verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("offer proposal")
        verbose_name_plural = _("offer proposals")
        ordering = ["offer", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_party_display()} ¥{self.monthly_wage}"


class BackgroundCheck(models.Model):
    """Background check with its own consent (DOMAIN.md; collection guidelines require a
    no-criminal-record certificate and a credit record for collectors). Nothing is checked before
    ``consent_at`` is recorded."""

    application = models.OneToOneField(Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="background_check")
    status = models.CharField(_("status"), max_length=20, choices=BackgroundCheckStatus.choices, default=BackgroundCheckStatus.AWAITING_CONSENT)
    consent_version = models.CharField(_("consent version"), max_length=20, blank=True)
    consent_at = models.DateTimeField(_("consented at"), null=True, blank=True)
    criminal_record = models.CharField(_("no-criminal-record certificate"), max_length=16, choices=CheckResult.choices, default=CheckResult.PENDING)
    credit_record = models.CharField(_("credit record"), max_length=16, choices=CheckResult.choices, default=CheckResult.PENDING)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey("teams.User", verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("background check")
        verbose_name_plural = _("background checks")

    def __str__(self) -> str:
        return f"{self.application} · {self.get_status_display()}"
