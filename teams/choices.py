from django.db import models
from django.utils.translation import gettext_lazy as _


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
