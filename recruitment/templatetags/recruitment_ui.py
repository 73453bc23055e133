"""Display helpers for the recruitment and careers pages: CNY amounts and salary ranges, status
badges, wording warnings. Recruitment depends only on ``teams`` and ``common``, so these mirror the
collections filters instead of importing them."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import re

from django import template
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _

register = template.Library()

POSTING_BADGE = {"draft": "text-bg-secondary", "open": "text-bg-success", "paused": "text-bg-warning", "closed": "text-bg-dark"}
REQUISITION_BADGE = {
    "pending": "text-bg-warning", "approved": "text-bg-success", "rejected": "text-bg-danger", "filled": "text-bg-primary",
    "cancelled": "text-bg-secondary",
}


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _amount(amount: Decimal) -> str:
    """``5000`` → ``5,000``; ``5000.5`` → ``5,000.50`` (whole yuan without decimals)."""
    return f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"


@register.filter
def cny(value: Any) -> str:
    """``Decimal('12345.6')`` → ``¥12,345.60`` (money is CNY with two places, as on the collections pages)."""
    amount = _decimal(value)
    if amount is None:
        return "—" if value in (None, "") else str(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


@register.simple_tag
def salary_range(posting: Any) -> str:
    """A posting's monthly gross salary range: ``¥5,000–8,000/月`` (``/month`` in English)."""
    low, high = _decimal(posting.salary_min), _decimal(posting.salary_max)
    if low is None or high is None:
        return "—"
    text = f"¥{_amount(low)}" if low == high else f"¥{_amount(low)}–{_amount(high)}"
    return text + _("/month")


@register.filter
def posting_badge(status: str | None) -> str:
    return POSTING_BADGE.get(status or "", "text-bg-light")


@register.filter
def requisition_badge(status: str | None) -> str:
    return REQUISITION_BADGE.get(status or "", "text-bg-light")


@register.filter
def wording_items(warnings: Any) -> list[dict[str, str]]:
    """``JobPosting.wording_warnings`` (``recruitment.wording``: ``{"phrase", "rule", "law",
    "severity", "field"}``) ready to show: the rule's label and law in the active language, the
    field's label, high-severity first."""
    from ..models import JobPosting
    from ..wording import HIGH, RULES_BY_NAME

    items = []
    for warning in warnings or []:
        if not isinstance(warning, dict):
            warning = {"phrase": str(warning)}
        rule = RULES_BY_NAME.get(warning.get("rule") or "")
        field_name = warning.get("field") or ""
        try:
            field_label = capfirst(str(JobPosting._meta.get_field(field_name).verbose_name)) if field_name else ""
        except Exception:  # noqa: BLE001 - an unknown field name is shown as stored
            field_label = field_name
        items.append({
            "phrase": str(warning.get("phrase") or ""),
            "rule": str(rule.label) if rule else str(warning.get("rule") or ""),
            "law": str(rule.law) if rule else str(warning.get("law") or ""),
            "severity": warning.get("severity") or (rule.severity if rule else HIGH),
            "field": field_label,
        })
    items.sort(key=lambda item: item["severity"] != HIGH)
    return items


# --- offers, background checks and analytics (helper V3) -------------------------------------------

OFFER_STATUS_BADGE = {
    "draft": "text-bg-light border", "pending_approval": "text-bg-warning", "sent": "text-bg-primary", "accepted": "text-bg-success",
    "declined": "text-bg-danger", "expired": "text-bg-secondary", "withdrawn": "text-bg-secondary",
}
CHECK_STATUS_BADGE = {"awaiting_consent": "text-bg-warning", "in_progress": "text-bg-primary", "clear": "text-bg-success", "concern": "text-bg-danger"}
CHECK_RESULT_BADGE = {"pending": "text-bg-light border", "clear": "text-bg-success", "adverse": "text-bg-danger"}


@register.filter
def offer_badge(status: str | None) -> str:
    return OFFER_STATUS_BADGE.get(status or "", "text-bg-light border")


@register.filter
def check_badge(status: str | None) -> str:
    return CHECK_STATUS_BADGE.get(status or "", "text-bg-light border")


@register.filter
def check_result_badge(result: str | None) -> str:
    return CHECK_RESULT_BADGE.get(result or "", "text-bg-light border")


@register.filter
def pct(value: Any) -> str:
    """``Decimal('62.5')`` → ``62.5%``; ``None`` (no base to divide by) → ``—``."""
    number = _decimal(value)
    return "—" if number is None else f"{number:.1f}%"


@register.filter
def days1(value: Any) -> str:
    """Days with one decimal (``2.5``); ``None`` → ``—``."""
    number = _decimal(value)
    return "—" if number is None else f"{number:.1f}"


# --- applications, board and interviews (helper V2) ---------------------------------------------------

STAGE_KIND_CLASS = {
    "applied": "app-stage-applied", "screening": "app-stage-screening", "interview": "app-stage-interview", "offer": "app-stage-offer",
    "background_check": "app-stage-check", "hired": "app-stage-hired", "rejected": "app-stage-rejected", "withdrawn": "app-stage-withdrawn",
    "custom": "app-stage-custom",
}
APPLICATION_STATUS_BADGE = {"active": "text-bg-light border", "hired": "text-bg-success", "rejected": "text-bg-danger", "withdrawn": "text-bg-secondary"}
INTERVIEW_STATUS_BADGE = {"scheduled": "text-bg-primary", "completed": "text-bg-success", "cancelled": "text-bg-secondary"}
RECOMMENDATION_CLASS = {1: "app-rec-1", 2: "app-rec-2", 3: "app-rec-3", 4: "app-rec-4"}


@register.filter
def days_in_stage(application: Any) -> int:
    """Whole local days since the application entered its stage (0 = today, Asia/Shanghai)."""
    from django.utils import timezone

    from common.dates import local_today

    entered = getattr(application, "stage_entered_at", None)
    if entered is None:
        return 0
    return max(0, (local_today() - timezone.localdate(entered)).days)


@register.filter
def screening_reason(result: Any) -> str:
    """The rule's outcome in words (``services.screening.screening_result_reason``)."""
    from ..services.screening import screening_result_reason

    return screening_result_reason(result)


@register.filter
def masked_mobile(value: str | None) -> str:
    from common.validators import mask_mobile

    return mask_mobile(value)


@register.filter
def masked_id_number(value: str | None) -> str:
    from common.validators import mask_id_number

    return mask_id_number(value)


@register.filter
def masked_email(value: str | None) -> str:
    from common.validators import mask_contact

    return mask_contact("email", value)


@register.filter
def mobile_local(value: str | None) -> str:
    """``+8613800138000`` → ``138 0013 8000`` (the way a recruiter dials it)."""
    if not value:
        return ""
    local = value[3:] if value.startswith("+86") else value
    return f"{local[:3]} {local[3:7]} {local[7:]}" if len(local) == 11 and local.isdigit() else local


@register.filter
def stage_class(kind: str | None) -> str:
    return STAGE_KIND_CLASS.get(kind or "", "app-stage-custom")


@register.filter
def application_status_badge(status: str | None) -> str:
    return APPLICATION_STATUS_BADGE.get(status or "", "text-bg-light border")


@register.filter
def interview_status_badge(status: str | None) -> str:
    return INTERVIEW_STATUS_BADGE.get(status or "", "text-bg-light border")


@register.filter
def recommendation_class(value: Any) -> str:
    try:
        return RECOMMENDATION_CLASS.get(int(value), "")
    except (TypeError, ValueError):
        return ""


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``{{ ratings|get_item:attribute }}`` for JSON dicts in templates."""
    try:
        return mapping.get(str(key))
    except AttributeError:
        return None


@register.filter
def initial(name: str | None) -> str:
    """First character of a name, for the round avatar on cards and rows."""
    return (name or "?").strip()[:1] or "?"


@register.filter
def move_targets(application: Any) -> list:
    """Stages the application can be moved to (``selectors.movable_stages``); uses the posting's
    prefetched stages when the list prefetched them."""
    from ..selectors import movable_stages

    return movable_stages(application=application, stages=list(application.posting.stages.all()))


@register.filter
def rating_average(ratings: Any) -> str:
    """Mean of a scorecard's 1–4 ratings with one decimal (``3.4``); ``—`` when there are none."""
    values = [v for v in (ratings or {}).values() if isinstance(v, int)]
    return f"{sum(values) / len(values):.1f}" if values else "—"


@register.filter
def marked_text(text: str, warnings: Any) -> SafeString:
    """``text`` as paragraphs (like ``linebreaks``) with each warned phrase wrapped in ``<mark>``,
    so HR sees where the wording warning points. Escapes everything else."""
    phrases = sorted({str(w.get("phrase")) for w in warnings or [] if isinstance(w, dict) and w.get("phrase")}, key=len, reverse=True)
    html = linebreaks(escape(text or ""), autoescape=False)
    if not phrases:
        return mark_safe(html)
    pattern = re.compile("|".join(re.escape(escape(p)) for p in phrases))
    return mark_safe(pattern.sub(lambda m: f'<mark class="app-wording-phrase">{m.group(0)}</mark>', html))
