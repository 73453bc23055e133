"""Creditors (委托方): created and edited by administrators; never deleted (deactivate instead)."""
from __future__ import annotations

from typing import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from common.audit import audit_event_record
from teams.choices import Role
from teams.models import User

from ..choices import ProductType
from ..models import Creditor

EDITABLE_FIELDS = ("name", "default_product", "is_active")


def _check_integration_clients(clients: Iterable[User]) -> list[User]:
    clients = list(clients)
    wrong = [c.username for c in clients if c.role != Role.INTEGRATION_CLIENT]
    if wrong:
        raise ValidationError({"integration_clients": [_("Not integration clients: %(users)s") % {"users": ", ".join(wrong)}]})
    return clients


@transaction.atomic
def creditor_create(
    *,
    actor: User | None,
    code: str,
    name: str,
    default_product: str = ProductType.LOAN,
    is_active: bool = True,
    integration_clients: Iterable[User] | None = None,
) -> Creditor:
    """Create a creditor. ``code`` is the slug integrations and placement files use (unique).

    Raises ``ValidationError`` for a duplicate code, an unknown product or a linked user who is
    not an integration client.
    """
    clients = _check_integration_clients(integration_clients or [])
    creditor = Creditor(code=code, name=name.strip(), default_product=default_product, is_active=is_active)
    creditor.full_clean()
    creditor.save()
    if clients:
        creditor.integration_clients.set(clients)
    audit_event_record(
        actor=actor, verb="creditor_created", target=creditor,
        data={"code": code, "name": creditor.name, "default_product": default_product, "is_active": is_active,
              "integration_clients": [c.pk for c in clients]},
    )
    return creditor


@transaction.atomic
def creditor_update(
    *,
    creditor: Creditor,
    actor: User | None,
    integration_clients: Iterable[User] | None = None,
    **changes: object,
) -> Creditor:
    """Change a creditor's ``name``, ``default_product`` or ``is_active`` (the code is fixed) and,
    when ``integration_clients`` is given, replace the linked integration clients.

    Deactivating (``is_active=False``) is how a creditor is retired; nothing is deleted.
    Raises ``ValidationError`` for an unknown field or invalid value.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({field: [_("This field cannot be changed.")] for field in sorted(unknown)})
    before = {field: getattr(creditor, field) for field in changes}
    for field, value in changes.items():
        setattr(creditor, field, value.strip() if isinstance(value, str) and field == "name" else value)
    creditor.full_clean()
    if changes:
        creditor.save(update_fields=list(changes))
    data: dict[str, object] = {"before": before, "after": {field: getattr(creditor, field) for field in changes}}
    if integration_clients is not None:
        clients = _check_integration_clients(integration_clients)
        creditor.integration_clients.set(clients)
        data["integration_clients"] = [c.pk for c in clients]
    audit_event_record(actor=actor, verb="creditor_updated", target=creditor, data=data)
    return creditor
