"""Writes for people records. Integration keys: django-rest-knox tokens (stored as a SHA-512 digest; the key itself is shown
once). Clients send ``Authorization: Token <key>``. Revoke a key by deleting its row in the admin
(Knox › Auth tokens) or with ``knox``'s logout endpoints."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from knox.models import AuthToken

from common.audit import audit_event_record

from ..models import User


@transaction.atomic
def api_key_create(*, user: User, actor: User | None, name: str = "", expiry: dt.timedelta | None = None) -> tuple[AuthToken, str]:
    """Create an API key for ``user`` and return ``(token_row, key)``.

    Only the digest is stored; ``key`` cannot be recovered later. ``name`` (what the key is for)
    and the key's 8-character lookup prefix go into the audit log (``api_key_created``), so a key
    can be identified and revoked without ever storing it. ``expiry`` ``None`` = never expires.
    Raises ``ValidationError`` for an inactive user.
    """
    if not user.is_active:
        raise ValidationError({"user": [_("%(user)s is not active.") % {"user": user.username}]})
    token_row, key = AuthToken.objects.create(user=user, expiry=expiry)
    audit_event_record(
        actor=actor, verb="api_key_created", target=user,
        data={"name": name, "token_key": token_row.token_key, "expiry": token_row.expiry.isoformat() if token_row.expiry else None},
    )
    return token_row, key
