"""Small helpers every recruitment page module shares (one definition each)."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from common.errors import ApplicationError


def safe_next_url(request: HttpRequest, fallback: str) -> str:
    """The ``next`` of the POST or the query string when it points at this site (same host, no
    scheme downgrade), otherwise ``fallback``: a form never redirects off-site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


def error_text(exc: ValidationError | ApplicationError) -> str:
    """One line for a message: the rule's message, or the field errors joined."""
    if isinstance(exc, ApplicationError):
        return exc.message
    if hasattr(exc, "error_dict"):
        return " ".join(m for field_messages in exc.message_dict.values() for m in field_messages)
    return " ".join(exc.messages)
