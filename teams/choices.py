from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    """Roles from PRODUCT.md ("Users and what they do every day")."""

    COLLECTOR = "collector", _("Collector")
    TEAM_LEAD = "team_lead", _("Team lead")
    SUPERVISOR = "supervisor", _("Supervisor")
    DIRECTOR = "director", _("Director")
    LEGAL_OFFICER = "legal_officer", _("Legal officer")
    HR_RECRUITER = "hr_recruiter", _("HR recruiter")
    ADMINISTRATOR = "administrator", _("Administrator")
    INTEGRATION_CLIENT = "integration_client", _("Integration client")


class ExperienceLevel(models.TextChoices):
    JUNIOR = "junior", _("Junior")
    INTERMEDIATE = "intermediate", _("Intermediate")
    SENIOR = "senior", _("Senior")


class Skill(models.TextChoices):
    PHONE = "phone", _("Phone")
    FIELD = "field", _("Field")


class TrainingKind(models.TextChoices):
    """Training sessions (PRODUCT.md teams: onboarding, skills, case-review sharing; plus compliance)."""

    ONBOARDING = "onboarding", _("Onboarding")
    SKILLS = "skills", _("Skills")
    COMPLIANCE = "compliance", _("Compliance")
    CASE_REVIEW = "case_review", _("Case-review sharing")


class TrainingSessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Attendance(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excused")


class TrainingResult(models.TextChoices):
    PENDING = "pending", pgettext_lazy("training result", "Pending")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class DevelopmentPlanStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class GoalStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("development goal", "Open")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class FeedbackKind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    SUGGESTION = "suggestion", _("Suggestion")


class FeedbackStatus(models.TextChoices):
    """Workflow: submitted → in review → answered → closed."""

    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", pgettext_lazy("feedback status", "Closed")


class ActivityStatus(models.TextChoices):
    OPEN = "open", _("Open for sign-up")
    CLOSED = "closed", _("Sign-up closed")
    CANCELLED = "cancelled", _("Cancelled")
    HELD = "held", _("Held")
