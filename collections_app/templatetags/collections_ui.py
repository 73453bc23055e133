"""Display helpers for the collections pages: CNY amounts, masking, badges.

Masking follows DOMAIN.md "Identity and contact data" through :mod:`common.validators`; the
templates never print a raw ID number or phone unless the page was revealed (audited).
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.translation import gettext as _

from common.validators import mask_contact, mask_free_text, mask_id_number, mask_name

register = template.Library()

TIER_BADGE = {"high": "text-bg-danger", "medium": "text-bg-warning", "low": "text-bg-success"}
PROMISE_BADGE = {
    "open": "text-bg-primary", "kept": "text-bg-success", "partially_kept": "text-bg-warning",
    "broken": "text-bg-danger", "cancelled": "text-bg-secondary",
}
PLACEMENT_BADGE = {"pending": "text-bg-secondary", "running": "text-bg-primary", "succeeded": "text-bg-success", "failed": "text-bg-danger"}
RUN_BADGE = PLACEMENT_BADGE  # allocation runs use the same four statuses as placements


@register.filter
def cny(value: Any) -> str:
    """``Decimal('12345.6')`` → ``¥12,345.60`` (comma groups in every language; money is CNY, 2 places)."""
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


@register.filter
def masked_name(value: str | None) -> str:
    return mask_name(value)


@register.filter
def masked_id(value: str | None) -> str:
    return mask_id_number(value) or "—"


@register.filter
def masked_contact(contact_point: Any) -> str:
    """A :class:`ContactPoint`'s value masked by kind (``common.validators.mask_contact``)."""
    if contact_point is None:
        return ""
    return mask_contact(contact_point.kind, contact_point.value)


@register.filter
def masked_text(value: Any) -> str:
    """Free text masked for identity data (``common.validators.mask_free_text``)."""
    return mask_free_text(value)


@register.filter
def phone_local(value: str | None) -> str:
    """``+8613800138000`` → ``13800138000`` (revealed view); other values unchanged."""
    if value and value.startswith("+86"):
        return value[3:]
    return value or ""


@register.filter
def tier_rule_label(name: str | None) -> str:
    """The readable meaning of a matched risk-tier rule (its name when it is not a default rule)."""
    from collections_app.defaults import TIER_RULE_LABELS

    return str(TIER_RULE_LABELS.get(name or "", name or ""))


@register.filter
def tier_badge(tier: str | None) -> str:
    return TIER_BADGE.get(tier or "", "text-bg-light")


@register.filter
def promise_badge(status: str | None) -> str:
    return PROMISE_BADGE.get(status or "", "text-bg-light")


@register.filter
def status_badge(status: str | None) -> str:
    return RUN_BADGE.get(status or "", "text-bg-light")


@register.simple_tag
def delinquency(case: Any) -> str:
    """``15 DPD`` or ``3 cycles``: which measure the feed gave (DOMAIN.md: never invent DPD from cycles)."""
    if getattr(case, "delinquency_basis", "dpd") == "cycles":
        n = case.cycles_delinquent
        return _("%(n)s cycles") % {"n": n} if n is not None else "—"
    n = case.days_past_due
    return _("%(n)s DPD") % {"n": n} if n is not None else "—"


@register.filter
def duration(seconds: int | None) -> str:
    """``135`` → ``2:15``."""
    if not seconds:
        return "0:00"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
