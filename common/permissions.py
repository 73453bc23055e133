"""Permissions are data: each app's ``permissions.py`` holds a ``{action: set(roles)}`` table per
resource; the DRF permission class and the HTML views both read it through :func:`role_can`."""
from __future__ import annotations

from functools import wraps
from typing import Any, Callable, Mapping

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from rest_framework.permissions import BasePermission

PermissionTable = Mapping[str, frozenset[str] | set[str]]


def role_can(user: Any, table: PermissionTable, action: str) -> bool:
    """True when the user's role is allowed ``action`` in ``table``. Being a Django superuser
    does not widen it: a superuser account works under its role like anyone else."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.role in table.get(action, ())


class RoleActionPermission(BasePermission):
    """Reads ``view.permission_table`` and maps the DRF action (list, retrieve, create, …, or a
    custom ``@action`` name) to a row of that table. Unknown actions are refused."""

    def has_permission(self, request, view) -> bool:
        table: PermissionTable = getattr(view, "permission_table", {})
        action = getattr(view, "action", None) or request.method.lower()
        if action in ("list", "retrieve", "metadata"):
            action = "view"
        return role_can(request.user, table, action)


def role_required(table: PermissionTable, action: str) -> Callable:
    """Anonymous → redirect to the login page; a role without ``action`` in ``table`` → 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: Any, *args: Any, **kwargs: Any):
            if not role_can(request.user, table, action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapper)

    return decorator
