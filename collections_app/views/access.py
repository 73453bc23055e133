"""Who may open which page, and the decorator every collections view uses.

Pages that are not a single resource verb have a row in ``collections_app.permissions.PAGES``
(permissions are data, STYLE.md rule 5). The navigation (``common.context_processors.navigation``) reads the same rows, so a link is shown
exactly when the page would open.
"""
from __future__ import annotations

from functools import wraps
from typing import Any, Callable

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from common.permissions import PermissionTable, role_can

from ..permissions import PAGES

__all__ = ["PAGES", "role_required"]


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
