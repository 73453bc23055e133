"""Writing audit events. Call inside the service's transaction so the event and the change commit together."""
from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditEvent


def audit_event_record(*, actor: Any, verb: str, target: models.Model, data: dict | None = None) -> AuditEvent:
    """Append one :class:`AuditEvent` for ``target``. ``actor`` may be ``None`` (system/task)."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        verb=verb,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        data=data or {},
    )
