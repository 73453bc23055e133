"""Choices for recruitment (issue 3; DOMAIN.md "Candidate data (PIPL)")."""
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from teams.choices import Role

# Roles the department hires for, and the roles that may sit on an interview panel (collectors never
# reach candidate data, so they are never interviewers).
HIRING_ROLES = (Role.COLLECTOR, Role.TEAM_LEAD, Role.SUPERVISOR)
INTERVIEWER_ROLES = frozenset({Role.HR_RECRUITER, Role.TEAM_LEAD, Role.SUPERVISOR, Role.DIRECTOR})


class HiringRole(models.TextChoices):
    COLLECTOR = Role.COLLECTOR.value, _("Collector")
    TEAM_LEAD = Role.TEAM_LEAD.value, _("Team lead")
    SUPERVISOR = Role.SUPERVISOR.value, _("Supervisor")


class RequisitionStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", pgettext_lazy("requisition status", "Rejected")
    FILLED = "filled", _("Filled")
    CANCELLED = "cancelled", _("Cancelled")


class PostingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", pgettext_lazy("posting status", "Open")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", pgettext_lazy("posting status", "Closed")


class EducationLevel(models.IntegerChoices):
    """Ordered scale (issue 3 §2): 初中及以下 < 高中 < 中专 < 大专 < 本科 < 硕士 < 博士."""

    JUNIOR_HIGH_OR_BELOW = 1, _("Junior high school or below")
    HIGH_SCHOOL = 2, _("Senior high school")
    SECONDARY_VOCATIONAL = 3, _("Secondary vocational school")
    JUNIOR_COLLEGE = 4, _("Junior college (dazhuan)")
    BACHELOR = 5, _("Bachelor's degree")
    MASTER = 6, _("Master's degree")
    DOCTORATE = 7, _("Doctorate")


class StudyMode(models.TextChoices):
    FULL_TIME = "full_time", _("Full-time")
    PART_TIME = "part_time", _("Part-time (evening / correspondence)")
    SELF_STUDY = "self_study", _("Self-study examination")
    ONLINE = "online", _("Online education")


class MandarinLevel(models.IntegerChoices):
    """普通话水平测试 grades, ordered; 0 = no certificate (the field is optional)."""

    NONE = 0, _("No certificate")
    LEVEL_3B = 1, _("Level 3-B")
    LEVEL_3A = 2, _("Level 3-A")
    LEVEL_2B = 3, _("Level 2-B")
    LEVEL_2A = 4, _("Level 2-A")
    LEVEL_1B = 5, _("Level 1-B")
    LEVEL_1A = 6, _("Level 1-A")


class Industry(models.TextChoices):
    """Industry tag of a work-history line (issue 3 §2)."""

    CONSUMER_LOAN_COLLECTION = "consumer_loan_collection", _("Consumer-loan collection")
    CREDIT_CARD_COLLECTION = "credit_card_collection", _("Credit-card collection")
    OTHER_COLLECTION = "other_collection", _("Other collection")
    CALL_CENTRE = "call_centre", _("Call centre")
    OTHER = "other", _("Other")


class ApplicationSource(models.TextChoices):
    CAREERS_PAGE = "careers_page", _("Careers page")
    REFERRAL = "referral", _("Referral")
    JOB_BOARD = "job_board", _("Job board")
    WALK_IN = "walk_in", _("Walk-in")


class StageKind(models.TextChoices):
    """What a pipeline stage means; the default template is applied → screening → interview →
    offer → background check → hired, plus rejected / withdrawn (issue 3 §4)."""

    APPLIED = "applied", pgettext_lazy("stage kind", "Applied")
    SCREENING = "screening", pgettext_lazy("stage kind", "Screening")
    INTERVIEW = "interview", pgettext_lazy("stage kind", "Interview")
    OFFER = "offer", pgettext_lazy("stage kind", "Offer")
    BACKGROUND_CHECK = "background_check", pgettext_lazy("stage kind", "Background check")
    HIRED = "hired", pgettext_lazy("stage kind", "Hired")
    REJECTED = "rejected", pgettext_lazy("stage kind", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("stage kind", "Withdrawn")
    CUSTOM = "custom", pgettext_lazy("stage kind", "Custom")


TERMINAL_STAGE_KINDS = frozenset({StageKind.HIRED, StageKind.REJECTED, StageKind.WITHDRAWN})


class ApplicationStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    HIRED = "hired", _("Hired")
    REJECTED = "rejected", pgettext_lazy("application", "Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class RefuseReason(models.TextChoices):
    """Why an application was rejected (Odoo's refuse reasons)."""

    REQUIREMENTS_NOT_MET = "requirements_not_met", _("Does not meet the requirements")
    SCREENING_RULE = "screening_rule", _("Refused by a screening rule")
    INTERVIEW = "interview", _("Not successful at interview")
    OFFER_DECLINED = "offer_declined", _("Declined our offer")
    BACKGROUND_CHECK = "background_check", _("Background check")
    POSITION_FILLED = "position_filled", _("Position filled")
    NO_RESPONSE = "no_response", _("Candidate did not respond")
    DUPLICATE = "duplicate", _("Duplicate application")
    OTHER = "other", _("Other")


class ScreeningRuleKind(models.TextChoices):
    EDUCATION_MIN = "education_min", _("Education at least")
    EXPERIENCE_MONTHS = "experience_months", _("Experience in industries (months)")
    MANDARIN_MIN = "mandarin_min", _("Mandarin level at least")


class ScreeningAction(models.TextChoices):
    """What a failed rule does (a passed score rule adds its points)."""

    FLAG = "flag", _("Flag")
    TAG = "tag", _("Tag")
    SCORE = "score", _("Score")


class InterviewStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Rating(models.IntegerChoices):
    """Four-point scale, no neutral (Greenhouse scorecards)."""

    STRONG_NO = 1, _("Strong no")
    NO = 2, _("No")
    YES = 3, _("Yes")
    STRONG_YES = 4, _("Strong yes")


class Recommendation(models.IntegerChoices):
    DEFINITELY_NOT = 1, _("Definitely not")
    NO = 2, _("No")
    YES = 3, _("Yes")
    STRONG_YES = 4, _("Strong yes")


class ScorecardAttribute(models.TextChoices):
    MANDARIN_CLARITY = "mandarin_clarity", _("Mandarin clarity")
    COMMUNICATION = "communication", _("Communication")
    PRESSURE_RESILIENCE = "pressure_resilience", _("Pressure resilience")
    COMPLIANCE_AWARENESS = "compliance_awareness", _("Compliance awareness")
    SERVICE_ATTITUDE = "service_attitude", _("Service attitude")
    TEAM_LEADERSHIP = "team_leadership", _("Team leadership")
    COACHING = "coaching", _("Coaching")
    PERFORMANCE_MANAGEMENT = "performance_management", _("Performance management")


COLLECTOR_ATTRIBUTES = (
    ScorecardAttribute.MANDARIN_CLARITY, ScorecardAttribute.COMMUNICATION, ScorecardAttribute.PRESSURE_RESILIENCE,
    ScorecardAttribute.COMPLIANCE_AWARENESS, ScorecardAttribute.SERVICE_ATTITUDE,
)
SCORECARD_ATTRIBUTES = {
    HiringRole.COLLECTOR: COLLECTOR_ATTRIBUTES,
    HiringRole.TEAM_LEAD: COLLECTOR_ATTRIBUTES + (ScorecardAttribute.TEAM_LEADERSHIP, ScorecardAttribute.COACHING),
    HiringRole.SUPERVISOR: (
        ScorecardAttribute.COMMUNICATION, ScorecardAttribute.PRESSURE_RESILIENCE, ScorecardAttribute.COMPLIANCE_AWARENESS,
        ScorecardAttribute.TEAM_LEADERSHIP, ScorecardAttribute.COACHING, ScorecardAttribute.PERFORMANCE_MANAGEMENT,
    ),
}


class OfferStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING_APPROVAL = "pending_approval", _("Awaiting supervisor approval")
    SENT = "sent", _("Sent to candidate")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_OFFER_STATUSES = frozenset({OfferStatus.DRAFT, OfferStatus.PENDING_APPROVAL, OfferStatus.SENT})


class ProposalParty(models.TextChoices):
    COMPANY = "company", _("Company")
    CANDIDATE = "candidate", _("Candidate")


class BackgroundCheckStatus(models.TextChoices):
    AWAITING_CONSENT = "awaiting_consent", _("Awaiting consent")
    IN_PROGRESS = "in_progress", _("In progress")
    CLEAR = "clear", pgettext_lazy("background check status", "Clear")
    CONCERN = "concern", _("Concern found")


class CheckResult(models.TextChoices):
    PENDING = "pending", pgettext_lazy("background check result", "Pending")
    CLEAR = "clear", pgettext_lazy("background check result", "Clear")
    ADVERSE = "adverse", _("Adverse")
