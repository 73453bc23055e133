"""Template helpers of the people pages: one badge colour per status value."""
from __future__ import annotations

from django import template

register = template.Library()

BADGE = {
    # training sessions
    "planned": "text-bg-primary", "held": "text-bg-secondary", "cancelled": "text-bg-light border text-body-secondary",
    # attendance and results
    "enrolled": "text-bg-light border", "present": "text-bg-success", "absent": "text-bg-danger", "excused": "text-bg-warning",
    "pending": "text-bg-light border", "passed": "text-bg-success", "failed": "text-bg-danger",
    # plans and goals
    "active": "text-bg-primary", "completed": "text-bg-success", "open": "text-bg-light border", "done": "text-bg-success",
    "dropped": "text-bg-secondary",
    # feedback
    "submitted": "text-bg-warning", "in_review": "text-bg-info", "answered": "text-bg-success", "closed": "text-bg-secondary",
    # feedback kinds / training kinds
    "complaint": "bg-danger-subtle text-danger-emphasis border border-danger-subtle", "suggestion": "bg-success-subtle text-success-emphasis border border-success-subtle",
    "onboarding": "bg-primary-subtle text-primary-emphasis border border-primary-subtle", "skills": "bg-info-subtle text-info-emphasis border border-info-subtle",
    "compliance": "bg-warning-subtle text-warning-emphasis border border-warning-subtle", "case_review": "bg-secondary-subtle text-secondary-emphasis border border-secondary-subtle",
}


@register.filter
def people_badge(value: str | None) -> str:
    """Bootstrap badge classes for a status / kind value (``text-bg-light`` when unknown)."""
    return BADGE.get(str(value or ""), "text-bg-light border")
